"""Checks made on a case folder before anything in it is opened: nothing here writes.

A received case folder is hostile until checked. Before the database is opened:

- its own structure (``objects/``, ``objects/tmp``, ``objects/sha256/**``, ``exports/``,
  ``case.lock``, ``case.sqlite`` and its ``-wal``/``-shm``/``-journal``) must hold only real
  folders and regular files: a symbolic link, device or FIFO there is refused, so no sweep,
  write or read follows it outside the case;
- the SQLite header is read from the raw bytes: the magic string, ``user_version`` (a newer
  schema is refused before SQLite touches the file) and ``application_id``;
- a write-ahead log beside the database is checked on a private copy: it belongs to this
  database only if the custody log it yields extends the log the database file holds on its
  own. A WAL from another case is never merged.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.core import schema
from app.core.digests import open_regular
from app.core.errors import CaseCorruptError, CaseTooNewError

DB_NAME = "case.sqlite"
LOCK_NAME = "case.lock"
SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_HEADER_SIZE = 32


class CaseUnsafeError(CaseCorruptError):
    """The case folder holds a link or special file where Proofshot keeps its own files."""


@dataclass(frozen=True)
class Header:
    user_version: int
    application_id: int
    wal_mode: bool = True  # file format version bytes 18-19 are 2 (WAL)


# WAL verdicts
WAL_NONE = "none"  # no -wal, or one without frames
WAL_OURS = "ours"  # the log it yields extends the database's own log
WAL_FOREIGN = "foreign"  # it would replace or rewrite the database's log: another database's
WAL_UNATTRIBUTABLE = "unattributable"  # the database file alone holds no log to compare with


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _refuse(case: Path, path: Path, mode: int, want: str) -> None:
    rel = path.relative_to(case).as_posix()
    target = ""
    if stat.S_ISLNK(mode):
        with contextlib.suppress(OSError):
            target = f" pointing to {os.readlink(path)}"
    raise CaseUnsafeError(
        f"The case at {case} is not safe to open: {rel} is {_kind(mode)}{target} where "
        f"Proofshot expects {want}; nothing was opened, read or written through it."
    )


def _check_entry(case: Path, path: Path, *, folder: bool) -> bool:
    """True when ``path`` exists as the expected kind; raises on links and special files."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    if folder and not stat.S_ISDIR(mode):
        _refuse(case, path, mode, "a folder")
    if not folder and not stat.S_ISREG(mode):
        _refuse(case, path, mode, "a regular file")
    return True


def _check_tree(case: Path, folder: Path, depth: int) -> None:
    """Every entry below ``folder``: regular files, and real folders down to ``depth`` only.

    (A stray regular file such as ``.DS_Store`` is harmless; a link, device or FIFO is not.)
    """
    with os.scandir(folder) as entries:
        for entry in entries:
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISREG(mode):
                continue
            if depth > 0 and stat.S_ISDIR(mode):
                _check_tree(case, Path(entry.path), depth - 1)
            else:
                _refuse(case, Path(entry.path), mode, "a regular file")


def check_structure(case: Path) -> None:
    """Refuse links, devices and FIFOs in the case's own structure. Writes nothing."""
    for name in (DB_NAME, LOCK_NAME, *(DB_NAME + s for s in ("-wal", "-shm", "-journal"))):
        _check_entry(case, case / name, folder=False)
    _check_entry(case, case / "exports", folder=True)
    objects = case / "objects"
    if not _check_entry(case, objects, folder=True):
        return
    if _check_entry(case, objects / "tmp", folder=True):
        _check_tree(case, objects / "tmp", 0)
    if _check_entry(case, objects / "sha256", folder=True):
        _check_tree(case, objects / "sha256", 1)


