"""The inspector's OCR section: recognised text, suggested tags, and prompt recovery.

The text shown is machine-recognised and says so. Suggested tags are applied only when the
user clicks them. A prompt is offered from the lines the user selects (the region of text
they mark) or, by default, the line after a "prompt"-like label; it is stored only when the
user confirms it, as an operator note "recovered by OCR" (``item.ocr-prompt-confirmed``),
never as a recorded prompt.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGraphicsView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core import items as items_mod
from app.core import ocr
from app.core.items import Item
from app.gui.messages import show_error
from app.gui.preview import PreviewPane
from app.gui.session import CaseSession


class OcrPanel(QGroupBox):
    """Shown for an item that has an OCR result; hidden otherwise."""

    prompt_saved = Signal(int)  # item id, after the note is stored

    def __init__(
        self,
        session: CaseSession,
        parent: QWidget | None = None,
        *,
        preview: PreviewPane | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ocrPanel")
        self.session = session
        self.preview = preview
        self._band: QRectF | None = None
        self.item: Item | None = None
        self.record: ocr.OcrRecord | None = None

        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.lines = QListWidget(self)
        self.lines.setObjectName("ocrLines")
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.lines.setMaximumHeight(140)
        self.lines.itemSelectionChanged.connect(self._selection_changed)
        self.tags_row = QWidget(self)
        self.tags_layout = QHBoxLayout(self.tags_row)
        self.tags_layout.setContentsMargins(0, 0, 0, 0)
        self.prompt_label = QLabel(self)
        self.prompt_label.setWordWrap(True)
        self.prompt_edit = QPlainTextEdit(self)
        self.prompt_edit.setObjectName("ocrPromptEdit")
        self.prompt_edit.setMaximumHeight(64)
        self.prompt_save = QPushButton(self)
        self.prompt_save.setObjectName("ocrPromptSave")
        self.prompt_save.clicked.connect(self.save_prompt)
        # Marking a region on the preview: while checked, a drag there draws a rubber band and
        # the text of the lines inside it is offered.
        self.mark_button = QPushButton(self)
        self.mark_button.setObjectName("ocrMarkRegion")
        self.mark_button.setCheckable(True)
        self.mark_button.setEnabled(preview is not None)
        self.mark_button.toggled.connect(self._marking)
        if preview is not None:
            preview.view.rubberBandChanged.connect(self._rubber_band)

        layout = QVBoxLayout(self)
        for w in (
            self.caption,
            self.lines,
            self.tags_row,
            self.prompt_label,
            self.mark_button,
            self.prompt_edit,
            self.prompt_save,
        ):
            layout.addWidget(w)
        self.retranslate_ui()
        self.setVisible(False)

    def show_item(self, item: Item | None) -> None:
        self.item = item
        self.record = (
            ocr.latest(self.session.view, [item.id]).get(item.id) if item is not None else None
        )
        self.setVisible(self.record is not None)
        if self.record is None:
            return
        record = self.record
        self.caption.setText(
            self.tr(
                "Machine-recognised text (OCR, {engine} {version}); it may contain errors and is "
                "not part of the evidence. Select lines to take them as the prompt."
            ).format(engine=record.engine, version=record.engine_version)
        )
        self.lines.clear()
        for line in record.lines:
            entry = QListWidgetItem(line.text)
            entry.setToolTip(
                self.tr("confidence {conf:.0f}, box {box}").format(
                    conf=line.confidence, box=list(line.box)
                )
            )
            self.lines.addItem(entry)
        if not record.lines:
            self.lines.addItem(self.tr("(no text recognised)"))
        self._fill_tags(record)
        self.prompt_edit.setPlainText(ocr.suggest_prompt(record) or "")
        self.prompt_save.setEnabled(not self.session.read_only)
        self.mark_button.setChecked(False)

    def _fill_tags(self, record: ocr.OcrRecord) -> None:
        while self.tags_layout.count():
            widget = self.tags_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        suggested = ocr.suggest_tags(record.text)
        current = set(
            items_mod.tags_by_item(self.session.view, [record.item_id]).get(record.item_id, [])
        )
        for tag in suggested:
            if tag in current:
                continue
            button = QPushButton(self.tr("+ {tag}").format(tag=tag), self.tags_row)
            button.setObjectName("ocrSuggestedTag")
            button.setToolTip(self.tr("Suggested from the recognised text; click to apply"))
            button.setProperty("tag", tag)
            button.clicked.connect(lambda _=False, t=tag: self.apply_tag(t))
            button.setEnabled(not self.session.read_only)
            self.tags_layout.addWidget(button)
        self.tags_layout.addStretch(1)

    def selected_lines(self) -> list[ocr.OcrLine]:
        if self.record is None:
            return []
        rows = sorted(self.lines.row(i) for i in self.lines.selectedItems())
        return [self.record.lines[r] for r in rows if r < len(self.record.lines)]

    def mark_region(self, region: tuple[int, int, int, int]) -> str:
        """Offer the text inside ``region`` (image pixels: left, top, width, height)."""
        if self.record is None:
            return ""
        text = ocr.text_in_region(self.record.lines, region)
        self.prompt_edit.setPlainText(text)
        return text

    def _marking(self, on: bool) -> None:
        if self.preview is None:
            return
        view = self.preview.view
        view.setDragMode(
            QGraphicsView.DragMode.RubberBandDrag if on else QGraphicsView.DragMode.ScrollHandDrag
        )
        self._band = None

    def _rubber_band(self, viewport_rect: QRect, from_scene: QPointF, to_scene: QPointF) -> None:
        """Qt reports the band while it is drawn, then a null rect when the mouse is released."""
        if not self.mark_button.isChecked():
            return
        if not viewport_rect.isNull():
            self._band = QRectF(from_scene, to_scene).normalized()
            return
        if self._band is not None:
            self.mark_scene_rect(self._band)
            self._band = None
            self.mark_button.setChecked(False)

    def mark_scene_rect(self, rect: QRectF) -> str:
        """A rectangle on the preview (its pixels) mapped to the item's pixels, then offered."""
        if self.item is None or self.preview is None:
            return ""
        shown = self.preview.view.sceneRect()
        scale = (self.item.width or shown.width()) / max(1.0, shown.width())
        return self.mark_region(
            (
                int(rect.left() * scale),
                int(rect.top() * scale),
                int(rect.width() * scale),
                int(rect.height() * scale),
            )
        )

    def _selection_changed(self) -> None:
        chosen = self.selected_lines()
        if chosen:
            boxes = [ln.box for ln in chosen]
            left = min(b[0] for b in boxes)
            top = min(b[1] for b in boxes)
            right = max(b[0] + b[2] for b in boxes)
            bottom = max(b[1] + b[3] for b in boxes)
            self.mark_region((left, top, right - left, bottom - top))

    def apply_tag(self, tag: str) -> None:
        if self.record is None:
            return
        item_id = self.record.item_id
        actor = self.session.actor()
        self.session.write(
            lambda case: items_mod.add_tag(case, [item_id], tag, actor=actor),
            None,
            lambda exc: show_error(self, self.tr("Tag not added"), exc),
            changed_ids=[item_id],
            title="tag",
        )

    def save_prompt(self) -> None:
        text = self.prompt_edit.toPlainText().strip()
        if not text or self.record is None:
            return
        item_id, ocr_id = self.record.item_id, self.record.id
        actor = self.session.actor()
        self.session.write(
            lambda case: ocr.add_recovered_prompt(case, item_id, text, ocr_id=ocr_id, actor=actor),
            lambda _: self.prompt_saved.emit(item_id),
            lambda exc: show_error(self, self.tr("Prompt not saved"), exc),
            changed_ids=[item_id],
            title="ocr prompt",
        )

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Text in the image (OCR)"))
        self.prompt_label.setText(
            self.tr(
                "Prompt read from the screenshot — saved as your confirmed note "
                "“recovered by OCR”, never as a captured prompt:"
            )
        )
        self.prompt_save.setText(self.tr("Confirm as prompt (recovered by OCR)"))
        self.mark_button.setText(self.tr("Mark the prompt's region on the preview"))
        self.mark_button.setToolTip(
            self.tr("Then drag a rectangle over the prompt in the picture above")
        )
        self.lines.setToolTip(self.tr("Machine-recognised lines"))
