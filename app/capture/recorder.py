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
"""

from __future__ import annotations

import base64
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from app.capture.cdp import CdpClient, CdpError
from app.capture.exchanges import Exchange, header_value
from app.capture.redaction import redact_exchange

log = logging.getLogger(__name__)

MAX_TOTAL_BUFFER = 512 * 1024 * 1024
MAX_RESOURCE_BUFFER = 128 * 1024 * 1024
MAX_POST_DATA = 16 * 1024 * 1024
BODY_TIMEOUT = 30.0
QUIET_SECONDS = 0.15
"""Bodies are fetched once the tab's network has been quiet this long ..."""
INTERCEPT_TYPES = ("XHR", "Fetch", "Image", "Media", "Other")
"""Resource types whose responses are paused to take the body. Documents are not paused:
a page cannot hand its own document to a blob, and holding a document back until its last
byte would stop a slow page from rendering progressively (a hanging page would show
nothing at all); scripts, styles and fonts are left to ``Network.getResponseBody`` too."""
PAUSE_BODY_TIMEOUT = 15.0
"""A paused body not complete within this long is let go (and taken from Network later)."""
MAX_INLINE_BODY = 5_000_000
"""Bodies up to this size come in one ``Fetch.getResponseBody``; larger (or unknown-length
binary) ones are read as a stream in :data:`STREAM_CHUNK` pieces."""
STREAM_CHUNK = 1024 * 1024
_TEXTUAL = ("text/", "json", "javascript", "xml", "ndjson")
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


