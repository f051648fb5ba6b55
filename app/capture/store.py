"""Capture records in the case: page captures, sessions, generations, marks, corrections.

Every row goes in through :meth:`Case.log` inside a transaction, so the custody event
carries it and ``verify`` can replay it. Bytes become items through the ingest functions
(hashed while written; duplicates are recognised, never stored twice). The functions that
take a :class:`~app.core.case.Case` must run on the thread that owns it.

What was recorded is never rewritten: a platform-page mark is a new ``capture_marks`` row;
an operator's confirmation or correction of a generation is a ``generation_corrections``
row beside the generation, and :func:`generation_view` applies them for display.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.capture.exchanges import clean_text, iso_utc
from app.capture.generations import GenerationEvent
from app.capture.redaction import redact_body, redact_mhtml, redact_string, redact_value
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.ingest import Acquisition, PreparedItem, commit_prepared, prepare_bytes
from app.core.records import CaptureFacts, NetworkFacts, apply_corrections
from app.core.rows import named_cursor

CAPTURE_KINDS = ("page", "session")
PAGE_ROLES = ("terms", "ai-label", "complaint", "home", "recommendation", "model-page")
"""Platform pages a capture can be marked as: the duties the Guangzhou court checked."""
CORRECTION_ACTIONS = ("confirm", "add-output", "remove-output", "prompt-note")
ITEM_ROLES = (
    "screenshot-full",
    "screenshot-viewport",
    "dom-html",
    "mhtml",
    "image",
    "download",
    "video",
    "wacz",
    "environment",
)


class CaptureError(ProofshotError):
    """A capture record could not be made or changed as asked."""


@dataclass
class Part:
    """One piece of a capture before it is stored: bytes, role and acquisition facts."""

    role: str
    data: bytes
    kind: str
    source: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredCapture:
    capture_id: int
    items: dict[str, list[int]]
    sha256: dict[int, str]
    duplicates: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "capture_id": self.capture_id,
            "items": self.items,
            "sha256": {str(k): v for k, v in self.sha256.items()},
            "duplicates": self.duplicates,
        }


def redacted_part(part: Part) -> Part:
    """The part with credentials redacted from its source, facts, DOM or MHTML text.

    Only the page's own text items are changed (never images, video, screenshots); the
    facts then name what was replaced under ``redacted`` (names, never values).
    """
    data, names = part.data, []
    if part.role == "dom-html":
        data, names = redact_body(part.data, "text/html")
    elif part.role == "mhtml":
        data, names = redact_mhtml(part.data)
    facts, fact_names = redact_value(part.facts)
    names = names + [f"fact {n}" for n in fact_names]
    if names:
        facts = {**facts, "redacted": sorted(set(names))}
    return Part(part.role, data, part.kind, redact_string(part.source), facts)


def prepare_parts(case_objects: Any, parts: Sequence[Part], *, method: str) -> list[PreparedItem]:
    """Hash and stage the parts' bytes (any thread; touches no database)."""
    staged = []
    for part in parts:
        clean = redacted_part(part)
        staged.append(
            prepare_bytes(
                case_objects,
                clean.data,
                Acquisition(
                    kind=clean.kind, method=method, source=clean.source, source_facts=clean.facts
                ),
            )
        )
    return staged


