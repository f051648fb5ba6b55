"""An open case as the window uses it: one reader for the GUI thread, one writer thread.

SQLite connections must not be used by two threads at once. The window therefore holds two
:class:`~app.core.case.Case` objects on the same folder:

* ``view`` — opened read-only, used only on the GUI thread by models and the inspector.
  In WAL mode a reader sees every committed change and never waits for the writer.
* ``_worker_case`` — the writable case (or a second read-only one when the case is
  read-only), used only on the single thread of ``writer``. Every change (tags, notes,
  imports, screen captures, verification) is submitted there and so runs one at a time, in
  order, each in its own transaction with its custody event.

The GUI never writes SQL; it calls core functions through :meth:`CaseSession.write`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from app.config import load_settings
from app.core import items as items_mod
from app.core.case import Case
from app.core.jobs import Job, Progress
from app.gui.tasks import TaskHandle, TaskRunner

T = TypeVar("T")


class CaseSession(QObject):
    """Opens a case for the window; raises the core's errors unchanged when it cannot."""

    # Emitted on the GUI thread after a change: the ids touched, or None for "reload all".
    changed = Signal(object)

    def __init__(self, path: Path | str, *, read_only: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self._worker_case = Case.open(self.path, read_only=read_only)
        try:
            self.view = Case.open(self.path, read_only=True, follow_writes=True)
        except BaseException:
            self._worker_case.close()
            raise
        self.read_only = self._worker_case.read_only
        self.writer = TaskRunner(self, serial=True)
        self.pool = TaskRunner(self)
        self._closed = False

    # -- identity ------------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return self.view.title or self.path.name

    @staticmethod
    def actor() -> str | None:
        """Who the custody log names for changes made here: the operator in Settings, if set.

        ``None`` lets the core use the case's own operator.
        """
        settings = load_settings()
        name = str(settings.get("operator") or "").strip()
        return name or None

    # -- writing, always on the writer thread -------------------------------------------------

    def write(
        self,
        fn: Callable[[Case], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        changed_ids: Iterable[int] | None = None,
        title: str = "",
    ) -> TaskHandle:
        """Run ``fn(case)`` on the writer thread; announce ``changed`` when it succeeded."""
        ids = None if changed_ids is None else set(changed_ids)

        def done(result: T) -> None:
            if not self._closed:
                self.changed.emit(ids)
            if on_done is not None:
                on_done(result)

        return self.writer.run(lambda: fn(self._worker_case), done, on_error, title=title)

    def run_job(
        self,
        make_job: Callable[[Case], Job[T]],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> TaskHandle:
        """Run a core job built for the writer's case, on the writer thread."""
        job = make_job(self._worker_case)

        def done(result: T) -> None:
            if not self._closed:
                self.changed.emit(None)
            if on_done is not None:
                on_done(result)

        return self.writer.run_job(job, done, on_error, on_progress)

    # -- reading, on the GUI thread ------------------------------------------------------------

    def item_count(self) -> int:
        return items_mod.count_items(self.view)

    def pending_attestations(self) -> int:
        return items_mod.count_pending_attestations(self.view)

    def object_path(self, sha256: str) -> Path:
        return self.view.objects.path_for(sha256)

    # -- closing -------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def busy(self) -> bool:
        return self.writer.busy

    def close(self, timeout: float = 30.0) -> None:
        """Cancel running work, wait for the threads, then close both connections."""
        if self._closed:
            return
        self._closed = True
        self.pool.cancel_all()
        self.writer.shutdown(timeout)
        self.pool.shutdown(timeout)
        self._worker_case.close()
        self.view.close()
