"""The page's DevTools events during a capture session: what the tab did, as it happened.

Split out of :class:`~app.capture.session.CaptureSession` (issue 17). :class:`PageEvents`
listens on the DevTools dispatcher thread and keeps what the tab did -- navigations of the
main frame, pop-ups it tried to open (blocked: one tab per session), downloads, JavaScript
dialogs, load counts -- and, while a recording is on, writes pop-ups and downloads to its
WARC, hands the injected script's page submits to the generation binder, feeds screencast
frames to the session video and names a lost browser connection among its problems.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections.abc import Callable
from typing import Any

from app.capture.cdp import CdpClient, CdpError
from app.capture.generations import PAGE_BINDING
from app.capture.recording import Notify, Recording

Handler = Callable[[dict[str, Any], Recording | None], None]


class PageEvents:
    """What one tab did, from its ``Page.*`` / ``Runtime.*`` events (see the module doc)."""

    def __init__(
        self,
        client: CdpClient,
        notify: Notify,
        recording: Callable[[], Recording | None],
        *,
        video_fps: int = 4,
    ) -> None:
        self._client = client
        self._notify = notify
        self._recording = recording
        self._video_fps = video_fps
        self._last_ack = 0.0
        self.navigations: list[dict[str, Any]] = []
        self.popups: list[dict[str, Any]] = []
        self.downloads: dict[str, dict[str, Any]] = {}
        self.dialogs: list[dict[str, Any]] = []
        self.load_events = 0
        self.stopped_loading = 0
        self.main_frame_id = ""
        self.current_url = ""
        self._handlers: dict[str, Handler] = {
            "Page.screencastFrame": self._screencast_frame,
            "Page.frameNavigated": self._frame_navigated,
            "Page.loadEventFired": self._load_event,
            "Page.frameStoppedLoading": self._frame_stopped_loading,
            "Page.windowOpen": self._window_open,
            "Page.downloadWillBegin": self._download_will_begin,
            "Page.downloadProgress": self._download_progress,
            "Page.javascriptDialogOpening": self._dialog_opening,
            "Runtime.bindingCalled": self._binding_called,
            "Proofshot.disconnected": self._disconnected,
        }

    def on_event(self, method: str, p: dict[str, Any]) -> None:
        """The DevTools listener (dispatcher thread)."""
        handler = self._handlers.get(method)
        if handler is not None:
            handler(p, self._recording())

    # -- the handlers, one per event ----------------------------------------------------------

    def _screencast_frame(self, p: dict[str, Any], rec: Recording | None) -> None:
        self.ack_frame(p.get("sessionId"))
        if rec is not None and rec.video is not None:
            try:
                rec.video.add_frame(base64.b64decode(p.get("data", "")))
            except (binascii.Error, ValueError):
                pass

    def _frame_navigated(self, p: dict[str, Any], rec: Recording | None) -> None:
        frame = p.get("frame") or {}
        if not frame.get("parentId"):
            self.main_frame_id = str(frame.get("id", self.main_frame_id))
            self.current_url = str(frame.get("url", ""))
            entry = {"url": self.current_url, "at": time.time()}
            self.navigations.append(entry)
            self._notify("navigated", entry)

    def _load_event(self, p: dict[str, Any], rec: Recording | None) -> None:
        self.load_events += 1

    def _frame_stopped_loading(self, p: dict[str, Any], rec: Recording | None) -> None:
        if p.get("frameId") == self.main_frame_id:
            # Also after a failed load (a dropped connection fires no load event).
            self.stopped_loading += 1

    def _window_open(self, p: dict[str, Any], rec: Recording | None) -> None:
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
            rec.warc.write_event(str(p.get("url", "")), {"event": "popup", **entry}, entry["at"])
        self._notify("popup", entry)

    def _download_will_begin(self, p: dict[str, Any], rec: Recording | None) -> None:
        entry = {
            "url": p.get("url"),
            "suggested_filename": p.get("suggestedFilename"),
            "at": time.time(),
            "state": "started",
        }
        self.downloads[str(p.get("guid"))] = entry
        if rec is not None:
            rec.warc.write_event(str(p.get("url", "")), {"event": "download", **entry}, entry["at"])
        self._notify("download-started", entry)

    def _download_progress(self, p: dict[str, Any], rec: Recording | None) -> None:
        entry = self.downloads.get(str(p.get("guid")))
        if entry is not None and p.get("state") in ("completed", "canceled"):
            entry["state"] = p["state"]
            entry["bytes"] = p.get("receivedBytes")

    def _dialog_opening(self, p: dict[str, Any], rec: Recording | None) -> None:
        self.dialogs.append(
            {
                "type": p.get("type"),
                "message": p.get("message"),
                "url": p.get("url"),
                "at": time.time(),
            }
        )

    def _binding_called(self, p: dict[str, Any], rec: Recording | None) -> None:
        if p.get("name") == PAGE_BINDING and rec is not None:
            report = rec.binder.on_page_report(str(p.get("payload", "")))
            if report is not None:
                self._notify("page-submit", {"kind": report.kind, "target": report.target})

    def _disconnected(self, p: dict[str, Any], rec: Recording | None) -> None:
        if rec is not None:
            rec.problems.append(f"The browser connection ended: {p.get('reason')}.")
        self._notify("disconnected", p)

    # -- the screencast -----------------------------------------------------------------------

    def ack_frame(self, frame_session: Any) -> None:
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
                self._client.send("Page.screencastFrameAck", {"sessionId": frame_session})
            except CdpError:
                pass

        if wait <= 0:
            ack()
        else:
            timer = threading.Timer(wait, ack)
            timer.daemon = True
            timer.start()
