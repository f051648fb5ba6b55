"""Thumbnails: decoded off the GUI thread, cached on disk and in memory by SHA-256.

The cache key is the object's SHA-256, so a thumbnail is made once per distinct original,
whatever case it sits in. Decoding is refused above :data:`MAX_DECODE_PIXELS` (read from the
header before any pixel is decoded), so a decompression bomb yields a placeholder with its
reason instead of exhausting memory. Requests are served newest first: while the user
scrolls, the cells now on screen are decoded before those already scrolled past, and stale
requests beyond :data:`MAX_PENDING` are dropped.

The disk cache lives under :func:`app.config.cache_dir` and is never part of a case; it can
be deleted at any time.
"""

from __future__ import annotations

import contextlib
import os
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap

from app.config import cache_dir
from app.gui.tasks import TaskRunner

THUMB_SIDE = 160
MAX_DECODE_PIXELS = 40_000_000  # ~ 8000 x 5000: far above any screen or generator output
MAX_PENDING = 400
CACHE_VERSION = "v1"
# Types whose pixels we never render for a thumbnail: SVG can reference outside resources.
NEVER_RENDERED = ("image/svg+xml",)


@dataclass(frozen=True)
class ThumbnailFailure:
    """Why an item shows a placeholder; ``code`` picks the translated sentence."""

    code: str  # too-large | not-image | undecodable | missing
    detail: str = ""


class ThumbnailRefused(Exception):
    def __init__(self, failure: ThumbnailFailure) -> None:
        super().__init__(failure.code, failure.detail)
        self.failure = failure


def thumbnail_cache_root() -> Path:
    return cache_dir() / "thumbnails" / CACHE_VERSION


def cache_file(root: Path, sha256: str, side: int) -> Path:
    return root / str(side) / sha256[:2] / f"{sha256}.png"


def is_renderable(media_type: str) -> bool:
    return media_type.startswith("image/") and media_type not in NEVER_RENDERED


@dataclass(frozen=True)
class DecodedImage:
    """RGBA pixels decoded in a worker thread; the GUI thread wraps them in a ``QImage``."""

    width: int
    height: int
    rgba: bytes

    def to_qimage(self) -> QImage:
        """GUI thread only (see app.gui.tasks: worker threads never call Qt)."""
        image = QImage(
            self.rgba, self.width, self.height, self.width * 4, QImage.Format.Format_RGBA8888
        )
        return image.copy()  # detach from ``rgba``


