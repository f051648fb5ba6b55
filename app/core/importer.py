"""Import files and folders into a case as a job, using both cores.

Enumeration never follows a directory link into a loop, never opens pipes or devices, and
keeps undecodable file names. Files are read, hashed and stored by a pool of worker threads
(hashlib and file I/O release the GIL); results are committed in small batches so a killed
process loses at most the batch in flight, and that batch never leaves a half-written item.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from app.core.case import Case
from app.core.errors import CaseReadOnlyError, StorageFullError
from app.core.ingest import (
    Acquisition,
    PreparedItem,
    RefusedFile,
    commit_prepared,
    display_path,
    prepare_file,
)
from app.core.jobs import CancelToken, Progress, ProgressCallback

BATCH_SIZE = 32
BATCH_SECONDS = 0.5


@dataclass
class ImportSummary:
    imported: list[dict[str, object]] = field(default_factory=list)
    duplicates: list[dict[str, object]] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    cancelled: bool = False
    error: str | None = None
    error_code: int | None = None  # the exit code the error calls for (8 disk full, 5 read-only)

    def as_dict(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "cancelled": self.cancelled,
            "error": self.error,
            "error_code": self.error_code,
        }


def enumerate_files(
    paths: Sequence[Path], refused: list[dict[str, str]], *, skip: Path | None = None
) -> Iterator[Path]:
    """Yield regular files under ``paths``; append what cannot be walked to ``refused``.

    ``skip`` (the case's own folder) is never walked: importing a case into itself would
    read its database and objects while they change.
    """
    seen_dirs: set[tuple[int, int]] = set()
    skip_key: tuple[int, int] | None = None
    if skip is not None:
        with contextlib.suppress(OSError):
            st = os.stat(skip)
            skip_key = (st.st_dev, st.st_ino)

    def refuse(path: Path | str, reason: str) -> None:
        refused.append({"path": display_path(path), "reason": reason})

    def walk(path: Path) -> Iterator[Path]:
        try:
            st = os.stat(path)
        except OSError as exc:
            if path.is_symlink():
                reason = (
                    "a symbolic link loop." if exc.errno == 40 else "a link that points nowhere."
                )
            else:
                reason = f"cannot be read ({exc.strerror or exc})."
            refuse(path, reason)
            return
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key == skip_key:
                refuse(path, "the case's own folder; a case cannot import itself.")
                return
            if key in seen_dirs:
                refuse(path, "a folder already visited through a link (a loop); skipped.")
                return
            seen_dirs.add(key)
            try:
                entries = sorted(os.scandir(path), key=lambda e: os.fsencode(e.name))
            except OSError as exc:
                refuse(path, f"the folder cannot be listed ({exc.strerror or exc}).")
                return
            for entry in entries:
                yield from walk(Path(entry.path))
        elif stat.S_ISREG(st.st_mode):
            yield path
        else:
            refuse(path, "not a regular file (a device, pipe or socket), so it was not read.")

    for root in paths:
        yield from walk(Path(root))


class ImportJob:
    """``run(progress, cancel)`` imports ``paths`` into ``case``; returns an :class:`ImportSummary`."""

    title = "Import files"

    def __init__(
        self,
        case: Case,
        paths: Sequence[Path],
        *,
        tags: Sequence[str] = (),
        acquisition: Acquisition | None = None,
        workers: int | None = None,
    ) -> None:
        self.case = case
        self.paths = [Path(p) for p in paths]
        self.tags = list(tags)
        self.acquisition = acquisition or Acquisition()
        self.workers = workers or min(2, os.cpu_count() or 1) or 1

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> ImportSummary:
        summary = ImportSummary()
        files = list(enumerate_files(self.paths, summary.refused, skip=self.case.path))
        total = len(files)
        done = 0
        progress(Progress(0, total, "Reading files"))
        pending: list[PreparedItem] = []
        last_commit = time.monotonic()

        def flush() -> None:
            nonlocal pending, last_commit
            if not pending:
                return
            batch, pending = pending, []
            for result in commit_prepared(self.case, batch, tags=self.tags):
                entry = {"id": result.item_id, "sha256": result.sha256, "source": result.source}
                (summary.duplicates if result.duplicate else summary.imported).append(entry)
            last_commit = time.monotonic()

        objects = self.case.objects
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="import") as pool:
            queue = iter(files)
            in_flight: set[Future[PreparedItem]] = set()
            window = self.workers * 4
            try:
                while True:
                    while len(in_flight) < window and not cancel.cancelled:
                        nxt = next(queue, None)
                        if nxt is None:
                            break
                        in_flight.add(pool.submit(prepare_file, objects, nxt, self.acquisition))
                    if not in_flight:
                        break
                    finished, in_flight = wait(in_flight, timeout=0.2, return_when=FIRST_COMPLETED)
                    storage_failure: Exception | None = None
                    for future in finished:
                        try:
                            pending.append(future.result())
                        except RefusedFile as exc:
                            path, _, reason = str(exc).partition(": ")
                            summary.refused.append({"path": path, "reason": reason})
                        except (StorageFullError, CaseReadOnlyError) as exc:
                            storage_failure = exc  # keep collecting the siblings that succeeded
                        done += 1
                    if storage_failure is not None:
                        raise storage_failure
                    if finished:
                        progress(Progress(done, total, f"{done} of {total} files"))
                    if len(pending) >= BATCH_SIZE or time.monotonic() - last_commit > BATCH_SECONDS:
                        flush()
                    if cancel.cancelled and not in_flight:
                        summary.cancelled = True
                        break
                flush()
            except (StorageFullError, CaseReadOnlyError) as exc:
                summary.error = str(exc)
                summary.error_code = exc.exit_code
                self._salvage(in_flight, pending, summary, str(exc))
                recorded = {str(e["source"]) for e in summary.imported + summary.duplicates}
                recorded |= {r["path"] for r in summary.refused}
                for path in files:
                    shown = display_path(path.absolute())
                    if shown not in recorded:
                        summary.refused.append({"path": shown, "reason": f"not imported: {exc}"})
        return summary

    def _salvage(
        self,
        in_flight: set[Future[PreparedItem]],
        pending: list[PreparedItem],
        summary: ImportSummary,
        reason: str,
    ) -> None:
        """After a storage failure: free space held by unfinished work, then keep what fits.

        Files still in flight are discarded first; the ones already staged are then recorded
        one by one, oldest first, giving up the newest staged file whenever the database needs
        room. Whatever is recorded is complete; the rest is listed as not imported.
        """
        objects = self.case.objects
        for future in in_flight:
            future.cancel()
        for future in in_flight:
            if not future.cancelled() and future.exception() is None:
                objects.discard(future.result().staged)
        queue = list(pending)
        while queue:
            try:
                (result,) = commit_prepared(self.case, [queue[0]], tags=self.tags)
            except (StorageFullError, CaseReadOnlyError):
                if len(queue) == 1 or (
                    isinstance(summary.error, str) and "read-only" in summary.error
                ):
                    for rest in queue:
                        objects.discard(rest.staged)
                    break
                objects.discard(queue.pop().staged)  # give up the newest file to make room
                continue
            queue.pop(0)
            entry = {"id": result.item_id, "sha256": result.sha256, "source": result.source}
            (summary.duplicates if result.duplicate else summary.imported).append(entry)
        pending.clear()
