"""A1111 "stealth pnginfo": generation parameters hidden in the pixels' low bits.

The sd-webui-stealth-pnginfo extension writes, column by column (x outer, y inner), either
one bit per pixel into the least significant bit of alpha — signature ``stealth_pnginfo``
(plain) or ``stealth_pngcomp`` (gzip) — or, in its RGB mode, three bits per pixel into the
least significant bits of R, G and B in that order — ``stealth_rgbinfo`` / ``stealth_rgbcomp``.
After the 15-byte signature come a 32-bit big-endian length in bits, then the data. As in
the extension, the alpha signature is tested first. Pixels have to be decoded for this,
which the rest of the extractor never does, so it is done in two bounded steps: only the
first rows are inflated to test the signature (120 bits sit in the first column: 120 rows of
alpha or 40 rows of RGB), and the whole image is decoded only when a signature is there.
Only 8-bit, non-interlaced RGBA/LA (alpha) or RGBA/RGB (RGB mode) PNGs can carry it.
"""

from __future__ import annotations

import gzip
import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from .limits import MAX_PARSE_BYTES

_ALPHA_SIGNATURES = {b"stealth_pnginfo": False, b"stealth_pngcomp": True}
_RGB_SIGNATURES = {b"stealth_rgbinfo": False, b"stealth_rgbcomp": True}
_SIGNATURES = _ALPHA_SIGNATURES  # kept for callers of the alpha-only name
_SIG_BITS = 15 * 8
_LEN_BITS = 32
_RGB_SIG_ROWS = _SIG_BITS // 3  # three bits (R, G, B) per pixel
_CHANNELS = {6: 4, 4: 2, 2: 3}  # colour type -> bytes per pixel at bit depth 8
_HAS_ALPHA = {6: True, 4: True, 2: False}
_HAS_RGB = {6: True, 4: False, 2: True}
_LSB = bytes(b"01"[i & 1] for i in range(256))
_MAX_IDAT_SCAN = 64 * 1024 * 1024

# Where the hidden text was found, as named in ``provenance.sources``.
CHANNEL_ALPHA = "alpha"
CHANNEL_RGB = "rgb"


def _header(path: Path) -> tuple[int, int, int, int, int] | None:
    with open(path, "rb") as stream:
        head = stream.read(33)
    if len(head) < 33 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", head[16:29])
    return width, height, depth, colour, interlace


def _column_zero(
    path: Path, width: int, rows: int, channels: int, alive: Callable[[list[bytes]], bool]
) -> list[bytes]:
    """Pixel x=0 of the first ``rows`` rows, read without decoding whole rows.

    In every PNG filter the first pixel of a row depends only on its filtered bytes and the
    pixel above (there is no left neighbour), so column 0 can be unfiltered alone. The
    IDAT stream is inflated only as far as needed, and the walk stops as soon as ``alive``
    says no signature can still match (after 3 rows of an RGB image or 8 of an RGBA one
    for nearly every file).
    """
    stride = 1 + width * channels
    inflater = zlib.decompressobj()
    buffer = bytearray()
    pixels: list[bytes] = []
    previous = bytes(channels)
    scanned = 0
    with open(path, "rb") as stream:
        stream.seek(8)
        while len(pixels) < rows and scanned < _MAX_IDAT_SCAN:
            head = stream.read(8)
            if len(head) < 8:
                break
            length, kind = struct.unpack(">I", head[:4])[0], head[4:]
            if kind == b"IEND":
                break
            if kind != b"IDAT":
                stream.seek(length + 4, io.SEEK_CUR)
                continue
            pending = stream.read(length)
            stream.seek(4, io.SEEK_CUR)
            scanned += length
            while pending or inflater.unconsumed_tail:
                data = inflater.unconsumed_tail + pending
                pending = b""
                # One row at a time: most files are ruled out after 3 rows (RGB) or 8 (alpha).
                buffer += inflater.decompress(data, max(stride - len(buffer), 1))
                while len(buffer) >= stride and len(pixels) < rows:
                    previous = _unfilter_first_pixel(buffer[0], buffer[1 : 1 + channels], previous)
                    pixels.append(previous)
                    del buffer[:stride]
                    if not alive(pixels):
                        return pixels
                if len(pixels) >= rows:
                    break
    return pixels


