"""The front matter of the filing PDF: the cover and the exhibit index.

Rendered after the body, when the page of every section is known. Split out of
:class:`app.report.pdf.Renderer` (issue #17).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, PageBreak, Spacer

from app.report.exhibit_register import demonstratives_index
from app.report.flowables import Marker, PageRecorder, grid_table, kv_table
from app.report.model import beijing_text, utc_text
from app.report.pdf_context import Pages, RenderContext, bates
from app.report.pdf_styles import P


class FrontPages(Pages):
    """Builds the cover and the index from the pages each section was laid out on."""

    def __init__(
        self,
        ctx: RenderContext,
        pages: dict[str, tuple[int, int]],
        volumes: Sequence[dict[str, Any]],
    ) -> None:
        super().__init__(ctx)
        self.pages = pages
        self.volumes = volumes

    def story(self, recorder: PageRecorder) -> list[Flowable]:
        """The cover, a page break, the index."""
        s, t = self.styles, self.lang.t
        story = self._cover_head(recorder)
        story.append(kv_table(self._cover_rows(), s, self.width, 130))
        story += self._volumes()
        story.append(Spacer(1, 10))
        story.append(self._cover_note())
        story += [PageBreak(), Marker("index", recorder), P(t("Exhibit index", "证据目录"), s.h1)]
        story += self._index()
        story += self._index_notes()
        return story

    def _cover_head(self, recorder: PageRecorder) -> list[Flowable]:
        """The title, the court and the caption."""
        s, t = self.styles, self.lang.t
        b = self.bundle
        cover = b.cover
        story: list[Flowable] = [Marker("cover", recorder), Spacer(1, 30)]
        story.append(P(t("Exhibit Bundle", "证据材料"), s.title))
        story.append(
            P(
                t("Court: ", "法院：") + (cover.get("court") or t("not stated", "未填写")),
                s.center,
            )
        )
        story.append(
            P(
                cover.get("caption") or b.case_title,
                ParagraphStyle("cap", parent=s.h2, alignment=TA_CENTER),
            )
        )
        story.append(Spacer(1, 16))
        return story

    def _cover_rows(self) -> list[tuple[str, Any]]:
        """The facts of the bundle on the cover: matter, parties, case state, seal, Bates range."""
        t = self.lang.t
        b = self.bundle
        cover = b.cover
        pages = self.pages
        v = b.verification
        verdict = (
            (t("intact", "完整") if v.get("intact") else t("NOT INTACT", "不完整"))
            if v
            else t("not run", "未执行")
        )
        seal = next((tok for tok in reversed(b.tokens) if tok.purpose == "seal"), None)
        last_page = max((end for _, end in pages.values()), default=1)
        demos = sum(e.demonstrative for e in b.exhibits)
        rows: list[tuple[str, Any]] = [
            (
                t("Matter", "案由"),
                t(
                    cover.get("matter") or "—",
                    cover.get("matter_zh") or cover.get("matter") or "—",
                ),
            ),
            (t("Parties", "当事人"), cover.get("parties") or "—"),
            (t("Prepared by", "制作人"), cover.get("prepared_by") or "—"),
            (t("Date", "日期"), self.lang.time(b.doc_date)),
            (t("Case", "案件"), f"{b.case_title} ({b.case_id})"),
            (
                t("Case state", "案件状态"),
                t(
                    f"custody log entry {b.head_seq}, hash:\n{b.head_hash}",
                    f"保管日志第{b.head_seq}条，哈希值：\n{b.head_hash}",
                ),
            ),
            (
                t("Log sealed", "日志时间戳"),
                t(
                    f"entry {seal.sealed_seq} by {seal.tsa_name or seal.tsa_url} at {utc_text(seal.gen_time)}",
                    f"第{seal.sealed_seq}条，{seal.tsa_name or seal.tsa_url}，{beijing_text(seal.gen_time)}",
                )
                if seal
                else t("not sealed", "未加盖"),
            ),
            (
                t("Verification at export", "导出时校验"),
                f"{verdict} ({v.get('events', 0)} events, {v.get('objects_checked', 0)} files)"
                if v
                else verdict,
            ),
            (t("Tool", "工具"), f"{b.tool} (code SHA-256 {b.code_hash[:16]}…)"),
            (
                t("Exhibits", "证据数量"),
                t(
                    f"{sum(not e.demonstrative for e in b.exhibits)}"
                    f" (and {demos} demonstrative{'' if demos == 1 else 's'})",
                    f"{sum(not e.demonstrative for e in b.exhibits)}（另有演示材料{demos}件）",
                ),
            ),
            (
                t("Bates range", "页码范围"),
                f"{bates(b.options.bates_prefix, 1)} – {bates(b.options.bates_prefix, last_page)}",
            ),
        ]
        anchoring = b.anchoring_note()
        if anchoring:
            rows.append((t("Anchoring", "时间锚定"), t(*anchoring)))
        return rows

    def _volumes(self) -> list[Flowable]:
        """The volumes and their Bates ranges, when the bundle is split."""
        s, t = self.styles, self.lang.t
        b = self.bundle
        volumes = self.volumes
        story: list[Flowable] = []
        if len(volumes) > 1:
            story.append(P(t("Volumes", "分册"), s.h2))
            vrows = [
                [
                    str(vol["number"]),
                    f"{bates(b.options.bates_prefix, vol['first'])} – {bates(b.options.bates_prefix, vol['last'])}",
                    vol["exhibits"],
                ]
                for vol in volumes
            ]
            story.append(
                grid_table(
                    [t("Volume", "分册"), t("Bates range", "页码范围"), t("Exhibits", "证据")],
                    vrows,
                    [60, 180, self.width - 240],
                    s,
                )
            )
        return story

    def _cover_note(self) -> Flowable:
        """How to read the pages: the stamp, the Bates numbers, where the natives are."""
        s, t = self.styles, self.lang.t
        b = self.bundle
        return P(
            t(
                "Every page carries its exhibit label (top left) and a Bates number (bottom right); page numbers in the index are the Bates sequence numbers. "
                "The printed pages are renderings for reading: the native files, their hashes"
                + (", the trusted timestamps" if b.tokens else "")
                + " and the custody log are in the archive package, "
                "which anyone can check with ordinary tools (see VERIFY.txt there). Exhibits marked Demonstrative are aids to explanation, not evidence.",
                "每页左上角为证据编号，右下角为连续页码（Bates编号）；目录中的页码即该编号的序号。打印页面供阅读；原始文件、哈希值"
                + ("、可信时间戳" if b.tokens else "")
                + "及保管日志见归档包，"
                "可使用通用工具核验（见其中的VERIFY.txt）。标为“演示性”的材料仅为说明之用，本身不是证据。",
            ),
            s.small,
        )

    def _page_text(self, key: str) -> str:
        """The section's Bates page range, with its volume when there are several."""
        t = self.lang.t
        pages, volumes = self.pages, self.volumes
        if key not in pages:
            return "—"
        first, last = pages[key]
        text = str(first) if first == last else f"{first}–{last}"
        vol = next((vv["number"] for vv in volumes if vv["first"] <= first <= vv["last"]), 1)
        return text + (t(f" (vol. {vol})", f"（第{vol}册）") if len(volumes) > 1 else "")

    def _index_rows(self) -> tuple[list[list[Any]], list[list[Any]]]:
        """The index's rows (summary, exhibits, appendices) and the demonstratives' rows."""
        t = self.lang.t
        b = self.bundle
        rows2: list[list[Any]] = []
        page_text = self._page_text
        demonstrative_rows: list[list[Any]] = []
        for ex in b.exhibits:
            if self.lang.en and self.lang.zh:
                name = f"{ex.title}\n{ex.title_zh}"
                purpose = f"{ex.purpose}\n{ex.purpose_zh}"
            elif self.lang.zh:
                name, purpose = ex.title_zh, ex.purpose_zh
            else:
                name, purpose = ex.title, ex.purpose
            source = self.ctx.source_text(ex)
            row = [str(ex.number), name, source, purpose, page_text(ex.key)]
            if ex.demonstrative:
                row[0] = t(ex.label_en, ex.label_zh)
                demonstrative_rows.append(row)
            else:
                rows2.append(row)
        summary_rows: list[list[Any]] = []
        for section in self.ctx.sections:
            if section.key.startswith("appendix-") or section.key == "summary":
                label = (
                    section.label_zh if (self.lang.zh and not self.lang.en) else section.label_en
                )
                if self.lang.en and self.lang.zh:
                    label = f"{section.label_en}\n{section.label_zh}"
                row = ["", label, "", "", page_text(section.key)]
                (summary_rows if section.key == "summary" else rows2).append(row)
        rows2 = summary_rows + rows2
        return rows2, demonstrative_rows

    def _index(self) -> list[Flowable]:
        """The exhibit index table, then the demonstratives' own index."""
        s = self.styles
        t = self.lang.t
        w = self.width
        rows2, demonstrative_rows = self._index_rows()
        story: list[Flowable] = []
        header = [
            t("No.", "序号"),
            t("Exhibit", "证据名称"),
            t("Source", "来源"),
            t("Offered to show", "证明对象"),
            t("Pages", "页码"),
        ]
        story.append(
            grid_table(
                header,
                rows2,
                [28, w * 0.34, w * 0.22, w * 0.26, w - 28 - w * 0.82],
                s,
                cell_style=s.small,
                split_rows=False,
            )
        )
        if demonstrative_rows:
            story += demonstratives_index(demonstrative_rows, header, self.lang.t, s, w)
        return story

    def _index_notes(self) -> list[Flowable]:
        """What is not exhibited: withdrawn items, the selection rule."""
        s, t = self.styles, self.lang.t
        b = self.bundle
        story: list[Flowable] = []
        if b.withdrawn:
            story.append(Spacer(1, 4))
            story.append(
                P(
                    t(
                        f"{len(b.withdrawn)} withdrawn item(s) are not exhibited; they are listed in Appendix C.",
                        f"{len(b.withdrawn)}个已撤回的文件未作为证据提交，见附录C。",
                    ),
                    s.small,
                )
            )
        if b.selection == "all":
            story.append(
                P(
                    t(
                        "Nothing in the case was tagged, flagged, captured or generated, so every "
                        "item is exhibited.",
                        "本案没有加标签、标记、取证或生成的记录，故全部文件均作为证据提交。",
                    ),
                    s.small,
                )
            )
        if b.not_selected:
            rule = (
                "the items asked for (--tags / --items)"
                if b.selection == "asked"
                else "what was tagged or flagged, the captures and generations, the works and "
                "the charts"
            )
            rule_zh = (
                "指定的文件（--tags / --items）"
                if b.selection == "asked"
                else "已加标签或标记的文件、取证记录及生成记录、权利作品及比对图"
            )
            story.append(
                P(
                    t(
                        f"{b.not_selected} other item(s) in the case are not exhibited: this "
                        f"bundle exhibits {rule}.",
                        f"本案另有{b.not_selected}个文件未作为证据提交：本证据材料提交{rule_zh}。",
                    ),
                    s.small,
                )
            )
        return story
