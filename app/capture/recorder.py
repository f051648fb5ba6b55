"""The network recorder: every exchange of a tab, with the exact bytes the server sent.

It listens to ``Network.*`` events of one DevTools session and assembles :class:`Exchange`
records. Bodies are fetched with ``Network.getResponseBody`` as soon as a response has
finished loading, on a worker thread of its own, because Chromium keeps bodies only in a
bounded buffer and evicts them as the page goes on (the buffer is raised in
``Network.enable`` too). Completed exchanges are handed, in completion order, to the
``on_exchange`` callback (the WARC writer and the generation binder).

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
from typing import Any

from app.capture.cdp import CdpClient, CdpError
from app.capture.exchanges import Exchange
from app.capture.redaction import redact_exchange

log = logging.getLogger(__name__)

MAX_TOTAL_BUFFER = 512 * 1024 * 1024
MAX_RESOURCE_BUFFER = 128 * 1024 * 1024
MAX_POST_DATA = 16 * 1024 * 1024
BODY_TIMEOUT = 30.0
QUIET_SECONDS = 0.15
"""Bodies are fetched once the tab's network has been quiet this long ..."""
MAX_DEFER_SECONDS = 1.5
"""... or after this long at most. Fetching while a page is still loading competes with it
for Chromium's UI thread; Chromium keeps bodies in its (enlarged) buffer meanwhile."""


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
        body_limit: int = MAX_RESOURCE_BUFFER,
    ) -> None:
        self._client = client
        self._on_exchange = on_exchange
        self._body_limit = body_limit
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

    def stop(self, *, reason: str = "recording stopped before the response finished") -> None:
        """Stop listening; hand on every unfinished exchange as truncated, then drain."""
        self._stopping.set()
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None
        with self._lock:
            unfinished = list(self._open.values())
            self._open.clear()
        for ex in unfinished:
            ex.truncated = ex.truncated or "time"
            ex.body_note = ex.body_note or reason
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
        if not method.startswith("Network."):
            return
        self._last_activity = time.monotonic()
        name = method[len("Network.") :]
        handler = getattr(self, f"_ev_{name}", None)
        if handler is not None:
            handler(p)

    def _ev_requestWillBeSent(self, p: dict[str, Any]) -> None:
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

    def _ev_responseReceivedExtraInfo(self, p: dict[str, Any]) -> None:
        rid = str(p.get("requestId"))
        with self._lock:
            ex = self._open.get(rid)
            if ex is None or ex.status is None:
                self._extra_response[rid] = p
                return
        self._apply_extra_response(ex, p)

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
            ex = self._open.pop(rid, None)
        if ex is None:
            return
        ex.finished_mono = p.get("timestamp")
        ex.failure = str(p.get("errorText") or "failed")
        ex.canceled = bool(p.get("canceled"))
        if p.get("blockedReason"):
            ex.failure += f" (blocked: {p['blockedReason']})"
        ex.truncated = "disconnect" if ex.status is not None else None
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
        if ex.status is None:
            ex.body_note = "no response was received"
            return
        if ex.encoded_length is not None and ex.encoded_length > self._body_limit:
            ex.body_note = f"body larger than {self._body_limit} bytes; not kept"
            return
        if self._client.closed:
            ex.body_note = "the DevTools connection closed before the body could be read"
            return
        try:
            got = self._client.call(
                "Network.getResponseBody", {"requestId": ex.request_id}, timeout=BODY_TIMEOUT
            )
        except CdpError as exc:
            ex.body_note = f"body not available from the browser: {exc}"
            return
        data = got.get("body", "")
        if got.get("base64Encoded"):
            ex.body = base64.b64decode(data)
            return
        # Chromium hands text back decoded; re-encode it in the charset it was served in,
        # which gives the served bytes back for every charset that round-trips.
        charset = _charset(ex.content_type) or "utf-8"
        try:
            ex.body = str(data).encode(charset)
        except (LookupError, UnicodeEncodeError):
            ex.body = str(data).encode("utf-8")
            ex.body_note = f"text served as {charset} was kept re-encoded as UTF-8"


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip('"')
    return None
