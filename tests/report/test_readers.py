"""One reader per table, at a log position: the GUI, the CLI and the bundle agree."""

from __future__ import annotations

from pathlib import Path

from app.capture import store
from app.compare import works as works_mod
from app.core import custody
from app.core import items as items_mod
from app.report.model import ExportOptions, build_bundle
from tests.report.builders import build_demo_case


def test_operator_corrections_are_applied_alike_in_the_store_reader_and_the_bundle(
    tmp_path: Path,
) -> None:
    ids = build_demo_case(tmp_path / "c.proofshot")
    case = ids["case"]
    before, _ = custody.head(case.conn)
    store.correct_generation(case, ids["generation"], "remove-output", str(ids["out2"]))
    (gen,) = store.list_generations(case)
    assert [o["item_id"] for o in gen.outputs] == [ids["out1"]]
    assert [o["item_id"] for o in gen.recorded_outputs] == [ids["out1"], ids["out2"]]
    (then,) = store.list_generations(case, head=before)  # the log position decides
    assert [o["item_id"] for o in then.outputs] == [ids["out1"], ids["out2"]]
    bundle = build_bundle(case, ExportOptions())
    (bgen,) = [g for ex in bundle.exhibits for g in ex.generations]
    assert bgen.outputs == [ids["out1"]]
    assert bgen.corrections[0]["action"] == "remove-output"
    case.close()


def test_a_withdrawn_work_is_not_current_for_the_cli_or_the_bundle(tmp_path: Path) -> None:
    ids = build_demo_case(tmp_path / "c.proofshot")
    case = ids["case"]
    second = works_mod.get_work(case, ids["works"][1])
    assert second.id in [w.id for w in works_mod.list_works(case)]
    before, _ = custody.head(case.conn)
    items_mod.withdraw(case, second.item_id, "wrong file")
    assert second.id not in [w.id for w in works_mod.list_works(case)]
    assert second.id in [w.id for w in works_mod.list_works(case, head=before)]
    assert second.id in [w.id for w in works_mod.list_works(case, include_withdrawn=True)]
    bundle = build_bundle(case, ExportOptions())
    assert all(ex.work is None or ex.work.id != second.id for ex in bundle.exhibits)
    case.close()


def test_captures_read_at_an_earlier_log_position_leave_out_later_ones(tmp_path: Path) -> None:
    ids = build_demo_case(tmp_path / "c.proofshot")
    case = ids["case"]
    first = store.list_captures(case)[0]
    head = case.conn.execute("SELECT seq FROM captures WHERE id = ?", (first.id,)).fetchone()[0]
    assert [c.id for c in store.list_captures(case, head=head)] == [first.id]
    assert len(store.list_captures(case)) == 2
    case.close()
