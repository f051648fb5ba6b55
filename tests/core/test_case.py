from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import items, schema
from app.core.case import Case
from app.core.errors import (
    CaseCorruptError,
    CaseExistsError,
    CaseLockedError,
    CaseNotFoundError,
    CaseReadOnlyError,
    CaseTooNewError,
)
from app.core.ingest import Acquisition, add_bytes
from tests.core.helpers import REPO, make_case, png_bytes
from tests.core.mounts import remount_read_only, tmpfs


def test_create_makes_the_documented_layout_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    with make_case(tmp_path) as case:
        assert (case.path / "case.sqlite").is_file()
        assert (case.path / "objects" / "sha256").is_dir()
        assert (case.path / "exports").is_dir()
        assert case.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert case.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert case.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert case.title == "Test case"
        assert case.operator == "Alice Analyst"


def test_object_is_stored_read_only_under_its_sha256(tmp_path: Path) -> None:
    with make_case(tmp_path) as case:
        result = add_bytes(case, png_bytes(), Acquisition())
        path = case.path / "objects" / "sha256" / result.sha256[:2] / result.sha256
        assert path.read_bytes() == png_bytes()
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        assert list((case.path / "objects" / "tmp").iterdir()) == []


def test_create_refuses_an_existing_case_and_a_non_empty_folder(tmp_path: Path) -> None:
    make_case(tmp_path).close()
    with pytest.raises(CaseExistsError):
        make_case(tmp_path)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("x")
    with pytest.raises(CaseExistsError, match="not empty"):
        Case.create(tmp_path / "busy")


def test_open_missing_case_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(CaseNotFoundError, match="No Proofshot case"):
        Case.open(tmp_path / "nowhere.proofshot")


def test_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    case = make_case(tmp_path)
    code = (
        "import sys; from app.core.case import Case\n"
        "from app.core.errors import CaseLockedError\n"
        "try:\n    Case.open(sys.argv[1])\nexcept CaseLockedError as e:\n    print('LOCKED', e); sys.exit(0)\n"
        "sys.exit(1)"
    )
    other = subprocess.run(
        [sys.executable, "-c", code, str(case.path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert other.returncode == 0 and "open in another Proofshot" in other.stdout
    # Readers are still welcome while the writer holds the case.
    with Case.open(case.path, read_only=True) as reader:
        assert reader.title == "Test case"
    case.close()
    Case.open(case.path).close()
    with pytest.raises(CaseLockedError), Case.open(case.path):
        Case.open(case.path)


def test_case_from_a_newer_schema_is_refused_without_writing(tmp_path: Path) -> None:
    path = make_case(tmp_path).path
    Case.open(path).close()
    conn = sqlite3.connect(path / "case.sqlite")
    conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = (path / "case.sqlite").read_bytes()
    with pytest.raises(CaseTooNewError, match="newer Proofshot"):
        Case.open(path)
    with pytest.raises(CaseTooNewError):
        Case.open(path, read_only=True)
    assert (path / "case.sqlite").read_bytes() == before


def test_a_file_that_is_not_a_database_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "Bad.proofshot"
    path.mkdir()
    (path / "case.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CaseCorruptError):
        Case.open(path)
    with pytest.raises(CaseCorruptError):
        Case.open(path, read_only=True)


def test_evidence_tables_refuse_update_and_delete(tmp_path: Path) -> None:
    with make_case(tmp_path) as case:
        add_bytes(case, png_bytes(), Acquisition())
        for sql in (
            "UPDATE items SET source = 'x'",
            "DELETE FROM items",
            "UPDATE events SET actor = 'x'",
            "DELETE FROM events",
            "DELETE FROM settings",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                case.conn.execute(sql)


def test_settings_change_is_logged_and_latest_value_wins(tmp_path: Path) -> None:
    with make_case(tmp_path) as case:
        case.set_setting("title", "Renamed matter")
        assert case.title == "Renamed matter"
        actions = [r[0] for r in case.conn.execute("SELECT action FROM events ORDER BY seq")]
        assert actions == ["case.created", "case.setting-changed"]


def test_read_only_media_opens_for_reading_and_refuses_writing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "8m") as mount:
        with Case.create(mount / "Ro.proofshot", title="RO", operator="Bob") as case:
            add_bytes(case, png_bytes(), Acquisition())
        remount_read_only(mount)
        with pytest.raises(CaseReadOnlyError, match="read-only"):
            Case.open(mount / "Ro.proofshot")
        with Case.open(mount / "Ro.proofshot", read_only=True) as case:
            assert items.count_items(case) == 1
            with pytest.raises(CaseReadOnlyError):
                items.add_tag(case, [1], "x")


def test_a_nested_transaction_commits_with_the_outer_one_or_not_at_all(tmp_path: Path) -> None:
    from app.core.ingest import commit_prepared, prepare_bytes

    with make_case(tmp_path) as case:
        staged = [prepare_bytes(case.objects, png_bytes("red"), Acquisition())]
        with pytest.raises(RuntimeError), case.transaction():
            commit_prepared(case, staged)  # a savepoint inside the caller's transaction
            raise RuntimeError("the caller's own record failed")
        assert items.count_items(case) == 0
        assert case.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1
        with case.transaction():
            with pytest.raises(RuntimeError), case.transaction():
                add_bytes(case, png_bytes("blue"), Acquisition())
                raise RuntimeError("inner failure is rolled back to its savepoint")
            add_bytes(case, png_bytes("green"), Acquisition())
        assert items.count_items(case) == 1
