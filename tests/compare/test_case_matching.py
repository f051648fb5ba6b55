"""The engine on a case: the demo library's look-alikes found, unrelated images never
flagged, every metric explained, bad images refused with a reason, nothing written."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app.capture.campaigns.matching import match_outputs
from app.compare import case_matching as cm
from app.compare import works
from app.compare.synthetic import make_original
from app.core import items as items_mod
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from app.core.jobs import CancelToken
from app.core.verify import verify_case
from app.demo.case_builder import RESOURCES, build_demo_case

PRECISION_AT_LEAST = 0.95
RECALL_AT_LEAST = 0.90
METRICS = {"keypoints", "inlier_ratio", "ssim", "phash", "dhash", "colour_hash", "palette"}


@pytest.fixture(scope="module")
def features_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One feature cache for the demo images across the compare tests (they are analysed once)."""
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
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "Demo.proofshot"
    build_demo_case(path).close()
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Case]:
    with Case.open(demo_path, read_only=True) as case:
        yield case


@pytest.fixture
def writable_demo(tmp_path: Path) -> Iterator[Case]:
    with build_demo_case(tmp_path / "Demo.proofshot") as case:
        yield case


def expected_sources(case: Case) -> dict[int, int | None]:
    """Each generated demo item -> the work its ``similar_to`` names (None: unrelated)."""
    manifest = json.loads((RESOURCES / "demo.json").read_text("utf-8"))
    work_by_sha = {w.sha256: w.id for w in works.list_works(case)}
    sha_by_path = {f["path"]: f["sha256"] for f in manifest["files"]}
    expected: dict[int, int | None] = {}
    for entry in manifest["files"]:
        if entry["role"] != "generated":
            continue
        item_id = items_mod.find_by_sha256(case.conn, entry["sha256"])
        assert item_id is not None
        similar = entry.get("similar_to")
        expected[item_id] = work_by_sha[sha_by_path[similar]] if similar else None
    return expected


def add_image(case: Case, image: Image.Image, name: str) -> int:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return add_bytes(
        case, buffer.getvalue(), Acquisition(source=f"https://ai.example/{name}")
    ).item_id


# -- the demo library ---------------------------------------------------------------------------


def test_every_demo_look_alike_ranks_its_original_first_and_no_unrelated_image_is_flagged(
    demo: Case,
) -> None:
    expected = expected_sources(demo)
    events_before = demo.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    results = {r.item_id: r for r in cm.match_case(demo)}
    assert set(expected) <= set(results)  # every generated item was matched
    true_pos = false_pos = false_neg = 0
    for item_id, source in expected.items():
        result = results[item_id]
        assert result.cannot_compare is None
        if source is None:
            assert not result.flagged, f"unrelated item {item_id} flagged: {result.best}"
            continue
        assert result.best is not None and result.best.work_id == source, (
            f"item {item_id}: expected work {source} first, got {result.best}"
        )
        if result.flagged:
            true_pos += 1
        else:
            false_neg += 1
    false_pos = sum(1 for i, r in results.items() if r.flagged and expected.get(i) is None)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    assert precision >= PRECISION_AT_LEAST and recall >= RECALL_AT_LEAST, (precision, recall)
    # Matching is a reading: no event, and the works and screenshots are never queries.
    assert demo.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == events_before
    work_items = {w.item_id for w in works.list_works(demo)}
    assert not work_items & set(results)


def test_ranking_an_item_lists_works_best_first_with_scores_bands_and_sentences(
    demo: Case,
) -> None:
    item_id = next(i for i, w in expected_sources(demo).items() if w is not None)
    ranked = cm.rank_item(demo, item_id, top=3)
    assert 1 <= len(ranked) <= 3
    scores = [m["score"] for m in ranked]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
    best = ranked[0]
    assert best["band"] in ("high", "medium") and best["flagged"]
    assert best["title"] and any("distinctive points" in s for s in best["sentences"])
    assert best["work_id"] == expected_sources(demo)[item_id]


def test_comparing_an_item_with_a_work_gives_every_metric_with_its_sentence_and_the_points(
    demo: Case,
) -> None:
    item_id, work_id = next((i, w) for i, w in expected_sources(demo).items() if w is not None)
    record = cm.compare_item(demo, item_id, work_id)
    assert record["item_id"] == item_id and record["work_id"] == work_id
    assert record["cannot_compare"] is None and record["band"] == "high"
    assert {m["name"] for m in record["metrics"]} == METRICS
    assert all(m["sentence"].strip().endswith(".") for m in record["metrics"])
    alignment = record["alignment"]
    assert len(alignment["points_original"]) == len(alignment["points_candidate"]) >= 8
    assert len(alignment["homography"]) == 3
    assert record["sentences"][0] == record["summary"]
    # The item can be named by a SHA-256 prefix, as on the command line.
    sha = demo.conn.execute("SELECT sha256 FROM items WHERE id = ?", (item_id,)).fetchone()[0]
    assert cm.compare_item(demo, sha[:12], work_id)["score"] == record["score"]


