from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.compare import works
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.verify import verify_case
from tests.core.helpers import make_case, png_bytes, run_cli, write


def test_works_add_and_list_through_the_cli(tmp_path: Path) -> None:
    case = tmp_path / "W.proofshot"
    run_cli("init", case, check=True)
    art = write(tmp_path / "hero.png", png_bytes("navy", (200, 200)))
    added = run_cli("works", "add", case, art, "--title", "Hero", "--owner", "Lumina Studio Ltd.",
                    "--registration", "国作登字-2023-F-1", "--registration-date", "2023-02-14", "--json")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = json.loads(run_cli("works", "list", case, "--json").stdout)
    assert len(listed) == 1
    work = listed[0]
    assert work["title"] == "Hero" and work["registration"] == "国作登字-2023-F-1"
    items = json.loads(run_cli("list", case, "--json").stdout)
    assert items[0]["kind"] == "original-work" and items[0]["id"] == work["item_id"]


def test_correcting_a_work_supersedes_it_and_keeps_the_old_record(tmp_path: Path) -> None:
    write(tmp_path / "a.png", png_bytes("red"))
    with make_case(tmp_path) as case:
        first = works.add_work_file(case, tmp_path / "a.png", title="Draft title")
        second = works.correct_work(case, first, title="Final title", registration="R-1")
        (current,) = works.list_works(case)
        assert (
            current.id == second and current.supersedes == first and current.title == "Final title"
        )
        assert works.get_work(case, first).title == "Draft title"
        assert verify_case(case).intact


def test_charts_are_logged_numbered_and_validated(tmp_path: Path) -> None:
    write(tmp_path / "a.png", png_bytes("red"))
    write(tmp_path / "b.png", png_bytes("blue"))
    with make_case(tmp_path) as case:
        work_id = works.add_work_file(case, tmp_path / "a.png", title="Original")
        from app.core.ingest import Acquisition, add_file

        output = add_file(case, tmp_path / "b.png", Acquisition()).item_id
        region = {"shape": "rect", "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}
        chart = works.save_chart(
            case, work_id=work_id, item_id=output, title="Chart 1", metrics={"score": 0.9},
            elements=[{"description": "Crest on the helmet", "original": region, "output": region}],
        )  # fmt: skip
        revised = works.save_chart(
            case, work_id=work_id, item_id=output, title="Chart 1 (rev.)", metrics={"score": 0.9},
            elements=[{"description": "Crest", "original": region, "output": region},
                      {"description": "Chest emblem", "original": region, "output": region}],
            supersedes=chart,
        )  # fmt: skip
        (current,) = works.list_charts(case, item_id=output)
        assert current.id == revised and [e["n"] for e in current.elements] == [1, 2]
        with pytest.raises(ProofshotError, match="no description"):
            works.save_chart(
                case,
                work_id=work_id,
                item_id=output,
                title="x",
                metrics={},
                elements=[{"description": " "}],
            )
        assert verify_case(case).intact


def test_works_come_in_from_another_case_with_their_details(tmp_path: Path) -> None:
    write(tmp_path / "a.png", png_bytes("red"))
    with make_case(tmp_path, "One.proofshot") as one:
        works.add_work_file(
            one, tmp_path / "a.png", title="Hero", owner="Lumina", registration="R-9"
        )
    with (
        Case.open(tmp_path / "One.proofshot", read_only=True) as one,
        make_case(tmp_path, "Two.proofshot") as two,
    ):
        (wid,) = works.import_works_from_case(two, one)
        got = works.get_work(two, wid)
        assert (got.title, got.owner, got.registration) == ("Hero", "Lumina", "R-9")
        assert got.facts["imported_from_case"].endswith("One.proofshot")
        assert verify_case(two).intact
