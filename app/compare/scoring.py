"""One overall similarity score in [0, 1] and its band, from the individual metrics.

The score is a logistic model over five inputs that each say something a judge can check:

============== ==========================================================================
input          meaning
============== ==========================================================================
log_inliers    log(1 + distinct points that match after alignment)
region_share   share of the original covered by the matched points
ssim           structural similarity inside the matched region once aligned (0 if none)
hash_match     1 - (best pHash distance to the original or a part of it) / 32, at least 0
inlier_ratio   share of tentative point matches that agree with the alignment
============== ==========================================================================

Colour (palette distance, colour hash) is reported but deliberately not scored: recolouring
is one of the commonest edits of a copied character, and sharing a palette is not copying.

The coefficients and the band thresholds were fitted and chosen on the synthetic calibration
set of :mod:`app.compare.calibration` (``python -m app.compare.calibration`` reproduces them)
and are recorded in ``docs/decisions/0003-similarity-engine.md``. They are constants here,
not refitted at run time, so the same pair always gets the same score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

SCORE_INPUTS: tuple[str, ...] = (
    "log_inliers",
    "region_share",
    "ssim",
    "hash_match",
    "inlier_ratio",
)

INTERCEPT = -13.68
COEFFICIENTS: Mapping[str, float] = {
    "log_inliers": 3.58,
    "region_share": 0.54,
    "ssim": 1.07,
    "hash_match": 0.58,
    "inlier_ratio": 1.19,
}
"""Fitted on the calibration set (seed 0: 60 works, 270 standard copies and 60 unrelated
queries, 6,600 compared pairs) by L2-regularised logistic regression (λ = 1), rounded to two
decimals. A score of 0.5 needs 25–35 aligned points, depending on the other inputs; in the
development runs unrelated pairs reached at most 16."""

CALIBRATION_SET: Mapping[str, int] = {"works": 60, "copies": 270, "unrelated": 60, "pairs": 6600}
"""The set the coefficients and thresholds were chosen on (the defaults of
:class:`app.compare.calibration.CalibrationConfig`; a test keeps the two in step), as a
report states it beside the band."""

HIGH_AT = 0.9
"""Score at or above which the band is ``high``: on the calibration set no unrelated pair
reached it."""
MEDIUM_AT = 0.5
"""Score at or above which the band is ``medium`` (and a batch flags a likely match)."""

BANDS = ("high", "medium", "low")


def score_inputs(
    inliers: int,
    region_share: float,
    ssim: float | None,
    best_phash_distance: float,
    inlier_ratio: float,
) -> dict[str, float]:
    """The model's inputs from raw metric values (see the module table)."""
    return {
        "log_inliers": math.log1p(max(0, inliers)),
        "region_share": float(region_share),
        "ssim": max(0.0, float(ssim)) if ssim is not None else 0.0,
        "hash_match": max(0.0, 1.0 - float(best_phash_distance) / 32.0),
        "inlier_ratio": float(inlier_ratio),
    }


def input_matrix(rows: list[dict[str, float]]) -> np.ndarray:
    """Stack input dictionaries into an (n, len(SCORE_INPUTS)) array, columns in order."""
    return np.array([[row[name] for name in SCORE_INPUTS] for row in rows], dtype=np.float64)


def score_from_inputs(
    inputs: Mapping[str, float],
    coefficients: Mapping[str, float] = COEFFICIENTS,
    intercept: float = INTERCEPT,
) -> float:
    """Logistic score in [0, 1]; higher means more likely the same work."""
    z = intercept + sum(coefficients[name] * inputs[name] for name in SCORE_INPUTS)
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def band_for(score: float, high_at: float = HIGH_AT, medium_at: float = MEDIUM_AT) -> str:
    """``high``, ``medium`` or ``low`` for a score."""
    if score >= high_at:
        return "high"
    if score >= medium_at:
        return "medium"
    return "low"


BAND_SENTENCES: Mapping[str, str] = {
    "high": "strong evidence that the candidate reproduces the original",
    "medium": "a likely match that a person should review",
    "low": "no reliable evidence that the candidate reproduces the original",
}