def test_an_unrelated_pair_is_scored_low_with_its_reasons(demo: Case) -> None:
    unrelated = next(i for i, w in expected_sources(demo).items() if w is None)
    record = cm.compare_item(demo, unrelated, works.list_works(demo)[0].id)
    assert record["band"] == "low" and record["score"] < 0.5
    assert record["summary"].startswith("Overall similarity")


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "code", "words"),
    [
        (Image.new("RGB", (300, 200), (40, 90, 160)), "featureless", "flat colour"),
        (Image.new("RGB", (20, 16), (200, 10, 10)), "too_small", "20 × 16"),
    ],
    ids=["flat", "tiny"],
)
def test_an_image_that_cannot_be_compared_gets_a_reason_and_no_score(
    writable_demo: Case, image: Image.Image, code: str, words: str
) -> None:
    item_id = add_image(writable_demo, image, code)
    record = cm.compare_item(writable_demo, item_id, works.list_works(writable_demo)[0].id)
    assert record["score"] is None and record["band"] is None and record["metrics"] == []
    assert record["cannot_compare_code"] == code
    assert words in record["cannot_compare"] and f"item {item_id}" in record["cannot_compare"]
    (result,) = cm.match_case(writable_demo, [item_id])
    assert not result.flagged and result.matches == () and words in (result.cannot_compare or "")


def test_a_case_without_works_is_refused_with_a_clear_sentence(tmp_path: Path) -> None:
    with Case.create(tmp_path / "Empty.proofshot", title="Empty", operator="T") as case:
        with pytest.raises(cm.NoWorksError, match="no original works"):
            cm.match_case(case)
        assert cm.snapshot(case).works == ()


# -- the library --------------------------------------------------------------------------------


def test_corrected_and_withdrawn_works_are_never_ranked(writable_demo: Case) -> None:
    first, second = works.list_works(writable_demo)[:2]
    item_id = next(i for i, w in expected_sources(writable_demo).items() if w == first.id)
    corrected = works.correct_work(writable_demo, first.id, title="Hero Stance (corrected)")
    items_mod.withdraw(writable_demo, second.item_id, "registered to someone else")
    snap = cm.snapshot(writable_demo)
    ids = {w.work_id for w in snap.works}
    assert corrected in ids and first.id not in ids and second.id not in ids
    ranked = cm.rank_item(writable_demo, item_id)
    assert ranked[0]["work_id"] == corrected and ranked[0]["title"] == "Hero Stance (corrected)"
    assert all(m["work_id"] not in (first.id, second.id) for m in ranked)


def test_the_work_index_is_kept_on_disk_and_rebuilt_when_the_works_change(
    writable_demo: Case, tmp_path: Path
) -> None:
    shutil.rmtree(cm.index_dir(), ignore_errors=True)  # features stay cached; the index goes
    snap = cm.snapshot(writable_demo)
    built = cm.open_library(snap)
    assert built.source == "built" and len(built.index) == len(snap.works)
    assert (cm.index_dir() / f"{snap.key}.npz").is_file()
    cm.forget_libraries()
    reused = cm.open_library(snap)
    assert reused.source == "disk" and reused.index.work_ids == built.index.work_ids
    assert cm.open_library(snap) is reused  # kept open in the process
    extra = tmp_path / "extra.png"
    make_original(3, 256).save(extra)
    works.add_work_file(writable_demo, extra, title="Extra")
    changed = cm.snapshot(writable_demo)
    assert changed.key != snap.key
    rebuilt = cm.open_library(changed)
    assert rebuilt.source == "built" and len(rebuilt.index) == len(snap.works) + 1


def test_a_damaged_index_file_is_ignored_and_rebuilt(writable_demo: Case) -> None:
    snap = cm.snapshot(writable_demo)
    cm.open_library(snap)
    cm.forget_libraries()
    (cm.index_dir() / f"{snap.key}.npz").write_bytes(b"not an index")
    library = cm.open_library(snap)
    assert library.source == "built" and len(library.index) == len(snap.works)


def test_a_cancelled_batch_stops_and_returns_what_was_finished(demo: Case) -> None:
    token = CancelToken()
    token.cancel()
    snap = cm.snapshot(demo)
    library = cm.open_library(snap)
    refs = cm.item_refs(demo)
    assert len(refs) >= 10
    assert library.match(refs, cancel=token) == []


# -- the campaign matcher and the chart record --------------------------------------------------


def test_the_campaign_matcher_answers_exactly_like_the_case_matcher(demo: Case) -> None:
    expected = expected_sources(demo)
    ids = [*sorted(expected)[:4], 999_999]
    answered = match_outputs(demo, ids)
    assert answered[999_999] == []
    for result in cm.match_case(demo, ids):
        assert answered[result.item_id] == [
            {"work_id": m.work_id, "score": round(m.score, 4), "band": m.band}
            for m in result.matches
        ]


def test_chart_metrics_keep_the_score_band_and_sentences_but_not_the_point_lists(
    demo: Case,
) -> None:
    item_id, work_id = next((i, w) for i, w in expected_sources(demo).items() if w is not None)
    record = cm.compare_item(demo, item_id, work_id)
    metrics = cm.chart_metrics(record)
    assert metrics["score"] == record["score"] and metrics["band"] == "high"
    assert [m["sentence"] for m in metrics["metrics"]] == [m["sentence"] for m in record["metrics"]]
    assert "points_original" not in metrics["alignment"]
    assert metrics["alignment"]["inliers"] == record["alignment"]["inliers"]
    assert len(json.dumps(metrics)) < len(json.dumps(record)) / 2
    assert verify_case(demo).intact