def _unfilter_first_pixel(kind: int, raw: bytes | bytearray, above: bytes) -> bytes:
    if kind in (2, 4):  # Up, Paeth (with no left neighbour Paeth predicts "above")
        return bytes((r + a) & 0xFF for r, a in zip(raw, above, strict=True))
    if kind == 3:  # Average of left (0) and above
        return bytes((r + a // 2) & 0xFF for r, a in zip(raw, above, strict=True))
    return bytes(raw)  # None, Sub (left is 0)


def _prefix_ok(stream: bytes, signatures: dict[bytes, bool]) -> bool:
    got = _bits_to_bytes(stream[: len(stream) - len(stream) % 8])
    return any(sig.startswith(got) for sig in signatures)


def _alpha_stream(pixels: list[bytes]) -> bytes:
    return bytes(pixel[-1] for pixel in pixels)


def _rgb_stream(pixels: list[bytes]) -> bytes:
    return b"".join(pixel[:3] for pixel in pixels)


def _column_major(image: Image.Image, band: str) -> bytes:
    return image.getchannel(band).transpose(Image.Transpose.TRANSPOSE).tobytes()


def _image_streams(image: Image.Image, alpha: bool, rgb: bool) -> tuple[bytes, bytes]:
    """The alpha LSB carrier and the interleaved R, G, B carrier, both column by column."""
    alpha_bytes = _column_major(image, "A") if alpha else b""
    rgb_bytes = b""
    if rgb:
        r, g, b = (_column_major(image, band) for band in "RGB")
        out = bytearray(len(r) * 3)
        out[0::3], out[1::3], out[2::3] = r, g, b
        rgb_bytes = bytes(out)
    return alpha_bytes, rgb_bytes


def _bits_to_bytes(carrier: bytes) -> bytes:
    bits = carrier.translate(_LSB)
    if not bits:
        return b""
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def read_stealth_pnginfo(path: Path) -> tuple[str | None, str | None]:
    """Return (hidden text or None, problem sentence or None). Never raises."""
    text, problem, _ = read_stealth(path)
    return text, problem


def read_stealth(path: Path) -> tuple[str | None, str | None, str | None]:
    """Return (hidden text or None, problem sentence or None, carrier channel or None:
    ``"alpha"`` for ``stealth_png*`` or ``"rgb"`` for ``stealth_rgb*``). Never raises."""
    try:
        return _read(path)
    except (OSError, ValueError, zlib.error, EOFError, struct.error, Image.DecompressionBombError):
        return None, None, None


def _read(path: Path) -> tuple[str | None, str | None, str | None]:
    header = _header(path)
    if header is None:
        return None, None, None
    width, height, depth, colour, interlace = header
    channels = _CHANNELS.get(colour)
    if channels is None or depth != 8 or interlace or not width or not height:
        return None, None, None
    if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
        return None, None, None
    has_alpha, has_rgb = _HAS_ALPHA[colour], _HAS_RGB[colour]
    rows = _SIG_BITS if has_alpha else _RGB_SIG_ROWS
    if height >= rows:  # the whole signature sits in column 0

        def alive(pixels: list[bytes]) -> bool:
            return (has_alpha and _prefix_ok(_alpha_stream(pixels), _ALPHA_SIGNATURES)) or (
                has_rgb and _prefix_ok(_rgb_stream(pixels), _RGB_SIGNATURES)
            )

        column = _column_zero(path, width, rows, channels, alive)
        alpha_head = _alpha_stream(column)[:_SIG_BITS] if has_alpha else b""
        rgb_head = _rgb_stream(column)[:_SIG_BITS] if has_rgb else b""
    else:  # a short image: the signature wraps into the next columns; decode it (small)
        with Image.open(path) as image:
            image.load()
            alpha_head, rgb_head = (
                s[:_SIG_BITS] for s in _image_streams(image, has_alpha, has_rgb)
            )
    mode: str | None = None
    if len(alpha_head) == _SIG_BITS and _bits_to_bytes(alpha_head) in _ALPHA_SIGNATURES:
        mode, compressed = CHANNEL_ALPHA, _ALPHA_SIGNATURES[_bits_to_bytes(alpha_head)]
    elif len(rgb_head) == _SIG_BITS and _bits_to_bytes(rgb_head) in _RGB_SIGNATURES:
        mode, compressed = CHANNEL_RGB, _RGB_SIGNATURES[_bits_to_bytes(rgb_head)]
    if mode is None:
        return None, None, None
    with Image.open(path) as image:
        image.load()
        alpha, rgb = _image_streams(image, mode == CHANNEL_ALPHA, mode == CHANNEL_RGB)
    carrier = alpha if mode == CHANNEL_ALPHA else rgb
    where = "alpha channel" if mode == CHANNEL_ALPHA else "RGB channels"
    length_bits = int(carrier[_SIG_BITS : _SIG_BITS + _LEN_BITS].translate(_LSB) or b"0", 2)
    start = _SIG_BITS + _LEN_BITS
    if length_bits % 8 or length_bits > MAX_PARSE_BYTES * 8 or start + length_bits > len(carrier):
        return (
            None,
            f"Stealth pnginfo signature found in the {where}, but its length is invalid.",
            mode,
        )
    data = _bits_to_bytes(carrier[start : start + length_bits])
    if compressed:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
            data = unzipped.read(MAX_PARSE_BYTES + 1)
        if len(data) > MAX_PARSE_BYTES:
            return (
                None,
                "Stealth pnginfo data inflates beyond the size limit; it was not read.",
                mode,
            )
    return data.decode("utf-8", "replace"), None, mode
