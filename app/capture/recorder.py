"""The network recorder: every exchange of a tab, with the exact bytes the server sent.

It listens to ``Network.*`` events of one DevTools session and assembles :class:`Exchange`
records. Bodies are taken first at the *response stage* of the DevTools ``Fetch`` domain
(the way Webrecorder's browsertrix-crawler recorder does): Chromium pauses each response
of the types in :data:`INTERCEPT_TYPES` after its headers, the recorder reads the whole body
(``Fetch.getResponseBody``; large or unknown-length binary bodies through
``Fetch.takeResponseBodyAsStream`` + ``IO.read``, then handed back unchanged with
``Fetch.fulfillRequest``) and lets it go on. So a body is held whatever the page then does
with it -- ``Response.blob()``, ``createImageBitmap``, a ``<canvas>`` -- which
``Network.getResponseBody`` cannot promise. Event streams and unknown-length text (chat
replies streamed over ``fetch``) are never paused, so streaming is not held back; their
bodies come from ``Network.getResponseBody`` once finished, as before, on a worker thread of
its own, because Chromium keeps bodies only in a bounded buffer (raised in
``Network.enable``). Completed exchanges are handed, in completion order, to the
``on_exchange`` callback (the WARC writer and the generation binder).

A body that could not be had is never recorded as empty: ``Exchange.body`` stays ``None``
and ``Exchange.body_missing`` names the reason and the length Chromium reported.

An exchange that never finishes (a hanging server) or fails (a dropped connection, an
aborted download) is still handed on when it fails or when recording stops, marked as
truncated with the reason, so nothing seen is lost.

The recorder keeps the open exchanges and the order of events; its parts live beside it
(issue 17): the response stage in :mod:`app.capture.response_stage`, taking a finished
exchange's body in :mod:`app.capture.bodies`, building an exchange from event fields in
:mod:`app.capture.assembly`.
"""

from __future__ import annotations

import base64
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.capture.assembly import (
    apply_extra_response,
    apply_response,
    exchange_from_request,
    headers_of,
    redirected,
)
from app.capture.bodies import BODY_TIMEOUT, fetch_body
from app.capture.cdp import CdpClient, CdpError
from app.capture.exchanges import Exchange
from app.capture.redaction import redact_exchange
from app.capture.response_stage import INTERCEPT_TYPES as INTERCEPT_TYPES
from app.capture.response_stage import ResponseStage

log = logging.getLogger(__name__)

MAX_TOTAL_BUFFER = 512 * 1024 * 1024
MAX_RESOURCE_BUFFER = 128 * 1024 * 1024
MAX_POST_DATA = 16 * 1024 * 1024
QUIET_SECONDS = 0.15
"""Bodies are fetched once the tab's network has been quiet this long ..."""
MAX_DEFER_SECONDS = 1.5
"""... or after this long at most. Fetching while a page is still loading competes with it
for Chromium's UI thread; Chromium keeps bodies in its (enlarged) buffer meanwhile."""


@dataclass
class WebSocketLog:
    """One WebSocket of the tab: handshake and every frame sent and received, with times."""

    request_id: str
    url: str
    created_wall: float
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    frames: list[dict[str, Any]] = field(default_factory=list)
    closed_wall: float | None = None
    errors: list[str] = field(default_factory=list)
    dropped_frames: int = 0

    def facts(self) -> dict[str, Any]:
        sent = sum(1 for f in self.frames if f["direction"] == "sent")
        return {
            "url": self.url,
            "status": self.status,
            "frames_sent": sent,
            "frames_received": len(self.frames) - sent,
            "frames_not_kept": self.dropped_frames,
            "closed": self.closed_wall is not None,
            "errors": self.errors,
        }


MAX_FRAMES = 20000


