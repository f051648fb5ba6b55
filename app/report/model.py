"""The bundle model: one snapshot of a case, arranged as numbered exhibits, built in one pass.

Every output of an export (the filing PDF, the archive manifests, VERIFY.txt, the
declarations, the complaint letter) is a view of the :class:`Bundle` built here, never a
second walk over the database, so they cannot disagree about what Exhibit 3 is or which
hash it has.

The snapshot is fixed by the custody log's head: every query reads only rows whose ``seq``
is at or below it. The same case state and options therefore always give the same model,
which is what makes the filing PDF reproducible byte for byte.
"""

from __future__ import annotations

import json
import mimetypes
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.capture import store as capture_store
from app.compare import works as works_mod
from app.core import attest, custody
from app.core import items as items_mod
from app.core.case import Case
from app.core.digests import open_regular
from app.core.errors import ProofshotError
from app.core.identity import code_sha256, tool_name
from app.core.items import ITEM_COLUMNS, Item
from app.core.problems import VerifyReport
from app.core.records import (
    AcquisitionFacts,
    CaptureFacts,
    EnvironmentRecord,
    NetworkFacts,
)
from app.core.rows import named_row
from app.report import exhibit_register, study_section
from app.report.choices import (  # defined apart for the CLI (see there)
    COVER_KEYS,
    LANGS,
    PAPERS,
    PROFILES,
)

IMPORTED_KINDS = {"imported-file", "original-work", "licence-document"}
"""Kinds of item acquired by importing a file (no connection, no environment was recorded)."""

# Chart bands that say "not similar": such outputs are not counted as matching a work.
NEGATIVE_BANDS = {"none", "low", "dissimilar", "not similar", "no match", "unrelated"}

_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
    "text/html": ".html",
    "application/json": ".json",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "video/webm": ".webm",
    "video/mp4": ".mp4",
    "multipart/related": ".mhtml",
    "application/x-mimearchive": ".mhtml",
    "application/wacz": ".wacz",
    "application/zip": ".zip",
    "application/warc": ".warc",
}


@dataclass(frozen=True)
class ExportOptions:
    """What the user asked for; logged verbatim in the ``export.created`` event."""

    profile: str = "both"
    lang: str = "en"
    tags: tuple[str, ...] = ()
    items: tuple[int, ...] = ()
    bates_prefix: str = "PS"
    paper: str = "letter"
    max_mb: float = 35.0
    sign: Path | None = None
    cover: Mapping[str, str] = field(default_factory=dict)
    out: Path | None = None
    renumber: bool = False  # start the exhibit register over (issue 16)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ProofshotError(f"Unknown profile {self.profile!r}; use filing, archive or both.")
        if self.lang not in LANGS:
            raise ProofshotError(f"Unknown language {self.lang!r}; use en, zh or en+zh.")
        if self.paper not in PAPERS:
            raise ProofshotError(f"Unknown paper size {self.paper!r}; use letter or a4.")
        if not self.max_mb > 0.2:
            raise ProofshotError("--max-mb must be more than 0.2 (megabytes per volume).")
        prefix = self.bates_prefix
        if len(prefix) > 20 or any(not (c.isalnum() or c in "-_.") for c in prefix):
            raise ProofshotError(
                "The Bates prefix may hold up to 20 letters, digits, '-', '_' or '.'."
            )
        unknown = set(self.cover) - set(COVER_KEYS)
        if unknown:
            raise ProofshotError(f"Unknown cover field(s): {', '.join(sorted(unknown))}.")

    @property
    def english(self) -> bool:
        return self.lang in ("en", "en+zh")

    @property
    def chinese(self) -> bool:
        return self.lang in ("zh", "en+zh")

    def as_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "lang": self.lang,
            "tags": list(self.tags),
            "items": list(self.items),
            "bates_prefix": self.bates_prefix,
            "paper": self.paper,
            "max_mb": self.max_mb,
            "sign": self.sign is not None,
            "cover": dict(sorted(self.cover.items())),
            "renumber": self.renumber,
        }


@dataclass(frozen=True)
class TokenInfo:
    id: int
    purpose: str
    tsa_name: str
    tsa_url: str
    gen_time: str
    serial: str
    policy_oid: str
    sealed_seq: int | None
    sealed_hash: str | None

    @property
    def file_stem(self) -> str:
        return attest.token_file_stem(self.id, self.tsa_url)


@dataclass
class ItemView:
    """An item as exhibited: the stored record plus its place in the bundle."""

    item: Item
    role: str
    label: str
    native_name: str
    tokens: list[TokenInfo]
    tags: list[str]
    notes: list[dict[str, Any]]
    corrections: list[dict[str, Any]]

    @property
    def is_image(self) -> bool:
        return self.item.media_type.startswith("image/") and bool(self.item.width)


@dataclass
class GenerationView:
    id: int
    capture_id: int | None
    prompt: str
    negative_prompt: str | None
    parameters: Any
    request_url: str
    job_id: str | None
    submitted_at: str | None
    returned_at: str | None
    binding: Any
    facts: dict[str, Any]
    outputs: list[int]
    corrections: list[dict[str, Any]]
    campaign: str | None = None
    try_number: int | None = None


@dataclass
class CaptureView:
    id: int
    kind: str
    requested_url: str
    final_url: str
    title: str
    started_at: str
    ended_at: str
    facts: dict[str, Any]
    marks: list[str]
    record: CaptureFacts = field(default_factory=CaptureFacts)
    network: NetworkFacts | None = None
    network_from: str = ""  # the URL of the exchange the network facts were recorded on
    operators: list[str] = field(default_factory=list)

    @property
    def site_account(self) -> str | None:
        return self.record.site_account


@dataclass
class WorkView:
    id: int
    title: str
    owner: str
    registration: str
    registration_date: str
    facts: dict[str, Any]
    item_id: int


def work_title_zh(work: WorkView) -> str:
    """The work's Chinese title when one is recorded (facts ``title_zh``), else its title."""
    value = work.facts.get("title_zh") if isinstance(work.facts, dict) else None
    return str(value).strip() if isinstance(value, str) and value.strip() else work.title


@dataclass
class ChartView:
    id: int
    title: str
    work_id: int
    item_id: int
    metrics: dict[str, Any]
    elements: list[dict[str, Any]]
    work_exhibit: int = 0
    output_exhibit: int = 0

    @property
    def band(self) -> str:
        return str(self.metrics.get("band") or "")

    @property
    def positive(self) -> bool:
        return self.band.strip().lower() not in NEGATIVE_BANDS


