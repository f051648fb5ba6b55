"""Legible screenshots (issue #16).

A full-page screenshot fitted to the page width prints its text too small to read (a 1440-px
wide page at letter width is 35 %: 16 px text prints at 5.6 pt). After the fitted overview, the
screenshot is repeated at a legible scale, split into tiles over as many pages as it needs,
each tile marked "continued" with the pixel columns and rows it shows; neighbouring tiles
overlap so no line of text is cut without also being shown whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

LEGIBLE_PT = 7.0
"""The smallest print size for text the page rendered at 16 px."""
LEGIBLE_SCALE = LEGIBLE_PT / 16.0  # points per pixel
OVERLAP_PX = 48


def _spans(total: int, step: int, overlap: int) -> list[tuple[int, int]]:
    if total <= step:
        return [(0, total)]
    spans = []
    start = 0
    while True:
        end = min(total, start + step)
        spans.append((start, end))
        if end >= total:
            return spans
        start = end - overlap


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
    cols = _spans(width_px, int(frame_w / scale), OVERLAP_PX)
    rows = _spans(height_px, int(frame_h * 0.82 / scale), OVERLAP_PX)
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
