"""The inspector: everything known about the selected item, and its tags and notes.

It reads the item through the session's read-only view (one row, on the GUI thread) and the
preview through the pool (decoding never blocks the window). Tags and notes are written by
the core on the writer thread; the custody events they create appear in the item's log
below as soon as the write returns.
"""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import QEvent, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core import items as items_mod
from app.core.errors import ItemNotFoundError
from app.core.items import OPERATOR_PROMPT_PREFIX, Item, ItemState
from app.gui.icons import failure_text, tag_colour, tag_text_colour
from app.gui.labels import attestation_label, format_time, human_size, kind_label
from app.gui.messages import show_error
from app.gui.models import EventTableModel
from app.gui.ocr_panel import OcrPanel
from app.gui.preview import PreviewPane
from app.gui.session import CaseSession
from app.gui.thumbnails import DecodedImage, ThumbnailRefused, decode_limited, is_renderable

PREVIEW_SIDE = 2400  # long side of the decoded preview; the original is never altered


def _esc(value: object) -> str:
    return html.escape(str(value))


class HashRow(QWidget):
    """One digest, selectable, with a button that copies it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setReadOnly(True)
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy = QToolButton(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.copy)
        self.copy.clicked.connect(self.copy_to_clipboard)

    def set_value(self, value: str) -> None:
        self.edit.setText(value)
        self.edit.setCursorPosition(0)

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.edit.text())


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

        # Hashes
        self.hash_box = QGroupBox(self)
        self.sha256 = HashRow(self)
        self.sha512 = HashRow(self)
        self.sm3 = HashRow(self)
        self.hash_form = QFormLayout(self.hash_box)
        self.hash_form.addRow("SHA-256", self.sha256)
        self.hash_form.addRow("SHA-512", self.sha512)
        self.hash_form.addRow("SM3", self.sm3)

        # Acquisition facts
        self.facts_box = QGroupBox(self)
        self.facts = self._rich_label("inspectorFacts")
        QVBoxLayout(self.facts_box).addWidget(self.facts)

        # Provenance
        self.prov_box = QGroupBox(self)
        self.generator_label = self._rich_label("inspectorGenerator")
        self.prompt_title = QLabel(self)
        self.prompt_edit = self._text_box("promptText")
        self.negative_title = QLabel(self)
        self.negative_edit = self._text_box("negativePromptText")
        self.operator_prompt_title = QLabel(self)
        self.operator_prompt_edit = self._text_box("operatorPromptText")
        self.prov_details = self._rich_label("inspectorProvenance")
        prov_layout = QVBoxLayout(self.prov_box)
        for w in (
            self.generator_label,
            self.prompt_title,
            self.prompt_edit,
            self.negative_title,
            self.negative_edit,
            self.operator_prompt_title,
            self.operator_prompt_edit,
            self.prov_details,
        ):
            prov_layout.addWidget(w)

        # Trusted time
        self.time_box = QGroupBox(self)
        self.time_label = self._rich_label("inspectorTimestamp")
        QVBoxLayout(self.time_box).addWidget(self.time_label)

        # Tags
        self.tag_box = QGroupBox(self)
        self.tag_chips = self._rich_label("tagChips")
        self.tag_chips.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.tag_chips.linkActivated.connect(self._chip_clicked)
        self.tag_input = QLineEdit(self)
        self.tag_input.setObjectName("tagInput")
        self._tag_completions = QStringListModel(self)
        completer = QCompleter(self._tag_completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tag_input.setCompleter(completer)
        self.tag_add = QPushButton(self)
        self.tag_add.setObjectName("tagAdd")
        tag_layout = QGridLayout(self.tag_box)
        tag_layout.addWidget(self.tag_chips, 0, 0, 1, 2)
        tag_layout.addWidget(self.tag_input, 1, 0)
        tag_layout.addWidget(self.tag_add, 1, 1)
        self.tag_input.returnPressed.connect(self.add_tag_from_input)
        self.tag_add.clicked.connect(self.add_tag_from_input)

        # Notes
        self.note_box = QGroupBox(self)
        self.notes_label = self._rich_label("notesList")
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setFixedHeight(64)
        self.note_correction = QCheckBox(self)
        self.note_add = QPushButton(self)
        self.note_add.setObjectName("noteAdd")
        note_layout = QGridLayout(self.note_box)
        note_layout.addWidget(self.notes_label, 0, 0, 1, 2)
        note_layout.addWidget(self.note_edit, 1, 0, 1, 2)
        note_layout.addWidget(self.note_correction, 2, 0)
        note_layout.addWidget(self.note_add, 2, 1)
        self.note_add.clicked.connect(self.add_note_from_input)

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

        # Text recognised in a screenshot (issue 19): shown only for items with an OCR result
        self.ocr_panel = OcrPanel(session, self, preview=self.preview)

        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

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
        self.retranslate_ui()
        self.show_item(None)

    def sizeHint(self) -> QSize:
        return QSize(440, 700)

    # -- building blocks -----------------------------------------------------------------------

    def _rich_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return label

    def _text_box(self, name: str) -> QPlainTextEdit:
        box = QPlainTextEdit(self)
        box.setObjectName(name)
        box.setReadOnly(True)
        box.setMaximumHeight(96)
        return box

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
        self.sha256.set_value(item.sha256)
        self.sha512.set_value(item.sha512)
        self.sm3.set_value(item.sm3)
        self.facts.setText(self._facts_html(item, state))
        self._fill_provenance(item, state)
        status = items_mod.attestation_status(self.session.view, [item.id]).get(item.id, "pending")
        if status == "attested":
            text = self.tr("Attested: a trusted timestamp covers this item's SHA-256.")
            colour = "#188038"
        else:
            text = self.tr(
                "Pending: no trusted timestamp yet. Proofshot requests one when a timestamp "
                "authority can be reached; until then the acquisition time is the computer's clock."
            )
            colour = "#b06000"
        self.time_label.setText(
            f"<b style='color:{colour}'>{_esc(attestation_label(status))}</b> — {_esc(text)}"
        )
        self._fill_tags(state.tags)
        self._fill_notes(state)
        self.ocr_panel.show_item(item)
        self._event_model = EventTableModel(self.session, item_id=item.id, parent=self)
        self.events_view.setModel(self._event_model)

    def _facts_html(self, item: Item, state: ItemState) -> str:
        rows: list[tuple[str, str]] = [
            (self.tr("Kind"), kind_label(item.kind)),
            (self.tr("Media type"), item.media_type),
            (self.tr("Size"), f"{human_size(item.size)} ({item.size:,} B)"),
        ]
        if item.width and item.height:
            rows.append((self.tr("Dimensions"), f"{item.width} × {item.height}"))
        rows += [
            (self.tr("Acquired"), format_time(item.acquired_at)),
            (self.tr("Acquired (UTC)"), item.acquired_at),
            (self.tr("Computer's offset"), item.local_offset),
            (self.tr("Operator"), item.operator or "—"),
            (self.tr("Method"), item.method),
            (self.tr("Tool"), item.tool),
            (self.tr("Source"), item.source or "—"),
        ]
        if item.parent_id is not None:
            rows.append((self.tr("Derived from"), f"#{item.parent_id}"))
        for key, value in sorted(item.source_facts.items()):
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            rows.append((key, shown))
        for note in item.media_notes:
            rows.append((self.tr("Media note"), note))
        if state.withdrawn:
            rows.append((self.tr("Withdrawn"), str(state.withdrawn.get("reason", ""))))
        cells = "".join(
            f"<tr><td style='color:palette(placeholder-text);padding-right:8px' valign='top'>{_esc(k)}</td>"
            f"<td>{_esc(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table cellspacing='2'>{cells}</table>"

    def _words(self) -> dict[str, str]:
        """Translated words used inside HTML templates (kept as literal calls for lupdate)."""
        return {
            "Generator": self.tr("Generator"),
            "Generator parameters": self.tr("Generator parameters"),
            "present": self.tr("present"),
            "AI labels": self.tr("AI labels"),
            "Looked for, not present": self.tr("Looked for, not present"),
            "Problems reading the metadata": self.tr("Problems reading the metadata"),
            "No tags yet.": self.tr("No tags yet."),
            "No notes yet.": self.tr("No notes yet."),
        }

    def _fill_provenance(self, item: Item, state: ItemState) -> None:
        w = self._words()
        prov = item.provenance or {}
        generator = prov.get("generator")
        none = self.tr("none found")
        self.generator_label.setText(
            f"<b>{_esc(w['Generator'])}:</b> {_esc(generator) if generator else _esc(none)}"
        )
        prompt = prov.get("prompt")
        negative = prov.get("negative_prompt")
        self.prompt_edit.setPlainText(prompt or "")
        self.prompt_edit.setPlaceholderText(self.tr("No prompt found in the file."))
        self.negative_edit.setPlainText(negative or "")
        self.negative_edit.setPlaceholderText(self.tr("No negative prompt found in the file."))
        operator_prompts = [
            n["text"][len(OPERATOR_PROMPT_PREFIX) :]
            for n in state.notes
            if str(n.get("text", "")).startswith(OPERATOR_PROMPT_PREFIX)
        ]
        self.operator_prompt_title.setVisible(bool(operator_prompts))
        self.operator_prompt_edit.setVisible(bool(operator_prompts))
        self.operator_prompt_edit.setPlainText("\n\n".join(operator_prompts))

        parts: list[str] = []
        params = {
            k: v for k, v in (prov.get("parameters") or {}).items() if v not in ({}, None, "")
        }
        if params:
            cells = "".join(
                f"<tr><td style='padding-right:8px'>{_esc(k)}</td><td>{_esc(v if not isinstance(v, dict | list) else json.dumps(v, ensure_ascii=False))}</td></tr>"
                for k, v in sorted(params.items())
            )
            parts.append(f"<b>{_esc(w['Generator parameters'])}</b><table>{cells}</table>")
        c2pa = prov.get("c2pa")
        if isinstance(c2pa, dict) and c2pa:
            lines = []
            for key in (
                "claim_generator",
                "digital_source_type",
                "ai_generated",
                "signing_time",
                "validation_state",
                "active_manifest",
                "remote_url",
            ):
                if c2pa.get(key) not in (None, "", []):
                    lines.append(f"{_esc(key)}: {_esc(c2pa[key])}")
            signer = c2pa.get("signer")
            if isinstance(signer, dict):
                lines.append(
                    _esc(self.tr("signed by"))
                    + ": "
                    + _esc(", ".join(f"{k}={v}" for k, v in signer.items() if v))
                )
            lines.extend(self._c2pa_verdict_lines(c2pa))
            parts.append(f"<b>C2PA</b><br>{'<br>'.join(lines) or _esc(w['present'])}")
        else:
            parts.append(f"<b>C2PA</b>: {_esc(none)}")
        parts.extend(self._record_parts(prov))
        labels = prov.get("ai_labels") or []
        if labels:
            shown = "<br>".join(
                f"{_esc(label.get('source'))}: {_esc(label.get('value') if isinstance(label.get('value'), str) else json.dumps(label.get('value'), ensure_ascii=False))}"
                for label in labels
                if isinstance(label, dict)
            )
            parts.append(f"<b>{_esc(w['AI labels'])}</b><br>{shown}")
        else:
            parts.append(f"<b>{_esc(w['AI labels'])}</b>: {_esc(none)}")
        absent = prov.get("absent") or []
        if absent:
            parts.append(
                f"<b>{_esc(w['Looked for, not present'])}</b>: {_esc(', '.join(map(str, absent)))}"
            )
        errors = prov.get("errors") or []
        if errors:
            parts.append(
                f"<b>{_esc(w['Problems reading the metadata'])}</b><br>"
                + "<br>".join(_esc(e) for e in errors[:10])
            )
        if not prov:
            parts = [_esc(self.tr("No provenance was extracted for this item."))]
        self.prov_details.setText("<br><br>".join(parts))

    def _c2pa_verdict_lines(self, c2pa: dict) -> list[str]:
        """Verdict (Trusted / Valid / Invalid / unreadable), its reasons, and an AI origin
        stated in an ingredient manifest."""
        lines: list[str] = []
        if c2pa.get("verdict"):
            lines.append(f"<b>{_esc(self.tr('Verdict'))}: {_esc(c2pa['verdict'])}</b>")
        lines.extend("&nbsp;&nbsp;• " + _esc(r) for r in (c2pa.get("verdict_reasons") or [])[:10])
        origin = c2pa.get("ai_origin")
        if isinstance(origin, dict) and origin.get("depth"):
            lines.append(
                _esc(self.tr("AI origin stated in an ingredient manifest"))
                + f": {_esc(origin.get('digital_source_type'))} ({_esc(origin.get('generator'))})"
            )
        return lines

    def _record_parts(self, prov: dict) -> list[str]:
        """Conflicting generator records, further prompts (regional, character...) and
        generator metadata in an unrecognised format."""
        parts: list[str] = []
        conflicts = prov.get("conflicts") or []
        if conflicts:
            rows = "".join(
                f"<br>• {_esc(c.get('source'))} ({_esc(c.get('generator'))}): "
                f"{_esc(str(c.get('value'))[:300])}"
                for c in conflicts[:10]
            )
            parts.append(
                f"<b style='color:#b00'>{_esc(self.tr('Conflicting records'))}</b><br>"
                + _esc(
                    self.tr("Shown prompt is from {source}; rule: {rule}.").format(
                        source=conflicts[0].get("chosen_source"), rule=conflicts[0].get("rule")
                    )
                )
                + rows
            )
        extra = [
            p
            for p in prov.get("prompts") or []
            if isinstance(p, dict) and p.get("role") not in ("positive", "negative")
        ]
        if extra:
            rows = "".join(
                f"<br>• {_esc(p.get('role'))}"
                + (f" {_esc(json.dumps(p['region']))}" if p.get("region") else "")
                + (f" {_esc(json.dumps(p['center']))}" if p.get("center") else "")
                + f": {_esc(str(p.get('text'))[:300])}"
                for p in extra[:20]
            )
            parts.append(f"<b>{_esc(self.tr('Further prompts'))}</b>{rows}")
        for record in (prov.get("unrecognised") or [])[:5]:
            parts.append(
                f"<b>{_esc(record.get('label'))}</b> ({_esc(record.get('field'))})<br>"
                + _esc(str(record.get("raw"))[:500])
            )
        return parts

    def _fill_tags(self, tags: list[str]) -> None:
        w = self._words()
        if not tags:
            self.tag_chips.setText(f"<i>{_esc(w['No tags yet.'])}</i>")
        else:
            chips = []
            remove = self.tr("Remove this tag")
            for tag in tags:
                bg = tag_colour(tag)
                fg = tag_text_colour(bg)
                link = (
                    ""
                    if self.session.read_only
                    else f" <a href='untag:{_esc(tag)}' style='color:{fg.name()};text-decoration:none' title='{_esc(remove)}'>✕</a>"
                )
                chips.append(
                    f"<span style='background-color:{bg.name()};color:{fg.name()}'>&nbsp;{_esc(tag)}{link}&nbsp;</span>"
                )
            self.tag_chips.setText("&nbsp; ".join(chips))
        self._tag_completions.setStringList(items_mod.all_tags(self.session.view))
        writable = not self.session.read_only
        self.tag_input.setEnabled(writable)
        self.tag_add.setEnabled(writable)

    def _fill_notes(self, state: ItemState) -> None:
        w = self._words()
        entries = []
        for note in state.notes + state.corrections:
            text = str(note.get("text", ""))
            is_correction = note in state.corrections
            label = self.tr("Correction") if is_correction else self.tr("Note")
            if text.startswith(OPERATOR_PROMPT_PREFIX):
                label = self.tr("Prompt entered by the operator (not captured)")
                text = text[len(OPERATOR_PROMPT_PREFIX) :]
            entries.append(
                f"<p><b>{_esc(label)}</b> · {_esc(note.get('actor', ''))} · "
                f"{_esc(format_time(str(note.get('at_utc', ''))))}<br>{_esc(text).replace(chr(10), '<br>')}</p>"
            )
        self.notes_label.setText("".join(entries) or f"<i>{_esc(w['No notes yet.'])}</i>")
        writable = not self.session.read_only
        for widget in (self.note_edit, self.note_add, self.note_correction):
            widget.setEnabled(writable)

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
        tag = self.tag_input.text().strip()
        if not tag or self.item is None:
            return
        item_id = self.item.id
        self.tag_input.clear()
        actor = self.session.actor()
        self.session.write(
            lambda case: items_mod.add_tag(case, [item_id], tag, actor=actor),
            on_error=lambda exc: show_error(self, self.tr("Tag not added"), exc),
            changed_ids=[item_id],
            title="tag",
        )

    def _chip_clicked(self, link: str) -> None:
        if not link.startswith("untag:") or self.item is None:
            return
        tag = html.unescape(link.removeprefix("untag:"))
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

        def done(_: object) -> None:
            self.note_edit.clear()
            self.note_correction.setChecked(False)

        self.session.write(
            lambda case: items_mod.add_note(
                case, item_id, text, actor=actor, correction=correction
            ),
            done,
            lambda exc: show_error(self, self.tr("Note not added"), exc),
            changed_ids=[item_id],
            title="note",
        )

    # -- language ------------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.hash_box.setTitle(self.tr("Hashes"))
        for row in (self.sha256, self.sha512, self.sm3):
            row.copy.setText(self.tr("Copy"))
            row.copy.setToolTip(self.tr("Copy this hash to the clipboard"))
        self.facts_box.setTitle(self.tr("Acquisition"))
        self.prov_box.setTitle(self.tr("Provenance found in the file"))
        self.prompt_title.setText(self.tr("Prompt"))
        self.negative_title.setText(self.tr("Negative prompt"))
        self.operator_prompt_title.setText(
            self.tr("Prompt entered by the operator (typed in by hand, not captured)")
        )
        self.time_box.setTitle(self.tr("Trusted timestamp"))
        self.tag_box.setTitle(self.tr("Tags"))
        self.tag_input.setPlaceholderText(self.tr("Add a tag…"))
        self.tag_add.setText(self.tr("Add tag"))
        self.note_box.setTitle(self.tr("Notes"))
        self.note_edit.setPlaceholderText(self.tr("Write a note about this item…"))
        self.note_correction.setText(self.tr("This note corrects the record"))
        self.note_add.setText(self.tr("Add note"))
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
