"""Items (immutable evidence records) and the annotations that point at them.

Items are never changed. Tags, notes and corrections are separate annotation rows; untagging
is an ``untag`` annotation; withdrawing an item is a withdrawal record with a reason. Each is
written together with its custody event, and the current state is derived by query.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.case import Case
from app.core.errors import ItemNotFoundError, ProofshotError
from app.core.rows import named_cursor, named_row

KINDS = (
    "imported-file",
    "screenshot",
    "web-capture",
    "page-html",
    "page-mhtml",
    "environment",
    "video",
    "web-archive",
    "original-work",
    "licence-document",
    "api-exchange",
    "derived",
)

ITEM_COLUMNS = (
    "id", "seq", "kind", "sha256", "sha512", "sm3", "size", "media_type", "width", "height",
    "acquired_at", "local_offset", "operator", "method", "tool", "source", "source_facts",
    "parent_id", "provenance", "media_notes",
)  # fmt: skip


@dataclass(frozen=True)
class Item:
    id: int
    seq: int
    kind: str
    sha256: str
    sha512: str
    sm3: str
    size: int
    media_type: str
    width: int | None
    height: int | None
    acquired_at: str
    local_offset: str
    operator: str
    method: str
    tool: str
    source: str
    source_facts: dict[str, Any]
    parent_id: int | None
    provenance: dict[str, Any]
    media_notes: list[str]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Item:
        values = dict(zip(ITEM_COLUMNS, row, strict=True))
        values["source_facts"] = json.loads(values["source_facts"])
        values["provenance"] = json.loads(values["provenance"])
        values["media_notes"] = json.loads(values["media_notes"])
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ITEM_COLUMNS}


@dataclass(frozen=True)
class ItemState:
    """What annotations say about an item now."""

    tags: list[str]
    notes: list[dict[str, Any]]
    corrections: list[dict[str, Any]]
    withdrawn: dict[str, Any] | None


_SELECT = f"SELECT {', '.join('i.' + c for c in ITEM_COLUMNS)} FROM items i"

# Ids of items holding at least one trusted timestamp. A placeholder selecting nothing until
# trusted time (app.core.attest) provides its tables; it is the one place to rewire.
ATTESTED_IDS_SQL = "SELECT item_id FROM attestations"

CURRENT_TAGS_SQL = """
SELECT a.item_id, a.value FROM annotations a
WHERE a.kind = 'tag' AND NOT EXISTS (
    SELECT 1 FROM annotations b
    WHERE b.item_id = a.item_id AND b.value = a.value AND b.kind IN ('tag', 'untag') AND b.id > a.id
)
"""


def get_item(case: Case, item_ref: str | int) -> Item:
    """Find an item by id, or by a SHA-256 prefix of at least 8 hex digits."""
    ref = str(item_ref).strip()
    row = None
    if ref.isdigit():
        row = case.conn.execute(f"{_SELECT} WHERE i.id = ?", (int(ref),)).fetchone()
    if row is None and len(ref) >= 8 and all(c in "0123456789abcdefABCDEF" for c in ref):
        rows = case.conn.execute(
            f"{_SELECT} WHERE i.sha256 LIKE ? LIMIT 2", (ref.lower() + "%",)
        ).fetchall()
        if len(rows) > 1:
            raise ItemNotFoundError(
                f"More than one item's SHA-256 starts with {ref}; give more digits."
            )
        row = rows[0] if rows else None
    if row is None:
        raise ItemNotFoundError(f"No item {ref} in this case.")
    return Item.from_row(row)


def find_by_sha256(conn: sqlite3.Connection, sha256: str) -> int | None:
    row = conn.execute("SELECT id FROM items WHERE sha256 = ?", (sha256,)).fetchone()
    return int(row[0]) if row else None


@dataclass(frozen=True)
class ItemFilter:
    text: str | None = None
    tag: str | None = None
    kind: str | None = None
    since: str | None = None
    until: str | None = None
    include_withdrawn: bool = True
    attested: bool | None = None  # None: either; True: has a trusted timestamp; False: pending


def _ocr_ready(case: Case) -> bool:
    from app.core.ocr import has_ocr_tables  # OCR text is searched too, where the case has it

    return has_ocr_tables(case)


def _where(flt: ItemFilter, *, ocr: bool = False) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.kind:
        clauses.append("i.kind = ?")
        params.append(flt.kind)
    if flt.since:
        clauses.append("i.acquired_at >= ?")
        params.append(flt.since)
    if flt.until:
        clauses.append("i.acquired_at <= ?")
        params.append(flt.until)
    if flt.tag:
        clauses.append(f"i.id IN (SELECT item_id FROM ({CURRENT_TAGS_SQL}) WHERE value = ?)")
        params.append(flt.tag)
    if flt.text:
        like = f"%{flt.text}%"
        clauses.append(
            "(i.source LIKE ? OR i.provenance LIKE ? OR i.id IN "
            "(SELECT item_id FROM annotations WHERE kind IN ('note', 'correction', 'tag') AND value LIKE ?))"
        )
        params.extend([like, like, like])
        if ocr:
            from app.core.ocr import match_sql

            sql, extra = match_sql(flt.text)
            clauses[-1] = clauses[-1][:-1] + f" OR i.id IN ({sql}))"
            params.extend(extra)
    if not flt.include_withdrawn:
        clauses.append("i.id NOT IN (SELECT item_id FROM withdrawals)")
    if flt.attested is not None:
        negation = "" if flt.attested else "NOT "
        clauses.append(f"i.id {negation}IN ({ATTESTED_IDS_SQL})")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_items(
    case: Case,
    flt: ItemFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    order: str = "i.id",
) -> list[Item]:
    where, params = _where(flt or ItemFilter(), ocr=_ocr_ready(case))
    sql = f"{_SELECT}{where} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return [Item.from_row(r) for r in case.conn.execute(sql, params)]


def count_items(case: Case, flt: ItemFilter | None = None) -> int:
    where, params = _where(flt or ItemFilter(), ocr=_ocr_ready(case))
    return int(case.conn.execute(f"SELECT COUNT(*) FROM items i{where}", params).fetchone()[0])


def item_state(case: Case, item_id: int) -> ItemState:
    tags = sorted(tags_by_item(case, [item_id]).get(item_id, []))
    notes: list[dict[str, Any]] = []
    corrections: list[dict[str, Any]] = []
    for kind, value, seq, at, actor in case.conn.execute(
        "SELECT a.kind, a.value, a.seq, e.at_utc, e.actor FROM annotations a JOIN events e ON e.seq = a.seq"
        " WHERE a.item_id = ? AND a.kind IN ('note', 'correction') ORDER BY a.id",
        (item_id,),
    ):
        entry = {"text": value, "seq": seq, "at_utc": at, "actor": actor}
        (notes if kind == "note" else corrections).append(entry)
    row = named_row(
        case.conn,
        "SELECT w.reason, w.seq, e.at_utc, e.actor FROM withdrawals w JOIN events e ON e.seq = w.seq"
        " WHERE w.item_id = ? ORDER BY w.seq LIMIT 1",
        (item_id,),
    )
    withdrawn = dict(row) if row else None
    return ItemState(tags, notes, corrections, withdrawn)


def tags_by_item(case: Case, item_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """Current tags per item; with ``item_ids``, only those items are read (in SQL, not after).

    Import and every fetched page of the GUI's grid ask for a handful of items; reading every
    annotation of the case for each of them made tagging imports quadratic.
    """
    result: dict[int, list[str]] = {}
    if item_ids is None:
        batches: list[list[int]] = [[]]
    else:
        wanted = list(dict.fromkeys(int(i) for i in item_ids))
        batches = [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
    for batch in batches:
        sql = CURRENT_TAGS_SQL
        if item_ids is not None:
            if not batch:
                continue
            sql += f" AND a.item_id IN ({', '.join('?' * len(batch))})"
        for item_id, value in case.conn.execute(sql + " ORDER BY a.value", batch):
            result.setdefault(int(item_id), []).append(str(value))
    return result


def all_tags(case: Case) -> list[str]:
    return sorted({v for _, v in case.conn.execute(CURRENT_TAGS_SQL)})


def _clean_label(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise ProofshotError(f"The {what} is empty.")
    if len(text) > 200:
        raise ProofshotError(f"The {what} is longer than 200 characters.")
    return text


def _require_items(case: Case, item_ids: Sequence[int]) -> None:
    for item_id in item_ids:
        if case.conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
            raise ItemNotFoundError(f"No item {item_id} in this case.")


def annotation_record(case: Case, item_id: int, kind: str, value: str) -> dict[str, Any]:
    return {"id": case.next_id("annotations"), "item_id": item_id, "kind": kind, "value": value}


def _annotate(
    case: Case, item_ids: Sequence[int], kind: str, value: str, action: str, *, actor: str | None
) -> int:
    _require_items(case, item_ids)
    changed = 0
    with case.transaction():
        current = tags_by_item(case, item_ids) if kind in ("tag", "untag") else {}
        for item_id in item_ids:
            has = value in current.get(item_id, [])
            if (kind == "tag" and has) or (kind == "untag" and not has):
                continue
            case.log(
                action,
                item_id=item_id,
                facts={"value": value},
                records={"annotations": [annotation_record(case, item_id, kind, value)]},
                actor=actor,
            )
            changed += 1
    return changed


def add_tag(case: Case, item_ids: Sequence[int], tag: str, *, actor: str | None = None) -> int:
    return _annotate(case, item_ids, "tag", _clean_label(tag, "tag"), "item.tagged", actor=actor)


def remove_tag(case: Case, item_ids: Sequence[int], tag: str, *, actor: str | None = None) -> int:
    return _annotate(
        case, item_ids, "untag", _clean_label(tag, "tag"), "item.untagged", actor=actor
    )


def add_note(
    case: Case, item_id: int, text: str, *, actor: str | None = None, correction: bool = False
) -> None:
    if not text.strip():
        raise ProofshotError("The note is empty.")
    kind = "correction" if correction else "note"
    _require_items(case, [item_id])
    with case.transaction():
        case.log(
            f"item.{kind}-added",
            item_id=item_id,
            facts={},
            records={"annotations": [annotation_record(case, item_id, kind, text)]},
            actor=actor,
        )


def withdraw(case: Case, item_id: int, reason: str, *, actor: str | None = None) -> None:
    if not reason.strip():
        raise ProofshotError("Withdrawing an item needs a reason.")
    _require_items(case, [item_id])
    if item_state(case, item_id).withdrawn:
        raise ProofshotError(f"Item {item_id} is already withdrawn.")
    with case.transaction():
        case.log(
            "item.withdrawn",
            item_id=item_id,
            facts={},
            records={"withdrawals": [{"item_id": item_id, "reason": reason}]},
            actor=actor,
        )


# -- queries for list views (grid, table, status bar) ------------------------------------


@dataclass(frozen=True)
class ItemSummary:
    """The few columns a grid cell or table row shows.

    No JSON is parsed and provenance is never read, so a page of summaries stays cheap even
    when items carry large generator metadata; views fetch the full :class:`Item` only for
    the one item being inspected.
    """

    id: int
    kind: str
    sha256: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    acquired_at: str
    local_offset: str
    source: str
    tags: tuple[str, ...]
    withdrawn: bool


_TAG_SEPARATOR = "\x1f"

_SUMMARY_COLUMNS = (
    "id",
    "kind",
    "sha256",
    "media_type",
    "size",
    "width",
    "height",
    "acquired_at",
    "local_offset",
    "source",
)
"""The :class:`ItemSummary` fields read straight from ``items`` (by name, in its order)."""
_ITEM_TAGS_SQL = """(SELECT group_concat(a.value, char(31)) FROM annotations a
    WHERE a.item_id = i.id AND a.kind = 'tag' AND NOT EXISTS (
        SELECT 1 FROM annotations b WHERE b.item_id = a.item_id AND b.value = a.value
        AND b.kind IN ('tag', 'untag') AND b.id > a.id))"""

_FIRST_TAG_SQL = """(SELECT MIN(a.value) FROM annotations a
    WHERE a.item_id = i.id AND a.kind = 'tag' AND NOT EXISTS (
        SELECT 1 FROM annotations b WHERE b.item_id = a.item_id AND b.value = a.value
        AND b.kind IN ('tag', 'untag') AND b.id > a.id))"""

# What a view may sort by, mapped to SQL; never interpolate a caller's string into ORDER BY.
# Sorting by tags uses each item's first tag; untagged items come last either way.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "id": ("i.id",),
    "acquired": ("i.acquired_at",),
    "kind": ("i.kind",),
    "source": ("i.source",),
    "media_type": ("i.media_type",),
    "size": ("i.size",),
    "tags": (_FIRST_TAG_SQL,),
    "attested": (f"(i.id IN ({ATTESTED_IDS_SQL}))",),
}


def list_item_summaries(
    case: Case,
    flt: ItemFilter | None = None,
    *,
    sort: str = "id",
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[ItemSummary]:
    """One page of items for a list view, in a stable order (ties broken by id)."""
    if sort not in SORT_KEYS:
        raise ValueError(f"cannot sort items by {sort!r}")
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{part} {direction}" for part in SORT_KEYS[sort])
    if sort == "tags":
        order = f"{_FIRST_TAG_SQL} IS NULL, {order}"
    where, params = _where(flt or ItemFilter(), ocr=_ocr_ready(case))
    sql = (
        "SELECT i.id, i.kind, i.sha256, i.media_type, i.size, i.width, i.height, i.acquired_at,"
        f" i.local_offset, i.source, {_ITEM_TAGS_SQL} AS tags,"
        " EXISTS (SELECT 1 FROM withdrawals w WHERE w.item_id = i.id) AS withdrawn"
        f" FROM items i{where} ORDER BY {order}, i.id {direction} LIMIT ? OFFSET ?"
    )
    result = []
    for row in named_cursor(case.conn, sql, [*params, limit, offset]):
        tags = tuple(sorted(row["tags"].split(_TAG_SEPARATOR))) if row["tags"] else ()
        columns = {name: row[name] for name in _SUMMARY_COLUMNS}
        result.append(ItemSummary(**columns, tags=tags, withdrawn=bool(row["withdrawn"])))
    return result


def attestation_status(case: Case, item_ids: Iterable[int]) -> dict[int, str]:
    """``"attested"`` or ``"pending"`` for each item: does it hold a trusted timestamp yet?

    Reads the same :data:`ATTESTED_IDS_SQL` the filters use, so a view's column and its
    "attested or not" filter can never disagree.
    """
    wanted = list(dict.fromkeys(int(i) for i in item_ids))
    attested: set[int] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        attested.update(
            int(r[0])
            for r in case.conn.execute(
                f"SELECT id FROM items WHERE id IN ({marks}) AND id IN ({ATTESTED_IDS_SQL})",
                chunk,
            )
        )
    return {i: ("attested" if i in attested else "pending") for i in wanted}


def count_pending_attestations(case: Case) -> int:
    """Items still waiting for a trusted timestamp (withdrawn items are never attested)."""
    return count_items(case, ItemFilter(attested=False, include_withdrawn=False))


OPERATOR_PROMPT_PREFIX = "Prompt entered by operator (not captured): "


def add_operator_prompt(case: Case, item_id: int, prompt: str, *, actor: str | None = None) -> None:
    """Record a prompt the operator typed in by hand, e.g. for a screenshot of an outside tool.

    It is a ``note`` annotation whose text starts with :data:`OPERATOR_PROMPT_PREFIX`, logged
    as ``item.operator-prompt-added`` with ``captured: false``: a report must never present
    it as a prompt captured from the generator itself.
    """
    text = prompt.strip()
    if not text:
        raise ProofshotError("The prompt is empty.")
    _require_items(case, [item_id])
    with case.transaction():
        case.log(
            "item.operator-prompt-added",
            item_id=item_id,
            facts={"entered_by": "operator", "captured": False},
            records={
                "annotations": [
                    annotation_record(case, item_id, "note", OPERATOR_PROMPT_PREFIX + text)
                ]
            },
            actor=actor,
        )
