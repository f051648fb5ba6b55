"""As root the capture browser starts (the app adds ``--no-sandbox``), with a logged warning.

The rule itself is checked for both users; the real start is checked in a child process
with a clean environment (no test flags), once with the app's rule and once without it --
the control that shows Chromium really does refuse root without it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.gui.browser import chromium

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    if sys.argv[1] == "app":
        import app.gui.browser  # noqa: F401  (applies the app's Chromium rule)
    from PySide6.QtCore import QTimer, QUrl
    from PySide6.QtWidgets import QApplication
    from PySide6.QtWebEngineWidgets import QWebEngineView

    qt = QApplication([sys.argv[0]])
    view = QWebEngineView()
    view.loadFinished.connect(lambda ok: (print("loaded", ok, flush=True), qt.quit()))
    QTimer.singleShot(45000, qt.quit)
    view.load(QUrl("data:text/html,<title>ok</title>"))
    qt.exec()
    """
)


def test_root_gets_no_sandbox_once_and_others_keep_their_flags(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chromium, "_warned", False)
    env = {chromium.FLAGS_VAR: "--disable-gpu"}
    with caplog.at_level(logging.WARNING, logger=chromium.__name__):
        assert chromium.apply_root_rule(env, euid=1000) is False
        assert env[chromium.FLAGS_VAR] == "--disable-gpu"
        assert not caplog.records
        assert chromium.apply_root_rule(env, euid=0) is True
        assert env[chromium.FLAGS_VAR] == "--disable-gpu --no-sandbox"
        assert chromium.apply_root_rule(env, euid=0) is False  # already there
    assert env[chromium.FLAGS_VAR] == "--disable-gpu --no-sandbox"
    warnings = [r for r in caplog.records if "--no-sandbox" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    empty: dict[str, str] = {}
    chromium.apply_root_rule(empty, euid=0)
    assert empty == {chromium.FLAGS_VAR: "--no-sandbox"}
    assert chromium.flags_for("--no-sandbox --x", euid=0) == "--no-sandbox --x"


def _start_browser(mode: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QTWEBENGINE_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QTWEBENGINE_CHROMIUM_FLAGS="--disable-gpu",
        PYTHONPATH=str(REPO),
    )
    return subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root lacks the sandbox"
)
def test_as_root_the_browser_starts_with_the_apps_rule_and_dies_without_it() -> None:
    with_rule = _start_browser("app")
    assert "loaded True" in with_rule.stdout, with_rule.stderr[-2000:]
    without = _start_browser("bare")
    assert "loaded True" not in without.stdout
    assert "sandbox" in without.stderr.lower()
