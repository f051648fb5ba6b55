"""Hostile bundles (#12 item 5): each answered quickly, in one sentence, without reading what it must not.

A symlink to /dev/zero, a FIFO, a zip bomb made here, a damaged zip and a huge manifest:
the verifier names each and stops, instead of hanging or filling memory. Peak memory on the
same set is measured by ``tests/bench/bench_bundle.py --hostile-only``.
"""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.report.verify_bundle import TrustAnchors, verify_bundle
from tests.report.conftest import Exported, export, make_case, run_cli

NONE = TrustAnchors()
QUICK = 10.0  # seconds; each check here takes well under one


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    root = tmp_path_factory.mktemp("hostile")
    ids = make_case(root / "case.proofshot", None)
    result = export(root / "case.proofshot", root / "out", None, profile="archive")
    yield Exported(root / "case.proofshot", root / "out", result, ids, "")


def _copy(bundle: Exported, tmp_path: Path) -> Path:
    assert bundle.result.archive_folder is not None
    return Path(shutil.copytree(bundle.result.archive_folder, tmp_path / "archive"))


def _timed(path: Path) -> tuple[object, float]:
    start = time.monotonic()
    report = verify_bundle(path, anchors=NONE)
    return report, time.monotonic() - start


def test_a_native_replaced_by_a_symlink_to_dev_zero_is_named_not_read(
    bundle: Exported, tmp_path: Path
) -> None:
    folder = _copy(bundle, tmp_path)
    native = next((folder / "natives").rglob("*.png"))
    native.unlink()
    native.symlink_to("/dev/zero")
    report, seconds = _timed(folder)
    assert seconds < QUICK
    rel = native.relative_to(folder).as_posix()
    assert report.verdict == "NOT INTACT" and rel in report.unsafe  # type: ignore[attr-defined]
    assert f"Unsafe: {rel} is a symbolic link; it was not opened." in report.problems  # type: ignore[attr-defined]


def test_a_symlink_or_fifo_given_as_the_bundle_is_refused_in_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "bundle.zip"
    link.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.zip"
    os.mkfifo(fifo)
    for path, what in ((link, "a symbolic link"), (fifo, "a FIFO")):
        start = time.monotonic()
        assert run_cli("verify-bundle", path) == 2
        assert time.monotonic() - start < QUICK
        out = capsys.readouterr().out
        assert f"PROBLEM: {path} is {what}, not a bundle; it was not opened." in out


def test_a_fifo_inside_the_bundle_is_named_and_never_opened(
    bundle: Exported, tmp_path: Path
) -> None:
    folder = _copy(bundle, tmp_path)
    victim = folder / "custody-log.jsonl"
    victim.unlink()
    os.mkfifo(victim)  # opening it for reading would block until a writer came
    report, seconds = _timed(folder)
    assert seconds < QUICK
    assert "Unsafe: custody-log.jsonl is a FIFO; it was not opened." in report.problems  # type: ignore[attr-defined]
    assert report.verdict == "NOT INTACT"  # type: ignore[attr-defined]


def test_a_zip_bomb_is_refused_before_it_inflates(bundle: Exported, tmp_path: Path) -> None:
    assert bundle.result.archive_zip is not None
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bundle.result.archive_zip) as src, zipfile.ZipFile(bomb, "w") as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        info = zipfile.ZipInfo("archive/natives/exhibit-001/bomb.png")
        info.compress_type = zipfile.ZIP_DEFLATED
        with out.open(info, "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(256):  # 256 MB of zeros, about a quarter megabyte compressed
                member.write(block)
    assert bomb.stat().st_size < bundle.result.archive_zip.stat().st_size + (2 << 20)
    report, seconds = _timed(bomb)
    assert seconds < QUICK
    assert any(
        f.code == "zip-bomb" and "bomb.png" in f.message
        for f in report.findings  # type: ignore[attr-defined]
    )
    assert report.verdict == "NOT INTACT"  # type: ignore[attr-defined]


def test_a_damaged_zip_is_one_sentence_and_exit_7(
    bundle: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bundle.result.archive_zip is not None
    damaged = tmp_path / "damaged.zip"
    data = bundle.result.archive_zip.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])  # the central directory is gone
    assert run_cli("verify-bundle", damaged) == 7
    out = capsys.readouterr().out.splitlines()
    problems = [line for line in out if line.startswith("  PROBLEM:")]
    assert len(problems) == 1 and "damaged.zip is a damaged zip" in problems[0]
    assert "Traceback" not in "\n".join(out)


