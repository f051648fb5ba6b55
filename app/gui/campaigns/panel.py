"""The prompt-campaign panel: define a campaign, start it, pause it, watch it progress.

A thin shell over :mod:`app.capture.campaigns`: the panel builds a
:class:`~app.capture.campaigns.CampaignSpec`, hands a job to a task runner, and shows the
per-prompt summary read from the case. It never writes SQL.

Where the campaign runs:

* given a :class:`~app.gui.session.CaseSession` (``session=``), on the session's writer
  thread with the session's writable case — the main window keeps the case lock;
* otherwise on the panel's own single worker thread, which opens the case for the run and
  closes it afterwards (the panel used on its own, or in tests).

Reading (the campaign list and the summary table) uses a read-only connection on the GUI
thread, which sees each batch as soon as it is committed. Pausing cancels the job: the tries
in flight finish and are kept, and Resume runs the same definition again, which continues
the campaign without repeating a finished try.

The panel holds the run (start, pause, progress, status) and the reading of the case, and
wires two units with their own modules and tests:
:class:`~app.gui.campaigns.form.CampaignForm` (the platform and the prompts, turned into a
spec, a credential and run settings) and :class:`~app.gui.campaigns.summary.CampaignSummary`
(the campaign picker, the totals and the per-prompt table). Their widgets stay reachable
under the panel's old attribute names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.capture.campaigns import (
    CampaignJob,
    CampaignSpec,
    Credential,
    RunResult,
    RunSettings,
    campaign_report,
    campaigns_status,
    get_campaign,
)
from app.capture.campaigns.runner import run_campaign
from app.core.attest import WriterCall
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.jobs import CancelToken, Progress, ProgressCallback
from app.gui.campaigns.form import PROFILES, CampaignForm
from app.gui.campaigns.summary import COLUMN_COUNT, CampaignSummary, PromptSummaryModel
from app.gui.messages import status_text
from app.gui.tasks import TaskHandle, TaskRunner
from app.gui.writer_call import writer_call

__all__ = [
    "COLUMN_COUNT",
    "PROFILES",
    "CampaignForm",
    "CampaignPanel",
    "CampaignSummary",
    "PromptSummaryModel",
]


class _SessionCampaignJob:
    """The campaign run on a case that is already open (the session's writable case).

    It runs in the session's worker pool; each read and write of the case goes to the
    session's writer (``writer``), so the AI service's and the TSAs' waits never hold it.
    """

    title = "Prompt campaign"

    def __init__(
        self,
        writer: WriterCall,
        spec: CampaignSpec,
        credential: Credential,
        settings: RunSettings,
        new: bool,
    ) -> None:
        self.writer, self.spec, self.credential, self.settings, self.new = (
            writer,
            spec,
            credential,
            settings,
            new,
        )

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> RunResult:
        return run_campaign(
            None,
            self.spec,
            self.credential,
            self.settings,
            progress=progress,
            cancel=cancel,
            new=self.new,
            writer=self.writer,
        )


class CampaignPanel(QWidget):
    """Define, start, pause and watch a prompt campaign on one case."""

    campaign_progress = Signal(object)
    """A :class:`~app.core.jobs.Progress` while a campaign runs."""
    campaign_finished = Signal(object)
    """The :class:`~app.capture.campaigns.RunResult` when a run ends (finished or paused)."""
    campaign_failed = Signal(str)
    """The sentence shown when a run could not start or stopped on an error."""

    def __init__(
        self,
        case_path: Path | str,
        parent: QWidget | None = None,
        *,
        session: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("campaignPanel")
        self.case_path = Path(case_path)
        self._session = session
        self._runner = TaskRunner(self, serial=True) if session is None else None
        self._handle: TaskHandle | None = None
        self._pausing = False
        self._shown_campaign: int | None = None
        self._view: Case | None = None
        self._build()
        self.retranslate_ui()
        self.form.on_profile_changed()
        self.refresh()

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.form = CampaignForm(self)
        self._alias_form_widgets()
        self.start_button = QPushButton(self)
        self.start_button.setObjectName("startButton")
        self.start_button.clicked.connect(self.start)
        self.pause_button = QPushButton(self)
        self.pause_button.setObjectName("pauseButton")
        self.pause_button.setEnabled(False)
        self.pause_button.clicked.connect(self.pause)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("campaignProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel(self)
        self.status.setObjectName("campaignStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.progress, 1)

        self.summary_view = CampaignSummary(self)
        self.summary_view.campaign_chosen.connect(self._on_campaign_chosen)
        self.campaign_combo = self.summary_view.campaign_combo
        self.campaign_label = self.summary_view.campaign_label
        self.summary = self.summary_view.summary
        self.model = self.summary_view.model
        self.table = self.summary_view.table

        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.summary_view, 1)

    def _alias_form_widgets(self) -> None:
        """The form's widgets under the names they had on the panel (tests and callers use them)."""
        form = self.form
        self.platform_box, self.prompts_box = form.platform_box, form.prompts_box
        self.profile_combo, self.endpoint_edit = form.profile_combo, form.endpoint_edit
        self.model_edit, self.config_edit = form.model_edit, form.config_edit
        self.config_button, self.key_edit = form.config_button, form.key_edit
        self.remember_key, self.key_state = form.remember_key, form.key_state
        self.prompts_edit, self.prompts_button = form.prompts_edit, form.prompts_button
        self.prompts_state, self.tries_spin = form.prompts_state, form.tries_spin
        self.concurrency_spin, self.rate_spin = form.concurrency_spin, form.rate_spin
        self.new_check = form.new_check

    def retranslate_ui(self) -> None:
        self.form.retranslate_ui()
        self.summary_view.retranslate_ui()
        self.pause_button.setText(self.tr("Pause"))
        self._update_start_text()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- state ------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.done

    def _update_start_text(self) -> None:
        resumable = any(not r["complete"] for r in self._status_rows())
        self.start_button.setText(
            self.tr("Resume") if resumable and not self.new_check.isChecked() else self.tr("Start")
        )

    def _show_error(self, text: str) -> None:
        self.status.setText(text)
        self.status.setProperty("error", True)
        self.campaign_failed.emit(text)

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setProperty("error", False)

    # -- building the run -----------------------------------------------------------------------

    def _spec(self) -> CampaignSpec:
        return self.form.spec()

    def _credential(self, spec: CampaignSpec) -> Credential:
        return self.form.credential(spec)

    def _settings(self) -> RunSettings:
        return self.form.settings()

    # -- actions ----------------------------------------------------------------------------------

    def start(self, *, settings: RunSettings | None = None) -> bool:
        """Start (or resume) the campaign described by the form; False if it cannot start."""
        if self.running:
            return False
        try:
            spec = self._spec()
            credential = self._credential(spec)
        except ProofshotError as exc:
            self._show_error(str(exc))
            return False
        settings = settings or self._settings()
        new = self.new_check.isChecked()
        self._pausing = False
        self._shown_campaign = None
        self.progress.setRange(0, 0)  # busy until the first progress report
        self._show_status(self.tr("Starting…"))
        self.start_button.setEnabled(False)
        self.pause_button.setEnabled(True)
        if self._session is not None:
            # In the pool, writing through the writer: network waits never hold an edit.
            job = _SessionCampaignJob(writer_call(self._session), spec, credential, settings, new)
            self._handle = self._session.pool.run_job(
                job, self._on_done_changed, self._on_error, self._on_progress
            )
        else:
            assert self._runner is not None
            job = CampaignJob(self.case_path, spec, credential, settings, new=new)
            self._handle = self._runner.run_job(
                job, self._on_done, self._on_error, self._on_progress
            )
        return True

    def pause(self) -> None:
        """Stop asking: the tries in flight finish and are kept; Resume continues."""
        if self._handle is not None and not self._handle.done:
            self._pausing = True
            self._handle.cancel.cancel()
            self.pause_button.setEnabled(False)
            self._show_status(self.tr("Pausing: finishing the tries in flight…"))

    # -- job callbacks (GUI thread) -----------------------------------------------------------

    def _on_progress(self, progress: Progress) -> None:
        total = progress.total or 0
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(min(progress.done, max(1, total)))
        if not self._pausing:
            self._show_status(progress.message)
        self.campaign_progress.emit(progress)
        self.refresh()

    def _on_done_changed(self, result: RunResult) -> None:
        """A session run ended: announce a change (as a writer job did), then show it."""
        if self._session is not None and not self._session.closed:
            self._session.changed.emit(None)
        self._on_done(result)

    def _on_done(self, result: RunResult) -> None:
        self._handle = None
        self.start_button.setEnabled(True)
        self.pause_button.setEnabled(False)
        self.progress.setRange(0, max(1, result.planned))
        finished = result.finished_before + result.done + result.failed
        self.progress.setValue(finished)
        if result.complete:
            self._show_status(
                self.tr(
                    "Finished: all {planned} tries have a result; this run stored {outputs} image(s) "
                    "and {failed} tries failed."
                ).format(planned=result.planned, outputs=result.outputs, failed=result.failed)
            )
        elif result.stopped_reason:
            self._show_error(
                self.tr(
                    "Stopped: {reason} Nothing more was asked and no try was marked failed; "
                    "fix the key or the endpoint and press Resume."
                ).format(reason=result.stopped_reason)
            )
        else:
            self._show_status(
                self.tr(
                    "Paused: {finished} of {planned} tries finished. Press Resume to continue."
                ).format(finished=finished, planned=result.planned)
            )
        self._shown_campaign = result.campaign_id
        self.refresh()
        self.campaign_finished.emit(result)

    def _on_error(self, exc: BaseException) -> None:
        self._handle = None
        self.start_button.setEnabled(True)
        self.pause_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._show_error(status_text(exc))
        self.refresh()

    # -- reading the case -------------------------------------------------------------------------

    def _reader(self) -> Case | None:
        if self._view is None:
            try:
                self._view = Case.open(self.case_path, read_only=True, follow_writes=True)
            except ProofshotError as exc:
                self._show_error(str(exc))
                return None
        return self._view

    def _status_rows(self) -> list[dict[str, Any]]:
        case = self._reader()
        return campaigns_status(case) if case is not None else []

    def refresh(self) -> None:
        """Re-read the campaigns and the summary of the one shown (cheap; no image work)."""
        rows = self._status_rows()
        wanted = self._shown_campaign or (rows[-1]["id"] if rows else None)
        self.summary_view.set_campaigns(rows, wanted)
        self._show_campaign(self.summary_view.current_campaign())
        self._update_start_text()

    def _on_campaign_chosen(self, campaign_id: int | None) -> None:
        self._shown_campaign = campaign_id
        self._show_campaign(self._shown_campaign)

    def _show_campaign(self, campaign_id: int | None) -> None:
        case = self._reader()
        if case is None or campaign_id is None:
            self.summary_view.show_report(None)
            return
        report = campaign_report(case, get_campaign(case, int(campaign_id)), compute_missing=False)
        self.summary_view.show_report(report)

    # -- closing ----------------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Pause a running campaign, wait for it, and close the read connection."""
        if self._handle is not None and not self._handle.done:
            self._handle.cancel.cancel()
        if self._runner is not None:
            self._runner.wait(timeout_ms)
        if self._view is not None:
            self._view.close()
            self._view = None

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)
