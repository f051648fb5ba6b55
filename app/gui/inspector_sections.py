"""The inspector's sections: hashes, acquisition facts, provenance, trusted time, tags, notes.

Each section is a group box that builds its own widgets, fills them from one item (and its
state) and re-sets its own words on a language change; the :class:`~app.gui.inspector.Inspector`
stacks them, reads the item and writes tags and notes. Sections only show: none reads the
case or writes to it (what they show is handed to them).

Their strings keep the ``Inspector`` translation context they had before the split
(``QCoreApplication.translate("Inspector", …)`` with literal strings, so lupdate files them
where Qt looks them up at run time).
"""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.items import OPERATOR_PROMPT_PREFIX, Item, ItemState
from app.gui.icons import tag_colour, tag_text_colour
from app.gui.labels import attestation_label, format_time, human_size, kind_label


def _esc(value: object) -> str:
    return html.escape(str(value))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def rich_label(parent: QWidget, name: str) -> QLabel:
    """A selectable, word-wrapped rich-text label named ``name``."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


def text_box(parent: QWidget, name: str) -> QPlainTextEdit:
    """A read-only plain-text box named ``name`` (a prompt, verbatim)."""
    box = QPlainTextEdit(parent)
    box.setObjectName(name)
    box.setReadOnly(True)
    box.setMaximumHeight(96)
    return box


def words() -> dict[str, str]:
    """Translated words used inside HTML templates (kept as literal calls for lupdate)."""
    return {
        "Generator": QCoreApplication.translate("Inspector", "Generator"),
        "Generator parameters": QCoreApplication.translate("Inspector", "Generator parameters"),
        "present": QCoreApplication.translate("Inspector", "present"),
        "AI labels": QCoreApplication.translate("Inspector", "AI labels"),
        "Looked for, not present": QCoreApplication.translate(
            "Inspector", "Looked for, not present"
        ),
        "Problems reading the metadata": QCoreApplication.translate(
            "Inspector", "Problems reading the metadata"
        ),
        "No tags yet.": QCoreApplication.translate("Inspector", "No tags yet."),
        "No notes yet.": QCoreApplication.translate("Inspector", "No notes yet."),
    }


# -- hashes ---------------------------------------------------------------------------------


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


class HashesSection(QGroupBox):
    """SHA-256, SHA-512 and SM3 of the original, each with a copy button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sha256 = HashRow(self)
        self.sha512 = HashRow(self)
        self.sm3 = HashRow(self)
        self.form = QFormLayout(self)
        self.form.addRow("SHA-256", self.sha256)
        self.form.addRow("SHA-512", self.sha512)
        self.form.addRow("SM3", self.sm3)

    def show_item(self, item: Item) -> None:
        self.sha256.set_value(item.sha256)
        self.sha512.set_value(item.sha512)
        self.sm3.set_value(item.sm3)

    def retranslate(self) -> None:
        self.setTitle(QCoreApplication.translate("Inspector", "Hashes"))
        for row in (self.sha256, self.sha512, self.sm3):
            row.copy.setText(QCoreApplication.translate("Inspector", "Copy"))
            row.copy.setToolTip(
                QCoreApplication.translate("Inspector", "Copy this hash to the clipboard")
            )


# -- acquisition facts and trusted time -----------------------------------------------------


