"""Deterministic synthetic artworks and the transformations an AI output applies to them.

The similarity engine is calibrated and tested on images that this module draws from a seed,
so the calibration set is documented by code, reproducible bit for bit, and needs no data
download. Each "original" is a small illustrated scene: a smooth background, a cartoon-like
character (head, eyes, crest, body, limbs), scattered shapes and a few textured patches.
Different seeds differ in every placement, colour and texture, so two originals are genuinely
different works; the transforms (crop, scale, rotate, mirror, recolour, JPEG, overlaid text,
partial redraw) keep the drawn content, so a transformed copy is genuinely the same work.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SUPERSAMPLE = 2
"""Shapes are drawn at twice the size and reduced, which anti-aliases their edges."""


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(0, 256, size=3))  # type: ignore[return-value]


def _smooth_field(rng: np.random.Generator, width: int, height: int, cells: int) -> np.ndarray:
    """A random RGB field of ``cells``×``cells`` colours, bicubically smoothed to full size."""
    grid = rng.integers(0, 256, size=(cells, cells, 3), dtype=np.uint8)
    field = Image.fromarray(grid, "RGB").resize((width, height), Image.Resampling.BICUBIC)
    return np.asarray(field)


def _polygon(
    rng: np.random.Generator, cx: float, cy: float, radius: float, sides: int
) -> list[tuple[float, float]]:
    start = rng.uniform(0, 2 * math.pi)
    points = []
    for i in range(sides):
        angle = start + 2 * math.pi * i / sides + rng.uniform(-0.3, 0.3)
        r = radius * rng.uniform(0.55, 1.0)
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def _texture_patch(rng: np.random.Generator, size: int) -> Image.Image:
    """A patch of mid-frequency colour noise: unique to the seed, robust to resampling."""
    cells = int(rng.integers(5, 10))
    field = _smooth_field(rng, size, size, cells).astype(np.int16)
    if rng.random() < 0.5:
        # Stripes at a random angle and period, modulated by the noise.
        yy, xx = np.mgrid[0:size, 0:size]
        angle = rng.uniform(0, math.pi)
        period = rng.uniform(size / 10, size / 4)
        stripes = np.sin((xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / period)
        field = field + (stripes[..., None] * 60).astype(np.int16)
    return Image.fromarray(np.clip(field, 0, 255).astype(np.uint8), "RGB")


def _draw_character(draw: ImageDraw.ImageDraw, rng: np.random.Generator, w: int, h: int) -> None:
    """A cartoon figure: the kind of distinctive character a rights holder registers."""
    cx = w * rng.uniform(0.35, 0.65)
    cy = h * rng.uniform(0.4, 0.6)
    scale = min(w, h) * rng.uniform(0.28, 0.4)
    body = _colour(rng)
    accent = _colour(rng)
    outline = tuple(int(v) for v in rng.integers(0, 80, size=3))
    # Body and limbs.
    bw, bh = scale * rng.uniform(0.45, 0.7), scale * rng.uniform(0.7, 1.0)
    body_box = (cx - bw / 2, cy, cx + bw / 2, cy + bh)
    draw.ellipse(body_box, fill=body, outline=outline, width=SUPERSAMPLE * 3)
    for side in (-1, 1):
        sx = cx + side * bw / 2
        ex = sx + side * scale * rng.uniform(0.3, 0.6)
        ey = cy + bh * rng.uniform(-0.2, 0.6)
        draw.line([(sx, cy + bh * 0.3), (ex, ey)], fill=accent, width=int(scale * 0.12))
        draw.ellipse(
            (ex - scale * 0.1, ey - scale * 0.1, ex + scale * 0.1, ey + scale * 0.1), fill=body
        )
    # Chest emblem.
    emblem = _polygon(rng, cx, cy + bh * 0.4, scale * 0.15, int(rng.integers(3, 7)))
    draw.polygon(emblem, fill=accent, outline=outline)
    # Head with a crest, eyes and a mouth.
    hr = scale * rng.uniform(0.3, 0.42)
    hy = cy - hr * 0.8
    draw.ellipse(
        (cx - hr, hy - hr, cx + hr, hy + hr), fill=body, outline=outline, width=SUPERSAMPLE * 3
    )
    crest = [
        (cx - hr * 0.3, hy - hr * 0.7),
        (cx, hy - hr * rng.uniform(1.4, 2.0)),
        (cx + hr * 0.3, hy - hr * 0.7),
    ]
    draw.polygon(crest, fill=accent, outline=outline)
    eye_dx, eye_y = hr * rng.uniform(0.3, 0.5), hy - hr * rng.uniform(0.0, 0.25)
    eye_w, eye_h = hr * rng.uniform(0.18, 0.3), hr * rng.uniform(0.2, 0.4)
    eye_colour = _colour(rng)
    for side in (-1, 1):
        ex = cx + side * eye_dx
        draw.ellipse(
            (ex - eye_w, eye_y - eye_h, ex + eye_w, eye_y + eye_h),
            fill=eye_colour,
            outline=outline,
            width=SUPERSAMPLE * 2,
        )
        draw.ellipse(
            (ex - eye_w * 0.4, eye_y - eye_h * 0.3, ex + eye_w * 0.2, eye_y + eye_h * 0.3),
            fill=(10, 10, 10),
        )
    mouth_y = hy + hr * rng.uniform(0.35, 0.6)
    draw.arc(
        (cx - hr * 0.4, mouth_y - hr * 0.2, cx + hr * 0.4, mouth_y + hr * 0.2),
        10,
        170,
        fill=outline,
        width=SUPERSAMPLE * 3,
    )


def make_original(seed: int, width: int = 320, height: int | None = None) -> Image.Image:
    """Draw the synthetic artwork number ``seed``; the same arguments give the same pixels."""
    height = width if height is None else height
    rng = np.random.default_rng([seed, 0x5EED])
    w, h = width * SUPERSAMPLE, height * SUPERSAMPLE
    background = _smooth_field(rng, w, h, int(rng.integers(3, 6)))
    canvas = Image.fromarray(background, "RGB")
    draw = ImageDraw.Draw(canvas)
    # Textured patches, each in a random polygon.
    for _ in range(int(rng.integers(2, 4))):
        size = int(min(w, h) * rng.uniform(0.2, 0.35))
        x, y = int(rng.uniform(0, w - size)), int(rng.uniform(0, h - size))
        mask = Image.new("L", (size, size), 0)
        ImageDraw.Draw(mask).polygon(
            _polygon(rng, size / 2, size / 2, size / 2, int(rng.integers(4, 8))), fill=255
        )
        canvas.paste(_texture_patch(rng, size), (x, y), mask)
    # Scattered shapes.
    for _ in range(int(rng.integers(6, 12))):
        kind = rng.integers(0, 3)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = min(w, h) * rng.uniform(0.03, 0.1)
        outline = _colour(rng) if rng.random() < 0.6 else None
        if kind == 0:
            draw.polygon(
                _polygon(rng, cx, cy, r, int(rng.integers(3, 8))),
                fill=_colour(rng),
                outline=outline,
            )
        elif kind == 1:
            rx, ry = r, r * rng.uniform(0.4, 1.0)
            draw.ellipse(
                (cx - rx, cy - ry, cx + rx, cy + ry),
                fill=_colour(rng),
                outline=outline,
                width=SUPERSAMPLE * 2,
            )
        else:
            points = [(cx, cy)] + [
                (cx + rng.uniform(-3, 3) * r, cy + rng.uniform(-3, 3) * r)
                for _ in range(int(rng.integers(2, 5)))
            ]
            draw.line(points, fill=_colour(rng), width=int(rng.integers(2, 6)) * SUPERSAMPLE)
    _draw_character(draw, rng, w, h)
    return canvas.resize((width, height), Image.Resampling.LANCZOS)


# --- transforms -------------------------------------------------------------------------------

Transform = Callable[[Image.Image, np.random.Generator], Image.Image]


def crop(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Keep 65–90 % of each side at a random position (an output framing part of the work)."""
    w, h = image.size
    kw, kh = rng.uniform(0.65, 0.9), rng.uniform(0.65, 0.9)
    cw, ch = int(w * kw), int(h * kh)
    x, y = int(rng.uniform(0, w - cw)), int(rng.uniform(0, h - ch))
    return image.crop((x, y, x + cw, y + ch))


