"""The Qt host of a headless capture: an offscreen application with one BrowserPane.

``proofshot capture`` imports this only inside its handler (the CLI must not load Qt
otherwise). The Qt main thread only runs the event loop -- Chromium answers DevTools from
it -- while a worker thread runs :func:`app.capture.script.run_script` through the same
:class:`~app.capture.session.CaptureSession` the GUI uses.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

from app.capture import devtools

# Both must be decided before Qt starts: DevTools on loopback, and no window system.
devtools.enable_devtools()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.capture.cdp import connect_tab  # noqa: E402
from app.capture.script import ScriptResult, Step, run_script  # noqa: E402
from app.capture.session import CaptureSession  # noqa: E402
from app.capture.writer import ThreadCaseWriter  # noqa: E402
from app.core.errors import ProofshotError  # noqa: E402
from app.gui.browser.pane import BrowserPane  # noqa: E402

VIEW_SIZE = (1280, 900)


def run_headless_capture(
    case_path: Path,
    url: str,
    steps: list[Step],
    *,
    wait_for: str | None = None,
    settle: float = 1.0,
    timeout: float = 30.0,
    operator: str = "",
    account: str = "",
) -> ScriptResult:
    """Record ``url`` with the steps into the case; returns the script's result."""
    port = devtools.configured_port()
    if port is None:
        raise ProofshotError(
            "The browser's DevTools endpoint could not be opened on 127.0.0.1; "
            "QTWEBENGINE_REMOTE_DEBUGGING names a non-loopback address."
        )
    writer = ThreadCaseWriter(case_path)  # fails early if the case is missing or locked
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "proofshot"])
    pane = BrowserPane(headless=True)
    pane.resize(*VIEW_SIZE)
    pane.show()
    facts = pane.browser_facts(url)
    target_id = pane.devtools_target_id()
    holder: dict[str, Any] = {}
    done = threading.Event()

    def on_download(info: dict[str, Any]) -> None:
        session = holder.get("session")
        data = info.pop("data", None)
        if session is not None and data is not None:
            session.add_download(data, url=str(info.get("url", "")), facts=info)
        elif session is not None:
            session.note_download_failure(info)

    pane.downloadFinished.connect(on_download)

    def work() -> None:
        try:
            client = connect_tab(port, target_id=target_id, marker_url=pane.marker_url)
            session = CaptureSession(
                client,
                writer,
                browser_facts=lambda: dict(facts),
                operator=operator,
                account=account,
                request_repaint=pane.request_repaint,
                frame_source=pane.frame_source,
            )
            holder["session"] = session
            session.attach()
            holder["result"] = run_script(
                client, session, url, steps, wait_for=wait_for, settle=settle, timeout=timeout
            )
            session.finish_attesting()  # the TSAs are asked off the writer, which closes next
            client.close()
        except BaseException as exc:  # handed to the main thread, raised there
            holder["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=work, name="headless-capture", daemon=True)
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: app.quit() if done.is_set() else None)
    timer.start()
    thread.start()
    app.exec()
    timer.stop()
    thread.join(timeout=5)
    writer.close()
    pane.dispose()
    pane.deleteLater()
    app.processEvents()
    if "error" in holder:
        raise holder["error"]
    return holder["result"]
