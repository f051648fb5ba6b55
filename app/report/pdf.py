"""The filing PDF: ReportLab lays out the bundle model, page by page.

The body (summary, exhibits, appendices) is rendered first, in chunks of exhibits so memory
stays bounded on a 500-exhibit case; the cover and index are rendered afterwards, when the
page of every exhibit is known. :mod:`app.report.volumes` then joins the parts, splits them
into volumes under the size limit and stamps every page with its exhibit label and Bates
number. Every string taken from the case goes through :func:`app.report.fonts.markup`.

ReportLab runs in invariant mode (fixed dates and IDs) so the same model always gives the
same bytes.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.core.jobs import CancelToken
from app.report import declarations, demonstratives, page_template, study_section
from app.report import duties as duties_report
from app.report.crop import crop_story
from app.report.custody_text import ChangeDescriber
from app.report.exhibit_register import demonstratives_index
from app.report.facts_labels import break_path, fact_rows, facts_text
from app.report.flowables import KeepTable, legible_tiles
from app.report.fonts import (
    CJK,
    MONO,
    SANS,
    SANS_BOLD,
    draw_runs,
    markup,
    plain,
    register_fonts,
    runs_width,
)
from app.report.images import PassthroughImage, draw_passthrough, probe
from app.report.model import (
    Bundle,
    ChartView,
    Exhibit,
    GenerationView,
    ItemView,
    beijing_text,
    kind_en,
    kind_zh,
    local_text,
    marks_zh,
    utc_text,
    work_title_zh,
)

PAPER = {"letter": LETTER, "a4": A4}
MARGIN_X = 54.0
MARGIN_TOP = 66.0
MARGIN_BOTTOM = 54.0
INK = colors.HexColor("#1a1a1a")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eeeeee")
ALERT = colors.HexColor("#b00020")
CALLOUT = colors.HexColor("#d81b60")
CALLOUT_B = colors.HexColor("#1565c0")

MAX_CHUNK_IMAGE_BYTES = 48 << 20
MAX_CHUNK_SECTIONS = 40
MAX_TABLE_ROWS_INLINE = 400
TABLE_BLOCK_ROWS = 300


# -- sections ---------------------------------------------------------------------------------


@dataclass
class Section:
    """A run of pages with one label: the cover, the index, an exhibit, an appendix."""

    key: str
    label_en: str
    label_zh: str
    title: str
    exhibit: int | None = None
    demonstrative: bool = False


@dataclass
class RenderedPart:
    """One rendered PDF file and, for each of its pages, the section key it belongs to."""

    path: Path
    page_sections: list[str]


class Lang:
    """Chooses English, Chinese or both for every label."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.en = lang in ("en", "en+zh")
        self.zh = lang in ("zh", "en+zh")

    def t(self, en: str, zh: str) -> str:
        if self.en and self.zh:
            return f"{en} / {zh}"
        return zh if self.zh else en

    def time(self, value: str | None, offset: str = "+00:00") -> str:
        """UTC and the recorded local zone; Beijing time added in the Chinese profile."""
        text = f"{utc_text(value)} ({local_text(value, offset)})"
        if self.zh:
            text += f"；北京时间 {beijing_text(value)}"
        return text


# -- styles -----------------------------------------------------------------------------------


class Styles:
    def __init__(self) -> None:
        register_fonts()
        base = {"fontName": SANS, "textColor": INK, "splitLongWords": 1}
        self.body = ParagraphStyle("body", fontSize=9, leading=12, **base)
        self.small = ParagraphStyle("small", fontSize=7.5, leading=9.5, **base)
        self.tiny = ParagraphStyle("tiny", fontSize=6.5, leading=8, **base)
        self.cell = ParagraphStyle("cell", fontSize=8, leading=10, **base)
        self.cell_key = ParagraphStyle(
            "cellkey", fontSize=8, leading=10, fontName=SANS_BOLD, textColor=INK
        )
        self.mono = ParagraphStyle(
            "mono", fontSize=7, leading=9, fontName=MONO, textColor=INK, splitLongWords=1
        )
        self.h1 = ParagraphStyle(
            "h1",
            fontSize=15,
            leading=19,
            fontName=SANS_BOLD,
            textColor=INK,
            spaceAfter=4,
            keepWithNext=1,
        )
        self.h2 = ParagraphStyle(
            "h2",
            keepWithNext=1,
            fontSize=11,
            leading=14,
            fontName=SANS_BOLD,
            textColor=INK,
            spaceBefore=8,
            spaceAfter=3,
        )
        self.h3 = ParagraphStyle(
            "h3",
            keepWithNext=1,
            fontSize=9.5,
            leading=12,
            fontName=SANS_BOLD,
            textColor=INK,
            spaceBefore=6,
            spaceAfter=2,
        )
        self.title = ParagraphStyle(
            "title",
            fontSize=22,
            leading=28,
            fontName=SANS_BOLD,
            alignment=TA_CENTER,
            textColor=INK,
            spaceAfter=10,
        )
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.prompt = ParagraphStyle("prompt", fontSize=10, leading=14, **base)
        self.alert = ParagraphStyle(
            "alert",
            fontSize=9.5,
            leading=12.5,
            fontName=SANS_BOLD,
            textColor=ALERT,
            splitLongWords=1,
        )

    @staticmethod
    def cjk(base: Styles) -> Styles:
        """A copy whose paragraph styles wrap Chinese text between characters."""
        copy = Styles.__new__(Styles)
        for name, style in vars(base).items():
            clone = ParagraphStyle(f"{name}-cjk", parent=style)
            clone.wordWrap = "CJK"
            setattr(copy, name, clone)
        return copy


def P(text: object, style: ParagraphStyle, *, raw: bool = False) -> Paragraph:
    """A paragraph of untrusted text; ``raw`` only for markup this module wrote itself."""
    base = style.fontName if style.fontName in (SANS, SANS_BOLD, MONO, CJK) else SANS
    return Paragraph(str(text) if raw else markup(text, base=base), style)


