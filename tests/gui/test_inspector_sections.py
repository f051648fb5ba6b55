"""The inspector's sections, each built on its own over items of a real case: what each
shows, what it escapes, what it asks for, and that its words keep the Inspector's
translations. The whole inspector in its window is driven in tests/gui/test_case_window.py.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.core import items
from app.core.case import Case
from app.core.items import OPERATOR_PROMPT_PREFIX, Item, ItemState
from app.gui.i18n import qm_path
from app.gui.inspector_sections import (
    FactsSection,
    HashesSection,
    NotesSection,
    ProvenanceSection,
    TagsSection,
    TimeSection,
    facts_html,
    provenance_html,
)


def _read(case_path: Path, item_id: int) -> tuple[Item, ItemState]:
    with Case.open(case_path, read_only=True) as case:
        return items.get_item(case, item_id), items.item_state(case, item_id)


def test_hashes_section_shows_and_copies_each_digest(qtbot: QtBot, case_path: Path) -> None:
    item, _state = _read(case_path, 1)
    section = HashesSection()
    qtbot.addWidget(section)
    section.retranslate()
    section.show_item(item)
    assert section.title() == "Hashes" and section.sha256.copy.text() == "Copy"
    assert section.sha256.edit.text() == item.sha256
    assert section.sha512.edit.text() == item.sha512 and section.sm3.edit.text() == item.sm3
    section.sm3.copy.click()
    assert QGuiApplication.clipboard().text() == item.sm3


def test_provenance_section_shows_the_prompt_verbatim_and_the_parameters(
    qtbot: QtBot, case_path: Path
) -> None:
    item, state = _read(case_path, 1)  # carries A1111 parameters with a Chinese prompt
    section = ProvenanceSection()
    qtbot.addWidget(section)
    section.retranslate()
    section.show_item(item, state)
    assert section.prompt_edit.objectName() == "promptText"
    assert section.prompt_edit.toPlainText().startswith("生成奥特曼, ultraman")
    assert section.negative_edit.toPlainText().startswith("模糊")
    assert "Generator" in section.generator_label.text()
    assert "1234567" in section.prov_details.text()  # the seed, among the parameters
    assert section.operator_prompt_edit.isHidden()  # nobody typed one in

    plain, plain_state = _read(case_path, 2)
    section.show_item(plain, plain_state)
    assert section.prompt_edit.toPlainText() == ""
    assert section.prompt_edit.placeholderText() == "No prompt found in the file."
    assert "none found" in section.generator_label.text()


def test_provenance_section_shows_a_prompt_the_operator_typed_in(
    qtbot: QtBot, case_path: Path
) -> None:
    with Case.open(case_path) as case:
        items.add_note(case, 2, OPERATOR_PROMPT_PREFIX + "生成奥特曼", actor="Alice")
    item, state = _read(case_path, 2)
    section = ProvenanceSection()
    qtbot.addWidget(section)
    section.show_item(item, state)
    assert not section.operator_prompt_edit.isHidden()
    assert section.operator_prompt_edit.toPlainText() == "生成奥特曼"
    assert section.prompt_edit.toPlainText() == ""  # never shown as captured


def test_provenance_html_states_every_part_and_escapes_values() -> None:
    assert provenance_html({}) == "No provenance was extracted for this item."
    text = provenance_html(
        {
            "generator": "x",
            "parameters": {"seed": 7, "empty": ""},
            "c2pa": {
                "claim_generator": "<script>alert(1)</script>",
                "signer": {"cn": "Maker", "o": ""},
                "verdict": "Invalid",
                "verdict_reasons": ["assertion.dataHash.mismatch"],
                "ai_origin": {"depth": 1, "digital_source_type": "trainedAlgorithmicMedia"},
            },
            "conflicts": [
                {
                    "source": "png:parameters",
                    "generator": "A1111",
                    "value": "a cat",
                    "chosen_source": "exif",
                    "rule": "first",
                },
            ],
            "prompts": [{"role": "character", "text": "kagamine rin"}],
            "ai_labels": [{"source": "xmp", "value": "AI generated"}],
            "absent": ["iptc"],
            "errors": ["bad chunk"],
        }
    )
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert "seed" in text and "empty" not in text
    assert "signed by: cn=Maker" in text
    assert "Verdict: Invalid" in text and "assertion.dataHash.mismatch" in text
    assert "AI origin stated in an ingredient manifest: trainedAlgorithmicMedia" in text
    assert "Conflicting records" in text and "Shown prompt is from exif; rule: first." in text
    assert "Further prompts" in text and "kagamine rin" in text
    assert "AI labels" in text and "xmp: AI generated" in text
    assert "Looked for, not present</b>: iptc" in text
    assert "Problems reading the metadata</b><br>bad chunk" in text
    bare = provenance_html({"generator": "x"})
    assert "<b>C2PA</b>: none found" in bare and "<b>AI labels</b>: none found" in bare


def test_facts_and_time_sections(qtbot: QtBot, case_path: Path) -> None:
    item, state = _read(case_path, 1)
    facts = FactsSection()
    qtbot.addWidget(facts)
    facts.show_item(item, state)
    assert facts.facts.text() == facts_html(item, state)
    assert "Acquired (UTC)" in facts.facts.text() and "96 × 72" in facts.facts.text()
    assert "https://ai.example/result/1" in facts.facts.text()
    time = TimeSection()
    qtbot.addWidget(time)
    time.show_status("pending")
    assert "#b06000" in time.time_label.text() and "no trusted timestamp yet" in (
        time.time_label.text()
    )
    time.show_status("attested")
    assert "#188038" in time.time_label.text()


def test_tags_section_shows_chips_and_asks_to_add_or_remove(qtbot: QtBot) -> None:
    section = TagsSection()
    qtbot.addWidget(section)
    section.retranslate()
    section.show_tags([], ["ultraman"], writable=True)
    assert "No tags yet." in section.tag_chips.text()
    section.show_tags(["a<b", "奥特曼"], ["a<b", "奥特曼", "ultraman"], writable=True)
    chips = section.tag_chips.text()
    assert "untag:a&lt;b" in chips and "a<b" not in chips and "untag:奥特曼" in chips
    assert section.completions.stringList() == ["a<b", "奥特曼", "ultraman"]

    section.tag_input.setText("  new tag ")
    with qtbot.waitSignal(section.addRequested) as added:
        section.tag_add.click()
    assert added.args == ["new tag"] and section.tag_input.text() == ""
    with qtbot.assertNotEmitted(section.addRequested):
        section.take_input()  # nothing typed
    with qtbot.waitSignal(section.removeRequested) as removed:
        section.tag_chips.linkActivated.emit("untag:a&lt;b")
    assert removed.args == ["a<b"]

    section.show_tags(["ultraman"], [], writable=False)
    assert "untag:" not in section.tag_chips.text()
    assert not section.tag_input.isEnabled() and not section.tag_add.isEnabled()


def test_notes_section_lists_notes_and_corrections(qtbot: QtBot, case_path: Path) -> None:
    with Case.open(case_path) as case:
        items.add_note(case, 3, "first <line>\nsecond", actor="Alice")
        items.add_note(case, 3, "the source was wrong", actor="Bob", correction=True)
        items.add_note(case, 3, OPERATOR_PROMPT_PREFIX + "typed prompt", actor="Alice")
    _item, state = _read(case_path, 3)
    section = NotesSection()
    qtbot.addWidget(section)
    section.retranslate()
    assert section.note_add.text() == "Add note"
    section.show_notes(state, writable=True)
    text = section.notes_label.text()
    assert "first &lt;line&gt;<br>second" in text
    assert "<b>Correction</b> · Bob" in text
    assert "Prompt entered by the operator (not captured)" in text and "typed prompt" in text
    assert section.note_edit.isEnabled()
    section.note_edit.setPlainText("draft")
    section.note_correction.setChecked(True)
    section.clear_input()
    assert section.note_edit.toPlainText() == "" and not section.note_correction.isChecked()
    section.show_notes(ItemState(tags=[], notes=[], corrections=[], withdrawn=None), writable=False)
    assert "No notes yet." in section.notes_label.text()
    assert not section.note_edit.isEnabled() and not section.note_add.isEnabled()


def test_sections_keep_the_inspector_translations(qtbot: QtBot) -> None:
    translator = QTranslator()
    assert translator.load(str(qm_path("zh_CN")))
    app = QCoreApplication.instance()
    app.installTranslator(translator)
    try:
        hashes = HashesSection()
        qtbot.addWidget(hashes)
        tags = TagsSection()
        qtbot.addWidget(tags)
        hashes.retranslate()
        tags.retranslate()
        assert hashes.title() == "哈希值"
        assert tags.title() == "标签"
    finally:
        app.removeTranslator(translator)
