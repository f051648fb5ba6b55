"""The capture workspace: a browser tab with Record, Capture now, and the generations panel.

The widget is a thin shell. Everything that talks to the page or the case runs in the
GUI-free :class:`~app.capture.session.CaptureSession` on one worker thread (its calls
block, and Chromium answers DevTools from the Qt main thread, which must stay free); the
results come back through a relay onto the GUI thread. Reads for the panel use the
case's read-only view; writes go through the case's single writer.

Layout: navigation bar (back, forward, reload, address, Go) and the capture controls
(account, Record, Capture now, Mark page as) — :class:`~app.gui.browser.toolbar.CaptureToolbar`;
the browser on the left; on the right the generations recorded in this case, each with its
prompt verbatim, outputs and binding, and the operator's review actions (confirm, remove or
add an output, note on the prompt) — :class:`~app.gui.browser.generations_panel.GenerationsPanel`.
The review is stored here, through the writer, as corrections beside the record, never over
it. The workspace keeps the bar's and the panel's widgets under their old attribute names.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app.capture import devtools, store
from app.capture.cdp import CdpClient, connect_tab
from app.capture.session import CaptureSession, PageCaptureOutcome, SessionOutcome
from app.gui.browser.access import AccessWriter, CaseAccess, GuiRelay, StandaloneAccess
from app.gui.browser.capture_thread import CaptureThread
from app.gui.browser.generations_panel import THUMB, GenerationsPanel
from app.gui.browser.pane import BrowserPane
from app.gui.browser.toolbar import CaptureToolbar, NoticeBar, page_role_labels
from app.gui.messages import status_text

__all__ = ["THUMB", "CaptureWorkspace"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class CaptureWorkspace(QWidget):
    """Browser + recorder + generation review for one case (see the module docstring)."""

    ready = Signal()  # the DevTools connection is up: Record and Capture now work
    captured = Signal(object)  # PageCaptureOutcome
    recordingChanged = Signal(bool)
    sessionStored = Signal(object)
    generationRecorded = Signal(dict)
    failed = Signal(str)

    def __init__(
        self,
        access: CaseAccess,
        parent: QWidget | None = None,
        *,
        operator: str = "",
        home_url: str = "",
    ) -> None:
        super().__init__(parent)
        self.access = access
        self.operator = operator
        self._relay = GuiRelay(self)
        self._writer = AccessWriter(access, self._relay)
        self._thread = CaptureThread(self._relay, self._failed)
        self._client: CdpClient | None = None
        self.session: CaptureSession | None = None
        self._requested_url = ""
        self._busy = False
        self.last_capture: PageCaptureOutcome | None = None
        self.last_session: SessionOutcome | None = None
        self._owned_access: StandaloneAccess | None = None
        self._build()
        self.refresh_generations()
        port = devtools.configured_port()
        if port is None:
            self._set_status(
                self.tr(
                    "Recording is unavailable: the browser's DevTools endpoint was not enabled "
                    "when Proofshot started."
                )
            )
        else:
            self._set_status(self.tr("Connecting the recorder…"))
            self._run(self._connect, self._connected, port, self.pane.devtools_target_id())
        if home_url:
            self.load(home_url)

    @classmethod
    def for_case(
        cls, case_path: Path | str, parent: QWidget | None = None, **kwargs: Any
    ) -> CaptureWorkspace:
        """A workspace with its own case access (when no main window holds the case)."""
        access = StandaloneAccess(case_path)
        workspace = cls(access, parent, **kwargs)
        workspace._owned_access = access
        return workspace

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.toolbar = CaptureToolbar(self)
        self.notice = NoticeBar(self)
        self.notice.linkOpened.connect(self.load)

        self.pane = BrowserPane(self)
        self.pane.urlChanged.connect(self._url_changed)
        self.pane.loadFinished.connect(lambda _ok: self._update_nav())
        self.pane.downloadFinished.connect(self._download_finished)

        self.generations = GenerationsPanel(self.access, self)
        self._alias_widgets()

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.pane)
        splitter.addWidget(self.generations)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 360])

        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 4)
        root.addWidget(self.toolbar)
        root.addWidget(self.notice)
        root.addWidget(splitter, 1)
        root.addWidget(self.status)

        self.back_button.clicked.connect(self.pane.back)
        self.forward_button.clicked.connect(self.pane.forward)
        self.reload_button.clicked.connect(self.pane.reload)
        self.toolbar.loadRequested.connect(self.load)
        self.toolbar.markChosen.connect(self.mark_last_capture)
        self.record_button.toggled.connect(self._record_toggled)
        self.capture_button.clicked.connect(lambda: self.capture_now())
        self.generations.correctionRequested.connect(self._correct)
        self.generations.message.connect(self._set_status)
        self._set_controls(connected=False)

    def _alias_widgets(self) -> None:
        """The bar's and the panel's widgets under the names the workspace always had."""
        bar, panel = self.toolbar, self.generations
        self.back_button, self.forward_button = bar.back_button, bar.forward_button
        self.reload_button, self.address, self.go_button = (
            bar.reload_button,
            bar.address,
            bar.go_button,
        )
        self.account, self.record_button = bar.account, bar.record_button
        self.capture_button, self.mark_box = bar.capture_button, bar.mark_box
        self.generation_list, self.prompt_view = panel.generation_list, panel.prompt_view
        self.generation_facts, self.output_list = panel.generation_facts, panel.output_list
        self.confirm_button, self.remove_button = panel.confirm_button, panel.remove_button
        self.add_button, self.note_button = panel.add_button, panel.note_button
        self.corrections_view = panel.corrections_view
        self.problem_title, self.problem_list = panel.problem_title, panel.problem_list

    # -- threads ----------------------------------------------------------------------------

    def _run(self, fn: Callable[..., T], on_done: Callable[[T], None], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on the capture thread; deliver the result on the GUI thread."""
        return self._thread.run(fn, on_done, *args)

    def _connect(self, port: int, target_id: str) -> CaptureSession:
        self._client = connect_tab(port, target_id=target_id, marker_url=self.pane.marker_url)
        session = CaptureSession(
            self._client,
            self._writer,
            browser_facts=self._browser_facts_from_gui,
            operator=self.operator,
            notify=lambda kind, facts: self._relay.post(lambda: self._on_notify(kind, facts)),
            request_repaint=self.pane.request_repaint,
            frame_source=self.pane.frame_source,
        )
        session.attach()
        return session

    def _browser_facts_from_gui(self) -> dict[str, Any]:
        """Collected on the GUI thread (Qt objects), awaited by the capture thread."""
        return self._thread.ask_gui(self.pane.browser_facts, timeout=10)

    def _connected(self, session: CaptureSession) -> None:
        self.session = session
        self._set_controls(connected=True)
        self._set_status(self.tr("Ready. Recording is off."))
        self.ready.emit()

    # -- navigation -------------------------------------------------------------------------

    def load(self, url: str) -> None:
        url = url.strip()
        if not url:
            return
        self._requested_url = url
        self.toolbar.set_address(url)
        self.pane.load(url)

    def _url_changed(self, url: str) -> None:
        if not url.startswith("about:blank#proofshot-"):
            self.toolbar.set_address(url)
        self._update_nav()

    def _update_nav(self) -> None:
        self.toolbar.set_history(
            can_go_back=self.pane.can_go_back(), can_go_forward=self.pane.can_go_forward()
        )

    # -- recording and capture --------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self.session is not None and self.session.recording

    def start_recording(self) -> None:
        if not self.record_button.isChecked():
            self.record_button.setChecked(True)  # toggles -> _record_toggled

    def stop_recording(self) -> None:
        if self.record_button.isChecked():
            self.record_button.setChecked(False)

    def _record_toggled(self, on: bool) -> None:
        session = self.session
        if session is None:
            self.toolbar.uncheck_record_quietly()
            return
        self._busy = True
        self._set_controls(connected=True)
        if on:
            session.account = self.account.text().strip()
            self._set_status(self.tr("Starting the recording (environment record, clock check)…"))
            target = self.pane.url() if self.pane.url().startswith("http") else self._requested_url
            self._run(session.start_recording, self._recording_started, target)
        else:
            self._set_status(self.tr("Stopping: storing the video and the web archive…"))
            self._run(session.stop_recording, self._recording_stopped)

    def _recording_started(self, session_id: str) -> None:
        self._busy = False
        self._set_controls(connected=True)
        self.toolbar.set_recording_look(True)
        self._set_status(self.tr("Recording session {id}.").format(id=session_id[:8]))
        self.recordingChanged.emit(True)

    def _recording_stopped(self, outcome: SessionOutcome) -> None:
        self._busy = False
        self.last_session = outcome
        self.toolbar.set_recording_look(False)
        self._set_controls(connected=True)
        text = self.tr(
            "Session stored as capture {id}: {n} exchanges, {g} generation(s), video and web archive."
        ).format(id=outcome.capture_id, n=outcome.exchanges, g=len(outcome.generation_ids))
        if outcome.problems:
            text += " " + self.tr("Problems: {p}").format(p=" ".join(outcome.problems))
        self.show_problems(outcome.problems)
        self._set_status(text)
        self.refresh_generations()
        self.recordingChanged.emit(False)
        self.sessionStored.emit(outcome)

    def show_problems(self, problems: list[str]) -> None:
        """List what the session did not see, one line each (see :class:`GenerationsPanel`)."""
        self.generations.show_problems(problems)

    def capture_now(self) -> Future[PageCaptureOutcome] | None:
        session = self.session
        if session is None or self._busy:
            return None
        self._busy = True
        self._set_controls(connected=True)
        self._set_status(self.tr("Capturing the page…"))
        return self._run(session.capture_now, self._captured, self._requested_url)

    def _captured(self, outcome: PageCaptureOutcome) -> None:
        self._busy = False
        self.last_capture = outcome
        self._set_controls(connected=True)
        images = len(outcome.items.get("image", []))
        text = self.tr(
            "Captured “{title}” as capture {id}: screenshots, HTML, MHTML and {n} image(s) in {s:.1f} s."
        ).format(
            title=outcome.title or outcome.final_url,
            id=outcome.capture_id,
            n=images,
            s=outcome.seconds,
        )
        if outcome.problems:
            text += " " + " ".join(outcome.problems)
        self._set_status(text)
        self.captured.emit(outcome)

    def mark_last_capture(self, role: str) -> None:
        outcome = self.last_capture
        if outcome is None or not role:
            return
        capture_id = outcome.capture_id
        self.access.write(
            lambda case: store.mark_capture(case, capture_id, role),
            lambda _mark: self._set_status(
                self.tr("Capture {id} marked as the platform's {role}.").format(
                    id=capture_id, role=page_role_labels().get(role, role)
                )
            ),
            self._failed,
        )

    def _download_finished(self, info: dict[str, Any]) -> None:
        session = self.session
        if session is None:
            return
        data = info.pop("data", None)
        if data is None:
            session.note_download_failure(info)
            self._show_notice(
                self.tr("A download did not complete: {url}").format(url=info.get("url"))
            )
            return
        future = session.add_download(data, url=str(info.get("url", "")), facts=info)
        future.add_done_callback(
            lambda f: self._relay.post(
                lambda: self._set_status(
                    self.tr("Kept the downloaded file as item {id}.").format(id=f.result())
                    if f.exception() is None
                    else str(f.exception())
                )
            )
        )

    # -- notifications from the session -----------------------------------------------------

    def _on_notify(self, kind: str, facts: dict[str, Any]) -> None:
        if kind == "generation":
            self.refresh_generations(select_id=int(facts["generation_id"]))
            self._set_status(
                self.tr("Generation recorded: {n} output(s), bound by {b}.").format(
                    n=facts.get("outputs"), b=facts.get("binding")
                )
            )
            self.generationRecorded.emit(facts)
        elif kind == "popup":
            url = str(facts.get("url") or "")
            self._show_notice(
                self.tr(
                    "The page tried to open a pop-up window; Proofshot keeps one tab per session, "
                    'so it was not opened. <a href="{url}">Open {short} here</a>'
                ).format(url=url, short=url[:80])
            )
        elif kind == "download-started":
            self._set_status(
                self.tr("The page started a download: {url}").format(url=facts.get("url"))
            )
        elif kind == "disconnected":
            self._set_controls(connected=False)
            self._set_status(self.tr("The recorder lost its connection to the browser."))

    def _show_notice(self, html: str) -> None:
        self.notice.show_notice(html)

    # -- generations panel ------------------------------------------------------------------

    def refresh_generations(self, select_id: int | None = None) -> None:
        self.generations.refresh(select_id)

    def selected_generation_id(self) -> int | None:
        return self.generations.selected_generation_id()

    def _correct(self, action: str, value: str) -> None:
        gen_id = self.selected_generation_id()
        if gen_id is None:
            return
        self.access.write(
            lambda case: store.correct_generation(case, gen_id, action, value),
            lambda _id: self.refresh_generations(select_id=gen_id),
            self._failed,
        )

    def confirm_generation(self, remark: str = "") -> None:
        self._correct("confirm", remark)

    def remove_output(self, item_id: int) -> None:
        self._correct("remove-output", str(item_id))

    def add_output(self, item_id: int) -> None:
        self._correct("add-output", str(item_id))

    def add_prompt_note(self, text: str) -> None:
        self._correct("prompt-note", text)

    # -- state ------------------------------------------------------------------------------

    def _set_controls(self, *, connected: bool) -> None:
        usable = connected and self.session is not None and not self._busy
        self.toolbar.set_controls(
            usable=usable,
            recording=self.recording,
            can_mark=self.last_capture is not None and not self._busy,
        )

    def _set_status(self, text: str) -> None:
        self.status.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._set_controls(connected=self.session is not None)
        text = status_text(exc)
        log.warning("capture workspace: %s", text)
        self._set_status(self.tr("Problem: {t}").format(t=text))
        self.failed.emit(text)

    # -- closing ----------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = 120_000) -> None:
        """Stop recording (storing it), close the DevTools connection, release the browser.

        Keeps the Qt event loop turning while it waits: the browser answers from it.
        """
        session = self.session
        self.session = None
        if session is not None:
            self._thread.wait_pumping(self._thread.submit(session.close), timeout_ms)
        if self._client is not None:
            self._client.close()
        self._thread.shutdown()
        self.pane.dispose()
        if self._owned_access is not None:
            self._owned_access.close()
            self._owned_access = None

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)
