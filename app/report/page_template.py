"""Per-page conventions of the filing PDF (issue #16).

Web-capture reports courts are used to show on every page of a capture the URL, the capture
date and time with its zone, who captured it, the tool and its version, and the page x of y.
This module writes those lines for the stamp overlay (app.report.volumes) and the exhibit
stamp that names the party and the case number when they are set ("Plaintiff's Exhibit 4" /
"原告证据4").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.config import load_settings
from app.report.fonts import SANS, runs_width
from app.report.pdf_styles import MARGIN_X

if TYPE_CHECKING:
    from app.report.model import Exhibit
    from app.report.pdf import Renderer

HEADER_PT = 6.5
"""The size the stamp overlay (app.report.volumes) prints the header lines at."""

PARTY_ZH = {
    "plaintiff": "原告",
    "defendant": "被告",
    "claimant": "申请人",
    "respondent": "被申请人",
    "petitioner": "申请人",
    "appellant": "上诉人",
    "appellee": "被上诉人",
}


@dataclass(frozen=True)
class PageLines:
    """Text for one page: lines under the header rule and the centre of the footer."""

    header: tuple[str, ...]
    footer_centre: str


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def display_zone() -> ZoneInfo | None:
    """The zone chosen in settings (an IANA name), or None; read once per bundle."""
    chosen = load_settings().get("display_timezone")
    if isinstance(chosen, str) and chosen not in ("", "local", "UTC"):
        try:
            return ZoneInfo(chosen)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return None


def _zone(offset: str, chosen: ZoneInfo | None) -> Any:
    """The zone chosen in settings, else the offset recorded with the item."""
    if chosen is not None:
        return chosen
    try:
        sign = -1 if offset.startswith("-") else 1
        hours, minutes = offset.lstrip("+-").split(":")[:2]
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    except (ValueError, AttributeError):
        return UTC


def capture_time(value: str | None, offset: str, zone: ZoneInfo | None = None) -> str:
    """``2025-03-01 08:00:00 UTC (16:00:00 +08:00)``; in ``zone`` (see :func:`display_zone`)
    when one was chosen."""
    moment = _parse(value)
    if moment is None:
        return "—"
    utc = moment.astimezone(UTC)
    local = moment.astimezone(_zone(offset, zone))
    zone_name = local.strftime("%z")
    zone_name = f"{zone_name[:3]}:{zone_name[3:]}" if zone_name else ""
    tz_label = getattr(local.tzinfo, "key", "")
    local_text = local.strftime("%Y-%m-%d %H:%M:%S") + f" {zone_name}"
    if tz_label:
        local_text += f" {tz_label}"
    return f"{utc.strftime('%Y-%m-%d %H:%M:%S')} UTC ({local_text})"


def stamp_label(ex: Exhibit, cover: dict[str, str], t: Any) -> str:
    """ "Plaintiff's Exhibit 4, Case No. 1:25-cv-1" / "原告证据4（案号…）"; plain when unset."""
    if ex.demonstrative:
        return t(ex.label_en + " (Demonstrative)", ex.label_zh)
    party = (cover.get("party") or "").strip()
    number = (cover.get("case_number") or "").strip()
    en = f"{party.capitalize()}'s Exhibit {ex.number}" if party else ex.label_en
    zh_party = PARTY_ZH.get(party.lower(), party)
    zh = f"{zh_party}证据{ex.number}" if party else ex.label_zh
    if number:
        en += f", Case No. {number}"
        zh += f"（案号：{number}）"
    return t(en, zh)


def page_lines(
    renderer: Renderer, sections: Sequence[str], page: int, spans: dict[str, tuple[int, int]]
) -> PageLines:
    """Header lines and footer centre for ``page`` (1-based) of the whole bundle."""
    t = renderer.lang.t
    key = sections[page - 1]
    ex = renderer.exhibit_by_key.get(key)
    if ex is None:
        return PageLines((), "")
    first, last = spans[key]
    centre = t(
        f"{ex.label_en}, page {page - first + 1} of {last - first + 1}",
        f"{ex.label_zh}第{page - first + 1}页，共{last - first + 1}页",
    )
    cap = ex.capture
    if cap is None:
        return PageLines((), centre)
    bundle = renderer.bundle
    offset = ex.items[0].item.local_offset if ex.items else "+00:00"
    facts = cap.facts if isinstance(cap.facts, dict) else {}
    operator = str(facts.get("operator") or (ex.items[0].item.operator if ex.items else "") or "")
    operator = operator or t("not recorded", "未记录")
    url = cap.final_url or cap.requested_url or "—"
    when = capture_time(cap.started_at, offset, renderer.display_zone)
    lang = renderer.lang
    if lang.en and lang.zh:
        # both languages on two lines that fit the page: the labels paired, the values once
        first = f"Captured URL / 取证网址：{url}"
        second = f"Captured / 取证时间 {when} · by / 操作人 {operator}"
        tool = f"{bundle.tool} (code SHA-256 / 程序代码SHA-256 {bundle.code_hash[:16]}…)"
        room = renderer.page_size[0] - 2 * MARGIN_X
        if runs_width(f"{first} · {tool}", SANS, HEADER_PT) <= room:
            first = f"{first} · {tool}"
        else:
            second = f"{second} · {tool}"
        header: tuple[str, ...] = (first, second)
    else:
        header = (
            t(f"Captured URL: {url}", f"取证网址：{url}"),
            t(
                f"Captured {when} · by {operator} · "
                f"{bundle.tool}, code SHA-256 {bundle.code_hash[:16]}…",
                f"取证时间 {when} · 操作人 {operator} · "
                f"{bundle.tool}，程序代码SHA-256 {bundle.code_hash[:16]}…",
            ),
        )
    return PageLines(header, centre)


def section_spans(sections: Sequence[str]) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    for page, key in enumerate(sections, start=1):
        first, _ = spans.get(key, (page, page))
        spans[key] = (first, page)
    return spans
