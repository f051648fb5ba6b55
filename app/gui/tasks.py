"""One helper for "run in a pool, deliver on the GUI thread".

Every long operation (import, verify, thumbnails, previews, screen-capture storage) goes
through :class:`TaskRunner`. A task runs in a Python thread pool; its result, its error or
its progress is put on a thread-safe queue as a zero-argument callable, and a timer on the
GUI thread drains that queue, so callbacks always run on the thread that owns the widgets.

Worker threads never call Qt: they hand back plain Python values (bytes, dataclasses) and
the GUI thread turns them into ``QImage``/``QPixmap``. That keeps workers independent of the
binding's thread handling (PySide6 6.12.0 on Python 3.11 corrupts reference counts on
void calls, worst under threads; see :mod:`app.gui.qt_compat`), and a queue polled every few
milliseconds only while tasks run costs nothing measurable.

Two runners exist per open case: a pool for work that touches no database (thumbnails,
previews), and a *serial* runner with one thread that alone uses the writable case
connection.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer

from app.core.jobs import CancelToken, Job, Progress

log = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_INTERVAL = 0.05  # seconds between progress deliveries; the last one always goes
POLL_MS = 5  # how often the GUI thread collects finished work while tasks are running
DRAIN_BUDGET = 0.008  # seconds of callbacks per poll, so deliveries never stall the loop


class TaskHandle:
    """What the caller keeps: a cancel token and whether the task has finished."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.cancel = CancelToken()
        self.finished = threading.Event()
        self.started_at = time.monotonic()

    @property
    def done(self) -> bool:
        return self.finished.is_set()


class TaskRunner(QObject):
    """Runs callables in a pool and delivers their outcome on the GUI thread.

    ``serial=True`` gives a runner with exactly one thread, used as the single writer of a
    case: everything submitted to it runs one after another, in submission order.
    """

    def __init__(
        self, parent: QObject | None = None, *, serial: bool = False, workers: int = 2
    ) -> None:
        super().__init__(parent)
        self.serial = serial
        self._executor = ThreadPoolExecutor(
            max_workers=1 if serial else max(1, workers),
            thread_name_prefix="proofshot-writer" if serial else "proofshot-pool",
        )
        self._deliveries: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._active: set[TaskHandle] = set()
        self._futures: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._open = True
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.drain)

    # -- submitting ---------------------------------------------------------------------------

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        title: str = "",
    ) -> TaskHandle:
        """Run ``fn()`` in the pool; then ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        handle = TaskHandle(title or getattr(fn, "__name__", "task"))
        return self._submit(handle, fn, on_done, on_error)

    def run_job(
        self,
        job: Job[T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> TaskHandle:
        """Run a core job (``run(progress, cancel)``), throttling progress to ~20 per second."""
        handle = TaskHandle(getattr(job, "title", type(job).__name__))
        last = [0.0]

        def progress(p: Progress) -> None:
            if on_progress is None:
                return
            now = time.monotonic()
            final = p.total is not None and p.done >= p.total
            if final or now - last[0] >= PROGRESS_INTERVAL:
                last[0] = now
                self._deliveries.put(lambda: on_progress(p))

        return self._submit(handle, lambda: job.run(progress, handle.cancel), on_done, on_error)

    def _submit(
        self,
        handle: TaskHandle,
        body: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> TaskHandle:
        if not self._open:
            raise RuntimeError("this task runner has been shut down")
        with self._lock:
            self._active.add(handle)

        def work() -> None:  # runs in a worker thread: no Qt calls in here
            try:
                result = body()
            except BaseException as exc:  # delivered, never lost in a worker thread
                log.debug("task %s failed:\n%s", handle.title, traceback.format_exc())
                error = exc  # ``exc`` is unbound when the except block ends
                self._finish(handle, lambda: self._deliver_error(error, on_error))
            else:
                self._finish(handle, lambda: on_done(result) if on_done else None)

        future = self._executor.submit(work)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget_future)
        if not self._timer.isActive():
            self._timer.start()
        return handle

    def _forget_future(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def _finish(self, handle: TaskHandle, callback: Callable[[], None]) -> None:
        def deliver() -> None:
            with self._lock:
                self._active.discard(handle)
            handle.finished.set()
            callback()

        self._deliveries.put(deliver)

    @staticmethod
    def _deliver_error(
        exc: BaseException, on_error: Callable[[BaseException], None] | None
    ) -> None:
        if on_error is not None:
            on_error(exc)
        else:
            log.error("unhandled task error: %s", "".join(traceback.format_exception(exc)))

    # -- delivering, on the GUI thread -----------------------------------------------------------

    def drain(self) -> None:
        """Run delivered callbacks for at most :data:`DRAIN_BUDGET` seconds."""
        deadline = time.monotonic() + DRAIN_BUDGET
        while self._open:
            try:
                fn = self._deliveries.get_nowait()
            except queue.Empty:
                break
            try:
                fn()
            except Exception:  # a failing callback must not stop later deliveries
                log.exception("error in a task callback")
            if time.monotonic() > deadline:
                return
        if not self.busy and self._deliveries.empty():
            self._timer.stop()

    # -- state ---------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._active)

    def active(self) -> list[TaskHandle]:
        with self._lock:
            return sorted(self._active, key=lambda h: h.started_at)

    def cancel_all(self) -> None:
        for handle in self.active():
            handle.cancel.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every submitted task has returned (shutdown and scripts, never a slot).

        Deliveries stay queued; call :meth:`drain` (or let the event loop run) to get them.
        """
        with self._lock:
            futures = list(self._futures)
        _, not_done = wait_futures(futures, timeout=timeout)
        return not not_done

    def shutdown(self, timeout: float = 30.0) -> bool:
        """Cancel, wait for running tasks, and drop deliveries still queued: their receivers
        (widgets of a closing window) may already be gone."""
        self.cancel_all()
        finished = self.wait(timeout)
        self._open = False
        self._timer.stop()
        self._executor.shutdown(wait=finished, cancel_futures=True)
        return finished
