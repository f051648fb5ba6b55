"""Every file of the real third-party corpus (tests/fixtures/provenance/, see SOURCES.md)
against the values the other projects' own tests expect: the prompt exact (trailing
whitespace aside), no wrong prompt, nothing unrecognised labelled A1111."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.core.provenance import extract_provenance

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())["files"]
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}


def _same_text(actual: str | None, expected: str | None) -> bool:
    if expected is None:
        return actual is None
    return actual is not None and actual.rstrip() == expected.rstrip()


def test_every_corpus_file_has_expected_values_and_every_entry_a_file() -> None:
    on_disk = {
        str(p.relative_to(CORPUS))
        for p in CORPUS.rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES and "tools" not in p.parts
    }
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_matches_the_other_projects_expected_values(name: str) -> None:
    entry = EXPECTED[name]
    expected = entry["expected"]
    result = extract_provenance(CORPUS / name, "")
    # Stored and hashed into custody: JSON-serialisable and the same on every read.
    assert json.dumps(result, sort_keys=True) == json.dumps(
        extract_provenance(CORPUS / name, ""), sort_keys=True
    )

    assert _same_text(result["prompt"], expected["prompt"]), (result["prompt"], expected["prompt"])
    if expected["prompt"] is not None:
        assert _same_text(result["negative_prompt"] or "", expected["negative_prompt"] or "")
    else:
        assert result["negative_prompt"] is None
    assert result["format"] == expected.get("format"), result["format"]
    if expected.get("format") != "a1111":  # never labelled A1111 unless it is A1111 text
        assert result["format"] != "a1111"
        assert not any(r["format"] == "a1111" and r["chosen"] for r in result["records"])
    parameters = result["parameters"]
    for key in ("seed", "steps", "cfg_scale"):
        if expected.get(key) is not None:
            assert parameters.get(key) == expected[key], (key, parameters.get(key))
    for text in expected.get("regional_prompts", []):
        regional = [p for p in result["prompts"] if p["role"] == "regional"]
        assert any(_same_text(p["text"], text) and "region" in p for p in regional), text
    if expected["prompt"] is not None and expected["prompt"].strip().lower() == "unknown":
        assert any("placeholder 'unknown'" in e for e in result["errors"])
    if "conflict_with" in expected:
        assert [c["source"] for c in result["conflicts"]] == [expected["conflict_with"]]
    else:
        assert result["conflicts"] == []
    c2pa = result["c2pa"] or {}
    if "c2pa_validation_state" in expected:
        assert c2pa["validation_state"] == expected["c2pa_validation_state"]
        assert c2pa["verdict_reasons"]
    if "c2pa_ai_generated" in expected:
        assert c2pa["ai_generated"] is expected["c2pa_ai_generated"]
        assert c2pa["ai_origin"]["digital_source_type"] == expected["c2pa_ai_origin"]


def test_corpus_holds_chinese_or_japanese_prompts_read_unescaped() -> None:
    cjk = [
        name
        for name, entry in EXPECTED.items()
        if any("\u3040" <= ch <= "\u9fff" for ch in entry["expected"].get("prompt") or "")
    ]
    assert len(cjk) >= 15
    for name in cjk:
        prompt = extract_provenance(CORPUS / name, "")["prompt"]
        assert "\\u" not in prompt
        assert any("\u3040" <= ch <= "\u9fff" for ch in prompt)
