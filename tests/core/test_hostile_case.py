"""A received case folder is hostile: it must not make Proofshot read, write or delete outside
itself, merge another case's write-ahead log, or change a case it refuses (issue #12)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.core import items, schema
from app.core.case import Case
from app.core.errors import CaseCorruptError
from app.core.ingest import Acquisition, add_bytes
from app.core.preflight import CaseUnsafeError
from tests.core.helpers import make_case, png_bytes, run_cli, write

posix_only = pytest.mark.skipif(os.name != "posix", reason="symbolic links and FIFOs as on POSIX")


def _tree_hashes(root: Path) -> dict[str, str]:
    """Every file below ``root`` (links by their target text), hashed: before == after."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _case_with_item(tmp_path: Path, name: str, color: str) -> Path:
    with make_case(tmp_path, name) as case:
        add_bytes(case, png_bytes(color), Acquisition(source=f"test://{name}"))
        return case.path


def _outside_folder(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    for i in range(3):
        write(outside / f"precious-{i}.txt", f"not evidence {i}".encode())
    return outside


@posix_only
def test_tmp_symlinked_outside_is_refused_and_the_outside_folder_is_untouched(
    tmp_path: Path,
) -> None:
    case = _case_with_item(tmp_path, "A.proofshot", "red")
    outside = _outside_folder(tmp_path)
    shutil.rmtree(case / "objects" / "tmp")
    (case / "objects" / "tmp").symlink_to(outside, target_is_directory=True)
    before, case_before = _tree_hashes(outside), _tree_hashes(case)
    write(tmp_path / "in" / "b.png", png_bytes("blue"))
    for args in (("verify", case), ("import", case, tmp_path / "in"), ("list", case)):
        result = run_cli(*args)
        assert result.returncode == 7, (args, result.stdout, result.stderr)
        assert "objects/tmp is a symbolic link" in result.stderr
        assert "Traceback" not in result.stderr
        assert _tree_hashes(outside) == before
        assert _tree_hashes(case) == case_before
    with pytest.raises(CaseUnsafeError):
        Case.open(case)


@posix_only
@pytest.mark.parametrize("target", ["objects/sha256", "case.lock"])
def test_store_or_lock_symlinked_outside_is_refused_and_nothing_is_written_there(
    tmp_path: Path, target: str
) -> None:
    case = _case_with_item(tmp_path, "A.proofshot", "red")
    outside = tmp_path / "outside"
    original = case / target
    if original.is_dir():
        shutil.copytree(original, outside)
        shutil.rmtree(original)
    else:
        outside.mkdir()
        outside = outside / "lock"
        shutil.copyfile(original, outside)
        original.unlink()
    original.symlink_to(outside)
    watched = outside if outside.is_dir() else outside.parent
    before = _tree_hashes(watched)
    write(tmp_path / "in" / "b.png", png_bytes("blue"))
    imported = run_cli("import", case, tmp_path / "in", "--no-timestamp")
    assert imported.returncode == 7 and f"{target} is a symbolic link" in imported.stderr
    verified = run_cli("verify", case, "--json")
    assert verified.returncode == 7 and "nothing was opened" in verified.stderr
    assert _tree_hashes(watched) == before


@posix_only
def test_a_fifo_or_device_in_the_store_is_refused_without_reading_it(tmp_path: Path) -> None:
    case = _case_with_item(tmp_path, "A.proofshot", "red")
    fifo = case / "objects" / "sha256" / "ab" / ("ab" + "0" * 62)
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    result = run_cli("verify", case)
    assert result.returncode == 7 and "is a FIFO" in result.stderr
    fifo.unlink()
    os.mkfifo(case / "case.sqlite-wal")
    result = run_cli("list", case)
    assert result.returncode == 7 and "case.sqlite-wal is a FIFO" in result.stderr


def test_a_newer_schema_case_stays_byte_identical_when_refused(tmp_path: Path) -> None:
    case = _case_with_item(tmp_path, "New.proofshot", "red")
    conn = sqlite3.connect(case / "case.sqlite")
    conn.execute("PRAGMA journal_mode=DELETE")  # as a newer Proofshot might leave it
    conn.execute("PRAGMA user_version=99")
    conn.close()
    before = _tree_hashes(case)
    write(tmp_path / "in" / "b.png", png_bytes("blue"))
    for args in (
        ("import", case, tmp_path / "in", "--no-timestamp"),
        ("verify", case),
        ("list", case),
        ("tag", case, "x", "1"),
    ):
        result = run_cli(*args)
        assert result.returncode == 6, (args, result.stderr)
        assert "newer Proofshot (schema 99)" in result.stderr
        assert _tree_hashes(case) == before, args
    assert not (case / "case.sqlite-wal").exists()


def _foreign_wal(tmp_path: Path, into: Path, *, with_shm: bool) -> None:
    """Case B's live write-ahead log (with B's new item), copied beside A's database."""
    other = tmp_path / "B.proofshot"
    with Case.create(other, title="Other case", operator="Mallory") as b:
        add_bytes(b, png_bytes("green"), Acquisition(source="test://from-case-B"))
        assert (other / "case.sqlite-wal").stat().st_size > 32
        shutil.copyfile(other / "case.sqlite-wal", into / "case.sqlite-wal")
        if with_shm:
            shutil.copyfile(other / "case.sqlite-shm", into / "case.sqlite-shm")


@pytest.mark.parametrize("with_shm", [False, True], ids=["wal", "wal+shm"])
def test_a_stray_wal_from_another_case_is_never_merged(tmp_path: Path, with_shm: bool) -> None:
    case = _case_with_item(tmp_path, "A.proofshot", "red")
    _foreign_wal(tmp_path, case, with_shm=with_shm)
    before = _tree_hashes(case)

    listed = run_cli("list", case, "--json")
    assert listed.returncode == 0, listed.stderr
    assert [i["source"] for i in json.loads(listed.stdout)] == ["test://A.proofshot"]
    assert "does not belong to the case" in listed.stderr and "not merged" in listed.stderr

    verified = run_cli("verify", case, "--json")
    assert verified.returncode == 2
    report = json.loads(verified.stdout)
    assert [p["code"] for p in report["problems"]] == ["foreign-wal"]
    assert report["items"] == 1

    write(tmp_path / "in" / "b.png", png_bytes("blue"))
    imported = run_cli("import", case, tmp_path / "in", "--no-timestamp")
    assert imported.returncode == 7 and "not merged" in imported.stderr
    assert "Traceback" not in imported.stderr
    assert _tree_hashes(case) == before  # nothing merged, nothing written, -shm not created
    assert (case / "case.sqlite-shm").exists() == with_shm

    with pytest.raises(CaseCorruptError, match="not merged"):
        Case.open(case)
    (case / "case.sqlite-wal").unlink()  # the user sets it aside: A opens as it was
    # (a -shm left behind is only SQLite's index: rebuilt on the first writable open)
    with Case.open(case) as reopened:
        assert [i.source for i in items.list_items(reopened)] == ["test://A.proofshot"]


def test_the_cases_own_wal_is_read_while_another_proofshot_writes(tmp_path: Path) -> None:
    with make_case(tmp_path, "A.proofshot") as case:
        add_bytes(case, png_bytes("red"), Acquisition(source="test://one"))
        add_bytes(case, png_bytes("blue"), Acquisition(source="test://two"))
        assert (case.path / "case.sqlite-wal").stat().st_size > 32
        with Case.open(case.path, read_only=True) as reader:
            assert items.count_items(reader) == 2
            assert reader.open_problems == [] and reader.open_notes == []
        listed = run_cli("list", case.path, "--json")
        assert len(json.loads(listed.stdout)) == 2 and "warning" not in listed.stderr


def test_new_cases_carry_the_application_id_and_old_ones_still_open(tmp_path: Path) -> None:
    path = _case_with_item(tmp_path, "A.proofshot", "red")
    header = (path / "case.sqlite").read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") == schema.APPLICATION_ID
    conn = sqlite3.connect(path / "case.sqlite")
    conn.execute("PRAGMA application_id=0")
    before = next(i for i, m in enumerate(schema.MIGRATIONS) if "application_id" in m)
    conn.execute(f"PRAGMA user_version={before}")  # before the migration
    conn.close()
    with Case.open(path, read_only=True) as old:
        assert any("no application_id" in n for n in old.open_notes)
    verified = json.loads(run_cli("verify", path, "--json").stdout)
    assert verified["intact"] and any("no application_id" in n for n in verified["notes"])
    with Case.open(path) as migrated:
        assert migrated.conn.execute("PRAGMA application_id").fetchone()[0] == (
            schema.APPLICATION_ID
        )
    conn = sqlite3.connect(path / "case.sqlite")
    conn.execute("PRAGMA application_id=1234")
    conn.close()
    result = run_cli("list", path)
    assert result.returncode == 7 and "belongs to another application" in result.stderr


def test_verify_never_sweeps_migrates_or_switches_the_journal(tmp_path: Path) -> None:
    path = _case_with_item(tmp_path, "A.proofshot", "red")
    leftover = write(path / "objects" / "tmp" / "interrupted.part", b"half a file")
    conn = sqlite3.connect(path / "case.sqlite")
    conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION - 1}")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = _tree_hashes(path)
    result = run_cli("verify", path, "--json")
    assert result.returncode == 0, result.stderr
    assert any("not recorded" in n for n in json.loads(result.stdout)["notes"])
    assert leftover.exists() and _tree_hashes(path) == before


