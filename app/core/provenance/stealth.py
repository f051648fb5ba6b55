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


def _header(path: Path) -> tuple[int, int, int, int, int] | None:
    with open(path, "rb") as stream:
        head = stream.read(33)
    if len(head) < 33 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", head[16:29])
    return width, height, depth, colour, interlace


def _column_zero_alpha(path: Path, width: int, rows: int, channels: int) -> bytes:
    """Alpha of pixel x=0 for the first ``rows`` rows, read without decoding whole rows.

    In every PNG filter the first pixel of a row depends only on its filtered bytes and the
    pixel above (there is no left neighbour), so column 0 can be unfiltered alone. The
    IDAT stream is inflated only as far as needed, and the walk stops at the first byte
    that differs from the signature (after 8 rows for nearly every image).
    """
    stride = 1 + width * channels
    inflater = zlib.decompressobj()
    buffer = bytearray()
    alpha = bytearray()
    previous = bytes(channels)
    scanned = 0
    with open(path, "rb") as stream:
        stream.seek(8)
        while len(alpha) < rows and scanned < _MAX_IDAT_SCAN:
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
                buffer += inflater.decompress(data, 64 * 1024)
                while len(buffer) >= stride and len(alpha) < rows:
                    previous = _unfilter_first_pixel(buffer[0], buffer[1 : 1 + channels], previous)
                    alpha.append(previous[channels - 1])
                    del buffer[:stride]
                    if len(alpha) % 8 == 0 and not _signature_prefix_ok(alpha):
                        return bytes(alpha)
                if len(alpha) >= rows:
                    break
    return bytes(alpha)


def _unfilter_first_pixel(kind: int, raw: bytes | bytearray, above: bytes) -> bytes:
    if kind in (2, 4):  # Up, Paeth (with no left neighbour Paeth predicts "above")
        return bytes((r + a) & 0xFF for r, a in zip(raw, above, strict=True))
    if kind == 3:  # Average of left (0) and above
        return bytes((r + a // 2) & 0xFF for r, a in zip(raw, above, strict=True))
    return bytes(raw)  # None, Sub (left is 0)


def _signature_prefix_ok(alpha: bytes | bytearray) -> bool:
    got = _bits_to_bytes(bytes(alpha[: len(alpha) - len(alpha) % 8]))
    return any(sig.startswith(got) for sig in _SIGNATURES)


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
    if height >= _SIG_BITS:  # the whole signature sits in column 0
        column = _column_zero_alpha(path, width, _SIG_BITS, channels)
        if len(column) < _SIG_BITS:
            return None, None
        signature = _bits_to_bytes(column)
    else:  # a short image: the signature wraps into the next columns; decode it (small)
        with Image.open(path) as image:
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
