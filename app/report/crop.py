"""The first-page crop of a capture exhibit (issue #16): where the prompt and the outputs sit.

A full-page screenshot printed to fit the page is too small to read. When the capture
recorded where the elements were -- the page capture's ``images[].box`` and
``document_layout``, the prompt field's ``box`` in the page-submit report (kept in the
generation's ``as_typed`` facts and the session's ``page_submits``) -- this module computes
the region of the screenshot that holds the prompt field and the output images (their union,
padded, clamped to the screenshot) and cuts it with Pillow, so the exhibit's first page can
show it at a legible scale. Every box is in document CSS pixels; the screenshot's pixels per
CSS pixel come from the real image's width over the CSS width it covers.

Pure functions, no Qt and no ReportLab: :func:`crop_story` builds its flowables through the
callables it is given. Nothing read from the facts is trusted: sizes are checked against the
real image (whose header is read before any decoding; more than 60 MP is refused), boxes
must be four finite numbers with a positive size, and a box outside the screenshot is left
out of the region.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from app.capture.generations import PageReport, page_box
from app.capture.redaction import redact_string

MAX_PIXELS = 60_000_000
"""A screenshot larger than this is not decoded for a crop."""

PAD_CSS = 32
"""Margin around the union of the boxes, in CSS pixels."""

MIN_PT_PER_CSS = 7.0 / 16.0
"""Text the page rendered at 16 CSS px prints at 7 pt or more."""

NATURAL_PT_PER_CSS = 0.75
"""One CSS pixel is 1/96 inch: never print the crop larger than the page showed it."""

Reason = tuple[str, str]

NO_POSITIONS: Reason = (
    "This capture recorded no element positions; no crop is shown.",
    "本次取证未记录页面元素的位置，因此不显示局部截图。",
)
NO_TARGETS: Reason = (
    "This capture recorded no position of a prompt field or an output image; no crop is shown.",
    "本次取证未记录提示词输入框或生成图片的位置，因此不显示局部截图。",
)
OUTSIDE: Reason = (
    "The recorded positions of the prompt field and the outputs lie outside the screenshot;"
    " no crop is shown.",
    "记录的提示词输入框和生成图片的位置不在截图范围内，因此不显示局部截图。",
)
UNREADABLE: Reason = (
    "The screenshot could not be read, or is larger than 60 million pixels; no crop is shown.",
    "截图无法读取或超过6000万像素，因此不显示局部截图。",
)

WHAT: dict[str, tuple[str, str, str, str]] = {
    # kind -> (English one, English many, Chinese one, Chinese measure word + noun)
    "prompt": ("the prompt field", "prompt fields", "提示词输入框", "个提示词输入框"),
    "submit": ("the button that submitted it", "submit buttons", "提交按钮", "个提交按钮"),
    "output": ("one output image", "output images", "1张生成图片", "张生成图片"),
}


@dataclass(frozen=True)
class Box:
    """A recorded element box in document CSS pixels."""

    what: str  # prompt | submit | output
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class CropInputs:
    """What the capture recorded for the crop: the CSS width the screenshot covers and the
    boxes of the prompt field, its submit button and the output images."""

    css_width: float | None
    boxes: tuple[Box, ...]
    any_positions: bool  # the capture recorded at least one element box


@dataclass(frozen=True)
class CropPlan:
    region: tuple[int, int, int, int]  # left, top, right, bottom in screenshot px (exclusive)
    px_per_css: float
    held: tuple[str, ...]  # the kinds of the boxes wholly inside the region, in order
    trimmed: bool  # the union was larger than a page holds at a legible scale

    @property
    def css_size(self) -> tuple[float, float]:
        left, top, right, bottom = self.region
        return (right - left) / self.px_per_css, (bottom - top) / self.px_per_css


@dataclass(frozen=True)
class Crop:
    plan: CropPlan
    screenshot_sha256: str
    screenshot_size: tuple[int, int]
    image: Image.Image | None  # the cut region (None when only planned)

    def caption(self, t: Callable[[str, str], str], label: str = "") -> str:
        """What the crop is: which screenshot, which pixels, which recorded boxes."""
        return t(*self.caption_pair(label))

    def caption_pair(self, label: str = "") -> tuple[str, str]:
        """The caption in English and in Chinese."""
        left, top, right, bottom = self.plan.region
        width, height = self.screenshot_size
        held_en, held_zh = held_words(self.plan.held)
        name = f" {label}" if label else ""
        en = (
            f"Crop of the full-page screenshot{name}: pixels x {left}–{right - 1},"
            f" y {top}–{bottom - 1} of {width} × {height}, holding {held_en}"
            " (positions recorded by the page when it was captured)."
        )
        zh = (
            f"整页截图{label}的局部：像素范围x {left}–{right - 1}、y {top}–{bottom - 1}"
            f"（全图{width}×{height}），包含{held_zh}（位置由取证时的页面记录）。"
        )
        if self.plan.trimmed:
            en += " The region is cut to what one page holds at a legible scale."
            zh += "该区域已裁至一页在可读比例下能容纳的范围。"
        return en, zh


def held_words(kinds: Sequence[str]) -> tuple[str, str]:
    """("the prompt field and 2 output images", "提示词输入框、2张生成图片")."""
    en: list[str] = []
    zh: list[str] = []
    for kind in ("prompt", "submit", "output"):
        count = sum(1 for k in kinds if k == kind)
        if not count:
            continue
        one_en, many_en, one_zh, many_zh = WHAT[kind]
        en.append(one_en if count == 1 else f"{count} {many_en}")
        zh.append(one_zh if count == 1 else f"{count}{many_zh}")
    if not en:
        return "no recorded element", "无记录的元素"
    text_en = en[0] if len(en) == 1 else ", ".join(en[:-1]) + " and " + en[-1]
    return text_en, "、".join(zh)


def _number(value: Any) -> float | None:
    try:
        got = float(value)
    except (TypeError, ValueError):
        return None
    return got if math.isfinite(got) and got > 0 else None


def css_width(capture_facts: Mapping[str, Any], shot_facts: Mapping[str, Any]) -> float | None:
    """The CSS width the full-page screenshot covers: its clip (``captured_size``), else the
    document's recorded width (``document_layout``, then ``page_size``)."""
    for value in (
        (shot_facts.get("captured_size") or [None])[0]
        if isinstance(shot_facts.get("captured_size"), list)
        else None,
        (capture_facts.get("document_layout") or {}).get("width")
        if isinstance(capture_facts.get("document_layout"), dict)
        else None,
        (capture_facts.get("page_size") or [None])[0]
        if isinstance(capture_facts.get("page_size"), list)
        else None,
    ):
        got = _number(value)
        if got is not None:
            return got
    return None


