"""What every CLI command shares: JSON on stdout, progress on stderr, Ctrl+C to stop.

Command modules (app.cli, and the capture, campaign, compare and report commands) use these
so the scripting contract behaves the same everywhere: stdout stays clean for ``--json``,
progress never floods a log file, and the first Ctrl+C stops gracefully.

Text from evidence (PNG metadata, tags, prompts, file names) is hostile: while a command runs,
:func:`clean_console` routes stdout and stderr through :func:`clean`, which drops control
characters (C0 and C1 except newline and tab, whole ESC sequences, bidirectional overrides),
so nothing printed can move the cursor, retitle the window or rewrite the screen. JSON keeps
its exact values: :func:`print_json` escapes those characters (``\\u001b``) instead.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

from app.core.jobs import CancelToken, Progress

# ESC sequences first (CSI, OSC/DCS/APC/PM/SOS strings, two-byte escapes), then any lone C0
# (but tab and newline), DEL, C1, and the bidirectional controls that reorder what is shown.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` without control characters or escape sequences (newline and tab kept)."""
    return _CONTROL.sub("", text)


def print_json(value: Any) -> None:
    """Exact JSON: json.dumps escapes C0; DEL, C1 and bidi controls are escaped here too."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


class CleanStream:
    """A text stream that writes :func:`clean` text; ``raw`` is the stream underneath."""

    def __init__(self, raw: IO[str]) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(clean(text))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def raw_stream(stream: IO[str] | CleanStream) -> IO[str]:
    return stream.raw if isinstance(stream, CleanStream) else stream


@contextlib.contextmanager
def clean_console() -> Iterator[None]:
    """While a command runs, everything it prints to stdout and stderr is cleaned."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = CleanStream(out)  # type: ignore[assignment]
    sys.stderr = CleanStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        if isinstance(sys.stdout, CleanStream):
            sys.stdout = out
        if isinstance(sys.stderr, CleanStream):
            sys.stderr = err


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
            raw_stream(sys.stderr).write("\r\033[K")  # our own control codes, not evidence text
            sys.stderr.write(line + ("\n" if final else ""))
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
