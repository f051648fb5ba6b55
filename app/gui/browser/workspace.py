"""The capture workspace: a browser tab with Record, Capture now, and the generations panel.

The widget is a thin shell. Everything that talks to the page or the case runs in the
GUI-free :class:`~app.capture.session.CaptureSession` on one worker thread (its calls
block, and Chromium answers DevTools from the Qt main thread, which must stay free); the
results come back through a relay onto the GUI thread. Reads for the panel use the
case's read-only view; writes go through the case's single writer.

Layout: navigation bar (back, forward, reload, address, Go) and the capture controls
(account, Record, Capture now, Mark page as); the browser on the left; on the right the
generations recorded in this case, each with its prompt verbatim, outputs and binding,
and the operator's review actions (confirm, remove or add an output, note on the prompt),
which are stored as corrections beside the record, never over it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.capture import devtools, store
from app.capture.cdp import CdpClient, connect_tab
from app.capture.session import CaptureSession, PageCaptureOutcome, SessionOutcome
from app.core.errors import ProofshotError
from app.gui.browser.access import AccessWriter, CaseAccess, GuiRelay, StandaloneAccess
from app.gui.browser.pane import BrowserPane

log = logging.getLogger(__name__)
T = TypeVar("T")

THUMB = 96


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
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture")
        self._client: CdpClient | None = None
        self.session: CaptureSession | None = None
        self._requested_url = ""
        self._busy = False
        self.last_capture: PageCaptureOutcome | None = None
        self.last_session: SessionOutcome | None = None
        self._owned_access: StandaloneAccess | None = None
        self._generations: dict[int, store.GenerationView] = {}
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
        style = self.style()
        self.back_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack), self.tr("Back")
        )
        self.forward_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward), self.tr("Forward")
        )
        self.reload_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), self.tr("Reload")
        )
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(self.tr("Address of the AI site (https://…)"))
        self.address.setClearButtonEnabled(True)
        self.go_button = QPushButton(self.tr("Go"), self)
        self.go_button.setMaximumWidth(60)
        self.account = QLineEdit(self)
        self.account.setPlaceholderText(self.tr("Site account"))
        self.account.setToolTip(
            self.tr(
                "Name the site account you use; it is recorded by name. Cookies and passwords "
                "stay in this browser's private memory and never enter the case."
            )
        )
        self.account.setMaximumWidth(200)
        self.record_button = QPushButton(self.tr("● Record"), self)
        self.record_button.setCheckable(True)
        self.record_button.setToolTip(
            self.tr("Record every exchange, the session video and the prompts you submit.")
        )
        self.capture_button = QPushButton(self.tr("Capture now"), self)
        self.capture_button.setToolTip(
            self.tr(
                "Store this page: full-page and visible screenshots, its HTML and MHTML, and "
                "every image shown, as the bytes the server sent."
            )
        )
        self.mark_box = QComboBox(self)
        self.mark_box.addItem(self.tr("Mark last capture as…"), "")
        for role, label in _page_role_labels(self).items():
            self.mark_box.addItem(label, role)
        self.mark_box.setEnabled(False)

        nav = QHBoxLayout()
        nav.setContentsMargins(6, 6, 6, 0)
        for w in (self.back_button, self.forward_button, self.reload_button):
            nav.addWidget(w)
        nav.addWidget(self.address, 1)
        nav.addWidget(self.go_button)
        nav.addSpacing(12)
        nav.addWidget(self.account)
        nav.addWidget(self.record_button)
        nav.addWidget(self.capture_button)
        nav.addWidget(self.mark_box)

        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setStyleSheet(
            "background:#fff4ce;color:#3d3000;padding:4px 8px;border-radius:3px;"
        )
        self.notice.hide()
        self.notice.linkActivated.connect(self._notice_link)

        self.pane = BrowserPane(self)
        self.pane.urlChanged.connect(self._url_changed)
        self.pane.loadFinished.connect(lambda _ok: self._update_nav())
        self.pane.downloadFinished.connect(self._download_finished)

        self.generation_list = QListWidget(self)
        self.generation_list.setIconSize(QSize(40, 40))
        self.generation_list.currentRowChanged.connect(lambda _row: self._show_generation())
        self.prompt_view = QPlainTextEdit(self)
        self.prompt_view.setReadOnly(True)
        self.prompt_view.setMaximumHeight(96)
        self.generation_facts = QLabel(self)
        self.generation_facts.setWordWrap(True)
        self.generation_facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.output_list = QListWidget(self)
        self.output_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.output_list.setIconSize(QSize(THUMB, THUMB))
        self.output_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.output_list.setMaximumHeight(THUMB + 48)
        self.confirm_button = QPushButton(self.tr("Confirm binding"), self)
        self.remove_button = QPushButton(self.tr("Remove output"), self)
        self.add_button = QPushButton(self.tr("Add output…"), self)
        self.note_button = QPushButton(self.tr("Note on prompt…"), self)
        self.corrections_view = QLabel(self)
        self.corrections_view.setWordWrap(True)
        self.corrections_view.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.corrections_view.setMinimumHeight(72)
        self.problem_title = QLabel(self.tr("<b>Not seen</b> — problems of the last session"), self)
        self.problem_list = QListWidget(self)
        self.problem_list.setWordWrap(True)
        self.problem_list.setMaximumHeight(110)
        self.problem_title.hide()
        self.problem_list.hide()

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 6, 0)
        title = QLabel(self.tr("<b>Generations</b> — each prompt and the images it produced"), side)
        side_layout.addWidget(title)
        side_layout.addWidget(self.generation_list, 2)
        side_layout.addWidget(QLabel(self.tr("Prompt (verbatim, as sent)"), side))
        side_layout.addWidget(self.prompt_view)
        side_layout.addWidget(self.generation_facts)
        side_layout.addWidget(QLabel(self.tr("Outputs (bytes as served)"), side))
        side_layout.addWidget(self.output_list)
        buttons = QHBoxLayout()
        for b in (self.confirm_button, self.remove_button, self.add_button, self.note_button):
            buttons.addWidget(b)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.corrections_view)
        side_layout.addWidget(self.problem_title)
        side_layout.addWidget(self.problem_list)
        side_layout.addStretch(1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.pane)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 360])

        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 4)
        root.addLayout(nav)
        root.addWidget(self.notice)
        root.addWidget(splitter, 1)
        root.addWidget(self.status)

        self.back_button.clicked.connect(self.pane.back)
        self.forward_button.clicked.connect(self.pane.forward)
        self.reload_button.clicked.connect(self.pane.reload)
        self.address.returnPressed.connect(lambda: self.load(self.address.text()))
        self.go_button.clicked.connect(lambda: self.load(self.address.text()))
        self.record_button.toggled.connect(self._record_toggled)
        self.capture_button.clicked.connect(lambda: self.capture_now())
        self.mark_box.activated.connect(self._mark_chosen)
        self.confirm_button.clicked.connect(lambda: self.confirm_generation())
        self.remove_button.clicked.connect(self._remove_clicked)
        self.add_button.clicked.connect(self._add_clicked)
        self.note_button.clicked.connect(self._note_clicked)
        self._set_controls(connected=False)
        self._show_generation()

    def _tool(self, icon: Any, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icon)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # -- threads ----------------------------------------------------------------------------

    def _run(self, fn: Callable[..., T], on_done: Callable[[T], None], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on the capture thread; deliver the result on the GUI thread."""
        future = self._executor.submit(fn, *args)

        def deliver(f: Future[T]) -> None:
            exc = f.exception()
            if exc is not None:
                self._relay.post(lambda: self._failed(exc))
            else:
                self._relay.post(lambda: on_done(f.result()))

        future.add_done_callback(deliver)
        return future

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
        future: Future[dict[str, Any]] = Future()

        def collect() -> None:
            try:
                future.set_result(self.pane.browser_facts())
            except BaseException as exc:
                future.set_exception(exc)

        self._relay.post(collect)
        return future.result(timeout=10)

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
        self.address.setText(url)
        self.pane.load(url)

    def _url_changed(self, url: str) -> None:
        if not url.startswith("about:blank#proofshot-"):
            self.address.setText(url)
        self._update_nav()

    def _update_nav(self) -> None:
        self.back_button.setEnabled(self.pane.can_go_back())
        self.forward_button.setEnabled(self.pane.can_go_forward())

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
            self.record_button.blockSignals(True)
            self.record_button.setChecked(False)
            self.record_button.blockSignals(False)
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
        self.record_button.setText(self.tr("■ Stop recording"))
        self.record_button.setStyleSheet("color:#b00020;font-weight:bold;")
        self._set_status(self.tr("Recording session {id}.").format(id=session_id[:8]))
        self.recordingChanged.emit(True)

    def _recording_stopped(self, outcome: SessionOutcome) -> None:
        self._busy = False
        self.last_session = outcome
        self.record_button.setText(self.tr("● Record"))
        self.record_button.setStyleSheet("")
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
        """List what the session did not see (a prompt with no generation, an unbound
        image, a body that could not be read, a stream open at stop), one line each."""
        self.problem_list.clear()
        for problem in problems:
            self.problem_list.addItem(QListWidgetItem("⚠ " + problem))
        self.problem_title.setVisible(bool(problems))
        self.problem_list.setVisible(bool(problems))

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
                    id=capture_id, role=_page_role_labels(self).get(role, role)
                )
            ),
            self._failed,
        )

    def _mark_chosen(self, index: int) -> None:
        role = self.mark_box.itemData(index)
        self.mark_box.setCurrentIndex(0)
        if role:
            self.mark_last_capture(str(role))

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
        self.notice.setText(html)
        self.notice.show()

    def _notice_link(self, url: str) -> None:
        self.notice.hide()
        self.load(url)

    # -- generations panel ------------------------------------------------------------------

    def refresh_generations(self, select_id: int | None = None) -> None:
        current = self.selected_generation_id()
        views = store.list_generations(self.access.view)
        self._generations = {v.id: v for v in views}
        self.generation_list.blockSignals(True)
        self.generation_list.clear()
        for v in reversed(views):  # newest first
            mark = " ✓" if v.confirmed else ""
            text = f"#{v.id}  {v.prompt[:80]}\n{len(v.outputs)} output(s) · {v.binding}{mark}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            if v.outputs:
                item.setIcon(self._thumbnail(v.outputs[0]["sha256"]))
            self.generation_list.addItem(item)
        self.generation_list.blockSignals(False)
        wanted = select_id if select_id is not None else current
        for row in range(self.generation_list.count()):
            if self.generation_list.item(row).data(Qt.ItemDataRole.UserRole) == wanted:
                self.generation_list.setCurrentRow(row)
                break
        else:
            if self.generation_list.count():
                self.generation_list.setCurrentRow(0)
        self._show_generation()

    def selected_generation_id(self) -> int | None:
        item = self.generation_list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _thumbnail(self, sha256: str) -> QIcon:
        pixmap = QPixmap(str(self.access.view.objects.path_for(sha256)))
        if pixmap.isNull():
            return QIcon()
        return QIcon(
            pixmap.scaled(
                THUMB,
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def _show_generation(self) -> None:
        gen_id = self.selected_generation_id()
        view = self._generations.get(gen_id) if gen_id is not None else None
        for b in (self.confirm_button, self.remove_button, self.add_button, self.note_button):
            b.setEnabled(view is not None)
        self.output_list.clear()
        if view is None:
            self.prompt_view.setPlainText("")
            self.generation_facts.setText(
                self.tr("No generation recorded yet. Turn on Record and submit a prompt.")
            )
            self.corrections_view.setText("")
            return
        self.prompt_view.setPlainText(view.prompt)
        lines = [
            self.tr("Negative prompt: {v}").format(v=view.negative_prompt)
            if view.negative_prompt
            else "",
            self.tr("Sent to: {url}").format(url=view.request_url),
            self.tr("Submitted {a} · returned {b}").format(
                a=_short_time(view.submitted_at), b=_short_time(view.returned_at)
            ),
            self.tr("Job id: {j}").format(j=view.job_id) if view.job_id else "",
            self.tr("Bound by: {b}").format(b=_binding_label(self, view.binding)),
        ]
        typed = view.facts.get("as_typed") or {}
        if typed and typed.get("matches_sent_prompt") is False:
            lines.append(
                self.tr("As typed in the page: {v}").format(v=typed.get("prompt_field_value"))
            )
        self.generation_facts.setText("<br>".join(_escape(line) for line in lines if line))
        for out in view.outputs:
            item = QListWidgetItem(self._thumbnail(out["sha256"]), f"item {out['item_id']}")
            item.setData(Qt.ItemDataRole.UserRole, out["item_id"])
            item.setToolTip(f"{out['url']}\nSHA-256 {out['sha256']}")
            self.output_list.addItem(item)
        if view.corrections:
            self.corrections_view.setText(
                self.tr("Operator review (kept beside the record):")
                + "<br>"
                + "<br>".join(
                    _escape(
                        f"{_short_time(c['at_utc'])} · {c['actor']} · "
                        f"{_correction_label(self, c['action'])}"
                        + (f" “{c['value']}”" if c["value"] else "")
                    )
                    for c in view.corrections
                )
            )
        else:
            self.corrections_view.setText(self.tr("Not yet reviewed by the operator."))

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

    def _remove_clicked(self) -> None:
        item = self.output_list.currentItem()
        if item is None:
            self._set_status(self.tr("Select the output to remove first."))
            return
        self.remove_output(int(item.data(Qt.ItemDataRole.UserRole)))

    def _add_clicked(self) -> None:
        dialog = QInputDialog(self)
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setIntRange(1, 2**31 - 1)
        dialog.setLabelText(self.tr("Id of the item that is also an output of this prompt:"))
        dialog.intValueSelected.connect(self.add_output)
        dialog.open()

    def _note_clicked(self) -> None:
        dialog = QInputDialog(self)
        dialog.setLabelText(self.tr("Note on the prompt (kept beside the record):"))
        dialog.textValueSelected.connect(
            lambda text: self.add_prompt_note(text) if text.strip() else None
        )
        dialog.open()

    # -- state ------------------------------------------------------------------------------

    def _set_controls(self, *, connected: bool) -> None:
        usable = connected and self.session is not None and not self._busy
        self.record_button.setEnabled(usable)
        self.capture_button.setEnabled(usable)
        self.account.setEnabled(usable and not self.recording)
        self.mark_box.setEnabled(self.last_capture is not None and not self._busy)

    def _set_status(self, text: str) -> None:
        self.status.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._set_controls(connected=self.session is not None)
        text = str(exc) if isinstance(exc, ProofshotError) else f"{type(exc).__name__}: {exc}"
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
            future = self._executor.submit(session.close)
            loop = QEventLoop()
            timer = QTimer()
            timer.timeout.connect(lambda: loop.quit() if future.done() else None)
            timer.start(20)
            QTimer.singleShot(timeout_ms, loop.quit)
            loop.exec()
            timer.stop()
        if self._client is not None:
            self._client.close()
        self._executor.shutdown(wait=False)
        self.pane.dispose()
        if self._owned_access is not None:
            self._owned_access.close()
            self._owned_access = None

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)


# Labels built in plain functions are translated in the workspace's own context, with literal
# strings so lupdate files them where Qt looks them up at run time.
def _page_role_labels(widget: QWidget) -> dict[str, str]:
    return {
        "terms": QCoreApplication.translate("CaptureWorkspace", "Terms of service"),
        "ai-label": QCoreApplication.translate("CaptureWorkspace", "AI labelling statement"),
        "complaint": QCoreApplication.translate("CaptureWorkspace", "Complaint page"),
        "home": QCoreApplication.translate("CaptureWorkspace", "Home page"),
        "recommendation": QCoreApplication.translate("CaptureWorkspace", "Recommendation page"),
        "model-page": QCoreApplication.translate("CaptureWorkspace", "Model page"),
    }


def _binding_label(widget: QWidget, binding: str) -> str:
    return {
        "same-response": QCoreApplication.translate(
            "CaptureWorkspace", "the prompt's own response named these images"
        ),
        "job-id": QCoreApplication.translate(
            "CaptureWorkspace", "the job id of the prompt's response"
        ),
        "time-window": QCoreApplication.translate(
            "CaptureWorkspace", "time only (images that followed the prompt) — please review"
        ),
        "none": QCoreApplication.translate("CaptureWorkspace", "no images came back"),
    }.get(binding, binding)


def _correction_label(widget: QWidget, action: str) -> str:
    return {
        "confirm": QCoreApplication.translate("CaptureWorkspace", "confirmed the binding"),
        "add-output": QCoreApplication.translate("CaptureWorkspace", "added output item"),
        "remove-output": QCoreApplication.translate("CaptureWorkspace", "removed output item"),
        "prompt-note": QCoreApplication.translate("CaptureWorkspace", "noted on the prompt"),
    }.get(action, action)


def _short_time(iso: str | None) -> str:
    """ISO UTC text as 'YYYY-MM-DD HH:MM:SS UTC' (the stored value keeps microseconds)."""
    if not iso:
        return "–"
    return iso[:19].replace("T", " ") + " UTC"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
