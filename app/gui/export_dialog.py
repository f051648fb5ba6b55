"""Export the court bundle from the window: options, a preview of the exhibit list, progress.

The preview is the bundle model itself (:func:`app.report.model.build_bundle`) built for the
chosen options, so what the table lists is what the exported bundle will number. It is built
in the session's pool on a read-only connection of its own (the GUI thread's ``view`` must
not be shared with another thread). The export is :class:`app.report.export.ExportJob` run
on the session's writer thread with the already-open writable case: it logs
``export.created`` there, like every other change, and may ask the TSAs to seal the log.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import items as items_mod
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.jobs import Progress
from app.gui.messages import show_error, show_message
from app.gui.session import CaseSession
from app.gui.tasks import TaskHandle
from app.gui.writer_call import writer_call
from app.report.export import ExportJob, ExportResult
from app.report.model import ExportOptions, build_bundle

PREVIEW_DELAY_MS = 350  # typing a tag or prefix rebuilds the preview once, not per key


def preview_rows(case_path: Path, options: ExportOptions) -> list[tuple[str, str, str, str, int]]:
    """(exhibit, kind, title, source, item count) for each exhibit the export would number.

    Opens its own read-only connection, so it may run on any thread.
    """
    with Case.open(case_path, read_only=True, follow_writes=True) as case:
        bundle = build_bundle(case, options)
    rows = []
    for exhibit in bundle.exhibits:
        title = exhibit.title_zh if options.lang == "zh" and exhibit.title_zh else exhibit.title
        source = exhibit.source_zh if options.lang == "zh" and exhibit.source_zh else exhibit.source
        rows.append(
            (
                str(exhibit.number),
                exhibit_kind_label(exhibit.kind),
                title,
                source,
                len(exhibit.items),
            )
        )
    return rows


def exhibit_kind_label(kind: str) -> str:
    """Words for the bundle model's exhibit kinds (stored values stay English)."""
    labels = {
        "work": QCoreApplication.translate("ExhibitKinds", "Original work"),
        "platform-page": QCoreApplication.translate("ExhibitKinds", "Platform page"),
        "capture": QCoreApplication.translate("ExhibitKinds", "Web capture"),
        "generation": QCoreApplication.translate("ExhibitKinds", "Generation"),
        "item": QCoreApplication.translate("ExhibitKinds", "Evidence item"),
        "chart": QCoreApplication.translate("ExhibitKinds", "Comparison chart (demonstrative)"),
    }
    return labels.get(kind, kind)


