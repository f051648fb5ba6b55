"""The capture workspace's one worker thread and its way back onto the GUI thread.

Everything that talks to the page over DevTools blocks, and Chromium answers DevTools from
the Qt main thread, so the capture session's calls run on one worker thread and their
results are posted back through a :class:`~app.gui.browser.access.GuiRelay`. The reverse
also happens: the session asks for facts only Qt objects know (:meth:`ask_gui`), and closing
waits for the worker while keeping the Qt event loop turning (:meth:`wait_pumping`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QTimer

from app.gui.browser.access import GuiRelay

T = TypeVar("T")


class CaptureThread:
    """One worker thread; results and errors are delivered on the GUI thread."""

    def __init__(self, relay: GuiRelay, on_error: Callable[[BaseException], None]) -> None:
        self.relay = relay
        self.on_error = on_error
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture")

    def run(self, fn: Callable[..., T], on_done: Callable[[T], None], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on the capture thread; deliver the result on the GUI thread."""
        future = self._executor.submit(fn, *args)

        def deliver(f: Future[T]) -> None:
            exc = f.exception()
            if exc is not None:
                self.relay.post(lambda: self.on_error(exc))
            else:
                self.relay.post(lambda: on_done(f.result()))

        future.add_done_callback(deliver)
        return future

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on the capture thread; the caller handles the future."""
        return self._executor.submit(fn, *args)

    def ask_gui(self, fn: Callable[[], T], timeout: float = 10) -> T:
        """From a worker thread: run ``fn`` on the GUI thread and wait for its result."""
        future: Future[T] = Future()

        def collect() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

        self.relay.post(collect)
        return future.result(timeout=timeout)

    @staticmethod
    def wait_pumping(future: Future[Any], timeout_ms: int) -> None:
        """On the GUI thread: wait for ``future`` (at most ``timeout_ms``) while the Qt event
        loop keeps turning, since the browser answers from it."""
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if future.done() else None)
        timer.start(20)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        timer.stop()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False)
