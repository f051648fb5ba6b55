"""Decode an image for comparison safely, or say plainly why it cannot be compared.

Evidence files come from untrusted websites, so decoding is defensive: the pixel count is read
from the header and checked *before* any pixels are decoded (a decompression bomb is refused,
never expanded); JPEGs are decoded directly at a reduced scale; everything else is reduced to
a small working size straight after decoding. Unusual inputs are normalised and each
normalisation is recorded as a note a person can read, because a comparison made on the first
frame of an animation, or on a flattened transparent image, must say so.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import ProofshotError

MAX_PIXELS = 150_000_000
"""The largest image (width × height, from the header) we agree to decode: ~12,000 × 12,000.
Larger files are refused without decoding; Pillow's own bomb limit is higher (~179 MP)."""

MIN_SIDE = 32
"""Below 32 pixels on a side a perceptual hash and local features are meaningless."""

WORK_SIDE = 512
"""Longest side of the working image on which local features are found."""

MIN_WORK_SIDE = 256
"""Smaller images are enlarged to this before analysis: it adds no detail, but lets the
corner detector and the descriptors (19-pixel patches) work at their usual scale; it turned
failed alignments of ~120-pixel thumbnails into matches in the calibration's hard tier."""


class CannotCompare(ProofshotError):
    """An image that cannot be compared, with a sentence saying why.

    ``code`` is stable and machine-readable (``unreadable``, ``too_large``, ``too_small``,
    ``featureless``, ``incompatible``); ``reason`` is the sentence to show a person.
    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class LoadedImage:
    """A decoded, normalised RGB working image and what was done to get it."""

    rgb: np.ndarray
    """uint8 array (height, width, 3), longest side at most ``WORK_SIDE``."""
    original_size: tuple[int, int]
    """(width, height) of the image as stored, before any reduction."""
    is_greyscale: bool
    notes: list[str] = field(default_factory=list)

    @property
    def scale(self) -> float:
        """Original pixels per working pixel, to report coordinates in the stored image."""
        return self.original_size[0] / self.rgb.shape[1]


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise CannotCompare(
            "too_large", f"The image is too large to analyse safely ({exc})."
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CannotCompare(
            "unreadable",
            "The file is not an image that can be decoded (unknown or damaged format).",
        ) from exc


def _to_rgb(img: Image.Image, notes: list[str]) -> tuple[Image.Image, bool]:
    """Convert any Pillow mode to RGB, noting what was changed; return (image, greyscale)."""
    mode = img.mode
    greyscale = mode in ("1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F")
    if mode in ("I", "F") or mode.startswith("I;16"):
        # High bit depth: stretch the used range onto 8 bits rather than clipping it.
        values = np.asarray(img, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        span = high - low if high > low else 1.0
        img = Image.fromarray(((values - low) / span * 255.0).round().astype(np.uint8), "L")
        notes.append(f"The image has a high bit depth ({mode}); it was reduced to 8 bits.")
    if mode == "CMYK":
        notes.append("The image is in CMYK (print) colours; it was converted to RGB.")
    has_alpha = img.mode in ("RGBA", "LA", "La", "RGBa", "PA") or "transparency" in img.info
    if has_alpha:
        rgba = img.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"))
        if alpha.min() < 255:
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            img = Image.alpha_composite(background, rgba)
            share = float((alpha < 255).mean())
            notes.append(
                f"The image is transparent in {share:.0%} of its area; "
                "it was flattened onto white before comparing."
            )
        else:
            img = rgba
    if img.mode == "P" and not has_alpha:
        greyscale = False
    return img.convert("RGB"), greyscale


def _looks_greyscale(rgb: np.ndarray) -> bool:
    """True when an RGB image carries no real colour (every channel nearly equal)."""
    small = cv2.resize(rgb, (48, 48), interpolation=cv2.INTER_AREA).astype(np.int16)
    spread = small.max(axis=2) - small.min(axis=2)
    return float(np.percentile(spread, 99)) < 12


def load_image(
    source: bytes | str | Path, *, max_pixels: int = MAX_PIXELS, work_side: int = WORK_SIDE
) -> LoadedImage:
    """Decode ``source`` (bytes or a path) into a normalised working image.

    Raises :class:`CannotCompare` for a file that is not an image, is damaged, declares more
    than ``max_pixels`` pixels (checked before decoding) or is smaller than ``MIN_SIDE``.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    notes: list[str] = []
    img = _open(data)
    width, height = img.size
    _check_declared_size(width, height, max_pixels)
    frames = int(getattr(img, "n_frames", 1) or 1)
    if frames > 1:
        img.seek(0)
        notes.append(f"The image is animated ({frames} frames); only the first frame was compared.")
    img, orientation = _decode_upright(img, work_side)
    oriented = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    if orientation != 1:
        notes.append("The image was turned upright as its EXIF orientation asks.")
    if max(img.size) > 2 * work_side:
        # Cheap box reduction first so a big PNG never gets converted at full size.
        factor = max(1, max(img.size) // (2 * work_side))
        if factor > 1:
            try:
                img = img.reduce(factor)
            except (ValueError, NotImplementedError):
                img = img.convert("RGBA").reduce(factor)  # keeps any transparency
    img, greyscale = _to_rgb(img, notes)
    rgb = _to_work_size(np.asarray(img, dtype=np.uint8), (width, height), work_side)
    if max(oriented) > work_side * 4:
        notes.append(
            f"The image ({oriented[0]} × {oriented[1]}) was reduced for analysis; "
            "coordinates are reported in the stored image's pixels."
        )
    if not greyscale and _looks_greyscale(rgb):
        greyscale = True
    if greyscale:
        notes.append("The image is greyscale, so colour metrics are not meaningful for it.")
    return LoadedImage(np.ascontiguousarray(rgb), oriented, greyscale, notes)


def _check_declared_size(width: int, height: int, max_pixels: int) -> None:
    """Refuse, before decoding, an image declaring too many pixels or too small a side."""
    if width * height > max_pixels:
        raise CannotCompare(
            "too_large",
            f"The image declares {width} × {height} pixels ({width * height / 1e6:.0f} MP), more "
            f"than the {max_pixels / 1e6:.0f} MP that can be analysed safely; it was not decoded.",
        )
    if min(width, height) < MIN_SIDE:
        raise CannotCompare(
            "too_small",
            f"The image is only {width} × {height} pixels; at least {MIN_SIDE} × {MIN_SIDE} are "
            "needed for a meaningful comparison.",
        )


def _decode_upright(img: Image.Image, work_side: int) -> tuple[Image.Image, int]:
    """Decode the pixels (a big JPEG at draft size) and apply the EXIF orientation.

    Returns the image and the EXIF orientation it carried (1 when none or unreadable).
    """
    width, height = img.size
    try:
        orientation = int(img.getexif().get(0x0112, 1) or 1)
    except (OSError, ValueError, SyntaxError):
        orientation = 1
    try:
        if img.format in ("JPEG", "MPO") and max(width, height) > 2 * work_side:
            img.draft(img.mode, (work_side, work_side))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img.load()
            if orientation != 1:
                img = ImageOps.exif_transpose(img) or img
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise CannotCompare(
            "unreadable", "The image data is truncated or damaged and cannot be decoded."
        ) from exc
    return img, orientation


def _to_work_size(rgb: np.ndarray, declared: tuple[int, int], work_side: int) -> np.ndarray:
    """Scale an RGB array so its long side is ``work_side`` (or up to ``MIN_WORK_SIDE``);
    refuse one whose short side would be under half ``MIN_SIDE`` once scaled."""
    h, w = rgb.shape[:2]
    if min(w, h) * min(1.0, work_side / max(w, h)) < MIN_SIDE / 2:
        width, height = declared
        raise CannotCompare(
            "too_small",
            f"The image is {width} × {height} pixels: too long and narrow to analyse (its short "
            f"side would be under {MIN_SIDE // 2} pixels once the long side fits {work_side}).",
        )
    if max(w, h) > work_side:
        ratio = work_side / max(w, h)
        size = (max(1, round(w * ratio)), max(1, round(h * ratio)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    elif max(w, h) < MIN_WORK_SIDE:
        ratio = MIN_WORK_SIDE / max(w, h)
        size = (max(1, round(w * ratio)), max(1, round(h * ratio)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC)
    return rgb
