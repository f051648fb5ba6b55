"""Pixels for the compare view, computed in worker threads with Pillow, NumPy and OpenCV.

No Qt here: workers hand plain arrays back and the GUI thread wraps them in ``QImage``
(see :mod:`app.gui.tasks`). Everything is derived from the stored bytes for display only —
nothing here is written anywhere, and the evidence is never touched.

* :func:`load_display` decodes an item defensively (pixel count checked from the header
  before decoding, JPEG drafted, EXIF orientation applied like the engine does, so the
  engine's coordinates in stored pixels land on the same spot).
* :func:`make_blend` puts the output into the original's frame with the engine's
  homography, for the overlay, swipe and difference views; without an alignment the output
  is only scaled into the frame, and says so.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from app.compare.loading import MAX_PIXELS

MAX_DISPLAY_SIDE = 1600
"""Longest side of a displayed image: enough for a zoomed look on a laptop screen, small
enough to warp and difference in a few milliseconds."""

DIFFERENCE_GAIN = 2.5
"""Differences are amplified so a faint change is visible; 255 / 2.5 ≈ 100 grey levels
apart already shows at full brightness."""


class DisplayError(Exception):
    """An image that cannot be shown, with a sentence saying why."""


@dataclass(frozen=True)
class DisplayImage:
    """Decoded RGBA pixels for the screen, and the size of the stored image they show."""

    rgba: np.ndarray
    """uint8 (height, width, 4)."""
    stored_size: tuple[int, int]
    """(width, height) of the stored image, upright (after EXIF orientation)."""

    @property
    def size(self) -> tuple[int, int]:
        return int(self.rgba.shape[1]), int(self.rgba.shape[0])

    @property
    def px_per_stored(self) -> float:
        """Display pixels per stored pixel (the engine reports stored pixels)."""
        return self.size[0] / max(1, self.stored_size[0])


def load_display(path: Path, max_side: int = MAX_DISPLAY_SIDE) -> DisplayImage:
    """Decode ``path`` for display, at most ``max_side`` on its longest side."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise DisplayError(
                        f"The image declares {width} × {height} pixels; it is too large to show "
                        "safely and was not decoded."
                    )
                try:
                    orientation = int(img.getexif().get(0x0112, 1) or 1)
                except Exception:
                    orientation = 1
                img.draft("RGB", (max_side * 2, max_side * 2))
                img.seek(0)
                img.load()
                upright = ImageOps.exif_transpose(img) or img
                upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                rgba = np.asarray(upright.convert("RGBA"), dtype=np.uint8).copy()
    except DisplayError:
        raise
    except FileNotFoundError as exc:
        raise DisplayError("The stored file is missing from the case.") from exc
    except Exception as exc:  # hostile or damaged files can raise anything in a plugin
        raise DisplayError(f"The image cannot be decoded ({type(exc).__name__}).") from exc
    stored = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    return DisplayImage(rgba, stored)


@dataclass(frozen=True)
class Blend:
    """The output in the original's display frame, and their difference."""

    warped: np.ndarray
    """uint8 RGBA (h, w, 4) in the original's display pixels; transparent outside the output."""
    difference: np.ndarray
    """uint8 RGBA: dark where the pixels agree, bright where they differ, hatched outside."""
    aligned: bool
    """True when placed by the engine's alignment; False when only scaled into the frame."""
    outline: np.ndarray
    """(4, 2) the output's corners in the original's display pixels."""
    mean_difference: float
    """Mean absolute difference (0–255) over the overlapping pixels; NaN without overlap."""


def _display_homography(
    original: DisplayImage, output: DisplayImage, homography: np.ndarray | None
) -> tuple[np.ndarray, bool]:
    if homography is not None:
        so, sc = original.px_per_stored, output.px_per_stored
        h = (
            np.diag([so, so, 1.0])
            @ np.asarray(homography, np.float64)
            @ np.diag([1 / sc, 1 / sc, 1.0])
        )
        return h / h[2, 2], True
    (ow, oh), (cw, ch) = original.size, output.size
    k = min(ow / cw, oh / ch)
    tx, ty = (ow - cw * k) / 2, (oh - ch * k) / 2
    return np.array([[k, 0, tx], [0, k, ty], [0, 0, 1.0]]), False


def _on_white(rgba: np.ndarray) -> np.ndarray:
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0
    return rgba[..., :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)


def make_blend(
    original: DisplayImage, output: DisplayImage, homography: list[list[float]] | None
) -> Blend:
    """Warp the output onto the original with ``homography`` (output stored pixels ->
    original stored pixels, as the engine reports it) and compute the difference image."""
    matrix = None if homography is None else np.asarray(homography, np.float64)
    h, aligned = _display_homography(original, output, matrix)
    width, height = original.size
    warped = cv2.warpPerspective(
        output.rgba,
        h,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0, 0),
    )
    cw, ch = output.size
    corners = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32).reshape(-1, 1, 2)
    outline = cv2.perspectiveTransform(corners, h).reshape(-1, 2)
    valid = warped[..., 3] > 0
    diff = np.abs(_on_white(original.rgba) - _on_white(warped)).mean(axis=2)
    heat = np.clip(diff * DIFFERENCE_GAIN, 0, 255).astype(np.uint8)
    coloured = cv2.cvtColor(cv2.applyColorMap(heat, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB)
    yy, xx = np.mgrid[0:height, 0:width]
    hatch = np.where(((xx + yy) // 6) % 2 == 0, 200, 178).astype(np.uint8)
    outside = np.repeat(hatch[..., None], 3, axis=2)
    rgb = np.where(valid[..., None], coloured, outside)
    difference = np.dstack([rgb, np.full((height, width), 255, np.uint8)])
    mean = float(diff[valid].mean()) if valid.any() else float("nan")
    return Blend(np.ascontiguousarray(warped), difference, aligned, outline, mean)