@dataclass
class Exhibit:
    number: int
    kind: str  # work | platform-page | capture | generation | item | chart
    title: str
    title_zh: str
    source: str
    purpose: str
    purpose_zh: str
    items: list[ItemView] = field(default_factory=list)
    capture: CaptureView | None = None
    generations: list[GenerationView] = field(default_factory=list)
    work: WorkView | None = None
    chart: ChartView | None = None
    source_zh: str = ""
    identity: str = ""  # what the exhibit is ("capture:3"), the exhibit register's key

    @property
    def demonstrative(self) -> bool:
        return self.kind == "chart"

    @property
    def key(self) -> str:
        return f"pdx-{self.number}" if self.demonstrative else f"exhibit-{self.number}"

    @property
    def folder(self) -> str:
        return f"pdx-{self.number:03d}" if self.demonstrative else f"exhibit-{self.number:03d}"

    @property
    def label_en(self) -> str:
        """Exhibits and demonstratives are numbered apart: "Exhibit 4", "PDX-1"."""
        return f"PDX-{self.number}" if self.demonstrative else f"Exhibit {self.number}"

    @property
    def label_zh(self) -> str:
        return f"演示材料{self.number}" if self.demonstrative else f"证据{self.number}"


@dataclass
class PromptSummary:
    prompt: str
    tries: int
    outputs: int
    matching: int | None  # outputs a positive chart pairs with a work; None: none compared
    exhibits: list[int]
    origin: str  # captured | embedded | both
    output_ids: list[int] = field(default_factory=list)
    ranked_high: int | None = None  # outputs `match` rates high; None: match was not run

    @property
    def assessed(self) -> bool:
        return self.matching is not None


def apply_ranking(bundle: Bundle, ranking: Mapping[int, Sequence[Mapping[str, Any]]]) -> None:
    """Count, per prompt, the outputs the tool's ``match`` ranking rates high (its best work).

    Without a ranking (no works, or match not run) the count stays None: "not run", never 0.
    """
    if not ranking:
        return
    for p in bundle.prompts:
        ranked = [i for i in p.output_ids if i in ranking]
        if ranked:
            p.ranked_high = sum(
                1 for i in ranked if ranking[i] and str(ranking[i][0].get("band")) == "high"
            )


@dataclass(frozen=True)
class LogLine:
    """One custody event as the PDF appendix prints it (payloads stay in the archive)."""

    seq: int
    at_utc: str
    actor: str
    action: str
    item_id: int | None
    hash: str
    payload: str = ""  # read for the "what changed" column; printed only as words


@dataclass
class Site:
    host: str
    urls: list[str]
    server_ips: list[str]
    tls: list[dict[str, Any]]
    marks: list[str]
    accounts: list[str] = field(default_factory=list)
    connections: list[dict[str, Any]] = field(default_factory=list)
    unconnected: list[str] = field(default_factory=list)  # captured URLs with no IP/TLS recorded


@dataclass
class DeclarationFacts:
    declarant: str
    declarant_role: str
    operators: list[str]
    methods: list[str]
    tools: list[str]
    first_acquired: str
    last_acquired: str
    item_count: int
    exhibit_item_count: int
    tsa_names: list[str]
    item_tokens: int
    seals: list[TokenInfo]
    unattested: list[int]
    failed_timestamp_attempts: int
    derived_items: int
    sites: list[Site]
    environment_items: list[int]
    environments: list[tuple[str, EnvironmentRecord]] = field(default_factory=list)
    unattested_by_method: dict[str, list[int]] = field(default_factory=dict)
    imported_only: bool = False  # every exhibited file was imported, none captured


@dataclass
class Bundle:
    case_title: str
    case_id: str
    head_seq: int
    head_hash: str
    doc_date: str
    options: ExportOptions
    cover: dict[str, str]
    tool: str
    code_hash: str
    exhibits: list[Exhibit]
    prompts: list[PromptSummary]
    log: list[LogLine]
    tokens: list[TokenInfo]
    environment: list[tuple[str, dict[str, Any]]]
    verification: dict[str, Any]
    declaration: DeclarationFacts
    withdrawn: list[dict[str, Any]]
    not_selected: int = 0  # live items the selection left out (untagged imported files, …)
    selection: str = "default"  # asked (--tags/--items) | default | all (nothing tagged)
    works: dict[int, int] = field(default_factory=dict)  # work id -> exhibit number
    item_exhibit: dict[int, str] = field(default_factory=dict)  # item id -> "3.2"
    study: dict[str, Any] | None = None  # the "Reproduction study" section (study_section)
    ocr: dict[int, Any] = field(default_factory=dict)  # item id -> ocr_layer.TextLayer
    duties: list[Any] = field(default_factory=list)  # app.duties.checks.PlatformDuties

    @property
    def document_time(self) -> datetime:
        return parse_time(self.doc_date) or datetime(2000, 1, 1, tzinfo=UTC)

    def anchoring_note(self) -> tuple[str, str] | None:
        """(English, Chinese) warning for the cover and VERIFY.txt when trusted time is missing."""
        if not any(t.purpose == "seal" for t in self.tokens):
            untimed = not any(t.purpose == "items" for t in self.tokens)
            return (
                "NOT ANCHORED: no trusted timestamp could be obtained"
                + (" for the custody log or any item" if untimed else " for the custody log")
                + ". Nothing outside this computer fixes when these files existed; "
                "verify-bundle reports this bundle as INTACT, UNANCHORED.",
                "未锚定：保管日志"
                + ("及任何文件均" if untimed else "")
                + "未取得可信时间戳，这些文件存在的时间仅依据本机时钟；verify-bundle核验结果为“完整，未锚定”。",
            )
        return None

    def item_views(self) -> Iterable[ItemView]:
        for exhibit in self.exhibits:
            yield from exhibit.items


# -- per-exhibit edits ------------------------------------------------------------------------

EXHIBIT_FIELDS = {
    "purpose": "[exhibit purpose] ",
    "purpose_zh": "[证明对象] ",
    "source": "[exhibit source] ",
    "source_zh": "[证据来源] ",
}
"""What the user may restate per exhibit, each kept as a logged note with this prefix on the
exhibit's first item (annotations are records beside the evidence, never edits of it)."""


def set_exhibit_text(
    case: Case, item_id: int, field_name: str, text: str, *, actor: str | None = None
) -> None:
    """Record the user's wording of an exhibit's purpose or source (a logged annotation)."""
    if field_name not in EXHIBIT_FIELDS:
        raise ProofshotError(f"Unknown exhibit field {field_name!r}.")
    text = " ".join(str(text).split())
    if not text:
        raise ProofshotError("The text is empty.")
    items_mod.add_note(case, item_id, EXHIBIT_FIELDS[field_name] + text, actor=actor)


def _apply_exhibit_edits(ex: Exhibit) -> None:
    for view in ex.items:
        for note in view.notes:  # oldest first: the latest edit wins
            text = str(note.get("text", ""))
            for name, prefix in EXHIBIT_FIELDS.items():
                if text.startswith(prefix):
                    setattr(ex, name, text[len(prefix) :])


# -- helpers ---------------------------------------------------------------------------------


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _offset(text: str) -> timezone:
    try:
        sign = -1 if text.startswith("-") else 1
        hours, minutes = text.lstrip("+-").split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    except (ValueError, AttributeError):
        return UTC