def scale(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Resize by 0.5–1.8×, as a generator's output size rarely matches the original's."""
    factor = rng.choice([rng.uniform(0.5, 0.8), rng.uniform(1.2, 1.8)])
    w, h = image.size
    return image.resize(
        (max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.BICUBIC
    )


def rotate(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Rotate by 4–12° either way and crop away the empty corners."""
    angle = rng.uniform(4, 12) * rng.choice([-1, 1])
    w, h = image.size
    rotated = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False)
    margin = math.sin(math.radians(abs(angle))) * max(w, h) / 2
    return rotated.crop((int(margin), int(margin), int(w - margin), int(h - margin)))


def mirror(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Mirror left–right, slightly rescaled."""
    factor = rng.uniform(0.85, 1.15)
    flipped = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    w, h = image.size
    return flipped.resize((round(w * factor), round(h * factor)), Image.Resampling.BICUBIC)


def recolour(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Rotate every hue by 60–180° and change saturation, as a "same character in blue" output."""
    hsv = np.asarray(image.convert("HSV")).astype(np.int16)
    shift = int(rng.uniform(60, 180) / 360 * 256)
    hsv[..., 0] = (hsv[..., 0] + shift) % 256
    hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(0.7, 1.3), 0, 255)
    return Image.fromarray(hsv.astype(np.uint8), "HSV").convert("RGB")


