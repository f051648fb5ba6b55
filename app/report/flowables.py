"""Legible screenshots (issue #16).

A full-page screenshot fitted to the page width prints its text too small to read (a 1440-px
wide page at letter width is 35 %: 16 px text prints at 5.6 pt). After the fitted overview, the
screenshot is repeated at a legible scale, split into tiles over as many pages as it needs,
each tile marked "continued" with the pixel columns and rows it shows; neighbouring tiles
overlap so no line of text is cut without also being shown whole, and the tiles of a row or
column are of even size so none is left a narrow strip alone on a page.

Also the other flowables of the filing PDF (issue #17 split them out of the renderer): the
facts and grid tables, the section marker and page recorder, :class:`EvidenceImage` and
:class:`ChartFigure`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from app.report.fonts import SANS, SANS_BOLD, draw_runs, plain, runs_width
from app.report.images import PassthroughImage, draw_passthrough, probe
from app.report.model import ChartView, ItemView
from app.report.pdf_styles import CALLOUT, CALLOUT_B, INK, RULE, SHADE, P, Styles

LEGIBLE_PT = 7.0
"""The smallest print size for text the page rendered at 16 px."""
LEGIBLE_SCALE = LEGIBLE_PT / 16.0  # points per pixel
OVERLAP_PX = 48


def balanced_spans(total: int, step: int, overlap: int = 0) -> list[tuple[int, int]]:
    """Pixel ranges (start, end) covering ``total`` in as few spans of at most ``step`` as
    needed, neighbours sharing ``overlap`` pixels, all of about the same size.

    Filling each span to ``step`` would leave the remainder as a last span of any size, down
    to a strip of a few pixels alone on a page (issue #16); spreading the same number of spans
    evenly makes every one longer than half a ``step``.
    """
    step = max(1, step)
    if total <= step:
        return [(0, total)]
    overlap = min(overlap, step - 1) if step > 1 else 0
    count = -(-(total - overlap) // (step - overlap))
    size = -(-(total + (count - 1) * overlap) // count)
    spans = []
    for index in range(count):
        start = index * (size - overlap)
        spans.append((start, total if index == count - 1 else min(total, start + size)))
    return spans


def legible_tiles(
    width_px: int,
    height_px: int,
    frame_w: float,
    frame_h: float,
    make_image: Callable[[float, float, tuple[int, int, int, int]], Flowable],
    caption: Callable[[str, str], Any],
    t: Callable[[str, str], str],
) -> list[Flowable]:
    """Tiles of the screenshot at ``LEGIBLE_SCALE`` (never above natural size), or nothing
    when the fitted view is already legible."""
    fitted = min(1.0, frame_w / width_px)
    if fitted >= LEGIBLE_SCALE:
        return []
    scale = min(1.0, LEGIBLE_SCALE)
    cols = balanced_spans(width_px, int(frame_w / scale), OVERLAP_PX)
    rows = balanced_spans(height_px, int(frame_h * 0.82 / scale), OVERLAP_PX)
    count = len(cols) * len(rows)
    out: list[Flowable] = [
        caption(
            t(
                f"The same screenshot at a legible scale ({scale * 100:.0f}%: text shown at 16 px "
                f"prints at {16 * scale:.1f} pt), in {count} overlapping parts, row by row.",
                f"同一截图按可读比例（{scale * 100:.0f}%，网页中16像素的文字打印为{16 * scale:.1f}磅）"
                f"分{count}部分逐行显示，相邻部分有重叠。",
            ),
            "small",
        )
    ]
    index = 0
    for top, bottom in rows:
        for left, right in cols:
            index += 1
            label = t(
                f"Continued — part {index} of {count}: pixel columns {left}–{right - 1}, "
                f"rows {top}–{bottom - 1}",
                f"续——第{index}部分，共{count}部分：像素列{left}–{right - 1}，行{top}–{bottom - 1}",
            )
            image = make_image(
                (right - left) * scale, (bottom - top) * scale, (left, top, right, bottom)
            )
            out.append(KeepTogether([caption(label, "tiny"), image, Spacer(1, 4)]))
    return out


FRESH_PAGE_MIN = 300.0
"""Below this much room left on a page a table may not start with a lone row: it moves on."""


class KeepTable(Table):
    """A table that never leaves a page with only its header, a lone row or a sliver of a
    row at the bottom, nor carries a lone last row (and its border) onto a page of its own
    (issue #16, no orphan pages). The rules apply only where the page has less than
    :data:`FRESH_PAGE_MIN` points left, so a table at the top of a page always proceeds."""

    _retrying = False

    def _head_rows(self) -> int:
        rr = self.repeatRows
        return rr if isinstance(rr, int) else len(rr)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        first, rest = parts
        head = self._head_rows()
        body_first = len(first._cellvalues) - head
        if availHeight < FRESH_PAGE_MIN and body_first < 2:
            return []  # the whole table starts on the next page
        body_rest = len(rest._cellvalues) - head
        if body_rest < 2 and body_first >= 3 and not self._retrying:
            first.wrap(availWidth, availHeight)
            self._retrying = True
            try:
                return self.split(availWidth, availHeight - first._rowHeights[-1] - 1)
            finally:
                self._retrying = False
        return parts


# -- tables ------------------------------------------------------------------------------------


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


# -- sections and images -----------------------------------------------------------------------


class Marker(Flowable):
    """Zero-size flowable that tells the page recorder which section starts here."""

    def __init__(self, key: str, recorder: PageRecorder) -> None:
        super().__init__()
        self.key = key
        self.recorder = recorder

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.recorder.current = self.key


class PageRecorder:
    """Notes, at the end of every page, the section the page belongs to."""

    def __init__(self) -> None:
        self.current = ""
        self.pages: list[str] = []

    def page_end(self, canvas: Any, doc: Any) -> None:
        self.pages.append(self.current)


# A picture is decoded whole to be drawn: 120 MP is a full-page screenshot 1,280 px wide and
# over 90,000 px tall (about 480 MB as RGBA). Beyond it the header is read and the picture is
# not decoded, so a planted decompression bomb costs a header read, not the machine's memory.
MAX_DRAW_PIXELS = 120_000_000


class ImageTooLarge(ValueError):
    """The picture's header declares more pixels than a bundle page will decode."""


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
                    if img.width * img.height > MAX_DRAW_PIXELS:
                        raise ImageTooLarge(f"{img.width} × {img.height} px")
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


def clear_decoded() -> None:
    """Drop the decoded screenshot kept for its slices (after each rendered document)."""
    _DECODED.clear()


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
        t: Callable[[str, str], str] | None = None,
    ) -> None:
        super().__init__()
        self.t = t or (lambda en, zh: en)  # the bundle's languages, for the could-not-draw note
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
        size: tuple[int, int] | None = None  # the whole picture's pixels, once it is drawn
        try:
            if self.crop is None and self.passthrough is not None:
                draw_passthrough(
                    canv, self.passthrough, self.key, 0, 0, self.img_width, self.img_height
                )
                size = (self.passthrough.width, self.passthrough.height)
            else:
                image = whole = _DECODED.get(self.path)
                if self.crop is not None:
                    image = image.crop(self.crop)
                canv.drawImage(
                    ImageReader(image), 0, 0, self.img_width, self.img_height, mask="auto"
                )
                size = whole.size
        except Exception as exc:  # a hostile or damaged image must not stop the bundle
            canv.rect(0, 0, self.img_width, self.img_height)
            why = str(exc) if isinstance(exc, ImageTooLarge) else type(exc).__name__
            message = self.t(
                f"This image could not be drawn ({why}); see the native file.",
                f"此图像无法绘制（{why}），请查看原始文件。",
            )
            y = self.img_height - 14
            for line in caption_lines(message, self.img_width - 12, SANS, 8):
                if y < 4:
                    break
                draw_runs(canv, 6, y, line, SANS, 8)
                y -= 10
        canv.rect(0, 0, self.img_width, self.img_height)
        if self.text_layer is not None and size is not None:  # none over pixels not drawn
            self._draw_text_layer(size)

    def _draw_text_layer(self, size: tuple[int, int]) -> None:
        """The OCR lines over the drawn pixels; ``size`` is the whole picture's, in pixels."""
        from app.report.ocr_layer import draw_text_layer

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