def utc_text(value: str | None) -> str:
    moment = parse_time(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "—"


def local_text(value: str | None, offset: str) -> str:
    moment = parse_time(value)
    if not moment:
        return "—"
    local = moment.astimezone(_offset(offset))
    return local.strftime("%Y-%m-%d %H:%M:%S ") + (offset or "+00:00")


def beijing_text(value: str | None) -> str:
    moment = parse_time(value)
    if not moment:
        return "—"
    return moment.astimezone(timezone(timedelta(hours=8))).strftime("%Y年%m月%d日 %H:%M:%S")


def extension_for(media_type: str) -> str:
    if media_type in _EXTENSIONS:
        return _EXTENSIONS[media_type]
    guessed = mimetypes.guess_extension(media_type or "")
    return guessed if guessed and len(guessed) <= 6 else ".bin"


def _json(text: str | None, default: Any) -> Any:
    if text is None:
        return default
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return text


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- building -------------------------------------------------------------------------------


class _Snapshot:
    """Reads of the case limited to events at or below the head, in stable orders."""

    def __init__(self, case: Case, head: int) -> None:
        self.case = case
        self.conn = case.conn
        self.head = head

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, [*params]).fetchall()

    def items(self) -> dict[int, Item]:
        cols = ", ".join(ITEM_COLUMNS)
        return {
            int(r["id"]): Item.from_row(r)
            for r in _records(
                self.case, f"SELECT {cols} FROM items WHERE seq <= ? ORDER BY id", (self.head,)
            )
        }

    def annotations(self) -> dict[int, dict[str, Any]]:
        state: dict[int, dict[str, Any]] = {}
        for item_id, kind, value, seq, at, actor in self.rows(
            "SELECT a.item_id, a.kind, a.value, a.seq, e.at_utc, e.actor FROM annotations a"
            " JOIN events e ON e.seq = a.seq WHERE a.seq <= ? ORDER BY a.id",
            (self.head,),
        ):
            entry = state.setdefault(int(item_id), {"tags": {}, "notes": [], "corrections": []})
            if kind == "tag":
                entry["tags"][value] = True
            elif kind == "untag":
                entry["tags"].pop(value, None)
            else:
                bucket = "notes" if kind == "note" else "corrections"
                entry[bucket].append({"text": value, "seq": seq, "at_utc": at, "actor": actor})
        return state

    def withdrawals(self) -> dict[int, dict[str, Any]]:
        result: dict[int, dict[str, Any]] = {}
        for item_id, reason, seq, at, actor in self.rows(
            "SELECT w.item_id, w.reason, w.seq, e.at_utc, e.actor FROM withdrawals w"
            " JOIN events e ON e.seq = w.seq WHERE w.seq <= ? ORDER BY w.seq",
            (self.head,),
        ):
            result.setdefault(
                int(item_id),
                {
                    "item_id": int(item_id),
                    "reason": reason,
                    "seq": seq,
                    "at_utc": at,
                    "actor": actor,
                },
            )
        return result

    def tokens(self) -> list[TokenInfo]:
        return [
            TokenInfo(**{**dict(r), "id": int(r["id"])})
            for r in _records(
                self.case,
                "SELECT id, purpose, tsa_name, tsa_url, gen_time, serial, policy_oid, sealed_seq,"
                " sealed_hash FROM tokens WHERE seq <= ? ORDER BY id",
                (self.head,),
            )
        ]

    def attestations(self) -> dict[int, list[int]]:
        result: dict[int, list[int]] = {}
        for token_id, item_id in self.rows(
            "SELECT token_id, item_id FROM attestations WHERE seq <= ? ORDER BY token_id, item_id",
            (self.head,),
        ):
            result.setdefault(int(item_id), []).append(int(token_id))
        return result


def _current(rows: list[sqlite3.Row], supersedes: str = "supersedes") -> list[sqlite3.Row]:
    """The rows no other row supersedes (by ``id`` and the ``supersedes`` column)."""
    superseded = {r[supersedes] for r in rows if r[supersedes] is not None}
    return [r for r in rows if r["id"] not in superseded]


def _select(
    items: Mapping[int, Item],
    tags: Mapping[int, list[str]],
    withdrawn: Mapping[int, Any],
    options: ExportOptions,
    default_pool: set[int] | None = None,
) -> set[int]:
    wanted_tags = set(options.tags)
    wanted_ids = set(options.items)
    unknown = wanted_ids - set(items)
    if unknown:
        raise ProofshotError(
            f"No item {', '.join(str(i) for i in sorted(unknown))} in this case; check --items."
        )
    selected = set()
    for item_id in items:
        if item_id in withdrawn:
            continue
        if (
            (
                not wanted_tags
                and not wanted_ids
                and (default_pool is None or item_id in default_pool)
            )
            or item_id in wanted_ids
            or wanted_tags & set(tags.get(item_id, []))
        ):
            selected.add(item_id)
    return selected


def _cover(case: Case, options: ExportOptions) -> dict[str, str]:
    settings = case.settings()
    cover = {key: settings.get(f"bundle.{key}", "").strip() for key in COVER_KEYS}
    cover.update({k: v.strip() for k, v in options.cover.items()})
    if not cover["prepared_by"]:
        cover["prepared_by"] = settings.get("operator", "").strip()
    if not cover["declarant"]:
        cover["declarant"] = settings.get("operator", "").strip()
    return cover


def _attach_network(
    capture: CaptureView,
    members: Sequence[tuple[int, str]],
    items: Mapping[int, Item],
    generations: Mapping[int, GenerationView],
) -> None:
    """The capture's connection facts and operators, from what the recorder wrote.

    The main document's exchange when the capture record holds it; otherwise the exchange
    that delivered one of the capture's own items from the same host (the recorder writes
    server IP and TLS per exchange, on each item's acquisition facts); otherwise the
    request of a generation made in the capture. Nothing is inferred beyond that.
    """
    if capture.record.document is not None and capture.record.document.has_connection:
        capture.network = capture.record.document
        capture.network_from = capture.record.document.url or capture.final_url
    else:
        host = host_of(capture.final_url or capture.requested_url)
        candidates: list[tuple[int, NetworkFacts]] = []
        session = capture.record.session_id
        outputs = [
            (i, "generated-output")
            for gen in generations.values()
            if gen.capture_id == capture.id
            or (session and isinstance(gen.facts, dict) and gen.facts.get("session_id") == session)
            for i in gen.outputs
        ]
        for item_id, _role in [*members, *outputs]:
            item = items.get(item_id)
            if item is None:
                continue
            facts = AcquisitionFacts.from_dict(
                item.source_facts if isinstance(item.source_facts, dict) else {}
            )
            net = facts.network
            if net is None:
                continue
            url = net.url or item.source
            rank = (
                0
                if url in (capture.final_url, capture.requested_url)
                else 1
                if host and host_of(url or "") == host
                else 2
            )
            candidates.append((rank, NetworkFacts.from_dict({**net.as_dict(), "url": url})))
        for gen in generations.values():
            if gen.capture_id != capture.id or not isinstance(gen.facts, dict):
                continue
            request = gen.facts.get("request")
            if isinstance(request, dict):
                net = NetworkFacts.from_dict(
                    {
                        **request,
                        "tls": {
                            "protocol": request.get("tls_protocol"),
                            "subject": request.get("tls_subject"),
                        }
                        if request.get("tls_protocol") or request.get("tls_subject")
                        else None,
                    }
                )
                if net.has_connection:
                    candidates.append((3, net))
        candidates = [c for c in candidates if c[0] < 2 or c[0] == 3]
        if candidates:
            candidates.sort(key=lambda c: c[0])
            capture.network = candidates[0][1]
            capture.network_from = candidates[0][1].url or ""
    operators = [capture.record.operator] if capture.record.operator else []
    for item_id, _role in members:
        item = items.get(item_id)
        if item is not None and item.operator and item.operator not in operators:
            operators.append(item.operator)
    capture.operators = operators


