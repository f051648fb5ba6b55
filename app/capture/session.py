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

The session keeps the recording's lifecycle (start, stop, capture now); its parts live
beside it (issue 17): the page's DevTools events in :mod:`app.capture.page_events`, the
recording's state and its exchange and generation sinks in :mod:`app.capture.recording`,
the environment record, the packaged and signed WACZ and the session's facts in
:mod:`app.capture.session_records`, page capture in :mod:`app.capture.page_capture`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.capture import store
from app.capture.attesting import CaptureAttester
from app.capture.cdp import CdpClient, CdpError
from app.capture.devtools_guard import abort_recording, unwatch, watch
from app.capture.exchanges import Exchange
from app.capture.generations import PAGE_BINDING, PAGE_SCRIPT
from app.capture.page_capture import PageCapture
from app.capture.page_capture import PageCaptureOutcome as PageCaptureOutcome
from app.capture.page_events import PageEvents
from app.capture.recording import Notify as Notify
from app.capture.recording import RecentImages, Recording, open_recording
from app.capture.session_records import (
    preload_packager,
    session_facts,
    session_parts,
    store_environment,
)
from app.capture.writer import CaseWriter
from app.config import cache_dir
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.tsa import TsaConfig
from app.core.tsa_settings import tsa_configs

log = logging.getLogger(__name__)

DRAIN_SECONDS = 5.0
"""How long a stop waits for the browser to confirm its earlier events were handled."""

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


class CaptureSession:
    """Recording and "Capture now" for one tab (see the module docstring): the recording's
    lifecycle under one lock; the page's events are :class:`PageEvents`, page capture
    :class:`~app.capture.page_capture.PageCapture` and timestamping
    :class:`~app.capture.attesting.CaptureAttester`."""

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
        self._frame_source = frame_source
        self._rec: Recording | None = None
        self.intercept = True
        """Take bodies at the Fetch response stage (off only to measure its cost)."""
        self._rec_lock = threading.RLock()
        self._images = RecentImages()
        self.events = PageEvents(
            client,
            lambda kind, facts: self._notify(kind, facts),
            lambda: self._rec,
            video_fps=video_fps,
        )
        """What the tab did (navigations, pop-ups, downloads, dialogs), recording or not."""
        self._downloads_delivered = 0
        self._attached = False
        self._remove_listener: Callable[[], None] | None = None

    # -- what the tab did (app.capture.page_events) -----------------------------------------

    @property
    def navigations(self) -> list[dict[str, Any]]:
        return self.events.navigations

    @property
    def popups(self) -> list[dict[str, Any]]:
        return self.events.popups

    @property
    def downloads(self) -> dict[str, dict[str, Any]]:
        return self.events.downloads

    @property
    def dialogs(self) -> list[dict[str, Any]]:
        return self.events.dialogs

    @property
    def load_events(self) -> int:
        return self.events.load_events

    @property
    def stopped_loading(self) -> int:
        return self.events.stopped_loading

    @property
    def main_frame_id(self) -> str:
        return self.events.main_frame_id

    @property
    def current_url(self) -> str:
        return self.events.current_url

    # -- wiring -----------------------------------------------------------------------------

    def attach(self) -> None:
        """Enable the page domains and install the prompt reporter (before any navigation)."""
        self._remove_listener = self.client.add_listener(self.events.on_event)
        self.client.call("Page.enable")
        self.client.call("Runtime.enable")
        self.client.call("Runtime.addBinding", {"name": PAGE_BINDING})
        self.client.call("Page.addScriptToEvaluateOnNewDocument", {"source": PAGE_SCRIPT})
        tree = self.client.call("Page.getFrameTree").get("frameTree", {})
        frame = tree.get("frame", {})
        self.events.main_frame_id = str(frame.get("id", ""))
        self.events.current_url = str(frame.get("url", ""))
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
            rec = open_recording(
                self.client,
                self.writer,
                self._images,
                lambda kind, facts: self._notify(kind, facts),
                session_id=session_id,
                started_at=time.time(),
                work_dir=work,
                target_url=target_url or self.current_url,
                operator=self.operator,
                intercept=self.intercept,
                video_fps=self._video_fps,
            )
            self._rec = rec
            self._start_sources(rec)
        self._notify("recording-started", {"session_id": session_id})
        rec.environment_item = store_environment(
            self.client,
            self.writer,
            rec,
            browser_facts=self._browser_facts,
            tsas=self._tsas(),
            operator=self.operator,
            account=self.account,
        )
        return session_id

    def _start_sources(self, rec: Recording) -> None:
        """Start the recorder, the DevTools guard, the video's frames and the binder's tick."""
        rec.recorder.start()
        watch(self.client, lambda text: abort_recording(rec, text))  # DevTools guard
        video = rec.video
        assert video is not None  # a new recording always has one
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
        threading.Thread(target=self._tick, args=(rec,), name="binder-tick", daemon=True).start()
        # The WACZ packager takes a second or two to import; do it now, not at stop.
        threading.Thread(target=preload_packager, name="wacz-preload", daemon=True).start()

    def _tick(self, rec: Recording) -> None:
        while not rec.ticker_stop.wait(1.0):
            rec.binder.tick()

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
        # Events the browser sent before the stop (a response the page already shows) are
        # handed to the recorder and binder first, not dropped from the queue.
        drained = self.client.drain(timeout=DRAIN_SECONDS)
        rec, guard_facts, video = self._halt_recording()
        if not drained and not self.client.closed:
            rec.problems.append(
                f"The browser did not confirm within {DRAIN_SECONDS:g} s that the events it"
                " sent before the stop were handled: an exchange it sent last may be missing"
                " from the recording."
            )
        ended = time.time()
        for future in list(rec.pending):
            try:
                future.result(timeout=300)
            except Exception as exc:
                rec.problems.append(f"Part of the session could not be stored: {exc}.")
        rec.warc.close()
        parts = session_parts(rec, video, self.navigations, self.writer)
        linked: list[tuple[str, int]] = []
        if rec.environment_item is not None and rec.environment_item.exception() is None:
            linked.append(("environment", rec.environment_item.result()))
        linked += [("download", i) for i in rec.download_ids]
        facts = session_facts(
            rec, self.events, guard_facts, video, operator=self.operator, account=self.account
        )
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
        return self._images.get(url)

    def _halt_recording(self) -> tuple[Recording, dict[str, Any], Any]:
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
