"""Content-addressed storage of original bytes: ``objects/sha256/ab/<hex>``.

An object is written to ``objects/tmp/`` while it is hashed, flushed and fsynced, and only
then renamed to its final name, so a crash never leaves a partial file under a final name.
Final objects are made read-only and are never rewritten; the same bytes are stored once.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.core.digests import Digests, MultiHasher
from app.core.errors import CaseReadOnlyError, StorageFullError

CHUNK = 1 << 20
_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


@dataclass(frozen=True)
class StagedObject:
    """Bytes hashed and durably written under a temporary name, not yet placed."""

    temp_path: Path
    digests: Digests
    head: bytes


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def storage_error(exc: OSError, what: str) -> Exception:
    """Turn low-level write failures into the one-sentence errors users see."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFullError(f"The disk holding the case is full; {what} was not stored.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return CaseReadOnlyError(f"The case folder cannot be written to; {what} was not stored.")
    return exc


class ObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"

    def path_for(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def ensure_dirs(self) -> None:
        (self.root / "sha256").mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def clean_temp(self) -> int:
        """Remove leftovers of interrupted writes; they never had a final name."""
        removed = 0
        # Never follow a link: the case was checked (app.core.preflight), and even so only
        # regular files directly inside a real tmp folder are removed.
        if self.tmp.is_symlink() or not self.tmp.is_dir():
            return 0
        with os.scandir(self.tmp) as entries:
            for leftover in entries:
                if not leftover.is_file(follow_symlinks=False):
                    continue
                with contextlib.suppress(OSError):
                    os.unlink(leftover.path)
                    removed += 1
        return removed

    def stage(self, source: BinaryIO, head_size: int = 65536) -> StagedObject:
        """Copy ``source`` into a temp file while hashing it; fsync before returning."""
        temp_path = self.tmp / f"{uuid.uuid4().hex}.part"
        hasher = MultiHasher()
        head = b""
        try:
            with open(temp_path, "xb") as out:
                while chunk := source.read(CHUNK):
                    if len(head) < head_size:
                        head += chunk[: head_size - len(head)]
                    hasher.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp_path.unlink()
            raise storage_error(exc, "the file") from exc
        return StagedObject(temp_path, hasher.result(), head)

    def stage_bytes(self, data: bytes) -> StagedObject:
        return self.stage(io.BytesIO(data))

    def place(self, staged: StagedObject, *, sync_dir: bool = True) -> bool:
        """Give a staged object its final name. Returns False when the bytes were already stored.

        With ``sync_dir=False`` the caller fsyncs the folders once for a batch
        (:meth:`sync_dirs`) before recording the items.
        """
        final = self.path_for(staged.digests.sha256)
        if final.exists():
            with contextlib.suppress(OSError):
                staged.temp_path.unlink()
            return False
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(staged.temp_path, _READ_ONLY)
            os.replace(staged.temp_path, final)
            if sync_dir:
                _fsync_dir(final.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                staged.temp_path.unlink()
            raise storage_error(exc, "the file") from exc
        return True

    def sync_dirs(self, sha256s: list[str]) -> None:
        for parent in sorted({self.path_for(s).parent for s in sha256s}):
            _fsync_dir(parent)

    def discard(self, staged: StagedObject) -> None:
        with contextlib.suppress(OSError):
            staged.temp_path.unlink()

    def iter_hashes(self) -> list[str]:
        base = self.root / "sha256"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.glob("*/*") if p.is_file())
