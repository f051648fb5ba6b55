"""Importing files: the file dialogs, drag-and-drop, progress with cancel, and the summary.

Every route (menu, drop, tests) ends in :meth:`ImportFlow.import_paths`, which runs the
core's :class:`~app.core.importer.ImportJob` on the case's writer thread. Files that cannot
be read are refused by the job with a reason and listed in the summary; the rest import.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.jobs import Progress
from app.gui.lazy import deferred
from app.gui.messages import show_error
from app.gui.session import CaseSession
from app.gui.tasks import TaskHandle

if TYPE_CHECKING:
    from app.core.importer import ImportSummary

# Provenance parsers, C2PA: loaded on first use, attributes read on the GUI thread.
importer = deferred("app.core.importer")
ingest = deferred("app.core.ingest")


# Hashing and provenance parsing run Python code; leave one core to the window so it never
# waits long for the CPU or the GIL (the CLI uses every core it can).
IMPORT_WORKERS = max(1, min(2, (os.cpu_count() or 2) - 1))


class ImportSummaryDialog(QDialog):
    """What happened: how many were imported, which were duplicates, what was refused and why."""

    def __init__(self, summary: ImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importSummary")
        self.setWindowTitle(self.tr("Import finished"))
        self.summary = summary
        self.headline = QLabel(self)
        self.headline.setObjectName("importHeadline")
        self.headline.setWordWrap(True)
        n_imp, n_dup, n_ref = len(summary.imported), len(summary.duplicates), len(summary.refused)
        text = self.tr("Imported: %n new item(s).", "", n_imp)
        text += "\n" + self.tr(
            "Already in the case (duplicates, logged as seen again): %n.", "", n_dup
        )
        text += "\n" + self.tr("Refused: %n file(s), listed below with the reason.", "", n_ref)
        if summary.cancelled:
            text += "\n\n" + self.tr(
                "The import was cancelled; every file recorded before that is kept and logged."
            )
        if summary.error:
            text += "\n\n" + self.tr("The import stopped: {error}").format(error=summary.error)
        self.headline.setText(text)
        self.refused = QTableWidget(n_ref, 2, self)
        self.refused.setObjectName("refusedTable")
        self.refused.setHorizontalHeaderLabels([self.tr("File"), self.tr("Reason")])
        self.refused.verticalHeader().setVisible(False)
        self.refused.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.refused.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.refused.horizontalHeader().setStretchLastSection(True)
        self.refused.setColumnWidth(0, 320)
        for row, entry in enumerate(summary.refused):
            self.refused.setItem(row, 0, QTableWidgetItem(entry.get("path", "")))
            self.refused.setItem(row, 1, QTableWidgetItem(entry.get("reason", "")))
        self.refused.setVisible(n_ref > 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.refused, 1)
        layout.addWidget(buttons)
        self.resize(720, 420 if n_ref else 200)


class ImportFlow(QObject):
    """Runs imports for one window. ``finished`` carries the :class:`ImportSummary`."""

    finished = Signal(object)

    def __init__(self, session: CaseSession, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.session = session
        self.parent_widget = parent_widget
        self.progress_dialog: QProgressDialog | None = None
        self.summary_dialog: ImportSummaryDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.handle: TaskHandle | None = None
        self.last_summary: ImportSummary | None = None

    @property
    def running(self) -> bool:
        return self.handle is not None and not self.handle.done

    # -- choosing what to import -----------------------------------------------------------------

    def open_files_dialog(self) -> QFileDialog:
        return self._open_dialog(QFileDialog.FileMode.ExistingFiles, self.tr("Import files"))

    def open_folder_dialog(self) -> QFileDialog:
        return self._open_dialog(QFileDialog.FileMode.Directory, self.tr("Import a folder"))

    def _open_dialog(self, mode: QFileDialog.FileMode, title: str) -> QFileDialog:
        dialog = QFileDialog(self.parent_widget, title)
        dialog.setObjectName("importFileDialog")
        dialog.setFileMode(mode)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if mode == QFileDialog.FileMode.Directory:
            dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.filesSelected.connect(lambda files: self.import_paths([Path(f) for f in files]))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    # -- running ---------------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Sequence[Path],
        *,
        tags: Sequence[str] = (),
        on_done: Callable[[ImportSummary], None] | None = None,
    ) -> TaskHandle | None:
        """Import ``paths`` (files and folders) in the background, with progress and cancel."""
        if not paths:
            return None
        if self.session.read_only:
            show_error(
                self.parent_widget,
                self.tr("Import"),
                PermissionError(self.tr("this case is open read-only")),
            )
            return None
        dialog = QProgressDialog(self.parent_widget)
        dialog.setObjectName("importProgress")
        dialog.setWindowTitle(self.tr("Importing"))
        dialog.setLabelText(self.tr("Finding files…"))
        dialog.setCancelButtonText(self.tr("Cancel"))
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setRange(0, 0)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.progress_dialog = dialog
        actor = self.session.actor()
        acquisition = ingest.Acquisition(operator=actor) if actor else None
        import_job = importer.ImportJob

        def progress(p: Progress) -> None:
            if p.total:
                dialog.setRange(0, p.total)
                dialog.setValue(min(p.done, p.total))
                dialog.setLabelText(
                    self.tr("Imported %n of {total} file(s)…", "", p.done).format(total=p.total)
                )

        def done(summary: ImportSummary) -> None:
            dialog.hide()  # hide, not close: closing a progress dialog emits "canceled"
            dialog.deleteLater()
            self.progress_dialog = None
            self.last_summary = summary
            self.summary_dialog = ImportSummaryDialog(summary, self.parent_widget)
            self.summary_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.summary_dialog.open()
            self.finished.emit(summary)
            if on_done is not None:
                on_done(summary)

        def failed(exc: BaseException) -> None:
            dialog.hide()
            dialog.deleteLater()
            self.progress_dialog = None
            show_error(self.parent_widget, self.tr("Import failed"), exc)

        paths = [Path(p) for p in paths]
        self.handle = self.session.run_job(
            lambda case: import_job(
                case, paths, tags=list(tags), acquisition=acquisition, workers=IMPORT_WORKERS
            ),
            done,
            failed,
            progress,
        )
        handle = self.handle
        dialog.canceled.connect(handle.cancel.cancel)
        dialog.canceled.connect(lambda: dialog.setLabelText(self.tr("Cancelling…")))
        return handle