def _to_box(what: str, value: Any) -> Box | None:
    checked = page_box(value)
    return (
        Box(what, *(float(checked[k]) for k in ("x", "y", "width", "height"))) if checked else None
    )


def inputs_from_facts(
    capture_facts: Mapping[str, Any],
    *,
    shot_facts: Mapping[str, Any] | None = None,
    prompt_fields: Sequence[Mapping[str, Any]] = (),
    trigger_box: Any = None,
    output_urls: Iterable[str] = (),
) -> CropInputs:
    """The crop's inputs from a page capture's facts and the page-submit report of the prompt
    that produced the outputs (its ``fields`` and ``trigger_box``). The output images are the
    page images whose URL is one of ``output_urls``."""
    wanted = set(output_urls)
    images = capture_facts.get("images")
    images = images if isinstance(images, list) else []
    boxes: list[Box] = []
    recorded = any(isinstance(i, dict) and i.get("box") for i in images) or any(
        isinstance(f, Mapping) and f.get("box") for f in prompt_fields
    )
    field = PageReport("", "", "", 0.0, [dict(f) for f in prompt_fields]).prompt_field()
    prompt = _to_box("prompt", field.get("box")) if field else None
    if prompt is not None:
        boxes.append(prompt)
    submit = _to_box("submit", trigger_box)
    if submit is not None and prompt is not None:
        boxes.append(submit)
    for image in images:
        if isinstance(image, dict) and str(image.get("url", "")) in wanted:
            box = _to_box("output", image.get("box"))
            if box is not None:
                boxes.append(box)
    return CropInputs(css_width(capture_facts, shot_facts or {}), tuple(boxes), recorded)