ENVIRONMENT_CAP = 4 << 20
"""An environment report is a few kilobytes; one larger is pointed to, not parsed."""


def _read_environment(case: Case, item: Item) -> dict[str, Any]:
    """An environment report item's JSON, or a note that it is not JSON (shown as such)."""
    path = case.objects.path_for(item.sha256)
    if item.size > ENVIRONMENT_CAP:
        return {"note": f"environment report of {item.size} bytes; see the native file"}
    try:  # the case's file, not its record: no link followed, no more read than the cap
        with open_regular(path) as handle:
            raw = handle.read(ENVIRONMENT_CAP + 1)
    except OSError:
        return {"note": "the environment report cannot be read; see the native file"}
    if len(raw) > ENVIRONMENT_CAP:
        return {"note": f"environment report of over {ENVIRONMENT_CAP} bytes; see the native file"}
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return {"note": "the environment report is not JSON; see the native file"}
    return data if isinstance(data, dict) else {"value": data}


@dataclass
class _CaseRead:
    """Step 1 of :func:`build_bundle`: what the case holds at its head, read once."""

    head_seq: int
    head_hash: str
    doc_date: str
    items: dict[int, Item]
    notes: dict[int, dict[str, Any]]
    tags: dict[int, list[str]]
    withdrawn: dict[int, dict[str, Any]]
    tokens: list[TokenInfo]
    attested: dict[int, list[int]]
    captures: dict[int, CaptureView]
    capture_items: dict[int, list[tuple[int, str]]]
    generations: dict[int, GenerationView]
    exchange_items: dict[int, int]
    failed_tries: dict[str, int]
    works: dict[int, WorkView]
    work_docs: dict[int, list[tuple[int, str]]]
    charts: list[ChartView]

    def live(self, item_id: int) -> bool:
        return item_id in self.items and item_id not in self.withdrawn


_Draft = tuple[tuple[Any, ...], Exhibit, list[tuple[int, str]]]


def numbered_exhibits(
    case: Case, options: ExportOptions, register: dict[str, int]
) -> list[Exhibit]:
    """The exhibits :func:`build_bundle` would show, numbered from ``register``: its first
    three steps only (no custody log, environments or declaration facts read)."""
    read = _read_case(case)
    selected, _ = _selection(read, options)
    drafts = _draft_exhibits(read, selected)
    return _number_exhibits(read, drafts, selected, register)[0]


def build_bundle(
    case: Case,
    options: ExportOptions,
    verification: VerifyReport | None = None,
    *,
    register: dict[str, int] | None = None,
) -> Bundle:
    """The whole bundle model for the case as it stands at its custody log's head. Exhibit
    numbers come from the case's exhibit register (or ``register``); exhibits not in it are
    numbered after the highest.

    Three steps: read the case at its head (:func:`_read_case`), draft the exhibits from what
    is selected (:func:`_draft_exhibits`), number them (:func:`_number_exhibits`)."""
    read = _read_case(case)
    selected, selection = _selection(read, options)
    drafts = _draft_exhibits(read, selected)
    known = exhibit_register.registered(case) if register is None else register
    exhibits, item_exhibit, work_exhibit = _number_exhibits(read, drafts, selected, known)
    head_seq = read.head_seq
    prompts = _prompt_summary(exhibits, read.charts, read.failed_tries)
    log = _log_lines(case, head_seq)
    environment, env_ids = _environments(case, exhibits)
    report = verification.as_dict() if verification is not None else {}
    cover = _cover(case, options)
    declaration = _declaration_facts(
        read.items,
        exhibits,
        read.tokens,
        read.attested,
        read.withdrawn,
        read.captures,
        case,
        head_seq,
        env_ids,
        cover,
        environment,
    )
    return Bundle(
        case_title=case.settings().get("title", ""),
        case_id=attest.case_id(case),
        head_seq=head_seq,
        head_hash=read.head_hash,
        doc_date=read.doc_date,
        options=options,
        cover=cover,
        tool=tool_name(),
        code_hash=code_sha256(),
        exhibits=exhibits,
        prompts=prompts,
        log=log,
        tokens=read.tokens,
        environment=environment,
        verification=report,
        declaration=declaration,
        withdrawn=list(read.withdrawn.values()),
        not_selected=sum(1 for i in read.items if i not in read.withdrawn and i not in selected),
        selection=selection,
        works=work_exhibit,
        item_exhibit=item_exhibit,
        study=study_section.study_model(case),
        ocr=_ocr_layers(case, head_seq),
        duties=_duties(case, head_seq),
    )


def _log_lines(case: Case, head_seq: int) -> list[LogLine]:
    """Every custody-log entry up to the head, for Appendix B."""
    return [
        LogLine(
            int(r["seq"]),
            r["at_utc"],
            r["actor"],
            r["action"],
            r["item_id"],
            r["hash"],
            r["payload"],
        )
        for r in _records(
            case,
            "SELECT seq, at_utc, actor, action, item_id, hash, payload FROM events"
            " WHERE seq <= ? ORDER BY seq",
            (head_seq,),
        )
    ]


def _environments(
    case: Case, exhibits: list[Exhibit]
) -> tuple[list[tuple[str, dict[str, Any]]], list[int]]:
    """The exhibited environment records (label, record) and their item ids."""
    environment: list[tuple[str, dict[str, Any]]] = []
    env_ids: list[int] = []
    for view in (v for ex in exhibits for v in ex.items):
        if view.item.kind == "environment" or view.role == "environment":
            environment.append((view.label, _read_environment(case, view.item)))
            env_ids.append(view.item.id)
    return environment, env_ids


# -- step 1: read -----------------------------------------------------------------------------


def _records(case: Case, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """Rows by column name (``sqlite3.Row``) without changing the connection's row factory."""
    cursor = case.conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, [*params]).fetchall()


