from __future__ import annotations

import os
import socket
import stat
import struct
import zlib
from pathlib import Path

import pytest

from app.core import items
from app.core.case import Case
from app.core.importer import ImportJob
from app.core.jobs import CancelToken, Progress
from app.core.verify import verify_case
from tests.core.helpers import make_case, png_bytes, write
from tests.core.mounts import tmpfs


def run_import(
    case: Case, *paths: Path, tags: tuple[str, ...] = (), cancel: CancelToken | None = None
):
    seen: list[Progress] = []
    summary = ImportJob(case, list(paths), tags=tags).run(seen.append, cancel or CancelToken())
    return summary, seen


def _bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_import_folder_recursively_keeps_original_bytes_and_sniffs_type(tmp_path: Path) -> None:
    src = tmp_path / "src"
    a = write(src / "a.png", png_bytes("red"))
    write(src / "deep" / "deeper" / "b.jpg.txt", png_bytes("blue"))  # name lies; content decides
    write(src / "notes.txt", "生成星光侠 prompt notes\n".encode())
    write(src / "report.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with make_case(tmp_path) as case:
        summary, progress = run_import(case, src, tags=("batch-1",))
        assert not summary.refused and len(summary.imported) == 4
        by_source = {it.source_facts["name"]: it for it in items.list_items(case)}
        assert by_source["b.jpg.txt"].media_type == "image/png"
        assert by_source["notes.txt"].media_type == "text/plain"
        assert by_source["report.pdf"].media_type == "application/pdf"
        png = by_source["a.png"]
        assert (png.width, png.height) == (64, 48)
        assert case.objects.path_for(png.sha256).read_bytes() == a.read_bytes()
        assert png.source_facts["mtime_claimed"] and "not proven" in png.source_facts["note"]
        assert png.operator == "Alice Analyst" and png.tool.startswith("Proofshot ")
        assert png.acquired_at.endswith("+00:00") and png.local_offset[0] in "+-"
        assert all(items.item_state(case, it.id).tags == ["batch-1"] for it in by_source.values())
        assert progress[-1].done == progress[-1].total == 4


def test_duplicate_content_is_stored_once_and_logged_against_the_existing_item(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    write(src / "one.png", png_bytes("red"))
    write(src / "copy-of-one.png", png_bytes("red"))
    with make_case(tmp_path) as case:
        summary, _ = run_import(case, src)
        assert len(summary.imported) == 1 and len(summary.duplicates) == 1
        again, _ = run_import(case, src)
        assert not again.imported and len(again.duplicates) == 2
        assert items.count_items(case) == 1
        dupes = case.conn.execute(
            "SELECT item_id FROM events WHERE action = 'item.duplicate-seen'"
        ).fetchall()
        assert {d[0] for d in dupes} == {summary.imported[0]["id"]} and len(dupes) == 3
        assert len(case.objects.iter_hashes()) == 1


def test_bad_images_are_kept_as_evidence_with_a_clear_note(tmp_path: Path) -> None:
    src = tmp_path / "src"
    good = png_bytes("green", (300, 200))
    write(src / "empty.png", b"")
    write(src / "truncated.png", good[: len(good) // 2])
    write(src / "corrupt.png", b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    write(src / "bomb.png", _bomb_png())
    write(src / "random.bin", os.urandom(4096))
    with make_case(tmp_path) as case:
        summary, _ = run_import(case, src)
        assert not summary.refused and len(summary.imported) == 5
        got = {it.source_facts["name"]: it for it in items.list_items(case)}
        assert got["empty.png"].media_type == "application/x-empty" and got["empty.png"].size == 0
        assert "empty" in got["empty.png"].media_notes[0]
        assert any("decompression bomb" in n for n in got["bomb.png"].media_notes)
        assert got["bomb.png"].width is None
        assert got["corrupt.png"].media_type == "image/png"
        assert any("corrupt" in n for n in got["corrupt.png"].media_notes)
        assert got["random.bin"].media_type == "application/octet-stream"
        for it in got.values():
            assert case.objects.path_for(it.sha256).stat().st_size == it.size
        assert verify_case(case).intact


def test_symlink_loops_dangling_links_sockets_and_fifos_are_refused_with_reasons(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    write(src / "ok.png", png_bytes())
    (src / "loop").symlink_to(src)  # directory loop
    (src / "self").symlink_to(src / "self")  # ELOOP
    (src / "dangling").symlink_to(src / "nothing-here")
    os.mkfifo(src / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "sock"))
    try:
        with make_case(tmp_path) as case:
            summary, _ = run_import(case, src)
    finally:
        sock.close()
    reasons = {Path(r["path"]).name: r["reason"] for r in summary.refused}
    assert len(summary.imported) == 1
    assert "loop" in reasons["loop"]
    assert "loop" in reasons["self"]
    assert "points nowhere" in reasons["dangling"]
    assert "not a regular file" in reasons["pipe"] and "not a regular file" in reasons["sock"]


def test_undecodable_file_names_are_imported_and_recorded_with_escapes(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    raw = os.path.join(os.fsencode(src), b"caf\xe9-\xff.png")
    with open(raw, "wb") as f:
        f.write(png_bytes())
    with make_case(tmp_path) as case:
        summary, _ = run_import(case, src)
        (it,) = items.list_items(case)
    assert len(summary.imported) == 1
    assert it.source_facts["name"] == "caf\\xe9-\\xff.png"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_refused_and_the_rest_import(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "ok.png", png_bytes())
    locked = write(src / "locked.png", png_bytes("blue"))
    locked.chmod(0)
    with make_case(tmp_path) as case:
        summary, _ = run_import(case, src)
    assert len(summary.imported) == 1 and "permission denied" in summary.refused[0]["reason"]


def test_a_case_never_imports_its_own_folder(tmp_path: Path) -> None:
    with make_case(tmp_path) as case:
        write(tmp_path / "x.png", png_bytes())
        summary, _ = run_import(case, tmp_path)
    assert len(summary.imported) == 1
    assert any("own folder" in r["reason"] for r in summary.refused)


def test_cancel_keeps_what_was_finished_and_leaves_no_temp_files(tmp_path: Path) -> None:
    src = tmp_path / "src"
    for i in range(60):
        write(src / f"{i:03}.png", png_bytes((i, 2 * i, 3 * i)))
    token = CancelToken()

    def progress(p: Progress) -> None:
        if p.done >= 5:
            token.cancel()

    with make_case(tmp_path) as case:
        summary = ImportJob(case, [src]).run(progress, token)
        assert summary.cancelled
        assert 5 <= len(summary.imported) < 60
        assert items.count_items(case) == len(summary.imported)
        assert list(case.objects.tmp.iterdir()) == []
        assert verify_case(case).intact


def test_a_full_disk_stops_the_import_with_a_clear_message_and_loses_nothing(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    for i in range(40):
        write(src / f"{i:03}.bin", os.urandom(100_000))
    with (
        tmpfs(tmp_path / "small", "2m") as mount,
        Case.create(mount / "Full.proofshot", operator="Bob") as case,
    ):
        summary = ImportJob(case, [src]).run(lambda p: None, CancelToken())
        assert summary.error and "disk holding the case is full" in summary.error
        assert items.count_items(case) >= 1
        stored = items.list_items(case)
        assert list(case.objects.tmp.iterdir()) == []
        report = verify_case(case)
        assert report.intact, report.problems
        for it in stored:
            assert case.objects.path_for(it.sha256).stat().st_size == 100_000
        not_imported = [r for r in summary.refused if r["reason"].startswith("not imported")]
        assert len(stored) + len(not_imported) == 40  # every file is accounted for


def test_objects_are_read_only_files(tmp_path: Path) -> None:
    write(tmp_path / "src" / "a.png", png_bytes())
    with make_case(tmp_path) as case:
        run_import(case, tmp_path / "src")
        (it,) = items.list_items(case)
        mode = case.objects.path_for(it.sha256).stat().st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
