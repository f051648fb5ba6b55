"""Who writes to the case during a capture: one thread, in submission order.

A case's SQLite connection belongs to one thread. The capture session produces work from
several (the recorder, the DevTools dispatcher, "Capture now"), so it never touches the
case itself: it hands ``fn(case)`` to a :class:`CaseWriter` and gets a future back.

* :class:`ThreadCaseWriter` opens the case on a thread of its own (the headless runner,
  scripts, tests).
* The GUI adapts its existing single writer thread (``CaseSession.write``) to the same
  protocol, so the window keeps one writer per case.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol, TypeVar

from app.core.case import Case
from app.core.errors import ProofshotError

T = TypeVar("T")


class CaseWriterClosedError(ProofshotError):
    """Work was handed to a writer that has closed its case."""


class CaseWriter(Protocol):
    def submit(self, fn: Callable[[Case], T]) -> Future[T]: ...


class ThreadCaseWriter:
    """Opens the case for writing on a dedicated thread and runs submitted work there."""

    def __init__(self, case_path: Path | str) -> None:
        self._queue: queue.Queue[tuple[Callable[[Case], Any], Future[Any]] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._opened: Future[Case] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(Path(case_path),), name="case-writer", daemon=True
        )
        self._thread.start()
        self._opened.result()  # re-raises CaseNotFoundError, CaseLockedError, ...

    def submit(self, fn: Callable[[Case], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._closed:  # work submitted after close fails at once instead of never running
                future.set_exception(CaseWriterClosedError("The case's writer is closed."))
            else:
                self._queue.put((fn, future))
        return future

    def close(self, timeout: float = 120.0) -> None:
        """Finish every submitted piece of work, then close the case."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._queue.put(None)
        self._thread.join(timeout=timeout)

    def _run(self, path: Path) -> None:
        try:
            case = Case.open(path)
        except BaseException as exc:
            self._opened.set_exception(exc)
            return
        self._opened.set_result(case)
        try:
            while True:
                entry = self._queue.get()
                if entry is None:
                    return
                fn, future = entry
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(fn(case))
                except BaseException as exc:  # delivered to whoever waits on the future
                    future.set_exception(exc)
        finally:
            case.close()
