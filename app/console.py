"""What every CLI command shares: JSON on stdout, progress on stderr, Ctrl+C to stop.

Command modules (app.cli, and the capture, campaign, compare and report commands) use these
so the scripting contract behaves the same everywhere: stdout stays clean for ``--json``,
progress never floods a log file, and the first Ctrl+C stops gracefully.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from app.core.jobs import CancelToken, Progress


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


class StderrProgress:
    """An updating line on a terminal; elsewhere a line when the message changes or every few s."""

    def __init__(self, unit: str = "", interval: float = 2.0) -> None:
        self._tty = sys.stderr.isatty()
        self._unit = f" {unit}" if unit else ""
        self._interval = interval
        self._last = 0.0
        self._message: str | None = None

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        final = progress.total is not None and progress.done >= progress.total
        changed = progress.message != self._message
        wait = 0.1 if self._tty else self._interval
        if not final and not changed and now - self._last < wait:
            return
        self._last, self._message = now, progress.message
        total = f"/{progress.total}" if progress.total is not None else ""
        line = f"{progress.message or 'Working'} [{progress.done}{total}{self._unit}]"
        if self._tty:
            sys.stderr.write("\r\033[K" + line + ("\n" if final else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


@contextlib.contextmanager
def cancel_on_sigint(message: str) -> Iterator[CancelToken]:
    """The first Ctrl+C sets the token (and prints ``message``); the second aborts at once."""
    token = CancelToken()

    def handler(signum: int, frame: object) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        sys.stderr.write("\n" + message + "\n")

    if threading.current_thread() is not threading.main_thread():
        yield token
        return
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield token
    finally:
        signal.signal(signal.SIGINT, previous)