def _read_case(case: Case) -> _CaseRead:
    """Everything the bundle shows, at the custody log's head, in stable orders."""
    head_seq, head_hash = custody.head(case.conn)
    snap = _Snapshot(case, head_seq)
    head_row = named_row(case.conn, "SELECT at_utc FROM events WHERE seq = ?", (head_seq,))
    items = snap.items()
    notes = snap.annotations()
    captures, capture_items = _read_captures(case, head_seq)
    generations = _read_generations(case, head_seq)
    for capture in captures.values():
        _attach_network(capture, capture_items.get(capture.id, []), items, generations)
    # A session's record holds no exchange of its own: it takes the connection recorded in
    # the same recording session (a page capture or a generation of that session).
    by_session = {
        c.record.session_id: c
        for c in captures.values()
        if c.network is not None and c.record.session_id
    }
    for capture in captures.values():
        donor = by_session.get(capture.record.session_id or "")
        if capture.network is None and donor is not None:
            capture.network, capture.network_from = donor.network, donor.network_from
    exchange_items, failed_tries = _read_campaign_tries(case, head_seq, generations)
    works = {
        w.id: WorkView(
            w.id, w.title, w.owner, w.registration, w.registration_date, w.facts, w.item_id
        )
        for w in works_mod.list_works(case, head=head_seq)
    }
    work_docs: dict[int, list[tuple[int, str]]] = {}
    for work_id, item_id, role in snap.rows(
        "SELECT work_id, item_id, role FROM work_documents WHERE seq <= ? ORDER BY work_id, item_id",
        (head_seq,),
    ):
        work_docs.setdefault(int(work_id), []).append((int(item_id), str(role)))
    return _CaseRead(
        head_seq=head_seq,
        head_hash=head_hash,
        doc_date=str(head_row["at_utc"]) if head_row else "2000-01-01T00:00:00+00:00",
        items=items,
        notes=notes,
        tags={i: sorted(v["tags"]) for i, v in notes.items()},
        withdrawn=snap.withdrawals(),
        tokens=snap.tokens(),
        attested=snap.attestations(),
        captures=captures,
        capture_items=capture_items,
        generations=generations,
        exchange_items=exchange_items,
        failed_tries=failed_tries,
        works=works,
        work_docs=work_docs,
        charts=_read_charts(case, head_seq),
    )


def _read_captures(
    case: Case, head_seq: int
) -> tuple[dict[int, CaptureView], dict[int, list[tuple[int, str]]]]:
    """Capture-side records, through the store's readers at this log position (the same
    readers the GUI and the CLI use, so corrections are applied the same way everywhere)."""
    captures: dict[int, CaptureView] = {}
    capture_items: dict[int, list[tuple[int, str]]] = {}
    for cv in capture_store.list_captures(case, limit=1 << 40, head=head_seq):
        record = CaptureFacts.from_dict(cv.facts).with_legacy_connection()
        captures[cv.id] = CaptureView(
            cv.id,
            cv.kind,
            cv.requested_url,
            cv.final_url,
            cv.title,
            cv.started_at,
            cv.ended_at,
            cv.facts if isinstance(cv.facts, dict) else {},
            list(dict.fromkeys(cv.marks)),
            record=record,
        )
        capture_items[cv.id] = sorted({(int(i["item_id"]), str(i["role"])) for i in cv.items})
    return captures, capture_items


def _read_generations(case: Case, head_seq: int) -> dict[int, GenerationView]:
    generations: dict[int, GenerationView] = {}
    for gv in capture_store.list_generations(case, limit=1 << 40, head=head_seq):
        generations[gv.id] = GenerationView(
            gv.id,
            gv.capture_id,
            str(gv.prompt),
            gv.negative_prompt,
            gv.parameters,
            str(gv.request_url or ""),
            gv.job_id,
            gv.submitted_at,
            gv.returned_at,
            _json(gv.binding, "") if isinstance(gv.binding, str) else gv.binding,
            gv.facts,
            [int(o["item_id"]) for o in gv.outputs],
            [{"action": c["action"], "value": c["value"], "seq": c["seq"]} for c in gv.corrections],
        )
    return generations


def _read_campaign_tries(
    case: Case, head_seq: int, generations: dict[int, GenerationView]
) -> tuple[dict[int, int], dict[str, int]]:
    """Names each campaign's generations (and their try); returns the API exchange item of
    each generation and how many tries of each prompt failed."""
    campaign_prompts: dict[int, tuple[str, list[str]]] = {
        int(r["id"]): (str(r["name"]), list(_json(r["prompts"], []) or []))
        for r in _records(
            case, "SELECT id, name, prompts FROM campaigns WHERE seq <= ? ORDER BY id", (head_seq,)
        )
    }
    tries = _records(
        case,
        "SELECT campaign_id, prompt_index, try_number, status, generation_id, exchange_item_id"
        " FROM campaign_tries WHERE seq <= ? ORDER BY id",
        (head_seq,),
    )
    exchange_items: dict[int, int] = {}
    failed_tries: dict[str, int] = {}
    for t in tries:
        name, prompts = campaign_prompts.get(int(t["campaign_id"]), ("", []))
        prompt = ""
        index = int(t["prompt_index"])
        if 0 <= index < len(prompts):
            entry = prompts[index]
            prompt = entry.get("prompt", "") if isinstance(entry, dict) else str(entry)
        gen_id, exchange = t["generation_id"], t["exchange_item_id"]
        if gen_id is not None and int(gen_id) in generations:
            generations[int(gen_id)].campaign = name
            generations[int(gen_id)].try_number = int(t["try_number"])
            if exchange is not None:
                exchange_items[int(gen_id)] = int(exchange)
        elif t["status"] == "failed" and prompt:
            failed_tries[prompt] = failed_tries.get(prompt, 0) + 1
    return exchange_items, failed_tries


def _read_charts(case: Case, head_seq: int) -> list[ChartView]:
    """The current charts; a chart follows its work if the work was corrected after it."""
    charts = [
        ChartView(
            int(r["id"]),
            r["title"],
            int(r["work_id"]),
            int(r["item_id"]),
            _json(r["metrics"], {}) or {},
            _json(r["elements"], []) or [],
        )
        for r in _current(
            _records(
                case,
                "SELECT id, title, work_id, item_id, metrics, elements, supersedes FROM charts"
                " WHERE seq <= ? ORDER BY id",
                (head_seq,),
            )
        )
    ]
    superseded_by: dict[int, int] = {}
    for r in _records(
        case,
        "SELECT id, supersedes FROM works WHERE seq <= ? AND supersedes IS NOT NULL ORDER BY id",
        (head_seq,),
    ):
        superseded_by[int(r["supersedes"])] = int(r["id"])
    for chart in charts:
        while chart.work_id in superseded_by:
            chart.work_id = superseded_by[chart.work_id]
    return charts


def _selection(read: _CaseRead, options: ExportOptions) -> tuple[set[int], str]:
    """The selected items and how they were chosen ("asked", "default" or "all").

    What is exhibited by default: what the user tagged or flagged, the captures and the
    generations of the case, the works and the charts -- not every imported file."""
    default_pool: set[int] = {i for i, t in read.tags.items() if t}
    default_pool.update(i for members in read.capture_items.values() for i, _ in members)
    default_pool.update(i for gen in read.generations.values() for i in gen.outputs)
    default_pool.update(read.exchange_items.values())
    default_pool.update(w.item_id for w in read.works.values())
    default_pool.update(i for docs in read.work_docs.values() for i, _ in docs)
    default_pool.update(c.item_id for c in read.charts)
    selection = "asked" if (options.tags or options.items) else "default"
    if selection == "default" and not any(read.live(i) for i in default_pool):
        selection = "all"  # nothing tagged, captured or generated: every file, said on the cover
        default_pool = set(read.items)
    return _select(read.items, read.tags, read.withdrawn, options, default_pool), selection


