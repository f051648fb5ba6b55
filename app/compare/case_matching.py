"""The similarity engine applied to a case: its works in force, its images, cached features.

The engine (:mod:`app.compare.index`, :mod:`~app.compare.batch`, …) knows images; this module
knows cases — which works are in force (not superseded by a correction, not backed by a
withdrawn item), where their bytes are stored, which items are worth matching — and turns
the engine's results into records that name works by id and title.

It is split so that a GUI can keep SQLite on its own thread: :func:`snapshot`,
:func:`item_refs` and :func:`pair_request` read the case (cheap, on the caller's thread) and
return plain data; :func:`open_library`, :meth:`WorkLibrary.rank`, :meth:`WorkLibrary.match`
and :func:`compare_pair` do the heavy work on that data, in any thread, without a
connection. :func:`rank_item`, :func:`match_case` and :func:`compare_item` compose the two
for the CLI and scripts.

Nothing here writes to the case: matching is a reading, and evidence is never altered.
Features are cached by SHA-256 under ``cache_dir()/features`` (shared with the campaign
matcher) and each set of works' hash index under ``cache_dir()/compare-index``; both can be
deleted at any time and are rebuilt from the stored bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.compare.batch import Query, match_batch, opencv_threads
from app.compare.cache import FeatureCache
from app.compare.comparison import Comparison, cannot_compare, compare
from app.compare.features import FEATURES_VERSION, ImageFeatures
from app.compare.index import DEFAULT_SHORTLIST, Match, WorkIndex
from app.compare.loading import CannotCompare
from app.compare.works import get_work
from app.config import cache_dir
from app.core import items as items_mod
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.jobs import CancelToken, Progress, ProgressCallback, no_progress

TOP = 10
"""Works listed per item: the engine compares a shortlist of 20 and keeps the best ten."""

FLAGGED_BANDS = ("high", "medium")
"""Bands the batch flags as a likely match (the engine's own rule)."""

MEMORY_FEATURES = 2000
"""Works whose features stay in memory between queries (about 100 KB each); beyond this
the least recently used are read back from the disk cache when a query needs them."""

_LIBRARIES = 4
"""Libraries kept open in this process (a window ranks item after item against the same)."""

NEVER_MATCHED_KINDS = ("original-work", "licence-document")
"""Item kinds a batch never matches: the works themselves and their licence documents."""


METRIC_LABELS = {
    "keypoints": "Aligned points",
    "inlier_ratio": "Agreement",
    "ssim": "SSIM",
    "phash": "pHash",
    "dhash": "dHash",
    "colour_hash": "Colour hash",
    "palette": "Palette ΔE",
}
"""Short names for the engine's metrics, for tables (the sentences carry the meaning)."""


class NoWorksError(ProofshotError):
    """The case has no original works to match against."""


# -- reading the case (caller's thread) ---------------------------------------------------------


@dataclass(frozen=True)
class LibraryWork:
    """A work in force and where its artwork's bytes are stored."""

    work_id: int
    item_id: int
    title: str
    registration: str
    sha256: str
    path: Path


@dataclass(frozen=True)
class LibrarySnapshot:
    """The case's works in force at one moment, as plain data usable from any thread."""

    case_path: Path
    works: tuple[LibraryWork, ...]

    @property
    def key(self) -> str:
        """Names this set of works and the engine version: a changed work (a correction is a
        new id, new artwork new bytes) gives a new key, so a stale index is never used."""
        digest = hashlib.sha256(f"proofshot-work-index/v{FEATURES_VERSION}".encode())
        for work in sorted(self.works, key=lambda w: w.work_id):
            digest.update(f"\n{work.work_id}:{work.sha256}".encode())
        return digest.hexdigest()

    def work(self, work_id: int) -> LibraryWork:
        for work in self.works:
            if work.work_id == work_id:
                return work
        raise KeyError(work_id)

    def __len__(self) -> int:
        return len(self.works)


def snapshot(case: Case) -> LibrarySnapshot:
    """The works in force: not superseded by a correction, backed by an item not withdrawn."""
    rows = case.conn.execute(
        "SELECT w.id, w.item_id, w.title, w.registration, i.sha256 FROM works w"
        " JOIN items i ON i.id = w.item_id"
        " WHERE w.id NOT IN (SELECT supersedes FROM works WHERE supersedes IS NOT NULL)"
        " AND w.item_id NOT IN (SELECT item_id FROM withdrawals) ORDER BY w.id"
    ).fetchall()
    works = tuple(
        LibraryWork(
            int(wid), int(item), str(title), str(reg), str(sha), case.objects.path_for(str(sha))
        )
        for wid, item, title, reg, sha in rows
    )
    return LibrarySnapshot(Path(case.path), works)


@dataclass(frozen=True)
class ItemRef:
    """An item to match, as plain data: its id, bytes' hash and stored path."""

    item_id: int
    sha256: str
    path: Path
    media_type: str
    kind: str
    source: str

    @property
    def label(self) -> str:
        """A short name for lists: the item number and the last part of its source."""
        tail = self.source.rstrip("/").rsplit("/", 1)[-1] if self.source else ""
        return f"#{self.item_id} {tail[-48:]}".rstrip()


def _is_image(media_type: str) -> bool:
    return media_type.startswith("image/") and media_type != "image/svg+xml"


def item_refs(case: Case, item_ids: Iterable[int] | None = None) -> list[ItemRef]:
    """The items to match, in id order.

    Without ``item_ids``: every image item that is not withdrawn, not a work's artwork and
    not a licence document. With ``item_ids``: exactly those items (ids not in the case are
    skipped; an item that is not an image will be reported as one that cannot be compared).
    """
    sql = (
        "SELECT i.id, i.sha256, i.media_type, i.kind, i.source FROM items i WHERE 1 = 1"
        if item_ids is not None
        else "SELECT i.id, i.sha256, i.media_type, i.kind, i.source FROM items i"
        " WHERE i.id NOT IN (SELECT item_id FROM withdrawals)"
        " AND i.id NOT IN (SELECT item_id FROM works)"
        f" AND i.kind NOT IN ({','.join('?' * len(NEVER_MATCHED_KINDS))})"
    )
    params: list[Any] = [] if item_ids is not None else list(NEVER_MATCHED_KINDS)
    wanted: list[int] | None = None
    if item_ids is not None:
        wanted = list(dict.fromkeys(int(i) for i in item_ids))
        if not wanted:
            return []
        sql += f" AND i.id IN ({','.join('?' * len(wanted))})"
        params.extend(wanted)
    refs = [
        ItemRef(int(i), str(sha), case.objects.path_for(str(sha)), str(mt), str(kind), str(src))
        for i, sha, mt, kind, src in case.conn.execute(sql + " ORDER BY i.id", params)
    ]
    if wanted is None:
        refs = [r for r in refs if _is_image(r.media_type)]
    return refs


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkMatch:
    """One work's place in an item's ranking, with the sentences that explain its score."""

    work_id: int
    title: str
    registration: str
    score: float
    band: str
    hash_distance: int
    summary: str
    sentences: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return self.band in FLAGGED_BANDS

    def as_dict(self) -> dict[str, Any]:
        return {
            "work_id": self.work_id,
            "title": self.title,
            "registration": self.registration,
            "score": round(self.score, 4),
            "band": self.band,
            "flagged": self.flagged,
            "hash_distance": self.hash_distance,
            "summary": self.summary,
            "sentences": list(self.sentences),
        }


@dataclass(frozen=True)
class ItemMatches:
    """The ranked works for one item, or why the item could not be compared."""

    item_id: int
    sha256: str
    matches: tuple[WorkMatch, ...]
    cannot_compare: str | None = None

    @property
    def best(self) -> WorkMatch | None:
        return self.matches[0] if self.matches else None

    @property
    def flagged(self) -> bool:
        """A likely match: the best work is in band high or medium."""
        return self.best is not None and self.best.flagged

    def as_dict(self) -> dict[str, Any]:
        """The ``proofshot match --json`` record: works by id, title, score and band."""
        return {
            "item_id": self.item_id,
            "sha256": self.sha256,
            "matches": [
                {"work_id": m.work_id, "title": m.title, "score": round(m.score, 4), "band": m.band}
                for m in self.matches
            ],
            "flagged": self.flagged,
            "cannot_compare": self.cannot_compare,
        }


# -- the library (any thread) -------------------------------------------------------------------


def feature_cache() -> FeatureCache:
    """The per-user feature cache (outside every case; ``verify`` never reads it)."""
    return FeatureCache(cache_dir() / "features")


def index_dir() -> Path:
    return cache_dir() / "compare-index"


def features_of(cache: FeatureCache, sha256: str, path: Path) -> ImageFeatures:
    """Features from the cache by hash (without reading the file), else computed and stored.

    Raises :class:`~app.compare.loading.CannotCompare` with the reason.
    """
    cached = cache.get(sha256)
    return cached if cached is not None else cache.features(path)


class WorkLibrary:
    """The works' hash index, with their full features read on demand for the shortlist.

    Thread-safe: the batch ranks queries on several threads against one library.
    """

    def __init__(
        self,
        snap: LibrarySnapshot,
        index: WorkIndex,
        cache: FeatureCache,
        unusable: dict[int, str],
        loaded: dict[str, ImageFeatures] | None = None,
        *,
        source: str = "built",
    ) -> None:
        self.snapshot = snap
        self.source = source
        """Where the index came from: ``built`` from features, or ``disk`` (persisted)."""
        self.index = index
        self.cache = cache
        self.unusable = dict(unusable)
        """Works whose artwork cannot be analysed, with the reason (never ranked)."""
        self._works = {str(w.work_id): w for w in snap.works}
        self._memory: OrderedDict[str, ImageFeatures] = OrderedDict()
        self._lock = threading.Lock()
        for work_id, features in (loaded or {}).items():
            self._remember(work_id, features)

    def _remember(self, work_id: str, features: ImageFeatures) -> None:
        with self._lock:
            self._memory[work_id] = features
            self._memory.move_to_end(work_id)
            while len(self._memory) > MEMORY_FEATURES:
                self._memory.popitem(last=False)

    def features(self, work_id: str) -> ImageFeatures:
        """A work's full features (the engine's lookup for the shortlist)."""
        with self._lock:
            found = self._memory.get(work_id)
            if found is not None:
                self._memory.move_to_end(work_id)
                return found
        work = self._works[work_id]
        features = features_of(self.cache, work.sha256, work.path)
        self._remember(work_id, features)
        return features

    def _work_match(self, match: Match) -> WorkMatch | None:
        if match.score is None or match.band is None:
            return None
        work = self._works[match.work_id]
        return WorkMatch(
            work.work_id,
            work.title,
            work.registration,
            float(match.score),
            match.band,
            int(match.hash_distance),
            match.comparison.summary,
            tuple(match.comparison.sentences),
        )

    def _convert(self, matches: Iterable[Match]) -> tuple[WorkMatch, ...]:
        converted = (self._work_match(m) for m in matches)
        return tuple(m for m in converted if m is not None)

    def rank(self, features: ImageFeatures, top: int = TOP) -> list[WorkMatch]:
        """The works an image resembles, best first (works that cannot be compared omitted)."""
        if len(self.index) == 0:
            return []
        return list(
            self._convert(
                self.index.rank(features, self.features, top=top, shortlist=DEFAULT_SHORTLIST)
            )
        )

    def rank_ref(self, ref: ItemRef, top: int = TOP) -> ItemMatches:
        """Rank one item; an item that cannot be analysed comes back with the reason."""
        try:
            features = features_of(self.cache, ref.sha256, ref.path)
        except CannotCompare as exc:
            return ItemMatches(ref.item_id, ref.sha256, (), exc.reason)
        return ItemMatches(ref.item_id, ref.sha256, tuple(self.rank(features, top)))

    def match(
        self,
        refs: Sequence[ItemRef],
        *,
        workers: int = 2,
        top: int = TOP,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> list[ItemMatches]:
        """Rank every item: features first (spread over ``workers``), then the engine's batch.

        When cancelled, the items finished so far are returned, in the order of ``refs``.
        """
        cancel = cancel or CancelToken()
        total = len(refs)
        progress(Progress(0, total, "Analysing the images"))
        analysed: dict[int, ImageFeatures | CannotCompare] = {}

        def analyse(ref: ItemRef) -> ImageFeatures | CannotCompare:
            if cancel.cancelled:
                return CannotCompare("cancelled", "Matching was cancelled.")
            try:
                return features_of(self.cache, ref.sha256, ref.path)
            except CannotCompare as exc:
                return exc

        with opencv_threads(1), ThreadPoolExecutor(max(1, workers)) as pool:
            for n, (ref, result) in enumerate(zip(refs, pool.map(analyse, refs), strict=True)):
                analysed[ref.item_id] = result
                progress(Progress(n + 1, total, "Analysing the images"))
        if cancel.cancelled:
            return []
        queries: list[Query] = [(str(r.item_id), analysed[r.item_id]) for r in refs]
        by_sha = {r.item_id: r.sha256 for r in refs}
        if len(self.index) == 0:  # no work could be analysed: nothing ranks
            return [
                ItemMatches(
                    int(qid),
                    by_sha[int(qid)],
                    (),
                    f.reason if isinstance(f, CannotCompare) else None,
                )
                for qid, f in queries
            ]
        results = match_batch(
            queries,
            self.index,
            self.features,
            workers=workers,
            top=top,
            progress=lambda p: progress(
                Progress(p.done, p.total, "Matching the images against the works")
            ),
            cancel=cancel,
        )
        return [
            ItemMatches(
                int(r.query_id), by_sha[int(r.query_id)], self._convert(r.matches), r.cannot_compare
            )
            for r in results
        ]


_OPEN: OrderedDict[tuple[str, str, str], WorkLibrary] = OrderedDict()
_OPEN_LOCK = threading.Lock()


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_index(snap: LibrarySnapshot) -> tuple[WorkIndex, dict[int, str]] | None:
    """The persisted index of exactly these works, or ``None`` if absent or unusable."""
    base = index_dir() / snap.key
    try:
        index = WorkIndex.load(base.with_suffix(".npz"))
        meta = json.loads(base.with_suffix(".json").read_text("utf-8"))
        unusable = {int(k): str(v) for k, v in dict(meta["unusable"]).items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    expected = {str(w.work_id) for w in snap.works} - {str(k) for k in unusable}
    if set(index.work_ids) != expected or meta.get("key") != snap.key:
        return None
    return index, unusable


def _save_index(snap: LibrarySnapshot, index: WorkIndex, unusable: dict[int, str]) -> None:
    """Persist the index (a rebuildable cache: a failure to write it is not an error)."""
    base = index_dir() / snap.key
    meta = {"key": snap.key, "features_version": FEATURES_VERSION, "unusable": unusable}
    try:
        _write_atomic(base.with_suffix(".npz"), index.save)
        _write_atomic(
            base.with_suffix(".json"),
            lambda p: p.write_text(json.dumps(meta, ensure_ascii=False), "utf-8"),
        )
    except OSError:
        pass


def _build(
    snap: LibrarySnapshot,
    cache: FeatureCache,
    workers: int,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> WorkLibrary:
    total = len(snap.works)
    progress(Progress(0, total, "Analysing the original works"))

    def analyse(work: LibraryWork) -> ImageFeatures | CannotCompare:
        cancel.raise_if_cancelled()
        try:
            return features_of(cache, work.sha256, work.path)
        except CannotCompare as exc:
            return exc

    loaded: dict[str, ImageFeatures] = {}
    unusable: dict[int, str] = {}
    with opencv_threads(1), ThreadPoolExecutor(max(1, workers)) as pool:
        for n, (work, result) in enumerate(
            zip(snap.works, pool.map(analyse, snap.works), strict=True)
        ):
            if isinstance(result, CannotCompare):
                unusable[work.work_id] = result.reason
            else:
                loaded[str(work.work_id)] = result
            progress(Progress(n + 1, total, "Analysing the original works"))
    index = WorkIndex.from_features(loaded.items())
    _save_index(snap, index, unusable)
    keep = dict(list(loaded.items())[:MEMORY_FEATURES])
    return WorkLibrary(snap, index, cache, unusable, keep)


def open_library(
    snap: LibrarySnapshot,
    *,
    cache: FeatureCache | None = None,
    workers: int = 2,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> WorkLibrary:
    """The library of these works: kept open in this process, else the persisted hash index,
    else built from the works' features (computed once per artwork and cached by hash).

    Raises :class:`~app.core.errors.Cancelled` if cancelled while features are computed.
    """
    cache = cache or feature_cache()
    memo = (str(snap.case_path), snap.key, str(cache.directory))
    with _OPEN_LOCK:
        library = _OPEN.get(memo)
        if library is not None:
            _OPEN.move_to_end(memo)
            return library
    persisted = _load_index(snap)
    if persisted is not None:
        library = WorkLibrary(snap, persisted[0], cache, persisted[1], source="disk")
    else:
        library = _build(snap, cache, workers, progress, cancel or CancelToken())
    with _OPEN_LOCK:
        _OPEN[memo] = library
        while len(_OPEN) > _LIBRARIES:
            _OPEN.popitem(last=False)
    return library


def forget_libraries() -> None:
    """Drop the libraries kept open in this process (tests; or after clearing the cache)."""
    with _OPEN_LOCK:
        _OPEN.clear()


# -- comparing one pair (any thread) ------------------------------------------------------------


@dataclass(frozen=True)
class PairRequest:
    """An output item and a work to compare, as plain data."""

    item_id: int
    item_sha256: str
    item_path: Path
    work_id: int
    work_item_id: int
    work_title: str
    work_registration: str
    work_sha256: str
    work_path: Path


def pair_request(case: Case, item_ref: int | str, work_id: int) -> PairRequest:
    """Resolve an item (id or SHA-256 prefix) and a work id; raises the core's not-found errors."""
    item = items_mod.get_item(case, item_ref)
    work = get_work(case, int(work_id))
    return PairRequest(
        item.id,
        item.sha256,
        case.objects.path_for(item.sha256),
        work.id,
        work.item_id,
        work.title,
        work.registration,
        work.sha256,
        case.objects.path_for(work.sha256),
    )


def compare_features(
    request: PairRequest, cache: FeatureCache | None = None
) -> tuple[Comparison, str | None]:
    """The engine's comparison of the pair, and the stable code when it cannot be made."""
    cache = cache or feature_cache()
    sides = (
        (
            "original",
            f"The original work ({request.work_title})",
            request.work_sha256,
            request.work_path,
        ),
        ("output", f"The output (item {request.item_id})", request.item_sha256, request.item_path),
    )
    found: dict[str, ImageFeatures] = {}
    for side, label, sha, path in sides:
        try:
            found[side] = features_of(cache, sha, path)
        except CannotCompare as exc:
            return cannot_compare(f"{label} cannot be analysed. {exc.reason}"), exc.code
    comparison = compare(found["original"], found["output"])
    code = "incompatible" if comparison.cannot_compare else None
    return comparison, code


def comparison_record(
    request: PairRequest, comparison: Comparison, code: str | None
) -> dict[str, Any]:
    """The full record: who was compared, every metric with its sentence, the alignment."""
    return {
        "item_id": request.item_id,
        "item_sha256": request.item_sha256,
        "work_id": request.work_id,
        "work_item_id": request.work_item_id,
        "work_title": request.work_title,
        "work_registration": request.work_registration,
        "work_sha256": request.work_sha256,
        **comparison.to_dict(),
        "cannot_compare_code": code,
        "sentences": comparison.sentences,
    }


def compare_pair(request: PairRequest, cache: FeatureCache | None = None) -> dict[str, Any]:
    """Compare a resolved pair: see :func:`compare_item`."""
    comparison, code = compare_features(request, cache)
    return comparison_record(request, comparison, code)


CHART_ALIGNMENT_KEYS = (
    "mirrored",
    "inliers",
    "tentative",
    "raw_inliers",
    "region_share",
    "overlap_share",
    "scale",
    "rotation_deg",
)


def chart_metrics(record: dict[str, Any]) -> dict[str, Any]:
    """What a chart keeps of a comparison: score, band, every metric with its sentence and
    the engine version — not the thousands of point coordinates, which any re-run of the
    same engine on the same stored bytes reproduces."""
    alignment = record.get("alignment") or None
    return {
        "engine": record.get("engine"),
        "score": record.get("score"),
        "band": record.get("band"),
        "cannot_compare": record.get("cannot_compare"),
        "summary": record.get("summary"),
        "metrics": list(record.get("metrics") or []),
        "inputs": dict(record.get("inputs") or {}),
        "notes": list(record.get("notes") or []),
        "alignment": {k: alignment[k] for k in CHART_ALIGNMENT_KEYS if k in alignment}
        if alignment
        else None,
        "item_sha256": record.get("item_sha256"),
        "work_sha256": record.get("work_sha256"),
    }


# -- whole operations on a case (the caller's thread) -------------------------------------------


def rank_item(
    case: Case, item_id: int | str, top: int = TOP, *, workers: int = 2
) -> list[dict[str, Any]]:
    """The works an item resembles, best first: ``[{work_id, title, score, band, flagged,
    summary, sentences, …}]``. Empty when the case has no works.

    Raises :class:`~app.compare.loading.CannotCompare` when the item itself cannot be
    analysed (its reason is a sentence to show), and the core's error for an unknown item.
    """
    item = items_mod.get_item(case, item_id)
    snap = snapshot(case)
    if not snap.works:
        return []
    library = open_library(snap, workers=workers)
    features = features_of(library.cache, item.sha256, case.objects.path_for(item.sha256))
    return [m.as_dict() for m in library.rank(features, top)]


def match_case(
    case: Case,
    item_ids: Iterable[int] | None = None,
    workers: int = 2,
    *,
    top: int = TOP,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> list[ItemMatches]:
    """Match items against the case's works and flag likely matches (band high or medium).

    ``item_ids`` None: every image item except the works and licence documents (see
    :func:`item_refs`). Raises :class:`NoWorksError` when the case has no works in force.
    """
    snap = snapshot(case)
    if not snap.works:
        raise NoWorksError(
            "This case has no original works to match against; add them with `proofshot works add`."
        )
    refs = item_refs(case, item_ids)
    cancel = cancel or CancelToken()
    library = open_library(snap, workers=workers, progress=progress, cancel=cancel)
    return library.match(refs, workers=workers, top=top, progress=progress, cancel=cancel)


def compare_item(case: Case, item_id: int | str, work_id: int) -> dict[str, Any]:
    """Compare an item with one work: the engine's record (score, band, ``metrics`` each with
    its ``sentence``, ``summary``, ``notes``, ``alignment`` with the matched point pairs and
    regions in stored-image pixels) plus the identities of both sides.

    When either image cannot be analysed (flat, tiny, damaged, too large), ``score`` and
    ``band`` are None and ``cannot_compare`` says why (``cannot_compare_code`` is stable).
    """
    return compare_pair(pair_request(case, item_id, work_id))
