from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from app.core import items
from app.core.case import Case
from app.core.custody import GENESIS_HASH, event_hash, iter_events
from app.core.ingest import Acquisition, add_bytes
from app.core.verify import verify_case
from tests.core.helpers import make_case, png_bytes


def _populated_case(tmp_path: Path) -> Path:
    with make_case(tmp_path) as case:
        ids = [
            add_bytes(case, png_bytes(c), Acquisition(source=f"test://{c}")).item_id
            for c in ("red", "green", "blue")
        ]
        items.add_tag(case, ids, "exhibit-a")
        items.remove_tag(case, [ids[0]], "exhibit-a")
        items.add_note(case, ids[1], "Seen on the home page 生成星光侠")
        items.add_note(case, ids[1], "Actually the recommendation page", correction=True)
        items.withdraw(case, ids[2], "Captured from the wrong account")
        return case.path


def test_every_mutation_writes_one_chained_event(tmp_path: Path) -> None:
    path = _populated_case(tmp_path)
    with Case.open(path, read_only=True) as case:
        events = list(iter_events(case.conn))
    actions = [e.action for e in events]
    assert actions == [
        "case.created",
        "item.added", "item.added", "item.added",
        "item.tagged", "item.tagged", "item.tagged",
        "item.untagged",
        "item.note-added", "item.correction-added",
        "item.withdrawn",
    ]  # fmt: skip
    prev = GENESIS_HASH
    for n, e in enumerate(events, start=1):
        assert e.seq == n and e.prev_hash == prev
        assert e.hash == event_hash(
            e.seq, e.at_utc, e.actor, e.action, e.item_id, e.prev_hash, e.payload
        )
        prev = e.hash
    assert all(e.actor == "Alice Analyst" for e in events)


def test_annotations_never_change_the_item_and_state_is_derived(tmp_path: Path) -> None:
    path = _populated_case(tmp_path)
    with Case.open(path, read_only=True) as case:
        first = items.get_item(case, 1)
        assert items.item_state(case, 1).tags == []
        assert items.item_state(case, 2).tags == ["exhibit-a"]
        state2 = items.item_state(case, 2)
        assert state2.notes[0]["text"] == "Seen on the home page 生成星光侠"
        assert state2.corrections[0]["text"] == "Actually the recommendation page"
        assert items.item_state(case, 3).withdrawn["reason"] == "Captured from the wrong account"
        row = case.conn.execute(
            "SELECT payload FROM events WHERE action='item.added' AND item_id=1"
        ).fetchone()
        recorded = json.loads(row[0])["records"]["items"][0]
        assert recorded["sha256"] == first.sha256 and recorded["source"] == "test://red"


def test_verify_reports_an_intact_case(tmp_path: Path) -> None:
    path = _populated_case(tmp_path)
    with Case.open(path, read_only=True) as case:
        report = verify_case(case)
    assert report.intact, report.problems
    assert report.items == 3 and report.objects_checked == 3 and report.events == 11