# -- step 2: draft exhibits -------------------------------------------------------------------


def _draft_exhibits(read: _CaseRead, selected: set[int]) -> list[_Draft]:
    """Unnumbered exhibits with their members, each with its sort key: works, platform pages
    and captures, loose generations, then the other selected items one each."""
    assigned: set[int] = set()
    drafts = _draft_works(read, selected, assigned)
    drafts += _draft_captures(read, selected, assigned)
    drafts += _draft_loose_generations(read, selected, assigned)
    drafts += [_draft_item(read.items[i]) for i in sorted(selected - assigned)]
    drafts.sort(key=lambda d: (d[0][0], tuple(str(x) for x in d[0][1:])))
    return drafts


def _draft_works(read: _CaseRead, selected: set[int], assigned: set[int]) -> list[_Draft]:
    drafts: list[_Draft] = []
    chart_works = {c.work_id for c in read.charts if c.item_id in selected}
    for work in read.works.values():
        members = [(work.item_id, "original-work")] + [
            (i, f"licence-document:{role}") for i, role in read.work_docs.get(work.id, [])
        ]
        if not any(i in selected for i, _ in members) and work.id not in chart_works:
            continue
        if not read.live(work.item_id):
            continue
        ex = Exhibit(
            0,
            "work",
            f"Original work: {short(work.title, 80)}",
            f"权利作品：《{short(work_title_zh(work), 80)}》",
            work.owner or "—",
            "The original work, its owner or licensor and its registration.",
            "权利作品内容、权属及登记情况",
            work=work,
        )
        drafts.append(((1, work.id), ex, [(i, r) for i, r in members if read.live(i)]))
        assigned.update(i for i, _ in members)
    return drafts


def _gens_by_capture(read: _CaseRead) -> dict[int, list[GenerationView]]:
    by_capture: dict[int, list[GenerationView]] = {}
    for gen in read.generations.values():
        if gen.capture_id is not None and gen.capture_id in read.captures:
            by_capture.setdefault(gen.capture_id, []).append(gen)
    return by_capture


def _draft_captures(read: _CaseRead, selected: set[int], assigned: set[int]) -> list[_Draft]:
    drafts: list[_Draft] = []
    gens_by_capture = _gens_by_capture(read)
    for capture in read.captures.values():
        members = list(read.capture_items.get(capture.id, []))
        for gen in gens_by_capture.get(capture.id, []):
            members += [(i, "generated-output") for i in gen.outputs]
        members = list(dict.fromkeys(members))
        seen: set[int] = set()
        unique = []
        for item_id, role in members:
            if item_id not in seen:
                seen.add(item_id)
                unique.append((item_id, role))
        if not any(i in selected for i, _ in unique):
            continue
        gens = gens_by_capture.get(capture.id, [])
        kind, group, title, title_zh, purpose, purpose_zh = _capture_wording(capture, gens)
        ex = Exhibit(
            0,
            kind,
            title,
            title_zh,
            capture.final_url or capture.requested_url,
            purpose,
            purpose_zh,
            capture=capture,
            generations=gens,
            source_zh=f"{host_of(capture.final_url) or '平台'}网页：{capture.final_url or capture.requested_url}",
        )
        drafts.append(
            (
                (group, capture.started_at or "", 0, capture.id),
                ex,
                [m for m in unique if read.live(m[0])],
            )
        )
        assigned.update(i for i, _ in unique)
    return drafts


def _capture_wording(
    capture: CaptureView, gens: list[GenerationView]
) -> tuple[str, int, str, str, str, str]:
    """A capture exhibit's kind, sort group, titles and purposes (English, Chinese)."""
    if capture.marks:
        roles = ", ".join(capture.marks)
        return (
            "platform-page",
            2,
            f"Platform page ({roles}): {short(capture.title or capture.final_url, 70)}",
            f"平台页面（{_marks_zh(capture.marks)}）：{short(capture.title or capture.final_url, 70)}",
            f"What the platform itself shows: {roles}.",
            f"平台自身页面内容：{_marks_zh(capture.marks)}",
        )
    if gens:
        host = host_of(capture.final_url) or capture.final_url
        jobs = ", ".join(dict.fromkeys(g.job_id for g in gens if g.job_id)) or ""
        outputs = sum(len(g.outputs) for g in gens)
        return (
            "capture",
            3,
            f"Generation captured on {short(host, 50)}: “{short(gens[0].prompt, 60)}”",
            f"在平台以提示词“{short(gens[0].prompt, 60)}”生成的内容及过程",
            f"That {host} returned {outputs} image(s) for the prompt “{short(gens[0].prompt, 80)}”"
            + (f" (job id {jobs})" if jobs else "")
            + f" on {utc_text(gens[0].returned_at or capture.started_at)[:10]}, and the capture of the session.",
            f"{host}于{beijing_text(gens[0].returned_at or capture.started_at)[:11]}根据提示词"
            f"“{short(gens[0].prompt, 80)}”生成{outputs}张图片"
            + (f"（任务编号{jobs}）" if jobs else "")
            + "的事实及生成过程",
        )
    return (
        "capture",
        3,
        f"Web capture: {short(capture.title or capture.final_url, 80)}",
        f"网页取证：{short(capture.title or capture.final_url, 80)}",
        "The page as it was served at the time of capture.",
        "取证时网页的内容",
    )


def _draft_loose_generations(
    read: _CaseRead, selected: set[int], assigned: set[int]
) -> list[_Draft]:
    """Generations not inside a capture (API campaigns), one exhibit each."""
    drafts: list[_Draft] = []
    for gen in read.generations.values():
        if gen.capture_id is not None and gen.capture_id in read.captures:
            continue
        members = [(i, "generated-output") for i in gen.outputs]
        if gen.id in read.exchange_items:
            members.append((read.exchange_items[gen.id], "api-exchange"))
        if not any(i in selected for i, _ in members):
            continue
        where = host_of(gen.request_url) or gen.request_url or "the platform"
        job = f", job id {gen.job_id}" if gen.job_id else ""
        ex = Exhibit(
            0,
            "generation",
            f"Generation on {short(where, 50)}: “{short(gen.prompt, 60)}”",
            f"以提示词“{short(gen.prompt, 60)}”生成的内容",
            (gen.request_url or "—") + job,
            f"That {where} returned {len(gen.outputs)} image(s) for the prompt as sent"
            + (f" (job id {gen.job_id})" if gen.job_id else "")
            + f" on {utc_text(gen.returned_at)[:10]}.",
            f"{where}于{beijing_text(gen.returned_at)[:11]}根据所提交的提示词生成"
            f"{len(gen.outputs)}张图片"
            + (f"（任务编号{gen.job_id}）" if gen.job_id else "")
            + "的事实",
            generations=[gen],
            source_zh=f"{where}接口：{gen.request_url or '—'}"
            + (f"，任务编号{gen.job_id}" if gen.job_id else ""),
        )
        drafts.append(
            ((3, gen.submitted_at or "", 1, gen.id), ex, [m for m in members if read.live(m[0])])
        )
        assigned.update(i for i, _ in members)
    return drafts


