"""Benchmark: the similarity engine on a library of synthetic originals.

Measures, beside a brute-force baseline run in the same process (every work's whole-image
pHash + dHash compared with the query in a plain Python loop, the "every pair through the
hash distance" approach):

* candidate retrieval for one query (target: under 50 ms for 10,000 works);
* full ranking of the top 10 works for one query (target: under 1 s);
* matching every capture against the whole library on two cores (target: 1,000 captures
  against 10,000 works in under 5 minutes), with the precision and recall of the flags;
* the parallel speed-up of the batch with threads and with processes.

Library and captures are generated deterministically (app.compare.synthetic); their features
are kept in a cache folder so that a second run skips the set-up. Full size:

    .venv/bin/python tests/bench/bench_compare.py --works 10000 --captures 1000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np
from common import peak_rss_mb, table, timed

from app.compare import FeatureCache, ImageFeatures, WorkIndex, compare, compute_features
from app.compare.batch import BatchResult, match_batch, opencv_threads
from app.compare.synthetic import TRANSFORMS, make_original, to_png_bytes, transformed

WORK_SEED = 7_000_000
UNRELATED_SEED = 9_000_000
TRANSFORM_NAMES = list(TRANSFORMS)


# --- set-up: deterministic images and their cached features --------------------------------


def _work_bytes(seed: int, size: int) -> bytes:
    return to_png_bytes(make_original(WORK_SEED + seed, size))


def _capture_spec(i: int, works: int) -> tuple[int | None, str]:
    """Capture ``i``: every tenth is unrelated; the others copy a work through a transform."""
    name = TRANSFORM_NAMES[i % len(TRANSFORM_NAMES)]
    if i % 10 == 9:
        return None, name
    return int(np.random.default_rng([i, 77]).integers(works)), name


def _capture_bytes(i: int, works: int, size: int) -> bytes:
    source, name = _capture_spec(i, works)
    seed = UNRELATED_SEED + i if source is None else WORK_SEED + source
    return to_png_bytes(transformed(make_original(seed, size), name, i))


_CACHE: FeatureCache | None = None


def _init_worker(cache_dir: str) -> None:
    global _CACHE
    cv2.setNumThreads(1)
    _CACHE = FeatureCache(cache_dir)


def _features_job(job: tuple[str, int, int, int]) -> tuple[str, str]:
    kind, i, works, size = job
    data = _work_bytes(i, size) if kind == "work" else _capture_bytes(i, works, size)
    features = compute_features(data)
    assert _CACHE is not None
    _CACHE.put(features)
    return f"{kind}-{i}", features.sha256


def cached_features(
    kind: str, count: int, works: int, size: int, cache_dir: Path, workers: int
) -> list[ImageFeatures]:
    """Features of works or captures 0..count-1, from the cache when a manifest has them."""
    cache = FeatureCache(cache_dir)
    manifest_path = cache_dir / f"manifest-{kind}-{size}-{works if kind == 'capture' else 0}.json"
    manifest: dict[str, str] = {}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
    missing = [i for i in range(count) if f"{kind}-{i}" not in manifest]
    if missing:
        jobs = [(kind, i, works, size) for i in missing]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, context, _init_worker, (str(cache_dir),)) as pool:
            for key, sha in pool.map(_features_job, jobs, chunksize=32):
                manifest[key] = sha
        manifest_path.write_text(json.dumps(manifest))
    out = []
    for i in range(count):
        features = cache.get(manifest[f"{kind}-{i}"])
        if features is None:  # damaged cache entry: rebuild that one
            features = compute_features(
                _work_bytes(i, size) if kind == "work" else _capture_bytes(i, works, size)
            )
            cache.put(features)
        out.append(features)
    return out


# --- the brute-force baseline -------------------------------------------------------------


class BruteForce:
    """Every work's whole-image pHash + dHash against the query (and its mirror), in Python."""

    def __init__(self, ids: Sequence[str], works: Sequence[ImageFeatures]) -> None:
        self.ids = list(ids)
        self.hashes = [(w.full_phash, w.full_dhash) for w in works]

    def distances(self, q: ImageFeatures) -> list[int]:
        qp, qd, mp, md = q.full_phash, q.full_dhash, q.mirror_phash, q.mirror_dhash
        return [
            min(
                ((p ^ qp).bit_count() + (d ^ qd).bit_count()),
                ((p ^ mp).bit_count() + (d ^ md).bit_count()),
            )
            for p, d in self.hashes
        ]

    def candidates(self, q: ImageFeatures, k: int) -> list[tuple[str, int]]:
        d = self.distances(q)
        order = sorted(range(len(d)), key=d.__getitem__)[:k]
        return [(self.ids[i], d[i]) for i in order]