def _headers(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


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
        self._taken: dict[str, tuple[bytes | None, str]] = {}
        """Network request id -> (body taken at the response stage or None, how / why not)."""
        self._pauses: ThreadPoolExecutor | None = None
        self._failed_ids: set[str] = set()
        self.intercepted = 0
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
        self.count = 0

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
            self._pauses = ThreadPoolExecutor(max_workers=4, thread_name_prefix="recorder-fetch")
            patterns = [
                {"urlPattern": "*", "resourceType": kind, "requestStage": "Response"}
                for kind in INTERCEPT_TYPES
            ]
            try:
                self._client.call("Fetch.enable", {"patterns": patterns})
            except CdpError as exc:  # an old browser: bodies come from Network only
                log.warning("response-stage interception unavailable: %s", exc)
                self._intercept = False

    def stop(self, *, reason: str = "recording stopped before the response finished") -> None:
        """Stop listening; hand on every unfinished exchange as truncated, then drain."""
        self._stopping.set()
        if self._intercept and not self._client.closed:
            try:  # releases any response still paused
                self._client.call("Fetch.disable", timeout=5)
            except CdpError:
                pass
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None
        if self._pauses is not None:
            self._pauses.shutdown(wait=True, cancel_futures=False)
            self._pauses = None
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
            pauses = self._pauses
            if pauses is not None:
                try:
                    pauses.submit(self._on_paused, p)
                    return
                except RuntimeError:  # shutting down: let it go on untouched
                    pass
            self._continue(str(p.get("requestId")))
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
        req = p.get("request") or {}
        redirect = p.get("redirectResponse")
        previous = None
        with self._lock:
            if redirect is not None and rid in self._open:
                previous = self._open.pop(rid)
        if previous is not None:
            self._apply_response(previous, redirect, p.get("timestamp"))
            previous.finished_mono = p.get("timestamp")
            previous.redirected_to = str(req.get("url", ""))
            previous.body = b""
            previous.body_note = "redirect: no body is kept for a redirect response"
            self._enqueue(previous)
        url = str(req.get("url", ""))
        if req.get("urlFragment"):
            url += str(req["urlFragment"])
        ex = Exchange(
            request_id=rid,
            url=url,
            method=str(req.get("method", "GET")),
            resource_type=str(p.get("type", "")),
            frame_id=str(p.get("frameId", "")),
            loader_id=str(p.get("loaderId", "")),
            document_url=str(p.get("documentURL", "")),
            request_headers=_headers(req.get("headers")),
            has_post_data=bool(req.get("hasPostData")),
            started_wall=float(p.get("wallTime") or 0.0),
            started_mono=float(p.get("timestamp") or 0.0),
        )
        entries = req.get("postDataEntries")
        if isinstance(entries, list) and entries and all("bytes" in e for e in entries):
            ex.post_data = b"".join(base64.b64decode(e["bytes"]) for e in entries)
        elif isinstance(req.get("postData"), str):
            ex.post_data = req["postData"].encode("utf-8")
        with self._lock:
            extra = self._extra_request.pop(rid, None)
            if extra is not None:
                ex.request_headers_raw = extra
            self._open[rid] = ex

    def _ev_requestWillBeSentExtraInfo(self, p: dict[str, Any]) -> None:
        rid = str(p.get("requestId"))
        headers = _headers(p.get("headers"))
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
        self._apply_response(ex, p.get("response") or {}, p.get("timestamp"))
        if p.get("type"):
            ex.resource_type = str(p["type"])
        with self._lock:
            extra = self._extra_response.pop(rid, None)
        if extra is not None:
            self._apply_extra_response(ex, extra)
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
        self._apply_extra_response(ex, p)

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
            ws.request_headers = _headers((p.get("request") or {}).get("headers"))

    def _ev_webSocketHandshakeResponseReceived(self, p: dict[str, Any]) -> None:
        ws = self.sockets.get(str(p.get("requestId")))
        if ws is not None:
            resp = p.get("response") or {}
            ws.status = int(resp.get("status") or 0) or None
            ws.response_headers = _headers(resp.get("headers"))

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
        with self._lock:
            self._failed_ids.add(rid)
            if len(self._failed_ids) > 5000:
                self._failed_ids.clear()
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
        with self._lock:
            self._taken.pop(rid, None)
        self._enqueue(ex)

    # -- response details -------------------------------------------------------------------

    @staticmethod
    def _apply_response(ex: Exchange, resp: dict[str, Any], mono: Any) -> None:
        ex.status = int(resp.get("status") or 0) or None
        ex.status_text = str(resp.get("statusText", ""))
        ex.protocol = str(resp.get("protocol", ""))
        ex.response_headers = _headers(resp.get("headers"))
        if resp.get("headersText"):
            ex.response_headers_text = str(resp["headersText"])
        ex.mime_type = str(resp.get("mimeType", ""))
        ex.remote_ip = resp.get("remoteIPAddress") or None
        ex.remote_port = resp.get("remotePort") or None
        ex.security_state = resp.get("securityState")
        ex.security_details = resp.get("securityDetails")
        ex.timing = resp.get("timing")
        ex.from_disk_cache = bool(resp.get("fromDiskCache"))
        ex.from_service_worker = bool(resp.get("fromServiceWorker"))
        ex.response_mono = float(mono) if mono is not None else None
        if ex.request_headers_raw is None and isinstance(resp.get("requestHeaders"), dict):
            ex.request_headers_raw = _headers(resp["requestHeaders"])

    @staticmethod
    def _apply_extra_response(ex: Exchange, p: dict[str, Any]) -> None:
        ex.response_headers_raw = _headers(p.get("headers"))
        if p.get("headersText"):
            ex.response_headers_text = str(p["headersText"])

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
        with self._lock:
            taken, how = self._taken.pop(ex.request_id, (None, ""))
        if taken is not None:
            ex.body = taken
            ex.body_source = how
            return
        if ex.status is None:
            ex.body_note = "no response was received"
            return
        if 300 <= (ex.status or 0) < 400 or ex.status in (204, 304):
            ex.body = b""  # no body by definition
            return
        if ex.encoded_length is not None and ex.encoded_length > self._body_limit:
            self._missing(ex, f"body larger than {self._body_limit} bytes; not kept")
            return
        if self._client.closed:
            self._missing(ex, "the DevTools connection closed before the body could be read")
            return
        try:
            got = self._client.call(
                "Network.getResponseBody", {"requestId": ex.request_id}, timeout=BODY_TIMEOUT
            )
        except CdpError as exc:
            if ex.stream_data:
                ex.body = bytes(ex.stream_data)
                ex.body_source = "Network.streamResourceContent"
                return
            reason = f"body not available from the browser: {exc}"
            if how:
                reason += f" (response stage: {how})"
            self._missing(ex, reason)
            return
        body = _decoded(got, ex.content_type)
        if body[1]:
            ex.body_note = body[1]
        if not body[0] and ex.stream_data:
            ex.body = bytes(ex.stream_data)
            ex.body_source = "Network.streamResourceContent"
            return
        if not body[0] and (ex.data_received > 0 or _declared_length(ex) > 0):
            # Chromium measured a body but hands back nothing (a body the page consumed
            # as a blob, say): recording it as an empty response would be false.
            reason = "the browser returned an empty body for a response it measured"
            if how:
                reason += f" (response stage: {how})"
            self._missing(ex, reason)
            return
        ex.body = body[0]
        ex.body_source = "Network.getResponseBody"

    @staticmethod
    def _missing(ex: Exchange, reason: str) -> None:
        ex.body = None
        ex.body_note = reason
        ex.body_missing = {
            "reason": reason,
            # Decoded bytes Chromium counted arriving, else the bytes it measured on the wire.
            "reported_length": ex.data_received or ex.encoded_length or 0,
            "data_received": ex.data_received,
            "declared_length": _declared_length(ex) or None,
            "encoded_length": ex.encoded_length,
        }

    # -- response stage (Fetch domain, worker pool) -----------------------------------------

    def _continue(self, fetch_id: str) -> None:
        if self._client.closed:
            return
        try:
            self._client.call("Fetch.continueResponse", {"requestId": fetch_id}, timeout=10)
        except CdpError:
            try:
                self._client.call("Fetch.continueRequest", {"requestId": fetch_id}, timeout=10)
            except CdpError:
                pass  # the request is gone (the page navigated away)

    def _on_paused(self, p: dict[str, Any]) -> None:
        fetch_id = str(p.get("requestId"))
        network_id = str(p.get("networkId") or "")
        fulfilled = False
        try:
            fulfilled = self._take_paused(p, network_id)
        except Exception as exc:  # never leave a response paused
            log.exception("taking a paused response failed")
            with self._lock:
                self._taken[network_id] = (None, f"failed: {exc}")
        finally:
            if not fulfilled:
                self._continue(fetch_id)

    def _await(
        self, method: str, params: dict[str, Any], network_id: str, timeout: float
    ) -> dict[str, Any] | None:
        """A DevTools call that gives up early when the request fails or recording stops
        (a body that will never complete must not hold a worker for the whole timeout)."""
        msg_id, future = self._client.call_async(method, params)
        deadline = time.monotonic() + timeout
        while True:
            try:
                return future.result(timeout=0.2)
            except FutureTimeout:
                pass
            with self._lock:
                failed = network_id in self._failed_ids
            if failed or self._stopping.is_set() or time.monotonic() >= deadline:
                self._client.forget(msg_id)
                if not failed:
                    with self._lock:
                        self._taken[network_id] = (
                            None,
                            f"not complete within {timeout:g} s at the response stage",
                        )
                return None

    def _take_paused(self, p: dict[str, Any], network_id: str) -> bool:
        """Read the paused response's body; True when it was handed back by fulfilRequest."""
        status = p.get("responseStatusCode")
        if status is None or p.get("responseErrorReason") or not network_id:
            return False
        status = int(status)
        if 300 <= status < 400 or status in (204, 304):
            return False
        headers = {
            str(h.get("name", "")).lower(): str(h.get("value", ""))
            for h in p.get("responseHeaders") or []
        }
        ctype = headers.get("content-type", "").lower()
        if "event-stream" in ctype:
            return False  # a stream: pausing it would hold it back until it ends
        try:
            length: int | None = int(headers.get("content-length", ""))
        except ValueError:
            length = None
        textual = any(t in ctype for t in _TEXTUAL)
        if length is None and textual:
            return False  # may be a streamed reply; Network.getResponseBody takes it after
        if length is not None and length > self._body_limit:
            with self._lock:
                self._taken[network_id] = (None, f"larger than {self._body_limit} bytes")
            return False
        fetch_id = str(p.get("requestId"))
        if length is not None and length <= MAX_INLINE_BODY:
            got = self._await(
                "Fetch.getResponseBody", {"requestId": fetch_id}, network_id, PAUSE_BODY_TIMEOUT
            )
            if got is None:
                return False  # the request was cancelled (the page moved on) or too slow
            body, note = _decoded(got, headers.get("content-type", ""))
            with self._lock:
                self._taken[network_id] = (
                    body,
                    "Fetch.getResponseBody" + (f"; {note}" if note else ""),
                )
            self.intercepted += 1
            return False
        # Large or unknown length: read it as a stream, then hand the same bytes on.
        handle = self._client.call(
            "Fetch.takeResponseBodyAsStream", {"requestId": fetch_id}, timeout=BODY_TIMEOUT
        ).get("stream")
        chunks: list[bytes] = []
        total = 0
        try:
            while True:
                got = self._client.call(
                    "IO.read", {"handle": handle, "size": STREAM_CHUNK}, timeout=BODY_TIMEOUT
                )
                data = got.get("data", "")
                piece = (
                    base64.b64decode(data)
                    if got.get("base64Encoded")
                    else str(data).encode("utf-8")
                )
                chunks.append(piece)
                total += len(piece)
                if got.get("eof") or total > self._body_limit:
                    break
        finally:
            try:
                self._client.call("IO.close", {"handle": handle}, timeout=10)
            except CdpError:
                pass
        body = b"".join(chunks)
        kept: bytes | None = body if total <= self._body_limit else None
        with self._lock:
            self._taken[network_id] = (
                kept,
                "Fetch.takeResponseBodyAsStream" if kept is not None else "too large",
            )
        self.intercepted += 1
        self._client.call(
            "Fetch.fulfillRequest",
            {
                "requestId": fetch_id,
                "responseCode": status,
                "responseHeaders": p.get("responseHeaders") or [],
                "body": base64.b64encode(body).decode("ascii"),
                **(
                    {"responsePhrase": p["responseStatusText"]}
                    if p.get("responseStatusText")
                    else {}
                ),
            },
            timeout=BODY_TIMEOUT,
        )
        return True


def _decoded(got: dict[str, Any], content_type: str) -> tuple[bytes, str | None]:
    """A DevTools body answer as bytes, and a note when the served bytes may differ."""
    data = got.get("body", "")
    if got.get("base64Encoded"):
        return base64.b64decode(data), None
    # Chromium hands text back decoded; re-encode it in the charset it was served in,
    # which gives the served bytes back for every charset that round-trips.
    charset = _charset(content_type) or "utf-8"
    try:
        return str(data).encode(charset), None
    except (LookupError, UnicodeEncodeError):
        return str(data).encode("utf-8"), f"text served as {charset} was kept re-encoded as UTF-8"


def _declared_length(ex: Exchange) -> int:
    try:
        return int(header_value(ex.all_response_headers(), "content-length") or 0)
    except ValueError:
        return 0


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip('"')
    return None