def plan_crop(
    shot_size: tuple[int, int],
    inputs: CropInputs,
    *,
    max_css: tuple[float, float] | None = None,
    pad: float = PAD_CSS,
) -> tuple[CropPlan | None, Reason | None]:
    """The region of a screenshot of ``shot_size`` (real pixels) holding the boxes: their
    union padded by ``pad`` CSS px, clamped to the screenshot and, with ``max_css``, cut to
    at most that many CSS px from its top-left. (plan, None) or (None, the reason)."""
    if not inputs.any_positions:
        return None, NO_POSITIONS
    if not inputs.boxes or inputs.css_width is None:
        return None, NO_TARGETS
    shot_w, shot_h = shot_size
    scale = shot_w / inputs.css_width
    if not 0.05 <= scale <= 20:
        return None, NO_TARGETS
    inside = [
        b
        for b in inputs.boxes
        if b.x * scale < shot_w and b.y * scale < shot_h and b.right > 0 and b.bottom > 0
    ]
    if not inside:
        return None, OUTSIDE
    left = max(0, math.floor((min(b.x for b in inside) - pad) * scale))
    top = max(0, math.floor((min(b.y for b in inside) - pad) * scale))
    right = min(shot_w, math.ceil((max(b.right for b in inside) + pad) * scale))
    bottom = min(shot_h, math.ceil((max(b.bottom for b in inside) + pad) * scale))
    trimmed = False
    if max_css is not None:
        limit_w, limit_h = (max(1, int(v * scale)) for v in max_css)
        if right - left > limit_w or bottom - top > limit_h:
            trimmed = True
            right, bottom = min(right, left + limit_w), min(bottom, top + limit_h)
    held = tuple(
        b.what
        for b in inputs.boxes
        if b.x * scale >= left - 0.5
        and b.y * scale >= top - 0.5
        and b.right * scale <= right + 0.5
        and b.bottom * scale <= bottom + 0.5
    )
    return CropPlan((left, top, right, bottom), scale, held, trimmed), None


def crop_screenshot(
    path: Path,
    sha256: str,
    inputs: CropInputs,
    *,
    max_css: tuple[float, float] | None = None,
    cut: bool = True,
) -> tuple[Crop | None, Reason | None]:
    """Plan the crop against the real screenshot (its header read first; more than
    ``MAX_PIXELS`` refused) and, with ``cut``, cut it with Pillow."""
    try:
        with Image.open(path) as im:
            size = im.size
            if size[0] <= 0 or size[1] <= 0 or size[0] * size[1] > MAX_PIXELS:
                return None, UNREADABLE
            plan, reason = plan_crop(size, inputs, max_css=max_css)
            if plan is None:
                return None, reason
            image = im.crop(plan.region).copy() if cut else None
    except (OSError, ValueError, Image.DecompressionBombError):
        return None, UNREADABLE
    return Crop(plan, sha256, size, image), None


# -- from the bundle model ---------------------------------------------------------------------


