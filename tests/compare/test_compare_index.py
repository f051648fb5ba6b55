"""WorkIndex and match_batch: the right work comes first, fast, in parallel, cancellably."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.compare import CannotCompare, ImageFeatures, WorkIndex, compute_features, match_batch
from app.compare.synthetic import make_original, to_png_bytes, transformed
from app.core.jobs import CancelToken, Progress

WORKS = 16
SHORT = 6
"""Shortlist used in these tests: enough to hold the source, small enough to stay quick."""


@pytest.fixture(scope="module")
def library() -> dict[str, ImageFeatures]:
    return {
        f"work-{i:02d}": compute_features(to_png_bytes(make_original(1000 + i, 192)))
        for i in range(WORKS)
    }


@pytest.fixture(scope="module")
def index(library: dict[str, ImageFeatures]) -> WorkIndex:
    return WorkIndex.from_features(library.items())


@pytest.fixture(scope="module")
def queries() -> list[tuple[str, ImageFeatures]]:
    """Copies of works 3, 5 and 9 (crop, mirror, recolour) and two unrelated images."""
    out = []
    for i, name in ((3, "crop"), (5, "mirror"), (9, "recolour")):
        image = transformed(make_original(1000 + i, 192), name, i)
        out.append((f"copy-of-work-{i:02d}", compute_features(to_png_bytes(image))))
    for j in range(2):
        out.append((f"unrelated-{j}", compute_features(to_png_bytes(make_original(5000 + j, 192)))))
    return out


def test_the_source_of_a_copy_is_the_nearest_candidate(index: WorkIndex, queries) -> None:
    for query_id, features in queries[:3]:
        nearest, distance = index.candidates(features, 5)[0]
        assert query_id.endswith(nearest), (query_id, index.candidates(features, 5))
        assert 0 <= distance <= 128


def test_candidates_are_sorted_and_limited(index: WorkIndex, queries) -> None:
    found = index.candidates(queries[0][1], 7)
    assert len(found) == 7
    distances = [d for _, d in found]
    assert distances == sorted(distances)
    assert len(index.candidates(queries[0][1], 1000)) == WORKS


def test_rank_puts_the_source_first_with_a_flag(index, library, queries) -> None:
    query_id, features = queries[1]
    ranked = index.rank(features, library, top=5, shortlist=SHORT)
    assert len(ranked) == 5
    assert query_id.endswith(ranked[0].work_id)
    assert ranked[0].flagged and ranked[0].band == "high"
    assert all(not m.flagged for m in ranked[1:])
    scores = [m.score for m in ranked]
    assert scores == sorted(scores, reverse=True)


def test_rank_accepts_a_lookup_function(index, library, queries) -> None:
    asked: list[str] = []

    def lookup(work_id: str) -> ImageFeatures:
        asked.append(work_id)
        return library[work_id]

    ranked = index.rank(queries[0][1], lookup, top=3, shortlist=6)
    assert len(ranked) == 3 and len(asked) == 6


def test_unrelated_images_are_not_flagged(index, library, queries) -> None:
    for _, features in queries[3:]:
        assert not index.rank(features, library, top=3, shortlist=SHORT)[0].flagged


def test_index_survives_save_and_load(tmp_path: Path, index: WorkIndex, queries) -> None:
    index.save(tmp_path / "works.npz")
    loaded = WorkIndex.load(tmp_path / "works.npz")
    assert loaded.work_ids == index.work_ids
    assert loaded.candidates(queries[2][1], 5) == index.candidates(queries[2][1], 5)


def test_damaged_index_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.npz").write_bytes(b"not an index")
    with pytest.raises(ValueError):
        WorkIndex.load(tmp_path / "bad.npz")


def test_adding_a_work_again_replaces_it(library) -> None:
    index = WorkIndex.from_features(list(library.items())[:3])
    first_id = index.work_ids[0]
    index.add(first_id, library["work-10"])
    assert len(index) == 3
    nearest, distance = index.candidates(library["work-10"], 1)[0]
    assert (nearest, distance) == (first_id, 0)


def test_empty_index_has_no_candidates(queries) -> None:
    assert WorkIndex().candidates(queries[0][1], 5) == []


def test_batch_matches_every_capture_and_flags_copies(index, library, queries) -> None:
    events: list[Progress] = []
    bad = CannotCompare("featureless", "The image is a flat colour.")
    batch = [*queries, ("flat-capture", bad)]
    results = match_batch(
        batch, index, library, workers=2, top=3, shortlist=SHORT, progress=events.append
    )
    assert [r.query_id for r in results] == [q for q, _ in batch]
    assert [r.flagged for r in results] == [True, True, True, False, False, False]
    for result in results[:3]:
        assert result.query_id.endswith(result.best.work_id)
    assert results[-1].cannot_compare == "The image is a flat colour."
    assert results[-1].matches == ()
    assert events[-1].done == len(batch) and events[-1].total == len(batch)


def test_batch_with_two_workers_equals_batch_with_one(index, library, queries) -> None:
    one = match_batch(queries, index, library, workers=1, top=3, shortlist=SHORT)
    two = match_batch(queries, index, library, workers=2, top=3, shortlist=SHORT)
    assert [[(m.work_id, m.score) for m in r.matches] for r in one] == [
        [(m.work_id, m.score) for m in r.matches] for r in two
    ]


def test_cancelled_batch_returns_what_was_finished(index, library, queries) -> None:
    cancel = CancelToken()
    seen: list[Progress] = []

    def progress(event: Progress) -> None:
        seen.append(event)
        if event.done >= 1:
            cancel.cancel()

    results = match_batch(
        queries * 4, index, library, workers=2, shortlist=2, progress=progress, cancel=cancel
    )
    assert 1 <= len(results) < len(queries) * 4
    assert "Cancelled" in seen[-1].message
