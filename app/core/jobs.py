"""One small protocol for long work: ``run(progress, cancel) -> result``.

The GUI runs jobs in a pool and shows progress; the CLI runs the same jobs in the foreground
and prints progress on stderr. A job checks ``cancel`` between units of work and raises
:class:`~app.core.errors.Cancelled` (or returns a partial result saying so).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol, TypeVar

from app.core.errors import Cancelled

T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    message: str = ""


class ProgressCallback(Protocol):
    def __call__(self, progress: Progress, /) -> None: ...


class CancelToken:
    """A thread-safe flag a job polls; set from the GUI's Cancel button or SIGINT."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("The operation was cancelled; everything finished before it was kept.")


class Job(Protocol[T_co]):
    title: str

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> T_co: ...


def no_progress(progress: Progress, /) -> None:
    """A progress sink for callers that do not show progress."""
