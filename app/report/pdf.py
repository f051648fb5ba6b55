"""The filing PDF: ReportLab lays out the bundle model, page by page.

The body (summary, exhibits, appendices) is rendered first, in chunks of exhibits so memory
stays bounded on a 500-exhibit case; the cover and index are rendered afterwards, when the
page of every exhibit is known. :mod:`app.report.volumes` then joins the parts, splits them
into volumes under the size limit and stamps every page with its exhibit label and Bates
number. Every string taken from the case goes through :func:`app.report.fonts.markup`.

The renderer keeps the sections, the chunking and the rendering; the pages themselves are
built by :mod:`app.report.pdf_front` (cover and index), :mod:`app.report.pdf_exhibit`
(exhibits), :mod:`app.report.pdf_chart` (comparison charts) and :mod:`app.report.pdf_appendix`
(appendices), over one :class:`app.report.pdf_context.RenderContext`; the flowables are in
:mod:`app.report.flowables` and the styles in :mod:`app.report.pdf_styles` (issue #17).

ReportLab runs in invariant mode (fixed dates and IDs) so the same model always gives the
same bytes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer

from app.core.jobs import CancelToken
from app.report import declarations, page_template, study_section
from app.report import duties as duties_report
from app.report.flowables import (
    ChartFigure,
    EvidenceImage,
    Marker,
    PageRecorder,
    caption_lines,
    clear_decoded,
    grid_table,
    kv_table,
)
from app.report.fonts import SANS
from app.report.model import Bundle, Exhibit, GenerationView, ItemView
from app.report.pdf_appendix import (
    MAX_TABLE_ROWS_INLINE,
    TABLE_BLOCK_ROWS,
    AppendixPages,
    hashes_on_own_lines,
)
from app.report.pdf_chart import chart as chart_pages
from app.report.pdf_context import RenderContext, Section, bates
from app.report.pdf_exhibit import ExhibitPages
from app.report.pdf_front import FrontPages
from app.report.pdf_styles import (
    ALERT,
    ARCHIVE_REF,
    CALLOUT,
    CALLOUT_B,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAPER,
    RULE,
    SHADE,
    Lang,
    P,
    Styles,
)
from app.report.pdf_values import provenance_findings_text

__all__ = [
    "ALERT",
    "ARCHIVE_REF",
    "CALLOUT",
    "CALLOUT_B",
    "INK",
    "MARGIN_BOTTOM",
    "MARGIN_TOP",
    "MARGIN_X",
    "MAX_TABLE_ROWS_INLINE",
    "PAPER",
    "RULE",
    "SHADE",
    "TABLE_BLOCK_ROWS",
    "ChartFigure",
    "EvidenceImage",
    "Lang",
    "P",
    "RenderedPart",
    "Renderer",
    "Section",
    "Styles",
    "bates",
    "caption_lines",
    "grid_table",
    "hashes_on_own_lines",
    "kv_table",
    "provenance_findings_text",
]

MAX_CHUNK_IMAGE_BYTES = 48 << 20
MAX_CHUNK_SECTIONS = 40


@dataclass
class RenderedPart:
    """One rendered PDF file and, for each of its pages, the section key it belongs to."""

    path: Path
    page_sections: list[str]


# -- the document ------------------------------------------------------------------------------


class Renderer:
    """Builds the flowables of each section from the bundle model and renders them."""

    def __init__(
        self,
        bundle: Bundle,
        objects: Callable[[str], Path],
        workdir: Path,
        *,
        layout_only: bool = False,
    ) -> None:
        self.bundle = bundle
        self.objects = objects
        self.workdir = workdir
        self.lang = Lang(bundle.options.lang)
        self.styles = Styles()
        self.page_size = PAPER[bundle.options.paper]
        self.width = self.page_size[0] - 2 * MARGIN_X
        self.height = self.page_size[1] - MARGIN_TOP - MARGIN_BOTTOM
        self.layout_only = layout_only
        # the page headers' zone, read from settings once for the bundle, not once per page
        self.display_zone = page_template.display_zone()
        self.sections = self._sections()
        self.exhibit_by_key = {ex.key: ex for ex in self.bundle.exhibits}
        self.ctx = RenderContext(
            bundle,
            objects,
            self.lang,
            self.styles,
            self.width,
            self.height,
            layout_only,
            self.sections,
        )
        self.section_by_key = self.ctx.section_by_key
        self.exhibits = ExhibitPages(self.ctx)
        self.appendices = AppendixPages(self.ctx)

    # sections and their labels ---------------------------------------------------------------

    def _sections(self) -> list[Section]:
        b = self.bundle
        out = [
            Section("cover", "Cover", "封面", self.lang.t("Cover", "封面")),
            Section("index", "Exhibit index", "证据目录", self.lang.t("Exhibit index", "证据目录")),
        ]
        if b.prompts:
            out.append(
                Section(
                    "summary",
                    "Summary by prompt",
                    "提示词汇总",
                    self.lang.t("Summary by prompt", "提示词汇总"),
                )
            )
        if b.study:
            out.append(
                Section(
                    "study",
                    "Reproduction study",
                    "复现实验",
                    self.lang.t("Reproduction study", "复现实验"),
                )
            )
        for ex in b.exhibits:
            label_en = page_template.stamp_label(ex, b.cover, lambda en, zh: en)
            label_zh = page_template.stamp_label(ex, b.cover, lambda en, zh: zh)
            title = (
                self.lang.t(ex.label_en, ex.label_zh)
                + " — "
                + (ex.title_zh if (self.lang.zh and not self.lang.en) else ex.title)
            )
            number = None if ex.demonstrative else ex.number
            out.append(Section(ex.key, label_en, label_zh, title, number, ex.demonstrative))
        for key, en, zh in self._appendix_names():
            out.append(Section(key, en, zh, self.lang.t(en, zh)))
        return out

    def _appendix_names(self) -> list[tuple[str, str, str]]:
        names = [
            ("environment", "Environment report", "取证环境报告"),
            ("custody", "Custody log", "保管日志"),
            ("manifest", "Hash manifest", "哈希清单"),
        ]
        if self.lang.en:
            names.append(("declaration-en", "Declaration", "声明（英文）"))
        if self.lang.zh:
            names.append(("declaration-zh", "Capture-process statement", "取证过程说明"))
        if self.bundle.duties:
            names.append(("duties", "Platform duties", "平台义务"))
        if self.bundle.study:
            names.append(("study-methods", "Reproduction study methods", "复现实验方法说明"))
        letters = "ABCDEFGHIJ"
        return [
            (f"appendix-{key}", f"Appendix {letters[i]}: {en}", f"附录{letters[i]}：{zh}")
            for i, (key, en, zh) in enumerate(names)
        ]

    # body -----------------------------------------------------------------------------------

    def body_groups(self) -> list[list[str]]:
        """Section keys of the body, grouped into chunks rendered as separate ReportLab documents."""
        groups: list[list[str]] = []
        current: list[str] = []
        weight = 0
        if self.bundle.prompts:
            current.append("summary")
        if self.bundle.study:
            current.append("study")
        for ex in self.bundle.exhibits:
            size = sum(v.item.size for v in ex.items if v.is_image)
            if current and (
                weight + size > MAX_CHUNK_IMAGE_BYTES or len(current) >= MAX_CHUNK_SECTIONS
            ):
                groups.append(current)
                current, weight = [], 0
            current.append(ex.key)
            weight += size
        if current:
            groups.append(current)
        groups.append([s.key for s in self.sections if s.key.startswith("appendix-")])
        return [g for g in groups if g]

    def story_for(self, key: str, recorder: PageRecorder) -> list[Flowable]:
        story: list[Flowable] = [Marker(key, recorder)]
        if key == "summary":
            story += self.summary()
        elif key == "study":
            story += study_section.render(self)
        elif key == "appendix-study-methods":
            story += study_section.methods(self)
        elif key.startswith(("exhibit-", "pdx-")):
            story += self.exhibit(self.exhibit_by_key[key])
        elif key == "appendix-environment":
            story += self.environment()
        elif key == "appendix-custody":
            story += self.custody()
        elif key == "appendix-manifest":
            story += self.manifest()
        elif key == "appendix-declaration-en":
            story += self.blocks(declarations.declaration_en(self.bundle))
        elif key == "appendix-declaration-zh":
            story += self.blocks(declarations.declaration_zh(self.bundle), cjk=True)
        elif key == "appendix-duties":
            story += duties_report.story(self)
        return story

    def heading(self, key: str) -> list[Flowable]:
        return self.ctx.heading(key)

    # summary ---------------------------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = self.heading("summary")
        out.append(
            P(
                t(
                    "Each row is one prompt, verbatim. Tries counts generation requests (and failed "
                    "campaign tries); outputs counts the images returned. Charted as matching "
                    "counts outputs that a comparison chart pairs with an original work ('not "
                    "assessed' where no output of the prompt was charted). Tool's ranking counts "
                    "outputs that Proofshot's `match` rates high against a work: the tool's "
                    "measurement of similarity, not an expert opinion ('not run' where it was not "
                    "run).",
                    "每行为一条提示词（原文）。尝试次数为生成请求次数（含失败的批量尝试）；生成图片数为返回的图片数。"
                    "比对图认定相似数为已制作比对图、与权利作品相似的图片数（未制作比对图的标为“未比对”）。"
                    "工具排序为Proofshot的match评为“高”的图片数，系本工具的相似度测量结果，并非专家意见"
                    "（未运行的标为“未运行”）。",
                ),
                s.small,
            )
        )
        out.append(Spacer(1, 4))
        rows = []
        for p in self.bundle.prompts:
            origin = {
                "captured": t("captured", "取证捕获"),
                "embedded": t("file metadata", "文件元数据"),
                "both": t("captured + metadata", "捕获及元数据"),
            }[p.origin]
            rows.append(
                [
                    P(p.prompt, s.cell),
                    str(p.tries),
                    str(p.outputs),
                    str(p.matching) if p.matching is not None else t("not assessed", "未比对"),
                    str(p.ranked_high) if p.ranked_high is not None else t("not run", "未运行"),
                    ", ".join(str(n) for n in p.exhibits[:40])
                    + ("…" if len(p.exhibits) > 40 else ""),
                    origin,
                ]
            )
        w = self.width
        out.append(
            grid_table(
                [
                    t("Prompt", "提示词"),
                    t("Tries", "尝试次数"),
                    t("Outputs", "生成图片数"),
                    t("Charted as matching", "比对图认定相似"),
                    t("Tool's ranking: high", "工具排序：高"),
                    t("Exhibits", "证据"),
                    t("Source", "来源"),
                ],
                rows,
                [w * 0.31, w * 0.08, w * 0.09, w * 0.12, w * 0.12, w * 0.12, w * 0.16],
                s,
            )
        )
        return out

    # the page builders, under the names callers know ---------------------------------------

    def source_text(self, ex: Exhibit) -> str:
        """证据来源 / Source: the Chinese wording where Chinese is printed, both when bilingual."""
        return self.ctx.source_text(ex)

    def exhibit(self, ex: Exhibit) -> list[Flowable]:
        return self.exhibits.exhibit(ex)

    def generation(self, gen: GenerationView) -> list[Flowable]:
        return self.exhibits.generation(gen)

    def item(self, view: ItemView) -> list[Flowable]:
        return self.exhibits.item(view)

    def images(self, view: ItemView) -> list[Flowable]:
        return self.exhibits.images(view)

    def chart(self, ex: Exhibit) -> list[Flowable]:
        return chart_pages(self.ctx, ex)

    def environment(self) -> list[Flowable]:
        return self.appendices.environment()

    def custody(self) -> list[Flowable]:
        return self.appendices.custody()

    def manifest(self) -> list[Flowable]:
        return self.appendices.manifest()

    def blocks(self, blocks: Iterable[declarations.Block], *, cjk: bool = False) -> list[Flowable]:
        """Lay out a declaration or letter (see :meth:`AppendixPages.blocks`)."""
        return self.appendices.blocks(blocks, cjk=cjk)

    def front_story(
        self,
        recorder: PageRecorder,
        pages: dict[str, tuple[int, int]],
        volumes: Sequence[dict[str, Any]],
    ) -> list[Flowable]:
        """The cover and the index (see :class:`app.report.pdf_front.FrontPages`)."""
        return FrontPages(self.ctx, pages, volumes).story(recorder)

    # rendering ------------------------------------------------------------------------------

    def render(self, story: list[Flowable], recorder: PageRecorder, path: Path) -> RenderedPart:
        doc = BaseDocTemplate(
            str(path),
            pagesize=self.page_size,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            invariant=1,
            initialFontName=SANS,
            initialFontSize=10,
            title=self.bundle.case_title,
            author=self.bundle.cover.get("prepared_by", ""),
            creator=self.bundle.tool,
            lang="zh-CN" if (self.lang.zh and not self.lang.en) else "en-US",
        )
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=recorder.page_end)])
        with _binary_streams():
            doc.build(story)
        clear_decoded()
        return RenderedPart(path, list(recorder.pages))

    def render_body(
        self, cancel: CancelToken | None = None, progress: Callable[[int, int], None] | None = None
    ) -> list[RenderedPart]:
        parts = []
        groups = self.body_groups()
        for index, keys in enumerate(groups):
            if cancel is not None:
                cancel.raise_if_cancelled()
            recorder = PageRecorder()
            story: list[Flowable] = []
            for n, key in enumerate(keys):
                if n:
                    story.append(PageBreak())
                story += self.story_for(key, recorder)
            parts.append(self.render(story, recorder, self.workdir / f"body-{index:04d}.pdf"))
            if progress is not None:
                progress(index + 1, len(groups))
        return parts

    def render_front(
        self, pages: dict[str, tuple[int, int]], volumes: Sequence[dict[str, Any]], path: Path
    ) -> RenderedPart:
        recorder = PageRecorder()
        return self.render(self.front_story(recorder, pages, volumes), recorder, path)


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Image streams as plain Flate, not ASCII85 as well.

    ReportLab ASCII85-encodes images by default, in pure Python unless its optional C
    accelerator is installed: a quarter larger and about four times slower for no gain in a
    binary-clean PDF.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous
