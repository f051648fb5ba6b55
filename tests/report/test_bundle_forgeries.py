"""Forged bundles (#12 item 2, #13 "an unanchored bundle reads INTACT"): each is rejected with its reason.

Every forgery starts from a genuine export and ends as a careful forger would: with the
manifests (manifest.json, manifest.csv, SHA256SUMS) recomputed so ``sha256sum -c`` passes.
What betrays each one is the export's sealed list of files, the log head printed on the
cover, or the tokens the log records. The TSA root is passed explicitly; the bundle's own
certificates are never trusted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from cryptography import x509

from app.core import attest, custody
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.tsa import TsaConfig
from app.report.export import ExportJob
from app.report.model import ExportOptions
from app.report.verify_bundle import TrustAnchors, cover_head, verify_bundle
from tests.report.conftest import Exported, anchors_for, export, make_case, pdftotext, run_cli
from tests.tsa_server import TsaServer


@pytest.fixture(scope="module")
def anchored(tmp_path_factory: pytest.TempPathFactory, module_tsa: TsaServer) -> Iterator[Exported]:
    root = tmp_path_factory.mktemp("anchored")
    ids = make_case(root / "case.proofshot", module_tsa)
    result = export(root / "case.proofshot", root / "out", module_tsa, lang="en")
    yield Exported(root / "case.proofshot", root / "out", result, ids, module_tsa.url)


@pytest.fixture(scope="module")
def unanchored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    root = tmp_path_factory.mktemp("unanchored")
    ids = make_case(root / "case.proofshot", None)
    result = export(root / "case.proofshot", root / "out", None, lang="en")
    yield Exported(root / "case.proofshot", root / "out", result, ids, "")


def _copy(bundle: Exported, tmp_path: Path) -> Path:
    assert bundle.result.archive_folder is not None
    return Path(shutil.copytree(bundle.result.archive_folder, tmp_path / "archive"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- what a forger does ---------------------------------------------------------------------------


def recompute_manifests(folder: Path) -> None:
    """Rewrite manifest.json, manifest.csv and SHA256SUMS to match the folder as it now is."""
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    files = []
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if path.is_file():
            entry["sha256"], entry["size"] = _sha(path), path.stat().st_size
            files.append(entry)
    manifest["files"] = files
    model = json.loads((folder / "bundle.json").read_text("utf-8"))
    manifest["head_seq"], manifest["head_hash"] = model["head_seq"], model["head_hash"]
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "size", "sha256", "role", "exhibit", "item", "item_id"])
    for e in files:
        writer.writerow(
            [
                e["path"],
                e["size"],
                e["sha256"],
                e["role"],
                e.get("exhibit") or "",
                e.get("item") or "",
                e.get("item_id") or "",
            ]
        )
    (folder / "manifest.csv").write_text(buffer.getvalue(), "utf-8")
    (folder / "SHA256SUMS").write_text(
        "".join(f"{e['sha256']}  {e['path']}\n" for e in files), "utf-8"
    )
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder).returncode == 0


def _events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _write_events(path: Path, events: list[dict[str, Any]]) -> None:
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in events), "utf-8"
    )


def rechain(events: list[dict[str, Any]], prev: str = custody.GENESIS_HASH) -> str:
    """Recompute every hash and link, as a forger with the format description would."""
    for e in events:
        e["prev_hash"] = prev
        e["hash"] = custody.event_hash(
            e["seq"], e["at_utc"], e["actor"], e["action"], e["item_id"], prev, e["payload"]
        )
        prev = e["hash"]
    return prev


def rewrite_log(folder: Path, change: Callable[[dict[str, Any]], None]) -> tuple[int, str]:
    """Change the archived custody log, re-chain it, point bundle.json at the new head."""
    log = folder / "custody-log.jsonl"
    events = _events(log)
    for e in events:
        change(e)
    head = rechain(events)
    _write_events(log, events)
    model_path = folder / "bundle.json"
    model = json.loads(model_path.read_text("utf-8"))
    model["head_hash"] = head
    model_path.write_text(json.dumps(model, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return events[-1]["seq"], head


def rewrite_anchor(folder: Path, head: tuple[int, str]) -> None:
    """The thorough forger: a new export entry listing the forged files, no seal (none can be made)."""
    anchor = folder / "anchor"
    events = _events(anchor / "events.jsonl")
    export_event = next(e for e in events if e["action"] == "export.created")
    payload = json.loads(export_event["payload"])
    payload["facts"]["files"] = [
        {
            "path": f"archive/{p.relative_to(folder).as_posix()}",
            "size": p.stat().st_size,
            "sha256": _sha(p),
        }
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith("anchor/")
    ]
    payload["facts"]["bundle_head_seq"], payload["facts"]["bundle_head_hash"] = head
    export_event["payload"] = canonical_json(payload)
    export_event["seq"] = head[0] + 1
    rechain([export_event], head[1])
    shutil.rmtree(anchor)
    anchor.mkdir()
    _write_events(anchor / "events.jsonl", [export_event])


def _codes(report: Any) -> set[str]:
    return {f.code for f in report.findings}


# -- the genuine bundles ---------------------------------------------------------------------------


def test_a_genuine_sealed_bundle_is_intact_only_with_the_tsa_root_from_outside(
    anchored: Exported, module_tsa: TsaServer
) -> None:
    folder = anchored.result.archive_folder
    assert folder is not None
    report = verify_bundle(folder, anchors=anchors_for(module_tsa))
    assert report.verdict == "INTACT" and report.exit_code == 0, report.problems
    assert report.seals[0]["anchor"].startswith("CN=Proofshot Test Root CA A")
    # The token itself carries the root (anchor/*.chain.pem is what it sent), yet without the
    # root from outside nothing anchors: a chain that brings its own root proves nothing.
    root = x509.load_pem_x509_certificate(module_tsa.ca_pem)
    (chain,) = (folder / "anchor").glob("seal-*.chain.pem")
    assert root in x509.load_pem_x509_certificates(chain.read_bytes())
    alone = verify_bundle(folder, anchors=TrustAnchors())
    assert alone.verdict == "INTACT, UNANCHORED" and alone.exit_code == 2
    assert any(n.startswith("Untrusted: seal") for n in alone.notes)


def test_an_unanchored_bundle_says_so_on_its_cover_in_verify_txt_and_in_export_warnings(
    unanchored: Exported, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = unanchored.result.archive_folder
    assert folder is not None
    assert any("Nothing anchors this bundle" in w for w in unanchored.result.warnings)
    assert unanchored.result.as_json()["anchored"] is False
    cover = " ".join(pdftotext(unanchored.pdf, 1, 1).split())
    assert "NOT ANCHORED: no trusted timestamp could be obtained" in cover
    assert "NOT ANCHORED" in (folder / "VERIFY.txt").read_text("utf-8")
    assert "NOT ANCHORED" in (folder / "anchor" / "ANCHOR.txt").read_text("utf-8")
    assert run_cli("verify-bundle", folder) == 2
    out = capsys.readouterr().out
    assert out.startswith("INTACT, UNANCHORED: folder")
    assert "nothing outside the exporting computer fixes this list of files" in out


# -- #12 item 2: the three forgeries -------------------------------------------------------------


def test_filing_pdf_replaced_by_one_with_javascript_and_an_exe_is_rejected(
    anchored: Exported, module_tsa: TsaServer, tmp_path: Path
) -> None:
    folder = _copy(anchored, tmp_path)
    target = next((folder / "filing").glob("*.pdf"))
    with pikepdf.open(target) as pdf:
        pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(
            pdf, b"MZ\x90\x00" + b"\x00" * 60, mime_type="application/x-msdownload"
        )
        pdf.Root.OpenAction = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
        pdf.save(tmp_path / "evil.pdf")
    shutil.copy(tmp_path / "evil.pdf", target)
    recompute_manifests(folder)
    report = verify_bundle(folder, anchors=anchors_for(module_tsa))
    assert report.verdict == "NOT INTACT" and report.exit_code == 2
    rel = target.relative_to(folder).as_posix()
    assert rel in report.changed
    assert {"replaced-pdf", "changed"} <= _codes(report)
    text = " ".join(report.problems)
    assert "JavaScript" in text and "invoice.exe" in text
    lone = verify_bundle(tmp_path / "evil.pdf", anchors=anchors_for(module_tsa))
    assert lone.verdict == "NOT INTACT" and "replaced-pdf" in _codes(lone)


def test_an_exhibit_removed_is_rejected(
    anchored: Exported, module_tsa: TsaServer, tmp_path: Path
) -> None:
    folder = _copy(anchored, tmp_path)
    victim = sorted((folder / "natives").iterdir())[-1]
    number = int(victim.name.split("-")[1])
    shutil.rmtree(victim)
    model = json.loads((folder / "bundle.json").read_text("utf-8"))
    model["exhibits"] = [e for e in model["exhibits"] if e["number"] != number]
    (folder / "bundle.json").write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n")
    recompute_manifests(folder)
    report = verify_bundle(folder, anchors=anchors_for(module_tsa))
    assert report.verdict == "NOT INTACT"
    assert "removed-exhibit" in _codes(report)
    assert any(f"exhibit {number}" in p for p in report.problems), report.problems
    assert report.missing and all(p.startswith(f"natives/{victim.name}/") for p in report.missing)


def test_a_native_swapped_with_the_log_rechained_and_tokens_deleted_is_rejected(
    anchored: Exported, module_tsa: TsaServer, tmp_path: Path
) -> None:
    folder = _copy(anchored, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    entry = next(
        e for e in manifest["files"] if e["role"] == "native" and e["path"].endswith(".png")
    )
    native = folder / entry["path"]
    native.write_bytes(native.read_bytes()[:-16] + b"forged-bytes-16b")
    new_sha = _sha(native)

    def swap(event: dict[str, Any]) -> None:
        if event["action"] == "item.added" and entry["sha256"] in event["payload"]:
            event["payload"] = event["payload"].replace(entry["sha256"], new_sha)

    rewrite_log(folder, swap)
    shutil.rmtree(folder / "tokens")
    for seal in (folder / "anchor").glob("seal-*"):
        seal.unlink()
    recompute_manifests(folder)
    report = verify_bundle(folder, anchors=anchors_for(module_tsa))
    assert report.verdict == "NOT INTACT" and report.exit_code == 2
    assert {"changed", "tokens-deleted", "rechained-log"} <= _codes(report), report.findings
    assert entry["path"] in report.changed
    assert any("cover of filing/" in p for p in report.problems)


def test_the_same_forgery_with_the_anchor_rewritten_too_is_betrayed_by_the_cover(
    anchored: Exported, module_tsa: TsaServer, tmp_path: Path
) -> None:
    folder = _copy(anchored, tmp_path)
    head = rewrite_log(folder, lambda e: e.update(actor="Mallory"))
    shutil.rmtree(folder / "tokens")
    recompute_manifests(folder)
    rewrite_anchor(folder, head)
    report = verify_bundle(folder, anchors=anchors_for(module_tsa))
    assert report.verdict == "NOT INTACT"
    assert not report.anchored
    assert "rechained-log" in _codes(report)
    assert any(p.startswith("Re-chained log: the cover of filing/") for p in report.problems)


def test_seal_tokens_deleted_from_the_anchor_are_named(
    anchored: Exported, module_tsa: TsaServer, tmp_path: Path
) -> None:
    folder = _copy(anchored, tmp_path)
    for seal in (folder / "anchor").glob("seal-*.tsr"):
        seal.unlink()
    report = verify_bundle(folder, anchors=anchors_for(module_tsa))
    assert report.verdict == "NOT INTACT"
    assert "tokens-deleted" in _codes(report)


def test_a_removed_anchor_is_named(
    anchored: Exported, module_tsa: TsaServer, tmp_path: Path
) -> None:
    folder = _copy(anchored, tmp_path)
    shutil.rmtree(folder / "anchor")
    report = verify_bundle(folder, anchors=anchors_for(module_tsa))
    assert report.verdict == "NOT INTACT" and "anchor-missing" in _codes(report)


# -- #13: "an unanchored bundle reads INTACT" ------------------------------------------------------


def test_rewritten_actors_with_chain_and_sha256sums_recomputed_fail_verify_bundle(
    unanchored: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy(unanchored, tmp_path)
    head = rewrite_log(folder, lambda e: e.update(actor="Mallory"))
    recompute_manifests(folder)  # sha256sum -c passes (asserted inside)
    rewrite_anchor(folder, head)
    check = subprocess.run(
        [sys.executable, "-c", "import app.report.archive as a; exec(a.CHAIN_CHECK_PY)"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0  # the stock chain check passes as well
    assert run_cli("verify-bundle", folder) == 2
    out = capsys.readouterr().out
    assert out.startswith("NOT INTACT: folder")
    assert "Re-chained log: the cover of filing/" in out


def test_a_seal_made_long_after_the_export_time_it_records_is_rejected(
    tmp_path: Path, tsa_server: TsaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-made export on a computer whose clock was set back: the TSA's genTime gives it away."""
    make_case(tmp_path / "case.proofshot", tsa_server)
    back = dt.timedelta(hours=3)
    real = custody.utc_now
    monkeypatch.setattr(
        custody,
        "utc_now",
        lambda: (dt.datetime.fromisoformat(real()) - back).isoformat(timespec="microseconds"),
    )
    result = export(tmp_path / "case.proofshot", tmp_path / "out", tsa_server, profile="archive")
    assert result.archive_folder is not None
    report = verify_bundle(result.archive_folder, anchors=anchors_for(tsa_server))
    assert report.verdict == "NOT INTACT" and "seal-late" in _codes(report)
    assert any("h after the export time" in p for p in report.problems)


