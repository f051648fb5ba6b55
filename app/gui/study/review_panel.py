"""Blind review of a reproduction study's outputs, one at a time.

Each output is shown beside the candidate work(s) under its neutral label, and nothing else:
not its prompt, its study arm, its try or the tool's score (the panel only ever reads
:func:`app.capture.study.review.blind_set`, which carries none of them). The reviewer
answers similar / not similar / unsure with an optional note; each answer is written at
once, on the session's writer thread, as an insert-only review row with the reviewer's name
and the time. Outputs this reviewer already answered are skipped, so a second reviewer gets
the whole set, in an order of their own.

The pictures are decoded in the session's pool, scaled to :data:`IMAGE_SIDE` and refused
above the thumbnails' pixel limit (:func:`app.gui.thumbnails.decode_limited`); a grey
placeholder stands in meanwhile, and a picture that arrives after the reviewer moved on is
dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.capture.study.review import BlindItem, blind_set, latest_reviews, record_reviews
from app.capture.study.study import Study, get_study, protocol_versions
from app.core import items as items_mod
from app.gui.session import CaseSession
from app.gui.thumbnails import DecodedImage, ThumbnailRefused, decode_limited

IMAGE_SIDE = 320
PLACEHOLDER_COLOUR = QColor(224, 224, 224)


def placeholder_pixmap() -> QPixmap:
    """GUI thread: the grey square shown while a picture is decoded in the pool."""
    pixmap = QPixmap(IMAGE_SIDE, IMAGE_SIDE)
    pixmap.fill(PLACEHOLDER_COLOUR)
    return pixmap


class StudyReviewPanel(QWidget):
    """Blind review for the latest frozen study of the session's case."""

    answered = Signal(int)  # the item id just recorded

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("studyReviewPanel")
        self.session = session
        self.study: Study | None = None
        self.queue: list[BlindItem] = []
        self.current: BlindItem | None = None
        self.done = 0
        self._shown = 0  # counts the outputs shown; a picture decoded for an earlier one is dropped

        self.reviewer = QLineEdit(self)
        self.reviewer.setObjectName("studyReviewer")
        self.start_button = QPushButton(self)
        self.start_button.setObjectName("studyStart")
        self.start_button.clicked.connect(self.start)
        self.status = QLabel(self)
        self.status.setObjectName("studyStatus")
        self.label = QLabel(self)
        self.label.setObjectName("studyLabel")
        self.output_image = QLabel(self)
        self.output_image.setObjectName("studyOutput")
        self.output_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.works_box = QHBoxLayout()
        self.note = QLineEdit(self)
        self.note.setObjectName("studyNote")
        self.buttons: dict[str, QPushButton] = {}
        answers = QHBoxLayout()
        for answer in ("similar", "not_similar", "unsure"):
            button = QPushButton(self)
            button.setObjectName(f"studyAnswer_{answer}")
            button.clicked.connect(lambda _=False, a=answer: self.answer(a))
            self.buttons[answer] = button
            answers.addWidget(button)

        top = QHBoxLayout()
        self.reviewer_label = QLabel(self)
        top.addWidget(self.reviewer_label)
        top.addWidget(self.reviewer, 1)
        top.addWidget(self.start_button)
        images = QHBoxLayout()
        left = QVBoxLayout()
        self.output_caption = QLabel(self)
        left.addWidget(self.output_caption)
        left.addWidget(self.output_image)
        left.addStretch(1)
        images.addLayout(left)
        images.addLayout(self.works_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.label)
        layout.addLayout(images, 1)
        self.note_label = QLabel(self)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)
        layout.addLayout(answers)
        self.retranslate_ui()
        self._enable(False)

    # -- flow -----------------------------------------------------------------------------

    def start(self) -> None:
        name = self.reviewer.text().strip()
        if not name:
            self.status.setText(self.tr("Enter the reviewer's name first."))
            return
        view = self.session.view
        try:
            study = get_study(view)
        except Exception as exc:  # no study yet: say so, nothing else
            self.status.setText(str(exc))
            return
        if not protocol_versions(view, study.id):
            self.status.setText(self.tr("The study's protocol is not frozen yet."))
            return
        self.study = study
        seen = latest_reviews(view, study.id).get(name, {})
        self.queue = [b for b in blind_set(view, study, name) if b.item_id not in seen]
        self.done = 0
        self.reviewer.setEnabled(False)
        self._next()

    def answer(self, answer: str) -> None:
        if self.current is None or self.study is None:
            return
        item, note, study = self.current, self.note.text().strip(), self.study
        name = self.reviewer.text().strip()
        self._enable(False)
        self.session.write(
            lambda case: record_reviews(
                case, study, name, [(item.item_id, answer, note)], via="gui"
            ),
            lambda _: self._recorded(item),
            lambda exc: self.status.setText(str(exc)),
            title=self.tr("Recording a review answer"),
        )

    def _recorded(self, item: BlindItem) -> None:
        self.done += 1
        self.answered.emit(item.item_id)
        self._next()

    def _next(self) -> None:
        self._shown += 1
        self.note.clear()
        self._clear_works()
        if not self.queue:
            self.current = None
            self.label.clear()
            self.output_image.clear()
            self.status.setText(self.tr("Review complete: %n answer(s) recorded.", "", self.done))
            self._enable(False)
            return
        self.current = self.queue.pop(0)
        remaining = len(self.queue)
        self.status.setText(self.tr("%n output(s) left after this one.", "", remaining))
        self.label.setText(self.current.label)
        self._show_image(self.output_image, self.current.sha256)
        for title, work_item in zip(
            self.current.work_titles, self.current.work_item_ids, strict=True
        ):
            sha = items_mod.get_item(self.session.view, work_item).sha256
            box = QVBoxLayout()
            caption = QLabel(title, self)
            caption.setWordWrap(True)
            image = QLabel(self)
            self._show_image(image, str(sha))
            box.addWidget(caption)
            box.addWidget(image)
            box.addStretch(1)
            self.works_box.addLayout(box)
        self._enable(True)

    def _show_image(self, label: QLabel, sha256: str) -> None:
        """A placeholder now; the picture, scaled in the session's pool, when it is decoded."""
        label.setPixmap(placeholder_pixmap())
        label.setProperty("loading", True)
        path, shown = self.session.object_path(sha256), self._shown
        self.session.pool.run(
            lambda: decode_limited(path, IMAGE_SIDE),
            lambda decoded: self._decoded(shown, label, decoded),
            lambda exc: self._undecodable(shown, label, exc),
            title="study-review-image",
        )

    def _decoded(self, shown: int, label: QLabel, decoded: DecodedImage) -> None:
        if shown != self._shown:
            return  # the reviewer moved on; the label may be gone
        label.setPixmap(QPixmap.fromImage(decoded.to_qimage()))
        label.setProperty("loading", False)

    def _undecodable(self, shown: int, label: QLabel, exc: BaseException) -> None:
        if shown != self._shown:
            return
        label.setProperty("loading", False)
        if isinstance(exc, ThumbnailRefused) and exc.failure.code == "too-large":
            label.setText(
                self.tr("This picture is too large to be decoded ({size}).").format(
                    size=exc.failure.detail
                )
            )
        else:
            label.setText(self.tr("This picture cannot be decoded."))

    def _clear_works(self) -> None:
        while self.works_box.count():
            box = self.works_box.takeAt(0)
            layout = box.layout() if box is not None else None
            if layout is None:
                continue
            while layout.count():
                child = layout.takeAt(0)
                widget = child.widget() if child is not None else None
                if widget is not None:
                    widget.deleteLater()

    def _enable(self, on: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(on)
        self.note.setEnabled(on)

    # -- texts ----------------------------------------------------------------------------

    def visible_texts(self) -> list[str]:
        """Every text the panel shows now (for the blindness test)."""
        return [w.text() for w in self.findChildren(QLabel)] + [
            w.text() for w in self.findChildren(QPushButton)
        ]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.reviewer_label.setText(self.tr("Reviewer"))
        self.start_button.setText(self.tr("Start blind review"))
        self.output_caption.setText(self.tr("Output"))
        self.note_label.setText(self.tr("Note (optional): the elements you compared"))
        self.buttons["similar"].setText(self.tr("Similar"))
        self.buttons["not_similar"].setText(self.tr("Not similar"))
        self.buttons["unsure"].setText(self.tr("Unsure"))