def store_capture(
    case: Case,
    *,
    kind: str,
    requested_url: str,
    final_url: str,
    title: str,
    started_at: float,
    ended_at: float,
    facts: dict[str, Any],
    parts: Sequence[Part] = (),
    prepared: Sequence[PreparedItem] | None = None,
    linked: Sequence[tuple[str, int]] = (),
    method: str = "browser-capture",
    document: NetworkFacts | None = None,
) -> StoredCapture:
    """Store a capture's parts as items, then the capture record linking them, logged.

    ``prepared`` (from :func:`prepare_parts` on another thread) saves hashing on this one;
    ``linked`` adds (role, item id) pairs of items already in the case. The facts are written
    through :class:`~app.core.records.CaptureFacts` (unknown keys kept); ``document`` is the
    main document's exchange (server IP, TLS) when the recorder saw it.
    """
    if kind not in CAPTURE_KINDS:
        raise CaptureError(f"Unknown capture kind {kind!r}.")
    requested_url, final_url = redact_string(requested_url), redact_string(final_url)
    if document is not None:
        facts = {**facts, "document": document.as_dict()}
    facts = redact_value(facts)[0]
    typed = CaptureFacts.from_dict(facts)  # written typed, after redaction
    staged = (
        list(prepared)
        if prepared is not None
        else prepare_parts(case.objects, parts, method=method)
    )
    roles = [p.role for p in parts]
    with case.transaction():  # the items and their record: one transaction
        results = commit_prepared(case, staged) if staged else []
        links: list[tuple[str, int]] = [(roles[i], r.item_id) for i, r in enumerate(results)]
        links += list(linked)
        sha = {r.item_id: r.sha256 for r in results}
        items: dict[str, list[int]] = {}
        rows = []
        seen: set[tuple[int, str]] = set()
        capture_id = case.next_id("captures")
        for role, item_id in links:
            if (item_id, role) in seen:
                continue
            seen.add((item_id, role))
            items.setdefault(role, []).append(item_id)
            rows.append({"capture_id": capture_id, "item_id": item_id, "role": role})
        record = {
            "id": capture_id,
            "kind": kind,
            "requested_url": requested_url,
            "final_url": final_url,
            "title": clean_text(title),
            "started_at": iso_utc(started_at),
            "ended_at": iso_utc(ended_at),
            "facts": canonical_json(typed.as_dict()),
        }
        case.log(
            f"capture.{kind}-recorded",
            facts={"capture_id": capture_id, "final_url": final_url, "items": len(rows)},
            records={"captures": [record], "capture_items": rows},
        )
    return StoredCapture(capture_id, items, sha, [r.item_id for r in results if r.duplicate])


def store_generation(
    case: Case,
    event: GenerationEvent,
    *,
    session_id: str,
    capture_id: int | None = None,
    prepared: Sequence[PreparedItem] | None = None,
) -> tuple[int, list[int]]:
    """Store a generation's output images (bytes as served) and the generation, logged."""
    staged = (
        list(prepared)
        if prepared is not None
        else prepare_generation_outputs(case.objects, event, session_id=session_id)
    )
    with case.transaction():  # the items and their record: one transaction
        results = commit_prepared(case, staged) if staged else []
        output_ids: list[int] = []
        for r in results:
            if r.item_id not in output_ids:
                output_ids.append(r.item_id)
        facts = redact_value({**event.facts, "session_id": session_id})[0]
        gen_id = case.next_id("generations")
        record = {
            "id": gen_id,
            "capture_id": capture_id,
            "prompt": clean_text(event.prompt),
            "negative_prompt": clean_text(event.negative_prompt)
            if event.negative_prompt is not None
            else None,
            "parameters": canonical_json(redact_value(event.parameters)[0]),
            "request_url": redact_string(event.request_url),
            "job_id": event.job_id,
            "submitted_at": iso_utc(event.submitted_at),
            "returned_at": iso_utc(event.returned_at),
            "binding": event.binding,
            "facts": canonical_json(facts),
        }
        case.log(
            "generation.recorded",
            facts={"generation_id": gen_id, "outputs": len(output_ids), "binding": event.binding},
            records={
                "generations": [record],
                "generation_outputs": [
                    {"generation_id": gen_id, "item_id": item_id} for item_id in output_ids
                ],
            },
        )
    return gen_id, output_ids


def prepare_generation_outputs(
    objects: Any, event: GenerationEvent, *, session_id: str
) -> list[PreparedItem]:
    """Hash and stage a generation's output images (any thread)."""
    staged = []
    for index, out in enumerate(event.outputs):
        facts = {
            **out.facts,
            "session_id": session_id,
            "binding": out.binding,
            "output_index": index,
            "received_at": iso_utc(out.received_at),
            "prompt": clean_text(event.prompt),
        }
        staged.append(
            prepare_bytes(
                objects,
                out.data,
                Acquisition(
                    kind="web-capture",
                    method="browser-recording",
                    source=redact_string(out.url),
                    source_facts=redact_value(facts)[0],
                ),
            )
        )
    return staged


