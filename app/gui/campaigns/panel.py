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
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.capture.campaigns import (
    CampaignJob,
    CampaignSpec,
    ClientSettings,
    Credential,
    RunResult,
    RunSettings,
    campaign_report,
    campaigns_status,
    get_campaign,
    load_prompts,
    store_api_key,
)
from app.capture.campaigns.credentials import credential_from_keyring, keyring_name
from app.capture.campaigns.runner import run_campaign
from app.core.attest import WriterCall
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.jobs import CancelToken, Progress, ProgressCallback
from app.gui.tasks import TaskHandle, TaskRunner
from app.gui.writer_call import writer_call

PROFILES = ("openai", "generic", "demo")
COLUMN_COUNT = 10


class PromptSummaryModel(QAbstractTableModel):
    """One row per prompt of the campaign: tries, outputs, matches by band, best match."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_data(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers()[section]
        return None

    def _headers(self) -> tuple[str, ...]:
        # Literal tr() calls, so pyside6-lupdate finds every header.
        return (
            self.tr("#"),
            self.tr("Prompt"),
            self.tr("Tries"),
            self.tr("Done"),
            self.tr("Failed"),
            self.tr("Outputs"),
            self.tr("High"),
            self.tr("Medium"),
            self.tr("Low"),
            self.tr("Best match"),
        )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            negative = row.get("negative_prompt")
            return row["prompt"] + (
                f"\n\n{self.tr('Negative prompt')}: {negative}" if negative else ""
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (1, 9):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        best = row.get("best_match")
        values = (
            row["number"],
            " ".join(row["prompt"].split()),
            row["tries_planned"],
            row["tries_done"],
            row["tries_failed"],
            row["outputs"],
            row["matches"]["high"],
            row["matches"]["medium"],
            row["matches"]["low"],
            f"{best['title']} ({best['band']}, {best['score']:.2f})" if best else "",
        )
        return values[column]


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
        self._on_profile_changed()
        self.refresh()

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.platform_box = QGroupBox(self)
        self.profile_combo = QComboBox(self)
        self.profile_combo.setObjectName("profileCombo")
        for name in PROFILES:
            self.profile_combo.addItem(name, name)
        self.profile_combo.currentIndexChanged.connect(self._on_profile_changed)
        self.endpoint_edit = QLineEdit(self)
        self.endpoint_edit.setObjectName("endpointEdit")
        self.endpoint_edit.editingFinished.connect(self._update_key_state)
        self.model_edit = QLineEdit(self)
        self.model_edit.setObjectName("modelEdit")
        self.config_edit = QLineEdit(self)
        self.config_edit.setObjectName("profileConfigEdit")
        self.config_button = QPushButton(self)
        self.config_button.clicked.connect(self._choose_config)
        config_row = QHBoxLayout()
        config_row.addWidget(self.config_edit, 1)
        config_row.addWidget(self.config_button)
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("apiKeyEdit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_key = QCheckBox(self)
        self.remember_key.setObjectName("rememberKey")
        self.remember_key.setChecked(True)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.remember_key)
        self.key_state = QLabel(self)
        self.key_state.setObjectName("keyState")
        self.key_state.setWordWrap(True)
        platform_form = QFormLayout(self.platform_box)
        self.profile_label = QLabel(self)
        self.endpoint_label = QLabel(self)
        self.model_label = QLabel(self)
        self.config_label = QLabel(self)
        self.key_label = QLabel(self)
        platform_form.addRow(self.profile_label, self.profile_combo)
        platform_form.addRow(self.endpoint_label, self.endpoint_edit)
        platform_form.addRow(self.model_label, self.model_edit)
        platform_form.addRow(self.config_label, config_row)
        platform_form.addRow(self.key_label, key_row)
        platform_form.addRow("", self.key_state)

        self.prompts_box = QGroupBox(self)
        self.prompts_edit = QLineEdit(self)
        self.prompts_edit.setObjectName("promptsEdit")
        self.prompts_edit.editingFinished.connect(self._update_prompts_state)
        self.prompts_button = QPushButton(self)
        self.prompts_button.clicked.connect(self._choose_prompts)
        prompts_row = QHBoxLayout()
        prompts_row.addWidget(self.prompts_edit, 1)
        prompts_row.addWidget(self.prompts_button)
        self.prompts_state = QLabel(self)
        self.prompts_state.setObjectName("promptsState")
        self.tries_spin = QSpinBox(self)
        self.tries_spin.setObjectName("triesSpin")
        self.tries_spin.setRange(1, 1000)
        self.tries_spin.setValue(3)
        self.concurrency_spin = QSpinBox(self)
        self.concurrency_spin.setObjectName("concurrencySpin")
        self.concurrency_spin.setRange(1, 32)
        self.concurrency_spin.setValue(2)
        self.rate_spin = QDoubleSpinBox(self)
        self.rate_spin.setObjectName("rateSpin")
        self.rate_spin.setRange(0.0, 1000.0)
        self.rate_spin.setDecimals(2)
        self.rate_spin.setValue(1.0)
        self.new_check = QCheckBox(self)
        self.new_check.setObjectName("newCampaign")
        prompts_form = QFormLayout(self.prompts_box)
        self.prompts_label = QLabel(self)
        self.tries_label = QLabel(self)
        self.concurrency_label = QLabel(self)
        self.rate_label = QLabel(self)
        prompts_form.addRow(self.prompts_label, prompts_row)
        prompts_form.addRow("", self.prompts_state)
        prompts_form.addRow(self.tries_label, self.tries_spin)
        prompts_form.addRow(self.concurrency_label, self.concurrency_spin)
        prompts_form.addRow(self.rate_label, self.rate_spin)
        prompts_form.addRow("", self.new_check)

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

        self.campaign_combo = QComboBox(self)
        self.campaign_combo.setObjectName("campaignCombo")
        self.campaign_combo.currentIndexChanged.connect(self._on_campaign_chosen)
        self.campaign_label = QLabel(self)
        campaign_row = QHBoxLayout()
        campaign_row.addWidget(self.campaign_label)
        campaign_row.addWidget(self.campaign_combo, 1)
        self.summary = QLabel(self)
        self.summary.setObjectName("campaignSummary")
        self.summary.setWordWrap(True)
        self.model = PromptSummaryModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("promptTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        top = QHBoxLayout()
        top.addWidget(self.platform_box, 3)
        top.addWidget(self.prompts_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addLayout(campaign_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def retranslate_ui(self) -> None:
        self.platform_box.setTitle(self.tr("Platform"))
        self.profile_label.setText(self.tr("Profile"))
        names = {
            "openai": self.tr("OpenAI-compatible images API"),
            "generic": self.tr("Generic JSON API (configuration file)"),
            "demo": self.tr("Lumagen demo site"),
        }
        for i, name in enumerate(PROFILES):
            self.profile_combo.setItemText(i, names[name])
        self.endpoint_label.setText(self.tr("Endpoint"))
        self.endpoint_edit.setPlaceholderText(self.tr("https://api.example.com"))
        self.model_label.setText(self.tr("Model"))
        self.model_edit.setPlaceholderText(self.tr("optional"))
        self.config_label.setText(self.tr("Configuration"))
        self.config_button.setText(self.tr("Choose…"))
        self.key_label.setText(self.tr("API key"))
        self.key_edit.setPlaceholderText(self.tr("leave empty to use the key in the keyring"))
        self.remember_key.setText(self.tr("Keep in the keyring"))
        self.prompts_box.setTitle(self.tr("Prompts"))
        self.prompts_label.setText(self.tr("Prompt file"))
        self.prompts_edit.setPlaceholderText(self.tr("text (one prompt per line) or CSV"))
        self.prompts_button.setText(self.tr("Choose…"))
        self.tries_label.setText(self.tr("Tries per prompt"))
        self.concurrency_label.setText(self.tr("Requests at once"))
        self.rate_label.setText(self.tr("Requests per second (0: no limit)"))
        self.new_check.setText(self.tr("Start a new campaign even if one is unfinished"))
        self.campaign_label.setText(self.tr("Campaign"))
        self.pause_button.setText(self.tr("Pause"))
        self._update_start_text()
        self._update_key_state()

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

    def _on_profile_changed(self) -> None:
        generic = self.profile_combo.currentData() == "generic"
        self.config_edit.setEnabled(generic)
        self.config_button.setEnabled(generic)
        self._update_key_state()

    def _update_key_state(self) -> None:
        endpoint = self.endpoint_edit.text().strip()
        if not endpoint:
            self.key_state.setText("")
            return
        try:
            stored = credential_from_keyring(endpoint)
        except ProofshotError as exc:
            self.key_state.setText(str(exc))
            return
        if stored is None:
            self.key_state.setText(
                self.tr("No key is stored for {origin}.").format(origin=keyring_name(endpoint))
            )
        else:
            self.key_state.setText(
                self.tr("A key is stored for {origin} (SHA-256 {fingerprint}…).").format(
                    origin=keyring_name(endpoint), fingerprint=(stored.fingerprint or "")[:16]
                )
            )

    def _update_prompts_state(self) -> None:
        path = self.prompts_edit.text().strip()
        if not path:
            self.prompts_state.setText("")
            return
        try:
            plist = load_prompts(path)
        except ProofshotError as exc:
            self.prompts_state.setText(str(exc))
            return
        self.prompts_state.setText(
            self.tr("{count} prompts (SHA-256 {sha}…)").format(
                count=len(plist.entries), sha=plist.sha256[:16]
            )
        )

    def _choose_prompts(self) -> None:
        dialog = QFileDialog(self, self.tr("Prompt file"))
        dialog.setNameFilters([self.tr("Prompt lists (*.txt *.csv)"), self.tr("All files (*)")])
        dialog.fileSelected.connect(
            lambda p: (self.prompts_edit.setText(p), self._update_prompts_state())
        )
        dialog.open()

    def _choose_config(self) -> None:
        dialog = QFileDialog(self, self.tr("Profile configuration"))
        dialog.setNameFilters([self.tr("JSON files (*.json)"), self.tr("All files (*)")])
        dialog.fileSelected.connect(self.config_edit.setText)
        dialog.open()

    def _show_error(self, text: str) -> None:
        self.status.setText(text)
        self.status.setProperty("error", True)
        self.campaign_failed.emit(text)

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setProperty("error", False)

    # -- building the run -----------------------------------------------------------------------

    def _spec(self) -> CampaignSpec:
        profile = str(self.profile_combo.currentData())
        endpoint = self.endpoint_edit.text().strip()
        if not endpoint:
            raise ProofshotError(self.tr("Enter the platform's endpoint URL."))
        prompts_path = self.prompts_edit.text().strip()
        if not prompts_path:
            raise ProofshotError(self.tr("Choose a prompt file."))
        config = None
        if profile == "generic":
            config_path = self.config_edit.text().strip()
            if not config_path:
                raise ProofshotError(self.tr("The generic profile needs a configuration file."))
            try:
                config = json.loads(Path(config_path).read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise ProofshotError(
                    self.tr("The configuration file cannot be read as JSON ({reason}).").format(
                        reason=exc
                    )
                ) from exc
        self._update_prompts_state()
        spec = CampaignSpec(
            profile=profile,
            endpoint=endpoint,
            prompts=load_prompts(prompts_path),
            tries=self.tries_spin.value(),
            model=self.model_edit.text().strip() or None,
            profile_config=config,
        )
        spec.build_profile()  # refuses a bad endpoint or configuration now, not in the worker
        return spec

    def _credential(self, spec: CampaignSpec) -> Credential:
        typed = self.key_edit.text().strip()
        if typed:
            if self.remember_key.isChecked():
                store_api_key(spec.endpoint, typed)
                self.key_edit.clear()
                self._update_key_state()
                return Credential(typed, "keyring")
            return Credential(typed, "typed in the campaign panel")
        stored = credential_from_keyring(spec.endpoint)
        if stored is not None:
            return stored
        if spec.build_profile().needs_credential:
            raise ProofshotError(
                self.tr(
                    "Enter the API key for {origin}; it is kept in the system keyring, never in the case."
                ).format(origin=keyring_name(spec.endpoint))
            )
        return Credential("", "none")

    def _settings(self) -> RunSettings:
        return RunSettings(
            concurrency=self.concurrency_spin.value(),
            rate_per_second=self.rate_spin.value(),
            client=ClientSettings(),
        )

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
        self._show_error(
            str(exc) if isinstance(exc, ProofshotError) else f"{type(exc).__name__}: {exc}"
        )
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
        self.campaign_combo.blockSignals(True)
        self.campaign_combo.clear()
        for r in rows:
            state = self.tr("finished") if r["complete"] else self.tr("unfinished")
            self.campaign_combo.addItem(f"{r['id']}: {r['name']} ({state})", r["id"])
        if wanted is not None:
            self.campaign_combo.setCurrentIndex(max(0, self.campaign_combo.findData(wanted)))
        self.campaign_combo.blockSignals(False)
        self._show_campaign(self.campaign_combo.currentData())
        self._update_start_text()

    def _on_campaign_chosen(self) -> None:
        self._shown_campaign = self.campaign_combo.currentData()
        self._show_campaign(self._shown_campaign)

    def _show_campaign(self, campaign_id: int | None) -> None:
        case = self._reader()
        if case is None or campaign_id is None:
            self.model.set_rows([])
            self.summary.setText(self.tr("No campaign yet."))
            return
        report = campaign_report(case, get_campaign(case, int(campaign_id)), compute_missing=False)
        self.model.set_rows(report["prompts"])
        t, p = report["totals"], report["progress"]
        self.summary.setText(
            self.tr(
                "{done} of {planned} tries done, {failed} failed; {outputs} outputs, {matching} matching a work "
                "(high {high}, medium {medium}) against {works} work(s)."
            ).format(
                done=p["done"],
                planned=p["planned"],
                failed=p["failed"],
                outputs=t["outputs"],
                matching=t["outputs_matching"],
                high=t["matches"]["high"],
                medium=t["matches"]["medium"],
                works=len(report["works"]),
            )
        )

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
