"""``load_image``'s steps, each called on its own with real image files made by Pillow:
opening, the size check before decoding, decoding upright, conversion to RGB, the working
size and the greyscale test."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from app.compare import loading
from app.compare.loading import MIN_SIDE, MIN_WORK_SIDE, CannotCompare


def _encoded(img: Image.Image, fmt: str = "PNG", **kwargs: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def _gradient(width: int, height: int) -> Image.Image:
    """A colour image whose left and top edges are distinguishable."""
    x = np.linspace(0, 255, width, dtype=np.uint8)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.uint8)[:, None].repeat(width, 1)
    return Image.fromarray(np.dstack([x, y, np.full_like(x, 40)]), "RGB")


# -- _open ---------------------------------------------------------------------------------


def test_open_reads_the_header_and_refuses_what_is_not_an_image() -> None:
    img = loading._open(_encoded(_gradient(80, 60)))
    assert img.size == (80, 60) and img.format == "PNG"
    with pytest.raises(CannotCompare) as caught:
        loading._open(b"<html>not an image</html>")
    assert caught.value.code == "unreadable"


# -- _check_declared_size ------------------------------------------------------------------


def test_declared_size_is_refused_before_decoding_when_too_large_or_too_small() -> None:
    loading._check_declared_size(100, 100, 10_000)  # exactly at the limit passes
    with pytest.raises(CannotCompare) as big:
        loading._check_declared_size(101, 100, 10_000)
    assert big.value.code == "too_large" and "101 × 100" in big.value.reason
    loading._check_declared_size(MIN_SIDE, 500, 10**9)
    with pytest.raises(CannotCompare) as small:
        loading._check_declared_size(MIN_SIDE - 1, 500, 10**9)
    assert small.value.code == "too_small"


# -- _decode_upright -----------------------------------------------------------------------


def test_decode_upright_turns_an_exif_rotated_jpeg_and_reports_its_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: display rotated 90° clockwise
    data = _encoded(_gradient(120, 80), "JPEG", exif=exif.tobytes(), quality=95)
    img, orientation = loading._decode_upright(Image.open(io.BytesIO(data)), 512)
    assert orientation == 6 and img.size == (80, 120)
    plain, none = loading._decode_upright(Image.open(io.BytesIO(_encoded(_gradient(120, 80)))), 512)
    assert none == 1 and plain.size == (120, 80)


def test_decode_upright_decodes_a_big_jpeg_at_draft_size() -> None:
    data = _encoded(_gradient(2400, 1600), "JPEG", quality=85)
    img, _ = loading._decode_upright(Image.open(io.BytesIO(data)), 256)
    assert max(img.size) < 2400 and max(img.size) >= 256  # reduced by the decoder, not after


def test_decode_upright_refuses_truncated_data() -> None:
    data = _encoded(_gradient(300, 200), "JPEG")
    with pytest.raises(CannotCompare) as caught:
        loading._decode_upright(Image.open(io.BytesIO(data[: len(data) // 3])), 512)
    assert caught.value.code == "unreadable"


# -- _to_rgb -------------------------------------------------------------------------------


def test_to_rgb_flattens_transparency_onto_white_and_says_how_much() -> None:
    rgba = Image.new("RGBA", (64, 64), (255, 0, 0, 255))
    rgba.paste((0, 0, 255, 0), (0, 0, 32, 64))  # the left half fully transparent
    notes: list[str] = []
    rgb, grey = loading._to_rgb(rgba, notes)
    assert rgb.mode == "RGB" and not grey
    assert rgb.getpixel((0, 0)) == (255, 255, 255) and rgb.getpixel((63, 0)) == (255, 0, 0)
    assert notes == [
        "The image is transparent in 50% of its area; it was flattened onto white before comparing."
    ]


def test_to_rgb_stretches_sixteen_bits_and_notes_cmyk() -> None:
    values = np.array([[1000, 2000], [3000, 5000]], dtype=np.uint16).repeat(20, 0).repeat(20, 1)
    notes: list[str] = []
    rgb, grey = loading._to_rgb(Image.fromarray(values), notes)
    pixels = np.asarray(rgb)
    assert grey and pixels.min() == 0 and pixels.max() == 255  # the used range is stretched
    assert "high bit depth" in notes[0]
    cmyk_notes: list[str] = []
    converted, cmyk_grey = loading._to_rgb(Image.new("CMYK", (40, 40), (0, 255, 0, 0)), cmyk_notes)
    assert converted.mode == "RGB" and not cmyk_grey
    assert cmyk_notes == ["The image is in CMYK (print) colours; it was converted to RGB."]


def test_to_rgb_leaves_an_opaque_rgb_image_without_notes() -> None:
    notes: list[str] = []
    rgb, grey = loading._to_rgb(_gradient(50, 40), notes)
    assert notes == [] and not grey and rgb.size == (50, 40)


# -- _to_work_size and _looks_greyscale ----------------------------------------------------


def test_work_size_reduces_big_enlarges_small_and_refuses_slivers() -> None:
    big = loading._to_work_size(np.zeros((1000, 2000, 3), np.uint8), (2000, 1000), 512)
    assert big.shape == (256, 512, 3)
    small = loading._to_work_size(np.zeros((60, 100, 3), np.uint8), (100, 60), 512)
    assert max(small.shape[:2]) == MIN_WORK_SIDE and small.shape[:2] == (154, 256)
    kept = loading._to_work_size(np.zeros((300, 400, 3), np.uint8), (400, 300), 512)
    assert kept.shape == (300, 400, 3)
    with pytest.raises(CannotCompare) as caught:
        loading._to_work_size(np.zeros((40, 4000, 3), np.uint8), (4000, 40), 512)
    assert caught.value.code == "too_small" and "4000 × 40" in caught.value.reason


def test_looks_greyscale_tells_grey_pixels_from_colour() -> None:
    grey = np.asarray(_gradient(100, 80).convert("L").convert("RGB"))
    assert loading._looks_greyscale(grey)
    assert not loading._looks_greyscale(np.asarray(_gradient(100, 80)))
