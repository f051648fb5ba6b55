"""The duty checklist: findings per platform, computed from recorded facts, over time.

A *round* is one check of a platform: the facts recorded (captures, generations, campaign
tries) in a window of the custody log. Each recorded check (``duty_checks``) closes a
window; facts recorded after the last check form the open round. So the same checks
repeated after a notice show, round by round, whether the platform changed.

Every finding carries the facts it rests on: the date observed and the item ids of its
exhibits. The operator may add a finding; it is stored as an annotation (a note on the
exhibit it rests on) and always shown as the operator's, beside the computed one.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from app.capture import store
from app.core.case import Case
from app.core.digests import open_regular
from app.core.errors import ProofshotError
from app.core.items import annotation_record
from app.core.rows import iter_named, named_row
from app.duties import pages, refusals
from app.duties.rules import (
    ABSENT,
    DUTIES,
    DUTY_BY_KEY,
    FINDINGS,
    KEYWORDS_SETTING,  # defined there: the CLI reads it at start-up
    NOT_CHECKED,
    PARTIAL,
    PRESENT,
)

OPERATOR_FINDING_PREFIX = "Operator's platform-duty finding: "
"""Annotation notes starting with this hold an operator finding as JSON after the prefix."""


def platform_of(url: str) -> str:
    parts = urlsplit(url or "")
    return (parts.netloc or url or "").lower()


@dataclass
class Finding:
    duty: str
    finding: str
    detail: str
    detail_zh: str
    observed: list[str] = field(default_factory=list)  # UTC times of the facts used
    exhibits: list[int] = field(default_factory=list)  # item ids
    shares: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "duty": self.duty,
            "name": DUTY_BY_KEY[self.duty].name_en,
            "finding": self.finding,
            "detail": self.detail,
            "detail_zh": self.detail_zh,
            "observed_from": min(self.observed) if self.observed else None,
            "observed_to": max(self.observed) if self.observed else None,
            "exhibits": sorted(set(self.exhibits)),
            "shares": self.shares,
            "rules": DUTY_BY_KEY[self.duty].rules_en,
        }


@dataclass
class OperatorFinding:
    annotation_id: int
    duty: str
    platform: str
    finding: str
    note: str
    item_id: int
    actor: str
    at: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "source": "operator"}


@dataclass
class Round:
    number: int
    from_seq: int
    to_seq: int
    check_id: int | None  # None for the open round (facts after the last recorded check)
    checked_at: str | None
    findings: list[Finding]

    def finding(self, duty: str) -> Finding:
        return next(f for f in self.findings if f.duty == duty)

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.number,
            "check_id": self.check_id,
            "checked_at": self.checked_at,
            "recorded": self.check_id is not None,
            "from_seq": self.from_seq,
            "to_seq": self.to_seq,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class PlatformDuties:
    platform: str
    rounds: list[Round]
    operator: list[OperatorFinding]
    refusals: list[refusals.Refusal]
    keywords: list[str]

    def current(self) -> list[Finding]:
        """Per duty, the finding of the latest round that checked it."""
        out = []
        for duty in DUTIES:
            latest = None
            for rnd in self.rounds:
                f = rnd.finding(duty.key)
                if f.finding != NOT_CHECKED:
                    latest = f
            out.append(latest or self.rounds[-1].finding(duty.key))
        return out

    def changes(self) -> list[dict[str, Any]]:
        """Duties whose finding differs between checked rounds, oldest to newest."""
        out = []
        for duty in DUTIES:
            seen = [
                (r.number, r.finding(duty.key).finding)
                for r in self.rounds
                if r.finding(duty.key).finding != NOT_CHECKED
            ]
            for (n1, a), (n2, b) in itertools.pairwise(seen):
                if a != b:
                    out.append(
                        {"duty": duty.key, "from_round": n1, "to_round": n2, "was": a, "now": b}
                    )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "keywords": self.keywords,
            "checklist": [f.as_dict() for f in self.current()],
            "operator_findings": [o.as_dict() for o in self.operator],
            "rounds": [r.as_dict() for r in self.rounds],
            "changes": self.changes(),
            "refusals": [r.as_dict() for r in self.refusals],
        }


# -- facts ------------------------------------------------------------------------------------


@dataclass
class _Try:
    id: int
    seq: int
    at: str
    platform: str
    prompt: str
    status: str
    generation_id: int | None
    exchange_item_id: int | None
    error: str | None


@dataclass
class _Facts:
    captures: list[store.CaptureView]
    capture_seq: dict[int, int]
    generations: list[store.GenerationView]
    generation_seq: dict[int, int]
    tries: list[_Try]
    provenance: dict[int, dict[str, Any]]
    items_source: dict[int, str]
    pages_of: dict[int, list[int]] = field(default_factory=dict)

    def page_of(self, gen: store.GenerationView) -> int | None:
        """The last page capture showing the generation (its outputs as finally shown)."""
        ids = self.pages_of.get(gen.id) or []
        return ids[-1] if ids else None


_TRIES_SQL = (
    "SELECT t.id, t.seq, e.at_utc, c.endpoint, c.prompts, t.prompt_index, t.status,"
    " t.generation_id, t.exchange_item_id, t.error FROM campaign_tries t"
    " JOIN campaigns c ON c.id = t.campaign_id JOIN events e ON e.seq = t.seq ORDER BY t.id"
)


def _try_from(row: sqlite3.Row) -> _Try:
    """A campaign try from a :data:`_TRIES_SQL` row (its prompt looked up in the campaign's)."""
    prompts = json.loads(row["prompts"])
    index = int(row["prompt_index"])
    prompt = str(prompts[index]["prompt"]) if 0 <= index < len(prompts) else ""
    return _Try(
        int(row["id"]),
        int(row["seq"]),
        row["at_utc"],
        platform_of(row["endpoint"]),
        prompt,
        row["status"],
        row["generation_id"],
        row["exchange_item_id"],
        row["error"],
    )


def _load_facts(case: Case) -> _Facts:
    captures = store.list_captures(case, limit=100_000)
    capture_seq = {
        int(r["id"]): int(r["seq"]) for r in iter_named(case.conn, "SELECT id, seq FROM captures")
    }
    gens = store.list_generations(case, limit=100_000)
    gen_seq = {
        int(r["id"]): int(r["seq"])
        for r in iter_named(case.conn, "SELECT id, seq FROM generations")
    }
    tries = [_try_from(row) for row in iter_named(case.conn, _TRIES_SQL)]
    provenance: dict[int, dict[str, Any]] = {}
    sources: dict[int, str] = {}
    for item_id, raw, source in case.conn.execute(
        "SELECT i.id, i.provenance, i.source FROM items i WHERE i.id IN"
        " (SELECT item_id FROM generation_outputs)"
    ):
        try:
            provenance[int(item_id)] = json.loads(raw) if raw else {}
        except ValueError:
            provenance[int(item_id)] = {}
        sources[int(item_id)] = source
    facts = _Facts(captures, capture_seq, gens, gen_seq, tries, provenance, sources)
    facts.pages_of = _gen_pages(facts)
    return facts


def _gen_pages(facts: _Facts) -> dict[int, list[int]]:
    """Generation id -> ids of the page captures that show it (oldest first).

    A browser capture records its generations on the session capture and on each page
    capture taken after them (``generation_ids`` / ``page_capture_ids`` /
    ``generation_ids_so_far``); a generation's own ``capture_id`` counts too.
    """
    out: dict[int, list[int]] = {}

    def add(gen_id: Any, cap_id: Any) -> None:
        if isinstance(gen_id, int) and isinstance(cap_id, int):
            ids = out.setdefault(gen_id, [])
            if cap_id not in ids:
                ids.append(cap_id)

    kinds = {c.id: c.kind for c in facts.captures}
    for cap in facts.captures:
        f = cap.facts if isinstance(cap.facts, dict) else {}
        if cap.kind == "page":
            for gid in f.get("generation_ids_so_far") or []:
                add(gid, cap.id)
        for gid in f.get("generation_ids") or []:
            for pid in f.get("page_capture_ids") or []:
                add(gid, pid)
    for gen in facts.generations:
        if gen.capture_id is not None and kinds.get(gen.capture_id) == "page":
            add(gen.id, gen.capture_id)
    return {g: sorted(ids) for g, ids in out.items()}


def _platforms(facts: _Facts) -> list[str]:
    hosts = {platform_of(c.final_url or c.requested_url) for c in facts.captures}
    hosts |= {platform_of(g.request_url) for g in facts.generations}
    hosts |= {t.platform for t in facts.tries}
    return sorted(h for h in hosts if h)


def keywords_for(case: Case, extra: list[str] | None = None) -> list[str]:
    """Names of the work a prompt is checked for: given, the case setting, the works' titles."""
    words = list(extra or [])
    words += [w.strip() for w in case.settings().get(KEYWORDS_SETTING, "").split(",")]
    try:
        rows = case.conn.execute(
            "SELECT title FROM works w WHERE NOT EXISTS"
            " (SELECT 1 FROM works n WHERE n.supersedes = w.id)"
        ).fetchall()
    except Exception:  # a case without the works table cannot name works
        rows = []
    for (title,) in rows:
        head = str(title).split("—")[0].split(" - ")[0].strip()
        if head:
            words.append(head)
    out: list[str] = []
    for w in words:
        if w and w.casefold() not in {o.casefold() for o in out}:
            out.append(w)
    return out


# -- findings ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, case: Case) -> None:
        self.case = case
        self._pages: dict[int, tuple[pages.PageText | None, int | None]] = {}
        self._captures: dict[int, store.CaptureView] | None = None

    def captures(self, facts: _Facts) -> dict[int, store.CaptureView]:
        """The facts' captures by id (built once)."""
        if self._captures is None:
            self._captures = {c.id: c for c in facts.captures}
        return self._captures

    def bytes(self, sha256: str) -> bytes:
        """The object's bytes (opened without following a link planted in the store)."""
        with open_regular(self.case.objects.path_for(sha256)) as fh:
            return fh.read()

    def bytes_within(self, sha256: str, limit: int) -> bytes | None:
        """The object's bytes, or None when it holds more than ``limit`` (read no further) or
        is not a regular file (a link or FIFO planted in the store is not opened)."""
        try:
            with open_regular(self.case.objects.path_for(sha256)) as fh:
                data = fh.read(limit + 1)
        except OSError:
            return None
        return None if len(data) > limit else data

    def page(self, cap: store.CaptureView) -> tuple[pages.PageText | None, int | None]:
        if cap.id not in self._pages:
            self._pages[cap.id] = pages.page_from_capture(
                self.bytes_within, cap.items, cap.final_url or cap.requested_url
            )
        return self._pages[cap.id]


def _shown_items(cap: store.CaptureView) -> list[int]:
    roles = ("dom-html", "screenshot-full", "mhtml")
    return [int(i["item_id"]) for i in cap.items if i["role"] in roles][:2]


def _pct(n: int, d: int) -> str:
    return f"{n} of {d} ({round(100 * n / d)}%)" if d else "0 of 0"


def _pct_zh(n: int, d: int) -> str:
    return f"{d}个中{n}个（{round(100 * n / d)}%）" if d else "0个"


def _ratio_finding(n: int, d: int) -> str:
    if d == 0:
        return NOT_CHECKED
    return PRESENT if n == d else (ABSENT if n == 0 else PARTIAL)


def _compute(
    case: Case,
    reader: _Reader,
    facts: _Facts,
    platform: str,
    window: tuple[int, int],
    keywords: list[str],
    refusal_list: list[refusals.Refusal],
) -> list[Finding]:
    lo, hi = window

    def inside(seq: int) -> bool:
        return lo < seq <= hi

    caps = [
        c
        for c in facts.captures
        if platform_of(c.final_url or c.requested_url) == platform
        and inside(facts.capture_seq.get(c.id, 0))
    ]
    gens = [
        g
        for g in facts.generations
        if platform_of(g.request_url) == platform and inside(facts.generation_seq.get(g.id, 0))
    ]
    tries = [t for t in facts.tries if t.platform == platform and inside(t.seq)]
    caps_by_id = {c.id: c for c in facts.captures}
    shown = {p for g in gens for p in facts.pages_of.get(g.id, [])}
    gen_pages = [c for c in caps if c.id in shown]
    marked = {role: [c for c in caps if role in c.marks] for role in store.PAGE_ROLES}
    out = [
        _complaint(reader, gen_pages, caps, marked["complaint"]),
        _terms(reader, gen_pages, marked["terms"]),
        _explicit(reader, gens, caps_by_id, facts),
        _implicit(gens, tries, facts),
        _keywords(gens, tries, caps_by_id, facts, keywords, refusal_list),
    ]
    return out


def _complaint(
    reader: _Reader,
    gen_pages: list[store.CaptureView],
    caps: list[store.CaptureView],
    marked: list[store.CaptureView],
) -> Finding:
    f = Finding(
        "complaint",
        NOT_CHECKED,
        "No generation page of this platform was captured.",
        "未捕获该平台的生成页面。",
    )
    links: list[tuple[str, str]] = []
    for cap in gen_pages:
        page, _item = reader.page(cap)
        if page is None:
            continue
        f.observed.append(cap.started_at)
        f.exhibits.extend(_shown_items(cap))
        links.extend(page.complaint_links())
    if not f.observed:
        if marked:
            f.finding = PARTIAL
            f.exhibits = [i for c in marked for i in _shown_items(c)]
            f.observed = [c.started_at for c in marked]
            f.detail = "A page marked as the complaint channel was captured; no generation page was captured to show it is reachable from there."
            f.detail_zh = (
                "已捕获被标记为投诉渠道的页面；但未捕获生成页面，无法显示可从生成页面到达。"
            )
        return f
    if not links:
        f.finding = ABSENT if not marked else PARTIAL
        f.detail = "The links of the captured generation page(s) were searched; none leads to a complaint or report channel."
        f.detail_zh = "已检索所捕获生成页面上的全部链接，未见投诉或举报渠道的链接。"
        if marked:
            f.exhibits += [i for c in marked for i in _shown_items(c)]
            f.detail += " A page marked as the complaint channel was captured separately."
            f.detail_zh += "另已单独捕获被标记为投诉渠道的页面。"
        return f
    followed = [
        c
        for c in caps
        if c in marked
        or any(
            pages._norm(c.final_url) == pages._norm(h)
            or pages._norm(c.requested_url) == pages._norm(h)
            for h, _ in links
        )
    ]
    f.finding = PRESENT
    text = "; ".join(sorted({f"“{t}” → {h}" for h, t in links}))[:300]
    f.detail = f"The generation page links to a complaint channel: {text}."
    f.detail_zh = f"生成页面载有投诉举报链接：{text}。"
    if followed:
        f.exhibits += [i for c in followed for i in _shown_items(c)]
        f.observed += [c.started_at for c in followed]
        f.detail += " The linked page was captured."
        f.detail_zh += "已捕获该链接指向的页面。"
    else:
        f.detail += " The linked page was not captured."
        f.detail_zh += "未捕获该链接指向的页面。"
    return f


def _terms(
    reader: _Reader, gen_pages: list[store.CaptureView], marked: list[store.CaptureView]
) -> Finding:
    f = Finding(
        "terms",
        NOT_CHECKED,
        "No terms page or generation page of this platform was captured in this check.",
        "本次检查未捕获该平台的用户协议页面或生成页面。",
    )
    warnings: list[str] = []
    for cap in marked:
        page, _ = reader.page(cap)
        f.observed.append(cap.started_at)
        f.exhibits.extend(_shown_items(cap))
        text = page.warning_text() if page is not None else None
        if text:
            warnings.append(text)
    on_page: list[str] = []
    terms_links: list[str] = []
    for cap in gen_pages:
        page, _ = reader.page(cap)
        if page is None:
            continue
        terms_links += [h for h, _t in page.terms_links()]
        # a refusal message is the platform answering a prompt, not a warning to users
        text = page.warning_text(ignore=refusals.REFUSAL_RE)
        if text:
            on_page.append(text)
            f.exhibits.extend(_shown_items(cap))
            f.observed.append(cap.started_at)
    if marked and warnings:
        f.finding = PRESENT
        f.detail = (
            "A captured page marked as the terms of service warns users about infringement: "
            f"“{warnings[0][:160]}”."
        )
        f.detail_zh = f"被标记为用户协议的页面载有侵权风险提示：“{warnings[0][:160]}”。"
    elif marked:
        f.finding = PARTIAL
        f.detail = (
            "A page marked as the terms of service was captured; its text holds no warning "
            "about infringement."
        )
        f.detail_zh = "已捕获被标记为用户协议的页面，但其文字中未见侵权风险提示。"
    elif on_page:
        f.finding = PARTIAL
        f.detail = (
            "No terms page was captured in this check; the generation page itself warns: "
            f"“{on_page[0][:160]}”."
        )
        f.detail_zh = f"本次检查未捕获用户协议页面；生成页面本身载有提示：“{on_page[0][:160]}”。"
    elif terms_links:
        f.detail = (
            f"The generation page links to terms ({terms_links[0]}), but that page was not "
            "captured and marked in this check."
        )
        f.detail_zh = (
            f"生成页面载有用户协议链接（{terms_links[0]}），但本次检查未捕获并标记该页面。"
        )
    elif gen_pages:
        f.observed = [c.started_at for c in gen_pages]
        f.exhibits = [i for c in gen_pages for i in _shown_items(c)]
        f.finding = ABSENT
        f.detail = (
            "No page marked as the terms of service was captured, the generation page links to "
            "none, and its text holds no warning about infringement."
        )
        f.detail_zh = (
            "未捕获被标记为用户协议的页面，生成页面未载有用户协议链接，其文字中亦未见侵权风险提示。"
        )
    return f


def _explicit(
    reader: _Reader,
    gens: list[store.GenerationView],
    caps_by_id: dict[int, store.CaptureView],
    facts: _Facts,
) -> Finding:
    f = Finding(
        "explicit-label",
        NOT_CHECKED,
        "No output shown on a captured page or read by OCR.",
        "未见在所捕获页面上显示的生成图片。",
    )
    checked = labelled = ocr_read = ocr_found = 0
    page_labels: list[str] = []
    unlabelled: list[int] = []
    for gen in gens:
        cap = caps_by_id.get(facts.page_of(gen) or -1)
        page, page_item = reader.page(cap) if cap is not None else (None, None)
        for out in gen.outputs:
            item_id = int(out["item_id"])
            # on the image itself: OCR of the output (None = not read)
            read_text = pages.output_label_from_readers(reader.case, item_id)
            shown, label = page.label_for_image(out["url"]) if page is not None else (False, None)
            if not shown and read_text is None:
                continue
            checked += 1
            f.exhibits.append(item_id)
            if read_text is not None:
                ocr_read += 1
                ocr_found += bool(read_text)
                f.observed.append(gen.returned_at or gen.submitted_at or "")
            if label or read_text:
                labelled += 1
            else:
                unlabelled.append(item_id)
        if page is not None and cap is not None and gen.outputs:
            f.observed.append(gen.returned_at or cap.started_at)
            if page_item is not None:
                f.exhibits.append(page_item)
            text = page.ai_label_text()
            if text:
                page_labels.append(text)
    f.shares = {"outputs_checked": checked, "outputs_with_visible_label": labelled}
    if checked == 0:
        return f
    f.finding = _ratio_finding(labelled, checked)
    page_en = (
        f" The page also shows a general notice: “{page_labels[0][:120]}”."
        if page_labels
        else " The page shows no general AI-generated notice."
    )
    page_zh = (
        f"页面另有总体提示：“{page_labels[0][:120]}”。"
        if page_labels
        else "页面未见总体AI生成提示。"
    )
    if ocr_read:
        ocr_en = (
            f" Text recognised (OCR, machine-read) in {ocr_read} output image(s) holds an AI "
            f"label in {_pct(ocr_found, ocr_read)}."
        )
        ocr_zh = f"对{ocr_read}个生成图片做了文字识别（OCR，机器识读），其中{_pct_zh(ocr_found, ocr_read)}含AI生成标识。"
    else:
        ocr_en = " Labels inside the images themselves are not read (no OCR record)."
        ocr_zh = "未读取图片内部的标识（无OCR记录）。"
    f.shares.update(ocr_read=ocr_read, ocr_with_label=ocr_found)
    f.detail = (
        f"A visible AI label is shown with {_pct(labelled, checked)} outputs checked "
        "(next to it on the captured page, or in the image by OCR)." + page_en + ocr_en
    )
    f.detail_zh = (
        f"所检查的生成图片中，{_pct_zh(labelled, checked)}显示可见AI生成标识（页面上图片旁或经OCR识别的图片内）。"
        + page_zh
        + ocr_zh
    )
    f.shares["unlabelled_items"] = unlabelled
    return f


def _implicit(gens: list[store.GenerationView], tries: list[_Try], facts: _Facts) -> Finding:
    f = Finding(
        "implicit-label",
        NOT_CHECKED,
        "No output file of this platform was recorded.",
        "未记录该平台的生成文件。",
    )
    outputs: list[int] = []
    for gen in gens:
        outputs += [int(o["item_id"]) for o in gen.outputs]
        if gen.outputs:
            f.observed.append(gen.returned_at or gen.submitted_at or "")
    counts = {"tc260": 0, "iptc": 0, "c2pa": 0, "any": 0}
    lacking: list[int] = []
    for item_id in dict.fromkeys(outputs):
        prov = facts.provenance.get(item_id, {})
        labels = prov.get("ai_labels") or []
        kinds = {str(label.get("source")) for label in labels if isinstance(label, dict)}
        has_tc = "tc260" in kinds
        has_iptc = any(
            isinstance(label, dict)
            and label.get("source") == "xmp-iptc"
            and label.get("ai_generated")
            for label in labels
        )
        has_c2pa = bool(prov.get("c2pa")) or bool(kinds & {"c2pa", "c2pa-ingredient"})
        counts["tc260"] += has_tc
        counts["iptc"] += has_iptc
        counts["c2pa"] += has_c2pa
        if has_tc or has_iptc or has_c2pa:
            counts["any"] += 1
        else:
            lacking.append(item_id)
        f.exhibits.append(item_id)
    n = len(dict.fromkeys(outputs))
    f.shares = {"outputs": n, **counts, "unlabelled_items": lacking}
    if n == 0:
        return f
    f.finding = _ratio_finding(counts["any"], n)
    f.detail = (
        f"Of {n} output file(s): TC260 AIGC label in {_pct(counts['tc260'], n)}; IPTC "
        f"DigitalSourceType (AI) in {_pct(counts['iptc'], n)}; C2PA manifest in "
        f"{_pct(counts['c2pa'], n)}; at least one of these in {_pct(counts['any'], n)}."
    )
    f.detail_zh = (
        f"{n}个生成文件中：含TC260 AIGC标识{_pct_zh(counts['tc260'], n)}；含IPTC "
        f"DigitalSourceType（AI生成）{_pct_zh(counts['iptc'], n)}；含C2PA清单"
        f"{_pct_zh(counts['c2pa'], n)}；至少含其一{_pct_zh(counts['any'], n)}。"
    )
    return f


def _keywords(
    gens: list[store.GenerationView],
    tries: list[_Try],
    caps_by_id: dict[int, store.CaptureView],
    facts: _Facts,
    keywords: list[str],
    refusal_list: list[refusals.Refusal],
) -> Finding:
    f = Finding(
        "keyword-filter",
        NOT_CHECKED,
        "No prompt naming the work was tried.",
        "未尝试含权利作品名称的提示词。",
    )
    refused_gen = {r.generation_id: r for r in refusal_list if r.generation_id is not None}
    refused_try = {r.try_id: r for r in refusal_list if r.try_id is not None}
    folded = [k.casefold() for k in keywords]

    def names_work(prompt: str) -> bool:
        return not folded or any(k in prompt.casefold() for k in folded)

    tried: dict[str, bool] = {}
    for gen in gens:
        if not names_work(gen.prompt):
            continue
        refused = gen.id in refused_gen
        tried[gen.prompt] = tried.get(gen.prompt, False) or refused
        f.observed.append(gen.submitted_at or "")
        cap = caps_by_id.get(facts.page_of(gen) or -1)
        if refused and refused_gen[gen.id].item_id:
            f.exhibits.append(int(refused_gen[gen.id].item_id or 0))
        elif cap is not None:
            f.exhibits.extend(_shown_items(cap)[:1])
        f.exhibits += [int(o["item_id"]) for o in gen.outputs][:1]
    for t in tries:
        if not names_work(t.prompt):
            continue
        refused = t.id in refused_try
        tried[t.prompt] = tried.get(t.prompt, False) or refused
        f.observed.append(t.at)
        if t.exchange_item_id:
            f.exhibits.append(int(t.exchange_item_id))
    n = len(tried)
    refused_n = sum(tried.values())
    f.shares = {
        "prompts": n,
        "refused": refused_n,
        "refused_prompts": sorted(p for p, r in tried.items() if r),
        "generated_prompts": sorted(p for p, r in tried.items() if not r),
    }
    if n == 0:
        return f
    f.finding = _ratio_finding(refused_n, n)
    scope = (
        f"naming {', '.join(f'“{k}”' for k in keywords)}"
        if keywords
        else "(no work names given: all prompts)"
    )
    scope_zh = (
        f"含{'、'.join(f'“{k}”' for k in keywords)}"
        if keywords
        else "（未指定作品名称：全部提示词）"
    )
    refused_list = "; ".join(f"“{p}”" for p in f.shares["refused_prompts"]) or "none"
    generated = "; ".join(f"“{p}”" for p in f.shares["generated_prompts"]) or "none"
    f.detail = (
        f"{_pct(refused_n, n)} distinct prompts {scope} were refused. Refused: {refused_list}. "
        f"Generated: {generated}."
    )
    refused_zh = "；".join(f"“{p}”" for p in f.shares["refused_prompts"]) or "无"
    generated_zh = "；".join(f"“{p}”" for p in f.shares["generated_prompts"]) or "无"
    f.detail_zh = (
        f"{scope_zh}的不同提示词中，{_pct_zh(refused_n, n)}被拒绝。"
        f"被拒绝：{refused_zh}。已生成：{generated_zh}。"
    )
    return f


# -- refusals found in the facts --------------------------------------------------------------


def _session_archives(facts: _Facts, gen: store.GenerationView) -> list[dict[str, Any]]:
    """The WACZ items of the browser session(s) that recorded a generation."""
    out: list[dict[str, Any]] = []
    for cap in facts.captures:
        f = cap.facts if isinstance(cap.facts, dict) else {}
        if cap.id != gen.capture_id and gen.id not in (f.get("generation_ids") or []):
            continue
        out += [i for i in cap.items if i["role"] == "wacz"]
    return out


class _Archives:
    """Each session WACZ's answers to the generation requests, indexed once per check run.

    The URLs and body hashes every unrecorded generation asks of an archive are gathered
    first; each WACZ is then read once (opened without following a link, streamed from the
    object store, never read whole), keeping only those answers.
    """

    def __init__(self, case: Case, facts: _Facts, gens: list[store.GenerationView]) -> None:
        self.case = case
        self.wanted: dict[str, dict[str, set[str]]] = {}
        self.item_of: dict[str, int] = {}
        self.index: dict[str, refusals.WaczAnswers | None] = {}
        for gen in gens:
            body_sha = _body_sha(gen)
            for item in _session_archives(facts, gen):
                urls = self.wanted.setdefault(item["sha256"], {})
                urls.setdefault(gen.request_url, set()).update([body_sha] if body_sha else [])

    def answers(self, sha256: str) -> refusals.WaczAnswers | None:
        if sha256 not in self.index:
            try:
                with open_regular(self.case.objects.path_for(sha256)) as handle:
                    self.index[sha256] = refusals.index_wacz(handle, self.wanted.get(sha256, {}))
            except (OSError, ValueError):
                self.index[sha256] = None
        return self.index[sha256]


def _body_sha(gen: store.GenerationView) -> str | None:
    gfacts = gen.facts if isinstance(gen.facts, dict) else {}
    body_sha = gfacts.get("response_body_sha256")
    return body_sha if isinstance(body_sha, str) else None


def _refusal_in_archive(
    archives: _Archives, facts: _Facts, gen: store.GenerationView
) -> tuple[int | None, str, str, int] | None:
    """(status, matched, excerpt, WACZ item id) when the archived answer is a refusal."""
    for item in _session_archives(facts, gen):
        index = archives.answers(item["sha256"])
        got = index.answer(gen.request_url, _body_sha(gen)) if index is not None else None
        if got is None:
            continue
        hit = refusals.from_response_body(got[1])
        if hit is not None:
            return got[0], hit[0], hit[1], int(item["item_id"])
    return None


def recognise_refusals(case: Case, facts: _Facts | None = None) -> list[refusals.Refusal]:
    """Refusals in the recorded facts (recorded ones keep their record id)."""
    facts = facts or _load_facts(case)
    reader = _Reader(case)
    done = refusals.recorded(case)
    by_gen = {r.generation_id: r for r in done if r.generation_id is not None}
    by_try = {r.try_id: r for r in done if r.try_id is not None}
    open_gens = [g for g in facts.generations if g.id not in by_gen and not g.outputs]
    archives = _Archives(case, facts, open_gens)
    found: list[refusals.Refusal] = []
    for gen in facts.generations:
        if gen.id in by_gen:
            found.append(by_gen[gen.id])
        elif not gen.outputs and (hit := _generation_refusal(reader, archives, facts, gen)):
            found.append(hit)
    for t in facts.tries:
        if t.id in by_try:
            found.append(by_try[t.id])
        elif t.status == "failed" and t.exchange_item_id and (hit := _try_refusal(reader, t)):
            found.append(hit)
    return found


def _generation_refusal(
    reader: _Reader, archives: _Archives, facts: _Facts, gen: store.GenerationView
) -> refusals.Refusal | None:
    """A generation with no outputs refused: its archived answer first, else its page's text."""
    request = gen.facts.get("request") if isinstance(gen.facts, dict) else None
    status = request.get("status") if isinstance(request, dict) else None
    # the platform's own answer first: the archived response body (JSON error/refusal)
    body_hit = _refusal_in_archive(archives, facts, gen)
    if body_hit is not None:
        got_status, matched, excerpt, wacz_item = body_hit
        return refusals.Refusal(
            platform=platform_of(gen.request_url),
            prompt=gen.prompt,
            status=got_status if got_status is not None else status,
            matched=matched,
            excerpt=excerpt,
            generation_id=gen.id,
            item_id=wacz_item,
            seq=facts.generation_seq.get(gen.id, 0),
            at=gen.submitted_at or "",
        )
    cap = reader.captures(facts).get(facts.page_of(gen) or -1)
    page, page_item = reader.page(cap) if cap is not None else (None, None)
    hit = refusals.recognise_text(page.text) if page is not None else None
    if hit is None:
        return None
    return refusals.Refusal(
        platform=platform_of(gen.request_url),
        prompt=gen.prompt,
        status=status if isinstance(status, int) else None,
        matched=hit[0],
        excerpt=hit[1],
        generation_id=gen.id,
        item_id=page_item,
        seq=facts.generation_seq.get(gen.id, 0),
        at=gen.submitted_at or "",
    )


def _try_refusal(reader: _Reader, t: _Try) -> refusals.Refusal | None:
    """A failed campaign try whose recorded exchange says the platform refused."""
    row = named_row(
        reader.case.conn, "SELECT sha256 FROM items WHERE id = ?", (t.exchange_item_id,)
    )
    if row is None:
        return None
    got = refusals.from_exchange_document(reader.bytes(row["sha256"]))
    if got is None:
        return None
    return refusals.Refusal(
        platform=t.platform,
        prompt=t.prompt,
        status=got[0],
        matched=got[1],
        excerpt=got[2],
        try_id=t.id,
        item_id=t.exchange_item_id,
        seq=t.seq,
        at=t.at,
    )


# -- operator findings ------------------------------------------------------------------------


def add_operator_finding(
    case: Case,
    *,
    duty: str,
    platform: str,
    finding: str,
    item_id: int,
    note: str,
    actor: str | None = None,
) -> int:
    """Store the operator's finding as a note on the exhibit it rests on; returns its id."""
    if duty not in DUTY_BY_KEY:
        raise ProofshotError(f"{duty!r} is not a duty; use one of: {', '.join(DUTY_BY_KEY)}.")
    if finding not in FINDINGS:
        raise ProofshotError(f"{finding!r} is not a finding; use one of: {', '.join(FINDINGS)}.")
    if not note.strip():
        raise ProofshotError("An operator finding needs a note saying what was seen.")
    if case.conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
        raise ProofshotError(f"No item {item_id} in this case.")
    value = OPERATOR_FINDING_PREFIX + json.dumps(
        {"duty": duty, "platform": platform, "finding": finding, "note": note.strip()},
        ensure_ascii=False,
        sort_keys=True,
    )
    with case.transaction():
        record = annotation_record(case, item_id, "note", value)
        case.log(
            "item.note-added",
            item_id=item_id,
            facts={"duty_finding": duty, "platform": platform},
            records={"annotations": [record]},
            actor=actor,
        )
    return int(record["id"])


def operator_findings(case: Case) -> list[OperatorFinding]:
    out = []
    for row in iter_named(
        case.conn,
        "SELECT a.id, a.item_id, a.value, e.actor, e.at_utc FROM annotations a"
        " JOIN events e ON e.seq = a.seq WHERE a.kind = 'note' AND a.value LIKE ? ORDER BY a.id",
        (OPERATOR_FINDING_PREFIX + "%",),
    ):
        try:
            data = json.loads(row["value"][len(OPERATOR_FINDING_PREFIX) :])
        except ValueError:
            continue
        out.append(
            OperatorFinding(
                int(row["id"]),
                str(data.get("duty", "")),
                str(data.get("platform", "")),
                str(data.get("finding", "")),
                str(data.get("note", "")),
                int(row["item_id"]),
                row["actor"],
                row["at_utc"],
            )
        )
    return out


# -- the checklist ----------------------------------------------------------------------------


def compute(
    case: Case,
    *,
    platform: str | None = None,
    keywords: list[str] | None = None,
    up_to_seq: int | None = None,
) -> list[PlatformDuties]:
    """The checklist of every platform in the case (or one), round by round."""
    facts = _load_facts(case)
    head = up_to_seq or int(
        case.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
    )
    words = keywords_for(case, keywords)
    found = recognise_refusals(case, facts)
    reader = _Reader(case)
    ops = operator_findings(case)
    wanted = [platform.lower()] if platform else _platforms(facts)
    out = []
    for host in wanted:
        checks = case.conn.execute(
            "SELECT id, from_seq, to_seq, checked_at FROM duty_checks WHERE platform = ?"
            " AND to_seq <= ? ORDER BY id",
            (host, head),
        ).fetchall()
        windows: list[tuple[int, int, int | None, str | None]] = []
        last = 0
        for cid, _from, to, at in checks:
            windows.append((last, int(to), int(cid), at))
            last = int(to)
        if last < head and _has_facts(facts, host, (last, head)):
            windows.append((last, head, None, None))
        if not windows:
            windows.append((0, head, None, None))
        host_refusals = [r for r in found if r.platform == host]
        rounds = [
            Round(
                n + 1,
                lo,
                hi,
                cid,
                at,
                _compute(case, reader, facts, host, (lo, hi), words, host_refusals),
            )
            for n, (lo, hi, cid, at) in enumerate(windows)
        ]
        out.append(
            PlatformDuties(
                host,
                rounds,
                [o for o in ops if o.platform.lower() == host],
                host_refusals,
                words,
            )
        )
    return out


def _has_facts(facts: _Facts, host: str, window: tuple[int, int]) -> bool:
    lo, hi = window
    return (
        any(
            platform_of(c.final_url or c.requested_url) == host
            and lo < facts.capture_seq.get(c.id, 0) <= hi
            for c in facts.captures
        )
        or any(
            platform_of(g.request_url) == host and lo < facts.generation_seq.get(g.id, 0) <= hi
            for g in facts.generations
        )
        or any(t.platform == host and lo < t.seq <= hi for t in facts.tries)
    )


def record_check(
    case: Case,
    *,
    platform: str | None = None,
    keywords: list[str] | None = None,
    actor: str | None = None,
) -> list[int]:
    """Record refusals found, then one duty check per platform closing its open round."""
    refusals.record(
        case, [r for r in recognise_refusals(case) if r.recorded_id is None], actor=actor
    )
    results = compute(case, platform=platform, keywords=keywords)
    ids: list[int] = []
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    with case.transaction():
        head = int(case.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])
        for pd in results:
            open_round = pd.rounds[-1]
            if open_round.check_id is not None:
                continue  # nothing new since the last check of this platform
            check_id = case.next_id("duty_checks")
            findings = [f.as_dict() for f in open_round.findings]
            case.log(
                "duties.checked",
                facts={"platform": pd.platform, "round": open_round.number},
                records={
                    "duty_checks": [
                        {
                            "id": check_id,
                            "platform": pd.platform,
                            "checked_at": now,
                            "from_seq": open_round.from_seq,
                            "to_seq": head,
                            "findings": json.dumps(findings, ensure_ascii=False, sort_keys=True),
                        }
                    ]
                },
                actor=actor,
            )
            ids.append(check_id)
    return ids