class FactsSection(QGroupBox):
    """How and when the item was acquired, as a two-column table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facts = rich_label(self, "inspectorFacts")
        QVBoxLayout(self).addWidget(self.facts)

    def show_item(self, item: Item, state: ItemState) -> None:
        self.facts.setText(facts_html(item, state))

    def retranslate(self) -> None:
        self.setTitle(QCoreApplication.translate("Inspector", "Acquisition"))


def facts_html(item: Item, state: ItemState) -> str:
    """The acquisition facts of ``item`` as an HTML table (every value escaped)."""
    rows: list[tuple[str, str]] = [
        (QCoreApplication.translate("Inspector", "Kind"), kind_label(item.kind)),
        (QCoreApplication.translate("Inspector", "Media type"), item.media_type),
        (
            QCoreApplication.translate("Inspector", "Size"),
            f"{human_size(item.size)} ({item.size:,} B)",
        ),
    ]
    if item.width and item.height:
        rows.append(
            (QCoreApplication.translate("Inspector", "Dimensions"), f"{item.width} × {item.height}")
        )
    rows += [
        (QCoreApplication.translate("Inspector", "Acquired"), format_time(item.acquired_at)),
        (QCoreApplication.translate("Inspector", "Acquired (UTC)"), item.acquired_at),
        (QCoreApplication.translate("Inspector", "Computer's offset"), item.local_offset),
        (QCoreApplication.translate("Inspector", "Operator"), item.operator or "—"),
        (QCoreApplication.translate("Inspector", "Method"), item.method),
        (QCoreApplication.translate("Inspector", "Tool"), item.tool),
        (QCoreApplication.translate("Inspector", "Source"), item.source or "—"),
    ]
    if item.parent_id is not None:
        rows.append((QCoreApplication.translate("Inspector", "Derived from"), f"#{item.parent_id}"))
    for key, value in sorted(item.source_facts.items()):
        shown = value if isinstance(value, str) else _json(value)
        rows.append((key, shown))
    for note in item.media_notes:
        rows.append((QCoreApplication.translate("Inspector", "Media note"), note))
    if state.withdrawn:
        rows.append(
            (
                QCoreApplication.translate("Inspector", "Withdrawn"),
                str(state.withdrawn.get("reason", "")),
            )
        )
    cells = "".join(
        f"<tr><td style='color:palette(placeholder-text);padding-right:8px' valign='top'>{_esc(k)}</td>"
        f"<td>{_esc(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table cellspacing='2'>{cells}</table>"


class TimeSection(QGroupBox):
    """Whether a trusted timestamp covers the item yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time_label = rich_label(self, "inspectorTimestamp")
        QVBoxLayout(self).addWidget(self.time_label)

    def show_status(self, status: str) -> None:
        if status == "attested":
            text = QCoreApplication.translate(
                "Inspector", "Attested: a trusted timestamp covers this item's SHA-256."
            )
            colour = "#188038"
        else:
            text = QCoreApplication.translate(
                "Inspector",
                "Pending: no trusted timestamp yet. Proofshot requests one when a timestamp "
                "authority can be reached; until then the acquisition time is the computer's clock.",
            )
            colour = "#b06000"
        self.time_label.setText(
            f"<b style='color:{colour}'>{_esc(attestation_label(status))}</b> — {_esc(text)}"
        )

    def retranslate(self) -> None:
        self.setTitle(QCoreApplication.translate("Inspector", "Trusted timestamp"))


# -- provenance -----------------------------------------------------------------------------


class ProvenanceSection(QGroupBox):
    """What the file says about its making: generator, prompts verbatim, parameters, C2PA,
    AI labels, conflicting records; and a prompt the operator typed in by hand."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.generator_label = rich_label(self, "inspectorGenerator")
        self.prompt_title = QLabel(self)
        self.prompt_edit = text_box(self, "promptText")
        self.negative_title = QLabel(self)
        self.negative_edit = text_box(self, "negativePromptText")
        self.operator_prompt_title = QLabel(self)
        self.operator_prompt_edit = text_box(self, "operatorPromptText")
        self.prov_details = rich_label(self, "inspectorProvenance")
        layout = QVBoxLayout(self)
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
            layout.addWidget(w)

    def show_item(self, item: Item, state: ItemState) -> None:
        prov = item.provenance or {}
        generator = prov.get("generator")
        none = QCoreApplication.translate("Inspector", "none found")
        self.generator_label.setText(
            f"<b>{_esc(words()['Generator'])}:</b> {_esc(generator) if generator else _esc(none)}"
        )
        self.prompt_edit.setPlainText(prov.get("prompt") or "")
        self.prompt_edit.setPlaceholderText(
            QCoreApplication.translate("Inspector", "No prompt found in the file.")
        )
        self.negative_edit.setPlainText(prov.get("negative_prompt") or "")
        self.negative_edit.setPlaceholderText(
            QCoreApplication.translate("Inspector", "No negative prompt found in the file.")
        )
        operator_prompts = [
            n["text"][len(OPERATOR_PROMPT_PREFIX) :]
            for n in state.notes
            if str(n.get("text", "")).startswith(OPERATOR_PROMPT_PREFIX)
        ]
        self.operator_prompt_title.setVisible(bool(operator_prompts))
        self.operator_prompt_edit.setVisible(bool(operator_prompts))
        self.operator_prompt_edit.setPlainText("\n\n".join(operator_prompts))
        self.prov_details.setText(provenance_html(prov))

    def retranslate(self) -> None:
        self.setTitle(QCoreApplication.translate("Inspector", "Provenance found in the file"))
        self.prompt_title.setText(QCoreApplication.translate("Inspector", "Prompt"))
        self.negative_title.setText(QCoreApplication.translate("Inspector", "Negative prompt"))
        self.operator_prompt_title.setText(
            QCoreApplication.translate(
                "Inspector", "Prompt entered by the operator (typed in by hand, not captured)"
            )
        )


def provenance_html(prov: dict) -> str:
    """The provenance details (parameters, C2PA, records, AI labels, what was looked for and
    not found, reading problems) as HTML paragraphs; every value escaped."""
    if not prov:
        return _esc(
            QCoreApplication.translate("Inspector", "No provenance was extracted for this item.")
        )
    w = words()
    none = QCoreApplication.translate("Inspector", "none found")
    parts: list[str] = []
    params = {k: v for k, v in (prov.get("parameters") or {}).items() if v not in ({}, None, "")}
    if params:
        cells = "".join(
            f"<tr><td style='padding-right:8px'>{_esc(k)}</td><td>{_esc(v if not isinstance(v, dict | list) else _json(v))}</td></tr>"
            for k, v in sorted(params.items())
        )
        parts.append(f"<b>{_esc(w['Generator parameters'])}</b><table>{cells}</table>")
    c2pa = prov.get("c2pa")
    if isinstance(c2pa, dict) and c2pa:
        lines = c2pa_lines(c2pa)
        parts.append(f"<b>C2PA</b><br>{'<br>'.join(lines) or _esc(w['present'])}")
    else:
        parts.append(f"<b>C2PA</b>: {_esc(none)}")
    parts.extend(record_parts(prov))
    labels = prov.get("ai_labels") or []
    if labels:
        shown = "<br>".join(
            f"{_esc(label.get('source'))}: {_esc(label.get('value') if isinstance(label.get('value'), str) else _json(label.get('value')))}"
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
    return "<br><br>".join(parts)


def c2pa_lines(c2pa: dict) -> list[str]:
    """The C2PA manifest's main fields, its signer, then its verdict lines (escaped HTML)."""
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
            _esc(QCoreApplication.translate("Inspector", "signed by"))
            + ": "
            + _esc(", ".join(f"{k}={v}" for k, v in signer.items() if v))
        )
    lines.extend(c2pa_verdict_lines(c2pa))
    return lines


