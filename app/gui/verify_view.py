"""Verify case: re-hash every object and replay the log, then show intact or broken plainly.

Verification runs on the writer thread so no change can land between the log being read and
the rows being checked; when the case is writable its outcome is itself logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.case import Case
from app.core.jobs import CancelToken, Progress, ProgressCallback
from app.gui.lazy import deferred
from app.gui.messages import show_error
from app.gui.session import CaseSession
from app.gui.tasks import TaskHandle

if TYPE_CHECKING:
    from app.core.verify import VerifyReport

verify = deferred("app.core.verify")  # cryptography, RFC 3161: loaded on first use

INTACT_COLOUR = "#188038"
BROKEN_COLOUR = "#c5221f"


class VerifyJob:
    """Adapts :func:`verify_case` (+ logging its outcome) to the job protocol."""

    title = "Verify case"

    def __init__(self, case: Case, actor: str | None) -> None:
        self.case = case
        self.actor = actor
        self._verify_case = verify.verify_case
        self._record = verify.record_verification

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> VerifyReport:
        report = self._verify_case(self.case, progress, cancel)
        if not self.case.read_only:
            self._record(self.case, report, actor=self.actor)
        return report


class VerifyResultDialog(QDialog):
    """A banner that cannot be misread, then every problem with its item and event."""

    def __init__(
        self, report: VerifyReport, read_only: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("verifyResult")
        self.report = report
        self.setWindowTitle(self.tr("Verification result"))
        self.banner = self._banner(report)
        self.details = QLabel(self)
        self.details.setObjectName("verifyDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setText("\n".join(self._detail_lines(report, read_only)))
        self.problems = self._problem_table(report)
        self.notes = QLabel("\n".join(report.notes), self)
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(report.notes))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.details)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.notes)
        layout.addWidget(buttons)
        self.resize(760, 520 if report.problems else 320)

    def _banner(self, report: VerifyReport) -> QLabel:
        """Green "✔ INTACT" or red "✖ BROKEN — n problem(s)", large."""
        banner = QLabel(self)
        banner.setObjectName("verifyBanner")
        banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        banner.setWordWrap(True)
        colour = INTACT_COLOUR if report.intact else BROKEN_COLOUR
        banner.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; font-size: 20pt; font-weight: bold;"
            " padding: 16px; border-radius: 6px; }"
        )
        if report.intact:
            banner.setText(self.tr("✔ INTACT"))
        else:
            banner.setText(self.tr("✖ BROKEN — %n problem(s)", "", len(report.problems)))
        return banner

    def _detail_lines(self, report: VerifyReport, read_only: bool) -> list[str]:
        """What the verdict means, what was checked, the log's head, and whether this run
        was logged."""
        lines = [
            self.tr(
                "Checked {events} custody events and {items} items; re-hashed {objects} original files (SHA-256, SHA-512, SM3)."
            ).format(events=report.events, items=report.items, objects=report.objects_checked),
            self.tr("Head of the custody log: {hash}").format(hash=report.head_hash),
        ]
        if report.intact:
            lines.insert(
                0,
                self.tr(
                    "Every original file matches the hashes recorded when it was acquired, and the custody log is unbroken."
                ),
            )
        else:
            lines.insert(
                0,
                self.tr(
                    "The case does not match its own record. Each problem is listed below; do not rely on the items named until it is explained."
                ),
            )
        if read_only:
            lines.append(
                self.tr("The case is open read-only, so this verification was not logged.")
            )
        else:
            lines.append(self.tr("This verification was recorded in the custody log."))
        return lines

    def _problem_table(self, report: VerifyReport) -> QTableWidget:
        """One row per problem: its code, item, event and what is wrong (hidden if none)."""
        table = QTableWidget(len(report.problems), 4, self)
        table.setObjectName("verifyProblems")
        table.setHorizontalHeaderLabels(
            [self.tr("Problem"), self.tr("Item"), self.tr("Event"), self.tr("What is wrong")]
        )
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for row, problem in enumerate(report.problems):
            values = (
                problem.code,
                f"#{problem.item_id}" if problem.item_id is not None else "",
                str(problem.seq) if problem.seq is not None else "",
                problem.message,
            )
            for col, value in enumerate(values):
                table.setItem(row, col, QTableWidgetItem(value))
        table.resizeRowsToContents()
        table.setVisible(bool(report.problems))
        return table


class VerifyFlow(QObject):
    finished = Signal(object)  # VerifyReport

    def __init__(self, session: CaseSession, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.session = session
        self.parent_widget = parent_widget
        self.result_dialog: VerifyResultDialog | None = None
        self.handle: TaskHandle | None = None
        self.last_report: VerifyReport | None = None

    def start(self, on_done: Callable[[VerifyReport], None] | None = None) -> TaskHandle:
        dialog = QProgressDialog(self.parent_widget)
        dialog.setObjectName("verifyProgress")
        dialog.setWindowTitle(self.tr("Verifying the case"))
        dialog.setLabelText(self.tr("Replaying the custody log…"))
        dialog.setCancelButtonText(self.tr("Cancel"))
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setRange(0, 0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        actor = self.session.actor()

        def progress(p: Progress) -> None:
            if p.total:
                dialog.setRange(0, p.total)
                dialog.setValue(min(p.done, p.total))
                dialog.setLabelText(
                    self.tr("Re-hashing original files: {done} of {total}").format(
                        done=p.done, total=p.total
                    )
                )

        def done(report: VerifyReport) -> None:
            dialog.hide()
            dialog.deleteLater()
            self.last_report = report
            self.result_dialog = VerifyResultDialog(
                report, self.session.read_only, self.parent_widget
            )
            self.result_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.result_dialog.open()
            self.finished.emit(report)
            if on_done is not None:
                on_done(report)

        def failed(exc: BaseException) -> None:
            dialog.hide()
            dialog.deleteLater()
            show_error(self.parent_widget, self.tr("Verification did not finish"), exc)

        self.handle = self.session.run_job(
            lambda case: VerifyJob(case, actor), done, failed, progress
        )
        dialog.canceled.connect(self.handle.cancel.cancel)
        return self.handle
