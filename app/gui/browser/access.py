"""How the capture workspace reaches the case: a reader on the GUI thread, one writer.

The main window already holds both (``CaseSession.view`` and ``CaseSession.write``); the
workspace accepts anything with that shape (:class:`CaseAccess`). :class:`StandaloneAccess`
provides the same for a workspace used on its own (tests, a capture-only window), and
:class:`AccessWriter` adapts either to the :class:`~app.capture.writer.CaseWriter` the
GUI-free capture session expects, posting every write to the GUI thread first so the
window's writer is only ever driven from there.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from app.capture.writer import ThreadCaseWriter
from app.core.case import Case

T = TypeVar("T")


class CaseAccess(Protocol):
    """What the workspace needs from an open case (``app.gui.session.CaseSession`` fits)."""

    view: Case

    def write(
        self,
        fn: Callable[[Case], T],
        on_done: Callable[[T], None] | None = ...,
        on_error: Callable[[BaseException], None] | None = ...,
    ) -> Any: ...


class GuiRelay(QObject):
    """Runs posted callables on the thread it lives on (the GUI thread)."""

    posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.posted.connect(self._run)

    @Slot(object)
    def _run(self, fn: object) -> None:
        if callable(fn):
            fn()

    def post(self, fn: Callable[[], None]) -> None:
        try:
            self.posted.emit(fn)
        except RuntimeError:  # the relay was deleted: the window is closing
            pass


class StandaloneAccess(QObject):
    """A read-only view plus a writer thread of its own, for a workspace used alone."""

    def __init__(self, case_path: Path | str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = ThreadCaseWriter(case_path)
        self.view = Case.open(case_path, read_only=True, follow_writes=True)
        self._relay = GuiRelay(self)

    def write(
        self,
        fn: Callable[[Case], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        future = self._writer.submit(fn)

        def deliver(f: Future[T]) -> None:
            exc = f.exception()
            if exc is not None:
                if on_error is not None:
                    self._relay.post(lambda: on_error(exc))
            elif on_done is not None:
                self._relay.post(lambda: on_done(f.result()))

        future.add_done_callback(deliver)
        return future

    def close(self) -> None:
        self._writer.close()
        self.view.close()


class AccessWriter:
    """A :class:`~app.capture.writer.CaseWriter` over a :class:`CaseAccess` (any thread)."""

    def __init__(self, access: CaseAccess, relay: GuiRelay) -> None:
        self._access = access
        self._relay = relay

    def submit(self, fn: Callable[[Case], T]) -> Future[T]:
        future: Future[T] = Future()

        def start() -> None:
            try:
                self._access.write(fn, future.set_result, future.set_exception)
            except BaseException as exc:  # the case closed under us
                future.set_exception(exc)

        self._relay.post(start)
        return future
