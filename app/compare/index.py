"""Find which works an image resembles: a fast hash index, then full comparison of a shortlist.

Retrieval must stay fast for a library of 10,000 works, while the full comparison (local
features, RANSAC, SSIM) costs milliseconds per pair. So a search runs in two stages:

1. :meth:`WorkIndex.candidates` scans every work's window hashes (121 windows × pHash and
   dHash of the greyscale and the edge image, packed as uint64) through three channels (see
   :class:`WorkIndex`), using NumPy's vectorised XOR and popcount: pHash alone for every
   work, then pHash + dHash for the nearest few hundred. For 10,000 works that is ~7 million
   64-bit comparisons, about 20 ms of one core, with no tuning to get wrong (a BK-tree or a
   multi-index over hash chunks would visit most of the library at the radii that crops
   need, and is slower than a vectorised scan in Python at this size).
2. :meth:`WorkIndex.rank` runs :func:`~app.compare.comparison.compare` on the shortlist and
   orders the works by score.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.compare.comparison import Comparison, compare
from app.compare.features import EDGES, EDGES_MIRROR, GREY, GREY_MIRROR, ImageFeatures
from app.compare.hashes import WINDOWS

WorkLookup = Mapping[str, ImageFeatures] | Callable[[str], ImageFeatures]
"""Where :meth:`WorkIndex.rank` gets a work's full features: a mapping or a function (e.g. a
:class:`~app.compare.cache.FeatureCache` lookup), so the index itself stays small."""

_BLOCK = 1024
"""Works per block in a scan: 1024 × 121 windows × 8 bytes = 1 MB, about an L2 cache."""
_REFINE = 8
_REFINE_MIN = 128
"""The exact distance is computed for the best max(8 k, 128) works by pHash alone."""

DEFAULT_SHORTLIST = 20
"""Works fully compared per query by default: twice the ten shown, so a source that the hash
ranked 11th–20th (heavy crops, partial redraws) still reaches the full comparison."""


def _get(lookup: WorkLookup, work_id: str) -> ImageFeatures:
    if isinstance(lookup, Mapping):
        return lookup[work_id]
    return lookup(work_id)


@dataclass(frozen=True)
class Match:
    """One work's place in a ranking."""

    work_id: str
    score: float | None
    band: str | None
    hash_distance: int
    """The retrieval distance (pHash + dHash bits, 0–128) that shortlisted this work."""
    comparison: Comparison

    @property
    def flagged(self) -> bool:
        """A likely match: band high or medium."""
        return self.band in ("high", "medium")


