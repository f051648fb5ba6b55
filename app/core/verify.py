"""Re-check a case from its stored bytes and its log, naming every problem found.

1. The database itself (SQLite integrity check).
2. The custody log: every hash recomputed, every link and sequence number checked.
3. Every row of a logged table against the record its event carries (replay).
4. Every item's object: present, and its SHA-256, SHA-512 and SM3 recomputed.
5. Every token against its manifest, trusted only through anchors from outside the case
   (:mod:`app.core.trust`); warnings for events after the last seal and late timestamps.

The case is opened read-only (:mod:`app.core.preflight` checked it first): verifying never
sweeps, migrates or merges a write-ahead log.

Nothing is trusted that can be recomputed. Objects without an item (left by an interrupted
import) are reported as notes, not problems: they prove nothing and harm nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from app.core import attest, custody, schema
from app.core.case import Case
from app.core.digests import CHUNK, MultiHasher, open_regular
from app.core.jobs import CancelToken, Progress, ProgressCallback
from app.core.problems import Problem, VerifyReport
from app.core.rows import named_rows
from app.core.trust import TrustStore


def _table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _row_key(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(k.strip()) for k in schema.LOGGED_TABLES[table].split(","))


def _check_rows(
    case: Case, report: VerifyReport, expected: dict[str, dict[tuple[Any, ...], dict[str, Any]]]
) -> None:
    for table in schema.LOGGED_TABLES:
        columns = _table_columns(case.conn, table)
        want = expected.get(table, {})
        for values in case.conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
            row = dict(zip(columns, values, strict=True))
            key = _row_key(table, row)
            record = want.pop(key, None)
            item_id = row.get("item_id", row.get("id") if table == "items" else None)
            if record is None:
                report.add(
                    Problem(
                        "row-without-event",
                        f"A row in {table} ({_describe(key)}) was not written by any custody event.",
                        item_id,
                        row.get("seq"),
                    )
                )
            elif record != row:
                changed = sorted(c for c in columns if record.get(c) != row.get(c))
                report.add(
                    Problem(
                        "altered-row",
                        f"A row in {table} ({_describe(key)}) differs from what event {row.get('seq')} recorded (fields: {', '.join(changed)}).",
                        item_id,
                        row.get("seq"),
                    )
                )
        for key, record in want.items():
            report.add(
                Problem(
                    "missing-row",
                    f"Event {record.get('seq')} recorded a row in {table} ({_describe(key)}) that is missing.",
                    record.get("item_id"),
                    record.get("seq"),
                )
            )


def _describe(key: tuple[Any, ...]) -> str:
    return ", ".join(str(k) for k in key)


def _hash_object(path: str) -> tuple[str, str, str, int] | None:
    hasher = MultiHasher()
    try:
        # A symlink, device or FIFO is refused, never read (preflight refuses them already).
        with open_regular(path) as f:
            while chunk := f.read(CHUNK):
                hasher.update(chunk)
    except OSError:
        return None
    d = hasher.result()
    return d.sha256, d.sha512, d.sm3, d.size


def verify_case(
    case: Case,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    *,
    workers: int = 2,
    trust: TrustStore | None = None,
    max_attest_delay: dt.timedelta | None = None,
) -> VerifyReport:
    """The database, the custody chain, the rows against their events, every object's bytes,
    then every token: each problem named in the report (nothing is written)."""
    report = VerifyReport()
    for problem in case.open_problems:
        report.add(problem)
    report.notes.extend(case.open_notes)
    if not _check_database(case.conn, report):
        return report
    # 1-2. chain; collect expected rows while walking it once.
    expected = _check_chain(case.conn, report)
    # 3. rows against events
    _check_rows(case, report, expected)
    # 4. objects
    _check_objects(case, report, progress, cancel, workers)
    attest.check_tokens(case, report, trust=trust, max_attest_delay=max_attest_delay)
    return report


def _check_database(conn: sqlite3.Connection, report: VerifyReport) -> bool:
    """SQLite's own integrity check; False when the database cannot even be asked."""
    try:
        status = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        report.add(Problem("database-corrupt", f"The case database is damaged: {exc}."))
        return False
    if status != "ok":
        report.add(
            Problem("database-corrupt", f"The case database failed its integrity check: {status}.")
        )
    return True


