"""A comparison chart's pages: the demonstrative banner, the figure with numbered callouts on
the original and the output, the elements marked and the tool's measurements.

Split out of :class:`app.report.pdf.Renderer` (issue #17); the figure itself is
:class:`app.report.flowables.ChartFigure`.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from app.report import demonstratives
from app.report.flowables import ChartFigure, grid_table, kv_table
from app.report.fonts import SANS
from app.report.model import ChartView, Exhibit, WorkView, work_title_zh
from app.report.pdf_context import RenderContext
from app.report.pdf_styles import ALERT, P
from app.report.pdf_values import value_text


def chart(ctx: RenderContext, ex: Exhibit) -> list[Flowable]:
    """The pages of a comparison chart's exhibit, after its purpose and source."""
    s, t = ctx.styles, ctx.lang.t
    chart = ex.chart
    assert chart is not None and ex.work is not None
    work_ex = ctx.bundle.exhibits[chart.work_exhibit - 1]
    out_ex = ctx.bundle.exhibits[chart.output_exhibit - 1]
    original = next((v for v in work_ex.items if v.item.id == ex.work.item_id), None)
    output = next((v for v in out_ex.items if v.item.id == chart.item_id), None)
    banner = _banner(ctx, chart)
    w = ex.work
    reg = f"{w.registration or '—'}" + (f", {w.registration_date}" if w.registration_date else "")
    captions = (
        t(
            f"Original (Exhibit {chart.work_exhibit}) — reg. {reg}",
            f"权利作品（证据{chart.work_exhibit}）登记号{reg}",
        ),
        t(
            f"Output (Exhibit {(original and output and chart.output_exhibit) or chart.output_exhibit}, item {output.label if output else '—'})",
            f"生成图片（证据{chart.output_exhibit}，文件{output.label if output else '—'}）",
        ),
    )
    figure_h = min(ctx.width * 0.55, ctx.height * 0.5)
    out: list[Flowable] = [
        banner,
        Spacer(1, 6),
        *_heading(ctx, chart, w),
        ChartFigure(
            original,
            output,
            chart,
            ctx.objects,
            ctx.width,
            figure_h,
            captions,
            ctx.layout_only,
        ),
        Spacer(1, 4),
        P(
            t(
                f"Original work: “{w.title}”, owner {w.owner or '—'}, registration {reg}.",
                f"权利作品：《{work_title_zh(w)}》，权利人{w.owner or '—'}，登记号{reg}。",
            ),
            s.small,
        ),
        Spacer(1, 6),
        P(t("Numbered elements", "编号要素"), s.h3),
    ]
    out += _elements(ctx, chart)
    note = P(
        t(
            "Scores are computed from the native files by the measures named above; they support, and do not replace, a side-by-side look at the works.",
            "得分由上述指标根据原始文件计算，仅辅助而非替代对作品的直接比对。",
        ),
        s.small,
    )
    # the measurements and the note on them stay together: no page holds only the note
    out.append(KeepTogether([*_measurements(ctx, chart), Spacer(1, 4), note]))
    return out


def _banner(ctx: RenderContext, chart: ChartView) -> Table:
    """The red box saying the chart is a demonstrative and naming the evidence it shows."""
    s, t = ctx.styles, ctx.lang.t
    banner = Table(
        [
            [
                P(
                    t(
                        "DEMONSTRATIVE — prepared to illustrate the comparison; it is not itself evidence. "
                        f"The evidence is Exhibit {chart.work_exhibit} (original work) and Exhibit {chart.output_exhibit} (output).",
                        f"演示性材料——仅用于说明比对结果，本身不是证据。证据为证据{chart.work_exhibit}（权利作品）及证据{chart.output_exhibit}（生成图片）。",
                    ),
                    s.alert,
                )
            ]
        ],
        colWidths=[ctx.width],
    )
    banner.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, 8),
                ("BOX", (0, 0), (-1, -1), 1.5, ALERT),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return banner


def _elements(ctx: RenderContext, chart: ChartView) -> list[Flowable]:
    """The table of the numbered elements marked on the original and the output."""
    s, t = ctx.styles, ctx.lang.t
    out: list[Flowable] = []
    rows = []
    for element in chart.elements:
        if not isinstance(element, dict):
            continue
        marks = []
        if element.get("original"):
            marks.append(t("original", "作品"))
        if element.get("output"):
            marks.append(t("output", "生成图"))
        rows.append(
            [
                str(element.get("n", "")),
                P(element.get("description", ""), s.cell),
                ", ".join(marks),
            ]
        )
    if rows:
        out.append(
            grid_table(
                [
                    t("No.", "编号"),
                    t("Shared element", "相同或近似要素"),
                    t("Marked on", "标注于"),
                ],
                rows,
                [36, ctx.width - 136, 100],
                s,
            )
        )
    else:
        out.append(P(t("No elements were marked.", "未标注要素。"), s.small))
    return out


def _measurements(ctx: RenderContext, chart: ChartView) -> list[Flowable]:
    """The tool's score, its classification and each measure in neutral words."""
    s, t = ctx.styles, ctx.lang.t
    out: list[Flowable] = []
    metrics = chart.metrics if isinstance(chart.metrics, dict) else {}
    out.append(P(t("Measurements", "量化指标"), s.h3))
    score_rows: list[tuple[str, Any]] = []
    if "score" in metrics:
        score_rows.append((t("Overall score", "综合得分"), value_text(metrics.get("score"))))
    if metrics.get("band"):
        score_rows.append(
            (
                t("Tool's classification", "工具分级"),
                demonstratives.band_text(str(metrics.get("band")), metrics.get("score"), t),
            )
        )
    if score_rows:
        out.append(kv_table(score_rows, s, ctx.width))
        out.append(Spacer(1, 3))
    mrows = []
    for m in metrics.get("metrics", []) or []:
        if isinstance(m, dict):
            mrows.append(
                [
                    P(demonstratives.metric_name(str(m.get("name", "")), t), s.cell),
                    P(value_text(m.get("value")), s.cell),
                    P(
                        demonstratives.measured(
                            str(m.get("name", "")), m.get("value"), m.get("details"), t
                        ),
                        s.cell,
                    ),
                ]
            )
    if mrows:
        out.append(
            grid_table(
                [t("Measure", "指标"), t("Value", "数值"), t("What was measured", "测量结果")],
                mrows,
                [110, 60, ctx.width - 170],
                s,
            )
        )
    return out


def _heading(ctx: RenderContext, chart: ChartView, work: WorkView) -> list[Flowable]:
    """The chart's heading in the bundle's language(s).

    The title is what the operator typed, in whatever language they typed it; a Chinese
    bundle does not print it as its heading but names the chart in Chinese from recorded
    facts and quotes the typed title beneath, as the operator's words (issue #16)."""
    s, t = ctx.styles, ctx.lang.t
    typed = (chart.title or "").strip()
    zh_name = f"比对图：证据{chart.output_exhibit}与《{work_title_zh(work)}》"
    if not ctx.lang.zh:
        return [P(typed or "Comparison", s.h2)]
    if ctx.lang.en:
        return [P(t(typed or "Comparison", zh_name), s.h2)]
    out: list[Flowable] = [P(zh_name, s.h2)]
    if typed:
        out.append(P(f"操作者所题标题：“{typed}”", s.small))
    return out