def _prompt_report(
    ex: Any, bundle: Any, facts: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], Any, set[str]]:
    """The page-submit report of the prompt that produced the outputs on this page: its fields,
    its submitter's box and the URLs of that generation's outputs. The generations bound so
    far (``generation_ids_so_far``) are tried, the one whose outputs the page shows first;
    without one, the session's last page submit whose prompt field has a box."""
    images = facts.get("images") if isinstance(facts.get("images"), list) else []
    on_page = {redact_string(str(i.get("url", ""))) for i in images if isinstance(i, dict)}
    gens = {g.id: g for e in bundle.exhibits for g in e.generations}
    ids = facts.get("generation_ids_so_far") or []
    chosen = [gens[i] for i in ids if isinstance(i, int) and i in gens] or list(ex.generations)
    sources = {v.item.id: v.item.source for v in bundle.item_views()}
    best: tuple[list[dict[str, Any]], Any, set[str]] | None = None
    for gen in sorted(chosen, key=lambda g: str(g.submitted_at or "")):
        typed = gen.facts.get("as_typed") if isinstance(gen.facts, dict) else None
        if not isinstance(typed, dict) or not isinstance(typed.get("fields"), list):
            continue
        urls = {sources[o] for o in gen.outputs if o in sources}
        if best is None or urls & on_page:
            best = (typed["fields"], typed.get("trigger_box"), urls & on_page)
    if best is not None:
        return best
    for e in bundle.exhibits:
        cap = e.capture
        if cap is None or cap.kind != "session" or not facts.get("session_id"):
            continue
        if cap.facts.get("session_id") != facts.get("session_id"):
            continue
        for submit in reversed(cap.facts.get("page_submits") or []):
            fields = submit.get("fields") if isinstance(submit, dict) else None
            field = PageReport("", "", "", 0.0, list(fields or [])).prompt_field()
            if field and field.get("box"):
                return list(fields or []), submit.get("target_box"), set()
    return [], None, set()


def exhibit_inputs(ex: Any, bundle: Any) -> tuple[Any, CropInputs] | None:
    """A page-capture exhibit's full-page screenshot (its item view) and the crop's inputs;
    None when the exhibit holds no full-page screenshot."""
    cap = ex.capture
    shot = next((v for v in ex.items if v.role == "screenshot-full" and v.is_image), None)
    if cap is None or shot is None:
        return None
    facts = cap.facts if isinstance(cap.facts, dict) else {}
    fields, trigger, urls = _prompt_report(ex, bundle, facts)
    images = facts.get("images") if isinstance(facts.get("images"), list) else []
    wanted = [
        str(i.get("url", ""))
        for i in images
        if isinstance(i, dict) and redact_string(str(i.get("url", ""))) in urls
    ]
    shot_facts = shot.item.source_facts if isinstance(shot.item.source_facts, dict) else {}
    inputs = inputs_from_facts(
        facts, shot_facts=shot_facts, prompt_fields=fields, trigger_box=trigger, output_urls=wanted
    )
    return shot, inputs


def crop_story(
    ex: Any,
    bundle: Any,
    objects: Callable[[str], Path],
    frame_w: float,
    frame_h: float,
    make_image: Callable[[Path, float, float, tuple[int, int, int, int]], Any],
    caption: Callable[[str, str], Any],
    t: Callable[[str, str], str],
) -> list[Any]:
    """The flowables that open a page-capture exhibit: the crop at a legible scale (16 CSS px
    print at 7 pt or more, never above the page's own size) and its caption -- or the caption
    saying why there is none. Nothing for an exhibit without a full-page screenshot."""
    found = exhibit_inputs(ex, bundle)
    if found is None:
        return []
    shot, inputs = found
    path = objects(shot.item.sha256)
    limit = (frame_w / MIN_PT_PER_CSS, frame_h / MIN_PT_PER_CSS)
    crop, reason = crop_screenshot(path, shot.item.sha256, inputs, max_css=limit, cut=False)
    if crop is None:
        return [caption(t(*(reason or NO_POSITIONS)), "small")]
    css_w, css_h = crop.plan.css_size
    pt = min(NATURAL_PT_PER_CSS, frame_w / css_w, frame_h / css_h)
    en, zh = crop.caption_pair(shot.label)
    return [
        make_image(path, css_w * pt, css_h * pt, crop.plan.region),
        caption(
            t(
                f"{en} Shown so that text the page rendered at 16 px prints at {16 * pt:.1f} pt.",
                f"{zh}网页中16像素的文字打印为{16 * pt:.1f}磅。",
            ),
            "small",
        ),
        caption(f"SHA-256: {crop.screenshot_sha256}", "mono"),
    ]
