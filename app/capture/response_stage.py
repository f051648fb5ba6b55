"""Taking bodies at the response stage: the DevTools ``Fetch`` domain's half of recording.

Split out of :class:`~app.capture.recorder.NetworkRecorder` (issue 17). Chromium pauses each
response of the types in :data:`INTERCEPT_TYPES` after its headers (the way Webrecorder's
browsertrix-crawler recorder does); :class:`ResponseStage` reads the whole body on a worker
pool (``Fetch.getResponseBody``; large or unknown-length binary bodies through
``Fetch.takeResponseBodyAsStream`` + ``IO.read``, then handed back unchanged with
``Fetch.fulfillRequest``) and lets the response go on. The recorder later takes what was read
(:meth:`ResponseStage.take`) for the exchange it belongs to. Which paused responses are read,
and how, is the pure :func:`pause_plan`.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, NamedTuple

from app.capture.bodies import BODY_TIMEOUT, decoded
from app.capture.cdp import CdpClient, CdpError

log = logging.getLogger(__name__)

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

SKIP, TOO_LARGE, INLINE, STREAM = "skip", "too-large", "inline", "stream"


class PausePlan(NamedTuple):
    """What to do with one paused response: ``action`` is one of :data:`SKIP` (let it go
    untouched), :data:`TOO_LARGE` (let it go, noting why), :data:`INLINE` (one
    ``Fetch.getResponseBody``) or :data:`STREAM` (read as a stream, then fulfil)."""

    action: str
    status: int = 0
    content_type: str = ""


def pause_plan(p: dict[str, Any], network_id: str, body_limit: int) -> PausePlan:
    """Decide from a ``Fetch.requestPaused`` event how (and whether) to take its body.

    Redirects, bodiless statuses, failed responses, event streams and unknown-length text
    (maybe a streamed reply; ``Network.getResponseBody`` takes it after) are not read here."""
    status = p.get("responseStatusCode")
    if status is None or p.get("responseErrorReason") or not network_id:
        return PausePlan(SKIP)
    status = int(status)
    if 300 <= status < 400 or status in (204, 304):
        return PausePlan(SKIP, status)
    headers = {
        str(h.get("name", "")).lower(): str(h.get("value", ""))
        for h in p.get("responseHeaders") or []
    }
    content_type = headers.get("content-type", "")
    ctype = content_type.lower()
    if "event-stream" in ctype:
        return PausePlan(SKIP, status)  # pausing a stream would hold it back until it ends
    try:
        length: int | None = int(headers.get("content-length", ""))
    except ValueError:
        length = None
    if length is None and any(t in ctype for t in _TEXTUAL):
        return PausePlan(SKIP, status)
    if length is not None and length > body_limit:
        return PausePlan(TOO_LARGE, status, content_type)
    if length is not None and length <= MAX_INLINE_BODY:
        return PausePlan(INLINE, status, content_type)
    return PausePlan(STREAM, status, content_type)


class ResponseStage:
    """Paused responses of one tab: their bodies read on a worker pool, kept by network id."""

    def __init__(self, client: CdpClient, body_limit: int, stopping: threading.Event) -> None:
        self._client = client
        self._body_limit = body_limit
        self._stopping = stopping
        self._lock = threading.Lock()
        self._pauses: ThreadPoolExecutor | None = None
        self._taken: dict[str, tuple[bytes | None, str]] = {}
        """Network request id -> (body taken at the response stage or None, how / why not)."""
        self._failed_ids: set[str] = set()
        self.intercepted = 0

    # -- lifecycle (the recorder's start and stop) -------------------------------------------

    def start(self) -> bool:
        """Ask Chromium to pause responses; False when it cannot (an old browser)."""
        self._pauses = ThreadPoolExecutor(max_workers=4, thread_name_prefix="recorder-fetch")
        patterns = [
            {"urlPattern": "*", "resourceType": kind, "requestStage": "Response"}
            for kind in INTERCEPT_TYPES
        ]
        try:
            self._client.call("Fetch.enable", {"patterns": patterns})
        except CdpError as exc:  # an old browser: bodies come from Network only
            log.warning("response-stage interception unavailable: %s", exc)
            return False
        return True

    def disable(self) -> None:
        """Stop pausing; releases any response still paused."""
        if self._client.closed:
            return
        try:
            self._client.call("Fetch.disable", timeout=5)
        except CdpError:
            pass

    def shutdown(self) -> None:
        """Wait for the bodies being read (they give up once recording stops)."""
        if self._pauses is not None:
            self._pauses.shutdown(wait=True, cancel_futures=False)
            self._pauses = None

    # -- what the recorder asks ----------------------------------------------------------------

    def take(self, network_id: str) -> tuple[bytes | None, str]:
        """The body read for this request (or None) and how it was read or why not."""
        with self._lock:
            return self._taken.pop(network_id, (None, ""))

    def note_failed(self, network_id: str) -> None:
        """The request failed: a body still being read for it is given up, none is kept."""
        with self._lock:
            self._failed_ids.add(network_id)
            if len(self._failed_ids) > 5000:
                self._failed_ids.clear()

    def forget(self, network_id: str) -> None:
        with self._lock:
            self._taken.pop(network_id, None)

    def _keep(self, network_id: str, body: bytes | None, how: str) -> None:
        with self._lock:
            self._taken[network_id] = (body, how)

    # -- paused responses (dispatcher thread, then the worker pool) ----------------------------

    def on_paused(self, p: dict[str, Any]) -> None:
        """A ``Fetch.requestPaused`` event: read it on the pool, or let it go on at once."""
        pauses = self._pauses
        if pauses is not None:
            try:
                pauses.submit(self._handle, p)
                return
            except RuntimeError:  # shutting down: let it go on untouched
                pass
        self._continue(str(p.get("requestId")))

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

    def _handle(self, p: dict[str, Any]) -> None:
        fetch_id = str(p.get("requestId"))
        network_id = str(p.get("networkId") or "")
        fulfilled = False
        try:
            fulfilled = self._take_paused(p, network_id)
        except Exception as exc:  # never leave a response paused
            log.exception("taking a paused response failed")
            self._keep(network_id, None, f"failed: {exc}")
        finally:
            if not fulfilled:
                self._continue(fetch_id)

    def _take_paused(self, p: dict[str, Any], network_id: str) -> bool:
        """Read the paused response's body; True when it was handed back by fulfilRequest."""
        plan = pause_plan(p, network_id, self._body_limit)
        if plan.action == TOO_LARGE:
            self._keep(network_id, None, f"larger than {self._body_limit} bytes")
        elif plan.action == INLINE:
            self._take_inline(str(p.get("requestId")), network_id, plan.content_type)
        elif plan.action == STREAM:
            return self._take_stream(p, network_id, plan.status)
        return False

    def _take_inline(self, fetch_id: str, network_id: str, content_type: str) -> None:
        """One ``Fetch.getResponseBody``; the response then goes on unchanged."""
        got = self._await(
            "Fetch.getResponseBody", {"requestId": fetch_id}, network_id, PAUSE_BODY_TIMEOUT
        )
        if got is None:
            return  # the request was cancelled (the page moved on) or too slow
        body, note = decoded(got, content_type)
        self._keep(network_id, body, "Fetch.getResponseBody" + (f"; {note}" if note else ""))
        self.intercepted += 1

    def _take_stream(self, p: dict[str, Any], network_id: str, status: int) -> bool:
        """Large or unknown length: read it as a stream, then hand the same bytes on."""
        fetch_id = str(p.get("requestId"))
        handle = self._client.call(
            "Fetch.takeResponseBodyAsStream", {"requestId": fetch_id}, timeout=BODY_TIMEOUT
        ).get("stream")
        body, total = self._read_stream(handle)
        kept: bytes | None = body if total <= self._body_limit else None
        self._keep(
            network_id,
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

    def _read_stream(self, handle: Any) -> tuple[bytes, int]:
        """Every chunk of a body stream until its end (or past the limit), then close it."""
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
        return b"".join(chunks), total

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
                    self._keep(
                        network_id, None, f"not complete within {timeout:g} s at the response stage"
                    )
                return None
