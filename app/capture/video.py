"""The session video: the browser view while recording, at a constant frame rate.

Frames come from grabs of the Qt view (taken only when the page painted) or, without a
view, from Chromium's screencast (``Page.startScreencast``); either way a still page yields
few frames. The encoder therefore samples the latest frame on a fixed clock: frame *k* of the video shows the view as it was at ``started_at + k / fps``
(UTC), whatever the page did. That makes the video line up with the custody log: an event
at time *t* is at ``t - started_at`` seconds into the video. A strip under each frame
carries the UTC second it shows and the session id, so a viewer can read the alignment off
the image.

Encoding uses PyAV (FFmpeg): H.264 in MP4 when the wheel has an H.264 encoder, otherwise
VP9 in WebM.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

DEFAULT_FPS = 4
MAX_WIDTH = 1280
MAX_HEIGHT = 960
STRIP_HEIGHT = 24


@dataclass(frozen=True)
class VideoFormat:
    codec: str
    container: str
    suffix: str
    media_type: str


def choose_format() -> VideoFormat:
    """H.264/MP4 if this FFmpeg build can encode it, else VP9/WebM (royalty-free)."""
    available = av.codecs_available
    for codec in ("libx264", "h264"):
        if codec in available:
            try:
                av.codec.Codec(codec, "w")
            except Exception:  # listed but not an encoder in this build
                continue
            return VideoFormat(codec, "mp4", ".mp4", "video/mp4")
    return VideoFormat("libvpx-vp9", "webm", ".webm", "video/webm")


@dataclass(frozen=True)
class RawFrame:
    width: int
    height: int
    stride: int
    data: bytes


def _to_image(frame: bytes | RawFrame) -> Image.Image:
    if isinstance(frame, RawFrame):
        return Image.frombuffer(
            "RGB", (frame.width, frame.height), frame.data, "raw", "BGRX", frame.stride, 1
        )
    with Image.open(io.BytesIO(frame)) as img:
        return img.convert("RGB")


@dataclass
class VideoResult:
    path: Path
    fmt: VideoFormat
    started_at: float
    ended_at: float
    fps: int
    frames_written: int
    frames_received: int
    width: int
    height: int
    source: str = ""

    def facts(self) -> dict[str, Any]:
        started = dt.datetime.fromtimestamp(self.started_at, dt.UTC)
        return {
            "codec": self.fmt.codec,
            "container": self.fmt.container,
            "fps": self.fps,
            "frames": self.frames_written,
            "frames_received": self.frames_received,
            "frame_source": self.source,
            "width": self.width,
            "height": self.height,
            "started_at": started.isoformat(timespec="microseconds"),
            "ended_at": dt.datetime.fromtimestamp(self.ended_at, dt.UTC).isoformat(
                timespec="microseconds"
            ),
            "duration_seconds": round(self.frames_written / self.fps, 3),
            "timeline": (
                f"frame k shows the browser view at started_at + k/{self.fps} s (UTC); "
                "an event at time t is at t - started_at seconds into the video"
            ),
        }


class SessionVideo:
    """Collects screencast frames (any thread) and encodes them at a constant rate."""

    def __init__(self, path: Path, *, session_id: str, fps: int = DEFAULT_FPS) -> None:
        self.fmt = choose_format()
        self.path = path.with_suffix(self.fmt.suffix)
        self.session_id = session_id
        self.fps = fps
        self._latest: bytes | RawFrame | None = None
        self._latest_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._frames_received = 0
        self._frames_written = 0
        self._size: tuple[int, int] | None = None
        self._container: Any = None
        self._stream: Any = None
        self._font = _font()
        self._cached: tuple[tuple[int, str], Any, Image.Image] | None = None
        self.started_at = 0.0
        self.ended_at = 0.0
        self.error: str | None = None
        self.source = "devtools screencast (Page.startScreencast)"

    def start(self) -> None:
        self.started_at = time.time()
        self._thread = threading.Thread(target=self._run, name="session-video", daemon=True)
        self._thread.start()

    def add_frame(self, jpeg_or_png: bytes) -> None:
        """Latest view of the page as an encoded image (a DevTools screencast frame)."""
        with self._latest_lock:
            self._latest = jpeg_or_png
            self._frames_received += 1

    def add_raw_frame(self, width: int, height: int, stride: int, bgrx: bytes) -> None:
        """Latest view as raw 32-bit pixels, B G R X in memory (a Qt RGB32 image)."""
        with self._latest_lock:
            self._latest = RawFrame(width, height, stride, bgrx)
            self._frames_received += 1

    def stop(self) -> VideoResult | None:
        """Finish the file; None when no frame ever arrived (nothing to show)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        self.ended_at = time.time()
        if self._container is None or self._size is None:
            return None
        return VideoResult(
            self.path,
            self.fmt,
            self.started_at,
            self.ended_at,
            self.fps,
            self._frames_written,
            self._frames_received,
            self._size[0],
            self._size[1],
            self.source,
        )

    # -- encoding thread --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # the recording goes on without video; the reason is kept
            log.exception("session video failed")
            self.error = f"The session video could not be encoded: {exc}."
        finally:
            self._close()

    def _loop(self) -> None:
        current: Image.Image | None = None
        current_raw: bytes | RawFrame | None = None
        while True:
            stopping = self._stop.is_set()
            due = int((time.time() - self.started_at) * self.fps) + 1
            with self._latest_lock:
                raw = self._latest
            if raw is not None and raw is not current_raw:
                current_raw = raw
                try:
                    current = _to_image(raw)
                except Exception:  # a damaged frame: keep showing the previous one
                    log.debug("unreadable video frame skipped")
            if current is not None:
                if self._container is None:
                    self._open(current.size)
                while self._frames_written < due:
                    self._write(current, self._frames_written)
            if stopping:
                return
            self._stop.wait(1.0 / self.fps / 2)

    def _open(self, size: tuple[int, int]) -> None:
        scale = min(1.0, MAX_WIDTH / size[0], MAX_HEIGHT / size[1])
        width = max(2, int(size[0] * scale) // 2 * 2)
        height = max(2, int(size[1] * scale) // 2 * 2)
        self._size = (width, height + STRIP_HEIGHT)
        self._container = av.open(str(self.path), mode="w", format=self.fmt.container)
        stream = self._container.add_stream(self.fmt.codec, rate=self.fps)
        stream.width, stream.height = self._size
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, self.fps)
        if self.fmt.codec in ("libx264", "h264"):
            stream.options = {"preset": "veryfast", "crf": "26", "tune": "stillimage"}
        else:
            stream.options = {"deadline": "realtime", "cpu-used": "8", "crf": "36", "b": "0"}
        self._stream = stream

    def _write(self, frame: Image.Image, index: int) -> None:
        """Encode frame ``index``: the view, and under it the UTC second it shows.

        The strip names whole seconds, so while the view is still, the frames of one second
        are the same picture and are converted once (the encoder then spends next to
        nothing on them); the exact time of frame k is ``started_at + k / fps``.
        """
        assert self._size is not None
        at = dt.datetime.fromtimestamp(self.started_at + index / self.fps, dt.UTC)
        text = f"{at.strftime('%Y-%m-%d %H:%M:%S')} UTC   Proofshot session {self.session_id[:8]}"
        key = (id(frame), text)
        if self._cached is None or self._cached[0] != key:
            width, full_height = self._size
            height = full_height - STRIP_HEIGHT
            canvas = Image.new("RGB", (width, full_height), (20, 22, 28))
            view = frame if frame.size == (width, height) else _fit(frame, (width, height))
            canvas.paste(view, ((width - view.width) // 2, 0))
            draw = ImageDraw.Draw(canvas)
            draw.text((6, height + 5), text, fill=(235, 235, 235), font=self._font)
            converted = av.VideoFrame.from_image(canvas).reformat(format="yuv420p")
            self._cached = (key, converted, frame)
        video_frame = self._cached[1]
        video_frame.pts = index
        for packet in self._stream.encode(video_frame):
            self._container.mux(packet)
        self._frames_written += 1

    def _close(self) -> None:
        if self._container is None:
            return
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
        finally:
            self._container.close()


def _fit(img: Image.Image, box: tuple[int, int]) -> Image.Image:
    scale = min(box[0] / img.width, box[1] / img.height)
    size = (max(1, int(img.width * scale)), max(1, int(img.height * scale)))
    return img.resize(size, Image.Resampling.BILINEAR)


def _font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=14)
    except TypeError:  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def probe(path: Path) -> dict[str, Any]:
    """Frames, rate and duration of a stored video, read back with FFmpeg (for checks)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        rate = float(stream.average_rate or stream.guessed_rate or 0)
        return {
            "codec": stream.codec_context.name,
            "frames": frames,
            "fps": rate,
            "width": stream.width,
            "height": stream.height,
            "duration_seconds": frames / rate if rate else None,
        }
