"""The export as a job and a command: custody event, seals, selection, volumes, reproducibility."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.core import custody
from app.core.case import Case
from app.core.errors import Cancelled, ProofshotError
from app.core.jobs import CancelToken, Progress
from app.core.tsa import TsaConfig
from app.core.verify import verify_case
from app.report.export import ExportJob
from app.report.model import ExportOptions, build_bundle
from tests.report.conftest import ca_file, export, make_case, run_cli
from tests.tsa_server import TsaServer


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_is_a_custody_event_naming_every_file_with_its_hash_and_seals_the_log(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    make_case(tmp_path / "case.proofshot", tsa_server)
    result = export(tmp_path / "case.proofshot", tmp_path / "out", tsa_server, lang="en+zh")
    with Case.open(tmp_path / "case.proofshot", read_only=True) as case:
        events = list(custody.iter_events(case.conn))
        report = verify_case(case)
    assert report.intact, report.problems
    exported = next(e for e in events if e.action == "export.created")
    assert exported.seq == result.event_seq
    facts = exported.payload_obj()["facts"]
    assert facts["options"]["lang"] == "en+zh" and facts["options"]["profile"] == "both"
    files = {f["path"]: f for f in facts["files"]}
    archive = tmp_path / "out" / "archive"
    listed_archive = {p[len("archive/") :] for p in files if p.startswith("archive/")}
    on_disk = {p.relative_to(archive).as_posix() for p in archive.rglob("*") if p.is_file()}
    # every file of the archive but the anchor written after the seal; the PDFs and model too
    assert listed_archive == {p for p in on_disk if not p.startswith("anchor/")}
    assert {"archive/bundle.json", "archive/manifest.json", "archive/SHA256SUMS"} <= set(files)
    assert {f"filing/{p.name}" for p in result.filing} <= set(files)
    for rel, entry in files.items():
        assert _sha(tmp_path / "out" / rel) == entry["sha256"]
        assert (tmp_path / "out" / rel).stat().st_size == entry["size"]
    # the anchor holds the export entry and the seal over it, with the seal's token
    anchor_lines = (archive / "anchor" / "events.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["seq"] for line in anchor_lines] == [exported.seq, exported.seq + 1]
    assert json.loads(anchor_lines[0])["hash"] == exported.hash
    assert len(list((archive / "anchor").glob("seal-*.tsr"))) == 1
    # sealed before the bundle was built (so the shipped log is sealed) and after the export
    seals = [e for e in events if e.action == "log.sealed"]
    assert seals[-1].seq == exported.seq + 1
    assert any(s.seq == facts["bundle_head_seq"] for s in seals)
    assert result.seals == 2 and result.anchored and result.warnings == []


def test_cli_export_json_names_the_filing_pdfs_the_archive_and_signed(
    tmp_path: Path,
    tsa_server: TsaServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    make_case(tmp_path / "case.proofshot", tsa_server)
    code = run_cli(
        "export",
        tmp_path / "case.proofshot",
        "--out",
        tmp_path / "out",
        "--json",
        "--bates-prefix",
        "SL-",
        "--paper",
        "a4",
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"filing", "archive", "signed"}
    assert isinstance(data["filing"], list) and len(data["filing"]) == 1
    assert Path(data["filing"][0]).is_file()
    assert Path(data["archive"]["folder"]).is_dir() and Path(data["archive"]["zip"]).is_file()
    assert data["signed"] is None
    assert "SL-000001" in (PdfReader(data["filing"][0]).pages[0].extract_text() or "")
    assert data["anchored"] is True and data["warnings"] == []
    assert (
        run_cli("verify-bundle", data["archive"]["zip"], "--ca-file", ca_file(tsa_server, tmp_path))
        == 0
    )


def test_tags_and_items_choose_the_exhibits(tmp_path: Path) -> None:
    ids = make_case(tmp_path / "case.proofshot", None)
    with Case.open(tmp_path / "case.proofshot") as case:
        by_tag = build_bundle(case, ExportOptions(tags=("group-1",)))
        by_item = build_bundle(case, ExportOptions(items=(ids["tall"],)))
        both = build_bundle(case, ExportOptions(tags=("group-1",), items=(ids["tall"],)))
        with pytest.raises(ProofshotError, match="No item 999"):
            build_bundle(case, ExportOptions(items=(999,)))
    kinds = [e.kind for e in by_tag.exhibits]
    # group-1 outputs: the captured generation, two loose files; their chart pulls in the work
    assert kinds == ["work", "capture", "item", "item", "chart"]
    assert [e.kind for e in by_item.exhibits] == ["item"]
    assert len(both.exhibits) == len(by_tag.exhibits) + 1


def test_withdrawn_items_are_not_exhibited_but_are_listed(tmp_path: Path) -> None:
    from app.core import items as items_mod

    ids = make_case(tmp_path / "case.proofshot", None)
    with Case.open(tmp_path / "case.proofshot") as case:
        items_mod.withdraw(case, ids["loose"], "duplicate of a better copy")
        bundle = build_bundle(case, ExportOptions())
    exhibited = {v.item.id for v in bundle.item_views()}
    assert ids["loose"] not in exhibited
    assert bundle.withdrawn[0]["reason"] == "duplicate of a better copy"


def test_exhibits_are_numbered_works_then_platform_pages_then_captures_items_and_charts(
    tmp_path: Path,
) -> None:
    ids = make_case(tmp_path / "case.proofshot", None)
    with Case.open(tmp_path / "case.proofshot", read_only=True) as case:
        bundle = build_bundle(case, ExportOptions())
    assert [e.kind for e in bundle.exhibits] == [
        "work",
        "work",
        "platform-page",
        "capture",
        "item",
        "item",
        "chart",
    ]
    # demonstratives are numbered apart (PDX-1 …), never with an exhibit number
    assert [e.number for e in bundle.exhibits] == [*range(1, 7), 1]
    assert [e.label_en for e in bundle.exhibits][-2:] == ["Exhibit 6", "PDX-1"]
    # by default an untagged file outside any capture is not exhibited, and the cover says so
    exhibited = {v.item.id for v in bundle.item_views()}
    assert ids["tall"] not in exhibited and bundle.not_selected == 1
    capture = bundle.exhibits[3]
    assert [v.role for v in capture.items] == [
        "screenshot-full",
        "dom-html",
        "environment",
        "wacz",
        "video",
        "generated-output",
        "generated-output",
    ]
    assert capture.items[0].label == "4.1"
    chart = bundle.exhibits[-1].chart
    assert chart is not None and (chart.work_exhibit, chart.output_exhibit) == (1, 4)
    summary = {p.prompt: p for p in bundle.prompts}
    assert (
        summary["生成星光侠"].tries,
        summary["生成星光侠"].outputs,
        summary["生成星光侠"].matching,
    ) == (1, 2, 1)


def test_same_case_state_and_options_give_a_byte_identical_filing_pdf_and_zip(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    from app.core import attest
    from app.report import exhibit_register
    from app.report.model import ExportOptions

    make_case(tmp_path / "case.proofshot", tsa_server)
    with Case.open(tmp_path / "case.proofshot") as case:
        # the first export registers the exhibit numbers (an event); do it before the copies
        # so both start from the same case state
        exhibit_register.record(case, ExportOptions(lang="en+zh", bates_prefix="X"))
        attest.seal_log(case, [TsaConfig(tsa_server.url)])
    first = Path(shutil.copytree(tmp_path / "case.proofshot", tmp_path / "a.proofshot"))
    second = Path(shutil.copytree(tmp_path / "case.proofshot", tmp_path / "b.proofshot"))
    a = export(first, tmp_path / "out-a", tsa_server, lang="en+zh", bates_prefix="X")
    b = export(second, tmp_path / "out-b", tsa_server, lang="en+zh", bates_prefix="X")
    assert a.filing[0].name == b.filing[0].name
    assert a.filing[0].read_bytes() == b.filing[0].read_bytes()
    assert a.archive_zip is not None and b.archive_zip is not None
    # the archive is the same but for anchor/, which records this export's own time and seal
    with zipfile.ZipFile(a.archive_zip) as za, zipfile.ZipFile(b.archive_zip) as zb:
        members_a = {n: za.read(n) for n in za.namelist() if "/anchor/" not in n}
        members_b = {n: zb.read(n) for n in zb.namelist() if "/anchor/" not in n}
        assert any("/anchor/" in n for n in za.namelist())
    assert members_a == members_b


def test_max_mb_splits_the_filing_into_labelled_volumes_with_continuous_bates(
    tmp_path: Path,
) -> None:
    make_case(tmp_path / "case.proofshot", None)
    result = export(
        tmp_path / "case.proofshot", tmp_path / "out", None, profile="filing", max_mb=0.6
    )
    volumes = result.filing
    assert len(volumes) >= 3
    assert all(re.search(r"-volume-\d+-of-\d+\.pdf$", p.name) for p in volumes)
    number = 0
    parts = []
    for path in volumes:
        assert path.stat().st_size <= 0.6 * 1024 * 1024 or result.warnings
        reader = PdfReader(path)
        assert reader.outline, f"{path.name} has no bookmarks"
        for page in reader.pages:
            number += 1
            text = re.sub(r"\s+", " ", page.extract_text() or "")
            assert f"PS{number:06d}" in text
            parts += re.findall(r"Exhibit \d+, Part \d+ of \d+", text)
    assert number == result.pages
    assert parts, "no exhibit was split, so no 'Part i of k' label was tested"
    first_text = PdfReader(volumes[0]).pages[0].extract_text() or ""
    assert "Volumes" in first_text and f"Volume 1 of {len(volumes)}" in first_text


def test_export_refuses_to_mix_into_an_earlier_bundle(tmp_path: Path) -> None:
    make_case(tmp_path / "case.proofshot", None)
    (tmp_path / "out" / "filing").mkdir(parents=True)
    (tmp_path / "out" / "filing" / "old.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(ProofshotError, match="already exists"):
        export(tmp_path / "case.proofshot", tmp_path / "out", None)


def test_job_reports_progress_accepts_an_open_case_and_can_be_cancelled(tmp_path: Path) -> None:
    make_case(tmp_path / "case.proofshot", None)
    seen: list[Progress] = []
    with Case.open(tmp_path / "case.proofshot") as case:
        job = ExportJob(case, ExportOptions(out=tmp_path / "out", profile="archive"), tsas=[])
        result = job.run(seen.append, CancelToken())
        assert not case.read_only  # the caller's case stays open
        assert result.filing == [] and result.archive_zip is not None
    messages = {p.message for p in seen}
    assert "Building the bundle" in messages and "Laying out exhibits" in messages
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        ExportJob(tmp_path / "case.proofshot", ExportOptions(out=tmp_path / "out2"), tsas=[]).run(
            None, token
        )
    assert not (tmp_path / "out2" / "filing").exists()


def test_export_attests_pending_items_and_seals_before_rendering(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    make_case(tmp_path / "case.proofshot", None)  # nothing attested, nothing sealed yet
    result = export(tmp_path / "case.proofshot", tmp_path / "out", tsa_server, lang="en")
    with Case.open(tmp_path / "case.proofshot", read_only=True) as case:
        events = list(custody.iter_events(case.conn))
    exported = next(e for e in events if e.action == "export.created")
    before = [e.action for e in events if e.seq < exported.seq]
    assert "timestamp.attested" in before and before[-1] == "log.sealed"
    assert result.anchored and not any("no trusted timestamp" in w for w in result.warnings)
    model = json.loads((tmp_path / "out" / "archive" / "bundle.json").read_text("utf-8"))
    assert all(item["tokens"] for ex in model["exhibits"] for item in ex["items"])


def test_export_out_pointing_at_a_file_is_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    make_case(tmp_path / "case.proofshot", None)
    target = tmp_path / "bundle.pdf"
    target.write_bytes(b"%PDF-1.4 not a folder")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "export",
            str(tmp_path / "case.proofshot"),
            "--out",
            str(target),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PROOFSHOT_TSA_URLS": ""},
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("proofshot:")]
    assert lines == [
        f"proofshot: {target} is a file; the export needs a folder to write into "
        "(give --out a new or empty folder)."
    ]
    assert target.read_bytes() == b"%PDF-1.4 not a folder"


def test_an_export_whose_tsa_does_not_answer_says_nothing_anchors_it(
    tmp_path: Path, tsa_server: TsaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    make_case(tmp_path / "case.proofshot", None)
    tsa_server.mode = "down"
    result = export(tmp_path / "case.proofshot", tmp_path / "out", tsa_server, lang="en")
    assert not result.anchored and result.seals == 0
    assert any(w.startswith("Nothing anchors this bundle") for w in result.warnings)
    assert any("have no trusted timestamp of their own" in w for w in result.warnings)
    with Case.open(tmp_path / "case.proofshot", read_only=True) as case:
        actions = [e.action for e in custody.iter_events(case.conn)]
    assert "timestamp.attempt-failed" in actions  # it tried, before and after rendering
    assert actions.index("timestamp.attempt-failed") < actions.index("export.created")
    assert run_cli("verify-bundle", tmp_path / "out" / "archive.zip") == 2
    assert capsys.readouterr().out.startswith("INTACT, UNANCHORED: zip")