def test_a_zip_with_a_damaged_member_names_it_and_exits_2(bundle: Exported, tmp_path: Path) -> None:
    assert bundle.result.archive_zip is not None
    data = bytearray(bundle.result.archive_zip.read_bytes())
    with zipfile.ZipFile(bundle.result.archive_zip) as zf:
        info = zf.getinfo("archive/custody-log.jsonl")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    data[start : start + 64] = bytes(64)  # corrupt the deflated stream
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(data))
    report, seconds = _timed(broken)
    assert seconds < QUICK
    assert report.exit_code == 2  # type: ignore[attr-defined]
    assert any("custody-log.jsonl" in p for p in report.problems)  # type: ignore[attr-defined]


def test_a_huge_manifest_is_not_read(bundle: Exported, tmp_path: Path) -> None:
    folder = _copy(bundle, tmp_path)
    with open(folder / "manifest.json", "r+b") as handle:
        handle.truncate(3 << 30)  # 3 GB (sparse): reading it whole would exhaust memory
    report, seconds = _timed(folder)
    assert seconds < QUICK
    assert any(
        p.startswith("manifest.json is 3,221,225,472 bytes, more than the")
        for p in report.problems  # type: ignore[attr-defined]
    )


def test_zip_slip_paths_and_symlink_members_are_refused_unread(
    bundle: Exported, tmp_path: Path
) -> None:
    assert bundle.result.archive_zip is not None
    hostile = tmp_path / "slip.zip"
    with zipfile.ZipFile(bundle.result.archive_zip) as src, zipfile.ZipFile(hostile, "w") as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr("archive/../../evil.sh", b"rm -rf ~\n")
        out.writestr("/etc/cron.d/evil", b"* * * * * root true\n")
        link = zipfile.ZipInfo("archive/natives/exhibit-001/link.png")
        link.external_attr = (0o120777) << 16  # a symlink member pointing at /dev/zero
        out.writestr(link, "/dev/zero")
    report, seconds = _timed(hostile)
    assert seconds < QUICK
    text = "\n".join(report.problems)  # type: ignore[attr-defined]
    assert "unsafe path: 'archive/../../evil.sh'" in text
    assert "unsafe path: '/etc/cron.d/evil'" in text
    assert "natives/exhibit-001/link.png is a symbolic link inside the zip" in text
    assert not (tmp_path.parent / "evil.sh").exists()


def test_a_problem_is_named_once_and_the_bookkeeping_stays_out_of_the_report() -> None:
    from app.report.verify_bundle import BundleReport

    report = BundleReport("x", "folder")
    report.problem("Changed: a.png no longer matches.", "changed")
    report.problem("Changed: a.png no longer matches.", "changed")
    assert report.problems == ["Changed: a.png no longer matches."]
    assert [f.code for f in report.findings] == ["changed"] and not report.ok
    assert not any(key.startswith("_") for key in report.as_dict())


def test_a_pdf_named_zip_is_checked_as_a_pdf_and_junk_is_named(tmp_path: Path) -> None:
    pdf = tmp_path / "bundle.zip"
    pdf.write_bytes(b"%PDF-1.7\n%junk\n")
    assert verify_bundle(pdf, anchors=NONE).kind == "pdf"
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"hello")
    report = verify_bundle(junk, anchors=NONE)
    assert report.kind == "unknown" and report.exit_code == 2
    assert report.problems == [f"{junk} is not a bundle folder, a bundle zip or a PDF."]
