"""The archive package checked with ordinary tools, and ``verify-bundle`` catching every kind of change."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.report.archive import CHAIN_CHECK_PY
from app.report.verify_bundle import TrustAnchors, verify_bundle
from tests.report.conftest import Exported, anchors_for, ca_file, export, make_case, run_cli
from tests.tsa_server import TsaServer, openssl_ts_verify

EMPTY = TrustAnchors()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, module_tsa: TsaServer) -> Iterator[Exported]:
    root = tmp_path_factory.mktemp("archive")
    ids = make_case(root / "case.proofshot", module_tsa)
    result = export(root / "case.proofshot", root / "out", module_tsa, lang="en")
    yield Exported(root / "case.proofshot", root / "out", result, ids, module_tsa.url)


@pytest.fixture
def folder_copy(bundle: Exported, tmp_path: Path) -> Path:
    assert bundle.result.archive_folder is not None
    return Path(shutil.copytree(bundle.result.archive_folder, tmp_path / "archive"))


def test_every_file_checks_with_sha256sum(bundle: Exported) -> None:
    folder = bundle.result.archive_folder
    assert folder is not None
    result = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines and all(line.endswith(": OK") for line in lines)
    listed = {line.rsplit(": ", 1)[0] for line in lines}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    unlisted = on_disk - listed
    assert {"SHA256SUMS", "manifest.json", "manifest.csv"} <= unlisted
    assert {p for p in unlisted if not p.startswith("anchor/")} == {
        "SHA256SUMS",
        "manifest.json",
        "manifest.csv",
    }


def test_natives_are_named_by_exhibit_and_hash_and_are_the_stored_bytes(bundle: Exported) -> None:
    folder = bundle.result.archive_folder
    assert folder is not None
    natives = sorted((folder / "natives").rglob("*"))
    files = [p for p in natives if p.is_file()]
    assert len(files) >= 10
    for path in files:
        match = re.fullmatch(r"(\d+)\.(\d+)-([0-9a-f]{64})\.[a-z0-9]+", path.name)
        assert match, path.name
        assert path.parent.name == f"exhibit-{int(match.group(1)):03d}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == match.group(3)


def test_web_archive_and_video_travel_as_natives(bundle: Exported) -> None:
    folder = bundle.result.archive_folder
    assert folder is not None
    model = json.loads((folder / "bundle.json").read_text("utf-8"))
    roles = {item["role"]: item for ex in model["exhibits"] for item in ex["items"]}
    assert roles["wacz"]["native"].endswith(".wacz")
    assert (folder / roles["wacz"]["native"]).is_file()
    assert (folder / roles["video"]["native"]).is_file()


def test_manifests_json_and_csv_list_the_same_files_with_sizes(bundle: Exported) -> None:
    folder = bundle.result.archive_folder
    assert folder is not None
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    csv_lines = (folder / "manifest.csv").read_text("utf-8").splitlines()
    assert csv_lines[0] == "path,size,sha256,role,exhibit,item,item_id"
    assert len(csv_lines) - 1 == len(manifest["files"])
    for entry in manifest["files"]:
        assert (folder / entry["path"]).stat().st_size == entry["size"]
    roles = {e["role"] for e in manifest["files"]}
    assert {"native", "filing-pdf", "timestamp", "custody-log", "instructions"} <= roles


def test_tokens_verify_with_openssl_and_natives_are_lines_of_their_manifests(
    bundle: Exported,
) -> None:
    tokens = bundle.result.archive_folder / "tokens"  # type: ignore[operator]
    index = json.loads((tokens / "tokens.json").read_text("utf-8"))
    assert {t["purpose"] for t in index["tokens"]} == {"items", "seal"}
    for token in index["tokens"]:
        stem = tokens / token["name"]
        result = openssl_ts_verify(
            Path(f"{stem}.txt"),
            Path(f"{stem}.tsr"),
            Path(f"{stem}.ca.pem"),
            Path(f"{stem}.chain.pem"),
        )
        assert result.returncode == 0 and "Verification: OK" in result.stdout, result.stderr
    native = next((bundle.result.archive_folder / "natives").rglob("*.png"))  # type: ignore[operator]
    sha = native.name.split("-", 1)[1].split(".")[0]
    manifests = "".join(
        p.read_text("utf-8") for p in tokens.glob("*.txt") if p.name != "VERIFY.txt"
    )
    assert re.search(rf"^{sha}  item-\d+$", manifests, re.MULTILINE)


def test_custody_log_checks_with_the_stock_python_snippet_in_verify_txt(bundle: Exported) -> None:
    folder = bundle.result.archive_folder
    assert folder is not None
    verify_txt = (folder / "VERIFY.txt").read_text("utf-8")
    assert "sha256sum -c SHA256SUMS" in verify_txt and "openssl ts -verify" in verify_txt
    assert "中文" in verify_txt and "如何核验" in verify_txt
    assert "import hashlib, json, os, sys" in verify_txt
    result = subprocess.run(
        [sys.executable, "-c", CHAIN_CHECK_PY], cwd=folder, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # the chain runs on through anchor/events.jsonl to the seal over the export
    last = json.loads((folder / "anchor" / "events.jsonl").read_text("utf-8").splitlines()[-1])
    assert last["action"] == "log.sealed"
    assert f"head {last['hash']}" in result.stdout
    broken = folder.parent / "broken-chain"
    shutil.copytree(folder, broken)
    lines = (broken / "anchor" / "events.jsonl").read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    first["actor"] = "Mallory"
    lines[0] = json.dumps(first, ensure_ascii=False, sort_keys=True)
    (broken / "anchor" / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-c", CHAIN_CHECK_PY], cwd=broken, capture_output=True, text=True
    )
    assert result.returncode == 1 and "custody log broken at entry" in result.stderr


def test_zip_holds_the_same_files_as_the_folder(bundle: Exported) -> None:
    folder, zip_path = bundle.result.archive_folder, bundle.result.archive_zip
    assert folder is not None and zip_path is not None
    with zipfile.ZipFile(zip_path) as zf:
        names = {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist()}
    on_disk = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert names == on_disk


def test_verify_bundle_passes_an_untouched_folder_and_zip(
    bundle: Exported, module_tsa: TsaServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = ca_file(module_tsa, tmp_path)
    assert run_cli("verify-bundle", bundle.result.archive_folder, "--ca-file", root) == 0
    out = capsys.readouterr().out
    assert out.startswith("INTACT: folder")
    assert (
        f"chained to trusted root 'CN=Proofshot Test Root CA A,O=Proofshot Test PKI' from --ca-file {root}"
        in out
    )
    assert run_cli("verify-bundle", bundle.result.archive_zip, "--json", "--ca-file", root) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["verdict"] == "INTACT" and data["anchored"] is True
    result = verify_bundle(bundle.result.archive_zip, anchors=anchors_for(module_tsa))  # type: ignore[arg-type]
    assert result.ok, result.problems
    assert result.kind == "zip"
    assert result.chain["intact"] and result.chain["entries"] > 30
    assert all(t["ok"] and t["trusted"] for t in result.tokens) and len(result.tokens) == 2
    assert [s["trusted"] for s in result.seals] == [True]


def test_verify_bundle_names_a_modified_native(
    folder_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    native = next((folder_copy / "natives").rglob("*.png"))
    native.chmod(0o644)
    data = bytearray(native.read_bytes())
    data[-10] ^= 0xFF
    native.write_bytes(bytes(data))
    assert run_cli("verify-bundle", folder_copy) == 2
    out = capsys.readouterr().out
    rel = native.relative_to(folder_copy).as_posix()
    assert f"CHANGED: {rel}" in out
    report = verify_bundle(folder_copy, anchors=EMPTY)
    assert report.changed == [rel]
    assert any("token" in p or "SHA-256" in p for p in report.problems)


def test_verify_bundle_names_a_modified_pdf(folder_copy: Path) -> None:
    pdf = next((folder_copy / "filing").glob("*.pdf"))
    with open(pdf, "ab") as handle:
        handle.write(b"\n% appended after export\n")
    report = verify_bundle(folder_copy, anchors=EMPTY)
    assert not report.ok
    assert report.changed == [pdf.relative_to(folder_copy).as_posix()]


def test_verify_bundle_names_a_removed_file(folder_copy: Path) -> None:
    victim = next((folder_copy / "natives").rglob("*.json"))
    victim.unlink()
    report = verify_bundle(folder_copy, anchors=EMPTY)
    assert not report.ok
    assert report.missing == [victim.relative_to(folder_copy).as_posix()]


def test_verify_bundle_names_an_added_file(
    folder_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder_copy / "natives" / "exhibit-001" / "planted.png").write_bytes(b"not evidence")
    assert run_cli("verify-bundle", folder_copy, "--json") == 2
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == ["natives/exhibit-001/planted.png"]
    assert report["ok"] is False


def test_verify_bundle_catches_an_edited_custody_log_even_with_a_forged_manifest(
    folder_copy: Path,
) -> None:
    log = folder_copy / "custody-log.jsonl"
    lines = log.read_text("utf-8").splitlines()
    event = json.loads(lines[3])
    event["actor"] = "Mallory"
    lines[3] = json.dumps(event, ensure_ascii=False, sort_keys=True)
    log.write_text("\n".join(lines) + "\n", "utf-8")
    # forge all three manifests so the file check alone would pass
    sha = hashlib.sha256(log.read_bytes()).hexdigest()
    size = log.stat().st_size
    manifest = json.loads((folder_copy / "manifest.json").read_text("utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == "custody-log.jsonl":
            old = entry["sha256"]
            entry["sha256"], entry["size"] = sha, size
    (folder_copy / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    for name in ("SHA256SUMS", "manifest.csv"):
        path = folder_copy / name
        text = path.read_text("utf-8").replace(old, sha)
        text = re.sub(r"custody-log.jsonl,\d+,", f"custody-log.jsonl,{size},", text)
        path.write_text(text, "utf-8")
    report = verify_bundle(folder_copy, anchors=EMPTY)
    assert not report.ok
    # against the export's sealed list, which lists the manifests too
    assert set(report.changed) == {
        "custody-log.jsonl",
        "SHA256SUMS",
        "manifest.csv",
        "manifest.json",
    }
    assert any("Custody log broken at 4" in p for p in report.problems), report.problems


def test_verify_bundle_catches_a_changed_entry_inside_the_zip(
    bundle: Exported, tmp_path: Path
) -> None:
    source = bundle.result.archive_zip
    assert source is not None
    target = tmp_path / "tampered.zip"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("VERIFY.txt") and "/tokens/" not in info.filename:
                data = data.replace(b"sha256sum -c SHA256SUMS", b"echo everything is fine")
            zout.writestr(info, data)
    report = verify_bundle(target, anchors=EMPTY)
    assert report.changed == ["VERIFY.txt"]


def test_a_lone_filing_pdf_is_never_checked_against_a_sha256sums_found_above_it(
    bundle: Exported, tmp_path: Path
) -> None:
    folder = bundle.result.archive_folder
    assert folder is not None
    inside = next((folder / "filing").glob("*.pdf"))
    report = verify_bundle(inside, anchors=EMPTY)  # inside the archive: still only the PDF
    assert report.verdict == "NOT VERIFIED" and report.exit_code == 2
    (tmp_path / "a" / "b").mkdir(parents=True)
    alone = tmp_path / "a" / "b" / "alone.pdf"
    shutil.copy(inside, alone)
    digest = hashlib.sha256(alone.read_bytes()).hexdigest()
    (tmp_path / "SHA256SUMS").write_text(f"{digest}  a/b/alone.pdf\n", "utf-8")
    (tmp_path / "a" / "SHA256SUMS").write_text(f"{digest}  b/alone.pdf\n", "utf-8")
    report = verify_bundle(alone, anchors=EMPTY)
    assert not report.ok and report.verdict == "NOT VERIFIED"
    assert not any("SHA256SUMS" in n for n in report.notes)
    assert any("no archive was given" in n for n in report.not_checked)
    assert any(digest in n for n in report.not_checked)
    head = json.loads((folder / "bundle.json").read_text("utf-8"))["head_hash"]
    assert any(head in n for n in report.notes), report.notes  # the cover's head is read
