"""The bundle's "Platform duties" section (en/zh) and the lines the platform notice cites.

The findings come from :mod:`app.duties.checks`, computed over the log up to the export's
head. Each row cites exhibit labels (``3.2``) and the dates observed, and names the rules it
relates to in neutral words: the section states what the record shows, not a conclusion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportlab.platypus import Flowable, Spacer

from app.core.case import Case
from app.duties import checks
from app.duties.rules import DUTIES, DUTY_BY_KEY, FINDING_ZH, NOT_CHECKED

if TYPE_CHECKING:
    from app.report.pdf import Renderer


def build(case: Case, head_seq: int) -> list[checks.PlatformDuties]:
    """The checklist of each platform whose duties were checked at all (for the bundle)."""
    found = checks.compute(case, up_to_seq=head_seq)
    return [
        pd
        for pd in found
        if any(f.finding != NOT_CHECKED for r in pd.rounds for f in r.findings) or pd.operator
    ]


def exhibit_refs(item_ids: list[int], item_exhibit: dict[int, str], *, zh: bool = False) -> str:
    """Exhibit labels for item ids; items left out of this bundle are said to be."""
    labels = sorted({item_exhibit[i] for i in item_ids if i in item_exhibit}, key=_label_key)
    missing = sorted({i for i in item_ids if i not in item_exhibit})
    text = ", ".join(labels) if labels else ""
    if missing:
        extra = (
            f"文件{'、'.join(str(i) for i in missing[:8])}（未收入本材料）"
            if zh
            else f"item(s) {', '.join(str(i) for i in missing[:8])} (not in this bundle)"
        )
        text = f"{text}; {extra}" if text else extra
    return text or "—"


def _label_key(label: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in label.split("."))


def _finding(value: str, lang: Any) -> str:
    return lang.t(value, FINDING_ZH.get(value, value))


def _dates(f: checks.Finding) -> str:
    days = sorted({d[:10] for d in f.observed if d})
    if not days:
        return "—"
    return days[0] if len(days) == 1 else f"{days[0]} – {days[-1]}"


def _finding_cell(value: str, lang: Any) -> str:
    return (
        f"{value} / {FINDING_ZH.get(value, value)}"
        if lang.en and lang.zh
        else _finding(value, lang)
    )


def story(r: Renderer) -> list[Flowable]:
    """The section's flowables (called by the renderer for ``appendix-duties``)."""
    from app.report.pdf import P

    s, t = r.styles, r.lang.t
    out: list[Flowable] = r.heading("appendix-duties")
    out.append(
        P(
            t(
                "Each row states what the recorded evidence shows about one duty of the platform: "
                "present, partial (on some outputs or pages only), absent (searched for and not "
                "seen) or not checked (no evidence recorded). Findings are computed by Proofshot "
                "from the exhibits cited; findings added by the operator are marked as such. The "
                "rules named are those the facts relate to; no conclusion on liability is drawn.",
                "每行说明所记录证据就平台某项义务显示的事实：有、部分有（仅部分图片或页面）、未见（经查找未见）"
                "或未检查（无相应证据）。结论由Proofshot根据所引证据计算得出；操作人员补充的结论另行注明。"
                "所列规定仅为相关事实所涉规定，本节不作责任认定。",
            ),
            s.small,
        )
    )
    for pd in r.bundle.duties or []:
        out.append(Spacer(1, 6))
        out.append(P(t(f"Platform: {pd.platform}", f"平台：{pd.platform}"), s.h2))
        out.append(_findings_table(r, pd))
        if pd.operator:
            out += _operator_findings(r, pd)
        if len(pd.rounds) > 1:
            out += _checks_over_time(r, pd)
    return out


def _findings_table(r: Renderer, pd: checks.PlatformDuties) -> Flowable:
    """One row per duty: its finding, what the record shows, when, the exhibits, the rules."""
    from app.report.pdf import P, grid_table

    s, t, lang, w = r.styles, r.lang.t, r.lang, r.width
    both = lang.en and lang.zh
    rows: list[list[Any]] = []
    for f in pd.current():
        duty = DUTY_BY_KEY[f.duty]
        name = f"{duty.name_en} / {duty.name_zh}" if both else t(duty.name_en, duty.name_zh)
        detail_en, detail_zh = f.detail, f.detail_zh
        lacking = f.shares.get("unlabelled_items") or []
        if lacking:  # name the outputs without the label by their exhibit labels
            detail_en += (
                " Outputs without it: " + exhibit_refs(lacking, r.bundle.item_exhibit) + "."
            )
            detail_zh += (
                "无该标识的图片：" + exhibit_refs(lacking, r.bundle.item_exhibit, zh=True) + "。"
            )
        detail = f"{detail_en} / {detail_zh}" if both else (detail_zh if lang.zh else detail_en)
        rules = f"{duty.rules_en} / {duty.rules_zh}" if both else t(duty.rules_en, duty.rules_zh)
        rows.append(
            [
                P(name, s.cell),
                P(_finding_cell(f.finding, lang), s.cell),
                P(detail, s.cell),
                _dates(f),
                P(
                    exhibit_refs(f.exhibits, r.bundle.item_exhibit, zh=lang.zh and not lang.en),
                    s.cell,
                ),
                P(rules, s.cell),
            ]
        )
    return grid_table(
        [
            t("Duty", "义务"),
            t("Finding", "结论"),
            t("What the record shows", "记录显示"),
            t("Observed", "观察日期"),
            t("Exhibits", "证据"),
            t("Relates to", "相关规定"),
        ],
        rows,
        [w * 0.16, w * 0.1, w * 0.33, w * 0.11, w * 0.12, w * 0.18],
        s,
    )


