"""Issue #16, stable numbering: the exhibit register keeps numbers across exports."""

from __future__ import annotations

import json
from pathlib import Path

from app.core.case import Case
from app.report import exhibit_register
from tests.report.builders import DEMO, add_capture, add_file
from tests.report.conftest import export, make_case
from tests.tsa_server import TsaServer


def _numbers(out: Path) -> dict[str, int]:
    data = json.loads(next(out.rglob("bundle.json")).read_text("utf-8"))
    return {
        f"{e['kind']}|{e['title']}": e["number"] for e in data["exhibits"] if not e["demonstrative"]
    }


def _pdx(out: Path) -> dict[str, int]:
    data = json.loads(next(out.rglob("bundle.json")).read_text("utf-8"))
    return {
        f"{e['kind']}|{e['title']}": e["number"] for e in data["exhibits"] if e["demonstrative"]
    }


def _events(case_path: Path) -> list[dict]:
    with Case.open(case_path) as case:
        return [
            json.loads(p)["facts"]
            for (p,) in case.conn.execute(
                "SELECT payload FROM events WHERE action = ? ORDER BY seq",
                (exhibit_register.ACTION,),
            )
        ]


def test_numbers_survive_a_new_capture_and_renumber_starts_over(
    tmp_path: Path, module_tsa: TsaServer
) -> None:
    case_path = tmp_path / "case.proofshot"
    make_case(case_path, module_tsa)
    export(case_path, tmp_path / "out1", module_tsa, profile="archive")
    first = _numbers(tmp_path / "out1")
    assert sorted(first.values()) == list(range(1, len(first) + 1))
    assert not any(k.startswith("chart|") for k in first)  # never an exhibit number
    first_pdx = _pdx(tmp_path / "out1")
    assert sorted(first_pdx.values()) == list(range(1, len(first_pdx) + 1))
    assert first_pdx

    # a capture added after the export sorts among the first exhibits (its capture started
    # earliest), so without the register every later exhibit would move
    with Case.open(case_path) as case:
        shot = add_file(
            case,
            DEMO / "screenshots/lumagen_trending.png",
            "screenshot",
            "browser-screenshot",
            "https://lumagen.example/early",
        )
        add_capture(
            case, "https://lumagen.example/early", "Early page", [(shot, "screenshot-full")]
        )
    export(case_path, tmp_path / "out2", module_tsa, profile="archive")
    second = _numbers(tmp_path / "out2")
    for key, number in first.items():
        assert second[key] == number, key
    added = set(second) - set(first)
    assert len(added) == 1
    assert second[added.pop()] == max(first.values()) + 1
    assert _pdx(tmp_path / "out2") == first_pdx

    export(case_path, tmp_path / "out3", module_tsa, profile="archive", renumber=True)
    third = _numbers(tmp_path / "out3")
    assert sorted(third.values()) == list(range(1, len(third) + 1))
    assert third != second  # numbered afresh in the natural order
    events = _events(case_path)
    assert [e["renumbered"] for e in events] == [False, False, True]
    assert [e["epoch"] for e in events] == [1, 1, 2]
    assert [e["count"] for e in events] == [
        len(first) + len(first_pdx),
        1,
        len(third) + len(first_pdx),
    ]

    # a fourth export with nothing new logs nothing and keeps the renumbered numbers
    export(case_path, tmp_path / "out4", module_tsa, profile="archive")
    assert _numbers(tmp_path / "out4") == third
    assert len(_events(case_path)) == 3
