"""build_bundle's three steps, each on its own: read the case, draft the exhibits, number them.

The demo case of ``tests/report/builders.py`` (works, a generation capture, a platform page,
loose outputs, a chart) is read at its head; each step's result is checked, and the steps
chained by hand give exactly what ``build_bundle`` gives.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app.core import custody
from app.core.case import Case
from app.report import model
from app.report.model import ExportOptions, build_bundle
from tests.report.builders import build_demo_case


def _case(tmp_path: Path) -> Case:
    ids = build_demo_case(tmp_path / "Steps.proofshot")
    return ids["case"]


def test_read_takes_the_case_at_its_head(tmp_path: Path) -> None:
    with _case(tmp_path) as case:
        read = model._read_case(case)
        assert (read.head_seq, read.head_hash) == custody.head(case.conn)
        assert len(read.works) == 2 and len(read.charts) == 1
        assert read.charts[0].work_id in read.works  # a chart follows its (current) work
        assert len(read.generations) == 1
        gen = next(iter(read.generations.values()))
        assert gen.capture_id in read.captures and len(gen.outputs) == 2
        assert all(t.id > 0 for t in read.tokens) and read.withdrawn == {}
        assert all(read.live(i) for i in read.items)


def test_draft_groups_works_pages_captures_then_items_and_numbers_follow(tmp_path: Path) -> None:
    with _case(tmp_path) as case:
        read = model._read_case(case)
        selected, selection = model._selection(read, ExportOptions())
        assert selection == "default" and selected
        drafts = model._draft_exhibits(read, selected)
        groups = [key[0] for key, _, _ in drafts]
        assert groups == sorted(groups) and groups[:2] == [1, 1]
        assert {ex.kind for _, ex, _ in drafts} >= {"work", "platform-page", "capture"}
        assert all(ex.number == 0 for _, ex, _ in drafts)  # drafting numbers nothing
        members = [i for _, _, m in drafts for i, _ in m]
        assert len(members) == len(set(members)) and set(members) <= set(read.items)

        exhibits, item_exhibit, work_exhibit = model._number_exhibits(read, drafts, selected, {})
        evidence = [e for e in exhibits if not e.demonstrative]
        assert [e.number for e in evidence] == list(range(1, len(evidence) + 1))
        charts = [e for e in exhibits if e.demonstrative]
        assert [e.identity for e in charts] == [f"chart:{read.charts[0].id}"]
        assert set(work_exhibit) == set(read.works)
        assert set(item_exhibit) == set(members)

        whole = build_bundle(case, ExportOptions(), register={})
        assert [(e.identity, e.number) for e in whole.exhibits] == [
            (e.identity, e.number) for e in exhibits
        ]
        assert whole.item_exhibit == item_exhibit and whole.works == work_exhibit


def test_numbering_keeps_a_registered_number(tmp_path: Path) -> None:
    with _case(tmp_path) as case:
        read = model._read_case(case)
        selected, _ = model._selection(read, ExportOptions())
        drafts = model._draft_exhibits(read, selected)
        first, _, _ = model._number_exhibits(read, drafts, selected, {})
        last = [e for e in first if not e.demonstrative][-1]
        again = model._draft_exhibits(model._read_case(case), selected)
        numbered, _, _ = model._number_exhibits(read, again, selected, {last.identity: 1})
        by_identity = {e.identity: e.number for e in numbered if not e.demonstrative}
        assert by_identity[last.identity] == 1
        assert sorted(by_identity.values())[0] == 1 and len(set(by_identity.values())) == len(
            by_identity
        )


def test_an_environment_report_is_read_bounded_and_never_through_a_link(tmp_path: Path) -> None:
    stored = tmp_path / "object"
    case: Any = SimpleNamespace(objects=SimpleNamespace(path_for=lambda _sha: stored))
    item: Any = SimpleNamespace(sha256="0" * 64, size=20)
    stored.write_bytes(b'{"record": "x"}')
    assert model._read_environment(case, item) == {"record": "x"}
    stored.write_bytes(b"[1, 2]")
    assert model._read_environment(case, item) == {"value": [1, 2]}
    stored.write_bytes(b"not json")
    assert "not JSON" in model._read_environment(case, item)["note"]
    stored.write_bytes(b" " * (model.ENVIRONMENT_CAP + 1))  # grown since it was recorded
    assert "over" in model._read_environment(case, item)["note"]
    stored.unlink()
    os.symlink("/dev/zero", stored)
    assert "cannot be read" in model._read_environment(case, item)["note"]


def test_the_register_numbers_exactly_the_exhibits_the_bundle_shows(tmp_path: Path) -> None:
    with _case(tmp_path) as case:
        for known in ({}, {"chart:1": 9}):
            whole = build_bundle(case, ExportOptions(), register=known)
            only = model.numbered_exhibits(case, ExportOptions(), known)
            assert [(e.identity, e.number, e.demonstrative) for e in only] == [
                (e.identity, e.number, e.demonstrative) for e in whole.exhibits
            ]
