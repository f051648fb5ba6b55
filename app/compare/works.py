"""The case's library of original works, and the comparison charts built against them.

A work is an ``original-work`` item (the artwork file, stored like any evidence) plus a
record of its title, owner or licensor and registration. Licence-chain documents are items
of kind ``licence-document`` linked to the work. Records are insert-only: correcting a work's
details or saving a chart again writes a new row that supersedes the previous one, and the
custody log keeps both.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.errors import ItemNotFoundError, ProofshotError
from app.core.ingest import Acquisition, add_file
from app.core.rows import named_cursor, named_row

_CURRENT_WORKS = "SELECT {cols} FROM works w WHERE w.id NOT IN (SELECT supersedes FROM works WHERE supersedes IS NOT NULL)"
_WORK_COLS = (
    "w.id, w.item_id, w.title, w.owner, w.registration, w.registration_date, w.facts, w.supersedes"
)


@dataclass(frozen=True)
class Work:
    id: int
    item_id: int
    title: str
    owner: str
    registration: str
    registration_date: str
    facts: dict[str, Any]
    supersedes: int | None
    sha256: str = ""
    documents: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "work_id": self.id,
            "item_id": self.item_id,
            "title": self.title,
            "owner": self.owner,
            "registration": self.registration,
            "registration_date": self.registration_date,
            "facts": self.facts,
            "supersedes": self.supersedes,
            "sha256": self.sha256,
            "documents": self.documents,
        }


def _work_from_row(case: Case, row: sqlite3.Row) -> Work:
    sha = case.conn.execute("SELECT sha256 FROM items WHERE id = ?", (row["item_id"],)).fetchone()
    docs = [
        {"item_id": int(i), "role": str(r)}
        for i, r in case.conn.execute(
            "SELECT item_id, role FROM work_documents WHERE work_id = ? ORDER BY item_id",
            (row["id"],),
        )
    ]
    return Work(
        int(row["id"]),
        int(row["item_id"]),
        row["title"],
        row["owner"],
        row["registration"],
        row["registration_date"],
        json.loads(row["facts"]),
        row["supersedes"],
        sha[0] if sha else "",
        docs,
    )


def list_works(
    case: Case, *, head: int | None = None, include_withdrawn: bool = False
) -> list[Work]:
    """The works in force at log position ``head`` (default: now): not superseded by a later
    edit and, unless asked, not backed by a withdrawn item. The one reader of the works
    table for the CLI, the GUI and the bundle."""
    if head is None:
        head = int(case.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])
    sql = (
        f"SELECT {_WORK_COLS} FROM works w WHERE w.seq <= ? AND w.id NOT IN"
        " (SELECT supersedes FROM works WHERE supersedes IS NOT NULL AND seq <= ?)"
    )
    params: list[Any] = [head, head]
    if not include_withdrawn:
        sql += " AND w.item_id NOT IN (SELECT item_id FROM withdrawals WHERE seq <= ?)"
        params.append(head)
    rows = named_cursor(case.conn, sql + " ORDER BY w.id", params).fetchall()
    return [_work_from_row(case, r) for r in rows]


def get_work(case: Case, work_id: int) -> Work:
    row = named_row(case.conn, f"SELECT {_WORK_COLS} FROM works w WHERE w.id = ?", (work_id,))
    if row is None:
        raise ProofshotError(f"No original work {work_id} in this case.")
    return _work_from_row(case, row)


def work_for_item(case: Case, item_id: int) -> Work | None:
    row = named_row(
        case.conn,
        _CURRENT_WORKS.format(cols=_WORK_COLS) + " AND w.item_id = ? ORDER BY w.id DESC LIMIT 1",
        (item_id,),
    )
    return _work_from_row(case, row) if row else None


def add_work(
    case: Case,
    item_id: int,
    *,
    title: str,
    owner: str = "",
    registration: str = "",
    registration_date: str = "",
    facts: dict[str, Any] | None = None,
    supersedes: int | None = None,
    actor: str | None = None,
) -> int:
    """Record an original-work item as a work of the library (logged)."""
    if case.conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
        raise ItemNotFoundError(f"No item {item_id} in this case.")
    if not title.strip():
        raise ProofshotError("An original work needs a title.")
    with case.transaction():
        work_id = case.next_id("works")
        case.log(
            "work.corrected" if supersedes else "work.added",
            item_id=item_id,
            facts={"work_id": work_id},
            records={
                "works": [
                    {
                        "id": work_id,
                        "item_id": item_id,
                        "title": title.strip(),
                        "owner": owner.strip(),
                        "registration": registration.strip(),
                        "registration_date": registration_date.strip(),
                        "facts": canonical_json(facts or {}),
                        "supersedes": supersedes,
                    }
                ]
            },
            actor=actor,
        )
    return work_id


def correct_work(case: Case, work_id: int, *, actor: str | None = None, **changes: str) -> int:
    """A corrected record of a work; the old one stays in the case and the log."""
    old = get_work(case, work_id)
    values = {
        "title": old.title,
        "owner": old.owner,
        "registration": old.registration,
        "registration_date": old.registration_date,
    }
    values.update({k: v for k, v in changes.items() if k in values})
    return add_work(case, old.item_id, facts=old.facts, supersedes=old.id, actor=actor, **values)


def add_work_file(
    case: Case,
    path: Path,
    *,
    title: str | None = None,
    owner: str = "",
    registration: str = "",
    registration_date: str = "",
    facts: dict[str, Any] | None = None,
) -> int:
    """Store an artwork file as an ``original-work`` item and record it as a work."""
    result = add_file(case, path, Acquisition(kind="original-work", method="work-import"))
    existing = work_for_item(case, result.item_id)
    if existing is not None:
        return existing.id
    return add_work(
        case,
        result.item_id,
        title=title or path.stem,
        owner=owner,
        registration=registration,
        registration_date=registration_date,
        facts=facts,
    )


def add_work_document(case: Case, work_id: int, path: Path, *, role: str = "licence-chain") -> int:
    """Store a licence-chain document (PDF, image …) as an item linked to a work."""
    get_work(case, work_id)
    result = add_file(case, path, Acquisition(kind="licence-document", method="work-import"))
    with case.transaction():
        case.log(
            "work.document-added",
            item_id=result.item_id,
            facts={"work_id": work_id, "role": role},
            records={
                "work_documents": [{"work_id": work_id, "item_id": result.item_id, "role": role}]
            },
        )
    return result.item_id


def import_works_from_case(case: Case, other: Case) -> list[int]:
    """Bring another case's works (files and details) into this one, logged as imports."""
    new_ids = []
    for work in list_works(other):
        source = other.objects.path_for(work.sha256)
        wid = add_work_file(
            case,
            source,
            title=work.title,
            owner=work.owner,
            registration=work.registration,
            registration_date=work.registration_date,
            facts={**work.facts, "imported_from_case": str(other.path), "source_work_id": work.id},
        )
        new_ids.append(wid)
    return new_ids