def test_reading_a_case_at_rest_writes_nothing_beside_it(tmp_path: Path) -> None:
    path = _case_with_item(tmp_path, "A.proofshot", "red")
    before = _tree_hashes(path)
    for args in (("list", path), ("show", path, "1"), ("log", path), ("verify", path, "--no-log")):
        assert run_cli(*args).returncode == 0, args
        assert _tree_hashes(path) == before, args
    assert not (path / "case.sqlite-wal").exists() and not (path / "case.sqlite-shm").exists()


def test_a_crash_left_wal_of_the_case_itself_is_read_without_writing_beside_it(
    tmp_path: Path,
) -> None:
    with make_case(tmp_path, "Live.proofshot") as case:
        add_bytes(case, png_bytes("red"), Acquisition(source="test://checkpointed"))
        case.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        add_bytes(case, png_bytes("blue"), Acquisition(source="test://only-in-the-wal"))
        crashed = tmp_path / "Crashed.proofshot"  # as a SIGKILL leaves it: db + WAL, no -shm
        shutil.copytree(case.path, crashed, ignore=shutil.ignore_patterns("*-shm", "case.lock"))
    assert (crashed / "case.sqlite-wal").stat().st_size > 32
    before = _tree_hashes(crashed)
    listed = run_cli("list", crashed, "--json")
    assert [i["source"] for i in json.loads(listed.stdout)] == [
        "test://checkpointed",
        "test://only-in-the-wal",
    ]
    verified = run_cli("verify", crashed, "--json", "--no-log")
    assert verified.returncode == 0 and json.loads(verified.stdout)["items"] == 2
    assert _tree_hashes(crashed) == before and not (crashed / "case.sqlite-shm").exists()
    with Case.open(crashed) as reopened:  # a writable open merges its own WAL, as SQLite does
        assert items.count_items(reopened) == 2


def test_a_stray_rollback_journal_is_never_played_back(tmp_path: Path) -> None:
    case = _case_with_item(tmp_path, "A.proofshot", "red")
    write(case / "case.sqlite-journal", b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\0" * 504)
    before = _tree_hashes(case)
    tagged = run_cli("tag", case, "x", "1")
    assert tagged.returncode == 7 and "was not played back" in tagged.stderr
    listed = run_cli("list", case, "--json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 1
    assert _tree_hashes(case) == before