def kv_table(
    rows: Sequence[tuple[str, Any]], styles: Styles, width: float, key_width: float = 118
) -> Table:
    """A two-column facts table; values may be text (escaped) or flowables."""
    data = []
    for key, value in rows:
        cell = value if isinstance(value, Flowable | list) else P(value, styles.cell)
        data.append([P(key, styles.cell_key), cell])
    table = KeepTable(data, colWidths=[key_width, width - key_width], splitInRow=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, 8),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    styles: Styles,
    *,
    cell_style: ParagraphStyle | None = None,
    split_rows: bool = True,
) -> Table:
    """A table with a repeated header; ``split_rows=False`` keeps each row whole (no page
    carries only the header and a sliver of a row)."""
    style = cell_style or styles.cell
    data: list[list[Any]] = [[P(h, styles.cell_key) for h in header]]
    for row in rows:
        data.append([c if isinstance(c, Flowable) else P(c, style) for c in row])
    table = KeepTable(
        data, colWidths=list(widths), repeatRows=1, splitInRow=int(split_rows), hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, 8),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


ARCHIVE_REF = "bundle.json"
"""The archive file that holds every fact in full (nested details are referenced to it)."""

# -- flowables ---------------------------------------------------------------------------------


class Marker(Flowable):
    """Zero-size flowable that tells the page recorder which section starts here."""

    def __init__(self, key: str, recorder: _Recorder) -> None:
        super().__init__()
        self.key = key
        self.recorder = recorder

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.recorder.current = self.key


class _Recorder:
    def __init__(self) -> None:
        self.current = ""
        self.pages: list[str] = []

    def page_end(self, canvas: Any, doc: Any) -> None:
        self.pages.append(self.current)