def read_header(case: Path, *, allow_empty: bool = False) -> Header:
    """The database header from its raw bytes; refuses a newer schema before any open."""
    db = case / DB_NAME
    try:
        fd = os.open(db, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise CaseCorruptError(f"The case database at {case} cannot be read: {exc}.") from exc
    try:
        head = os.read(fd, 100)
    finally:
        os.close(fd)
    if not head and allow_empty:
        return Header(0, 0)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise CaseCorruptError(
            f"The case database at {case} cannot be read: it is not an SQLite database, so "
            "this is not a Proofshot case."
        )
    header = Header(
        user_version=int.from_bytes(head[60:64], "big"),
        application_id=int.from_bytes(head[68:72], "big"),
        wal_mode=head[18] == 2 and head[19] == 2,
    )
    if header.application_id not in (0, schema.APPLICATION_ID):
        raise CaseCorruptError(
            f"The database at {case} belongs to another application (application_id "
            f"{header.application_id:#010x}); it is not a Proofshot case."
        )
    too_new(case, header.user_version)
    return header


def too_new(case: Path, version: int) -> None:
    if version > schema.SCHEMA_VERSION:
        raise CaseTooNewError(
            f"The case at {case} was written by a newer Proofshot (schema {version}); this "
            f"version reads up to {schema.SCHEMA_VERSION}. Update Proofshot to open it."
        )


def _wal_has_frames(case: Path) -> bool:
    try:
        return os.lstat(case / (DB_NAME + "-wal")).st_size > WAL_HEADER_SIZE
    except FileNotFoundError:
        return False


def _event_heads(conn: sqlite3.Connection) -> list[tuple[int, str]] | None:
    try:
        return [
            (int(s), str(h)) for s, h in conn.execute("SELECT seq, hash FROM events ORDER BY seq")
        ]
    except sqlite3.DatabaseError:
        return None


def _copy_regular(src: Path, dst: Path) -> None:
    """Copy a case file that may have been swapped since :func:`check_structure`: a symlink,
    FIFO or device raises OSError (``copyfile(follow_symlinks=False)`` would copy a link as a
    link, which SQLite then opens through; the WAL's copy followed links outright)."""
    with open_regular(src) as fin, open(dst, "xb") as fout:
        shutil.copyfileobj(fin, fout)


def immutable_uri(db: Path) -> str:
    return f"{db.resolve().as_uri()}?immutable=1"


def check_wal(case: Path, *, retry: bool = False) -> str:
    """Whether the case's -wal belongs to its database; reads a private copy, writes nothing.

    ``retry``: without the case lock, another Proofshot may checkpoint between the copy of
    the database and that of its WAL; a "foreign" verdict is then judged once more.
    """
    verdict = _check_wal_once(case)
    if retry and verdict == WAL_FOREIGN:
        time.sleep(0.2)
        verdict = _check_wal_once(case)
    return verdict


def _check_wal_once(case: Path) -> str:
    if not _wal_has_frames(case):
        return WAL_NONE
    db = case / DB_NAME
    try:
        base_conn = sqlite3.connect(immutable_uri(db), uri=True)
    except sqlite3.DatabaseError:
        return WAL_UNATTRIBUTABLE
    try:
        base = _event_heads(base_conn)
    finally:
        base_conn.close()
    if base == []:
        return WAL_UNATTRIBUTABLE
    with tempfile.TemporaryDirectory(prefix="proofshot-wal-") as tmp:
        copy = Path(tmp) / DB_NAME
        try:
            _copy_regular(db, copy)
            _copy_regular(case / (DB_NAME + "-wal"), Path(tmp) / (DB_NAME + "-wal"))
        except OSError:
            return WAL_UNATTRIBUTABLE
        merged_conn = sqlite3.connect(copy)
        try:
            merged = _event_heads(merged_conn)
        finally:
            merged_conn.close()
    if base is None:
        # The file alone cannot be read (a checkpoint cut short, e.g. by a full disk, left
        # pages that only the WAL completes): the WAL is part of this database if together
        # they read as a custody log; a WAL from elsewhere would not mend this file.
        return WAL_OURS if merged else WAL_UNATTRIBUTABLE
    if merged is None or merged[: len(base)] != base:
        return WAL_FOREIGN
    return WAL_OURS


def stray_journal(case: Path, header: Header) -> bool:
    """A non-empty rollback journal beside a WAL-mode database: SQLite would play it back
    into the database on a writable open, yet a WAL database never writes one."""
    try:
        size = os.lstat(case / (DB_NAME + "-journal")).st_size
    except FileNotFoundError:
        return False
    return header.wal_mode and size > 0


def foreign_wal_sentence(case: Path) -> str:
    return (
        f"The write-ahead log beside the case database ({DB_NAME}-wal) does not belong to "
        f"the case at {case}: it would replace or rewrite this case's custody log (it was "
        "probably copied from another case). It was set aside and not merged."
    )


def snapshot(case: Path) -> Path:
    """A private copy of the database and its WAL in a new temporary folder (caller removes it).

    For reading a case whose own WAL holds committed changes (after a crash) without
    creating a WAL index, or anything else, beside it.
    """
    folder = Path(tempfile.mkdtemp(prefix="proofshot-read-"))
    try:
        _copy_regular(case / DB_NAME, folder / DB_NAME)
        _copy_regular(case / (DB_NAME + "-wal"), folder / (DB_NAME + "-wal"))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder
