"""The stderr log handler cleans evidence text even when installed before clean_console()."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from app import logs


def test_debug_log_lines_reach_the_terminal_without_escape_sequences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROOFSHOT_LOG_DIR", str(tmp_path))
    raw = io.StringIO()
    monkeypatch.setattr("sys.stderr", raw)
    try:
        path = logs.setup_logging(debug=True)
        logging.getLogger("test").warning("file \x1b]0;owned\x07name\x1b[2J.png")
    finally:
        logs.remove_handlers()
    shown = raw.getvalue()
    assert "file name.png" in shown
    assert "\x1b" not in shown
    assert path is not None and "\x1b]0;owned" in path.read_text(encoding="utf-8")
