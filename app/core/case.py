"""A case: a folder holding ``case.sqlite`` and ``objects/``, opened by one writer at a time.

The GUI and the CLI both go through :class:`Case`; nothing else opens the database. Opening
for writing takes an exclusive lock on ``case.lock`` so two Proofshot windows cannot
interleave custody events. Read-only opening works on read-only media and while another
Proofshot holds the lock (SQLite's WAL gives readers a consistent snapshot).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from app.core import custody, preflight, schema
from app.core.errors import (
    CaseCorruptError,
    CaseExistsError,
    CaseLockedError,
    CaseNotFoundError,
    CaseReadOnlyError,
    ProofshotError,
    StorageFullError,
)
from app.core.objects import ObjectStore
from app.core.problems import Problem

DB_NAME = preflight.DB_NAME
LOCK_NAME = preflight.LOCK_NAME
CASE_SUFFIX = ".proofshot"


def _lock_file(handle: IO[str]) -> bool:
    if os.name == "nt":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _disk_full(path: Path, exc: BaseException | None = None) -> bool:
    """A failure that a full disk explains: SQLite's "full", ENOSPC, or no free block left."""
    if exc is not None and "full" in str(exc).lower():
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    try:
        st = os.statvfs(path)
    except (OSError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def _is_read_only_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
    return "readonly" in str(exc).lower() or "read-only" in str(exc).lower()


class Case:
    """An open case. Use :meth:`create` or :meth:`open`; close it (or use ``with``)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: IO[str] | None, read_only: bool):
        self.path = path
        self.conn = conn
        self._lock = lock
        self.read_only = read_only
        self._depth = 0  # transaction nesting; > 1 means inside a savepoint
        self.objects = ObjectStore(path / "objects")
        # What opening found that is not an error: shown by the CLI, listed by ``verify``.
        self.open_notes: list[str] = []
        self.open_problems: list[Problem] = []
        self._snapshot: Path | None = None  # a private copy read instead of the case's files

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, *, title: str = "", operator: str = "") -> Case:
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise CaseExistsError(f"{path} is a file; choose a new folder for the case.")
        if (path / DB_NAME).exists():
            raise CaseExistsError(f"A case already exists at {path}.")
        if path.exists() and any(path.iterdir()):
            raise CaseExistsError(
                f"{path} exists and is not empty; choose a new folder for the case."
            )
        try:
            path.mkdir(parents=True, exist_ok=True)
            ObjectStore(path / "objects").ensure_dirs()
            (path / "exports").mkdir(exist_ok=True)
        except OSError as exc:
            if _is_read_only_error(exc):
                raise CaseReadOnlyError(
                    f"Cannot create a case at {path}: the location is read-only."
                ) from exc
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFullError(
                    f"Cannot create a case at {path}: the disk is full."
                ) from exc
            raise ProofshotError(f"Cannot create a case at {path}: {exc.strerror or exc}.") from exc
        case = cls._open_writable(path, creating=True)
        try:
            with case.transaction():
                case.log(
                    "case.created",
                    facts={"case_id": str(uuid.uuid4()), "schema_version": schema.SCHEMA_VERSION},
                    records={
                        "settings": [
                            {"key": "title", "value": title or path.name.removesuffix(CASE_SUFFIX)},
                            {"key": "operator", "value": operator},
                        ]
                    },
                    actor=operator or "proofshot",
                )
            # The new case is whole in its database file, so a stray WAL is never needed.
            case.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            case.close()
            raise
        return case

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        read_only: bool = False,
        maintain: bool = True,
        follow_writes: bool = False,
    ) -> Case:
        """Open a case after :mod:`app.core.preflight` has checked it without writing.

        ``maintain=False`` opens for writing without sweeping ``objects/tmp`` and without
        migrating (an older schema is then refused): what ``verify`` uses to log its run.
        ``follow_writes=True`` (read-only only) is for a view that must see what a writer of
        this same Proofshot commits later, as the window's views do: on writable media it
        shares the case's WAL index instead of reading a frozen (immutable) file. A check such
        as ``verify`` never asks for it, so it creates nothing beside the case.
        """
        path = Path(path)
        try:
            db_mode = os.lstat(path / DB_NAME).st_mode
        except OSError:
            db_mode = 0
        if not db_mode:
            if path.exists() and not path.is_dir():
                raise CaseNotFoundError(f"{path} is a file, not a Proofshot case folder.")
            raise CaseNotFoundError(f"No Proofshot case found at {path}.")
        preflight.check_structure(path)
        header = preflight.read_header(path)
        if read_only:
            case = cls._open_read_only(
                path, preflight.check_wal(path, retry=True), follow_writes=follow_writes
            )
        elif preflight.stray_journal(path, header):
            raise CaseCorruptError(
                f"The case at {path} has a rollback journal ({DB_NAME}-journal) that its "
                "database (in WAL mode) never writes, so it comes from elsewhere; it was not "
                "played back. Move that file out of the case folder to open the case for writing."
            )
        else:
            case = cls._open_writable(path, creating=False, maintain=maintain)
        if header.application_id == 0:
            case.open_notes.append(
                "The case database has no application_id (written by an older Proofshot); "
                "it is given one on its next writable open."
            )
        return case

    @classmethod
    def _open_writable(cls, path: Path, *, creating: bool, maintain: bool = True) -> Case:
        try:
            fd = os.open(
                path / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644
            )
            lock = os.fdopen(fd, "a+", encoding="utf-8")
        except OSError as exc:
            if _is_read_only_error(exc):
                raise CaseReadOnlyError(
                    f"The case at {path} is on read-only media or lacks write permission; open it read-only to view or verify it."
                ) from exc
            raise CaseCorruptError(f"The case lock at {path} cannot be opened: {exc}.") from exc
        if not _lock_file(lock):
            lock.close()
            raise CaseLockedError(
                f"The case at {path} is open in another Proofshot; close it there first."
            )
        # Under the lock no other Proofshot writes, so the WAL is judged as it will be read.
        if not creating and preflight.check_wal(path) == preflight.WAL_FOREIGN:
            lock.close()
            raise CaseCorruptError(
                preflight.foreign_wal_sentence(path)
                + " Move that file out of the case folder to open the case for writing."
            )
        try:
            conn = sqlite3.connect(path / DB_NAME, isolation_level=None, check_same_thread=False)
            # The version is checked before anything is written: a newer case stays untouched.
            cls._check_version(conn, path, allow_empty=creating)
            if not maintain and conn.execute("PRAGMA user_version").fetchone()[0] != (
                schema.SCHEMA_VERSION
            ):
                conn.close()
                raise CaseReadOnlyError(
                    f"The case at {path} uses an older schema; it is not changed by this command."
                )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=FULL")
            schema.migrate(conn)
        except sqlite3.DatabaseError as exc:
            lock.close()
            if _is_read_only_error(exc):
                raise CaseReadOnlyError(
                    f"The case at {path} cannot be written to; open it read-only."
                ) from exc
            if _disk_full(path, exc):
                raise StorageFullError(
                    f"The disk holding the case at {path} is full; the case could not be opened for writing."
                ) from exc
            raise CaseCorruptError(f"The case database at {path} cannot be read: {exc}.") from exc
        except BaseException:
            lock.close()
            raise
        case = cls(path, conn, lock, read_only=False)
        if maintain:
            try:
                case.objects.ensure_dirs()
                case.objects.clean_temp()
            except OSError as exc:
                case.close()
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise StorageFullError(f"The disk holding the case at {path} is full.") from exc
                raise
        return case

    @classmethod
    def _open_read_only(
        cls, path: Path, wal: str = preflight.WAL_NONE, *, follow_writes: bool = False
    ) -> Case:
        db = (path / DB_NAME).resolve()
        snapshot: Path | None = None
        notes: list[str] = []
        problems: list[Problem] = []
        writable_dir = os.access(path, os.W_OK)
        if wal == preflight.WAL_FOREIGN:
            uri = preflight.immutable_uri(db)
            problems.append(Problem("foreign-wal", preflight.foreign_wal_sentence(path)))
        elif wal == preflight.WAL_UNATTRIBUTABLE:
            uri = preflight.immutable_uri(db)
            notes.append(
                f"The case database at {path} has a write-ahead log that cannot be checked "
                "against it (the database file alone holds no custody log); it was set aside "
                "and is shown without it."
            )
        elif writable_dir and (follow_writes or (path / (DB_NAME + "-shm")).exists()):
            # Another Proofshot may have the case open: share its WAL index, read-only.
            uri = f"{db.as_uri()}?mode=ro"
        elif wal == preflight.WAL_OURS:
            # Its own WAL, left by a crash (or on read-only media): read a private copy of
            # both, so the committed changes are seen and nothing is written beside the case.
            try:
                snapshot = preflight.snapshot(path)
            except OSError as exc:
                if _disk_full(Path(tempfile.gettempdir()), exc):
                    raise StorageFullError(
                        "The disk holding the temporary folder is full; the case's write-ahead log cannot be read."
                    ) from exc
                raise CaseCorruptError(f"The case at {path} cannot be read: {exc}.") from exc
            uri = (snapshot / DB_NAME).as_uri()
        else:
            # At rest (no WAL index), or read-only media: read the file as it is, creating
            # no -wal or -shm beside it.
            uri = preflight.immutable_uri(db)

        def connect(uri: str) -> sqlite3.Connection:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only=ON")
            # An older schema is still readable; it is migrated when next opened for writing.
            cls._check_version(conn, path, allow_empty=False)
            return conn

        try:
            try:
                conn = connect(uri)
            except sqlite3.OperationalError:
                # A read-only connection to a WAL database wants its -shm index; on a full
                # disk it cannot be made. With no WAL to read, the file alone is the case.
                if wal != preflight.WAL_NONE or "immutable=1" in uri:
                    raise
                conn = connect(preflight.immutable_uri(db))
        except sqlite3.DatabaseError as exc:
            if snapshot is not None:
                shutil.rmtree(snapshot, ignore_errors=True)
            if _disk_full(path, exc):
                raise StorageFullError(
                    f"The disk holding the case at {path} is full, so its database cannot be read; free some space."
                ) from exc
            raise CaseCorruptError(f"The case database at {path} cannot be read: {exc}.") from exc
        case = cls(path, conn, None, read_only=True)
        case._snapshot = snapshot
        case.open_notes.extend(notes)
        case.open_problems.extend(problems)
        return case

    @staticmethod
    def _check_version(conn: sqlite3.Connection, path: Path, *, allow_empty: bool) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        preflight.too_new(path, version)
        if version == 0 and not allow_empty:
            raise CaseCorruptError(
                f"The case database at {path} has no schema; it is not a Proofshot case."
            )

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)
            self._snapshot = None
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.close()
            self._lock = None

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One change = one transaction, holding the change and its custody event.

        Nested use (a store function that records items, called inside a caller's transaction
        that records what the items belong to) becomes a savepoint, so both commit together
        and a crash never leaves the items without their record.
        """
        if self.read_only:
            raise CaseReadOnlyError(f"The case at {self.path} is open read-only.")
        if self._depth:
            savepoint = f"nested_{self._depth}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {savepoint}")
                self.conn.execute(f"RELEASE {savepoint}")
                raise
            else:
                self.conn.execute(f"RELEASE {savepoint}")
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_read_only_error(exc):
                raise CaseReadOnlyError(f"The case at {self.path} cannot be written to.") from exc
            raise
        self._depth = 1
        try:
            yield self.conn
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and _disk_full(self.path, exc):
                raise StorageFullError(
                    "The disk holding the case is full; the change was not saved."
                ) from exc
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                if _disk_full(self.path, exc):
                    raise StorageFullError(
                        "The disk holding the case is full; the change was not saved."
                    ) from exc
                raise
        finally:
            self._depth = 0

    def log(
        self,
        action: str,
        *,
        item_id: int | None = None,
        facts: Mapping[str, Any] | None = None,
        records: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        actor: str | None = None,
    ) -> custody.Event:
        return custody.append_event(
            self.conn,
            actor=actor if actor is not None else (self.operator or "unknown operator"),
            action=action,
            item_id=item_id,
            facts=facts,
            records=records,
        )

    def next_id(self, table: str) -> int:
        """The id the next row of ``table`` gets; ids are written into the event, not left to SQLite."""
        row = self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()
        return int(row[0])

    # -- settings ------------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT key, value FROM settings s WHERE seq = (SELECT MAX(seq) FROM settings WHERE key = s.key)"
        ).fetchall()
        return {str(k): str(v) for k, v in rows}

    @property
    def title(self) -> str:
        return self.settings().get("title", "")

    @property
    def operator(self) -> str:
        return self.settings().get("operator", "")

    def set_setting(self, key: str, value: str, *, actor: str | None = None) -> None:
        with self.transaction():
            self.log(
                "case.setting-changed",
                facts={"key": key},
                records={"settings": [{"key": key, "value": value}]},
                actor=actor,
            )
