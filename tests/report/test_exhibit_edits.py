"""证明对象 and 证据来源 come from facts; the user can restate them per exhibit (logged)."""

from __future__ import annotations

import json
from pathlib import Path

from app.core.case import Case
from app.core.custody import iter_events
from app.report.model import ExportOptions, build_bundle
from tests.core.helpers import run_cli
from tests.report.builders import build_demo_case


def _bundle(path: Path):  # type: ignore[no-untyped-def]
    with Case.open(path, read_only=True) as case:
        return build_bundle(case, ExportOptions(lang="en+zh"))


def test_purpose_and_source_come_from_the_recorded_facts(tmp_path: Path) -> None:
    ids = build_demo_case(tmp_path / "c.proofshot")
    ids["case"].close()
    bundle = _bundle(tmp_path / "c.proofshot")
    capture = next(ex for ex in bundle.exhibits if ex.kind == "capture")
    assert "job id job-0042" in capture.purpose and "lumagen.example" in capture.purpose
    assert "任务编号job-0042" in capture.purpose_zh and "生成2张图片" in capture.purpose_zh
    assert capture.source_zh.startswith("lumagen.example网页")
    imported = next(
        ex for ex in bundle.exhibits if ex.items and ex.items[0].item.id == ids["loose"]
    )
    assert "/evidence/" not in imported.source and "/evidence/" not in imported.source_zh
    assert "original file name gen_09_standing.jpg" in imported.source
    assert not imported.title.startswith("Generated image")  # metadata alone proves no generation


def test_the_user_restates_an_exhibit_and_the_edit_is_logged(tmp_path: Path) -> None:
    ids = build_demo_case(tmp_path / "c.proofshot")
    ids["case"].close()
    path = tmp_path / "c.proofshot"
    first = _bundle(path).exhibits[3].items[0].item.id
    done = run_cli(
        "exhibit",
        path,
        str(first),
        "--purpose-zh",
        "被告平台生成了与原告作品实质性相似的图片",
        "--source",
        "Lumagen web app, captured by counsel",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["purpose_zh"] == "被告平台生成了与原告作品实质性相似的图片"
    assert shown["purpose"] is None
    ex = _bundle(path).exhibits[3]
    assert ex.purpose_zh == "被告平台生成了与原告作品实质性相似的图片"
    assert ex.source == "Lumagen web app, captured by counsel"
    assert "job id job-0042" in ex.purpose  # the English purpose still comes from the facts
    with Case.open(path, read_only=True) as case:
        actions = [e.action for e in iter_events(case.conn, item_id=first)]
    assert actions.count("item.note-added") == 2


def test_untagged_imports_are_left_out_unless_nothing_else_would_be_exhibited(
    tmp_path: Path,
) -> None:
    from app.core.ingest import Acquisition, add_bytes

    case = Case.create(tmp_path / "sel.proofshot", title="Sel", operator="Dana")
    one = add_bytes(case, b"first file", Acquisition(source="/home/dana/a.txt")).item_id
    two = add_bytes(case, b"second file", Acquisition(source="/home/dana/b.txt")).item_id
    bundle = build_bundle(case, ExportOptions())
    assert bundle.selection == "all" and bundle.not_selected == 0
    assert {v.item.id for v in bundle.item_views()} == {one, two}
    from app.core import items as items_mod

    items_mod.add_tag(case, [two], "exhibit")
    bundle = build_bundle(case, ExportOptions())
    assert bundle.selection == "default" and bundle.not_selected == 1
    assert {v.item.id for v in bundle.item_views()} == {two}
    case.close()