def c2pa_verdict_lines(c2pa: dict) -> list[str]:
    """Verdict (Trusted / Valid / Invalid / unreadable), its reasons, and an AI origin
    stated in an ingredient manifest."""
    lines: list[str] = []
    if c2pa.get("verdict"):
        verdict = QCoreApplication.translate("Inspector", "Verdict")
        lines.append(f"<b>{_esc(verdict)}: {_esc(c2pa['verdict'])}</b>")
    lines.extend("&nbsp;&nbsp;• " + _esc(r) for r in (c2pa.get("verdict_reasons") or [])[:10])
    origin = c2pa.get("ai_origin")
    if isinstance(origin, dict) and origin.get("depth"):
        lines.append(
            _esc(
                QCoreApplication.translate(
                    "Inspector", "AI origin stated in an ingredient manifest"
                )
            )
            + f": {_esc(origin.get('digital_source_type'))} ({_esc(origin.get('generator'))})"
        )
    return lines


def record_parts(prov: dict) -> list[str]:
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
        title = QCoreApplication.translate("Inspector", "Conflicting records")
        rule = QCoreApplication.translate(
            "Inspector", "Shown prompt is from {source}; rule: {rule}."
        ).format(source=conflicts[0].get("chosen_source"), rule=conflicts[0].get("rule"))
        parts.append(f"<b style='color:#b00'>{_esc(title)}</b><br>" + _esc(rule) + rows)
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
        further = QCoreApplication.translate("Inspector", "Further prompts")
        parts.append(f"<b>{_esc(further)}</b>{rows}")
    for record in (prov.get("unrecognised") or [])[:5]:
        parts.append(
            f"<b>{_esc(record.get('label'))}</b> ({_esc(record.get('field'))})<br>"
            + _esc(str(record.get("raw"))[:500])
        )
    return parts


# -- tags and notes -------------------------------------------------------------------------


