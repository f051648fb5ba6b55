"""Which screen-capture path is taken (portal on Wayland, QScreen elsewhere), and the portal's
answer handling: the file it names is read pixel for pixel and removed.

The portal request itself is exercised against a real private D-Bus session
(``dbus-run-session``) that has no portal on it: the refusal must arrive as ``failed`` with
a reason, without blocking. No desktop portal exists on the test machine to grant a request.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from app.gui.screen_capture import crop_region, portal_grab
from app.gui.screen_portal import load_portal_file, response_uri, select_backend

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux", "portal"),
        ({"XDG_SESSION_TYPE": "wayland"}, "linux", "portal"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", "portal"),  # session type unknown
        ({"XDG_SESSION_TYPE": "x11", "WAYLAND_DISPLAY": "wayland-0"}, "linux", "qscreen"),
        ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, "linux", "qscreen"),
        ({"DISPLAY": ":0"}, "linux", "qscreen"),
        ({}, "linux", "qscreen"),
        ({"XDG_SESSION_TYPE": "wayland"}, "win32", "qscreen"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "darwin", "qscreen"),
        ({"XDG_SESSION_TYPE": "wayland", "QT_QPA_PLATFORM": "offscreen"}, "linux", "qscreen"),
        ({"XDG_SESSION_TYPE": "wayland", "QT_QPA_PLATFORM": "wayland"}, "linux", "portal"),
        ({"XDG_SESSION_TYPE": "x11", "PROOFSHOT_SCREEN_CAPTURE": "portal"}, "linux", "portal"),
        (
            {"XDG_SESSION_TYPE": "wayland", "PROOFSHOT_SCREEN_CAPTURE": "qscreen"},
            "linux",
            "qscreen",
        ),
        ({"XDG_SESSION_TYPE": "wayland", "PROOFSHOT_SCREEN_CAPTURE": "bogus"}, "linux", "portal"),
    ],
)
def test_backend_selection(env: dict[str, str], platform: str, expected: str) -> None:
    assert select_backend(env, platform) == expected


def test_the_test_machine_itself_uses_qscreen() -> None:
    assert select_backend() == "qscreen"  # offscreen: the window tests keep their pixels


def test_the_uri_is_read_from_the_results_or_from_the_printed_message() -> None:
    assert response_uri({"uri": "file:///tmp/a.png"}) == "file:///tmp/a.png"
    printed = (
        'QDBusMessage(type=Signal, service=":1.5", path="/org/freedesktop/portal/desktop/'
        'request/1_9/proofshot_ab", member="Response", signature="ua{sv}", contents=(0, '
        '[Argument: a{sv} {"uri" = [Variant(QString): "file:///home/ada/Pictures/Screenshot%20'
        '1.png"]}]) )'
    )
    assert response_uri(object(), printed) == "file:///home/ada/Pictures/Screenshot%201.png"
    assert response_uri({}, "no address here") is None


def test_the_portal_file_is_read_exactly_and_removed(qtbot: QtBot, tmp_path: Path) -> None:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(12, 200, 90))
    image.setPixelColor(3, 4, QColor(255, 0, 0))
    saved = tmp_path / "Screenshot from the portal.png"
    assert image.save(str(saved), "PNG")
    loaded = load_portal_file(saved.as_uri())
    assert not saved.exists()
    assert loaded.size() == image.size()
    assert loaded.pixelColor(3, 4) == QColor(255, 0, 0)
    assert loaded.pixelColor(0, 0) == QColor(12, 200, 90)
    grab = portal_grab(loaded, saved.as_uri())
    assert grab.facts["capture_backend"] == "xdg-desktop-portal"
    assert grab.facts["portal_file"] == saved.as_uri()
    region = crop_region(grab, QRect(2, 3, 5, 5))
    assert region.image.pixelColor(1, 1) == QColor(255, 0, 0)
    with pytest.raises(OSError):
        load_portal_file(saved.as_uri())  # gone
    with pytest.raises(OSError):
        load_portal_file("https://example.invalid/x.png")


CHILD = textwrap.dedent(
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from app.gui.screen_portal import PortalScreenshot

    app = QGuiApplication([])
    portal = PortalScreenshot()
    portal.grabbed.connect(lambda *_: (print("GRABBED", flush=True), app.quit()))
    portal.failed.connect(lambda why: (print("FAILED", why, flush=True), app.quit()))
    QTimer.singleShot(0, portal.start)
    QTimer.singleShot(20000, app.quit)
    app.exec()
    """
)


@pytest.mark.skipif(shutil.which("dbus-run-session") is None, reason="no dbus-run-session")
def test_a_session_bus_without_a_portal_fails_with_a_reason_and_does_not_hang() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    done = subprocess.run(
        ["dbus-run-session", "--", sys.executable, "-c", CHILD],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "FAILED The desktop refused the screenshot request" in done.stdout, done.stderr
    assert "org.freedesktop.portal.Desktop" in done.stdout  # the bus says who was missing


def test_the_window_takes_the_portal_path_and_reports_a_refusal_without_storing(
    controller: object, qtbot: QtBot, case_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    monkeypatch.setenv("PROOFSHOT_SCREEN_CAPTURE", "portal")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # no desktop bus here
    assert controller.open_case(case_path)  # type: ignore[attr-defined]
    window = controller.window  # type: ignore[attr-defined]
    qtbot.waitExposed(window)
    window.captures.delay_ms = 0
    window.captures.start("full-screen")

    def refusal() -> QMessageBox | None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        return next((b for b in boxes if b.isVisible()), None)

    qtbot.waitUntil(lambda: refusal() is not None, timeout=5000)
    box = refusal()
    assert box is not None and "could not be captured" in box.text()
    assert "session bus" in box.text()
    assert window.captures.portal is not None  # the portal path was taken, not QScreen
    assert window.captures.dialog is None  # nothing to save
    assert window.isVisible()
    assert window.session.item_count() == 6
    box.close()
