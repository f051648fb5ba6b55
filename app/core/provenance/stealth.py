"""A1111 "stealth pnginfo": generation parameters hidden in the alpha channel's low bits.

The sd-webui-stealth-pnginfo extension writes, column by column (x outer, y inner), one bit
per pixel into the least significant bit of alpha: the 15-byte signature
``stealth_pnginfo`` (plain) or ``stealth_pngcomp`` (gzip), a 32-bit big-endian length in
bits, then the data. Pixels have to be decoded for this, which the rest of the extractor
never does, so it is done in two bounded steps: only the first rows are inflated to test
the signature (120 bits sit in the first column), and the whole image is decoded only when
the signature is there. Only 8-bit, non-interlaced RGBA/LA PNGs can carry it.
"""

from __future__ import annotations

import gzip
import io
import struct
import zlib
from pathlib import Path

from PIL import Image

from .limits import MAX_PARSE_BYTES

_SIGNATURES = {b"stealth_pnginfo": False, b"stealth_pngcomp": True}
_SIG_BITS = 15 * 8
_LEN_BITS = 32
_CHANNELS = {6: 4, 4: 2}  # colour type -> bytes per pixel at bit depth 8
_LSB = bytes(b"01"[i & 1] for i in range(256))
_MAX_IDAT_SCAN = 64 * 1024 * 1024


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _header(path: Path) -> tuple[int, int, int, int, int] | None:
    with open(path, "rb") as stream:
        head = stream.read(33)
    if len(head) < 33 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", head[16:29])
    return width, height, depth, colour, interlace


def _first_rows(path: Path, width: int, rows: int, channels: int) -> bytes | None:
    """Inflate just enough IDAT data for ``rows`` filtered scanlines."""
    needed = rows * (1 + width * channels)
    inflater = zlib.decompressobj()
    out = bytearray()
    scanned = 0
    with open(path, "rb") as stream:
        stream.seek(8)
        while len(out) < needed and scanned < _MAX_IDAT_SCAN:
            head = stream.read(8)
            if len(head) < 8:
                return None
            length, kind = struct.unpack(">I", head[:4])[0], head[4:]
            if kind == b"IDAT":
                data = stream.read(length)
                scanned += length
                out += inflater.decompress(data, needed - len(out))
                stream.seek(4, io.SEEK_CUR)
            elif kind == b"IEND":
                break
            else:
                stream.seek(length + 4, io.SEEK_CUR)
    return bytes(out[:needed]) if len(out) >= needed else None


def _alpha_column_major(image: Image.Image) -> bytes:
    return image.getchannel("A").transpose(Image.Transpose.TRANSPOSE).tobytes()


def _bits_to_bytes(alpha: bytes) -> bytes:
    bits = alpha.translate(_LSB)
    if not bits:
        return b""
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def read_stealth_pnginfo(path: Path) -> tuple[str | None, str | None]:
    """Return (hidden text or None, problem sentence or None). Never raises."""
    try:
        return _read(path)
    except (OSError, ValueError, zlib.error, EOFError, struct.error, Image.DecompressionBombError):
        return None, None


def _read(path: Path) -> tuple[str | None, str | None]:
    header = _header(path)
    if header is None:
        return None, None
    width, height, depth, colour, interlace = header
    channels = _CHANNELS.get(colour)
    if channels is None or depth != 8 or interlace or not width or not height:
        return None, None
    if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
        return None, None
    rows = min(height, _SIG_BITS)
    raw = _first_rows(path, width, rows, channels)
    if raw is None:
        return None, None
    ihdr = struct.pack(">IIBBBBB", width, rows, 8, colour, 0, 0, 0)
    partial = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
    partial += _chunk(b"IDAT", zlib.compress(raw, 1)) + _chunk(b"IEND", b"")
    with Image.open(io.BytesIO(partial)) as image:
        image.load()
        signature = _bits_to_bytes(_alpha_column_major(image)[:_SIG_BITS])
    if signature not in _SIGNATURES:
        return None, None
    compressed = _SIGNATURES[signature]
    with Image.open(path) as image:
        image.load()
        alpha = _alpha_column_major(image)
    length_bits = int(alpha[_SIG_BITS : _SIG_BITS + _LEN_BITS].translate(_LSB) or b"0", 2)
    start = _SIG_BITS + _LEN_BITS
    if length_bits % 8 or length_bits > MAX_PARSE_BYTES * 8 or start + length_bits > len(alpha):
        return (
            None,
            "Stealth pnginfo signature found in the alpha channel, but its length is invalid.",
        )
    data = _bits_to_bytes(alpha[start : start + length_bits])
    if compressed:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
            data = unzipped.read(MAX_PARSE_BYTES + 1)
        if len(data) > MAX_PARSE_BYTES:
            return None, "Stealth pnginfo data inflates beyond the size limit; it was not read."
    return data.decode("utf-8", "replace"), None
