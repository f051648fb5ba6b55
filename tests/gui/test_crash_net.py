"""The safety net: a crash in a window is logged and shown; the log keeps no secrets or bytes.

Real parts only: a real rotating log file in the test's log folder, the real exception hooks
(pytest-qt's own exception capture is switched off for the crash tests, so the app's hook is
the one that sees the error), a real Qt message, the real dialog and clipboard.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, qInfo
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app import logs
from app.__main__ import main, split_debug
from app.gui.crash import CrashReporter

SECRET = "sk-proj4Zr9XqTT1mmWv83LkPq0aa"


@pytest.fixture
def log_file() -> Iterator[Path]:
    level = logging.getLogger().level
    path = logs.setup_logging(debug=False, console=False)
    assert path is not None
    yield path
    logs.remove_handlers()
    logging.getLogger().setLevel(level)


@pytest.fixture
def reporter(qtbot: QtBot) -> Iterator[CrashReporter]:
    rep = CrashReporter().install()
    yield rep
    rep.uninstall()
    if rep.dialog is not None:
        rep.dialog.close()


def _text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8")


@pytest.mark.qt_no_exception_capture
def test_a_crash_in_a_window_writes_the_log_and_shows_the_dialog(
    qtbot: QtBot, log_file: Path, reporter: CrashReporter
) -> None:
    window = QWidget()
    button = QPushButton("Export", window)
    QVBoxLayout(window).addWidget(button)
    qtbot.addWidget(window)

    def export() -> None:
        raise RuntimeError(f"export failed with api_key={SECRET}")

    button.clicked.connect(export)
    window.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())

    written = _text(log_file)
    assert "CRITICAL" in written and "Uncaught exception in the main thread" in written
    assert "RuntimeError: export failed with api_key=[redacted by Proofshot]" in written
    assert "in export" in written  # the traceback, not just the message
    assert SECRET not in written

    dialog = reporter.dialog
    assert str(log_file) in dialog.summary.text()
    assert window.isVisible()  # non-blocking: the window is still there and usable
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "RuntimeError" in copied and str(log_file) in copied
    assert SECRET not in copied


@pytest.mark.qt_no_exception_capture
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_crash_in_a_worker_thread_reaches_the_same_dialog_on_the_gui_thread(
    qtbot: QtBot, log_file: Path, reporter: CrashReporter
) -> None:
    def work() -> None:
        raise ValueError("thumbnail worker broke")

    for name in ("worker-1", "worker-2"):
        thread = threading.Thread(target=work, name=name)
        thread.start()
        thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    qtbot.waitUntil(lambda: "worker-2" in reporter.dialog.details.toPlainText())
    shown = reporter.dialog.details.toPlainText()
    assert "thread worker-1" in shown and "ValueError: thumbnail worker broke" in shown
    assert len([w for w in QGuiApplication.topLevelWindows() if w.isVisible()]) >= 1
    assert _text(log_file).count("Uncaught exception in thread worker-") == 2


def test_qt_messages_go_to_the_log(qtbot: QtBot, log_file: Path, reporter: CrashReporter) -> None:
    qInfo("proofshot-test: a message from Qt")
    assert "INFO     MainThread qt: proofshot-test: a message from Qt" in _text(log_file)


def test_the_log_never_holds_secrets_or_image_bytes(log_file: Path) -> None:
    log = logging.getLogger("app.capture.test")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    log.warning("request headers %s", {"Authorization": "Bearer abcdefgh12345678secret"})
    log.warning("prompt image %r", png)
    log.warning("prompt image data:image/png;base64,%s", "iVBORw0KGgo" + "A" * 400)
    log.warning("posting to https://ada:hunter2@tsa.example/ with token=%s", "t0k3nvalue")
    log.warning("fetched %s", "https://cdn.example/a.png?X-Amz-Signature=5ee3c0ffee&w=2")
    try:
        raise ConnectionError(f"TSA refused password={SECRET}")
    except ConnectionError:
        log.exception("timestamp failed")
    written = _text(log_file)
    for leaked in ("abcdefgh12345678secret", "\\x89PNG", "AAAAAAAAAAAA", "hunter2", SECRET):
        assert leaked not in written
    assert "t0k3nvalue" not in written
    assert "5ee3c0ffee" not in written and "w=2" in written  # the capture side's URL rules
    assert "[bytes omitted]" in written and "[data URL omitted]" in written
    assert "Traceback" in written and "ConnectionError: TSA refused password=[redacted" in written


def test_the_log_rotates(log_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 4096)
    path = logs.setup_logging(console=False)
    log = logging.getLogger("app.rotation")
    for i in range(200):
        log.info("line %d %s", i, "x" * 60)
    assert path is not None and path.with_name("proofshot.log.1").is_file()
    assert path.stat().st_size <= 4096
    assert not path.with_name(f"proofshot.log.{logs.BACKUPS + 1}").exists()


def test_debug_makes_the_log_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    assert split_debug(["--debug", "list", "C"]) == (True, ["list", "C"])
    assert split_debug(["list", "C", "--debug"]) == (False, ["list", "C", "--debug"])
    level = logging.getLogger().level
    try:
        assert main(["--debug", "--version"]) == 0
        logging.getLogger("app.debugtest").debug("a debug line")
        written = _text(logs.log_path())
    finally:
        logs.remove_handlers()
        logging.getLogger().setLevel(level)
    assert "log level DEBUG" in written and "a debug line" in written
    assert "a debug line" in capsys.readouterr().err