def _check_chain(
    conn: sqlite3.Connection, report: VerifyReport
) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """Walk the custody chain once; returns the rows its events record, by table and key."""
    expected: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    events = list(custody.iter_events(conn))
    report.events, chain_problems = custody.check_chain(iter(events))
    for cp in chain_problems:
        report.add(Problem("chain-broken", cp.message, None, cp.seq))
    if events:
        report.head_hash = events[-1].hash
    for event in events:
        try:
            records = json.loads(event.payload).get("records", {})
        except (ValueError, AttributeError):
            report.add(
                Problem(
                    "chain-broken",
                    f"Event {event.seq} has an unreadable payload.",
                    event.item_id,
                    event.seq,
                )
            )
            continue
        for table, rows in records.items():
            if table not in schema.LOGGED_TABLES:
                continue
            for row in rows:
                expected.setdefault(table, {})[_row_key(table, row)] = row
    return expected


def _check_objects(
    case: Case,
    report: VerifyReport,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    workers: int,
) -> None:
    """Re-hash every item's object (in a small pool) against the digests recorded for it."""
    items = named_rows(case.conn, "SELECT id, sha256, sha512, sm3, size FROM items ORDER BY id")
    report.items = len(items)
    total = len(items)
    if progress:
        progress(Progress(0, total, "Re-hashing objects"))

    def check(row: sqlite3.Row) -> tuple[sqlite3.Row, tuple[str, str, str, int] | None, bool]:
        path = case.objects.path_for(str(row["sha256"]))
        if not path.is_file():
            return row, None, False
        return row, _hash_object(str(path)), True

    known = set()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for n, (row, digests, present) in enumerate(pool.map(check, items), start=1):
            known.add(row["sha256"])
            if cancel is not None:
                cancel.raise_if_cancelled()
            _judge_object(report, row, digests, present)
            report.objects_checked += 1
            if progress and (n % 50 == 0 or n == total):
                progress(Progress(n, total, f"{n} of {total} objects"))
    orphans = [h for h in case.objects.iter_hashes() if h not in known]
    if orphans:
        report.notes.append(
            f"{len(orphans)} stored object(s) belong to no item (an import was interrupted before it was recorded); they are not evidence and change nothing."
        )


def _judge_object(
    report: VerifyReport,
    row: sqlite3.Row,
    digests: tuple[str, str, str, int] | None,
    present: bool,
) -> None:
    """One object: missing, unreadable, or altered against the item's recorded digests."""
    item_id, sha256 = row["id"], row["sha256"]
    if not present:
        report.add(
            Problem(
                "missing-object",
                f"Item {item_id}: its original file (objects/sha256/{sha256[:2]}/{sha256}) is missing.",
                item_id,
            )
        )
    elif digests is None:
        report.add(
            Problem(
                "unreadable-object",
                f"Item {item_id}: its original file cannot be read.",
                item_id,
            )
        )
    elif digests != (sha256, row["sha512"], row["sm3"], row["size"]):
        report.add(
            Problem(
                "altered-object",
                f"Item {item_id}: its original file was altered; its bytes no longer match the SHA-256 recorded at acquisition.",
                item_id,
            )
        )


def record_verification(case: Case, report: VerifyReport, *, actor: str | None = None) -> None:
    """Log that a verification ran, with its outcome (itself a custody event)."""
    with case.transaction():
        case.log(
            "case.verified",
            facts={
                "intact": report.intact,
                "events_checked": report.events,
                "items_checked": report.items,
                "head_hash_before": report.head_hash,
                "problems": [p.as_dict() for p in report.problems],
            },
            actor=actor,
        )