class _DecodedCache:
    """Slices of one tall screenshot are drawn in a row; decode it once, not once per slice."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.path: Path | None = None
        self.image: PILImage.Image | None = None

    def get(self, path: Path) -> PILImage.Image:
        with self.lock:
            if self.path != path or self.image is None:
                self.image = None
                with PILImage.open(path) as img:
                    img.load()
                    self.image = (
                        img.convert("RGBA") if "A" in img.getbands() else img.convert("RGB")
                    )
                self.path = path
            return self.image

    def clear(self) -> None:
        with self.lock:
            self.image = None
            self.path = None


_DECODED = _DecodedCache()


class EvidenceImage(Flowable):
    """An image from the object store, drawn at a fixed size; a readable note if it will not decode.

    Images are always handed to ReportLab as an ``ImageReader``: ReportLab names an image
    drawn from a file path after the path, which would make the PDF depend on where the
    case folder lives; from a reader it names it after the pixels. JPEGs still pass through
    undecoded into the PDF.

    ``crop`` (left, top, right, bottom in pixels) draws one slice of a tall screenshot.
    """

    def __init__(
        self,
        path: Path,
        width: float,
        height: float,
        *,
        crop: tuple[int, int, int, int] | None = None,
        passthrough: PassthroughImage | None = None,
        key: str = "",
        placeholder: bool = False,
        styles: Styles | None = None,
        text_layer: Any = None,
    ) -> None:
        super().__init__()
        self.text_layer = text_layer  # an ocr_layer.TextLayer drawn invisibly over the image
        self.path = path
        self.img_width = width
        self.img_height = height
        self.crop = crop
        self.passthrough = passthrough
        self.key = key
        self.placeholder = placeholder
        self.styles = styles
        self.hAlign = "CENTER"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.img_width, self.img_height

    def draw(self) -> None:
        canv = self.canv
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        if self.placeholder:
            canv.rect(0, 0, self.img_width, self.img_height)
            return
        try:
            if self.crop is None and self.passthrough is not None:
                draw_passthrough(
                    canv, self.passthrough, self.key, 0, 0, self.img_width, self.img_height
                )
            else:
                image = _DECODED.get(self.path)
                if self.crop is not None:
                    image = image.crop(self.crop)
                canv.drawImage(
                    ImageReader(image), 0, 0, self.img_width, self.img_height, mask="auto"
                )
        except Exception as exc:  # a hostile or damaged image must not stop the bundle
            canv.rect(0, 0, self.img_width, self.img_height)
            canv.setFont(SANS, 8)
            message = f"This image could not be drawn ({type(exc).__name__}); see the native file."
            canv.drawString(6, self.img_height - 14, message[:120])
        canv.rect(0, 0, self.img_width, self.img_height)
        if self.text_layer is not None and not self.placeholder:
            self._draw_text_layer()

    def _draw_text_layer(self) -> None:
        from app.report.ocr_layer import draw_text_layer

        with PILImage.open(self.path) as im:  # reads the header only
            size = im.size
        crop = self.crop or (0, 0, size[0], size[1])
        draw_text_layer(self.canv, self.text_layer, self.img_width, self.img_height, crop)


class ChartFigure(Flowable):
    """The original and the output side by side, with numbered callouts drawn on both."""

    def __init__(
        self,
        original: ItemView | None,
        output: ItemView | None,
        chart: ChartView,
        case_objects: Callable[[str], Path],
        width: float,
        height: float,
        captions: tuple[str, str],
        placeholder: bool = False,
    ) -> None:
        super().__init__()
        self.original = original
        self.output = output
        self.chart = chart
        self.objects = case_objects
        self.fig_width = width
        self.fig_height = height
        self.captions = captions
        self.placeholder = placeholder
        gap = 14.0
        panel_w = (width - gap) / 2
        # at most as many lines again as the figure is tall (the frame takes twice the figure):
        # only a caption of hundreds of characters could reach it, and it is then marked cut
        most = 2 + int(height // 10)
        self.caption_lines = [
            lines if len(lines) <= most else [*lines[: most - 1], lines[most - 1] + " …"]
            for lines in (caption_lines(c, panel_w) for c in captions)
        ]
        # captions are wrapped, never cut: the figure grows by the lines beyond two
        extra = max(0, max(len(lines) for lines in self.caption_lines) - 2) * 10.0
        self.caption_h = 30.0 + extra
        self.fig_height = height + extra

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.fig_width, self.fig_height

    def _panel(self, view: ItemView | None, x: float, side: str, lines: list[str]) -> None:
        canv = self.canv
        gap = 14.0
        panel_w = (self.fig_width - gap) / 2
        avail_h = self.fig_height - self.caption_h
        canv.setFont(SANS_BOLD, 8)
        for n, line in enumerate(lines):
            draw_runs(canv, x, self.fig_height - 9 - n * 10, line, SANS_BOLD, 8)
        if view is None or not view.item.width or not view.item.height:
            canv.rect(x, 0, panel_w, avail_h)
            return
        scale = min(panel_w / view.item.width, avail_h / view.item.height)
        w, h = view.item.width * scale, view.item.height * scale
        ox = x + (panel_w - w) / 2
        oy = avail_h - h
        if not self.placeholder:
            try:
                path = self.objects(view.item.sha256)
                fast = probe(path, view.item.media_type)
                if fast is not None:
                    draw_passthrough(canv, fast, view.item.sha256, ox, oy, w, h)
                else:
                    canv.drawImage(
                        ImageReader(_DECODED.get(self.objects(view.item.sha256))),
                        ox,
                        oy,
                        w,
                        h,
                        mask="auto",
                    )
            except Exception:
                canv.setFont(SANS, 7)
                canv.drawString(ox + 4, oy + h - 12, "image could not be drawn; see the native")
        canv.setStrokeColor(RULE)
        canv.rect(ox, oy, w, h)
        canv.saveState()
        path = canv.beginPath()
        path.rect(ox, oy, w, h)
        canv.clipPath(path, stroke=0, fill=0)
        colour = CALLOUT if side == "original" else CALLOUT_B
        for element in self.chart.elements:
            region = element.get(side) if isinstance(element, dict) else None
            if not isinstance(region, dict):
                continue
            try:
                rx, ry = float(region.get("x", 0)), float(region.get("y", 0))
                rw, rh = float(region.get("w", 0)), float(region.get("h", 0))
            except (TypeError, ValueError):
                continue
            left, top = ox + rx * w, oy + h - ry * h
            bw, bh = rw * w, rh * h
            canv.setStrokeColor(colour)
            canv.setLineWidth(1.6)
            shape = region.get("shape", "rect")
            if shape == "ellipse":
                canv.ellipse(left, top - bh, left + bw, top, stroke=1, fill=0)
            elif shape == "arrow":
                canv.line(left, top, left + bw, top - bh)
                canv.circle(left + bw, top - bh, 2.5, stroke=1, fill=1)
            else:
                canv.rect(left, top - bh, bw, bh, stroke=1, fill=0)
            number = str(element.get("n", ""))
            cx, cy = min(max(left, ox + 8), ox + w - 8), min(max(top, oy + 8), oy + h - 8)
            canv.setFillColor(colour)
            canv.circle(cx, cy, 7, stroke=0, fill=1)
            canv.setFillColor(colors.white)
            canv.setFont(SANS_BOLD, 7.5)
            canv.drawCentredString(cx, cy - 2.7, number[:3])
            canv.setFillColor(INK)
        canv.restoreState()

    def draw(self) -> None:
        gap = 14.0
        panel_w = (self.fig_width - gap) / 2
        self._panel(self.original, 0, "original", self.caption_lines[0])
        self._panel(self.output, panel_w + gap, "output", self.caption_lines[1])


def caption_lines(caption: str, width: float, font: str = SANS_BOLD, size: float = 8) -> list[str]:
    """``caption`` wrapped to ``width``: at spaces where a word fits, else between characters
    (CJK); every character kept, none replaced by an ellipsis."""
    text = plain(caption)
    lines: list[str] = []
    while text:
        head = text[: int(width // 2) + 1]  # no glyph is narrower than 2 pt at 8 pt
        if len(head) == len(text) and runs_width(text, font, size) <= width:
            lines.append(text)
            break
        low, high = 1, len(head)  # the longest prefix that fits, by bisection
        while low < high:
            mid = (low + high + 1) // 2
            if runs_width(head[:mid], font, size) <= width:
                low = mid
            else:
                high = mid - 1
        cut = low
        space = text.rfind(" ", 0, cut + 1)
        if space > 0 and text[cut : cut + 1] != " ":
            cut = space
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return lines


# -- the document ------------------------------------------------------------------------------


class Renderer:
    """Builds the flowables of each section from the bundle model."""

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
        self.sections = self._sections()
        self.section_by_key = {s.key: s for s in self.sections}
        self.exhibit_by_key = {ex.key: ex for ex in self.bundle.exhibits}

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

    def story_for(self, key: str, recorder: _Recorder) -> list[Flowable]:
        story: list[Flowable] = [Marker(key, recorder)]
        if key == "summary":
            story += self.summary()
        elif key == "study":
            story += study_section.render(self)
        elif key == "appendix-study-methods":
            story += study_section.methods(self)
        elif key.startswith(("exhibit-", "pdx-")):
            story += self.exhibit(next(e for e in self.bundle.exhibits if e.key == key))
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
        section = self.section_by_key[key]
        return [P(section.title, self.styles.h1)]

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

    # exhibits --------------------------------------------------------------------------------

    def source_text(self, ex: Exhibit) -> str:
        """证据来源 / Source: the Chinese wording where Chinese is printed, both when bilingual."""
        if not ex.source_zh or not self.lang.zh:
            return ex.source
        return ex.source_zh if not self.lang.en else f"{ex.source}\n{ex.source_zh}"

    def exhibit(self, ex: Exhibit) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = []
        label = t(ex.label_en, ex.label_zh)
        title = ex.title if self.lang.en else ex.title_zh
        out.append(P(f"{label} — {title}", s.h1))
        if self.lang.en and self.lang.zh:
            out.append(P(ex.title_zh, s.h3))
        purpose = (
            f"{ex.purpose} / {ex.purpose_zh}"
            if (self.lang.en and self.lang.zh)
            else (ex.purpose_zh if self.lang.zh else ex.purpose)
        )
        source = self.source_text(ex)
        out.append(
            kv_table(
                [(t("Offered to show", "证明对象"), purpose), (t("Source", "来源"), source)],
                s,
                self.width,
            )
        )
        out.append(Spacer(1, 6))
        out += crop_story(  # a page capture opens with its prompt-and-outputs crop (#16)
            ex,
            self.bundle,
            self.objects,
            self.width,
            self.height * 0.6,
            lambda path, w, h, box: EvidenceImage(
                path, w, h, crop=box, placeholder=self.layout_only, styles=s
            ),
            lambda text, style: P(text, getattr(s, style)),
            t,
        )
        if ex.chart is not None:
            out += self.chart(ex)
            return out
        if ex.work is not None:
            out += self.work(ex)
        if ex.capture is not None:
            out += self.capture(ex)
        for gen in ex.generations:
            out += self.generation(gen)
        for view in ex.items:
            out += self.item(view)
        return out

    def work(self, ex: Exhibit) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        w = ex.work
        assert w is not None
        rows: list[tuple[str, Any]] = [
            (t("Title", "作品名称"), t(w.title, work_title_zh(w))),
            (t("Owner or licensor", "权利人"), w.owner or "—"),
            (t("Registration", "登记号"), w.registration or "—"),
            (t("Registration date", "登记日期"), w.registration_date or "—"),
        ]
        rows += fact_rows(w.facts, t, ARCHIVE_REF, skip=("title_zh",))
        docs = [v.label for v in ex.items if v.role.startswith("licence-document")]
        rows.append(
            (
                t("Licence-chain documents", "授权链文件"),
                ", ".join(docs) or t("none in the case", "无"),
            )
        )
        return [P(t("The work", "作品信息"), s.h2), kv_table(rows, s, self.width)]

    def capture(self, ex: Exhibit) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        cap = ex.capture
        assert cap is not None
        offset = ex.items[0].item.local_offset if ex.items else "+00:00"
        rows: list[tuple[str, Any]] = [
            (t("Requested URL", "请求网址"), cap.requested_url),
            (t("Final URL", "最终网址"), cap.final_url),
            (t("Page title", "页面标题"), cap.title or "—"),
            (t("Capture started", "取证开始"), self.lang.time(cap.started_at, offset)),
            (t("Capture ended", "取证结束"), self.lang.time(cap.ended_at, offset)),
            (t("Capture kind", "取证类型"), cap.kind),
        ]
        if cap.marks:
            rows.append(
                (
                    t("Platform page role", "平台页面类别"),
                    t(", ".join(cap.marks), marks_zh(cap.marks)),
                )
            )
        none = t("not recorded", "未记录")
        rows.append((t("Operator", "操作人"), ", ".join(cap.operators) or none))
        rows.append((t("Site account used", "使用的网站账号"), cap.site_account or none))
        net, tls = cap.network, cap.network.tls if cap.network is not None else None
        if net is not None:
            rows.append(
                (
                    t("Connection recorded on", "网络信息记录于"),
                    t(
                        f"the exchange that delivered {net.url or cap.final_url}",
                        f"传输{net.url or cap.final_url}的同一网络连接",
                    ),
                )
            )
        ip = net.remote_ip if net is not None else None
        port = net.remote_port if net is not None else None
        rows.append(
            (
                t("Server IP address", "服务器IP地址"),
                f"{ip}" + (f" (port {port})" if port else "") if ip else none,
            )
        )
        if tls is None:
            rows.append((t("TLS (same connection)", "TLS（同一连接）"), none))
        else:
            for label, value in (
                (
                    t("TLS protocol / cipher", "TLS协议/加密套件"),
                    " / ".join(x for x in (tls.protocol, tls.cipher) if x),
                ),
                (t("TLS certificate subject", "TLS证书主体"), tls.subject),
                (t("TLS certificate issuer", "TLS证书颁发者"), tls.issuer),
                (
                    t("TLS certificate valid", "TLS证书有效期"),
                    " – ".join(x for x in (tls.valid_from, tls.valid_to) if x),
                ),
                (t("TLS certificate names (SAN)", "TLS证书备用名称"), ", ".join(tls.san or [])),
            ):
                rows.append((label, value or none))
        facts = dict(cap.record.extra)
        for key in ("server_ip", "tls", "account", "operator", "site_account", "document"):
            facts.pop(key, None)
        for key in ("session_id", "target_url", "page_url", "exchanges", "problems"):
            value = getattr(cap.record, key)
            if value is not None:
                facts[key] = value
        rows += fact_rows(facts, t, ARCHIVE_REF, limit=60)
        out: list[Flowable] = [P(t("Capture", "取证记录"), s.h2), kv_table(rows, s, self.width)]
        return out

    def generation(self, gen: GenerationView) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = [
            P(
                t(f"Generation {gen.id}: the prompt as sent", f"生成记录{gen.id}：提交的提示词"),
                s.h2,
            )
        ]
        prompt_box = Table(
            [[P(gen.prompt, s.prompt)]], colWidths=[self.width], splitInRow=1, hAlign="LEFT"
        )
        prompt_box.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), SANS, 8),
                    ("BOX", (0, 0), (-1, -1), 1.0, INK),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f7f7f2")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        out.append(prompt_box)
        out.append(Spacer(1, 4))
        outputs = ", ".join(
            f"{self.bundle.item_exhibit.get(i, f'item {i}')}" for i in gen.outputs
        ) or t("none", "无")
        rows: list[tuple[str, Any]] = [
            (t("Negative prompt", "反向提示词"), gen.negative_prompt or "—"),
            (t("Parameters", "参数"), facts_text(gen.parameters, t, ARCHIVE_REF) or "—"),
            (t("Request URL", "请求地址"), gen.request_url or "—"),
            (t("Job id", "任务编号"), gen.job_id or "—"),
            (t("Submitted", "提交时间"), self.lang.time(gen.submitted_at)),
            (t("Returned", "返回时间"), self.lang.time(gen.returned_at)),
            (
                t("Binding of prompt to outputs", "提示词与输出的关联"),
                facts_text(gen.binding, t, ARCHIVE_REF) or "—",
            ),
            (t("Outputs (exhibit items)", "生成的图片（证据编号）"), outputs),
        ]
        if gen.campaign:
            rows.append(
                (t("Campaign / try", "批量任务/次数"), f"{gen.campaign} / {gen.try_number}")
            )
        rows += fact_rows(gen.facts, t, ARCHIVE_REF)
        for c in gen.corrections:
            rows.append(
                (
                    t("Later correction", "后续更正"),
                    t(
                        f"event {c.get('seq')}: {c.get('action')}: {c.get('value')} (the prompt above is unchanged, as captured)",
                        f"日志{c.get('seq')}：{c.get('action')}：{c.get('value')}（上方提示词保持取证时原样）",
                    ),
                )
            )
        out.append(kv_table(rows, s, self.width))
        return out

    def item(self, view: ItemView) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        item = view.item
        role = view.role.split(":")[0]
        head = f"{view.label} — {t(kind_en(item.kind), kind_zh(item.kind))}"
        if role not in ("item", item.kind):
            head += f" ({role})"
        images = self.images(view)
        if images:
            out: list[Flowable] = [KeepTogether([P(head, s.h2), *images[:2]]), *images[2:]]
        else:
            out = [CondPageBreak(120), P(head, s.h2)]
        prov = item.provenance if isinstance(item.provenance, dict) else {}
        rows: list[tuple[str, Any]] = [
            (t("File in the archive", "归档包中的文件"), P(break_path(view.native_name), s.mono)),
            (t("Type", "类型"), f"{item.media_type} ({item.kind})"),
            (t("Size", "大小"), t(f"{item.size:,} bytes", f"{item.size:,} 字节")),
        ]
        if item.width and item.height:
            rows.append((t("Dimensions", "尺寸"), f"{item.width} × {item.height} px"))
        rows.append(("SHA-256", P(item.sha256, s.mono)))
        if self.lang.zh:
            rows.append(("SM3", P(item.sm3, s.mono)))
        rows += [
            (t("Acquired", "取得时间"), self.lang.time(item.acquired_at, item.local_offset)),
            (t("Operator", "操作人"), item.operator or "—"),
            (t("Method", "取得方式"), item.method),
            (t("Tool", "工具及版本"), item.tool),
            (t("Source", "来源"), item.source or "—"),
        ]
        if item.parent_id is not None:
            rows.append(
                (
                    t("Derived from", "派生自"),
                    self.bundle.item_exhibit.get(item.parent_id, f"item {item.parent_id}"),
                )
            )
        rows.append((t("Trusted timestamps", "可信时间戳"), self._tokens(view)))
        if prov.get("prompt"):
            rows.append(
                (t("Prompt in the file's metadata", "文件元数据中的提示词"), prov.get("prompt"))
            )
        if prov.get("negative_prompt"):
            rows.append(
                (
                    t("Negative prompt (metadata)", "反向提示词（元数据）"),
                    prov.get("negative_prompt"),
                )
            )
        if prov.get("generator") or prov.get("parameters"):
            rows.append(
                (
                    t("Generator and parameters", "生成器及参数"),
                    " — ".join(
                        x
                        for x in (
                            _text(prov.get("generator") or ""),
                            facts_text(prov.get("parameters") or {}, t, ARCHIVE_REF),
                        )
                        if x
                    ),
                )
            )
        if item.media_type.startswith("image/"):
            rows.append(
                (t("C2PA manifest", "C2PA内容凭证"), _c2pa_text(prov.get("c2pa"), self.lang))
            )
            rows.append(
                (t("AI labels", "AI生成标识"), _labels_text(prov.get("ai_labels"), self.lang))
            )
            if prov.get("absent"):
                rows.append(
                    (
                        t("Looked for, not found", "查找但未发现"),
                        ", ".join(map(str, prov["absent"])),
                    )
                )
        findings = provenance_findings_text(prov)
        if findings:
            rows.append((t("Conflicts and C2PA verdict", "记录冲突及C2PA结论"), findings))
        if prov.get("errors"):
            rows.append(
                (t("Metadata problems", "元数据问题"), "; ".join(map(str, prov["errors"][:10])))
            )
        if item.media_notes:
            rows.append((t("Media notes", "媒体说明"), "; ".join(map(str, item.media_notes[:10]))))
        if view.is_image and item.id in self.bundle.ocr:
            from app.report.ocr_layer import fact_text

            rows.append(
                (
                    t("Text layer", "文字层"),
                    fact_text(self.bundle.ocr[item.id], self.lang.zh),
                )
            )
        if view.tags:
            rows.append((t("Tags", "标签"), ", ".join(view.tags)))
        for note in view.notes:
            rows.append(
                (t("Note", "备注"), f"{note['text']} — {note['actor']}, {utc_text(note['at_utc'])}")
            )
        for note in view.corrections:
            rows.append(
                (
                    t("Correction", "更正"),
                    f"{note['text']} — {note['actor']}, {utc_text(note['at_utc'])}",
                )
            )
        out.append(kv_table(rows, s, self.width))
        return out

    def _tokens(self, view: ItemView) -> str:
        t = self.lang.t
        if not view.tokens:
            return t("none: time not yet attested", "无：取得时间尚未经可信时间戳确认")
        parts = []
        for tok in view.tokens:
            parts.append(
                f"{tok.tsa_name or tok.tsa_url} — genTime {utc_text(tok.gen_time)}"
                + (f"（北京时间 {beijing_text(tok.gen_time)}）" if self.lang.zh else "")
                + f" — serial {tok.serial} — policy {tok.policy_oid} — {tok.file_stem}.tsr"
            )
        return "\n".join(parts)

    def images(self, view: ItemView) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        item = view.item
        if not view.is_image or not item.width or not item.height:
            return []
        path = self.objects(item.sha256)
        max_w = self.width
        max_h = self.height * 0.5
        natural_w, natural_h = float(item.width), float(item.height)
        scale = min(1.0, max_w / natural_w)
        tall = natural_h * scale > self.height * 0.9
        out: list[Flowable] = []
        if not tall:
            scale = min(scale, max_h / natural_h)
            w, h = natural_w * scale, natural_h * scale
            out.append(
                EvidenceImage(
                    path,
                    w,
                    h,
                    passthrough=None if self.layout_only else probe(path, item.media_type),
                    key=item.sha256,
                    placeholder=self.layout_only,
                    styles=s,
                    text_layer=self.bundle.ocr.get(item.id),
                )
            )
            note = t(
                f"Shown at {scale * 100:.0f}% of its natural size of {item.width} × {item.height} pixels; the native file is listed above.",
                f"按原始尺寸{item.width} × {item.height}像素的{scale * 100:.0f}%显示；原始文件见上表。",
            )
        else:
            slice_h_pt = self.height * 0.88
            slice_px = max(1, int(slice_h_pt / scale))
            count = (item.height + slice_px - 1) // slice_px
            for index in range(count):
                top = index * slice_px
                bottom = min(item.height, top + slice_px)
                out.append(
                    EvidenceImage(
                        path,
                        natural_w * scale,
                        (bottom - top) * scale,
                        crop=(0, top, item.width, bottom),
                        placeholder=self.layout_only,
                        styles=s,
                        text_layer=self.bundle.ocr.get(item.id),
                    )
                )
                out.append(
                    P(
                        t(
                            f"Part {index + 1} of {count} (pixel rows {top}–{bottom - 1})",
                            f"第{index + 1}部分，共{count}部分（像素行{top}–{bottom - 1}）",
                        ),
                        s.tiny,
                    )
                )
            note = t(
                f"A tall image of {item.width} × {item.height} pixels, shown at {scale * 100:.0f}% in {count} consecutive parts; the native file is listed above.",
                f"长图，原始尺寸{item.width} × {item.height}像素，按{scale * 100:.0f}%分{count}部分连续显示；原始文件见上表。",
            )
        out.append(P(note, s.small))
        out.append(Spacer(1, 4))
        if view.role.startswith("screenshot") or item.kind == "screenshot":

            def tile(w: float, h: float, crop: tuple[int, int, int, int]) -> Flowable:
                return EvidenceImage(
                    path,
                    w,
                    h,
                    crop=crop,
                    placeholder=self.layout_only,
                    styles=s,
                    text_layer=self.bundle.ocr.get(item.id),
                )

            out += legible_tiles(
                item.width,
                item.height,
                self.width,
                self.height,
                tile,
                lambda text, style: P(text, getattr(s, style)),
                t,
            )
        return out

    def chart(self, ex: Exhibit) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        chart = ex.chart
        assert chart is not None and ex.work is not None
        work_ex = self.bundle.exhibits[chart.work_exhibit - 1]
        out_ex = self.bundle.exhibits[chart.output_exhibit - 1]
        original = next((v for v in work_ex.items if v.item.id == ex.work.item_id), None)
        output = next((v for v in out_ex.items if v.item.id == chart.item_id), None)
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
            colWidths=[self.width],
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
        w = ex.work
        reg = f"{w.registration or '—'}" + (
            f", {w.registration_date}" if w.registration_date else ""
        )
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
        figure_h = min(self.width * 0.55, self.height * 0.5)
        out: list[Flowable] = [
            banner,
            Spacer(1, 6),
            P(chart.title or t("Comparison", "比对"), s.h2),
            ChartFigure(
                original,
                output,
                chart,
                self.objects,
                self.width,
                figure_h,
                captions,
                self.layout_only,
            ),
            Spacer(1, 4),
            P(
                t(
                    f"Original work: “{w.title}”, owner {w.owner or '—'}, registration {reg}.",
                    f"权利作品：《{w.title}》，权利人{w.owner or '—'}，登记号{reg}。",
                ),
                s.small,
            ),
            Spacer(1, 6),
            P(t("Numbered elements", "编号要素"), s.h3),
        ]
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
                    [36, self.width - 136, 100],
                    s,
                )
            )
        else:
            out.append(P(t("No elements were marked.", "未标注要素。"), s.small))
        metrics = chart.metrics if isinstance(chart.metrics, dict) else {}
        out.append(P(t("Measurements", "量化指标"), s.h3))
        score_rows: list[tuple[str, Any]] = []
        if "score" in metrics:
            score_rows.append((t("Overall score", "综合得分"), _text(metrics.get("score"))))
        if metrics.get("band"):
            score_rows.append(
                (
                    t("Tool's classification", "工具分级"),
                    demonstratives.band_text(str(metrics.get("band")), metrics.get("score"), t),
                )
            )
        if score_rows:
            out.append(kv_table(score_rows, s, self.width))
            out.append(Spacer(1, 3))
        mrows = []
        for m in metrics.get("metrics", []) or []:
            if isinstance(m, dict):
                mrows.append(
                    [
                        P(demonstratives.metric_name(str(m.get("name", "")), t), s.cell),
                        P(_text(m.get("value")), s.cell),
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
                    [110, 60, self.width - 170],
                    s,
                )
            )
        out.append(Spacer(1, 4))
        out.append(
            P(
                t(
                    "Scores are computed from the native files by the measures named above; they support, and do not replace, a side-by-side look at the works.",
                    "得分由上述指标根据原始文件计算，仅辅助而非替代对作品的直接比对。",
                ),
                s.small,
            )
        )
        return out

    # appendices ------------------------------------------------------------------------------

    def environment(self) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = self.heading("appendix-environment")
        if not self.bundle.environment:
            out.append(
                P(
                    t(
                        "No environment report is among the exhibits. The export environment follows.",
                        "证据中没有单独的取证环境报告。以下为导出时的运行环境。",
                    ),
                    s.body,
                )
            )
        for label, data in self.bundle.environment:
            out.append(
                P(t(f"Environment report, item {label}", f"取证环境报告（文件{label}）"), s.h2)
            )
            rows = fact_rows(data, t, f"item {label}", limit=10_000)
            out.append(kv_table(rows[:MAX_TABLE_ROWS_INLINE] or [("—", "—")], s, self.width, 170))
            if len(rows) > MAX_TABLE_ROWS_INLINE:
                out.append(
                    P(
                        t(
                            f"{len(rows) - MAX_TABLE_ROWS_INLINE} more entries are in the native file.",
                            f"其余{len(rows) - MAX_TABLE_ROWS_INLINE}项见原始文件。",
                        ),
                        s.small,
                    )
                )
        out.append(P(t("At export", "导出时"), s.h2))
        v = self.bundle.verification
        verdict = (
            (t("intact", "完整") if v.get("intact") else t("NOT INTACT", "不完整"))
            if v
            else t("not run", "未执行")
        )
        rows2: list[tuple[str, Any]] = [
            (t("Tool", "工具"), self.bundle.tool),
            (t("Code SHA-256", "程序代码SHA-256"), P(self.bundle.code_hash, s.mono)),
            (t("Case id", "案件标识"), self.bundle.case_id),
            (
                t("Custody log head", "保管日志最新条目"),
                f"#{self.bundle.head_seq}\n{self.bundle.head_hash}",
            ),
            (t("Case state as of", "案件状态时间"), self.lang.time(self.bundle.doc_date)),
            (
                t("Verification at export", "导出时校验"),
                f"{verdict}: {v.get('events', 0)} events, {v.get('objects_checked', 0)} objects re-hashed"
                if v
                else verdict,
            ),
        ]
        for problem in (v.get("problems") or [])[:50]:
            rows2.append((t("Problem", "问题"), problem.get("message", "")))
        for note in (v.get("notes") or [])[:20]:
            rows2.append((t("Note", "说明"), note))
        out.append(kv_table(rows2, s, self.width, 170))
        return out

    def custody(self) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = self.heading("appendix-custody")
        out.append(
            P(
                t(
                    "Each entry's hash is SHA-256 over canonical_json([seq, at_utc, actor, action, item_id, prev_hash]), "
                    "a newline and the entry's payload; each entry names the hash of the one before. The complete log, "
                    "payloads included, is custody-log.jsonl in the archive.",
                    "每条记录的哈希值 = SHA-256（canonical_json([序号, 时间, 操作人, 操作, 文件编号, 前一哈希]) + 换行 + 记录内容）；"
                    "每条记录包含前一条记录的哈希值。含完整内容的日志见归档包custody-log.jsonl。",
                ),
                s.small,
            )
        )
        out.append(Spacer(1, 4))
        w = self.width
        widths = [24, 70, 54, 64, 30, w - 350, 108]
        header = [
            t("No.", "序号"),
            t("Time (UTC)", "时间（UTC）"),
            t("Actor", "操作人"),
            t("Action", "操作"),
            t("Item no.", "文件编号"),
            t("What changed", "变更内容"),
            t("Entry hash (SHA-256)", "本条记录哈希值（SHA-256）"),
        ]
        rows: list[list[Any]] = []
        fonts = register_fonts()
        changes = ChangeDescriber(t)
        for line in self.bundle.log:
            change = changes.describe(line.action, line.payload)
            actor = line.actor
            actor_cell: Any = (
                actor
                if len(actor) < 24 and all(ord(c) in fonts.sans for c in actor)
                else P(actor, s.tiny)
            )
            action_cell: Any = (
                line.action
                if len(line.action) < 30 and line.action.isascii()
                else P(line.action, s.tiny)
            )
            rows.append(
                [
                    str(line.seq),
                    utc_text(line.at_utc)[:19],
                    actor_cell,
                    action_cell,
                    "" if line.item_id is None else str(line.item_id),
                    P(change, s.tiny) if change else "",
                    f"{line.hash[:32]}\n{line.hash[32:]}",
                ]
            )
        style = TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, 6.3),
                ("FONT", (6, 1), (6, -1), MONO, 5.2),
                ("GRID", (0, 0), (-1, -1), 0.3, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
        # ReportLab copies a table's remaining rows at every page break, so one table of
        # 100,000 entries costs quadratic time; blocks of a few hundred rows do not.
        for start in range(0, max(1, len(rows)), TABLE_BLOCK_ROWS):
            block = rows[start : start + TABLE_BLOCK_ROWS]
            data = [[P(h, s.cell_key) for h in header], *block]
            table = KeepTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
            table.setStyle(style)
            out.append(table)
        return out

    def manifest(self) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = self.heading("appendix-manifest")
        out.append(
            P(
                t(
                    "Every exhibited file with its size and SHA-256 value (computed when it was acquired and recomputed at export). "
                    "The archive's SHA256SUMS checks them with `sha256sum -c SHA256SUMS`.",
                    "每个证据文件的大小及SHA-256值（取得时计算、导出时重新计算）。可在归档包中运行 `sha256sum -c SHA256SUMS` 校验。",
                ),
                s.small,
            )
        )
        out.append(Spacer(1, 4))
        w = self.width
        rows: list[list[Any]] = []
        for view in self.bundle.item_views():
            digest = view.item.sha256 + (f"\nSM3 {view.item.sm3}" if self.lang.zh else "")
            rows.append(
                [
                    view.label,
                    f"{view.item.media_type}\n{view.item.kind}",
                    f"{view.item.size:,}",
                    P(digest, s.mono),
                ]
            )
        header = [
            t("Item", "文件"),
            t("Type", "类型"),
            t("Bytes", "字节"),
            t("SHA-256", "SHA-256" + (" / SM3" if self.lang.zh else "")),
        ]
        for start in range(0, max(1, len(rows)), TABLE_BLOCK_ROWS):
            out.append(
                grid_table(
                    header,
                    rows[start : start + TABLE_BLOCK_ROWS],
                    [34, 96, 56, w - 186],
                    s,
                    cell_style=s.small,
                )
            )
        if self.bundle.withdrawn:
            out.append(
                P(t("Withdrawn items (not exhibited)", "已撤回的文件（未作为证据提交）"), s.h3)
            )
            for entry in self.bundle.withdrawn:
                out.append(
                    P(
                        t(
                            f"Item {entry['item_id']}: {entry['reason']} ({entry['actor']}, {utc_text(entry['at_utc'])})",
                            f"文件{entry['item_id']}：{entry['reason']}（{entry['actor']}，{utc_text(entry['at_utc'])}）",
                        ),
                        s.small,
                    )
                )
        return out

    def blocks(self, blocks: Iterable[declarations.Block], *, cjk: bool = False) -> list[Flowable]:
        """Lay out a declaration or letter; ``cjk`` wraps lines between any two characters,
        except inside a hash, which gets a line of its own (see :func:`hashes_on_own_lines`)."""
        base = self.styles
        s = Styles.cjk(base) if cjk else base
        out: list[Flowable] = []
        for block in blocks:
            if cjk and block.kind in ("para", "numbered"):
                block = declarations.Block(block.kind, hashes_on_own_lines(block.text))
            if block.kind == "title":
                out.append(P(block.text, s.h1))
            elif block.kind == "subtitle":
                out.append(P(block.text, s.small))
                out.append(Spacer(1, 6))
            elif block.kind == "heading":
                out.append(P(block.text, s.h3))
            elif block.kind == "numbered":
                out.append(
                    P(
                        block.text,
                        ParagraphStyle(
                            "num", parent=s.body, leftIndent=14, firstLineIndent=-14, spaceAfter=4
                        ),
                    )
                )
            elif block.kind == "signature":
                rows = [[P(label, s.cell_key), P(value, s.cell)] for label, value in block.fields]
                table = Table(rows, colWidths=[150, self.width - 150], hAlign="LEFT")
                jurat = [out.pop()] if out and isinstance(out[-1], Paragraph) else []
                table.setStyle(
                    TableStyle(
                        [
                            ("FONT", (0, 0), (-1, -1), SANS, 8),
                            ("LINEBELOW", (1, 0), (1, -1), 0.6, INK),
                            ("TOPPADDING", (0, 0), (-1, -1), 10),
                        ]
                    )
                )
                out.append(KeepTogether([*jurat, Spacer(1, 10), table]))
            else:
                out.append(P(block.text, ParagraphStyle("bp", parent=s.body, spaceAfter=4)))
        return out

    # front matter ----------------------------------------------------------------------------

    def front_story(
        self,
        recorder: _Recorder,
        pages: dict[str, tuple[int, int]],
        volumes: Sequence[dict[str, Any]],
    ) -> list[Flowable]:
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
        v = b.verification
        verdict = (
            (t("intact", "完整") if v.get("intact") else t("NOT INTACT", "不完整"))
            if v
            else t("not run", "未执行")
        )
        seal = next((tok for tok in reversed(b.tokens) if tok.purpose == "seal"), None)
        last_page = max((end for _, end in pages.values()), default=1)
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
                    f" (and {sum(e.demonstrative for e in b.exhibits)} demonstratives)",
                    f"{sum(not e.demonstrative for e in b.exhibits)}"
                    f"（另有演示材料{sum(e.demonstrative for e in b.exhibits)}件）",
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
        story.append(kv_table(rows, s, self.width, 130))
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
        story.append(Spacer(1, 10))
        story.append(
            P(
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
        )
        story += [PageBreak(), Marker("index", recorder), P(t("Exhibit index", "证据目录"), s.h1)]
        w = self.width
        rows2: list[list[Any]] = []

        def page_text(key: str) -> str:
            if key not in pages:
                return "—"
            first, last = pages[key]
            text = str(first) if first == last else f"{first}–{last}"
            vol = next((vv["number"] for vv in volumes if vv["first"] <= first <= vv["last"]), 1)
            return text + (t(f" (vol. {vol})", f"（第{vol}册）") if len(volumes) > 1 else "")

        demonstrative_rows: list[list[Any]] = []
        for ex in b.exhibits:
            if self.lang.en and self.lang.zh:
                name = f"{ex.title}\n{ex.title_zh}"
                purpose = f"{ex.purpose}\n{ex.purpose_zh}"
            elif self.lang.zh:
                name, purpose = ex.title_zh, ex.purpose_zh
            else:
                name, purpose = ex.title, ex.purpose
            source = self.source_text(ex)
            row = [str(ex.number), name, source, purpose, page_text(ex.key)]
            if ex.demonstrative:
                row[0] = t(ex.label_en, ex.label_zh)
                demonstrative_rows.append(row)
            else:
                rows2.append(row)
        summary_rows: list[list[Any]] = []
        for section in self.sections:
            if section.key.startswith("appendix-") or section.key == "summary":
                label = (
                    section.label_zh if (self.lang.zh and not self.lang.en) else section.label_en
                )
                if self.lang.en and self.lang.zh:
                    label = f"{section.label_en}\n{section.label_zh}"
                row = ["", label, "", "", page_text(section.key)]
                (summary_rows if section.key == "summary" else rows2).append(row)
        rows2 = summary_rows + rows2
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

    # rendering ------------------------------------------------------------------------------

    def render(self, story: list[Flowable], recorder: _Recorder, path: Path) -> RenderedPart:
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
        _DECODED.clear()
        return RenderedPart(path, list(recorder.pages))

    def render_body(
        self, cancel: CancelToken | None = None, progress: Callable[[int, int], None] | None = None
    ) -> list[RenderedPart]:
        parts = []
        groups = self.body_groups()
        for index, keys in enumerate(groups):
            if cancel is not None:
                cancel.raise_if_cancelled()
            recorder = _Recorder()
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
        recorder = _Recorder()
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


_HASH_RUN = re.compile(r"((?:SHA-256|SHA-512|SM3)\s*[：:]?\s*)?([0-9a-fA-F]{32,})([，。；、）)]?)")


def hashes_on_own_lines(text: str) -> str:
    """CJK wrapping breaks between any two characters, a hash included: give each hash (with
    its algorithm name and the punctuation after it) a line of its own, 64 hex digits a line,
    so that no line break falls inside a digest a reader has to compare."""

    def own_line(m: re.Match[str]) -> str:
        digits = m.group(2)
        chunks = "\n".join(digits[i : i + 64] for i in range(0, len(digits), 64))
        return f"\n{m.group(1) or ''}{chunks}{m.group(3)}\n"

    out = _HASH_RUN.sub(own_line, text)
    return re.sub(r"\n{2,}", "\n", out).strip("\n")


def bates(prefix: str, number: int) -> str:
    return f"{prefix}{number:06d}"


# -- value formatting -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, bool | int):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _c2pa_text(c2pa: Any, lang: Lang) -> str:
    t = lang.t
    if not isinstance(c2pa, dict) or not c2pa:
        return t("none found", "未发现")
    parts = []
    for key, label in (
        ("claim_generator", "claim generator"),
        ("digital_source_type", "digital source type"),
        ("signer", "signer"),
        ("signing_time", "signed"),
        ("validation_state", "validation"),
    ):
        if c2pa.get(key):
            parts.append(f"{label}: {_text(c2pa[key])}")
    actions = c2pa.get("actions") or []
    if actions:
        parts.append(
            "actions: "
            + ", ".join(_text(a.get("action") if isinstance(a, dict) else a) for a in actions[:10])
        )
    ingredients = c2pa.get("ingredients") or []
    if ingredients:
        parts.append(f"ingredients: {len(ingredients)}")
    return "; ".join(parts) or t("present, without readable details", "存在，但无可读信息")


def provenance_findings_text(prov: dict[str, Any]) -> str:
    """Provenance issue #15's data for the report: the C2PA verdict with its reasons, an AI
    origin stated in an ingredient manifest, and generator records that disagree."""
    lines: list[str] = []
    c2pa = prov.get("c2pa") if isinstance(prov.get("c2pa"), dict) else {}
    if c2pa.get("verdict"):
        lines.append(f"C2PA verdict: {_text(c2pa['verdict'])}")
        lines.extend(f"- {_text(r)}" for r in (c2pa.get("verdict_reasons") or [])[:10])
    origin = c2pa.get("ai_origin")
    if isinstance(origin, dict) and origin.get("depth"):
        lines.append(
            f"AI origin in ingredient manifest: {_text(origin.get('digital_source_type'))}"
            f" ({_text(origin.get('generator'))})"
        )
    conflicts = prov.get("conflicts") or []
    if conflicts:
        lines.append(
            f"Prompt shown is from {_text(conflicts[0].get('chosen_source'))}"
            f" (rule: {_text(conflicts[0].get('rule'))}); other records say:"
        )
        lines.extend(
            f"- {_text(c.get('source'))}: {_text(str(c.get('value'))[:500])}"
            for c in conflicts[:10]
        )
    return "\n".join(lines)


def _labels_text(labels: Any, lang: Lang) -> str:
    if not labels:
        return lang.t("none found", "未发现")
    parts = []
    for label in labels[:10]:
        if isinstance(label, dict):
            parts.append(
                f"{label.get('source')}: {facts_text(label.get('value'), lang.t, ARCHIVE_REF)}"
            )
        else:
            parts.append(facts_text(label, lang.t, ARCHIVE_REF))
    return "\n".join(parts)