def _draft_item(item: Item) -> _Draft:
    """A selected item in no other exhibit: an exhibit of its own."""
    prompt = item.provenance.get("prompt") if isinstance(item.provenance, dict) else None
    if prompt:
        title = f"{_kind_en(item.kind)} with generator metadata: “{short(prompt, 60)}”"
        title_zh = f"{_kind_zh(item.kind)}（含生成信息）：“{short(prompt, 60)}”"
        purpose = "The image and the generator metadata it carries (read from the file)."
        purpose_zh = "图片内容及其文件内携带的生成信息"
    else:
        name = item.source_facts.get("name") if isinstance(item.source_facts, dict) else None
        title = f"{_kind_en(item.kind)}: {short(name or item.source or item.sha256[:16], 70)}"
        title_zh = f"{_kind_zh(item.kind)}：{short(name or item.source or item.sha256[:16], 70)}"
        purpose = "The file as acquired."
        purpose_zh = "所取得的电子数据"
    facts = item.source_facts if isinstance(item.source_facts, dict) else {}
    if item.kind in IMPORTED_KINDS or item.method in ("file-import", "demo-import"):
        name = facts.get("name") or Path(item.source or "").name or "—"
        who = item.operator or "the operator"
        source = f"File imported by {who} (original file name {name})"
        source_zh = f"{item.operator or '操作人'}导入的文件（原文件名{name}）"
    else:
        source = item.source or "—"
        source_zh = ""
    ex = Exhibit(0, "item", title, title_zh, source, purpose, purpose_zh, source_zh=source_zh)
    return ((4, item.acquired_at, item.id), ex, [(item.id, "item")])


# -- step 3: number ---------------------------------------------------------------------------


def _number_exhibits(
    read: _CaseRead, drafts: list[_Draft], selected: set[int], known: dict[str, int]
) -> tuple[list[Exhibit], dict[int, str], dict[int, int]]:
    """Numbers from the register (new exhibits after the highest), item labels and natives'
    names, then the demonstrative charts; returns the exhibits, each item's first label and
    each work's exhibit number."""
    numbers = exhibit_register.Allocator(
        {k: n for k, n in known.items() if not k.startswith("chart:")}
    )
    token_by_id = {t.id: t for t in read.tokens}
    exhibits: list[Exhibit] = []
    item_exhibit: dict[int, str] = {}
    work_exhibit: dict[int, int] = {}
    output_exhibit: dict[int, int] = {}
    for _, ex, members in drafts:
        ex.identity = exhibit_register.identity(ex.kind, ex, members)
        number = ex.number = numbers.take(ex.identity)
        for index, (item_id, role) in enumerate(members, start=1):
            item = read.items[item_id]
            label = f"{number}.{index}"
            ext = ".wacz" if role == "wacz" else extension_for(item.media_type)
            native = f"natives/{ex.folder}/{label}-{item.sha256}{ext}"
            state = read.notes.get(item_id, {"notes": [], "corrections": []})
            ex.items.append(
                ItemView(
                    item,
                    role,
                    label,
                    native,
                    [token_by_id[t] for t in read.attested.get(item_id, []) if t in token_by_id],
                    read.tags.get(item_id, []),
                    list(state["notes"]),
                    list(state["corrections"]),
                )
            )
            item_exhibit.setdefault(item_id, label)
            output_exhibit.setdefault(item_id, number)
        if ex.work is not None:
            work_exhibit[ex.work.id] = number
        _apply_exhibit_edits(ex)
        exhibits.append(ex)
    exhibits += _chart_exhibits(read, selected, known, work_exhibit, output_exhibit)
    exhibits.sort(key=lambda e: (e.demonstrative, e.number))
    return exhibits, item_exhibit, work_exhibit


def _chart_exhibits(
    read: _CaseRead,
    selected: set[int],
    known: dict[str, int],
    work_exhibit: dict[int, int],
    output_exhibit: dict[int, int],
) -> list[Exhibit]:
    """Demonstratives, numbered apart: a chart whose work and output are both exhibited."""
    pdx_numbers = exhibit_register.Allocator(
        {k: n for k, n in known.items() if k.startswith("chart:")}
    )
    chart_items = {c.item_id for c in read.charts if c.item_id in selected}
    exhibits: list[Exhibit] = []
    for chart in read.charts:
        if chart.item_id not in chart_items or chart.work_id not in work_exhibit:
            continue
        if chart.item_id not in output_exhibit:
            continue
        chart.work_exhibit = work_exhibit[chart.work_id]
        chart.output_exhibit = output_exhibit[chart.item_id]
        work = read.works[chart.work_id]
        number = pdx_numbers.take(f"chart:{chart.id}")
        ex = Exhibit(
            number,
            "chart",
            f"Comparison chart (demonstrative): Exhibit {chart.output_exhibit} beside "
            f"Exhibit {chart.work_exhibit}",
            f"比对图（演示性）：证据{chart.output_exhibit}与证据{chart.work_exhibit}",
            f"Prepared with Proofshot from Exhibits {chart.work_exhibit} and {chart.output_exhibit}",
            # the work's title whole (issue #16: chart titles wrap, never cut with "…")
            f"Illustrates the elements the output shares with “{work.title}”.",
            f"演示生成图片与权利作品《{work_title_zh(work)}》的相同或近似之处",
            chart=chart,
            work=work,
            source_zh=f"根据证据{chart.work_exhibit}及证据{chart.output_exhibit}使用Proofshot制作",
        )
        ex.identity = f"chart:{chart.id}"
        exhibits.append(ex)
    return exhibits


def _ocr_layers(case: Case, head_seq: int) -> dict[int, Any]:
    from app.report import ocr_layer  # issue 19: screenshots' machine-recognised text

    return ocr_layer.load(case, head_seq)


def _duties(case: Case, head_seq: int) -> list[Any]:
    """Platform-duty findings for the "Platform duties" section (issue #20)."""
    from app.report import duties

    return duties.build(case, head_seq)