class TagsSection(QGroupBox):
    """The item's tags as coloured chips (✕ removes one) and a field to add one.

    ``addRequested`` carries the typed tag; ``removeRequested`` the tag whose ✕ was clicked.
    """

    addRequested = Signal(str)
    removeRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tag_chips = rich_label(self, "tagChips")
        self.tag_chips.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.tag_chips.linkActivated.connect(self.chip_clicked)
        self.tag_input = QLineEdit(self)
        self.tag_input.setObjectName("tagInput")
        self.completions = QStringListModel(self)
        completer = QCompleter(self.completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tag_input.setCompleter(completer)
        self.tag_add = QPushButton(self)
        self.tag_add.setObjectName("tagAdd")
        layout = QGridLayout(self)
        layout.addWidget(self.tag_chips, 0, 0, 1, 2)
        layout.addWidget(self.tag_input, 1, 0)
        layout.addWidget(self.tag_add, 1, 1)
        self.tag_input.returnPressed.connect(self.take_input)
        self.tag_add.clicked.connect(self.take_input)

    def show_tags(self, tags: list[str], known: list[str], *, writable: bool) -> None:
        """Chips for ``tags`` (with ✕ only when ``writable``); ``known`` tags complete input."""
        if not tags:
            self.tag_chips.setText(f"<i>{_esc(words()['No tags yet.'])}</i>")
        else:
            remove = QCoreApplication.translate("Inspector", "Remove this tag")
            chips = []
            for tag in tags:
                bg = tag_colour(tag)
                fg = tag_text_colour(bg)
                link = (
                    ""
                    if not writable
                    else f" <a href='untag:{_esc(tag)}' style='color:{fg.name()};text-decoration:none' title='{_esc(remove)}'>✕</a>"
                )
                chips.append(
                    f"<span style='background-color:{bg.name()};color:{fg.name()}'>&nbsp;{_esc(tag)}{link}&nbsp;</span>"
                )
            self.tag_chips.setText("&nbsp; ".join(chips))
        self.completions.setStringList(known)
        self.tag_input.setEnabled(writable)
        self.tag_add.setEnabled(writable)

    def take_input(self) -> None:
        """Hand the typed tag on (``addRequested``) and clear the field."""
        tag = self.tag_input.text().strip()
        if not tag:
            return
        self.tag_input.clear()
        self.addRequested.emit(tag)

    def chip_clicked(self, link: str) -> None:
        if link.startswith("untag:"):
            self.removeRequested.emit(html.unescape(link.removeprefix("untag:")))

    def retranslate(self) -> None:
        self.setTitle(QCoreApplication.translate("Inspector", "Tags"))
        self.tag_input.setPlaceholderText(QCoreApplication.translate("Inspector", "Add a tag…"))
        self.tag_add.setText(QCoreApplication.translate("Inspector", "Add tag"))


class NotesSection(QGroupBox):
    """The item's notes and corrections, oldest first, and a box to write a new one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notes_label = rich_label(self, "notesList")
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setFixedHeight(64)
        self.note_correction = QCheckBox(self)
        self.note_add = QPushButton(self)
        self.note_add.setObjectName("noteAdd")
        layout = QGridLayout(self)
        layout.addWidget(self.notes_label, 0, 0, 1, 2)
        layout.addWidget(self.note_edit, 1, 0, 1, 2)
        layout.addWidget(self.note_correction, 2, 0)
        layout.addWidget(self.note_add, 2, 1)

    def show_notes(self, state: ItemState, *, writable: bool) -> None:
        entries = []
        for note in state.notes + state.corrections:
            text = str(note.get("text", ""))
            is_correction = note in state.corrections
            label = (
                QCoreApplication.translate("Inspector", "Correction")
                if is_correction
                else QCoreApplication.translate("Inspector", "Note")
            )
            if text.startswith(OPERATOR_PROMPT_PREFIX):
                label = QCoreApplication.translate(
                    "Inspector", "Prompt entered by the operator (not captured)"
                )
                text = text[len(OPERATOR_PROMPT_PREFIX) :]
            entries.append(
                f"<p><b>{_esc(label)}</b> · {_esc(note.get('actor', ''))} · "
                f"{_esc(format_time(str(note.get('at_utc', ''))))}<br>{_esc(text).replace(chr(10), '<br>')}</p>"
            )
        self.notes_label.setText("".join(entries) or f"<i>{_esc(words()['No notes yet.'])}</i>")
        for widget in (self.note_edit, self.note_add, self.note_correction):
            widget.setEnabled(writable)

    def clear_input(self) -> None:
        self.note_edit.clear()
        self.note_correction.setChecked(False)

    def retranslate(self) -> None:
        self.setTitle(QCoreApplication.translate("Inspector", "Notes"))
        self.note_edit.setPlaceholderText(
            QCoreApplication.translate("Inspector", "Write a note about this item…")
        )
        self.note_correction.setText(
            QCoreApplication.translate("Inspector", "This note corrects the record")
        )
        self.note_add.setText(QCoreApplication.translate("Inspector", "Add note"))
