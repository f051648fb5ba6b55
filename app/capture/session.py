"""A capture session on one browser tab: recording on and off, and "Capture now".

The same object serves the GUI's capture workspace and the headless runner. It speaks to
the tab only through the DevTools protocol (:class:`~app.capture.cdp.CdpClient`) and to the
case only through a :class:`~app.capture.writer.CaseWriter`, so it imports no Qt and may be
driven from any thread except the Qt main thread (whose event loop must keep running
meanwhile, since Chromium answers DevTools commands from it).

While recording:
  every exchange -> WARC (request, response with the exact bytes, metadata with TLS facts)
                 -> generation binder -> generation events stored with their output images
  screencast frames -> session video at a constant frame rate
  page submits (the injected script) -> prompts "as typed"
Stopping stores the session: environment record, video and WACZ, linked by one capture
record of kind ``session``. "Capture now" stores a capture of kind ``page``: full-page and
viewport screenshots, the DOM, an MHTML snapshot and every image shown, as served.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib
import json
import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app import __version__
from app.capture import environment as env_mod
from app.capture import store, wacz_sign
from app.capture.attesting import CaptureAttester
from app.capture.cdp import CdpClient, CdpError
from app.capture.devtools_guard import abort_recording, unwatch, watch
from app.capture.exchanges import Exchange, iso_utc
from app.capture.generations import (
    PAGE_BINDING,
    PAGE_SCRIPT,
    GenerationBinder,
    GenerationEvent,
)
from app.capture.page_capture import PageCapture
from app.capture.page_capture import PageCaptureOutcome as PageCaptureOutcome
from app.capture.recorder import NetworkRecorder, WebSocketLog
from app.capture.redaction import redact_string
from app.capture.video import SessionVideo
from app.capture.warc import ArchivePage, WaczError, WarcSink, package_wacz
from app.capture.writer import CaseWriter
from app.config import cache_dir
from app.core import attest
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.identity import tool_name
from app.core.ingest import Acquisition, commit_prepared, prepare_bytes
from app.core.media import image_media_type
from app.core.tsa import TsaConfig
from app.core.tsa_settings import tsa_configs

log = logging.getLogger(__name__)

IMAGE_CACHE_BYTES = 512 * 1024 * 1024

Notify = Callable[[str, dict[str, Any]], None]
RawFrameSink = Callable[[int, int, int, bytes], None]


class FrameSource(Protocol):
    """Frames of the browser view for the session video, from the GUI side.

    ``start`` begins calling ``sink(width, height, stride, bgrx_bytes)`` about ``fps``
    times a second (from any thread); ``stop`` ends it. Grabbing the view costs the page
    far less than Chromium's screencast, which re-encodes every compositor frame; without a
    frame source the session falls back to the screencast.
    """

    def start(self, sink: RawFrameSink, fps: int) -> None: ...

    def stop(self) -> None: ...


class SessionError(ProofshotError):
    """The capture session cannot do what was asked (not connected, not recording, ...)."""


@dataclass
class SessionOutcome:
    capture_id: int
    items: dict[str, list[int]]
    generation_ids: list[int]
    page_capture_ids: list[int]
    exchanges: int
    problems: list[str]
    facts: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "capture_id": self.capture_id,
            "items": self.items,
            "generation_ids": self.generation_ids,
            "page_capture_ids": self.page_capture_ids,
            "exchanges": self.exchanges,
            "problems": self.problems,
        }


@dataclass
class _Recording:
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


class CaptureSession:
    """Recording and "Capture now" for one tab (see the module docstring).

    Why one class of ~600 lines: what is left here is recording, whose parts (the DevTools
    event handler, the exchange and generation sinks, start and stop) share one recording
    state under one lock; page capture is :class:`~app.capture.page_capture.PageCapture` and
    timestamping :class:`~app.capture.attesting.CaptureAttester`."""

    def __init__(
        self,
        client: CdpClient,
        writer: CaseWriter,
        *,
        browser_facts: Callable[[], dict[str, Any]] | None = None,
        operator: str = "",
        account: str = "",
        tsas: Callable[[], list[TsaConfig]] = tsa_configs,
        notify: Notify | None = None,
        video_fps: int = 4,
        request_repaint: Callable[[], None] | None = None,
        frame_source: FrameSource | None = None,
    ) -> None:
        self.client = client
        self.writer = writer
        self._browser_facts = browser_facts or (lambda: {})
        self.operator = operator
        self.account = account
        self._tsas = tsas
        self._attester = CaptureAttester(writer, tsas)  # TSA requests off the writer thread
        self._pages = PageCapture(
            client,
            writer,
            recorded_image=self._recorded_image,
            fallback=lambda: (self.current_url, self.main_frame_id),
            request_repaint=request_repaint,
        )
        self._notify = notify or (lambda kind, facts: None)
        self._video_fps = video_fps
        self._request_repaint = request_repaint
        self._last_ack = 0.0
        self._frame_source = frame_source
        self._rec: _Recording | None = None
        self.intercept = True
        """Take bodies at the Fetch response stage (off only to measure its cost)."""
        self._rec_lock = threading.RLock()
        self._images: OrderedDict[str, Exchange] = OrderedDict()
        self._images_bytes = 0
        self._images_lock = threading.Lock()
        self.navigations: list[dict[str, Any]] = []
        self.popups: list[dict[str, Any]] = []
        self.downloads: dict[str, dict[str, Any]] = {}
        self.dialogs: list[dict[str, Any]] = []
        self.load_events = 0
        self.stopped_loading = 0
        self._downloads_delivered = 0
        self.main_frame_id = ""
        self.current_url = ""
        self._attached = False
        self._remove_listener: Callable[[], None] | None = None

    # -- wiring -----------------------------------------------------------------------------

    def attach(self) -> None:
        """Enable the page domains and install the prompt reporter (before any navigation)."""
        self._remove_listener = self.client.add_listener(self._on_event)
        self.client.call("Page.enable")
        self.client.call("Runtime.enable")
        self.client.call("Runtime.addBinding", {"name": PAGE_BINDING})
        self.client.call("Page.addScriptToEvaluateOnNewDocument", {"source": PAGE_SCRIPT})
        tree = self.client.call("Page.getFrameTree").get("frameTree", {})
        frame = tree.get("frame", {})
        self.main_frame_id = str(frame.get("id", ""))
        self.current_url = str(frame.get("url", ""))
        self._attached = True

    @property
    def recording(self) -> bool:
        return self._rec is not None

    @property
    def session_id(self) -> str | None:
        rec = self._rec
        return rec.session_id if rec else None

    def close(self) -> None:
        """Stop recording (storing what was recorded) and let go of the tab."""
        if self._rec is not None:
            try:
                self.stop_recording()
            except ProofshotError:
                log.exception("stopping the recording at close failed")
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None
        self.finish_attesting()
        self._attester.close()

    def finish_attesting(self, timeout: float = 600.0) -> bool:
        """Wait for the timestamp requests started so far; call it before the writer closes."""
        return self._attester.drain(timeout)

    # -- page events (DevTools dispatcher thread) -------------------------------------------

    def _on_event(self, method: str, p: dict[str, Any]) -> None:
        rec = self._rec
        if method == "Page.screencastFrame":
            self._ack_frame(p.get("sessionId"))
            if rec is not None and rec.video is not None:
                try:
                    rec.video.add_frame(base64.b64decode(p.get("data", "")))
                except (binascii.Error, ValueError):
                    pass
        elif method == "Page.frameNavigated":
            frame = p.get("frame") or {}
            if not frame.get("parentId"):
                self.main_frame_id = str(frame.get("id", self.main_frame_id))
                self.current_url = str(frame.get("url", ""))
                entry = {"url": self.current_url, "at": time.time()}
                self.navigations.append(entry)
                self._notify("navigated", entry)
        elif method == "Page.loadEventFired":
            self.load_events += 1
        elif method == "Page.frameStoppedLoading" and p.get("frameId") == self.main_frame_id:
            # Also after a failed load (a dropped connection fires no load event).
            self.stopped_loading += 1
        elif method == "Page.windowOpen":
            entry = {
                "url": p.get("url"),
                "window_name": p.get("windowName"),
                "features": p.get("windowFeatures"),
                "user_gesture": p.get("userGesture"),
                "at": time.time(),
                "outcome": "blocked: Proofshot keeps one tab per capture session",
            }
            self.popups.append(entry)
            if rec is not None:
                rec.warc.write_event(
                    str(p.get("url", "")), {"event": "popup", **entry}, entry["at"]
                )
            self._notify("popup", entry)
        elif method == "Page.downloadWillBegin":
            entry = {
                "url": p.get("url"),
                "suggested_filename": p.get("suggestedFilename"),
                "at": time.time(),
                "state": "started",
            }
            self.downloads[str(p.get("guid"))] = entry
            if rec is not None:
                rec.warc.write_event(
                    str(p.get("url", "")), {"event": "download", **entry}, entry["at"]
                )
            self._notify("download-started", entry)
        elif method == "Page.downloadProgress":
            entry = self.downloads.get(str(p.get("guid")))
            if entry is not None and p.get("state") in ("completed", "canceled"):
                entry["state"] = p["state"]
                entry["bytes"] = p.get("receivedBytes")
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(
                {
                    "type": p.get("type"),
                    "message": p.get("message"),
                    "url": p.get("url"),
                    "at": time.time(),
                }
            )
        elif method == "Runtime.bindingCalled" and p.get("name") == PAGE_BINDING:
            if rec is not None:
                report = rec.binder.on_page_report(str(p.get("payload", "")))
                if report is not None:
                    self._notify("page-submit", {"kind": report.kind, "target": report.target})
        elif method == "Proofshot.disconnected":
            if rec is not None:
                rec.problems.append(f"The browser connection ended: {p.get('reason')}.")
            self._notify("disconnected", p)

    def _ack_frame(self, frame_session: Any) -> None:
        """Acknowledge a screencast frame, at most ``2 x fps`` times a second.

        Chromium sends the next frame only after the last one is acknowledged, so a late
        acknowledgement throttles its JPEG encoding while a page loads; the latest view
        still arrives, since Chromium sends the current frame once acknowledged.
        """
        interval = 1.0 / (2 * self._video_fps)
        now = time.monotonic()
        wait = self._last_ack + interval - now

        def ack() -> None:
            self._last_ack = time.monotonic()
            try:
                self.client.send("Page.screencastFrameAck", {"sessionId": frame_session})
            except CdpError:
                pass

        if wait <= 0:
            ack()
        else:
            timer = threading.Timer(wait, ack)
            timer.daemon = True
            timer.start()

    # -- recording --------------------------------------------------------------------------

    def start_recording(self, target_url: str = "") -> str:
        """Start recording; returns the session id. Blocking: call off the Qt main thread."""
        with self._rec_lock:
            if self._rec is not None:
                return self._rec.session_id
            if not self._attached:
                self.attach()
            session_id = uuid.uuid4().hex
            base = cache_dir() / "capture-sessions"
            base.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=f"{session_id[:8]}-", dir=base))
            warc = WarcSink(
                work / f"session-{session_id[:8]}.warc.gz",
                session_id=session_id,
                operator=self.operator,
            )
            rec_holder: dict[str, _Recording] = {}

            def on_exchange(ex: Exchange) -> None:
                self._on_exchange(rec_holder["rec"], ex)

            def on_ws_frame(ws: WebSocketLog, frame: dict[str, Any]) -> None:
                payload = frame.get("data")
                rec_holder["rec"].binder.on_ws_frame(
                    ws.request_id,
                    redact_string(ws.url),
                    frame["direction"],
                    payload if payload is not None else str(frame.get("text", "")),
                    float(frame["at"]),
                )

            def on_ws_closed(ws: WebSocketLog) -> None:
                rec_holder["rec"].websockets.append(ws.facts())
                rec_holder["rec"].warc.write_websocket(ws)

            recorder = NetworkRecorder(
                self.client,
                on_exchange,
                on_ws_frame=on_ws_frame,
                on_ws_closed=on_ws_closed,
                on_stream=lambda ex: rec_holder["rec"].binder.on_stream(ex),
                intercept=self.intercept,
            )
            binder = GenerationBinder(lambda ev: self._on_generation(rec_holder["rec"], ev))
            video = SessionVideo(work / "session-video", session_id=session_id, fps=self._video_fps)
            rec = _Recording(
                session_id=session_id,
                started_at=time.time(),
                target_url=redact_string(target_url or self.current_url),
                work_dir=work,
                warc=warc,
                recorder=recorder,
                binder=binder,
                video=video,
            )
            rec_holder["rec"] = rec
            self._rec = rec
            recorder.start()
            watch(self.client, lambda text: abort_recording(rec, text))  # DevTools guard
            video.start()
            if self._frame_source is not None:
                video.source = "grabs of the browser view (Qt)"
                self._frame_source.start(video.add_raw_frame, self._video_fps)
            else:
                try:
                    self.client.call(
                        "Page.startScreencast",
                        {"format": "jpeg", "quality": 60, "maxWidth": 1280, "maxHeight": 960},
                    )
                except CdpError as exc:
                    rec.problems.append(f"The session video could not start: {exc}.")
            threading.Thread(
                target=self._tick, args=(rec,), name="binder-tick", daemon=True
            ).start()
            # The WACZ packager takes a second or two to import; do it now, not at stop.
            threading.Thread(target=_preload_packager, name="wacz-preload", daemon=True).start()
        self._notify("recording-started", {"session_id": session_id})
        rec.environment_item = self._store_environment(rec)
        return session_id

    def _tick(self, rec: _Recording) -> None:
        while not rec.ticker_stop.wait(1.0):
            rec.binder.tick()

    def _store_environment(self, rec: _Recording) -> Future[int]:
        """Take the environment record now (DNS, hosts, proxies, clock vs TSA) and store it."""
        try:
            browser = self._browser_facts()
        except Exception as exc:  # the Qt side could not report; say so in the record
            browser = {"error": f"browser facts unavailable: {exc}"}
        try:
            browser["devtools"] = self._devtools_facts()
        except CdpError as exc:
            browser["devtools"] = {"error": str(exc)}
        record = env_mod.collect_environment(
            rec.target_url,
            session_id=rec.session_id,
            browser=browser,
            tsas=self._tsas(),
            operator=self.operator,
            account=self.account,
        )
        data = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")

        def write(case: Case) -> int:
            staged = prepare_bytes(
                case.objects,
                data,
                Acquisition(
                    kind="environment",
                    method="environment-record",
                    source=f"proofshot:session/{rec.session_id}/environment",
                    source_facts={"session_id": rec.session_id, "target_url": rec.target_url},
                ),
            )
            return commit_prepared(case, [staged])[0].item_id

        future = self.writer.submit(write)
        rec.pending.append(future)
        return future

    def _devtools_facts(self) -> dict[str, Any]:
        version = self.client.call("Browser.getVersion", timeout=5)
        return {
            "protocol_version": version.get("protocolVersion"),
            "product": version.get("product"),
            "revision": version.get("revision"),
            "user_agent": version.get("userAgent"),
            "js_version": version.get("jsVersion"),
        }

    def _on_exchange(self, rec: _Recording, ex: Exchange) -> None:
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
            self._remember_image(ex)
        rec.binder.on_exchange(ex)

    def _remember_image(self, ex: Exchange) -> None:
        with self._images_lock:
            old = self._images.pop(ex.url, None)
            if old is not None:
                self._images_bytes -= len(old.body or b"")
            self._images[ex.url] = ex
            self._images_bytes += len(ex.body or b"")
            while self._images_bytes > IMAGE_CACHE_BYTES and self._images:
                _, dropped = self._images.popitem(last=False)
                self._images_bytes -= len(dropped.body or b"")

    def _on_generation(self, rec: _Recording, event: GenerationEvent) -> None:
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

        future = self.writer.submit(write)
        rec.pending.append(future)

        def done(f: Future[int]) -> None:
            if f.exception() is None:
                self._notify(
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

    def downloads_pending(self) -> int:
        """Downloads the browser started whose bytes (or failure) have not been handed in."""
        return max(0, len(self.downloads) - self._downloads_delivered)

    def note_download_failure(self, info: dict[str, Any]) -> None:
        """A download that did not complete: named in the session's problems."""
        self._downloads_delivered += 1
        rec = self._rec
        text = f"A download from {info.get('url')} did not complete ({info.get('state')}: {info.get('reason', '')})."
        if rec is not None:
            rec.problems.append(text)
        self._notify("download-failed", info)

    def add_download(self, data: bytes, *, url: str, facts: dict[str, Any]) -> Future[int]:
        """Keep a file the page made the browser download (the bytes Chromium saved)."""
        self._downloads_delivered += 1
        rec = self._rec
        session_id = rec.session_id if rec else "not-recording"
        future = self.writer.submit(
            lambda case: store.store_download(
                case, data, url=url, facts=facts, session_id=session_id
            )
        )
        if rec is not None:
            rec.pending.append(future)
            future.add_done_callback(
                lambda f: rec.download_ids.append(f.result()) if f.exception() is None else None
            )
        return future

    def wait_network_settled(self, quiet: float, timeout: float) -> bool:
        """Wait until no request is open and nothing finished for ``quiet`` seconds."""
        rec = self._rec
        if rec is None:
            time.sleep(min(quiet, timeout))
            return True
        deadline = time.monotonic() + timeout
        last_count = -1
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            count = rec.recorder.count
            if count != last_count or rec.recorder.open_count():
                last_count = count
                last_change = time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                return True
            time.sleep(0.05)
        return False

    def stop_recording(self) -> SessionOutcome:
        """Stop; store environment, video and WACZ under one ``session`` capture record."""
        rec, guard_facts, video = self._halt_recording()
        ended = time.time()
        for future in list(rec.pending):
            try:
                future.result(timeout=300)
            except Exception as exc:
                rec.problems.append(f"Part of the session could not be stored: {exc}.")
        rec.warc.close()
        parts = self._session_parts(rec, video)
        linked: list[tuple[str, int]] = []
        if rec.environment_item is not None and rec.environment_item.exception() is None:
            linked.append(("environment", rec.environment_item.result()))
        linked += [("download", i) for i in rec.download_ids]
        facts = self._session_facts(rec, guard_facts, video)
        canonical_json(facts)  # fail here, not inside the transaction, if a fact is not JSON
        # Hash and stage the video and WACZ here, not on the writer (it would hold up every
        # other edit of the case for as long as that takes).
        objects = self.writer.submit(lambda case: case.objects).result(timeout=600)
        staged = store.prepare_parts(objects, parts, method="browser-recording")

        def write(case: Case) -> store.StoredCapture:
            return store.store_capture(
                case,
                kind="session",
                requested_url=rec.target_url,
                final_url=self.current_url,
                title=f"Recording session {rec.session_id[:8]}",
                started_at=rec.started_at,
                ended_at=ended,
                facts=facts,
                parts=parts,
                prepared=staged,
                linked=linked,
                method="browser-recording",
            )

        stored = self.writer.submit(write).result(timeout=600)
        try:  # the TSAs are asked off the writer; the session's items are timestamped on return
            self._attester.submit().result(timeout=600)
        except Exception:  # the items stay pending, for the next attempt
            log.exception("attesting the recording session failed")
        shutil.rmtree(rec.work_dir, ignore_errors=True)
        outcome = SessionOutcome(
            stored.capture_id,
            stored.items,
            sorted(rec.generation_ids),
            list(rec.page_capture_ids),
            rec.recorder.count,
            list(rec.problems),
            facts,
        )
        self._notify("recording-stopped", outcome.as_dict())
        return outcome

    # -- capture now (app.capture.page_capture) ---------------------------------------------

    def capture_now(self, requested_url: str = "") -> PageCaptureOutcome:
        """Store the page as it is now, then timestamp it in the background. Blocking: call
        off the Qt main thread."""
        if not self._attached:
            self.attach()
        rec = self._rec
        if rec is not None:
            rec.recorder.wait_idle(timeout=3.0)
        outcome = self._pages.capture(
            requested_url,
            session_id=rec.session_id if rec else None,
            generation_ids=(lambda: sorted(rec.generation_ids)) if rec is not None else None,
        )
        if rec is not None:
            rec.page_capture_ids.append(outcome.capture_id)
        # Timestamp right away, without holding the caller: the items are stored already.
        attest_future = self._attester.submit()
        if rec is not None:
            rec.pending.append(attest_future)
        self._notify("captured", outcome.as_dict())
        return outcome

    def _recorded_image(self, url: str) -> Exchange | None:
        with self._images_lock:
            return self._images.get(url)

    def _halt_recording(self) -> tuple[_Recording, dict[str, Any], Any]:
        """Stop every source of the recording (guard, frames, recorder, video) under the lock;
        note WebSockets still open. Returns the recording, the guard's facts and the video."""
        with self._rec_lock:
            rec = self._rec
            if rec is None:
                raise SessionError("Recording is not on.")
            guard_facts = unwatch(self.client)
            if self._frame_source is not None:
                self._frame_source.stop()
            else:
                try:
                    self.client.call("Page.stopScreencast", timeout=5)
                except CdpError:
                    pass
            rec.recorder.stop()
            stop_at = time.time()
            for ws in rec.recorder.open_sockets():
                busy = any(f["at"] >= stop_at - 1.0 for f in ws.frames[-5:])
                rec.websockets.append({**ws.facts(), "open_at_stop": True})
                try:
                    rec.warc.write_websocket(ws, open_at_stop=True)
                except Exception as exc:
                    rec.problems.append(f"A WebSocket could not be archived ({ws.url}): {exc}.")
                if busy:
                    rec.problems.append(
                        f"The WebSocket {ws.url} was still carrying messages when recording"
                        " stopped: later messages were not seen."
                    )
            rec.ticker_stop.set()
            rec.binder.flush("recording stopped")
            rec.problems += [p for p in rec.binder.problems if p not in rec.problems]
            video = rec.video.stop() if rec.video is not None else None
            if rec.video is not None and rec.video.error:
                rec.problems.append(rec.video.error)
            self._rec = None
        return rec, guard_facts, video

    def _session_parts(self, rec: _Recording, video: Any) -> list[store.Part]:
        """The session's video and its signed WACZ (or the problem that prevented them)."""
        parts: list[store.Part] = []
        if video is not None:
            parts.append(
                store.Part(
                    "video",
                    video.path.read_bytes(),
                    "video",
                    f"proofshot:session/{rec.session_id}/video",
                    {"session_id": rec.session_id, **video.facts()},
                )
            )
        else:
            rec.problems.append(
                "No video frame arrived from the browser; the session has no video."
            )
        wacz_path = rec.work_dir / f"session-{rec.session_id[:8]}.wacz"
        pages = [
            ArchivePage(n["url"], n["at"]) for n in self.navigations if n["at"] >= rec.started_at
        ]
        try:
            package_wacz(
                rec.warc.path,
                wacz_path,
                pages,
                title=f"Proofshot session {rec.session_id[:8]}",
                description=f"Recorded from {rec.target_url}" if rec.target_url else "",
            )
            signature = self._sign_wacz(wacz_path)
            parts.append(
                store.Part(
                    "wacz",
                    wacz_path.read_bytes(),
                    "web-archive",
                    f"proofshot:session/{rec.session_id}/wacz",
                    {
                        "session_id": rec.session_id,
                        "warc_records": rec.warc.records,
                        "warc_responses": rec.warc.responses,
                        "format": "WACZ 1.1.1 (py-wacz)",
                        "signature": signature,
                    },
                )
            )
        except WaczError as exc:
            rec.problems.append(str(exc))
        return parts

    def _session_facts(
        self, rec: _Recording, guard_facts: dict[str, Any], video: Any
    ) -> dict[str, Any]:
        """The ``session`` capture record's facts: what happened while recording."""
        return {
            "session_id": rec.session_id,
            "target_url": rec.target_url,
            "operator": self.operator,
            "site_account": self.account,
            "exchanges": rec.recorder.count,
            "devtools_guard": guard_facts,
            "incomplete_exchanges": rec.incomplete,
            "websockets": rec.websockets,
            "bodies_taken_at_response_stage": rec.recorder.intercepted,
            "navigations": [
                {"url": n["url"], "at": iso_utc(n["at"])}
                for n in self.navigations
                if n["at"] >= rec.started_at
            ],
            "popups": [_at_iso(p) for p in self.popups if p["at"] >= rec.started_at],
            "downloads": [_at_iso(d) for d in self.downloads.values() if d["at"] >= rec.started_at],
            "dialogs": [_at_iso(d) for d in self.dialogs if d["at"] >= rec.started_at],
            "page_submits": [
                {
                    "kind": r.kind,
                    "target": r.target,
                    "url": r.url,
                    "at": iso_utc(r.at),
                    "fields": r.fields,
                    **({"target_box": r.target_box} if r.target_box else {}),
                }
                for r in rec.binder.reports
            ],
            "generation_ids": sorted(rec.generation_ids),
            "page_capture_ids": rec.page_capture_ids,
            "video": video.facts() if video is not None else None,
            "problems": rec.problems,
        }

    def _sign_wacz(self, wacz_path: Path) -> dict[str, Any]:
        """Sign the WACZ's datapackage digest with the case's key (anonymous WACZ signing).

        The WACZ item's SHA-256, and so its signed digest, is then time-stamped in the
        capture's RFC 3161 batch with every other item."""
        try:
            case_id = self.writer.submit(attest.case_id).result(timeout=30)
            key = wacz_sign.case_signing_key(case_id)
            signed = wacz_sign.sign_wacz(wacz_path, key, software=tool_name(), version=__version__)
        except Exception as exc:  # no keyring: the archive is kept, unsigned, and says so
            return {"signed": False, "reason": str(exc)}
        der = base64.b64decode(signed["publicKey"])
        return {
            "signed": True,
            "scheme": "WACZ Signing and Verification 0.1.0, anonymous (ECDSA P-384)",
            "datapackage_hash": signed["hash"],
            "created": signed["created"],
            "public_key_sha256": hashlib.sha256(der).hexdigest(),
            "key": f"OS keyring: {wacz_sign.SERVICE} / case {case_id}",
        }


def _preload_packager() -> None:
    try:
        importlib.import_module("wacz.main")
    except ImportError:  # reported when the session is packaged
        pass


def _at_iso(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "at": iso_utc(entry.get("at"))}
