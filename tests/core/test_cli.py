"""The CLI is a contract scripts rely on: command names, --json fields and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.helpers import png_bytes, run_cli, write

A1111 = (
    "生成星光侠, 长发, 插画风格\n"
    "Negative prompt: blurry, 低质量\n"
    "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 64x48, Model hash: abc123, Model: demo"
)


def _case_with_items(tmp_path: Path) -> Path:
    case = tmp_path / "Cli.proofshot"
    assert run_cli("init", case, "--title", "CLI matter", "--operator", "Carol").returncode == 0
    write(tmp_path / "in" / "gen.png", png_bytes("red", text={"parameters": A1111}))
    write(tmp_path / "in" / "plain.png", png_bytes("blue"))
    result = run_cli("import", case, tmp_path / "in", "--tag", "batch", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert len(summary["imported"]) == 2 and summary["refused"] == []
    return case


def test_list_json_has_the_contract_fields(tmp_path: Path) -> None:
    case = _case_with_items(tmp_path)
    listed = json.loads(run_cli("list", case, "--json").stdout)
    assert len(listed) == 2
    for entry in listed:
        assert {"id", "kind", "sha256", "media_type", "provenance"} <= entry.keys()
        assert isinstance(entry["provenance"], dict)
        assert entry["kind"] == "imported-file" and entry["media_type"] == "image/png"
        assert entry["tags"] == ["batch"]
    prompts = {e["source_facts"]["name"]: e["provenance"] for e in listed}
    assert prompts["gen.png"]["prompt"] == "生成星光侠, 长发, 插画风格"
    assert prompts["gen.png"]["negative_prompt"] == "blurry, 低质量"
    assert prompts["gen.png"]["parameters"]["seed"] == 1234
    assert (
        prompts["plain.png"]["prompt"] is None
        and "generator-parameters" in prompts["plain.png"]["absent"]
    )


def test_tag_untag_note_withdraw_show_and_log(tmp_path: Path) -> None:
    case = _case_with_items(tmp_path)
    assert run_cli("tag", case, "exhibit-1", "1", "2").returncode == 0
    assert run_cli("untag", case, "exhibit-1", "2").returncode == 0
    assert run_cli("note", case, "1", "Captured from the platform's home page").returncode == 0
    assert run_cli("withdraw", case, "2", "--reason", "duplicate capture").returncode == 0
    shown = json.loads(run_cli("show", case, "1", "--json").stdout)
    assert shown["tags"] == ["batch", "exhibit-1"]
    assert shown["notes"][0]["text"] == "Captured from the platform's home page"
    assert [e["action"] for e in shown["events"]] == [
        "item.added",
        "item.tagged",
        "item.tagged",
        "item.note-added",
    ]
    by_hash = json.loads(run_cli("show", case, shown["sha256"][:12], "--json").stdout)
    assert by_hash["id"] == 1
    assert (
        json.loads(run_cli("show", case, "2", "--json").stdout)["withdrawal"]["reason"]
        == "duplicate capture"
    )
    log = json.loads(run_cli("log", case, "--json").stdout)
    assert log[0]["action"] == "case.created" and log[-1]["action"] == "item.withdrawn"
    assert all(
        {"seq", "at_utc", "actor", "action", "item_id", "payload", "prev_hash", "hash"} <= e.keys()
        for e in log
    )


def test_verify_exit_codes_and_json(tmp_path: Path) -> None:
    case = _case_with_items(tmp_path)
    ok = run_cli("verify", case, "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["intact"] is True
    obj = next((case / "objects" / "sha256").glob("*/*"))
    obj.chmod(0o644)
    obj.write_bytes(b"tampered")
    bad = run_cli("verify", case, "--json")
    assert bad.returncode == 2
    report = json.loads(bad.stdout)
    assert report["intact"] is False and report["problems"][0]["code"] == "altered-object"
    assert run_cli("log", case, "--json").stdout.count("case.verified") == 2


def test_errors_are_one_sentence_with_meaningful_exit_codes(tmp_path: Path) -> None:
    missing = run_cli("list", tmp_path / "nope.proofshot")
    assert missing.returncode == 3 and missing.stderr.startswith("proofshot: No Proofshot case")
    assert "Traceback" not in missing.stderr
    case = _case_with_items(tmp_path)
    no_item = run_cli("show", case, "999")
    assert no_item.returncode == 3 and "No item 999" in no_item.stderr
    assert run_cli("init", case).returncode == 3
    assert run_cli("withdraw", case, "1", "--reason", "  ").returncode == 1


def test_version_verbose_names_the_code_hash() -> None:
    out = run_cli("--version", "--verbose").stdout
    assert "code_sha256:" in out and "version: " in out
