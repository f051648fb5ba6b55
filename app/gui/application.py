"""Starting the window: ``run_gui([])`` shows the start screen, ``run_gui([CASE])`` a case.

:class:`AppController` owns the start screen and the case window and moves between them.
Opening a case that cannot be opened for writing (missing, locked by another Proofshot,
from a newer version, on read-only media) shows one clear dialog and writes nothing; where
reading is still possible it offers to open the case read-only.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.config import load_settings, save_settings
from app.core.case import Case
from app.core.errors import (
    CaseCorruptError,
    CaseLockedError,
    CaseNotFoundError,
    CaseReadOnlyError,
    CaseTooNewError,
    ProofshotError,
)
from app.gui.i18n import LanguageManager, configured_language
from app.gui.icons import app_icon
from app.gui.main_window import MainWindow
from app.gui.messages import error_text, show_message
from app.gui.qt_compat import guard_singletons
from app.gui.session import CaseSession
from app.gui.settings_dialog import SettingsDialog
from app.gui.start_window import StartWindow, remember_case

log = logging.getLogger(__name__)

GIL_SWITCH_INTERVAL = 0.002  # seconds


def create_application(argv: list[str] | None = None) -> tuple[QApplication, LanguageManager]:
    """The QApplication (reused if one exists, as under pytest-qt) with our language applied."""
    guard_singletons()
    # Background threads (hashing, provenance parsing, thumbnails) run Python code too; a
    # shorter GIL switch interval than the default 5 ms lets the GUI thread in sooner.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    existing = QApplication.instance()
    if existing is None:
        # QtWebEngine reads its DevTools switch once, when Chromium starts; the capture
        # browser records through it. With an application already running (pytest-qt) the
        # switch is left as it is: the capture tab then explains that recording is off.
        from app.capture.devtools import enable_devtools
        from app.gui.browser.chromium import apply_root_rule

        enable_devtools()
        apply_root_rule()  # as root, Chromium starts only without its sandbox
        # The capture tab loads QtWebEngine only when first shown; Qt then needs the GL
        # contexts shared, which can only be set before the application object exists.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0], *(argv or [])])
    )
    app.setApplicationName("Proofshot")
    app.setOrganizationName("Proofshot")
    app.setApplicationDisplayName("Proofshot")
    app.setWindowIcon(app_icon())
    languages = LanguageManager(app)
    languages.apply(configured_language())
    return app, languages


class AppController(QObject):
    """Moves between the start screen and one open case."""

    def __init__(self, app: QApplication, languages: LanguageManager) -> None:
        super().__init__(app)
        self.app = app
        self.languages = languages
        self.start = StartWindow(languages.language)
        self.start.setWindowIcon(app_icon())
        self.window: MainWindow | None = None
        self.session: CaseSession | None = None
        self.last_message: QMessageBox | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.start.open_requested.connect(lambda p: self.open_case(p))
        self.start.create_requested.connect(self.create_case)
        self.start.language_requested.connect(self.set_language)
        self.start.settings_requested.connect(lambda: self.open_settings(self.start))

    # -- screens -------------------------------------------------------------------------------

    def show_start(self) -> None:
        self.start.refresh_recent()
        self.start.show()
        self.start.raise_()

    def _dialog_parent(self) -> QWidget:
        if self.window is not None and self.window.isVisible():
            return self.window
        return self.start

    # -- cases ---------------------------------------------------------------------------------

    def open_case(self, path: Path | str, *, read_only: bool = False) -> bool:
        """Open ``path`` in the case window; on failure explain why and change nothing."""
        path = Path(path).expanduser()
        try:
            session = CaseSession(path, read_only=read_only)
        except (CaseLockedError, CaseReadOnlyError) as exc:
            self._offer_read_only(path, exc)
            return False
        except (CaseNotFoundError, CaseTooNewError, CaseCorruptError) as exc:
            self._cannot_open(path, exc)
            return False
        except (ProofshotError, sqlite3.Error, OSError) as exc:
            self._cannot_open(path, exc)
            return False
        self._install_session(session)
        return True

    def create_case(self, path: Path, title: str, operator: str) -> bool:
        try:
            Case.create(path, title=title, operator=operator).close()
        except (ProofshotError, OSError, sqlite3.Error) as exc:
            self._cannot_open(path, exc, creating=True)
            return False
        if operator and not load_settings().get("operator"):
            settings = load_settings()
            settings["operator"] = operator
            save_settings(settings)
        return self.open_case(path)

    def _install_session(self, session: CaseSession) -> None:
        self.close_case(show_start=False)
        self.session = session
        remember_case(session.path)
        window = MainWindow(session)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.close_case_requested.connect(lambda: self.close_case())
        window.new_case_requested.connect(self.start.ask_new_case)
        window.new_case_requested.connect(self.show_start)
        window.open_case_requested.connect(self.show_start)
        window.open_case_requested.connect(self.start.ask_open_case)
        window.settings_requested.connect(lambda: self.open_settings(window))
        self.window = window
        self.start.hide()
        window.show()

    def close_case(self, *, show_start: bool = True) -> None:
        window, self.window = self.window, None
        session, self.session = self.session, None
        if window is not None:
            window.close()  # closes the session too
        if session is not None:
            session.close()
        if show_start:
            self.show_start()

    # -- failures ------------------------------------------------------------------------------

    def _cannot_open(self, path: Path, exc: BaseException, *, creating: bool = False) -> None:
        text, details = error_text(exc)
        title = self.tr("Cannot create the case") if creating else self.tr("Cannot open the case")
        hints = {
            CaseNotFoundError: self.tr(
                "Check the folder name. If the case is on a removable drive or network share, connect it and try again."
            ),
            CaseTooNewError: self.tr(
                "Nothing was changed in the case. Install the newer Proofshot that wrote it."
            ),
            CaseCorruptError: self.tr(
                "Nothing was changed. Keep a copy of the folder as it is and ask for help; do not try to repair it by hand."
            ),
        }
        informative = next((h for cls, h in hints.items() if isinstance(exc, cls)), "")
        self.last_message = show_message(
            self._dialog_parent(),
            title,
            text,
            icon=QMessageBox.Icon.Warning,
            informative=informative,
            details=details,
            object_name="openCaseError",
        )

    def _offer_read_only(self, path: Path, exc: ProofshotError) -> None:
        """Locked or read-only media: nothing was written; reading and verifying still work."""

        def answered(result: object) -> None:
            if result == QMessageBox.StandardButton.Open:
                self.open_case(path, read_only=True)

        informative = self.tr(
            "Nothing was written to the case. You can open it read-only to look at the evidence "
            "and verify it; changes (import, tags, notes, captures) are then disabled."
        )
        box = show_message(
            self._dialog_parent(),
            self.tr("The case cannot be opened for changes"),
            str(exc),
            icon=QMessageBox.Icon.Warning,
            informative=informative,
            buttons=QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            on_finished=answered,
            object_name="openCaseReadOnlyOffer",
        )
        box.button(QMessageBox.StandardButton.Open).setText(self.tr("Open read-only"))
        self.last_message = box

    # -- settings and language ---------------------------------------------------------------------

    def open_settings(self, parent: QWidget) -> SettingsDialog:
        dialog = SettingsDialog(
            parent,
            current_language=self.languages.language,
            on_language=self.set_language,
            case_path=self.session.path if self.session is not None else None,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._settings_saved)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _settings_saved(self) -> None:
        if self.window is not None:
            self.window.model.retranslate()  # time zone may have changed
            self.window.inspector.refresh()

    def set_language(self, language: str) -> None:
        if language == self.languages.language:
            return
        self.languages.apply(language)
        settings = load_settings()
        settings["language"] = self.languages.language
        save_settings(settings)
        index = self.start.language.findData(self.languages.language)
        self.start.language.blockSignals(True)
        self.start.language.setCurrentIndex(max(0, index))
        self.start.language.blockSignals(False)


def run_gui(argv: list[str], *, debug: bool = False) -> int:
    """Open the window: the start screen, or the case named in ``argv``.

    The safety net comes first: the rotating log file, Qt's messages into it, and the crash
    dialog for any uncaught exception (:mod:`app.logs`, :mod:`app.gui.crash`).
    """
    from app.gui import crash
    from app.logs import setup_logging

    path = setup_logging(debug=debug)
    log.info("Log file: %s", path)
    app, languages = create_application()
    crash.install(app)
    controller = AppController(app, languages)
    if argv:
        if not controller.open_case(Path(argv[0])):
            controller.show_start()
    else:
        controller.show_start()
    return int(app.exec())