# -- comparison charts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    id: int
    work_id: int
    item_id: int
    title: str
    metrics: dict[str, Any]
    elements: list[dict[str, Any]]
    supersedes: int | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_CHART_COLS = "c.id, c.work_id, c.item_id, c.title, c.metrics, c.elements, c.supersedes"


def _chart(row: sqlite3.Row) -> Chart:
    return Chart(
        int(row["id"]),
        int(row["work_id"]),
        int(row["item_id"]),
        row["title"],
        json.loads(row["metrics"]),
        json.loads(row["elements"]),
        row["supersedes"],
    )


def list_charts(
    case: Case, *, item_id: int | None = None, work_id: int | None = None
) -> list[Chart]:
    sql = f"SELECT {_CHART_COLS} FROM charts c WHERE c.id NOT IN (SELECT supersedes FROM charts WHERE supersedes IS NOT NULL)"
    params: list[Any] = []
    if item_id is not None:
        sql += " AND c.item_id = ?"
        params.append(item_id)
    if work_id is not None:
        sql += " AND c.work_id = ?"
        params.append(work_id)
    return [_chart(r) for r in named_cursor(case.conn, sql + " ORDER BY c.id", params)]


def validate_elements(elements: list[dict[str, Any]]) -> None:
    """Element annotations: numbered region pairs with a description, coordinates 0..1."""
    for n, element in enumerate(elements, start=1):
        if not str(element.get("description", "")).strip():
            raise ProofshotError(f"Element {n} of the chart has no description.")
        for side in ("original", "output"):
            region = element.get(side)
            if region is None:
                continue
            if region.get("shape") not in ("rect", "ellipse", "arrow"):
                raise ProofshotError(
                    f"Element {n}: the {side} region needs a shape (rect, ellipse or arrow)."
                )
            for key in ("x", "y", "w", "h"):
                value = region.get(key)
                if not isinstance(value, int | float) or not -1.0 <= float(value) <= 2.0:
                    raise ProofshotError(
                        f"Element {n}: the {side} region's {key} must be a fraction of the image."
                    )


def save_chart(
    case: Case,
    *,
    work_id: int,
    item_id: int,
    title: str,
    metrics: dict[str, Any],
    elements: list[dict[str, Any]],
    supersedes: int | None = None,
    actor: str | None = None,
) -> int:
    """Save a comparison chart (demonstrative; never alters the evidence)."""
    get_work(case, work_id)
    validate_elements(elements)
    numbered = [{**e, "n": i} for i, e in enumerate(elements, start=1)]
    with case.transaction():
        chart_id = case.next_id("charts")
        case.log(
            "chart.revised" if supersedes else "chart.saved",
            item_id=item_id,
            facts={"chart_id": chart_id, "work_id": work_id, "elements": len(numbered)},
            records={
                "charts": [
                    {
                        "id": chart_id,
                        "work_id": work_id,
                        "item_id": item_id,
                        "title": title,
                        "metrics": canonical_json(metrics),
                        "elements": canonical_json(numbered),
                        "supersedes": supersedes,
                    }
                ]
            },
            actor=actor,
        )
    return chart_id
