"""A small, bounded EXIF (TIFF IFD) reader for the handful of tags provenance needs.

Pillow's EXIF support decodes ASCII tags as Latin-1 and leaves UserComment as raw bytes;
generators put UTF-8 in ASCII tags and UTF-16 prompts in UserComment, so the decoding
choices matter for verbatim prompts and are made here, explicitly, with every bound
checked against the blob (EXIF is hostile input like everything else in the file).
"""

from __future__ import annotations

import struct
from typing import Any

# IFD0 tags
_IFD0_TAGS = {
    0x010E: "ImageDescription",
    0x010F: "Make",
    0x0110: "Model",
    0x0131: "Software",
    0x0132: "DateTime",
    0x013B: "Artist",
    0x8298: "Copyright",
    0x9C9C: "XPComment",
}
_EXIF_IFD_POINTER = 0x8769
# Exif sub-IFD tags
_EXIF_TAGS = {
    0x9003: "DateTimeOriginal",
    0x9004: "DateTimeDigitized",
    0x9286: "UserComment",
}
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_MAX_IFD_ENTRIES = 1024

_USER_COMMENT_ASCII = b"ASCII\x00\x00\x00"
_USER_COMMENT_UNICODE = b"UNICODE\x00"
_USER_COMMENT_JIS = b"JIS\x00\x00\x00\x00\x00"
_USER_COMMENT_UNDEFINED = b"\x00" * 8


class _Tiff:
    """Bounds-checked view of a TIFF blob."""

    def __init__(self, blob: bytes) -> None:
        if len(blob) < 8 or blob[:2] not in (b"II", b"MM"):
            raise ValueError("EXIF data does not start with a TIFF byte-order mark")
        self.blob = blob
        self.order = "<" if blob[:2] == b"II" else ">"
        magic, self.ifd0 = struct.unpack(self.order + "HI", blob[2:8])
        if magic != 42:
            raise ValueError("EXIF TIFF header has the wrong magic number")

    def entries(self, offset: int) -> list[tuple[int, int, bytes]]:
        """Return (tag, type, value bytes) for each entry of the IFD at ``offset``."""
        blob = self.blob
        if offset < 8 or offset + 2 > len(blob):
            raise ValueError(f"EXIF IFD offset {offset} is outside the data")
        (count,) = struct.unpack(self.order + "H", blob[offset : offset + 2])
        if count > _MAX_IFD_ENTRIES or offset + 2 + 12 * count > len(blob):
            raise ValueError(
                f"EXIF IFD at offset {offset} declares {count} entries that do not fit"
            )
        out: list[tuple[int, int, bytes]] = []
        for index in range(count):
            start = offset + 2 + 12 * index
            tag, typ, n = struct.unpack(self.order + "HHI", blob[start : start + 8])
            size = _TYPE_SIZES.get(typ)
            if size is None:
                continue
            total = size * n
            if total <= 4:
                value = blob[start + 8 : start + 8 + total]
            else:
                (pointer,) = struct.unpack(self.order + "I", blob[start + 8 : start + 12])
                if pointer + total > len(blob):
                    raise ValueError(f"EXIF tag 0x{tag:04X} points outside the data")
                value = blob[pointer : pointer + total]
            out.append((tag, typ, value))
        return out

    def long(self, value: bytes) -> int:
        return struct.unpack(self.order + "I", value[:4])[0] if len(value) >= 4 else -1