# --- helpers ------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def per_query(
    fn: Callable[[ImageFeatures], object], queries: Sequence[ImageFeatures]
) -> list[float]:
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def flag_quality(
    results: Sequence[BatchResult], truth: Sequence[str | None]
) -> tuple[float, float]:
    flagged = [r for r in results if r.flagged]
    correct = sum(
        1 for r, t in zip(results, truth, strict=True) if r.flagged and r.best.work_id == t
    )
    copies = sum(t is not None for t in truth)
    return (correct / len(flagged) if flagged else 1.0, correct / copies if copies else 1.0)


_POOL_STATE: dict[str, object] = {}


def _process_rank(args: tuple[str, ImageFeatures]) -> BatchResult:
    index = _POOL_STATE["index"]
    lookup = _POOL_STATE["lookup"]
    assert isinstance(index, WorkIndex)
    query_id, features = args
    return BatchResult(query_id, tuple(index.rank(features, lookup, top=10)))  # type: ignore[arg-type]


def batch_with_processes(queries, index, lookup, workers: int) -> list[BatchResult]:
    """The alternative design: a forked process pool sharing the library copy-on-write."""
    _POOL_STATE.update(index=index, lookup=lookup)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, context, cv2.setNumThreads, (1,)) as pool:
        return list(pool.map(_process_rank, queries, chunksize=4))