def _prompt_summary(
    exhibits: list[Exhibit], charts: list[ChartView], failed_tries: Mapping[str, int]
) -> list[PromptSummary]:
    matching_items = {c.item_id for c in charts if c.positive and c.output_exhibit}
    charted_items = {c.item_id for c in charts if c.output_exhibit}
    table: dict[str, dict[str, Any]] = {}

    def entry(prompt: str) -> dict[str, Any]:
        return table.setdefault(
            prompt, {"tries": 0, "outputs": set(), "exhibits": set(), "origin": set()}
        )

    for ex in exhibits:
        if ex.kind == "chart":
            continue
        bound: set[int] = set()
        for gen in ex.generations:
            e = entry(gen.prompt)
            e["tries"] += 1
            e["outputs"].update(gen.outputs)
            e["exhibits"].add(ex.number)
            e["origin"].add("captured")
            bound.update(gen.outputs)
        for view in ex.items:
            prompt = (
                view.item.provenance.get("prompt")
                if isinstance(view.item.provenance, dict)
                else None
            )
            if not prompt or view.item.id in bound:
                continue
            e = entry(str(prompt))
            e["tries"] += 1
            e["outputs"].add(view.item.id)
            e["exhibits"].add(ex.number)
            e["origin"].add("embedded")
    for prompt, count in failed_tries.items():
        if prompt in table:
            table[prompt]["tries"] += count
    result = []
    for prompt, e in table.items():
        origin = "both" if len(e["origin"]) > 1 else next(iter(e["origin"]))
        result.append(
            PromptSummary(
                prompt,
                e["tries"],
                len(e["outputs"]),
                len(e["outputs"] & matching_items) if e["outputs"] & charted_items else None,
                sorted(e["exhibits"]),
                origin,
                sorted(e["outputs"]),
            )
        )
    result.sort(key=lambda p: (min(p.exhibits) if p.exhibits else 0, p.prompt))
    return result


def _sites(exhibits: list[Exhibit]) -> list[Site]:
    """The web sites the exhibited captures came from, by host, with what ties them to it."""
    sites: dict[str, Site] = {}
    for ex in exhibits:
        if ex.capture is None:
            continue
        cap = ex.capture
        host = host_of(cap.final_url or cap.requested_url) or cap.final_url
        site = sites.setdefault(host, Site(host, [], [], [], []))
        for url in (cap.requested_url, cap.final_url):
            if url and url not in site.urls:
                site.urls.append(url)
        _add_capture(site, cap)
    return sorted(sites.values(), key=lambda s: s.host)


def _add_capture(site: Site, cap: CaptureView) -> None:
    """Add one capture's server address, TLS certificate, connection, account and marks."""
    net = cap.network
    if net is not None and net.remote_ip and str(net.remote_ip) not in site.server_ips:
        site.server_ips.append(str(net.remote_ip))
    if net is not None and net.tls is not None:
        tls = net.tls.as_dict()
        if tls not in site.tls:
            site.tls.append(tls)
    page = cap.final_url or cap.requested_url
    if net is not None and net.has_connection:
        connection = {
            "page": page,
            "exchange": cap.network_from or page,
            "ip": net.remote_ip,
            "port": net.remote_port,
            "tls": net.tls.as_dict() if net.tls is not None else None,
        }
        if connection not in site.connections:
            site.connections.append(connection)
    elif page not in site.unconnected:
        site.unconnected.append(page)
    if cap.site_account and cap.site_account not in site.accounts:
        site.accounts.append(cap.site_account)
    for mark in cap.marks:
        if mark not in site.marks:
            site.marks.append(mark)


def _declaration_facts(
    items: Mapping[int, Item],
    exhibits: list[Exhibit],
    tokens: list[TokenInfo],
    attested: Mapping[int, list[int]],
    withdrawn: Mapping[int, Any],
    captures: Mapping[int, CaptureView],
    case: Case,
    head_seq: int,
    env_ids: list[int],
    cover: Mapping[str, str],
    environment: Sequence[tuple[str, dict[str, Any]]] = (),
) -> DeclarationFacts:
    """The facts the declarations state: who, how, when, which sites, which timestamps."""
    shown = [v.item for ex in exhibits for v in ex.items]
    shown_ids = {i.id for i in shown}
    times = sorted(i.acquired_at for i in shown) or [""]
    failed = case.conn.execute(
        "SELECT COUNT(*) FROM events WHERE action = 'timestamp.attempt-failed' AND seq <= ?",
        (head_seq,),
    ).fetchone()[0]
    operators = {i.operator for i in shown if i.operator}
    operators.update(o for ex in exhibits if ex.capture is not None for o in ex.capture.operators)
    unattested = sorted(i for i in shown_ids if i not in attested)
    by_method: dict[str, list[int]] = {}
    for item_id in unattested:
        by_method.setdefault(items[item_id].method or "", []).append(item_id)
    environments = [
        (label, EnvironmentRecord.from_dict(data))
        for label, data in environment
        if data.get("record") == "proofshot-environment-1" or "clock" in data
    ]
    return DeclarationFacts(
        declarant=cover.get("declarant", ""),
        declarant_role=cover.get("declarant_role", ""),
        operators=sorted(operators),
        methods=sorted({i.method for i in shown if i.method}),
        tools=sorted({i.tool for i in shown if i.tool}),
        first_acquired=times[0],
        last_acquired=times[-1],
        item_count=len(items),
        exhibit_item_count=len(shown_ids),
        tsa_names=sorted({t.tsa_name or t.tsa_url for t in tokens}),
        item_tokens=sum(1 for t in tokens if t.purpose == "items"),
        seals=[t for t in tokens if t.purpose == "seal"],
        unattested=unattested,
        failed_timestamp_attempts=int(failed),
        derived_items=sum(1 for i in shown if i.parent_id is not None),
        sites=_sites(exhibits),
        environment_items=env_ids,
        environments=environments,
        unattested_by_method=by_method,
        imported_only=bool(shown) and all(i.kind in IMPORTED_KINDS for i in shown),
    )


_MARKS_ZH = {
    "terms": "用户协议",
    "ai-label": "AI生成标识",
    "complaint": "投诉渠道",
    "home": "首页",
    "recommendation": "推荐页",
}


def _marks_zh(marks: Sequence[str]) -> str:
    return "、".join(_MARKS_ZH.get(m, m) for m in marks)


_KIND_EN = {
    "imported-file": "Imported file",
    "screenshot": "Screenshot",
    "web-capture": "Web capture",
    "page-html": "Page source (HTML)",
    "page-mhtml": "Page archive (MHTML)",
    "environment": "Environment report",
    "video": "Session video",
    "web-archive": "Web archive (WACZ)",
    "original-work": "Original work file",
    "licence-document": "Licence document",
    "api-exchange": "API exchange",
    "derived": "Derived file",
}
_KIND_ZH = {
    "imported-file": "导入文件",
    "screenshot": "截图",
    "web-capture": "网页取证",
    "page-html": "网页源代码",
    "page-mhtml": "网页归档（MHTML）",
    "environment": "取证环境报告",
    "video": "录屏视频",
    "web-archive": "网页存档（WACZ）",
    "original-work": "作品文件",
    "licence-document": "授权文件",
    "api-exchange": "接口请求与响应",
    "derived": "派生文件",
}


def _kind_en(kind: str) -> str:
    return _KIND_EN.get(kind, kind)


def _kind_zh(kind: str) -> str:
    return _KIND_ZH.get(kind, kind)


kind_en = _kind_en
kind_zh = _kind_zh
marks_zh = _marks_zh