def decode_limited(
    source: Path, max_side: int, max_pixels: int = MAX_DECODE_PIXELS
) -> DecodedImage:
    """Decode ``source`` scaled to fit ``max_side``; refuse images above ``max_pixels``.

    Runs in worker threads with Pillow only (which releases the GIL while decoding and
    resampling); the header is read and the pixel count checked before any pixel is decoded.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise ThumbnailRefused(ThumbnailFailure("too-large", f"{width}×{height}"))
                img.draft("RGB", (max_side * 2, max_side * 2))  # JPEG: decode at reduced size
                img.load()
                frame = ImageOps.exif_transpose(img)
                frame.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                rgba = frame.convert("RGBA")
    except ThumbnailRefused:
        raise
    except FileNotFoundError as exc:
        raise ThumbnailRefused(ThumbnailFailure("missing")) from exc
    except Image.DecompressionBombError as exc:
        raise ThumbnailRefused(ThumbnailFailure("too-large", str(exc)[:120])) from exc
    except Exception as exc:  # hostile or damaged files can raise anything in a plugin
        raise ThumbnailRefused(
            ThumbnailFailure("undecodable", f"{type(exc).__name__}: {str(exc)[:160]}")
        ) from exc
    return DecodedImage(rgba.width, rgba.height, rgba.tobytes("raw", "RGBA"))


def _read_cached(path: Path) -> DecodedImage | None:
    try:
        with Image.open(path) as img:
            if img.format != "PNG" or img.width * img.height > (THUMB_SIDE * 4) ** 2:
                return None
            rgba = img.convert("RGBA")
    except (OSError, ValueError, SyntaxError):
        return None
    return DecodedImage(rgba.width, rgba.height, rgba.tobytes("raw", "RGBA"))


def load_thumbnail(source: Path, root: Path, sha256: str, side: int) -> DecodedImage:
    """The cached thumbnail if present and readable, else rendered now and cached."""
    cached = cache_file(root, sha256, side)
    if cached.is_file():
        image = _read_cached(cached)
        if image is not None:
            return image
    image = decode_limited(source, side)
    with contextlib.suppress(OSError, ValueError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{uuid.uuid4().hex}.tmp.png")
        Image.frombytes("RGBA", (image.width, image.height), image.rgba).save(
            tmp, "PNG", compress_level=1
        )
        os.replace(tmp, cached)
    return image


class ThumbnailCache(QObject):
    """Memory LRU over the disk cache; asks a :class:`TaskRunner` to render what is missing."""

    ready = Signal(str)  # sha256 whose thumbnail (or failure) is now known

    def __init__(
        self,
        runner: TaskRunner,
        path_for: Callable[[str], Path],
        *,
        side: int = THUMB_SIDE,
        memory_bytes: int = 96 * 1024 * 1024,
        concurrency: int = 2,
        root: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._path_for = path_for
        self.side = side
        self._root = root or thumbnail_cache_root()
        self._memory: OrderedDict[str, QPixmap] = OrderedDict()
        self._memory_bytes = 0
        self._memory_limit = memory_bytes
        self._failures: dict[str, ThumbnailFailure] = {}
        self._pending: OrderedDict[str, None] = OrderedDict()
        self._in_flight: set[str] = set()
        self._concurrency = concurrency

    def pixmap(self, sha256: str, media_type: str) -> QPixmap | None:
        """The thumbnail if ready; otherwise ``None`` and a load is scheduled (or refused)."""
        pix = self._memory.get(sha256)
        if pix is not None:
            self._memory.move_to_end(sha256)
            return pix
        if sha256 in self._failures:
            return None
        if not is_renderable(media_type):
            self._failures[sha256] = ThumbnailFailure("not-image", media_type)
            return None
        self._request(sha256)
        return None

    def failure(self, sha256: str) -> ThumbnailFailure | None:
        return self._failures.get(sha256)

    @property
    def idle(self) -> bool:
        return not self._pending and not self._in_flight

    def clear_memory(self) -> None:
        self._memory.clear()
        self._memory_bytes = 0
        self._failures.clear()

    # -- loading -------------------------------------------------------------------------------

    def _request(self, sha256: str) -> None:
        if sha256 in self._in_flight:
            return
        self._pending[sha256] = None
        self._pending.move_to_end(sha256)
        while len(self._pending) > MAX_PENDING:
            self._pending.popitem(last=False)  # the oldest request is no longer on screen
        self._pump()

    def _pump(self) -> None:
        while self._pending and len(self._in_flight) < self._concurrency:
            sha256, _ = self._pending.popitem(last=True)
            self._in_flight.add(sha256)
            source = self._path_for(sha256)
            root, side = self._root, self.side
            self._runner.run(
                lambda s=source, h=sha256, r=root, n=side: load_thumbnail(s, r, h, n),
                lambda image, h=sha256: self._loaded(h, image),
                lambda exc, h=sha256: self._failed(h, exc),
                title="thumbnail",
            )

    def _loaded(self, sha256: str, image: DecodedImage) -> None:
        self._in_flight.discard(sha256)
        pix = QPixmap.fromImage(image.to_qimage())
        self._memory[sha256] = pix
        self._memory_bytes += pix.width() * pix.height() * 4
        while self._memory_bytes > self._memory_limit and len(self._memory) > 1:
            _, old = self._memory.popitem(last=False)
            self._memory_bytes -= old.width() * old.height() * 4
        self.ready.emit(sha256)
        self._pump()

    def _failed(self, sha256: str, exc: BaseException) -> None:
        self._in_flight.discard(sha256)
        if isinstance(exc, ThumbnailRefused):
            self._failures[sha256] = exc.failure
        else:
            self._failures[sha256] = ThumbnailFailure("undecodable", str(exc)[:160])
        self.ready.emit(sha256)
        self._pump()
