"""The safety net's Qt-free half: a rotating log file, a filter that keeps secrets and image
bytes out of it, and exception hooks that log every uncaught error before anything else.

A user who hits a bug needs something to send. Every run of the window (and the command line
with ``--debug``) writes ``proofshot.log`` under the platform's user log folder
(``platformdirs``; ``PROOFSHOT_LOG_DIR`` overrides it, as the tests do), rotated at
:data:`MAX_BYTES` with :data:`BACKUPS` old files kept. ``--debug`` makes it verbose.

What never reaches the log: credentials (``Authorization``/``Cookie`` values, bearer tokens,
``key=``/``token=``/``password=``-style pairs, OpenAI-style ``sk-`` keys, and -- through the
capture side's own rules, :func:`app.capture.redaction.redact_text` -- credential URL
parameters and ``user:password@`` in URLs) and image or file bytes (``bytes`` reprs and long
base64 runs such as ``data:`` URLs), which a prompt's pictures would otherwise drag in. :class:`SecretFilter` rewrites each record -- message,
arguments, traceback -- before any handler of ours formats it; it masks by pattern, so it is
a second line behind the rule that code never logs a secret in the first place.

The Qt half (message handler, the crash dialog) is :mod:`app.gui.crash`.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from app.capture.redaction import REDACTED, redact_text
from app.config import log_dir

LOG_NAME = "proofshot.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 4
MAX_MESSAGE = 20_000  # characters of one record kept; the rest is cut with a note
MASK = REDACTED  # the same marker as in capture records
FORMAT = "%(asctime)s %(levelname)-8s %(threadName)s %(name)s: %(message)s"

_MARK = "_proofshot_handler"  # set on handlers this module installed, so setup is idempotent

_PAIR = re.compile(
    r"""(?ix)
    (?P<key>\b(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[_-]?key|
        apikey|access[_-]?token|refresh[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|
        pass(?:word|wd)?|pwd|session[_-]?id|credential)s?\b
        ['"]?\s*[:=]\s*['"]?)
    (?P<value>(?!\[redacted)(?:bearer\s+|basic\s+)?[^\s'",;&}]+)
    """
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_KEY_LIKE = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}\b")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@")
_BYTES_REPR = re.compile(r"""b(['"])(?:\\.|(?!\1).){64,}?\1""", re.DOTALL)
_DATA_URL = re.compile(r"(?i)data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{200,}={0,2}")


def redact(text: str) -> str:
    """``text`` with credentials masked and bulk bytes left out (see the module's docstring)."""
    text = _DATA_URL.sub("[data URL omitted]", text)
    text = _BYTES_REPR.sub("[bytes omitted]", text)
    text = _BASE64_RUN.sub("[base64 omitted]", text)
    text = _URL_USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    text = redact_text(text)[0]  # credential URL parameters, as capture records have them
    text = _PAIR.sub(lambda m: m.group("key") + MASK, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _KEY_LIKE.sub(MASK, text)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + f" [... {len(text) - MAX_MESSAGE} characters cut]"
    return text


class SecretFilter(logging.Filter):
    """Renders each record's message and traceback once, redacted; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_proofshot_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._proofshot_redacted = True
        return True


def log_path() -> Path:
    return log_dir() / LOG_NAME


class _TerminalFormatter(logging.Formatter):
    """The log format without control characters or escape sequences (see app.console)."""

    def format(self, record: logging.LogRecord) -> str:
        from app.console import clean

        return clean(super().format(record))


def setup_logging(*, debug: bool = False, console: bool = True) -> Path | None:
    """Send the root logger to the rotating file (and stderr); returns the file, or None.

    Safe to call again (``--debug`` after the fact, tests): handlers installed earlier by this
    function are replaced, others are left alone. A log folder that cannot be created (a
    read-only home) leaves only stderr: logging never stops the app from starting.
    """
    root = logging.getLogger()
    remove_handlers()
    level = logging.DEBUG if debug else logging.INFO
    root.setLevel(level)
    formatter = logging.Formatter(FORMAT)
    path: Path | None = log_path()
    handlers: list[logging.Handler] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
            )
        )
    except OSError as exc:
        sys.stderr.write(f"proofshot: cannot write the log file {path}: {exc}\n")
        path = None
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(level if debug else logging.WARNING)
        handlers.append(stream)
    for handler in handlers:
        setattr(handler, _MARK, True)
        handler.addFilter(SecretFilter())
        handler.setFormatter(formatter)
        root.addHandler(handler)
    if console:
        # Installed before a command's clean_console(), this handler holds the raw stderr,
        # so evidence text in a message (file names, tags) is cleaned here for the terminal.
        handlers[-1].setFormatter(_TerminalFormatter(FORMAT))
    logging.getLogger(__name__).info("Proofshot started; log level %s", logging.getLevelName(level))
    return path


def remove_handlers() -> None:
    """Take out what :func:`setup_logging` installed (tests, and a second setup)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()


CrashCallback = Callable[[str], None]
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def crash_details(exc_info: ExcInfo, *, where: str = "") -> str:
    """The redacted text a user may copy and send: where, the log file and the traceback."""
    lines = "".join(traceback.format_exception(*exc_info)).rstrip()
    head = f"Uncaught {exc_info[0].__name__}" + (f" in {where}" if where else "")
    return redact(f"{head}\nLog file: {log_path()}\n\n{lines}")


def install_excepthooks(on_crash: CrashCallback | None = None) -> Callable[[], None]:
    """Log every uncaught exception (main thread and other threads), then call ``on_crash``.

    ``on_crash`` gets :func:`crash_details` text and may be called from any thread (the GUI
    forwards it through a queued signal). The previous hooks still run afterwards (the
    default one prints the traceback to stderr). Returns a function that puts them back.
    """
    log = logging.getLogger("proofshot.crash")
    previous_sys, previous_thread = sys.excepthook, threading.excepthook

    def report(exc_info: ExcInfo, where: str) -> None:
        try:
            log.critical("Uncaught exception in %s", where, exc_info=exc_info)
            if on_crash is not None:
                on_crash(crash_details(exc_info, where=where))
        except Exception:  # the hook must never raise
            traceback.print_exc()

    def sys_hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            report((kind, value, tb), "the main thread")
        previous_sys(kind, value, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else "a thread"
            report((args.exc_type, args.exc_value, args.exc_traceback), f"thread {name}")
        previous_thread(args)

    sys.excepthook, threading.excepthook = sys_hook, thread_hook

    def uninstall() -> None:
        sys.excepthook, threading.excepthook = previous_sys, previous_thread

    return uninstall