class ExportDialog(QDialog):
    """Choose options, see the exhibit list, export in the background, open the result."""

    # Emitted on the GUI thread when an export finished (the ExportResult) or failed.
    exported = Signal(object)
    export_failed = Signal(object)
    preview_ready = Signal()

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.session = session
        self.result: ExportResult | None = None
        self.progress: QProgressDialog | None = None
        self._handle: TaskHandle | None = None
        self._preview_handle: TaskHandle | None = None
        self._preview_again = False
        self.preview_error = ""
        self._build()
        self.retranslate_ui()
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        for combo in (self.profile, self.language, self.paper):
            combo.currentIndexChanged.connect(lambda _i: self._preview_timer.start())
        self.tags.textChanged.connect(lambda _t: self._preview_timer.start())
        self.refresh_preview()
        self.resize(860, 620)

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.options_box = QGroupBox(self)
        form = QFormLayout(self.options_box)
        self.profile = QComboBox(self)
        self.profile.setObjectName("exportProfile")
        self.language = QComboBox(self)
        self.language.setObjectName("exportLanguage")
        self.tags = QLineEdit(self)
        self.tags.setObjectName("exportTags")
        self.bates = QLineEdit("PS", self)
        self.bates.setObjectName("exportBates")
        self.bates.setMaxLength(20)
        self.paper = QComboBox(self)
        self.paper.setObjectName("exportPaper")
        self.max_mb = QDoubleSpinBox(self)
        self.max_mb.setObjectName("exportMaxMb")
        self.max_mb.setRange(0.5, 2048.0)
        self.max_mb.setDecimals(1)
        self.max_mb.setValue(35.0)
        self.max_mb.setSuffix(" MB")
        self.sign = QLineEdit(self)
        self.sign.setObjectName("exportSign")
        self.sign_browse = QPushButton(self)
        self.sign_browse.clicked.connect(self._choose_p12)
        sign_row = QHBoxLayout()
        sign_row.addWidget(self.sign, 1)
        sign_row.addWidget(self.sign_browse)
        self.labels = [QLabel(self) for _ in range(7)]
        fields: list[QWidget | QHBoxLayout] = [
            self.profile,
            self.language,
            self.tags,
            self.bates,
            self.paper,
            self.max_mb,
            sign_row,
        ]
        for label, field in zip(self.labels, fields, strict=True):
            form.addRow(label, field)
        all_tags = items_mod.all_tags(self.session.view)
        self.tags.setPlaceholderText(", ".join(all_tags[:6]))

        self.preview_box = QGroupBox(self)
        preview_layout = QVBoxLayout(self.preview_box)
        self.preview = QTableWidget(0, 5, self)
        self.preview.setObjectName("exportPreview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.verticalHeader().setVisible(False)
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.preview_status = QLabel(self)
        self.preview_status.setObjectName("exportPreviewStatus")
        self.preview_status.setWordWrap(True)
        preview_layout.addWidget(self.preview, 1)
        preview_layout.addWidget(self.preview_status)

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.options_box)
        layout.addWidget(self.preview_box, 1)
        layout.addWidget(self.buttons)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Export court bundle"))
        self.options_box.setTitle(self.tr("Options"))
        self.preview_box.setTitle(self.tr("Exhibits in the bundle"))
        texts = [
            self.tr("Profile:"),
            self.tr("Language:"),
            self.tr("Only items tagged:"),
            self.tr("Bates prefix:"),
            self.tr("Paper:"),
            self.tr("Largest file:"),
            self.tr("Sign with (P12):"),
        ]
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        _fill(
            self.profile,
            [
                ("both", self.tr("Filing PDF and archive")),
                ("filing", self.tr("Filing PDF only")),
                ("archive", self.tr("Archive only")),
            ],
        )
        _fill(
            self.language,
            [
                ("en", self.tr("English")),
                ("zh", self.tr("Chinese (Simplified)")),
                ("en+zh", self.tr("English and Chinese")),
            ],
        )
        _fill(self.paper, [("letter", self.tr("US Letter")), ("a4", self.tr("A4"))])
        self.tags.setToolTip(
            self.tr("Comma-separated tags; leave empty to export every item of the case.")
        )
        self.max_mb.setToolTip(
            self.tr(
                "The filing PDF is split into volumes no larger than this (court upload limits)."
            )
        )
        self.sign.setPlaceholderText(self.tr("No digital signature"))
        self.sign.setToolTip(
            self.tr("Its passphrase is read from the system keyring, never typed here.")
        )
        self.sign_browse.setText(self.tr("Choose…"))
        self.export_button.setText(self.tr("Export"))
        self.preview.setHorizontalHeaderLabels(
            [
                self.tr("Exhibit"),
                self.tr("Kind"),
                self.tr("Title"),
                self.tr("Source"),
                self.tr("Items"),
            ]
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _choose_p12(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Signing certificate"), "", self.tr("PKCS#12 files (*.p12 *.pfx)")
        )
        if path:
            self.sign.setText(path)

    # -- options ----------------------------------------------------------------------------

    def options(self) -> ExportOptions:
        """The chosen options; raises ``ProofshotError`` (with the core's sentence) if invalid."""
        tags = tuple(t.strip() for t in self.tags.text().split(",") if t.strip())
        sign = self.sign.text().strip()
        return ExportOptions(
            profile=str(self.profile.currentData()),
            lang=str(self.language.currentData()),
            tags=tags,
            bates_prefix=self.bates.text().strip() or "PS",
            paper=str(self.paper.currentData()),
            max_mb=float(self.max_mb.value()),
            sign=Path(sign) if sign else None,
        )

    # -- preview ----------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Rebuild the exhibit list in the pool for the current options."""
        if self.session.closed:
            return
        if self._preview_handle is not None and not self._preview_handle.done:
            self._preview_again = True
            return
        try:
            options = self.options()
        except ProofshotError as exc:
            self._show_preview_error(str(exc))
            return
        self.preview_status.setText(self.tr("Listing the exhibits…"))
        path = self.session.path
        self._preview_handle = self.session.pool.run(
            lambda: preview_rows(path, options),
            self._preview_done,
            lambda exc: self._preview_done_error(exc),
            title="export preview",
        )

    def _preview_finished(self) -> bool:
        """Whether this result still counts (no newer options were asked for meanwhile)."""
        if self._preview_again:
            self._preview_again = False
            self.refresh_preview()
            return False
        return True

    def _preview_done(self, rows: list[tuple[str, str, str, str, int]]) -> None:
        if not self._preview_finished():
            return
        self.preview_error = ""
        self.preview.setRowCount(len(rows))
        for r, (number, kind, title, source, count) in enumerate(rows):
            for c, value in enumerate((number, kind, title, source, str(count))):
                cell = QTableWidgetItem(value)
                if c in (0, 4):
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.preview.setItem(r, c, cell)
        self.preview.resizeColumnToContents(0)
        self.preview.resizeColumnToContents(1)
        self.preview.resizeColumnToContents(4)
        self.preview_status.setText(
            self.tr("%n exhibit(s) will be numbered in the bundle.", "", len(rows))
            if rows
            else self.tr("No item matches these options; nothing would be exported.")
        )
        self.export_button.setEnabled(bool(rows) and not self.session.read_only)
        self.preview_ready.emit()

    def _preview_done_error(self, exc: BaseException) -> None:
        if self._preview_finished():
            self._show_preview_error(str(exc) or type(exc).__name__)
            self.preview_ready.emit()

    def _show_preview_error(self, text: str) -> None:
        self.preview_error = text
        self.preview.setRowCount(0)
        self.preview_status.setText(
            self.tr("Cannot list the exhibits: {reason}").format(reason=text)
        )
        self.export_button.setEnabled(False)

    # -- export -----------------------------------------------------------------------------

    def start_export(self) -> TaskHandle | None:
        """Export in the background (off the writer thread), with a cancellable progress dialog."""
        if self.session.read_only or (self._handle is not None and not self._handle.done):
            return None
        try:
            options = self.options()
        except ProofshotError as exc:
            show_error(self, self.tr("Cannot export"), exc)
            return None
        actor = self.session.actor()
        progress = QProgressDialog(self)
        progress.setObjectName("exportProgress")
        progress.setWindowTitle(self.tr("Exporting"))
        progress.setLabelText(self.tr("Preparing the export…"))
        progress.setCancelButtonText(self.tr("Cancel"))
        progress.setRange(0, 0)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.canceled.connect(self.cancel_export)
        self.progress = progress
        self.export_button.setEnabled(False)
        # In the pool, reading and writing through the writer: the TSA waits (attesting,
        # sealing, signing) and the rendering never hold an edit made meanwhile.
        job = ExportJob(None, options, actor=actor, writer=writer_call(self.session))
        self._handle = self.session.pool.run_job(
            job, self._export_done_changed, self._export_error, self._export_progress
        )
        progress.show()
        return self._handle

    def cancel_export(self) -> None:
        if self._handle is not None and not self._handle.done:
            self._handle.cancel.cancel()
            if self.progress is not None:
                self.progress.setLabelText(self.tr("Cancelling…"))

    def _export_progress(self, p: Progress) -> None:
        if self.progress is None:
            return
        if p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(min(p.done, p.total))
        else:
            self.progress.setRange(0, 0)
        if p.message:
            self.progress.setLabelText(p.message)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel_export)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.export_button.setEnabled(True)

    def _export_done_changed(self, result: ExportResult) -> None:
        """The export ended: announce the change (as a writer job did), then show it."""
        if not self.session.closed:
            self.session.changed.emit(None)
        self._export_done(result)

    def _export_done(self, result: ExportResult) -> None:
        self._close_progress()
        self.result = result
        self.exported.emit(result)
        self.summary = self._show_summary(result)

    def _export_error(self, exc: BaseException) -> None:
        self._close_progress()
        self.export_failed.emit(exc)
        self.summary = show_error(self, self.tr("The bundle was not exported"), exc)

    @staticmethod
    def output_folder(result: ExportResult) -> Path | None:
        """The export's folder, holding ``filing/``, ``archive/``, ``archive.zip``, ``signed/``."""
        for path in [*result.filing, result.signed]:
            if path is not None:
                return path.parent.parent
        for path in (result.archive_zip, result.archive_folder):
            if path is not None:
                return path.parent
        return None

    def _show_summary(self, result: ExportResult) -> QMessageBox:
        files = [*result.filing, result.signed, result.archive_zip]
        folder = self.output_folder(result)
        lines = [str(p) for p in files if p is not None]
        text = self.tr("Exported %n exhibit(s).", "", result.exhibits)
        informative = self.tr(
            "{pages} page(s); custody event #{seq}; the case verified {state}."
        ).format(
            pages=result.pages,
            seq=result.event_seq,
            state=self.tr("intact") if result.intact else self.tr("NOT intact"),
        )
        details = "\n".join([*lines, *result.warnings])
        box = show_message(
            self,
            self.tr("Bundle exported"),
            text,
            icon=QMessageBox.Icon.Information,
            informative=informative,
            details=details,
            buttons=QMessageBox.StandardButton.Close,
            object_name="exportSummary",
        )
        if folder is not None:
            open_button = box.addButton(self.tr("Open folder"), QMessageBox.ButtonRole.ActionRole)
            open_button.setObjectName("exportOpenFolder")
            open_button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
            )
        return box

    def reject(self) -> None:
        if self._handle is not None and not self._handle.done:
            self.cancel_export()  # the dialog stays until the job has stopped
            return
        super().reject()


def _fill(combo: QComboBox, entries: list[tuple[str, str]]) -> None:
    """(Re)fill a combo with (data, text) keeping the selected data across a language change."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for data, text in entries:
        combo.addItem(text, data)
    index = combo.findData(current)
    combo.setCurrentIndex(max(0, index))
    combo.blockSignals(False)