def parse_exif(blob: bytes) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Parse an EXIF/TIFF blob.

    Returns ``(fields, full_text, errors)``: ``fields`` maps tag names to decoded values
    (not yet capped), ``full_text`` is the same for the text tags (used for parsing
    generator data), and ``errors`` holds one sentence per problem found.
    """
    errors: list[str] = []
    fields: dict[str, Any] = {}
    if blob.startswith(b"Exif\x00\x00"):
        blob = blob[6:]
    try:
        tiff = _Tiff(blob)
        ifd0 = tiff.entries(tiff.ifd0)
    except (ValueError, struct.error) as exc:
        return {}, {}, [f"EXIF could not be parsed: {exc}."]
    exif_pointer = -1
    for tag, typ, value in ifd0:
        if tag == _EXIF_IFD_POINTER:
            exif_pointer = tiff.long(value)
        elif tag == 0x9C9C:
            fields["XPComment"] = value.decode("utf-16-le", "replace").rstrip("\x00")
        elif tag == 0x9286:  # UserComment misplaced in IFD0 (ComfyUI SaveImage+ writes it)
            _user_comment(fields, errors, value, tiff.order)
        elif tag in _IFD0_TAGS:
            fields[_IFD0_TAGS[tag]] = _decode_ascii(value, typ)
    if exif_pointer >= 0:
        try:
            sub = tiff.entries(exif_pointer)
        except (ValueError, struct.error) as exc:
            errors.append(f"EXIF sub-IFD could not be parsed: {exc}.")
            sub = []
        for tag, typ, value in sub:
            if tag == 0x9286:
                _user_comment(fields, errors, value, tiff.order)
            elif tag in _EXIF_TAGS:
                fields[_EXIF_TAGS[tag]] = _decode_ascii(value, typ)
    return fields, {k: v for k, v in fields.items() if isinstance(v, str)}, errors


def _decode_ascii(value: bytes, typ: int) -> str:
    """ASCII tags are NUL-terminated; writers often put UTF-8 in them, so try that first."""
    if typ not in (2, 7, 1):
        return value.hex()
    value = value.split(b"\x00", 1)[0] if typ == 2 else value.rstrip(b"\x00")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _user_comment(fields: dict[str, Any], errors: list[str], value: bytes, order: str) -> None:
    text, charset, note = decode_user_comment(value, order)
    fields["UserComment"] = text
    fields["UserCommentCharset"] = charset
    if note:
        errors.append(note)


def decode_user_comment(value: bytes, tiff_order: str = ">") -> tuple[str, str, str | None]:
    """Decode an EXIF UserComment: an 8-byte charset header, then the text.

    Returns ``(text, charset description, problem sentence or None)``. The UNICODE charset
    does not fix a byte order: piexif (used by AUTOMATIC1111) writes UTF-16BE, other
    writers follow the TIFF byte order, a few add a BOM. We honour a BOM, else pick the
    order whose decoding looks like text, falling back to the TIFF order.
    """
    header, body = value[:8], value[8:]
    if header == _USER_COMMENT_UNICODE:
        if body[:2] in (b"\xfe\xff", b"\xff\xfe"):
            codec = "utf-16-be" if body[:2] == b"\xfe\xff" else "utf-16-le"
            text = body[2:].decode(codec, "replace")
            return _trim(text), f"UNICODE ({codec.upper()} with BOM)", None
        if len(body) % 2:
            body = body[:-1]
        preferred = "utf-16-be" if tiff_order == ">" else "utf-16-le"
        other = "utf-16-le" if preferred == "utf-16-be" else "utf-16-be"
        best = max(
            (preferred, other),
            key=lambda codec: (
                _text_score(body[:8192].decode(codec, "replace")),
                codec == preferred,
            ),
        )
        return _trim(body.decode(best, "replace")), f"UNICODE ({best.upper()})", None
    if header == _USER_COMMENT_ASCII:
        try:
            return _trim(body.decode("utf-8")), "ASCII", None
        except UnicodeDecodeError:
            return _trim(body.decode("latin-1")), "ASCII (decoded as Latin-1)", None
    if header == _USER_COMMENT_JIS:
        return _decode_jis(body)
    if header == _USER_COMMENT_UNDEFINED:
        try:
            return _trim(body.decode("utf-8")), "undefined (decoded as UTF-8)", None
        except UnicodeDecodeError:
            return _trim(body.decode("latin-1")), "undefined (decoded as Latin-1)", None
    try:
        return (
            _trim(value.decode("utf-8")),
            "no charset header (decoded as UTF-8)",
            ("EXIF UserComment has no valid 8-byte charset header; it was decoded as UTF-8."),
        )
    except UnicodeDecodeError:
        return (
            _trim(value.decode("latin-1")),
            "no charset header (decoded as Latin-1)",
            ("EXIF UserComment has no valid 8-byte charset header; it was decoded as Latin-1."),
        )


def _decode_jis(body: bytes) -> tuple[str, str, str | None]:
    """JIS means JIS X 0208. Writers store it with ISO-2022 escapes, as raw 7-bit two-byte
    codes (which would otherwise read as ASCII junk), or as Shift_JIS / EUC-JP."""
    body = body.rstrip(b"\x00")
    candidates: list[tuple[str, bytes]] = []
    if b"\x1b" in body:
        candidates.append(("iso2022_jp", body))
    elif any(byte >= 0x80 for byte in body):
        candidates += [("shift_jis", body), ("euc_jp", body)]
    elif len(body) % 2 == 0 and all(0x21 <= byte <= 0x7E for byte in body):
        candidates.append(("iso2022_jp", b"\x1b$B" + body + b"\x1b(B"))
    candidates.append(("ascii", body))
    for codec, data in candidates:
        try:
            return _trim(data.decode(codec)), f"JIS (decoded as {codec})", None
        except UnicodeDecodeError:
            continue
    return (
        _trim(body.decode("shift_jis", "replace")),
        "JIS (decoded as shift_jis, lossy)",
        "EXIF UserComment in JIS could not be decoded cleanly; invalid bytes were replaced.",
    )


def _trim(text: str) -> str:
    """Drop the NUL/space padding writers add; the text itself is left untouched."""
    return text.rstrip("\x00")


def _text_score(text: str) -> int:
    """How much of ``text`` looks like human text (used to choose a UTF-16 byte order)."""
    score = 0
    for char in text:
        code = ord(char)
        if (
            0x20 <= code < 0x7F
            or char in "\n\r\t"
            or 0xA0 <= code <= 0x24F  # Latin-1 supplement, Latin extended
            or 0x3000 <= code <= 0x30FF  # CJK punctuation, kana
            or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
            or 0xAC00 <= code <= 0xD7A3  # Hangul syllables
            or 0xFF00 <= code <= 0xFFEF  # full-width forms
            or 0x2000 <= code <= 0x206F  # general punctuation
            or 0x0400 <= code <= 0x04FF  # Cyrillic
        ):
            score += 1
    return score
