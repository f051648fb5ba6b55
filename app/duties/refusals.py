"""Refusal responses: a platform declining to generate for a prompt, recognised and recorded.

A refusal is recognised from what was recorded, never assumed from a bare error: the answer
(a campaign try's exchange record, or the page text of a browser capture) must say so in
words (content policy, refused, 拒绝, 违规, ...). A 4xx for a malformed request is an error,
not a refusal. Each refusal found becomes a ``refusals`` row with its own custody event.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from app.core.case import Case
from app.core.rows import named_rows

REFUSAL_RE = re.compile(
    r"content[_\s-]*policy|refus(?:ed|e|al)|declined|blocked|safety\s+system|not\s+allowed|"
    r"拒绝|无法生成|不予生成|不能生成|违规|违反|敏感|涉及他人知识产权",
    re.IGNORECASE,
)
MAX_EXCERPT = 300


@dataclass(frozen=True)
class Refusal:
    platform: str
    prompt: str
    status: int | None
    matched: str
    excerpt: str
    generation_id: int | None = None
    try_id: int | None = None
    item_id: int | None = None  # the record the refusal was read from
    seq: int = 0  # the fact's custody event (the generation or the try)
    at: str = ""
    recorded_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def recognise_text(text: str) -> tuple[str, str] | None:
    """(matched words, excerpt) if ``text`` says the request was refused."""
    found = REFUSAL_RE.search(text)
    if found is None:
        return None
    start = max(0, found.start() - 80)
    excerpt = " ".join(text[start : found.end() + 160].split())[:MAX_EXCERPT]
    return found.group(0), excerpt


def from_exchange_document(data: bytes) -> tuple[int | None, str, str] | None:
    """(status, matched, excerpt) from a campaign exchange record whose answer is a refusal."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    outputs = doc.get("outputs") if isinstance(doc.get("outputs"), list) else []
    if any(isinstance(o, dict) and o.get("status") == "stored" for o in outputs):
        return None  # images came back: not a refusal
    trips = [t for t in doc.get("round_trips") or [] if isinstance(t, dict)]
    for trip in reversed(trips):
        if trip.get("purpose") not in (None, "generate"):
            continue
        response = trip.get("response")
        if not isinstance(response, dict):
            continue
        text = str(response.get("body_text") or "")
        hit = recognise_text(text)
        if hit is not None:
            status = response.get("status")
            return (status if isinstance(status, int) else None, *hit)
    return None


def recorded(case: Case) -> list[Refusal]:
    rows = named_rows(
        case.conn,
        "SELECT r.id, r.generation_id, r.try_id, r.item_id, r.platform, r.prompt, r.status,"
        " r.matched, r.excerpt, e.at_utc FROM refusals r JOIN events e ON e.seq = r.seq"
        " ORDER BY r.id",
    )
    return [
        Refusal(
            platform=r["platform"],
            prompt=r["prompt"],
            status=r["status"],
            matched=r["matched"],
            excerpt=r["excerpt"],
            generation_id=r["generation_id"],
            try_id=r["try_id"],
            item_id=r["item_id"],
            at=r["at_utc"],
            recorded_id=r["id"],
        )
        for r in rows
    ]


def record(case: Case, refusals: list[Refusal], *, actor: str | None = None) -> list[int]:
    """Record refusals not yet recorded (same generation or try); returns the new row ids."""
    done_gen = {r.generation_id for r in recorded(case) if r.generation_id is not None}
    done_try = {r.try_id for r in recorded(case) if r.try_id is not None}
    new_ids: list[int] = []
    with case.transaction():
        for ref in refusals:
            if (ref.generation_id is not None and ref.generation_id in done_gen) or (
                ref.try_id is not None and ref.try_id in done_try
            ):
                continue
            row_id = case.next_id("refusals")
            row = {
                "id": row_id,
                "generation_id": ref.generation_id,
                "try_id": ref.try_id,
                "item_id": ref.item_id,
                "platform": ref.platform,
                "prompt": ref.prompt,
                "status": ref.status,
                "matched": ref.matched,
                "excerpt": ref.excerpt,
            }
            case.log(
                "duties.refusal-recorded",
                item_id=ref.item_id,
                facts={
                    "generation_id": ref.generation_id,
                    "try_id": ref.try_id,
                    "platform": ref.platform,
                    "matched": ref.matched,
                },
                records={"refusals": [row]},
                actor=actor,
            )
            new_ids.append(row_id)
            if ref.generation_id is not None:
                done_gen.add(ref.generation_id)
            if ref.try_id is not None:
                done_try.add(ref.try_id)
    return new_ids