def store_download(
    case: Case, data: bytes, *, url: str, facts: dict[str, Any], session_id: str
) -> int:
    """A file the page made the browser download, kept as the bytes the browser saved."""
    staged = prepare_bytes(
        case.objects,
        data,
        Acquisition(
            kind="web-capture",
            method="browser-download",
            source=redact_string(url),
            source_facts=redact_value({**facts, "session_id": session_id})[0],
        ),
    )
    return commit_prepared(case, [staged])[0].item_id


def mark_capture(case: Case, capture_id: int, role: str, *, actor: str | None = None) -> int:
    """Mark a capture as one of the platform's pages (terms, AI label, complaint, ...)."""
    if role not in PAGE_ROLES:
        raise CaptureError(
            f"{role!r} is not a platform page role; use one of: {', '.join(PAGE_ROLES)}."
        )
    if case.conn.execute("SELECT 1 FROM captures WHERE id = ?", (capture_id,)).fetchone() is None:
        raise CaptureError(f"No capture {capture_id} in this case.")
    with case.transaction():
        mark_id = case.next_id("capture_marks")
        case.log(
            "capture.marked",
            facts={"capture_id": capture_id, "role": role},
            records={"capture_marks": [{"id": mark_id, "capture_id": capture_id, "role": role}]},
            actor=actor,
        )
    return mark_id


def correct_generation(
    case: Case, generation_id: int, action: str, value: str = "", *, actor: str | None = None
) -> int:
    """Record the operator's confirmation or correction beside a generation (never over it).

    ``add-output`` / ``remove-output`` take an item id as ``value``; ``prompt-note`` takes
    text; ``confirm`` may carry a remark.
    """
    if action not in CORRECTION_ACTIONS:
        raise CaptureError(
            f"{action!r} is not a correction; use one of: {', '.join(CORRECTION_ACTIONS)}."
        )
    if (
        case.conn.execute("SELECT 1 FROM generations WHERE id = ?", (generation_id,)).fetchone()
        is None
    ):
        raise CaptureError(f"No generation {generation_id} in this case.")
    if action in ("add-output", "remove-output"):
        if not str(value).strip().isdigit():
            raise CaptureError(f"{action} needs the id of an item.")
        item_id = int(value)
        if case.conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
            raise CaptureError(f"No item {item_id} in this case.")
        value = str(item_id)
    if action == "prompt-note" and not value.strip():
        raise CaptureError("A prompt note needs text.")
    with case.transaction():
        corr_id = case.next_id("generation_corrections")
        case.log(
            f"generation.{action}",
            item_id=int(value) if action in ("add-output", "remove-output") else None,
            facts={"generation_id": generation_id, "action": action, "value": value},
            records={
                "generation_corrections": [
                    {
                        "id": corr_id,
                        "generation_id": generation_id,
                        "action": action,
                        "value": clean_text(value),
                    }
                ]
            },
            actor=actor,
        )
    return corr_id


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationView:
    """A generation as recorded, with the operator's corrections applied for display."""

    id: int
    capture_id: int | None
    prompt: str
    negative_prompt: str | None
    parameters: dict[str, Any]
    request_url: str
    job_id: str | None
    submitted_at: str | None
    returned_at: str | None
    binding: str
    facts: dict[str, Any]
    recorded_outputs: list[dict[str, Any]]
    outputs: list[dict[str, Any]]
    corrections: list[dict[str, Any]]
    confirmed: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "capture_id": self.capture_id,
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "parameters": self.parameters,
            "request_url": self.request_url,
            "job_id": self.job_id,
            "submitted_at": self.submitted_at,
            "returned_at": self.returned_at,
            "binding": self.binding,
            "outputs": [o["sha256"] for o in self.outputs],
            "output_items": self.outputs,
            "recorded_outputs": self.recorded_outputs,
            "corrections": self.corrections,
            "confirmed": self.confirmed,
            "facts": self.facts,
        }


def _item_brief(case: Case, item_id: int) -> dict[str, Any]:
    row = named_cursor(
        case.conn,
        "SELECT id, sha256, source, media_type, width, height FROM items WHERE id = ?",
        (item_id,),
    ).fetchone()
    return {
        "item_id": row["id"],
        "sha256": row["sha256"],
        "url": row["source"],
        "media_type": row["media_type"],
        "width": row["width"],
        "height": row["height"],
    }


