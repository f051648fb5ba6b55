"""Fixtures for the capture browser: a real QtWebEngine tab, offscreen, on loopback servers.

QtWebEngine reads its DevTools and Chromium settings once, when it starts, so they are set
here, when pytest imports this file -- before any test creates the QApplication:

* DevTools on 127.0.0.1 on a free port (what the app does at start-up);
* ``--disable-gpu`` (no GPU here) and ``--ignore-certificate-errors`` (the TLS test's server
  uses a throwaway self-signed certificate). These are test-only: the app never sets them.
  ``--no-sandbox`` as root is the app's own rule (:mod:`app.gui.browser.chromium`), applied
  when ``app.gui.browser`` is imported, as in the app.

One QApplication serves the whole session (pytest-qt's); every test gets its own tab with a
private profile, its own case folder and its own writer thread.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.capture import devtools

TEST_FLAGS = ("--disable-gpu", "--ignore-certificate-errors")
_flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(
    [*_flags, *(f for f in TEST_FLAGS if f not in _flags)]
)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _port_for_this_worker() -> int:
    """The tests' in-process DevTools port: below the ephemeral range and apart per pytest-xdist
    worker. It is chosen here, at import, but Chromium binds it only when the first page opens;
    a port from the ephemeral range could meanwhile be taken by another worker's child capture
    (whose browser this worker would then drive) or used for an outgoing connection."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    start = 20000 + 1000 * (index % 10)
    for port in range(start, start + 1000):
        with socket.socket() as probe:
            try:
                probe.bind((devtools.LOOPBACK, port))
            except OSError:
                continue
        return port
    return devtools.free_loopback_port()


DEVTOOLS_PORT = devtools.enable_devtools(_port_for_this_worker())
# QtWebEngine must be loaded before the session's QApplication exists, whichever test
# (here or elsewhere in the suite) creates it first.
import PySide6.QtWebEngineWidgets  # noqa: E402, F401

import app.gui.browser  # noqa: E402, F401  (the app's Chromium switches: no sandbox as root)

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]


def subprocess_env() -> dict[str, str]:
    """The environment for a ``proofshot capture`` child: its own DevTools port."""
    env = dict(os.environ)
    env.pop(devtools.ENV_VAR, None)
    env["PYTHONPATH"] = str(REPO)
    return env


def cli_command(*args: str) -> list[str]:
    """Run the capture commands in a child process, whether or not app.cli registers them."""
    return [sys.executable, str(Path(__file__).with_name("run_capture_cli.py")), *args]


@pytest.fixture
def demo_site() -> Iterator[Any]:
    from app.demo.site import DemoSite

    with DemoSite(port=0) as site:
        yield site


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    from app.core.case import Case

    path = tmp_path / "Capture.proofshot"
    Case.create(path, title="Capture test", operator="Ada Analyst").close()
    return path


def run_off_main_thread(qtbot: Any, fn: Callable[[], T], timeout: float = 60.0) -> T:
    """Run ``fn`` in a thread while the Qt event loop turns (Chromium answers from it)."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=int(timeout * 1000))
    if "error" in box:
        raise box["error"]
    return box["value"]


@dataclass
class Tab:
    """A BrowserPane with a connected recorder session writing to a test case."""

    pane: Any
    client: Any
    session: Any
    writer: Any
    case_path: Path
    qtbot: Any
    downloads: list[dict[str, Any]] = field(default_factory=list)

    def run(self, fn: Callable[[], T], timeout: float = 60.0) -> T:
        return run_off_main_thread(self.qtbot, fn, timeout)


@pytest.fixture
def tab(qtbot: Any, case_path: Path) -> Iterator[Tab]:
    from app.capture.cdp import connect_tab
    from app.capture.session import CaptureSession
    from app.capture.writer import ThreadCaseWriter
    from app.gui.browser.pane import BrowserPane

    pane = BrowserPane(headless=True)
    pane.resize(1024, 768)
    pane.show()
    writer = ThreadCaseWriter(case_path)
    facts = pane.browser_facts()
    client = run_off_main_thread(
        qtbot,
        lambda: connect_tab(
            DEVTOOLS_PORT, target_id=pane.devtools_target_id(), marker_url=pane.marker_url
        ),
    )
    session = CaptureSession(
        client,
        writer,
        browser_facts=lambda: dict(facts),
        operator="Ada Analyst",
        request_repaint=pane.request_repaint,
        frame_source=pane.frame_source,
    )
    downloads: list[dict[str, Any]] = []

    def on_download(info: dict[str, Any]) -> None:
        downloads.append(dict(info))
        data = info.pop("data", None)
        if data is not None:
            session.add_download(data, url=str(info.get("url", "")), facts=info)
        else:
            session.note_download_failure(info)

    pane.downloadFinished.connect(on_download)
    run_off_main_thread(qtbot, session.attach)
    t = Tab(pane, client, session, writer, case_path, qtbot, downloads)
    yield t
    if session.recording:
        run_off_main_thread(qtbot, session.stop_recording, timeout=120)
    client.close()
    writer.close()
    pane.dispose()
    pane.deleteLater()


def js(qtbot: Any, workspace: Any, script: str) -> Any:
    """Run ``script`` in the capture workspace's page and wait for its value."""
    box: dict[str, Any] = {}
    workspace.pane.page.runJavaScript(script, 0, lambda value: box.setdefault("v", value))
    qtbot.waitUntil(lambda: "v" in box, timeout=20_000)
    return box["v"]


@pytest.fixture
def workspace(qtbot: Any, case_path: Path) -> Any:
    """The real capture workspace on this test's case, shown offscreen and ready."""
    from app.gui.browser.workspace import CaptureWorkspace

    ws = CaptureWorkspace.for_case(case_path, operator="Ada Analyst")
    qtbot.addWidget(ws)
    ws.resize(1400, 900)
    ws.show()
    with qtbot.waitSignal(ws.ready, timeout=30_000):
        pass
    yield ws
    ws.shutdown()