def test_two_tsas_seal_the_export_and_either_trusted_root_anchors_it(
    tmp_path: Path, two_tsa_servers: tuple[TsaServer, TsaServer]
) -> None:
    a, b = two_tsa_servers
    make_case(tmp_path / "case.proofshot", a)
    with Case.open(tmp_path / "case.proofshot") as case:
        attest.add_trust_anchors(case, b.ca_pem)  # requests are checked against B's root too
    opts = ExportOptions(out=tmp_path / "out", profile="archive")
    result = ExportJob(
        tmp_path / "case.proofshot", opts, tsas=[TsaConfig(a.url), TsaConfig(b.url)]
    ).run()
    assert result.archive_folder is not None and result.anchored
    assert len(list((result.archive_folder / "anchor").glob("seal-*.tsr"))) == 2
    only_b = verify_bundle(result.archive_folder, anchors=anchors_for(b))
    assert only_b.verdict == "INTACT", only_b.problems
    assert sorted(s["trusted"] for s in only_b.seals) == [False, True]
    both = TrustAnchors((a.ca_pem, b.ca_pem), ("root A", "root B"))
    report = verify_bundle(result.archive_folder, anchors=both)
    assert report.verdict == "INTACT"
    assert {s["anchor_source"] for s in report.seals} == {"root A", "root B"}


def test_the_cover_head_is_read_in_chinese_too(tmp_path: Path) -> None:
    make_case(tmp_path / "case.proofshot", None)
    result = export(tmp_path / "case.proofshot", tmp_path / "out", None, lang="zh")
    assert result.archive_folder is not None
    model = json.loads((result.archive_folder / "bundle.json").read_text("utf-8"))
    assert cover_head(result.filing[0]) == (model["head_seq"], model["head_hash"])
