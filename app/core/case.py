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
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from app.core import custody, schema
from app.core.errors import (
    CaseCorruptError,
    CaseExistsError,
    CaseLockedError,
    CaseNotFoundError,
    CaseReadOnlyError,
    CaseTooNewError,
    StorageFullError,
)
from app.core.objects import ObjectStore

DB_NAME = "case.sqlite"
LOCK_NAME = "case.lock"
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

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, *, title: str = "", operator: str = "") -> Case:
        path = Path(path)
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
            raise
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
        except BaseException:
            case.close()
            raise
        return case

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False) -> Case:
        path = Path(path)
        if not (path / DB_NAME).is_file():
            raise CaseNotFoundError(f"No Proofshot case found at {path}.")
        if read_only:
            return cls._open_read_only(path)
        return cls._open_writable(path, creating=False)

    @classmethod
    def _open_writable(cls, path: Path, *, creating: bool) -> Case:
        try:
            lock = open(path / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115 - held open
        except OSError as exc:
            if _is_read_only_error(exc):
                raise CaseReadOnlyError(
                    f"The case at {path} is on read-only media or lacks write permission; open it read-only to view or verify it."
                ) from exc
            raise
        if not _lock_file(lock):
            lock.close()
            raise CaseLockedError(
                f"The case at {path} is open in another Proofshot; close it there first."
            )
        try:
            conn = sqlite3.connect(path / DB_NAME, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=FULL")
            cls._check_version(conn, path, allow_empty=creating)
            schema.migrate(conn)
        except sqlite3.DatabaseError as exc:
            lock.close()
            if _is_read_only_error(exc):
                raise CaseReadOnlyError(
                    f"The case at {path} cannot be written to; open it read-only."
                ) from exc
            raise CaseCorruptError(f"The case database at {path} cannot be read: {exc}.") from exc
        except BaseException:
            lock.close()
            raise
        case = cls(path, conn, lock, read_only=False)
        case.objects.ensure_dirs()
        case.objects.clean_temp()
        return case

    @classmethod
    def _open_read_only(cls, path: Path) -> Case:
        db = (path / DB_NAME).resolve()
        writable_dir = os.access(path, os.W_OK)
        uri = f"{db.as_uri()}?mode=ro" if writable_dir else f"{db.as_uri()}?immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only=ON")
            # An older schema is still readable; it is migrated when next opened for writing.
            cls._check_version(conn, path, allow_empty=False)
        except sqlite3.DatabaseError as exc:
            raise CaseCorruptError(f"The case database at {path} cannot be read: {exc}.") from exc
        return cls(path, conn, None, read_only=True)

    @staticmethod
    def _check_version(conn: sqlite3.Connection, path: Path, *, allow_empty: bool) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > schema.SCHEMA_VERSION:
            raise CaseTooNewError(
                f"The case at {path} was written by a newer Proofshot (schema {version}); this version reads up to {schema.SCHEMA_VERSION}. Update Proofshot to open it."
            )
        if version == 0 and not allow_empty:
            raise CaseCorruptError(
                f"The case database at {path} has no schema; it is not a Proofshot case."
            )

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
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
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                if "full" in str(exc).lower():
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
