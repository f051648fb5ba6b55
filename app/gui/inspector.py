"""The inspector: everything known about the selected item, and its tags and notes.

It reads the item through the session's read-only view (one row, on the GUI thread) and the
preview through the pool (decoding never blocks the window). Tags and notes are written by
the core on the writer thread; the custody events they create appear in the item's log
below as soon as the write returns.

The sections it stacks (hashes, acquisition facts, provenance, trusted time, tags, notes)
live in :mod:`app.gui.inspector_sections`; the inspector keeps their widgets under the names
it always had (``prompt_edit``, ``tag_chips``, ``note_edit``…).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import items as items_mod
from app.core.errors import ItemNotFoundError
from app.core.items import Item, ItemState
from app.gui.icons import failure_text
from app.gui.inspector_sections import (
    FactsSection,
    HashesSection,
    HashRow,
    NotesSection,
    ProvenanceSection,
    TagsSection,
    TimeSection,
)
from app.gui.labels import kind_label
from app.gui.messages import show_error
from app.gui.models import EventTableModel
from app.gui.ocr_panel import OcrPanel
from app.gui.preview import PreviewPane
from app.gui.session import CaseSession
from app.gui.thumbnails import DecodedImage, ThumbnailRefused, decode_limited, is_renderable

__all__ = ["PREVIEW_SIDE", "HashRow", "Inspector"]

PREVIEW_SIDE = 2400  # long side of the decoded preview; the original is never altered


class Inspector(QWidget):
    """Shows one item; ``show_item(None)`` clears it."""

    item_shown = Signal(object)  # item id or None

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.item: Item | None = None
        self.state: ItemState | None = None
        self._preview_ticket = 0
        self._event_model: EventTableModel | None = None
        self._caption: tuple[int, int, int | None, int | None] | None = None

        self.preview = PreviewPane(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("inspectorHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self._build_sections()
        self._alias_section_widgets()
        self.tags.addRequested.connect(self._add_tag)
        self.tags.removeRequested.connect(self._remove_tag)
        self.note_add.clicked.connect(self.add_note_from_input)
        # Text recognised in a screenshot (issue 19): shown only for items with an OCR result
        self.ocr_panel = OcrPanel(session, self, preview=self.preview)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self._build_layout()
        self.retranslate_ui()
        self.show_item(None)

    def _build_sections(self) -> None:
        self.hash_box = HashesSection(self)
        self.facts_box = FactsSection(self)
        self.prov_box = ProvenanceSection(self)
        self.time_box = TimeSection(self)
        self.tags = self.tag_box = TagsSection(self)
        self.notes = self.note_box = NotesSection(self)
        # This item's custody events
        self.events_box = QGroupBox(self)
        self.events_view = QTableView(self)
        self.events_view.setObjectName("itemEvents")
        self.events_view.verticalHeader().setVisible(False)
        self.events_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.events_view.horizontalHeader().setStretchLastSection(True)
        self.events_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.events_view.setMinimumHeight(140)
        QVBoxLayout(self.events_box).addWidget(self.events_view)

    def _alias_section_widgets(self) -> None:
        """The sections' widgets under the names the inspector always had."""
        hashes, prov = self.hash_box, self.prov_box
        self.sha256, self.sha512, self.sm3 = hashes.sha256, hashes.sha512, hashes.sm3
        self.hash_form = hashes.form
        self.facts = self.facts_box.facts
        self.generator_label, self.prov_details = prov.generator_label, prov.prov_details
        self.prompt_title, self.prompt_edit = prov.prompt_title, prov.prompt_edit
        self.negative_title, self.negative_edit = prov.negative_title, prov.negative_edit
        self.operator_prompt_title = prov.operator_prompt_title
        self.operator_prompt_edit = prov.operator_prompt_edit
        self.time_label = self.time_box.time_label
        self.tag_chips, self.tag_input, self.tag_add = (
            self.tags.tag_chips,
            self.tags.tag_input,
            self.tags.tag_add,
        )
        self.notes_label, self.note_edit = self.notes.notes_label, self.notes.note_edit
        self.note_correction, self.note_add = self.notes.note_correction, self.notes.note_add

    def _build_layout(self) -> None:
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(6, 6, 6, 6)
        for w in (
            self.heading,
            self.prov_box,
            self.ocr_panel,
            self.time_box,
            self.tag_box,
            self.note_box,
            self.hash_box,
            self.facts_box,
            self.events_box,
        ):
            body_layout.addWidget(w)
        body_layout.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.preview)
        self.splitter.addWidget(self.scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([300, 450])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.splitter, 1)

    def sizeHint(self) -> QSize:
        return QSize(440, 700)

    # -- showing an item ---------------------------------------------------------------------------

    def show_item(self, item_id: int | None) -> None:
        if item_id is None:
            self.item = None
            self.state = None
        else:
            try:
                self.item = items_mod.get_item(self.session.view, item_id)
                self.state = items_mod.item_state(self.session.view, item_id)
            except ItemNotFoundError:
                self.item, self.state = None, None
        has = self.item is not None
        self.placeholder.setVisible(not has)
        self.splitter.setVisible(has)
        if self.item is not None:
            self._fill()
            self._load_preview()
        self.item_shown.emit(item_id if has else None)

    def refresh(self) -> None:
        """Re-read the shown item's state (after a tag, note or other change)."""
        if self.item is None:
            return
        self.state = items_mod.item_state(self.session.view, self.item.id)
        self._fill()

    def _fill(self) -> None:
        item, state = self.item, self.state
        assert item is not None and state is not None
        title = self.tr("Item #{id} · {kind}").format(id=item.id, kind=kind_label(item.kind))
        if state.withdrawn:
            title += " · " + self.tr("withdrawn")
        self.heading.setText(title)
        self.hash_box.show_item(item)
        self.facts_box.show_item(item, state)
        self.prov_box.show_item(item, state)
        status = items_mod.attestation_status(self.session.view, [item.id]).get(item.id, "pending")
        self.time_box.show_status(status)
        writable = not self.session.read_only
        known = items_mod.all_tags(self.session.view)
        self.tags.show_tags(state.tags, known, writable=writable)
        self.notes.show_notes(state, writable=writable)
        self.ocr_panel.show_item(item)
        self._event_model = EventTableModel(self.session, item_id=item.id, parent=self)
        self.events_view.setModel(self._event_model)

    # -- preview -------------------------------------------------------------------------------

    def _load_preview(self) -> None:
        item = self.item
        assert item is not None
        self._preview_ticket += 1
        ticket = self._preview_ticket
        self._caption = None
        if not is_renderable(item.media_type):
            self.preview.view.set_image(
                None,
                self.tr("No preview: this item is {type}, not a picture.").format(
                    type=item.media_type
                ),
            )
            self.preview.caption.setText("")
            return
        self.preview.view.set_image(None, self.tr("Loading preview…"))
        path = self.session.object_path(item.sha256)

        def done(decoded: DecodedImage) -> None:
            if ticket != self._preview_ticket:
                return  # the user has moved on to another item
            self.preview.view.set_image(decoded.to_qimage())
            self._caption = (decoded.width, decoded.height, item.width, item.height)
            self._update_caption()

        def failed(exc: BaseException) -> None:
            if ticket != self._preview_ticket:
                return
            reason = failure_text(exc.failure) if isinstance(exc, ThumbnailRefused) else str(exc)
            self.preview.view.set_image(None, reason)
            self.preview.caption.setText("")

        self.session.pool.run(
            lambda: decode_limited(path, PREVIEW_SIDE), done, failed, title="preview"
        )

    def _update_caption(self) -> None:
        if self._caption is None:
            self.preview.caption.setText("")
            return
        w, h, ow, oh = self._caption
        if ow and oh and (w, h) != (ow, oh):
            text = self.tr(
                "Preview scaled to {w} × {h}; the original is {ow} × {oh} and is unchanged."
            ).format(w=w, h=h, ow=ow, oh=oh)
        else:
            text = self.tr("Preview decoded from the original at full resolution.")
        self.preview.caption.setText(text)

    # -- tags and notes ------------------------------------------------------------------------------

    def add_tag_from_input(self) -> None:
        if self.item is not None:
            self.tags.take_input()  # -> _add_tag

    def _add_tag(self, tag: str) -> None:
        if self.item is None:
            return
        item_id = self.item.id
        actor = self.session.actor()
        self.session.write(
            lambda case: items_mod.add_tag(case, [item_id], tag, actor=actor),
            on_error=lambda exc: show_error(self, self.tr("Tag not added"), exc),
            changed_ids=[item_id],
            title="tag",
        )

    def _chip_clicked(self, link: str) -> None:
        self.tags.chip_clicked(link)  # -> _remove_tag

    def _remove_tag(self, tag: str) -> None:
        if self.item is None:
            return
        item_id = self.item.id
        actor = self.session.actor()
        self.session.write(
            lambda case: items_mod.remove_tag(case, [item_id], tag, actor=actor),
            on_error=lambda exc: show_error(self, self.tr("Tag not removed"), exc),
            changed_ids=[item_id],
            title="untag",
        )

    def add_note_from_input(self) -> None:
        text = self.note_edit.toPlainText().strip()
        if not text or self.item is None:
            return
        item_id = self.item.id
        correction = self.note_correction.isChecked()
        actor = self.session.actor()
        self.session.write(
            lambda case: items_mod.add_note(
                case, item_id, text, actor=actor, correction=correction
            ),
            lambda _: self.notes.clear_input(),
            lambda exc: show_error(self, self.tr("Note not added"), exc),
            changed_ids=[item_id],
            title="note",
        )

    # -- language ------------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        for section in (
            self.hash_box,
            self.facts_box,
            self.prov_box,
            self.time_box,
            self.tags,
            self.notes,
        ):
            section.retranslate()
        self.events_box.setTitle(self.tr("This item's custody events"))
        self.placeholder.setText(self.tr("Select an item to see its details."))
        if self.item is not None:
            self._fill()
            self._update_caption()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def current_values(self) -> dict[str, Any]:
        """What the inspector shows, for tests and screenshots."""
        return {
            "prompt": self.prompt_edit.toPlainText(),
            "negative_prompt": self.negative_edit.toPlainText(),
            "sha256": self.sha256.edit.text(),
        }