ANSWER_KEYS = frozenset(
    {"error", "errors", "message", "detail", "reason", "code", "refused", "msg", "status_message"}
)
"""JSON keys whose values are the platform's words about the request (error, refusal, ...)."""
MAX_BODY = 1_000_000


def _answer_text(value: object, key: str = "", depth: int = 0) -> list[str]:
    """Strings under error/message-like keys of a JSON answer (any depth)."""
    if depth > 6:
        return []
    if isinstance(value, dict):
        out: list[str] = []
        for k, v in value.items():
            out += _answer_text(v, str(k).lower(), depth + 1)
        return out
    if isinstance(value, list):
        return [t for v in value[:50] for t in _answer_text(v, key, depth + 1)]
    if key in ANSWER_KEYS and isinstance(value, str | bool) and value is not False:
        return [f"{key}: {value}"]
    return []


def from_response_body(data: bytes) -> tuple[str, str] | None:
    """(matched, excerpt) if a generation request's response body says it was refused.

    JSON answers are read only under error/message-like keys (a prompt echoed back in the
    answer must not count as a refusal); other text bodies are read whole.
    """
    if not data or len(data) > MAX_BODY:
        return None
    text = data.decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        return recognise_text(text) if "<" not in text[:1] else None
    return recognise_text(" | ".join(_answer_text(doc))) if isinstance(doc, dict | list) else None


Answer = tuple[int | None, bytes]
"""(HTTP status, body) of one archived response."""


@dataclass
class WaczAnswers:
    """The archived responses to a few URLs in one WACZ, indexed in one pass over it.

    Only what was asked for is kept (a body whose SHA-256 was asked for, and the first body
    per URL for when it is the only one), each body read up to ``MAX_BODY + 1`` bytes.
    """

    by_body: dict[tuple[str, str], Answer] = field(default_factory=dict)
    first: dict[str, Answer] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)

    def answer(self, url: str, body_sha256: str | None) -> Answer | None:
        """The response whose body has ``body_sha256`` wins; else the only one for ``url``."""
        if body_sha256 and (url, body_sha256) in self.by_body:
            return self.by_body[(url, body_sha256)]
        return self.first.get(url) if self.count.get(url) == 1 else None


def index_wacz(
    source: str | os.PathLike[str] | IO[bytes], wanted: dict[str, set[str]]
) -> WaczAnswers:
    """Read a WACZ's WARC records once, keeping the responses to the URLs in ``wanted``
    (URL -> body SHA-256s asked for). A file that is not a zip holds no answers."""
    from warcio.archiveiterator import ArchiveIterator

    out = WaczAnswers()
    try:
        zf = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        return out
    with zf:
        for name in zf.namelist():
            if not name.startswith("archive/") or not name.endswith((".warc", ".warc.gz")):
                continue
            with zf.open(name) as stream:
                for record in ArchiveIterator(stream):
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    if record.rec_type != "response" or url not in wanted:
                        continue
                    body = record.content_stream().read(MAX_BODY + 1)
                    code = record.http_headers.get_statuscode() if record.http_headers else None
                    got = (int(code) if code and code.isdigit() else None, body)
                    out.count[url] = out.count.get(url, 0) + 1
                    out.first.setdefault(url, got)
                    sha = hashlib.sha256(body).hexdigest()
                    if sha in wanted[url]:
                        out.by_body.setdefault((url, sha), got)
    return out


def response_from_wacz(wacz: bytes, url: str, body_sha256: str | None) -> Answer | None:
    """(status, body) of the archived response to ``url`` in a session's WACZ.

    The response whose payload has the SHA-256 the generation recorded wins; else the only
    response archived for that URL. None when the archive holds no such response.
    """
    wanted = {url: {body_sha256} if body_sha256 else set()}
    return index_wacz(io.BytesIO(wacz), wanted).answer(url, body_sha256)
