"""Unusable or unusual images: a clear 'cannot compare' reason, or a noted normalisation."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.compare import CannotCompare, compare, compute_features
from app.compare.loading import MAX_PIXELS


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` but whose data is a few bytes:
    the shape of a decompression bomb, safe to keep in a test."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_tiny_image_cannot_be_compared_and_says_its_size(encode) -> None:
    data = encode(Image.new("RGB", (16, 12), (200, 10, 10)))
    with pytest.raises(CannotCompare) as caught:
        compute_features(data)
    assert caught.value.code == "too_small"
    assert "16 × 12" in caught.value.reason


def test_extremely_narrow_image_is_too_small_to_analyse(encode) -> None:
    strip = np.random.default_rng(0).integers(0, 256, (40, 5000, 3), dtype=np.uint8)
    with pytest.raises(CannotCompare) as caught:
        compute_features(encode(Image.fromarray(strip, "RGB")))
    assert caught.value.code == "too_small"
    assert "long and narrow" in caught.value.reason


def test_bomb_above_our_pixel_limit_is_refused_before_decoding() -> None:
    side = 13_000  # 169 MP: above our 150 MP limit, below Pillow's own 179 MP error
    assert side * side > MAX_PIXELS
    started = time.perf_counter()
    with pytest.raises(CannotCompare) as caught:
        compute_features(_png_header_only(side, side))
    assert caught.value.code == "too_large"
    assert "was not decoded" in caught.value.reason
    assert time.perf_counter() - started < 1.0  # nothing was expanded


def test_bomb_above_pillows_limit_is_refused_as_too_large() -> None:
    with pytest.raises(CannotCompare) as caught:
        compute_features(_png_header_only(60_000, 60_000))
    assert caught.value.code == "too_large"


def test_pixel_limit_is_a_parameter(encode) -> None:
    data = encode(Image.new("RGB", (400, 400), (1, 2, 3)))
    with pytest.raises(CannotCompare) as caught:
        compute_features(data, max_pixels=100_000)
    assert caught.value.code == "too_large"


def test_huge_jpeg_is_reduced_while_decoding_and_coordinates_stay_in_stored_pixels(
    original: Image.Image, original_features, encode
) -> None:
    big = original.resize((4800, 4800), Image.Resampling.BICUBIC)
    features = compute_features(encode(big, "JPEG", quality=90))
    assert features.original_size == (4800, 4800)
    assert max(features.work_size) <= 512
    assert any("reduced for analysis" in note for note in features.notes)
    result = compare(original_features, features)
    assert result.band == "high"
    assert result.alignment is not None
    assert result.alignment.scale == pytest.approx(4800 / 256, rel=0.05)
    # The candidate's points are reported in the 4800-pixel image.
    assert result.alignment.points_candidate.max() > 1000


def test_large_png_is_reduced_after_decoding(
    original: Image.Image, original_features, encode
) -> None:
    big = original.resize((3000, 3000), Image.Resampling.NEAREST)
    features = compute_features(encode(big, "PNG", compress_level=1))
    assert features.original_size == (3000, 3000)
    assert compare(original_features, features).band == "high"


def test_animated_image_uses_the_first_frame_and_says_so(
    original: Image.Image, original_features, encode
) -> None:
    frames = [original, Image.new("RGB", original.size, (0, 0, 255)), original.rotate(90)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    features = compute_features(data)
    assert any("animated (3 frames)" in note for note in features.notes)
    result = compare(original_features, features)
    assert result.band == "high"
    assert any("animated" in note for note in result.notes)


def test_transparent_image_is_flattened_onto_white_and_noted(original: Image.Image, encode) -> None:
    rgba = original.convert("RGBA")
    alpha = np.full(original.size[::-1], 255, np.uint8)
    alpha[:, : original.width // 4] = 0
    rgba.putalpha(Image.fromarray(alpha, "L"))
    features = compute_features(encode(rgba, "PNG"))
    assert any("transparent in 25%" in note and "white" in note for note in features.notes)
    flattened = Image.new("RGB", original.size, "white")
    flattened.paste(original, (0, 0), Image.fromarray(alpha, "L"))
    reference = compute_features(encode(flattened, "PNG"))
    assert compare(reference, features).band == "high"


def test_greyscale_image_matches_and_skips_the_colour_metric(
    original: Image.Image, original_features, encode
) -> None:
    features = compute_features(encode(original.convert("L"), "PNG"))
    assert features.is_greyscale
    assert any("greyscale" in note for note in features.notes)
    result = compare(original_features, features)
    assert result.band == "high"
    palette = result.metric("palette")
    assert palette.value is None
    assert "greyscale" in palette.sentence


def test_cmyk_jpeg_is_converted_and_noted(original: Image.Image, original_features, encode) -> None:
    features = compute_features(encode(original.convert("CMYK"), "JPEG", quality=92))
    assert any("CMYK" in note for note in features.notes)
    assert compare(original_features, features).band == "high"


def test_sixteen_bit_greyscale_is_reduced_to_eight_bits(original: Image.Image, encode) -> None:
    grey = np.asarray(original.convert("L"), dtype=np.uint16) * 257
    features = compute_features(encode(Image.fromarray(grey), "PNG"))
    assert any("high bit depth" in note for note in features.notes)
    assert features.is_greyscale


def test_exif_rotated_photo_is_turned_upright(
    original: Image.Image, original_features, encode
) -> None:
    wide = original.crop((0, 40, 256, 200))  # 256 × 160
    stored = wide.transpose(Image.Transpose.ROTATE_90)  # what a camera stores: 160 × 256
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    features = compute_features(encode(stored, "JPEG", quality=95, exif=exif))
    assert features.original_size == (256, 160)
    assert any("upright" in note for note in features.notes)
    result = compare(original_features, features)
    assert result.band == "high"
    assert result.alignment is not None
    assert abs(result.alignment.rotation_deg) < 3


def test_flat_colour_cannot_be_compared_rather_than_scored(encode) -> None:
    with pytest.raises(CannotCompare) as caught:
        compute_features(encode(Image.new("RGB", (300, 200), (40, 120, 200))))
    assert caught.value.code == "featureless"
    assert "flat colour" in caught.value.reason


def test_flat_colour_with_jpeg_noise_is_still_featureless(encode) -> None:
    data = encode(Image.new("RGB", (300, 300), (180, 30, 90)), "JPEG", quality=20)
    with pytest.raises(CannotCompare) as caught:
        compute_features(data)
    assert caught.value.code == "featureless"


def test_plain_gradient_has_too_few_points_to_compare(encode) -> None:
    ramp = np.tile(np.linspace(0, 255, 300, dtype=np.uint8), (200, 1))
    with pytest.raises(CannotCompare) as caught:
        compute_features(encode(Image.fromarray(ramp, "L").convert("RGB")))
    assert caught.value.code == "featureless"


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (b"", "empty"),
        (b"this is not an image at all", "text"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "broken header"),
    ],
)
def test_non_images_are_unreadable(data: bytes, label: str) -> None:
    with pytest.raises(CannotCompare) as caught:
        compute_features(data)
    assert caught.value.code == "unreadable", label


def test_truncated_image_is_unreadable(original: Image.Image, encode) -> None:
    data = encode(original, "PNG")
    with pytest.raises(CannotCompare) as caught:
        compute_features(data[: len(data) // 2])
    assert caught.value.code == "unreadable"
    assert "truncated or damaged" in caught.value.reason


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(CannotCompare) as caught:
        compute_features(tmp_path / "nowhere.png")
    assert caught.value.code == "unreadable"


def test_cannot_compare_is_a_proofshot_error_with_a_sentence() -> None:
    from app.core.errors import ProofshotError

    error = CannotCompare("too_small", "The image is too small.")
    assert isinstance(error, ProofshotError)
    assert str(error) == "The image is too small."
