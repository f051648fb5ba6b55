"""The similarity engine: which original work does an image resemble, and why.

GUI-free (no Qt here). Typical use::

    from app.compare import FeatureCache, WorkIndex, compare, match_batch

    cache = FeatureCache(cache_dir)                      # outside any case
    works = {work_id: cache.features(path) for work_id, path in library.items()}
    index = WorkIndex.from_features(works.items())
    for match in index.rank(cache.features(capture_path), works, top=10):
        print(match.work_id, f"{match.score:.2f}", match.band)
        print("\\n".join(match.comparison.sentences))

Modules, one concern each: :mod:`~app.compare.loading` (safe decoding, ``CannotCompare``),
:mod:`~app.compare.hashes` (perceptual hashes), :mod:`~app.compare.features`
(``ImageFeatures``), :mod:`~app.compare.cache` (``FeatureCache``), :mod:`~app.compare.metrics`
(pairwise measurements and their sentences), :mod:`~app.compare.scoring` (the calibrated
score and bands), :mod:`~app.compare.comparison` (``compare``), :mod:`~app.compare.index`
(``WorkIndex``), :mod:`~app.compare.batch` (``match_batch``), :mod:`~app.compare.synthetic`
and :mod:`~app.compare.calibration` (the documented calibration set).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The engine's names load on first use (PEP 562), so that importing a light sibling module
# such as ``app.compare.works`` does not pull in OpenCV, SciPy and NumPy at CLI start-up.
_EXPORTS = {
    "BatchResult": "app.compare.batch",
    "match_batch": "app.compare.batch",
    "FeatureCache": "app.compare.cache",
    "ENGINE_VERSION": "app.compare.comparison",
    "Comparison": "app.compare.comparison",
    "compare": "app.compare.comparison",
    "FEATURES_VERSION": "app.compare.features",
    "ImageFeatures": "app.compare.features",
    "compute_features": "app.compare.features",
    "Match": "app.compare.index",
    "WorkIndex": "app.compare.index",
    "CannotCompare": "app.compare.loading",
    "Alignment": "app.compare.metrics",
    "Metric": "app.compare.metrics",
}

__all__ = [
    "ENGINE_VERSION",
    "FEATURES_VERSION",
    "Alignment",
    "BatchResult",
    "CannotCompare",
    "Comparison",
    "FeatureCache",
    "ImageFeatures",
    "Match",
    "Metric",
    "WorkIndex",
    "compare",
    "compute_features",
    "match_batch",
]

if TYPE_CHECKING:
    from app.compare.batch import BatchResult, match_batch
    from app.compare.cache import FeatureCache
    from app.compare.comparison import ENGINE_VERSION, Comparison, compare
    from app.compare.features import FEATURES_VERSION, ImageFeatures, compute_features
    from app.compare.index import Match, WorkIndex
    from app.compare.loading import CannotCompare
    from app.compare.metrics import Alignment, Metric


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'app.compare' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
