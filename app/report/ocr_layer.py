"""The invisible text layer on screenshot exhibits: OCR lines drawn in text render mode 3.

The image is drawn exactly as before; over it, each recognised line is placed at its box in
text that is not painted (PDF text render mode 3), so ``pdftotext``, a reader's search and an
e-filing system's text check find the screenshot's words. The layer comes from the case's
newest OCR record as of the bundle's custody-log head, and the exhibit facts say it is
machine-recognised (see :func:`fact_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase import pdfmetrics

from app.core import ocr
from app.core.case import Case
from app.report.fonts import SANS, font_for_plain, plain


@dataclass(frozen=True)
class TextLayer:
    lines: tuple[ocr.OcrLine, ...]
    engine: str
    engine_version: str
    result_id: int
    seq: int


def load(case: Case, head_seq: int, item_ids: list[int] | None = None) -> dict[int, TextLayer]:
    """Each item's OCR lines as of ``head_seq`` (the bundle's snapshot of the log)."""
    return {
        item_id: TextLayer(tuple(rec.lines), rec.engine, rec.engine_version, rec.id, rec.seq)
        for item_id, rec in ocr.latest(case, item_ids, up_to_seq=head_seq).items()
        if rec.lines
    }


def draw_text_layer(
    canv: Any,
    layer: TextLayer,
    draw_width: float,
    draw_height: float,
    crop: tuple[int, int, int, int],
) -> int:
    """Draw the lines that fall inside ``crop`` (image pixels) over an image drawn at
    ``draw_width`` × ``draw_height``; returns how many lines were placed."""
    left_px, top_px, right_px, bottom_px = crop
    scale = draw_width / max(1, right_px - left_px)
    placed = 0
    canv.saveState()
    for line in layer.lines:
        x, y, w, h = line.box
        centre = y + h / 2
        if not (top_px <= centre < bottom_px) or w <= 0 or h <= 0:
            continue
        text = plain(line.text, limit=2000)
        if not text.strip():
            continue
        size = max(1.0, h * scale * 0.9)
        runs = font_for_plain(text, SANS)
        natural = sum(pdfmetrics.stringWidth(p, f, size) for f, p in runs) or 1.0
        obj = canv.beginText()
        obj.setTextRenderMode(3)  # neither filled nor stroked: invisible, still text
        obj.setTextOrigin((x - left_px) * scale, draw_height - (y - top_px + h * 0.85) * scale)
        obj.setHorizScale(100.0 * (w * scale) / natural)
        for font, piece in runs:
            obj.setFont(font, size)
            obj.textOut(piece)
        canv.drawText(obj)
        placed += 1
    canv.restoreState()
    return placed


def fact_text(layer: TextLayer, zh: bool) -> str:
    """The exhibit fact row saying the text layer is machine-recognised, not evidence."""
    if zh:
        return (
            f"本图像附有不可见的文字层，为机器识别（OCR，{layer.engine} {layer.engine_version}，"
            f"识别记录{layer.result_id}，日志#{layer.seq}）的文字，仅便于检索，可能有误；"
            "证据为图像本身，图像未作任何改动。"
        )
    return (
        f"An invisible text layer of machine-recognised text (OCR, {layer.engine} "
        f"{layer.engine_version}, result {layer.result_id}, log #{layer.seq}) lies over the "
        "image for searching only and may contain errors; the evidence is the image, which "
        "is shown unchanged."
    )