def _head(case: Case, head: int | None) -> int:
    """The log position a reader stops at: the given one, or the log's current head."""
    if head is not None:
        return head
    row = case.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()
    return int(row[0])


def list_generations(
    case: Case, *, limit: int = 1000, offset: int = 0, head: int | None = None
) -> list[GenerationView]:
    """Generations, oldest first, each with recorded outputs and the corrections applied.

    The one reader of the generation tables: the GUI and the CLI read the log's head, the
    bundle passes the head it snapshots (rows logged after ``head`` are not seen).
    """
    at = _head(case, head)
    rows = named_cursor(
        case.conn,
        "SELECT id, capture_id, prompt, negative_prompt, parameters, request_url, job_id,"
        " submitted_at, returned_at, binding, facts FROM generations WHERE seq <= ?"
        " ORDER BY id LIMIT ? OFFSET ?",
        (at, limit, offset),
    ).fetchall()
    views = []
    for row in rows:
        gen_id = int(row["id"])
        recorded = [
            _item_brief(case, int(r["item_id"]))
            for r in named_cursor(
                case.conn,
                "SELECT item_id FROM generation_outputs WHERE generation_id = ? AND seq <= ?"
                " ORDER BY rowid",
                (gen_id, at),
            )
        ]
        corrections = [
            {
                "id": c["id"],
                "action": c["action"],
                "value": c["value"],
                "at_utc": c["at_utc"],
                "actor": c["actor"],
                "seq": c["seq"],
            }
            for c in named_cursor(
                case.conn,
                "SELECT c.id, c.action, c.value, e.at_utc, e.actor, c.seq"
                " FROM generation_corrections c JOIN events e ON e.seq = c.seq"
                " WHERE c.generation_id = ? AND c.seq <= ? ORDER BY c.id",
                (gen_id, at),
            )
        ]
        current = apply_corrections([o["item_id"] for o in recorded], corrections)
        views.append(
            GenerationView(
                id=gen_id,
                capture_id=row["capture_id"],
                prompt=row["prompt"],
                negative_prompt=row["negative_prompt"],
                parameters=json.loads(row["parameters"]),
                request_url=row["request_url"],
                job_id=row["job_id"],
                submitted_at=row["submitted_at"],
                returned_at=row["returned_at"],
                binding=row["binding"],
                facts=json.loads(row["facts"]),
                recorded_outputs=recorded,
                outputs=[_item_brief(case, i) for i in current],
                corrections=corrections,
                confirmed=any(c["action"] == "confirm" for c in corrections),
            )
        )
    return views


@dataclass(frozen=True)
class CaptureView:
    id: int
    kind: str
    requested_url: str
    final_url: str
    title: str
    started_at: str
    ended_at: str
    facts: dict[str, Any]
    items: list[dict[str, Any]]
    marks: list[str]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def list_captures(
    case: Case, *, limit: int = 1000, offset: int = 0, head: int | None = None
) -> list[CaptureView]:
    """Captures, oldest first, with their items and marks, as of log position ``head``."""
    at = _head(case, head)
    rows = named_cursor(
        case.conn,
        "SELECT id, kind, requested_url, final_url, title, started_at, ended_at, facts"
        " FROM captures WHERE seq <= ? ORDER BY id LIMIT ? OFFSET ?",
        (at, limit, offset),
    ).fetchall()
    views = []
    for row in rows:
        cap_id = int(row["id"])
        items = [
            {"role": r["role"], **_item_brief(case, int(r["item_id"]))}
            for r in named_cursor(
                case.conn,
                "SELECT role, item_id FROM capture_items WHERE capture_id = ? AND seq <= ?"
                " ORDER BY rowid",
                (cap_id, at),
            )
        ]
        marks = [
            str(r["role"])
            for r in named_cursor(
                case.conn,
                "SELECT role FROM capture_marks WHERE capture_id = ? AND seq <= ? ORDER BY id",
                (cap_id, at),
            )
        ]
        views.append(
            CaptureView(
                cap_id,
                row["kind"],
                row["requested_url"],
                row["final_url"],
                row["title"],
                row["started_at"],
                row["ended_at"],
                json.loads(row["facts"]),
                items,
                marks,
            )
        )
    return views
