"""``proofshot match`` and ``proofshot compare`` on the demo case: ranked works per item with
id, score and band; every metric with its sentence; a reason instead of a score."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.cli import compare as commands
from app.compare import case_matching as cm
from app.compare import works
from app.core import items as items_mod
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from app.demo.case_builder import RESOURCES, build_demo_case

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def features_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared with test_case_matching: the demo images are analysed once per test run."""
    path = tmp_path_factory.getbasetemp() / "compare-demo-cache"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _shared_cache(
    _isolated_user_dirs: None, features_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("PROOFSHOT_CACHE_DIR", str(features_dir))
    cm.forget_libraries()
    yield
    cm.forget_libraries()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "Demo.proofshot"
    with build_demo_case(path) as case:
        flat = io.BytesIO()
        Image.new("RGB", (240, 180), (120, 120, 120)).save(flat, "PNG")
        add_bytes(case, flat.getvalue(), Acquisition(source="https://ai.example/flat.png"))
    return path


def item_of(case_path: Path, demo_file: str) -> int:
    manifest = json.loads((RESOURCES / "demo.json").read_text("utf-8"))
    sha = next(f["sha256"] for f in manifest["files"] if f["path"] == demo_file)
    with Case.open(case_path, read_only=True) as case:
        found = items_mod.find_by_sha256(case.conn, sha)
    assert found is not None
    return found


def work_of(case_path: Path, demo_file: str) -> int:
    manifest = json.loads((RESOURCES / "demo.json").read_text("utf-8"))
    sha = next(f["sha256"] for f in manifest["files"] if f["path"] == demo_file)
    with Case.open(case_path, read_only=True) as case:
        return next(w.id for w in works.list_works(case) if w.sha256 == sha)


def flat_item(case_path: Path) -> int:
    with Case.open(case_path, read_only=True) as case:
        row = case.conn.execute("SELECT id FROM items WHERE source LIKE '%flat.png'").fetchone()
    return int(row[0])


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Through the same ``register`` the CLI calls, with the CLI's error handling."""
    code = commands.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_register_adds_exactly_match_and_compare_with_their_options() -> None:
    parser = argparse.ArgumentParser(prog="proofshot")
    sub = parser.add_subparsers(dest="command")
    added: list[str] = []

    def add(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        added.append(name)
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(handler=handler)
        return p

    commands.register(add)
    assert added == ["match", "compare"]
    args = parser.parse_args(["match", "C.proofshot", "--item", "7", "--json"])
    assert args.handler is commands.cmd_match and args.item == ["7"] and args.json
    args = parser.parse_args(["compare", "C.proofshot", "12", "--work", "3", "--json"])
    assert args.handler is commands.cmd_compare and args.item == "12" and args.work == 3
    with pytest.raises(SystemExit):
        parser.parse_args(["compare", "C.proofshot", "12"])  # --work is required


def test_match_json_gives_each_item_its_ranked_works_with_id_title_score_and_band(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "match", demo, "--json")
    assert code == 0
    results = {r["item_id"]: r for r in json.loads(out)}
    look_alike = results[item_of(demo, "generated/gen_06_flying.png")]
    assert set(look_alike) == {"item_id", "sha256", "matches", "flagged", "cannot_compare"}
    assert look_alike["flagged"] is True and len(look_alike["sha256"]) == 64
    best = look_alike["matches"][0]
    assert set(best) == {"work_id", "title", "score", "band"}
    assert best["work_id"] == work_of(demo, "originals/starlume_flying.png")
    assert best["band"] == "high" and 0.9 <= best["score"] <= 1.0
    unrelated = results[item_of(demo, "generated/unrelated_02_abstract.png")]
    assert unrelated["flagged"] is False and all(m["band"] == "low" for m in unrelated["matches"])
    flat = results[flat_item(demo)]
    assert flat["matches"] == [] and "flat colour" in flat["cannot_compare"]


def test_match_item_accepts_an_id_or_a_sha256_prefix_and_prints_the_likely_match(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    item = item_of(demo, "generated/gen_07_portrait_red.png")
    with Case.open(demo, read_only=True) as case:
        sha = items_mod.get_item(case, item).sha256
    code, out, _ = run(capsys, "match", demo, "--item", sha[:10], "--json")
    assert code == 0 and [r["item_id"] for r in json.loads(out)] == [item]
    code, out, _ = run(capsys, "match", demo, "--item", str(item))
    assert code == 0
    work = work_of(demo, "originals/starlume_portrait.png")
    assert f"LIKELY MATCH: work {work} (high)" in out
    assert "Starlume — Portrait" in out and "1 flagged as likely matches" in out


def test_compare_prints_the_score_band_and_every_metric_with_its_sentence(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    item = item_of(demo, "generated/gen_08_emblem.png")
    work = work_of(demo, "originals/starlume_emblem.png")
    code, out, _ = run(capsys, "compare", demo, str(item), "--work", str(work))
    assert code == 0
    text = " ".join(out.split())  # sentences are wrapped to the terminal width
    assert "band high" in text and "Aligned points" in text and "distinctive points" in text
    assert "structural similarity (SSIM)" in text and "ΔE" in text
    code, out, _ = run(capsys, "compare", demo, str(item), "--work", str(work), "--json")
    record = json.loads(out)
    assert code == 0 and record["band"] == "high" and record["work_id"] == work
    assert len(record["metrics"]) == 7 and all(m["sentence"] for m in record["metrics"])
    assert record["alignment"]["points_original"]


def test_compare_of_a_flat_image_says_it_cannot_compare_and_exits_2(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = work_of(demo, "originals/starlume_front.png")
    code, out, _ = run(capsys, "compare", demo, str(flat_item(demo)), "--work", str(work))
    assert code == commands.EXIT_CANNOT_COMPARE
    assert "CANNOT COMPARE" in out and "flat colour" in out and "Score" not in out
    code, out, _ = run(capsys, "compare", demo, str(flat_item(demo)), "--work", str(work), "--json")
    record = json.loads(out)
    assert code == 2 and record["score"] is None and record["cannot_compare_code"] == "featureless"


def test_unknown_items_and_works_are_refused_with_one_sentence(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "compare", demo, "999", "--work", "1")
    assert code == 3 and out == "" and "No item 999" in err
    code, out, err = run(capsys, "compare", demo, "5", "--work", "77")
    assert code == 1 and "No original work 77" in err
    code, _, err = run(capsys, "match", demo, "--item", "999")
    assert code == 3 and "No item 999" in err


def test_match_on_a_case_without_works_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Case.create(tmp_path / "E.proofshot", title="E", operator="T").close()
    code, out, err = run(capsys, "match", tmp_path / "E.proofshot")
    assert code == 1 and out == "" and "proofshot works add" in err


def test_match_runs_as_a_command_with_json_alone_on_stdout(demo: Path) -> None:
    item = item_of(demo, "generated/gen_01_starlume.png")
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.compare", "match", str(demo), "--item", str(item),
         "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=300, env=dict(os.environ),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert record["item_id"] == item and record["flagged"]
    assert "Matching the images against the works" in result.stderr
