"""Match many captures against the whole library, using every core, and flag likely matches.

Each query is independent, so queries are spread over a pool of worker threads. Threads, not
processes: OpenCV (matching, RANSAC, warping) and NumPy release the GIL in their inner loops,
which is where nearly all of the time goes, and threads share the library's features instead
of copying a gigabyte into each process; they are also safe to start from a GUI process,
where forking is not. The benchmark measures the speed-up (``tests/bench/bench_compare.py``).
OpenCV's own thread pool is limited to one thread per worker during a batch, so workers do
not compete for cores with OpenCV's internal threads.

The function follows the core job protocol: it reports :class:`~app.core.jobs.Progress`
and stops at the next query when the :class:`~app.core.jobs.CancelToken` is set.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass

import cv2

from app.compare.features import ImageFeatures
from app.compare.index import DEFAULT_SHORTLIST, Match, WorkIndex, WorkLookup
from app.compare.loading import CannotCompare
from app.core.jobs import CancelToken, Progress, ProgressCallback, no_progress

_OPENCV_LOCK = threading.Lock()


@dataclass(frozen=True)
class BatchResult:
    """The ranked works for one capture."""

    query_id: str
    matches: tuple[Match, ...]
    cannot_compare: str | None = None
    """Why this capture could not be compared (then ``matches`` is empty)."""

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    @property
    def flagged(self) -> bool:
        """The best work is a likely match (band high or medium)."""
        return self.best is not None and self.best.flagged


Query = tuple[str, ImageFeatures | CannotCompare]
"""A capture's id and its features, or the reason its features could not be computed."""


@contextmanager
def opencv_threads(count: int) -> Iterator[None]:
    with _OPENCV_LOCK:
        previous = cv2.getNumThreads()
        cv2.setNumThreads(count)
        try:
            yield
        finally:
            cv2.setNumThreads(previous)


def _one(
    query: Query, index: WorkIndex, lookup: WorkLookup, top: int, shortlist: int
) -> BatchResult:
    query_id, features = query
    if isinstance(features, CannotCompare):
        return BatchResult(query_id, (), features.reason)
    return BatchResult(query_id, tuple(index.rank(features, lookup, top=top, shortlist=shortlist)))


def match_batch(
    queries: Sequence[Query],
    index: WorkIndex,
    lookup: WorkLookup,
    *,
    workers: int = 2,
    top: int = 10,
    shortlist: int = DEFAULT_SHORTLIST,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> list[BatchResult]:
    """Rank the library's works for every query; results are in the order of ``queries``.

    If cancelled, the queries finished so far are returned (the rest are missing) and
    ``progress`` says so; the caller decides whether a partial batch is kept.
    """
    cancel = cancel or CancelToken()
    total = len(queries)
    results: dict[int, BatchResult] = {}
    progress(Progress(0, total, "Matching captures against the library"))
    if workers <= 1:
        for i, query in enumerate(queries):
            if cancel.cancelled:
                break
            results[i] = _one(query, index, lookup, top, shortlist)
            progress(Progress(len(results), total, query[0]))
    else:
        with opencv_threads(1), ThreadPoolExecutor(max_workers=workers) as pool:
            pending: dict[Future[BatchResult], int] = {}
            queue = iter(enumerate(queries))
            # Keep only a few queries in flight so a cancel takes effect quickly.
            for i, query in queue:
                pending[pool.submit(_one, query, index, lookup, top, shortlist)] = i
                if len(pending) >= 2 * workers:
                    break
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    i = pending.pop(future)
                    results[i] = future.result()
                    progress(Progress(len(results), total, queries[i][0]))
                    if not cancel.cancelled:
                        nxt = next(queue, None)
                        if nxt is not None:
                            j, query = nxt
                            pending[pool.submit(_one, query, index, lookup, top, shortlist)] = j
    if len(results) < total:
        progress(Progress(len(results), total, "Cancelled; the captures matched so far are kept"))
    return [results[i] for i in sorted(results)]