class WorkIndex:
    """Window hashes of every work: a (works × 2 pictures × 2 hashes × windows) uint64 array.

    The pictures are the greyscale image and the edge image (whose hashes survive
    recolouring). A query is matched through three channels, and the smallest distance wins:

    * whole query (and its mirror) against every window of the work — crops and resizes;
    * whole edge image of the query (and its mirror) against the work's edge windows —
      recolouring;
    * each window of the query (and of its mirror) against the same window of the work —
      local edits such as a partly redrawn picture or an overlaid caption, where some windows
      are untouched.
    """

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._pending: list[np.ndarray] = []
        self._hashes = np.zeros((0, 2, 2, len(WINDOWS)), np.uint64)
        self._positions: dict[str, int] = {}

    @classmethod
    def from_features(cls, works: Iterable[tuple[str, ImageFeatures]]) -> WorkIndex:
        """Build an index from ``(work_id, features)`` pairs."""
        index = cls()
        for work_id, features in works:
            index.add(work_id, features)
        return index

    @staticmethod
    def _row(features: ImageFeatures) -> np.ndarray:
        return features.hashes[[GREY, EDGES]]

    def add(self, work_id: str, features: ImageFeatures) -> None:
        """Add a work; adding the same id again replaces its hashes."""
        if work_id in self._positions:
            self._consolidate()
            self._hashes[self._positions[work_id]] = self._row(features)
            return
        self._positions[work_id] = len(self._ids)
        self._ids.append(work_id)
        self._pending.append(self._row(features))

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, work_id: object) -> bool:
        return work_id in self._positions

    @property
    def work_ids(self) -> list[str]:
        return list(self._ids)

    def _consolidate(self) -> None:
        if self._pending:
            self._hashes = np.concatenate([self._hashes, np.stack(self._pending)])
            self._pending.clear()

    def _scan(self, rows: np.ndarray, features: ImageFeatures, with_dhash: bool) -> np.ndarray:
        """Smallest distance over the three channels for the works ``rows`` (a block of the
        hash array): pHash bits only, or pHash + dHash bits.

        Works are scanned in blocks that stay in the CPU cache while all six query
        combinations are applied, with preallocated buffers: the scan is bound by memory
        traffic, not arithmetic.
        """
        q = features.hashes
        combos = (
            (0, q[GREY, 0, 0], q[GREY, 1, 0]),
            (0, q[GREY_MIRROR, 0, 0], q[GREY_MIRROR, 1, 0]),
            (1, q[EDGES, 0, 0], q[EDGES, 1, 0]),
            (1, q[EDGES_MIRROR, 0, 0], q[EDGES_MIRROR, 1, 0]),
            (0, q[GREY, 0], q[GREY, 1]),  # window by window
            (0, q[GREY_MIRROR, 0], q[GREY_MIRROR, 1]),
        )
        total = len(rows)
        best = np.empty(total, np.uint8)
        block = min(_BLOCK, total)
        xor = np.empty((block, len(WINDOWS)), np.uint64)
        bits = np.empty((block, len(WINDOWS)), np.uint8)
        more = np.empty((block, len(WINDOWS)), np.uint8)
        for start in range(0, total, block):
            chunk = rows[start : start + block]
            n = len(chunk)
            x, b, m = xor[:n], bits[:n], more[:n]
            low = np.full(n, 255, np.uint8)
            for picture, qp, qd in combos:
                np.bitwise_xor(chunk[:, picture, 0], qp, out=x)
                np.bitwise_count(x, out=b)
                if with_dhash:
                    np.bitwise_xor(chunk[:, picture, 1], qd, out=x)
                    np.bitwise_count(x, out=m)
                    b += m
                np.minimum(low, b.min(axis=1), out=low)
            best[start : start + n] = low
        return best

    def distances(self, features: ImageFeatures) -> np.ndarray:
        """Per work, the smallest pHash + dHash distance (0–128 bits) over the three channels
        described in the class docstring."""
        self._consolidate()
        return self._scan(self._hashes, features, with_dhash=True)

    def candidates(
        self, features: ImageFeatures, k: int = DEFAULT_SHORTLIST
    ) -> list[tuple[str, int]]:
        """The ``k`` works nearest by hash, as ``(work_id, distance)``, nearest first.

        Two stages: the pHash distance alone over every work (half the memory traffic),
        then the exact pHash + dHash distance for the nearest :data:`_REFINE` × ``k`` of them.
        """
        self._consolidate()
        total = len(self._ids)
        if total == 0 or k <= 0:
            return []
        k = min(k, total)
        pool = min(total, max(_REFINE * k, _REFINE_MIN))
        if pool < total:
            coarse = self._scan(self._hashes, features, with_dhash=False)
            rows = np.argpartition(coarse, pool - 1)[:pool]
        else:
            rows = np.arange(total)
        exact = self._scan(self._hashes[rows], features, with_dhash=True)
        order = np.lexsort((rows, exact))[:k]
        return [(self._ids[rows[i]], int(exact[i])) for i in order]

    def rank(
        self,
        features: ImageFeatures,
        lookup: WorkLookup,
        top: int = 10,
        shortlist: int = DEFAULT_SHORTLIST,
    ) -> list[Match]:
        """Compare the query with its ``shortlist`` nearest works; best ``top`` first.

        Works that cannot be compared are listed after all scored ones.
        """
        matches = []
        for work_id, distance in self.candidates(features, max(top, shortlist)):
            comparison = compare(_get(lookup, work_id), features)
            matches.append(Match(work_id, comparison.score, comparison.band, distance, comparison))
        matches.sort(key=lambda m: (m.score is None, -(m.score or 0.0), m.hash_distance, m.work_id))
        return matches[:top]

    # --- persistence ----------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the index (ids and hashes only) as ``.npz``; rebuildable from features."""
        self._consolidate()
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as handle:
            np.savez(handle, ids=np.array(self._ids, dtype=str), hashes=self._hashes)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> WorkIndex:
        """Read :meth:`save`'s file; ``ValueError`` if it is damaged or of another layout."""
        try:
            with np.load(Path(path), allow_pickle=False) as npz:
                ids = [str(i) for i in npz["ids"]]
                hashes = np.array(npz["hashes"])
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"not a valid work index: {exc}") from exc
        if hashes.shape != (len(ids), 2, 2, len(WINDOWS)) or hashes.dtype != np.uint64:
            raise ValueError("work index has another layout; rebuild it from the features")
        index = cls()
        index._ids = ids
        index._positions = {work_id: i for i, work_id in enumerate(ids)}
        index._hashes = hashes
        return index
