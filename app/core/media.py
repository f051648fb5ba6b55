"""What a file is, decided from its content, never from its name.

Images are identified by Pillow from their header without decoding pixels, so a
decompression bomb is named and refused rather than expanded. Other files are identified by
their magic numbers (puremagic) and a few text heuristics; anything unknown is kept as
``application/octet-stream``. Every file is evidence whatever its type.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import puremagic
from PIL import Image, UnidentifiedImageError

OCTET_STREAM = "application/octet-stream"

# The image formats a generator serves, by their first bytes: the one table for bytes in
# memory (a response body, a data: URL). Files on disk go through :func:`sniff`.
IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def image_media_type(data: bytes) -> str | None:
    """The image type of bytes in memory from their magic number, or None if not an image."""
    for magic, media in IMAGE_MAGIC:
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header only (no decoding, so bombs are harmless)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                return img.size
    except Exception:  # any unreadable header: size unknown
        return None


@dataclass(frozen=True)
class MediaInfo:
    media_type: str
    width: int | None = None
    height: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


def _sniff_text(head: bytes) -> str | None:
    if not head or b"\0" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the head
            return None
        text = head[: exc.start].decode("utf-8")
    stripped = text.lstrip("\ufeff \t\r\n").lower()
    if stripped.startswith(("<!doctype html", "<html")):
        return "text/html"
    if stripped.startswith("<?xml") or stripped.startswith("<svg"):
        return "image/svg+xml" if "<svg" in stripped[:2048] else "application/xml"
    if stripped[:1] in ("{", "["):
        try:
            json.loads(text)
            return "application/json"
        except ValueError:
            pass
    return "text/plain"


def _sniff_magic(head: bytes) -> str | None:
    if len(head) < 4:
        return None
    try:
        mime = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        return None
    return mime or None


ZIP_MAGIC = b"PK\x03\x04"
WACZ = "application/wacz"
MHTML = "multipart/related"
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def _sniff_zip(path: Path) -> str:
    """A ZIP's type from its table of contents: a WACZ holds ``datapackage.json``.

    Magic numbers alone call every ZIP a Word document or a plain archive; an opposing expert
    would impeach a tool that labels a web archive so, so the member names decide.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "datapackage.json" in names:
                return WACZ
            if "[Content_Types].xml" in names:
                for prefix, mime in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return mime
            declared = ""
            if "mimetype" in names:
                try:  # 100 bytes at most: a hostile member may inflate to gigabytes
                    with zf.open("mimetype") as member:
                        declared = member.read(100).decode("ascii").strip()
                except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
                    declared = ""
    except (zipfile.BadZipFile, OSError, ValueError):
        return "application/zip"
    if declared and "/" in declared:
        return declared
    return "application/zip"


def _is_mhtml(head: bytes) -> bool:
    """An MHTML snapshot: a MIME message whose top-level type is multipart/related."""
    top = head[:4096].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].lower()
    return b"mime-version:" in top and b"content-type: multipart/related" in top


def sniff(path: Path, head: bytes) -> MediaInfo:
    """Identify the stored file at ``path`` whose first bytes are ``head``."""
    if not head:
        return MediaInfo("application/x-empty", notes=("The file is empty (zero bytes).",))
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                mime = img.get_format_mimetype() or Image.MIME.get(img.format or "", "")
                width, height = img.size
                if getattr(img, "is_animated", False):
                    notes.append(f"Animated image with {getattr(img, 'n_frames', '?')} frames.")
                if mime:
                    return MediaInfo(mime, width, height, tuple(notes))
    except Image.DecompressionBombError as exc:
        notes.append(f"Not decoded: the header declares a decompression bomb ({exc}).")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        pass
    except Exception as exc:  # hostile headers can raise anything inside a format plugin
        notes.append(f"The image header could not be parsed ({type(exc).__name__}).")
    if head.startswith(ZIP_MAGIC):
        return MediaInfo(_sniff_zip(path), None, None, tuple(notes))
    if _is_mhtml(head):
        return MediaInfo(MHTML, None, None, tuple(notes))
    mime = _sniff_magic(head)
    if mime is None:
        mime = _sniff_text(head) or OCTET_STREAM
    if mime.startswith("image/") and not notes:
        notes.append(
            "The file looks like an image but could not be decoded; it may be corrupt or truncated."
        )
    return MediaInfo(mime, None, None, tuple(notes))