def _raw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path / "case.sqlite")
    for table in ("events", "settings", "items", "annotations", "withdrawals"):
        for op in ("update", "delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
    return conn


def _codes(path: Path) -> set[str]:
    with Case.open(path, read_only=True) as case:
        report = verify_case(case)
    assert not report.intact
    return {p.code for p in report.problems}


def test_verify_names_a_missing_and_an_altered_object(tmp_path: Path) -> None:
    path = _populated_case(tmp_path)
    with Case.open(path, read_only=True) as case:
        one, two = items.get_item(case, 1), items.get_item(case, 2)
    p1 = path / "objects/sha256" / one.sha256[:2] / one.sha256
    p1.chmod(0o644)
    p1.write_bytes(p1.read_bytes() + b"\0")
    (path / "objects/sha256" / two.sha256[:2] / two.sha256).unlink()
    with Case.open(path, read_only=True) as case:
        report = verify_case(case)
    messages = {p.code: p.message for p in report.problems}
    assert "altered-object" in messages and "Item 1" in messages["altered-object"]
    assert "missing-object" in messages and "Item 2" in messages["missing-object"]


def test_verify_finds_a_deleted_event_as_a_broken_chain(tmp_path: Path) -> None:
    path = _populated_case(tmp_path)
    conn = _raw(path)
    conn.execute("DELETE FROM events WHERE seq = 9")
    conn.commit()
    conn.close()
    with Case.open(path, read_only=True) as case:
        report = verify_case(case)
    assert any(p.code == "chain-broken" and "broken at 9" in p.message for p in report.problems)


def test_verify_finds_a_row_inserted_without_an_event(tmp_path: Path) -> None:
    path = _populated_case(tmp_path)
    conn = _raw(path)
    conn.execute(
        "INSERT INTO annotations (id, seq, item_id, kind, value) VALUES (99, 2, 1, 'tag', 'forged')"
    )
    conn.commit()
    conn.close()
    assert "row-without-event" in _codes(path)


def test_verify_finds_a_rewritten_event_even_with_its_own_hash_recomputed(tmp_path: Path) -> None:
    path = _populated_case(tmp_path)
    conn = _raw(path)
    seq, at, _actor, action, item_id, payload, prev = conn.execute(
        "SELECT seq, at_utc, actor, action, item_id, payload, prev_hash FROM events WHERE seq = 4"
    ).fetchone()
    forged_actor = "Mallory"
    conn.execute(
        "UPDATE events SET actor = ?, hash = ? WHERE seq = 4",
        (forged_actor, event_hash(seq, at, forged_actor, action, item_id, prev, payload)),
    )
    conn.commit()
    conn.close()
    with Case.open(path, read_only=True) as case:
        report = verify_case(case)
    assert any("broken at 5" in p.message for p in report.problems)


def _text_cells(conn: sqlite3.Connection) -> list[tuple[str, str, str, object]]:
    cells = []
    for table, _key in (
        ("events", "seq"),
        ("items", "id"),
        ("annotations", "id"),
        ("withdrawals", "seq"),
        ("settings", "seq"),
    ):
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        for row in conn.execute(f"SELECT rowid, * FROM {table}"):
            for column, value in zip(columns, row[1:], strict=True):
                cells.append((table, column, "rowid", (row[0], value)))
    return cells


def _flip(value: object, rng: random.Random) -> object:
    if isinstance(value, int):
        return value ^ (1 << rng.randrange(0, 8))
    if value is None:
        return 1
    data = bytearray(str(value).encode("utf-8"))
    if not data:
        return "x"
    i = rng.randrange(len(data))
    data[i] ^= 1 << rng.randrange(0, 7)
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize("seed", range(6))
def test_flipping_any_single_byte_of_any_row_event_or_object_is_found(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    path = _populated_case(tmp_path / f"s{seed}")
    with Case.open(path, read_only=True) as case:
        shas = [it.sha256 for it in items.list_items(case)]
    # Every stored value of every logged table, and every object: flip one byte of each in turn.
    conn = _raw(path)
    cells = _text_cells(conn)
    conn.close()
    picks = rng.sample(cells, 12)
    for table, column, _, (rowid, value) in picks:
        snapshot = (path / "case.sqlite").read_bytes()
        conn = _raw(path)
        new = _flip(value, rng)
        if new == value:
            continue
        try:
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (new, rowid))
            conn.commit()
        except sqlite3.IntegrityError:
            conn.close()
            continue  # the schema itself refused the change (unique/foreign key): nothing to find
        conn.close()
        assert _codes(path), f"flip of {table}.{column} went unnoticed"
        (path / "case.sqlite").write_bytes(snapshot)
        for side in ("case.sqlite-wal", "case.sqlite-shm"):
            (path / side).unlink(missing_ok=True)
    sha = rng.choice(shas)
    obj = path / "objects/sha256" / sha[:2] / sha
    data = bytearray(obj.read_bytes())
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    obj.chmod(0o644)
    obj.write_bytes(bytes(data))
    assert "altered-object" in _codes(path)