def _operator_findings(r: Renderer, pd: checks.PlatformDuties) -> list[Flowable]:
    """The findings the operator added by hand, each with its note and exhibit."""
    from app.report.pdf import P

    s, t, lang = r.styles, r.lang.t, r.lang
    out: list[Flowable] = [Spacer(1, 4)]
    out.append(P(t("Findings added by the operator", "操作人员补充的结论"), s.h3))
    for o in pd.operator:
        ref = exhibit_refs([o.item_id], r.bundle.item_exhibit, zh=lang.zh and not lang.en)
        duty = DUTY_BY_KEY.get(o.duty)
        name = t(duty.name_en, duty.name_zh) if duty else o.duty
        out.append(
            P(
                t(
                    f"Operator's finding ({o.actor}, {o.at[:10]}): {name} — "
                    f"{o.finding}. “{o.note}” (Exhibit {ref})",
                    f"操作人员结论（{o.actor}，{o.at[:10]}）：{name}——"
                    f"{FINDING_ZH.get(o.finding, o.finding)}。“{o.note}”（证据{ref}）",
                ),
                s.small,
            )
        )
    return out


def _checks_over_time(r: Renderer, pd: checks.PlatformDuties) -> list[Flowable]:
    """Each duty's finding per check round, then the changes between rounds in one sentence."""
    from app.report.pdf import P, grid_table

    s, t, lang, w = r.styles, r.lang.t, r.lang, r.width
    out: list[Flowable] = [Spacer(1, 4)]
    out.append(P(t("Checks over time", "多次检查的变化"), s.h3))
    header = [t("Duty", "义务")]
    for rnd in pd.rounds:
        when = (rnd.checked_at or "")[:10] or _round_dates(rnd)
        header.append(t(f"Check {rnd.number} ({when})", f"第{rnd.number}次（{when}）"))
    rows2 = []
    for duty in DUTIES:
        row: list[Any] = [P(t(duty.name_en, duty.name_zh), s.cell)]
        for rnd in pd.rounds:
            f = rnd.finding(duty.key)
            refs = exhibit_refs(f.exhibits, r.bundle.item_exhibit, zh=lang.zh and not lang.en)
            row.append(P(f"{_finding(f.finding, lang)} ({refs})", s.cell))
        rows2.append(row)
    first = w * 0.3
    rest = (w - first) / len(pd.rounds)
    out.append(grid_table(header, rows2, [first] + [rest] * len(pd.rounds), s))
    changes = pd.changes()
    text_en = "; ".join(
        f"{DUTY_BY_KEY[c['duty']].name_en}: {c['was']} (check {c['from_round']}) → "
        f"{c['now']} (check {c['to_round']})"
        for c in changes
    )
    text_zh = "；".join(
        f"{DUTY_BY_KEY[c['duty']].name_zh}：第{c['from_round']}次{FINDING_ZH[c['was']]}→"
        f"第{c['to_round']}次{FINDING_ZH[c['now']]}"
        for c in changes
    )
    out.append(
        P(
            t(
                f"Changes between checks: {text_en or 'none'}.",
                f"各次检查之间的变化：{text_zh or '无'}。",
            ),
            s.small,
        )
    )
    return out


def _round_dates(rnd: checks.Round) -> str:
    days = sorted({d[:10] for f in rnd.findings for d in f.observed if d})
    return days[-1] if days else "—"


def notice_lines(bundle: Any, *, zh: bool) -> list[str]:
    """Sentences for the platform notice citing the same findings (empty without duties)."""
    lines: list[str] = []
    for pd in bundle.duties or []:
        for f in pd.current():
            if f.finding == NOT_CHECKED:
                continue
            duty = DUTY_BY_KEY[f.duty]
            refs = exhibit_refs(f.exhibits, bundle.item_exhibit, zh=zh)
            if zh:
                lines.append(
                    f"{pd.platform}：{duty.name_zh}——{FINDING_ZH[f.finding]}（{_dates(f)}，证据{refs}）。"
                )
            else:
                lines.append(
                    f"{pd.platform}: {duty.name_en} — {f.finding} ({_dates(f)}; Exhibit {refs})."
                )
    return lines
