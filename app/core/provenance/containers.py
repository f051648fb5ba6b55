"""Walk PNG, JPEG and WebP containers and pull out their metadata, never their pixels.

We read chunks ourselves instead of through Pillow because Pillow's reader is built to
decode images: it refuses the whole file when one text chunk exceeds
``PngImagePlugin.MAX_TEXT_CHUNK`` (losing every other chunk), raises
``DecompressionBombError`` on a large header before any metadata is reached, and only sees
text chunks after the image data once pixels are loaded. A metadata extractor on evidence
has to survive all three and still report what it could read.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from .limits import (
    MAX_CONTAINER_ENTRIES,
    MAX_PARSE_BYTES,
    MAX_TEXT_CHUNKS,
    ParseBudget,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
EXIF_HEADER = b"Exif\x00\x00"
JPEG_XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
JPEG_XMP_EXTENSION_HEADER = b"http://ns.adobe.com/xmp/extension/\x00"
PNG_XMP_KEYWORD = "XML:com.adobe.xmp"

MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}

_PNG_TEXT_TYPES = {b"tEXt", b"zTXt", b"iTXt"}
# SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
_JPEG_SOF_MARKERS = {m for m in range(0xC0, 0xD0) if m not in (0xC4, 0xC8, 0xCC)}
_JPEG_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}


@dataclass
class TextChunk:
    """One PNG text chunk, decoded as far as it safely could be."""

    chunk_type: str
    keyword: str
    text: str | None
    encoding: str
    compressed: bool
    stored_length: int
    decoded_length: int
    language: str | None = None
    translated_keyword: str | None = None
    refused: bool = False
    lossy: bool = False
    crc_ok: bool = True
    raw: bytes | None = None


@dataclass
class ContainerScan:
    """What a container walk found; ``errors`` holds one sentence per problem."""

    format: str | None = None
    width: int | None = None
    height: int | None = None
    text_chunks: list[TextChunk] = field(default_factory=list)
    exif: bytes | None = None
    xmp: list[bytes] = field(default_factory=list)
    has_jumbf: bool = False
    extended_xmp: bool = False
    #: True when the walk reached the image data or the container's end, so that what is
    #: reported absent was really looked for everywhere metadata can be.
    complete: bool = False
    errors: list[str] = field(default_factory=list)


def sniff_format(head: bytes) -> str | None:
    """Name the container from its magic bytes; the declared media type is only a hint."""
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def scan_container(stream: BinaryIO, size: int, fmt: str, budget: ParseBudget) -> ContainerScan:
    """Walk a container of a known format; never raises for malformed input."""
    scan = ContainerScan(format=fmt)
    walkers = {"png": _scan_png, "jpeg": _scan_jpeg, "webp": _scan_webp}
    try:
        walkers[fmt](stream, size, budget, scan)
    except (OSError, struct.error, ValueError, OverflowError) as exc:
        scan.errors.append(f"{fmt.upper()} structure could not be read: {exc}.")
    return scan


def _read_exact(stream: BinaryIO, amount: int) -> bytes | None:
    data = stream.read(amount)
    return data if len(data) == amount else None


def _reserve(budget: ParseBudget, amount: int, what: str, scan: ContainerScan) -> bool:
    """Apply the per-item and total read limits before reading ``amount`` bytes."""
    if amount > MAX_PARSE_BYTES:
        scan.errors.append(
            f"{what} is {amount} bytes, over the {MAX_PARSE_BYTES}-byte limit; it was not read."
        )
        return False
    if not budget.take(amount):
        scan.errors.append(f"{what} was not read because the metadata read budget is spent.")
        return False
    return True


# --- PNG ---------------------------------------------------------------------------------


def _scan_png(stream: BinaryIO, size: int, budget: ParseBudget, scan: ContainerScan) -> None:
    stream.seek(len(PNG_SIGNATURE))
    position = len(PNG_SIGNATURE)
    entries = 0
    skipped_text = 0
    while True:
        header = stream.read(8)
        if not header:
            scan.errors.append("PNG ends without an IEND chunk (file is truncated).")
            return
        if len(header) < 8:
            scan.errors.append(f"PNG is truncated inside a chunk header at offset {position}.")
            return
        length, ctype = struct.unpack(">I4s", header)
        if not ctype.isalpha():
            scan.errors.append(
                f"PNG chunk at offset {position} has an invalid type; reading stopped."
            )
            return
        name = ctype.decode("ascii")
        if entries == 0 and ctype != b"IHDR":
            scan.errors.append("PNG does not start with an IHDR chunk.")
        data_start = position + 8
        if length > 0x7FFFFFFF or data_start + length + 4 > size:
            scan.errors.append(
                f"PNG chunk {name} at offset {position} declares {length} bytes but the file "
                "ends first (truncated or corrupt)."
            )
            return
        if ctype == b"IHDR":
            _png_ihdr(stream, length, scan)
        elif ctype in _PNG_TEXT_TYPES:
            if len(scan.text_chunks) >= MAX_TEXT_CHUNKS:
                skipped_text += 1
            elif not _reserve(budget, length, f"PNG {name} chunk at offset {position}", scan):
                scan.text_chunks.append(_refused_text_chunk(stream, name, length))
            else:
                data = _read_exact(stream, length)
                crc = _read_exact(stream, 4)
                if data is None or crc is None:
                    scan.errors.append(f"PNG {name} chunk at offset {position} is truncated.")
                    return
                crc_ok = (zlib.crc32(ctype + data) & 0xFFFFFFFF) == struct.unpack(">I", crc)[0]
                chunk = _decode_png_text(name, data, budget, scan)
                if chunk is not None:
                    chunk.crc_ok = crc_ok
                    if not crc_ok:
                        scan.errors.append(
                            f"PNG {name} chunk '{chunk.keyword}' fails its CRC check (altered or "
                            "damaged); its text is kept as found."
                        )
                    scan.text_chunks.append(chunk)
        elif ctype == b"eXIf":
            if scan.exif is None and _reserve(budget, length, "PNG eXIf chunk", scan):
                scan.exif = _read_exact(stream, length)
        elif ctype == b"caBX":
            scan.has_jumbf = True
        elif ctype == b"IEND":
            scan.complete = True
            break
        position = data_start + length + 4
        stream.seek(position)
        entries += 1
        if entries > MAX_CONTAINER_ENTRIES:
            scan.errors.append(
                f"PNG has more than {MAX_CONTAINER_ENTRIES} chunks; reading stopped."
            )
            return
    if skipped_text:
        scan.errors.append(
            f"PNG has {skipped_text} text chunks beyond the first {MAX_TEXT_CHUNKS}; they were ignored."
        )


def _refused_text_chunk(stream: BinaryIO, name: str, length: int) -> TextChunk:
    """Record an over-limit text chunk by keyword and size, so its existence is not lost."""
    keyword = stream.read(min(length, 80)).partition(b"\x00")[0].decode("latin-1") or "?"
    return TextChunk(
        chunk_type=name,
        keyword=keyword,
        text=None,
        encoding="utf-8" if name == "iTXt" else "latin-1",
        compressed=name == "zTXt",
        stored_length=length,
        decoded_length=0,
        refused=True,
    )


def _png_ihdr(stream: BinaryIO, length: int, scan: ContainerScan) -> None:
    data = _read_exact(stream, 13) if length == 13 else None
    if data is None:
        scan.errors.append("PNG IHDR chunk has the wrong length.")
        return
    scan.width, scan.height = struct.unpack(">II", data[:8])


def _decode_png_text(
    name: str, data: bytes, budget: ParseBudget, scan: ContainerScan
) -> TextChunk | None:
    """Decode tEXt (Latin-1), zTXt (Latin-1, deflated) and iTXt (UTF-8, maybe deflated)."""
    keyword_raw, sep, rest = data.partition(b"\x00")
    if not sep or not 1 <= len(keyword_raw) <= 79:
        scan.errors.append(f"PNG {name} chunk has no valid keyword; it was ignored.")
        return None
    keyword = keyword_raw.decode("latin-1")
    language: str | None = None
    translated: str | None = None
    compressed = False
    if name == "tEXt":
        payload = rest
    elif name == "zTXt":
        if not rest or rest[0] != 0:
            scan.errors.append(f"PNG zTXt chunk '{keyword}' uses an unknown compression method.")
            return None
        compressed, payload = True, rest[1:]
    else:
        if len(rest) < 2:
            scan.errors.append(f"PNG iTXt chunk '{keyword}' is too short.")
            return None
        flag, method, rest = rest[0], rest[1], rest[2:]
        lang_raw, _, rest = rest.partition(b"\x00")
        trans_raw, _, payload = rest.partition(b"\x00")
        language = lang_raw.decode("latin-1")
        translated = trans_raw.decode("utf-8", "replace")
        if flag == 1:
            if method != 0:
                scan.errors.append(
                    f"PNG iTXt chunk '{keyword}' uses an unknown compression method."
                )
                return None
            compressed = True
    chunk = TextChunk(
        chunk_type=name,
        keyword=keyword,
        text=None,
        encoding="utf-8" if name == "iTXt" else "latin-1",
        compressed=compressed,
        stored_length=len(data),
        decoded_length=len(payload),
        language=language,
        translated_keyword=translated,
    )
    if compressed:
        inflated = _inflate_capped(payload, f"PNG {name} chunk '{keyword}'", budget, scan)
        if inflated is None:
            chunk.refused = True
            chunk.decoded_length = 0
            return chunk
        payload, complete = inflated
        chunk.decoded_length = len(payload)
        if not complete:
            chunk.refused = True
            chunk.raw = payload
            return chunk
    chunk.text, chunk.encoding, chunk.lossy = _decode_text_bytes(payload, name == "iTXt")
    if chunk.lossy:
        chunk.raw = payload
        scan.errors.append(
            f"PNG {name} chunk '{keyword}' is not valid {chunk.encoding.split()[0]}; invalid "
            "bytes were replaced and the raw bytes kept in base64."
        )
    return chunk


def _decode_text_bytes(payload: bytes, utf8_required: bool) -> tuple[str, str, bool]:
    """Decode text chunk bytes; returns (text, encoding used, lossy).

    tEXt is Latin-1 by the PNG spec, but generators routinely write UTF-8 there, and bytes
    that are valid UTF-8 with non-ASCII content are almost never real Latin-1 prose.
    """
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        if utf8_required:
            return payload.decode("utf-8", "replace"), "utf-8", True
        return payload.decode("latin-1"), "latin-1", False
    if utf8_required or payload.isascii():
        return text, "utf-8" if utf8_required else "latin-1", False
    return text, "utf-8 (non-standard in this chunk type)", False


def _inflate_capped(
    payload: bytes, what: str, budget: ParseBudget, scan: ContainerScan
) -> tuple[bytes, bool] | None:
    """Inflate at most MAX_PARSE_BYTES; returns (data, complete) or None when unusable."""
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(payload, MAX_PARSE_BYTES + 1)
    except zlib.error as exc:
        scan.errors.append(f"{what} could not be decompressed: {exc}.")
        return None
    if len(data) > MAX_PARSE_BYTES:
        scan.errors.append(
            f"{what} decompresses to more than {MAX_PARSE_BYTES} bytes (possible "
            "decompression bomb); it was refused and only a prefix kept."
        )
        budget.take(min(budget.remaining, MAX_PARSE_BYTES))
        return data[:MAX_PARSE_BYTES], False
    if not budget.take(len(data)):
        scan.errors.append(f"{what} was not decompressed because the metadata budget is spent.")
        return None
    if not inflater.eof:
        scan.errors.append(f"{what} has a truncated compressed stream; the readable part was kept.")
    return data, True


# --- JPEG --------------------------------------------------------------------------------


def _scan_jpeg(stream: BinaryIO, size: int, budget: ParseBudget, scan: ContainerScan) -> None:
    stream.seek(2)
    position = 2
    entries = 0
    while True:
        byte = stream.read(1)
        if not byte:
            scan.errors.append("JPEG ends before its image data (file is truncated).")
            return
        if byte != b"\xff":
            scan.errors.append(f"JPEG marker expected at offset {position}; reading stopped.")
            return
        marker_byte = stream.read(1)
        while marker_byte == b"\xff":  # fill bytes
            marker_byte = stream.read(1)
        if not marker_byte:
            scan.errors.append("JPEG ends inside a marker (file is truncated).")
            return
        marker = marker_byte[0]
        position = stream.tell()
        if marker in _JPEG_STANDALONE_MARKERS:
            continue
        if marker == 0xD9:  # EOI before any scan
            scan.errors.append("JPEG ends (EOI) before any image data.")
            return
        length_raw = _read_exact(stream, 2)
        if length_raw is None:
            scan.errors.append("JPEG is truncated inside a segment header.")
            return
        length = struct.unpack(">H", length_raw)[0] - 2
        if length < 0 or position + 2 + length > size:
            scan.errors.append(
                f"JPEG segment FF{marker:02X} at offset {position - 2} runs past the end of the "
                "file (truncated or corrupt)."
            )
            return
        if marker == 0xDA:  # start of scan: metadata segments come before it
            scan.complete = True
            _jpeg_check_end(stream, size, scan)
            return
        if marker in _JPEG_SOF_MARKERS and length >= 5:
            frame = _read_exact(stream, 5)
            if frame is not None:
                scan.height, scan.width = struct.unpack(">HH", frame[1:5])
        elif marker == 0xE1 and _reserve(budget, length, "JPEG APP1 segment", scan):
            _jpeg_app1(stream.read(length), scan)
        elif marker == 0xEB:
            scan.has_jumbf = True
        position += 2 + length
        stream.seek(position)
        entries += 1
        if entries > MAX_CONTAINER_ENTRIES:
            scan.errors.append(
                f"JPEG has more than {MAX_CONTAINER_ENTRIES} segments; reading stopped."
            )
            return


def _jpeg_check_end(stream: BinaryIO, size: int, scan: ContainerScan) -> None:
    """The entropy-coded data is not walked, but a missing final EOI is a cheap truncation sign."""
    stream.seek(size - 2)
    if stream.read(2) != b"\xff\xd9":
        scan.errors.append(
            "JPEG does not end with an EOI marker; it may be truncated or have data appended."
        )


def _jpeg_app1(segment: bytes, scan: ContainerScan) -> None:
    if segment.startswith(EXIF_HEADER):
        if scan.exif is None:
            scan.exif = segment[len(EXIF_HEADER) :]
        else:
            scan.errors.append("JPEG has more than one EXIF segment; only the first was read.")
    elif segment.startswith(JPEG_XMP_HEADER):
        scan.xmp.append(segment[len(JPEG_XMP_HEADER) :])
    elif segment.startswith(JPEG_XMP_EXTENSION_HEADER):
        scan.extended_xmp = True


# --- WebP --------------------------------------------------------------------------------


def _scan_webp(stream: BinaryIO, size: int, budget: ParseBudget, scan: ContainerScan) -> None:
    stream.seek(0)
    header = _read_exact(stream, 12)
    if header is None:
        scan.errors.append("WebP header is truncated.")
        return
    riff_end = 8 + struct.unpack("<I", header[4:8])[0]
    truncated = riff_end > size
    if truncated:
        scan.errors.append("WebP RIFF size is larger than the file (truncated).")
        riff_end = size
    position = 12
    entries = 0
    while position + 8 <= riff_end:
        stream.seek(position)
        chunk_header = _read_exact(stream, 8)
        if chunk_header is None:
            return
        fourcc, length = chunk_header[:4], struct.unpack("<I", chunk_header[4:])[0]
        name = fourcc.decode("latin-1")
        if position + 8 + length > size:
            scan.errors.append(f"WebP chunk '{name}' runs past the end of the file (truncated).")
            return
        if fourcc == b"VP8X" and length >= 10:
            data = stream.read(10)
            scan.width = 1 + int.from_bytes(data[4:7], "little")
            scan.height = 1 + int.from_bytes(data[7:10], "little")
        elif fourcc == b"VP8 " and length >= 10 and scan.width is None:
            data = stream.read(10)
            if data[3:6] == b"\x9d\x01\x2a":
                width, height = struct.unpack("<HH", data[6:10])
                scan.width, scan.height = width & 0x3FFF, height & 0x3FFF
        elif fourcc == b"VP8L" and length >= 5 and scan.width is None:
            data = stream.read(5)
            if data[0] == 0x2F:
                bits = int.from_bytes(data[1:5], "little")
                scan.width, scan.height = 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
        elif fourcc == b"C2PA":
            scan.has_jumbf = True
        elif fourcc == b"EXIF":
            if scan.exif is None and _reserve(budget, length, "WebP EXIF chunk", scan):
                data = stream.read(length)
                scan.exif = data[len(EXIF_HEADER) :] if data.startswith(EXIF_HEADER) else data
        elif fourcc == b"XMP " and _reserve(budget, length, "WebP XMP chunk", scan):
            scan.xmp.append(stream.read(length))
        position += 8 + length + (length & 1)
        entries += 1
        if entries > MAX_CONTAINER_ENTRIES:
            scan.errors.append(
                f"WebP has more than {MAX_CONTAINER_ENTRIES} chunks; reading stopped."
            )
            return
    scan.complete = not truncated