def jpeg(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Re-compress as a low-quality JPEG (quality 15–40), as sharing platforms do."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=int(rng.integers(15, 41)))
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def overlay_text(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Overlay a caption and a watermark, as outputs shared online often carry."""
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    words = ["GENERATED", "AI ART", "sample", "© someone", "prompt 42", "HD 4K"]
    for _ in range(2):
        text = str(rng.choice(words))
        size = int(h * rng.uniform(0.07, 0.12))
        x, y = rng.uniform(0, w * 0.5), rng.uniform(0, h * 0.85)
        draw.text(
            (x, y), text, fill=_colour(rng), font=_font(size), stroke_width=2, stroke_fill=(0, 0, 0)
        )
    return out


def partial_redraw(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Replace a quarter to a third of the picture with other drawn content."""
    out = image.convert("RGB").copy()
    w, h = out.size
    fraction = rng.uniform(0.25, 0.35)
    rw, rh = int(w * math.sqrt(fraction)), int(h * math.sqrt(fraction))
    x, y = int(rng.uniform(0, w - rw)), int(rng.uniform(0, h - rh))
    other = make_original(int(rng.integers(10**6, 10**7)), rw, rh)
    out.paste(other, (x, y))
    return out


def heavy_crop(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Keep only 40–55 % of each side: a detail of the work, enlarged back to full size."""
    w, h = image.size
    cw, ch = int(w * rng.uniform(0.4, 0.55)), int(h * rng.uniform(0.4, 0.55))
    x, y = int(rng.uniform(0, w - cw)), int(rng.uniform(0, h - ch))
    return image.crop((x, y, x + cw, y + ch)).resize((w, h), Image.Resampling.BICUBIC)


def half_redraw(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Replace about half of the picture with other drawn content."""
    out = image.convert("RGB").copy()
    w, h = out.size
    side = rng.integers(0, 4)
    share = rng.uniform(0.45, 0.55)
    box = [
        (0, 0, int(w * share), h),
        (w - int(w * share), 0, w, h),
        (0, 0, w, int(h * share)),
        (0, h - int(h * share), w, h),
    ][side]
    other = make_original(int(rng.integers(10**6, 10**7)), box[2] - box[0], box[3] - box[1])
    out.paste(other, box[:2])
    return out


def everything(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Mirrored, rotated, recoloured, shrunk and re-compressed at once."""
    out = rotate(mirror(image, rng), rng)
    out = recolour(out, rng)
    w, h = out.size
    factor = rng.uniform(0.5, 0.7)
    out = out.resize((round(w * factor), round(h * factor)), Image.Resampling.BICUBIC)
    return jpeg(out, rng)


def crop_jpeg_text(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Several changes at once: cropped, captioned and re-compressed."""
    return jpeg(overlay_text(crop(image, rng), rng), rng)


TRANSFORMS: dict[str, Transform] = {
    "crop": crop,
    "scale": scale,
    "rotate": rotate,
    "mirror": mirror,
    "recolour": recolour,
    "jpeg": jpeg,
    "text": overlay_text,
    "partial_redraw": partial_redraw,
    "crop_jpeg_text": crop_jpeg_text,
}
"""Every transform the calibration and the tests apply, by name."""

HARD_TRANSFORMS: dict[str, Transform] = {
    "heavy_crop": heavy_crop,
    "half_redraw": half_redraw,
    "everything": everything,
}
"""Harsher edits, beyond what the engine promises: measured and reported (a stress tier),
so the limits are known, but not held to the same recall."""


@dataclass(frozen=True)
class SyntheticQuery:
    """One query image and what it truly is: a copy of ``source`` or an unrelated image."""

    query_id: str
    image: Image.Image
    source: str | None
    transform: str


def transformed(original: Image.Image, name: str, seed: int) -> Image.Image:
    """Apply the transform ``name`` with its own deterministic randomness."""
    rng = np.random.default_rng([seed, sum(name.encode())])
    return {**TRANSFORMS, **HARD_TRANSFORMS}[name](original, rng)


def to_png_bytes(image: Image.Image) -> bytes:
    """Encode losslessly, as the bytes a capture or an import would store."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
