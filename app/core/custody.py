"""The append-only, hash-chained custody log.

Every mutation of a case writes one event in the same SQLite transaction as the change. An
event's hash covers its header and its payload bytes, and each event names the hash of the one
before, so altering, removing or reordering any event breaks the chain from that point on.

Hash definition (documented in docs/case-format.md so anyone can recompute it)::

    header = canonical_json([seq, at_utc, actor, action, item_id, prev_hash])
    hash   = SHA-256( header || "\\n" || payload )      # payload: canonical JSON text, UTF-8

The payload carries ``records``: the exact rows the event inserted into logged tables, so
``verify`` can check every row against the event that created it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.core.canonical import canonical_bytes, canonical_json
from app.core.rows import named_cursor

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Event:
    seq: int
    at_utc: str
    actor: str
    action: str
    item_id: int | None
    payload: str
    prev_hash: str
    hash: str

    def payload_obj(self) -> dict[str, Any]:
        value = json.loads(self.payload)
        return value if isinstance(value, dict) else {}

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at_utc": self.at_utc,
            "actor": self.actor,
            "action": self.action,
            "item_id": self.item_id,
            "payload": self.payload_obj(),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def event_hash(
    seq: int,
    at_utc: str,
    actor: str,
    action: str,
    item_id: int | None,
    prev_hash: str,
    payload: str,
) -> str:
    header = canonical_bytes([seq, at_utc, actor, action, item_id, prev_hash])
    return hashlib.sha256(header + b"\n" + payload.encode("utf-8")).hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = named_cursor(conn, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row["seq"]), str(row["hash"])) if row else (0, GENESIS_HASH)


def _insert_record(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> None:
    columns = list(row)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    )


def append_event(
    conn: sqlite3.Connection,
    *,
    actor: str,
    action: str,
    item_id: int | None = None,
    facts: Mapping[str, Any] | None = None,
    records: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    at_utc: str | None = None,
) -> Event:
    """Append one event and insert the rows it records. Call inside an open transaction.

    ``records`` maps a logged table to rows *without* their ``seq`` column: the event's
    sequence number is filled in here, so a row can only exist together with its event.
    """
    if not conn.in_transaction:
        raise RuntimeError("append_event must run inside the transaction of the change it logs")
    prev_seq, prev_hash = head(conn)
    seq = prev_seq + 1
    at = at_utc or utc_now()
    stamped: dict[str, list[dict[str, Any]]] = {}
    for table, rows in (records or {}).items():
        stamped[table] = [{**row, "seq": seq} for row in rows]
    payload_obj: dict[str, Any] = {"facts": dict(facts or {}), "records": stamped}
    payload = canonical_json(payload_obj)
    digest = event_hash(seq, at, actor, action, item_id, prev_hash, payload)
    conn.execute(
        "INSERT INTO events (seq, at_utc, actor, action, item_id, payload, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, item_id, payload, prev_hash, digest),
    )
    for table, rows in stamped.items():
        for row in rows:
            _insert_record(conn, table, row)
    return Event(seq, at, actor, action, item_id, payload, prev_hash, digest)


def _row_to_event(row: sqlite3.Row) -> Event:
    return Event(
        int(row["seq"]),
        row["at_utc"],
        row["actor"],
        row["action"],
        row["item_id"],
        row["payload"],
        row["prev_hash"],
        row["hash"],
    )


_EVENT_COLUMNS = "seq, at_utc, actor, action, item_id, payload, prev_hash, hash"


def iter_events(conn: sqlite3.Connection, *, item_id: int | None = None) -> Iterator[Event]:
    if item_id is None:
        cursor = named_cursor(conn, f"SELECT {_EVENT_COLUMNS} FROM events ORDER BY seq")
    else:
        cursor = named_cursor(
            conn, f"SELECT {_EVENT_COLUMNS} FROM events WHERE item_id = ? ORDER BY seq", (item_id,)
        )
    for row in cursor:
        yield _row_to_event(row)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def check_chain(
    events: Iterator[Event], *, after: tuple[int, str] = (0, GENESIS_HASH)
) -> tuple[int, list[ChainProblem]]:
    """Recompute every hash and link. Returns (events seen, problems).

    ``after``: the (seq, hash) the first event must follow on from -- the genesis for a whole
    log, an archived log's head for the entries an export appended to it."""
    problems: list[ChainProblem] = []
    expected_seq, expected_prev = after[0] + 1, after[1]
    count = 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(
                    event.seq,
                    f"Custody log broken at {expected_seq}: event {expected_seq} is missing or out of order.",
                )
            )
            expected_seq = event.seq
        if event.prev_hash != expected_prev:
            problems.append(
                ChainProblem(
                    event.seq,
                    f"Custody log broken at {event.seq}: it does not link to the event before it.",
                )
            )
        recomputed = event_hash(
            event.seq,
            event.at_utc,
            event.actor,
            event.action,
            event.item_id,
            event.prev_hash,
            event.payload,
        )
        if recomputed != event.hash:
            problems.append(
                ChainProblem(
                    event.seq,
                    f"Custody log broken at {event.seq}: the event was altered after it was written.",
                )
            )
        expected_prev = event.hash
        expected_seq += 1
    return count, problems


def list_events(
    conn: sqlite3.Connection,
    *,
    item_id: int | None = None,
    limit: int = 200,
    offset: int = 0,
    descending: bool = False,
) -> list[Event]:
    """One page of the log, for viewers that must not hold 100,000 events in memory."""
    direction = "DESC" if descending else "ASC"
    where, params = ("WHERE item_id = ? ", [item_id]) if item_id is not None else ("", [])
    rows = named_cursor(
        conn,
        f"SELECT {_EVENT_COLUMNS} FROM events {where}ORDER BY seq {direction} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_row_to_event(row) for row in rows]


def count_events(conn: sqlite3.Connection, *, item_id: int | None = None) -> int:
    if item_id is None:
        return int(conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])
    return int(
        conn.execute("SELECT COUNT(*) FROM events WHERE item_id = ?", (item_id,)).fetchone()[0]
    )
