"""``verify_case``'s steps, each called on its own over a real case: the database check, the
chain walk, rows against their events, objects re-hashed, one object judged."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import verify
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from app.core.jobs import Progress
from app.core.problems import VerifyReport
from app.core.rows import named_rows
from tests.core.helpers import make_case, png_bytes

_ITEM_SQL = "SELECT id, sha256, sha512, sm3, size FROM items ORDER BY id"


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    """A case of three imported PNGs."""
    with make_case(tmp_path) as opened:
        for i in range(3):
            add_bytes(opened, png_bytes((i * 50, 20, 90)), Acquisition(source=f"test://{i}"))
        yield opened


def _codes(report: VerifyReport) -> list[str]:
    return [p.code for p in report.problems]


def _object(case: Case, item_id: int) -> Path:
    (row,) = named_rows(case.conn, "SELECT sha256 FROM items WHERE id = ?", (item_id,))
    return case.objects.path_for(row["sha256"])


def _overwrite(path: Path, data: bytes) -> None:
    os.chmod(path, 0o644)
    path.write_bytes(data)


def test_database_check_passes_a_sound_case(case: Case) -> None:
    report = VerifyReport()
    assert verify._check_database(case.conn, report) is True
    assert report.intact and not report.problems


def test_chain_walk_counts_events_and_returns_the_rows_they_record(case: Case) -> None:
    report = VerifyReport()
    expected = verify._check_chain(case.conn, report)
    (events,) = named_rows(case.conn, "SELECT COUNT(*) AS n, MAX(seq) AS head FROM events")
    (head,) = named_rows(case.conn, "SELECT hash FROM events WHERE seq = ?", (events["head"],))
    assert report.intact and report.events == events["n"] and report.head_hash == head["hash"]
    items = expected["items"]
    assert sorted(row["id"] for row in items.values()) == [1, 2, 3]
    shas = {row["sha256"] for row in named_rows(case.conn, _ITEM_SQL)}
    assert {row["sha256"] for row in items.values()} == shas


def test_chain_walk_reports_an_event_rewritten_in_place(case: Case) -> None:
    case.conn.execute("DROP TRIGGER IF EXISTS events_no_update")
    case.conn.execute("UPDATE events SET payload = 'not json' WHERE seq IN (1, 2)")
    report = VerifyReport()
    expected = verify._check_chain(case.conn, report)
    assert "chain-broken" in _codes(report)
    # the unreadable events' rows are not expected; the readable ones still are
    assert sorted(row["id"] for row in expected["items"].values()) == [2, 3]
    assert any(p.seq == 1 and "unreadable payload" in p.message for p in report.problems)
    assert any(p.seq == 2 and "unreadable payload" in p.message for p in report.problems)


def test_rows_match_their_events_until_one_is_missing_extra_or_different(case: Case) -> None:
    expected = verify._check_chain(case.conn, VerifyReport())
    report = VerifyReport()
    verify._check_rows(case, report, expected)
    assert report.intact and not report.problems  # every expected row was consumed

    expected = verify._check_chain(case.conn, VerifyReport())
    items = expected["items"]
    first, second = sorted(items, key=lambda k: items[k]["id"])[:2]
    items.pop(first)  # a row no event wrote
    items[second] = {**items[second], "source": "test://forged"}  # a row that differs
    items[(99,)] = {"id": 99, "seq": 1, "item_id": 99}  # an event's row that is gone
    report = VerifyReport()
    verify._check_rows(case, report, expected)
    assert sorted(_codes(report)) == ["altered-row", "missing-row", "row-without-event"]
    altered = next(p for p in report.problems if p.code == "altered-row")
    assert "fields: source" in altered.message and altered.item_id == 2


def test_objects_rehashed_report_a_missing_an_altered_and_a_stray_file(case: Case) -> None:
    seen: list[Progress] = []
    report = VerifyReport()
    verify._check_objects(case, report, seen.append, None, 2)
    assert report.intact and report.items == 3 and report.objects_checked == 3
    assert seen[0] == Progress(0, 3, "Re-hashing objects")
    assert (seen[-1].done, seen[-1].total) == (3, 3)

    _object(case, 1).unlink()
    _overwrite(_object(case, 2), b"not the original bytes")
    stray = case.objects.path_for("ab" + "0" * 62)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left over")
    report = VerifyReport()
    verify._check_objects(case, report, None, None, 1)
    assert [(p.code, p.item_id) for p in report.problems] == [
        ("missing-object", 1),
        ("altered-object", 2),
    ]
    assert any("1 stored object(s) belong to no item" in n for n in report.notes)


def test_judge_object_names_each_way_an_object_can_fail(case: Case) -> None:
    row = named_rows(case.conn, _ITEM_SQL)[0]
    recorded = (row["sha256"], row["sha512"], row["sm3"], row["size"])
    report = VerifyReport()
    verify._judge_object(report, row, recorded, True)
    assert report.intact
    verify._judge_object(report, row, None, False)
    verify._judge_object(report, row, None, True)
    verify._judge_object(report, row, ("0" * 64, *recorded[1:]), True)
    verify._judge_object(report, row, (recorded[0], "0" * 128, *recorded[2:]), True)
    assert _codes(report) == [
        "missing-object",
        "unreadable-object",
        "altered-object",
        "altered-object",
    ]
    assert all(p.item_id == row["id"] for p in report.problems)


def test_hash_object_reads_regular_files_only(case: Case, tmp_path: Path) -> None:
    path = _object(case, 1)
    digests = verify._hash_object(str(path))
    assert digests is not None
    assert digests[0] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert digests[1] == hashlib.sha512(path.read_bytes()).hexdigest()
    assert digests[3] == path.stat().st_size
    link = tmp_path / "link"
    link.symlink_to(path)
    assert verify._hash_object(str(link)) is None  # a link is refused, never followed
    assert verify._hash_object(str(tmp_path / "absent")) is None


def test_row_keys_and_their_description(case: Case) -> None:
    assert verify._row_key("items", {"id": 3, "sha256": "x"}) == (3,)
    assert verify._row_key("attestations", {"item_id": 2, "token_id": 5}) == (5, 2)
    assert verify._describe((1, "a")) == "1, a"
    assert "sha256" in verify._table_columns(case.conn, "items")