class NetworkRecorder:
    """Records the exchanges of one tab while started."""

    def __init__(
        self,
        client: CdpClient,
        on_exchange: Callable[[Exchange], None],
        *,
        on_ws_frame: Callable[[WebSocketLog, dict[str, Any]], None] | None = None,
        on_ws_closed: Callable[[WebSocketLog], None] | None = None,
        on_stream: Callable[[Exchange], None] | None = None,
        body_limit: int = MAX_RESOURCE_BUFFER,
        intercept: bool = True,
    ) -> None:
        self._client = client
        self._on_exchange = on_exchange
        self._body_limit = body_limit
        self._intercept = intercept
        self._on_ws_frame = on_ws_frame
        self._on_ws_closed = on_ws_closed
        self._on_stream = on_stream
        self.sockets: dict[str, WebSocketLog] = {}
        self._mono_offset: float | None = None  # wall - monotonic DevTools time
        self.open_streams: dict[str, str] = {}
        """Network request id -> URL of event streams still open (for the problems list)."""
        self._open: dict[str, Exchange] = {}
        self._extra_request: dict[str, dict[str, str]] = {}
        self._extra_response: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._work: queue.Queue[Exchange | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._remove_listener: Callable[[], None] | None = None
        self._idle = threading.Condition()
        self._queued = 0
        self._last_activity = time.monotonic()
        self._stopping = threading.Event()
        self._hurry = threading.Event()
        self._stage = ResponseStage(client, body_limit, self._stopping)
        self.count = 0

    @property
    def intercepted(self) -> int:
        """Bodies taken at the response stage so far."""
        return self._stage.intercepted

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._worker = threading.Thread(target=self._work_loop, name="recorder-bodies")
        self._worker.daemon = True
        self._worker.start()
        self._remove_listener = self._client.add_listener(self._on_event)
        self._client.call(
            "Network.enable",
            {
                "maxTotalBufferSize": MAX_TOTAL_BUFFER,
                "maxResourceBufferSize": MAX_RESOURCE_BUFFER,
                "maxPostDataSize": MAX_POST_DATA,
            },
        )
        if self._intercept:
            self._intercept = self._stage.start()

    def stop(self, *, reason: str = "recording stopped before the response finished") -> None:
        """Stop listening; hand on every unfinished exchange as truncated, then drain."""
        self._stopping.set()
        if self._intercept:
            self._stage.disable()  # releases any response still paused
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None
        self._stage.shutdown()
        with self._lock:
            unfinished = list(self._open.values())
            self._open.clear()
        for ex in unfinished:
            ex.truncated = ex.truncated or "time"
            ex.body_note = ex.body_note or reason
            ex.body_missing = {
                "reason": reason,
                "reported_length": ex.data_received,
                "stream_open_at_stop": bool(
                    ex.event_stream or "event-stream" in ex.content_type.lower()
                ),
            }
            self._enqueue(ex)
        self._work.put(None)
        if self._worker is not None:
            self._worker.join(timeout=BODY_TIMEOUT + 5)
            self._worker = None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Fetch every waiting body now (no quiet period) and wait until all are handed on."""
        self._hurry.set()
        try:
            with self._idle:
                return self._idle.wait_for(lambda: self._queued == 0, timeout=timeout)
        finally:
            self._hurry.clear()

    def open_count(self) -> int:
        with self._lock:
            return len(self._open)

    # -- events (dispatcher thread) ---------------------------------------------------------

    def _on_event(self, method: str, p: dict[str, Any]) -> None:
        if method == "Fetch.requestPaused":
            self._stage.on_paused(p)
            return
        if not method.startswith("Network."):
            return
        self._last_activity = time.monotonic()
        name = method[len("Network.") :]
        handler = getattr(self, f"_ev_{name}", None)
        if handler is not None:
            handler(p)

    def _ev_requestWillBeSent(self, p: dict[str, Any]) -> None:
        if p.get("wallTime") and p.get("timestamp") is not None:
            self._mono_offset = float(p["wallTime"]) - float(p["timestamp"])
        rid = str(p.get("requestId"))
        redirect = p.get("redirectResponse")
        previous = None
        with self._lock:
            if redirect is not None and rid in self._open:
                previous = self._open.pop(rid)
        if previous is not None:
            self._enqueue(redirected(previous, redirect, p))
        ex = exchange_from_request(p)
        with self._lock:
            extra = self._extra_request.pop(rid, None)
            if extra is not None:
                ex.request_headers_raw = extra
            self._open[rid] = ex

    def _ev_requestWillBeSentExtraInfo(self, p: dict[str, Any]) -> None:
        rid = str(p.get("requestId"))
        headers = headers_of(p.get("headers"))
        with self._lock:
            ex = self._open.get(rid)
            if ex is not None and ex.request_headers_raw is None:
                ex.request_headers_raw = headers
            elif ex is None:
                self._extra_request[rid] = headers

    def _ev_responseReceived(self, p: dict[str, Any]) -> None:
        rid = str(p.get("requestId"))
        with self._lock:
            ex = self._open.get(rid)
        if ex is None:
            return
        apply_response(ex, p.get("response") or {}, p.get("timestamp"))
        if p.get("type"):
            ex.resource_type = str(p["type"])
        with self._lock:
            extra = self._extra_response.pop(rid, None)
        if extra is not None:
            apply_extra_response(ex, extra)
        if "event-stream" in ex.content_type.lower() and not self._client.closed:
            # Read the stream as it arrives (its messages may name outputs long before it
            # ends, and it may never end). Called here, on the dispatcher, so the buffered
            # start comes before every later dataReceived event.
            try:
                got = self._client.call(
                    "Network.streamResourceContent", {"requestId": rid}, timeout=5
                )
                ex.stream_data = bytearray(base64.b64decode(got.get("bufferedData") or ""))
            except (CdpError, ValueError) as exc:
                log.info("streaming %s not available: %s", ex.url, exc)

    def _ev_responseReceivedExtraInfo(self, p: dict[str, Any]) -> None:
        rid = str(p.get("requestId"))
        with self._lock:
            ex = self._open.get(rid)
            if ex is None or ex.status is None:
                self._extra_response[rid] = p
                return
        apply_extra_response(ex, p)

    # -- WebSockets ------------------------------------------------------------------------

    def _wall(self, mono: Any) -> float:
        if mono is not None and self._mono_offset is not None:
            return float(mono) + self._mono_offset
        return time.time()

    def _ev_webSocketCreated(self, p: dict[str, Any]) -> None:
        rid = str(p.get("requestId"))
        self.sockets[rid] = WebSocketLog(rid, str(p.get("url", "")), time.time())

    def _ev_webSocketWillSendHandshakeRequest(self, p: dict[str, Any]) -> None:
        if p.get("wallTime") and p.get("timestamp") is not None:
            self._mono_offset = float(p["wallTime"]) - float(p["timestamp"])
        ws = self.sockets.get(str(p.get("requestId")))
        if ws is not None:
            ws.created_wall = float(p.get("wallTime") or ws.created_wall)
            ws.request_headers = headers_of((p.get("request") or {}).get("headers"))

    def _ev_webSocketHandshakeResponseReceived(self, p: dict[str, Any]) -> None:
        ws = self.sockets.get(str(p.get("requestId")))
        if ws is not None:
            resp = p.get("response") or {}
            ws.status = int(resp.get("status") or 0) or None
            ws.response_headers = headers_of(resp.get("headers"))

    def _frame(self, p: dict[str, Any], direction: str) -> None:
        ws = self.sockets.get(str(p.get("requestId")))
        if ws is None:
            return
        frame = p.get("response") or {}
        opcode = int(frame.get("opcode") or 0)
        payload = str(frame.get("payloadData") or "")
        entry: dict[str, Any] = {
            "direction": direction,
            "opcode": opcode,
            "at": self._wall(p.get("timestamp")),
        }
        if opcode == 2:
            try:
                data = base64.b64decode(payload)
            except ValueError:
                data = payload.encode("utf-8")
            entry["data"] = data
        else:
            entry["text"] = payload
        if len(ws.frames) < MAX_FRAMES:
            ws.frames.append(entry)
        else:
            ws.dropped_frames += 1
        if self._on_ws_frame is not None:
            try:
                self._on_ws_frame(ws, entry)
            except Exception:  # the binder must never stop the recording
                log.exception("a WebSocket frame could not be read")

    def _ev_webSocketFrameSent(self, p: dict[str, Any]) -> None:
        self._frame(p, "sent")

    def _ev_webSocketFrameReceived(self, p: dict[str, Any]) -> None:
        self._frame(p, "received")

    def _ev_webSocketFrameError(self, p: dict[str, Any]) -> None:
        ws = self.sockets.get(str(p.get("requestId")))
        if ws is not None:
            ws.errors.append(str(p.get("errorMessage", "")))

    def _ev_webSocketClosed(self, p: dict[str, Any]) -> None:
        ws = self.sockets.pop(str(p.get("requestId")), None)
        if ws is None:
            return
        ws.closed_wall = self._wall(p.get("timestamp"))
        if self._on_ws_closed is not None:
            self._on_ws_closed(ws)

    def open_sockets(self) -> list[WebSocketLog]:
        """Sockets still open (call after :meth:`stop`: they were open at the end)."""
        return list(self.sockets.values())

    def _ev_dataReceived(self, p: dict[str, Any]) -> None:
        with self._lock:
            ex = self._open.get(str(p.get("requestId")))
            if ex is not None:
                ex.data_received += int(p.get("dataLength") or 0)
        if ex is None or ex.stream_data is None or not p.get("data"):
            return
        try:
            chunk = base64.b64decode(p["data"])
        except ValueError:
            return
        if len(ex.stream_data) < self._body_limit:
            ex.stream_data += chunk
        if self._on_stream is not None and b"\n\n" in chunk:
            try:
                self._on_stream(ex)
            except Exception:  # reading a stream must never stop the recording
                log.exception("reading the stream %s failed", ex.url)

    def _ev_eventSourceMessageReceived(self, p: dict[str, Any]) -> None:
        with self._lock:
            ex = self._open.get(str(p.get("requestId")))
        if ex is not None and len(ex.event_stream) < 10000:
            ex.event_stream.append(
                {
                    "event": p.get("eventName"),
                    "id": p.get("eventId"),
                    "data": p.get("data"),
                    "at": ex.wall(p.get("timestamp")),
                }
            )

    def _ev_loadingFinished(self, p: dict[str, Any]) -> None:
        rid = str(p.get("requestId"))
        with self._lock:
            ex = self._open.pop(rid, None)
        if ex is None:
            return
        ex.finished_mono = p.get("timestamp")
        ex.encoded_length = p.get("encodedDataLength")
        self._enqueue(ex)

    def _ev_loadingFailed(self, p: dict[str, Any]) -> None:
        rid = str(p.get("requestId"))
        self._stage.note_failed(rid)
        with self._lock:
            ex = self._open.pop(rid, None)
        if ex is None:
            return
        ex.finished_mono = p.get("timestamp")
        ex.failure = str(p.get("errorText") or "failed")
        ex.canceled = bool(p.get("canceled"))
        if p.get("blockedReason"):
            ex.failure += f" (blocked: {p['blockedReason']})"
        ex.truncated = "disconnect" if ex.status is not None else None
        if ex.status is not None:
            ex.body_missing = {
                "reason": ex.failure,
                "reported_length": ex.data_received,
                "canceled": ex.canceled,
            }
        self._stage.forget(rid)
        self._enqueue(ex)

    # -- bodies (worker thread) -------------------------------------------------------------

    def _enqueue(self, ex: Exchange) -> None:
        with self._idle:
            self._queued += 1
        self._work.put(ex)

    def _work_loop(self) -> None:
        while True:
            ex = self._work.get()
            if ex is None:
                return
            self._wait_for_quiet()
            try:
                self._complete(ex)
            except Exception:  # a faulty exchange must not stop the recording
                log.exception("recording %s failed", ex.url)
            finally:
                with self._idle:
                    self._queued -= 1
                    self._idle.notify_all()

    def _wait_for_quiet(self) -> None:
        deadline = time.monotonic() + MAX_DEFER_SECONDS
        while not self._stopping.is_set() and not self._hurry.is_set():
            now = time.monotonic()
            if now >= deadline or now - self._last_activity >= QUIET_SECONDS:
                return
            self._hurry.wait(min(QUIET_SECONDS, deadline - now))

    def _complete(self, ex: Exchange) -> None:
        if ex.has_post_data and ex.post_data is None and not self._client.closed:
            try:
                got = self._client.call(
                    "Network.getRequestPostData", {"requestId": ex.request_id}, timeout=10
                )
                ex.post_data = str(got.get("postData", "")).encode("utf-8")
            except CdpError as exc:
                ex.body_note = f"request body not available: {exc}"
        if ex.body is None and ex.failure is None and ex.truncated is None:
            self._fetch_body(ex)
        self.count += 1
        redact_exchange(ex)  # before anything stores it: WARC, items, generations
        self._on_exchange(ex)

    def _fetch_body(self, ex: Exchange) -> None:
        taken, how = self._stage.take(ex.request_id)
        fetch_body(self._client, ex, taken, how, self._body_limit)
