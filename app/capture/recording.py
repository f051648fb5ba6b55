"""One recording of a capture session: its state and its sinks.

Split out of :class:`~app.capture.session.CaptureSession` (issue 17). :class:`Recording` is
what one recording holds (the WARC being written, the network recorder, the generation
binder, the video, what was stored and what went wrong); :func:`open_recording` builds it
with the recorder's callbacks wired to the sinks here:

  every exchange  -> :func:`on_exchange`: WARC records, problems named, images kept
                     (:class:`RecentImages`), the generation binder fed
  every generation -> :func:`store_generation`: hashed and stored on the case's thread
  WebSocket frames -> the binder; a closed WebSocket -> its WARC record

The callbacks run on the recorder's threads, never on the case's writer.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.capture import store
from app.capture.cdp import CdpClient
from app.capture.exchanges import Exchange
from app.capture.generations import GenerationBinder, GenerationEvent
from app.capture.recorder import NetworkRecorder, WebSocketLog
from app.capture.redaction import redact_string
from app.capture.video import SessionVideo
from app.capture.warc import WarcSink
from app.capture.writer import CaseWriter
from app.core.case import Case
from app.core.media import image_media_type

log = logging.getLogger(__name__)

IMAGE_CACHE_BYTES = 512 * 1024 * 1024

Notify = Callable[[str, dict[str, Any]], None]


@dataclass
class Recording:
    session_id: str
    started_at: float
    target_url: str
    work_dir: Path
    warc: WarcSink
    recorder: NetworkRecorder
    binder: GenerationBinder
    video: SessionVideo | None
    environment_item: Future[int] | None = None
    pending: list[Future[Any]] = field(default_factory=list)
    generation_ids: list[int] = field(default_factory=list)
    page_capture_ids: list[int] = field(default_factory=list)
    download_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    incomplete: list[dict[str, Any]] = field(default_factory=list)
    websockets: list[dict[str, Any]] = field(default_factory=list)
    ticker_stop: threading.Event = field(default_factory=threading.Event)


class RecentImages:
    """The images seen while recording, by URL, as served: the newest kept up to a budget.

    "Capture now" keeps the images a page shows with the bytes the server sent, which the
    recorder saw; re-fetching them could give other bytes. A URL seen again replaces its
    older body; past the byte budget the oldest are dropped first."""

    def __init__(self, budget: int = IMAGE_CACHE_BYTES) -> None:
        self._budget = budget
        self._images: OrderedDict[str, Exchange] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Bytes of image bodies held."""
        return self._bytes

    def remember(self, ex: Exchange) -> None:
        with self._lock:
            old = self._images.pop(ex.url, None)
            if old is not None:
                self._bytes -= len(old.body or b"")
            self._images[ex.url] = ex
            self._bytes += len(ex.body or b"")
            while self._bytes > self._budget and self._images:
                _, dropped = self._images.popitem(last=False)
                self._bytes -= len(dropped.body or b"")

    def get(self, url: str) -> Exchange | None:
        with self._lock:
            return self._images.get(url)


def on_exchange(rec: Recording, ex: Exchange, images: RecentImages) -> None:
    """Recorder worker thread: archive the exchange, keep images, feed the binder."""
    try:
        rec.warc.write_exchange(ex)
    except Exception as exc:  # the archive is evidence too: say it is incomplete
        log.exception("WARC write failed for %s", ex.url)
        rec.problems.append(
            f"An exchange could not be written to the web archive ({ex.url}): {exc}."
        )
    missing = ex.body_missing or {}
    if missing.get("stream_open_at_stop"):
        rec.problems.append(
            f"A stream was still open when recording stopped ({ex.url}): what arrived is"
            " in the archive's metadata, the rest was not seen."
        )
    elif missing and not ex.failure and not ex.truncated:
        rec.problems.append(
            f"The body of {ex.url} could not be read ({missing.get('reason')}; Chromium"
            f" reported {missing.get('reported_length')} bytes): it is recorded as missing."
        )
    if ex.truncated or ex.failure:
        rec.incomplete.append(
            {
                "url": ex.url,
                "status": ex.status,
                "failure": ex.failure,
                "truncated": ex.truncated,
                "note": ex.body_note,
            }
        )
    if ex.body is not None and image_media_type(ex.body) is not None:
        images.remember(ex)
    rec.binder.on_exchange(ex)


def store_generation(
    writer: CaseWriter, rec: Recording, event: GenerationEvent, notify: Notify
) -> None:
    """Hash and store the generation on the case's thread (the recorder's event thread,
    which calls this, must not wait for it)."""
    session_id = rec.session_id

    def write(case: Case) -> int:
        staged = store.prepare_generation_outputs(case.objects, event, session_id=session_id)
        gen_id, _outputs = store.store_generation(
            case, event, session_id=session_id, prepared=staged
        )
        rec.generation_ids.append(gen_id)
        return gen_id

    future = writer.submit(write)
    rec.pending.append(future)

    def done(f: Future[int]) -> None:
        if f.exception() is None:
            notify(
                "generation",
                {
                    "generation_id": f.result(),
                    "prompt": event.prompt,
                    "outputs": len(event.outputs),
                    "binding": event.binding,
                },
            )
        else:
            rec.problems.append(f"A generation could not be stored: {f.exception()}.")

    future.add_done_callback(done)


def open_recording(
    client: CdpClient,
    writer: CaseWriter,
    images: RecentImages,
    notify: Notify,
    *,
    session_id: str,
    started_at: float,
    work_dir: Path,
    target_url: str,
    operator: str,
    intercept: bool,
    video_fps: int,
) -> Recording:
    """A new recording with its WARC, recorder, binder and video wired to the sinks above;
    nothing is started yet (the session starts the recorder, the guard and the video)."""
    warc = WarcSink(
        work_dir / f"session-{session_id[:8]}.warc.gz",
        session_id=session_id,
        operator=operator,
    )
    holder: list[Recording] = []  # the callbacks run only once the recording exists

    def on_ws_frame(ws: WebSocketLog, frame: dict[str, Any]) -> None:
        payload = frame.get("data")
        holder[0].binder.on_ws_frame(
            ws.request_id,
            redact_string(ws.url),
            frame["direction"],
            payload if payload is not None else str(frame.get("text", "")),
            float(frame["at"]),
        )

    def on_ws_closed(ws: WebSocketLog) -> None:
        holder[0].websockets.append(ws.facts())
        holder[0].warc.write_websocket(ws)

    recorder = NetworkRecorder(
        client,
        lambda ex: on_exchange(holder[0], ex, images),
        on_ws_frame=on_ws_frame,
        on_ws_closed=on_ws_closed,
        on_stream=lambda ex: holder[0].binder.on_stream(ex),
        intercept=intercept,
    )
    binder = GenerationBinder(lambda ev: store_generation(writer, holder[0], ev, notify))
    video = SessionVideo(work_dir / "session-video", session_id=session_id, fps=video_fps)
    holder.append(
        Recording(
            session_id=session_id,
            started_at=started_at,
            target_url=redact_string(target_url),
            work_dir=work_dir,
            warc=warc,
            recorder=recorder,
            binder=binder,
            video=video,
        )
    )
    return holder[0]