# --- main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=2000)
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--size", type=int, default=256, help="side of the synthetic images")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timing-queries", type=int, default=50)
    parser.add_argument("--scaling-captures", type=int, default=60)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "proofshot-bench-compare"
    )
    parser.add_argument(
        "--setup-only", action="store_true", help="only fill the feature cache, measure nothing"
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    setup, works = timed(
        "library features",
        lambda: cached_features(
            "work", args.works, args.works, args.size, args.cache, args.workers
        ),
    )
    _, captures = timed(
        "capture features",
        lambda: cached_features(
            "capture", args.captures, args.works, args.size, args.cache, args.workers
        ),
    )
    if args.setup_only:
        print(f"cache filled in {time.perf_counter() - started:.0f} s: {args.cache}")
        return 0
    ids = [f"work-{i:05d}" for i in range(args.works)]
    lookup = dict(zip(ids, works, strict=True))
    truth = [
        None if source is None else ids[source]
        for source, _ in (_capture_spec(i, args.works) for i in range(args.captures))
    ]
    queries = [(f"capture-{i:05d}", f) for i, f in enumerate(captures)]
    print(
        f"library: {args.works} works, {args.captures} captures ({sum(t is None for t in truth)} "
        f"unrelated), {args.size} px; set-up {setup.seconds:.0f} s (cache: {args.cache})"
    )

    build, index = timed(
        "index build", lambda: WorkIndex.from_features(zip(ids, works, strict=True))
    )
    brute = BruteForce(ids, works)
    timing_set = [f for (_, f), t in zip(queries, truth, strict=True) if t is not None][
        : args.timing_queries
    ]
    timing_truth = [t for t in truth if t is not None][: args.timing_queries]

    # 1. Candidate retrieval for one query.
    index.candidates(timing_set[0], 20)  # warm up
    ours = per_query(lambda q: index.candidates(q, 20), timing_set)
    base = per_query(lambda q: brute.candidates(q, 20), timing_set)
    recall_ours = np.mean(
        [
            t in {w for w, _ in index.candidates(q, 20)}
            for q, t in zip(timing_set, timing_truth, strict=True)
        ]
    )
    recall_base = np.mean(
        [
            t in {w for w, _ in brute.candidates(q, 20)}
            for q, t in zip(timing_set, timing_truth, strict=True)
        ]
    )

    # 2. Full ranking of the top 10.
    rank_set = timing_set[: min(20, len(timing_set))]
    with opencv_threads(1):
        rank10 = per_query(lambda q: index.rank(q, lookup, top=10, shortlist=10), rank_set)
        rank20 = per_query(lambda q: index.rank(q, lookup, top=10), rank_set)

        def baseline_rank(q: ImageFeatures) -> list[tuple[str, float | None]]:
            return sorted(
                ((w, compare(lookup[w], q).score) for w, _ in brute.candidates(q, 10)),
                key=lambda item: -(item[1] or 0.0),
            )

        rank_base = per_query(baseline_rank, rank_set)

    # 3. The batch on all cores, and the brute-force baseline over every pair.
    batch, results = timed(
        "batch", lambda: match_batch(queries, index, lookup, workers=args.workers)
    )
    precision, recall = flag_quality(results, truth)

    def brute_batch() -> list[tuple[str, int]]:
        return [brute.candidates(q, 1)[0] for _, q in queries]

    brute_timing, brute_best = timed("brute", brute_batch)
    threshold = 16  # whole-image pHash + dHash bits: a near-duplicate
    brute_flags = [(w, d) for w, d in brute_best if d <= threshold]
    brute_correct = sum(
        1 for (w, d), t in zip(brute_best, truth, strict=True) if d <= threshold and w == t
    )
    brute_precision = brute_correct / len(brute_flags) if brute_flags else 1.0
    brute_recall = brute_correct / sum(t is not None for t in truth)

    # 4. Threads versus processes, on a subset.
    subset = queries[: args.scaling_captures]
    one, _ = timed("1 thread", lambda: match_batch(subset, index, lookup, workers=1))
    two, _ = timed("threads", lambda: match_batch(subset, index, lookup, workers=args.workers))
    procs, _ = timed("processes", lambda: batch_with_processes(subset, index, lookup, args.workers))

    rows = [
        ("measure", "ours", "baseline (brute-force hash)", "target"),
        ("index build", ms(build.seconds), "-", "-"),
        (
            "retrieval, one query (median / p95)",
            f"{ms(statistics.median(ours))} / {ms(p95(ours))}",
            f"{ms(statistics.median(base))} / {ms(p95(base))}",
            f"< 50 ms: {'met' if p95(ours) < 0.05 else 'MISSED'}",
        ),
        ("source among 20 candidates", f"{recall_ours:.3f}", f"{recall_base:.3f}", "-"),
        (
            "ranking top 10, shortlist 10 (median / p95)",
            f"{ms(statistics.median(rank10))} / {ms(p95(rank10))}",
            f"{ms(statistics.median(rank_base))} / {ms(p95(rank_base))}",
            f"< 1 s: {'met' if p95(rank10) < 1 else 'MISSED'}",
        ),
        (
            "ranking top 10, shortlist 20 (default)",
            f"{ms(statistics.median(rank20))} / {ms(p95(rank20))}",
            "-",
            f"< 1 s: {'met' if p95(rank20) < 1 else 'MISSED'}",
        ),
        (
            f"batch: {args.captures} captures x {args.works} works",
            f"{batch.seconds:.1f} s ({batch.cores_used:.2f} cores)",
            f"{brute_timing.seconds:.1f} s (1 core)",
            f"< 5 min at 1,000 x 10,000: {'met' if batch.seconds * 1000 / args.captures < 300 else 'MISSED'} (scaled)",
        ),
        (
            "batch flags: precision / recall",
            f"{precision:.3f} / {recall:.3f}",
            f"{brute_precision:.3f} / {brute_recall:.3f}",
            "-",
        ),
        (
            f"parallel speed-up ({len(subset)} captures)",
            f"threads x{one.seconds / two.seconds:.2f}, processes x{one.seconds / procs.seconds:.2f}",
            f"1 thread {one.seconds:.1f} s",
            "-",
        ),
        ("peak memory", f"{peak_rss_mb():.0f} MB", "-", "-"),
    ]
    print(table(rows))
    print(f"total run {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
