"""The safety net's Qt half: Qt's own messages into the log, and a dialog for every crash.

:func:`install` (called by :func:`app.gui.application.run_gui`) routes Qt's warnings into the
``qt`` logger -- so they land in the rotating log file of :mod:`app.logs` -- and installs
:func:`app.logs.install_excepthooks` with a callback that shows :class:`CrashDialog`. The
hooks may fire on any thread; the dialog is always built on the GUI thread, through a
queued signal. The dialog is opened with ``show()``, never ``exec()``: the event loop keeps
running, other windows stay usable and tests never hang. A second crash while the dialog is
open adds its details to it rather than stacking dialogs.

Nothing is lost by a crash: every change to a case is a SQLite transaction that either
committed before the failing step or did not happen; the dialog says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    QUrl,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.logs import install_excepthooks, log_path

qt_log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

MessageHandler = Callable[[QtMsgType, QMessageLogContext, str], None]


def install_qt_message_handler() -> Callable[[], None]:
    """Log Qt's messages as ``qt``; the handler installed before (if any) still gets them.

    Returns a function that puts the previous handler back.
    """
    previous: MessageHandler | None = None

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        try:
            category = context.category or ""
            where = f" [{category}]" if category and category != "default" else ""
            qt_log.log(_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)
        except Exception:  # a logging failure must not turn into a Qt crash
            pass
        if previous is not None:
            previous(mode, context, message)

    previous = qInstallMessageHandler(handler)

    def uninstall() -> None:
        qInstallMessageHandler(previous)

    return uninstall


class CrashDialog(QDialog):
    """What went wrong, where the log is, the details -- and a button to copy them."""

    def __init__(self, details: str, log_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("Proofshot hit an unexpected error"))
        self.log_file = log_file
        self.summary = QLabel(
            self.tr(
                "Something went wrong that Proofshot did not expect. Your case is safe: every "
                "change is saved as a whole or not at all, so nothing already saved was lost.\n\n"
                "The details were written to the log file:\n{path}\n\n"
                "Please send the details (or the log file) with a few words on what you did."
            ).format(path=log_file),
            self,
        )
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlainText(details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self.tr("Copy details"), self)
        self.copy_button.setObjectName("copyCrashDetails")
        self.folder_button = QPushButton(self.tr("Open log folder"), self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        self.folder_button.clicked.connect(self.open_log_folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def add_details(self, details: str) -> None:
        self.details.appendPlainText("\n" + "-" * 40 + "\n" + details)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText(self.tr("Copied"))

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_file.parent)))


class CrashReporter(QObject):
    """Receives crash details from any thread and shows them in one dialog on the GUI thread."""

    crashed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self._uninstall: list[Callable[[], None]] = []
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self, *, qt_messages: bool = True) -> CrashReporter:
        if qt_messages:
            self._uninstall.append(install_qt_message_handler())
        self._uninstall.append(install_excepthooks(self.crashed.emit))
        return self

    def uninstall(self) -> None:
        while self._uninstall:
            self._uninstall.pop()()

    def _show(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_details(details)
            self.dialog.raise_()
            return
        dialog = CrashDialog(details, log_path())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()
        dialog.raise_()


def install(parent: QObject | None = None) -> CrashReporter:
    """The running app's safety net: Qt messages logged, crashes logged and shown."""
    return CrashReporter(parent).install()
