"""Compare one original work with one candidate image: metrics, score, band and explanation.

:func:`compare` is the one entry point the CLI, the GUI and the batch matcher share. The
result carries everything a report or a side-by-side view needs: each metric with its
sentence, the overall score and band (or the reason the pair cannot be compared), the matched
point pairs and the matched-region polygons in each stored image's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.compare import scoring
from app.compare.features import FEATURES_VERSION, ImageFeatures
from app.compare.metrics import (
    Alignment,
    Metric,
    align,
    aligned_ssim,
    hash_metrics,
    keypoint_metrics,
    palette_metric,
    ssim_metric,
)

ENGINE_VERSION = f"proofshot-compare/{FEATURES_VERSION}.1"
"""Recorded with every comparison so a result can be tied to the exact method that made it."""


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing an original with a candidate."""

    score: float | None
    """Overall similarity in [0, 1]; ``None`` when the pair cannot be compared."""
    band: str | None
    """``high``, ``medium`` or ``low``; ``None`` when the pair cannot be compared."""
    cannot_compare: str | None
    """Why no score is given, as a sentence; ``None`` for a scored comparison."""
    metrics: tuple[Metric, ...]
    alignment: Alignment | None
    summary: str
    notes: tuple[str, ...] = ()
    inputs: dict[str, float] = field(default_factory=dict)
    """The score model's inputs, so the score can be recomputed by hand."""
    engine: str = ENGINE_VERSION

    def metric(self, name: str) -> Metric:
        """The metric called ``name`` (``phash``, ``dhash``, ``colour_hash``, ``keypoints``,
        ``inlier_ratio``, ``ssim``, ``palette``)."""
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(name)

    @property
    def sentences(self) -> list[str]:
        """The summary then one sentence per metric, ready to print."""
        return [self.summary, *(m.sentence for m in self.metrics), *self.notes]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record, with the GUI's point pairs and polygons."""
        alignment: dict[str, object] | None = None
        if self.alignment is not None:
            a = self.alignment
            alignment = {
                "mirrored": a.mirrored,
                "tentative": a.tentative,
                "inliers": a.inliers,
                "raw_inliers": a.raw_inliers,
                "homography": np.round(a.homography, 8).tolist(),
                "points_original": np.round(a.points_original, 2).tolist(),
                "points_candidate": np.round(a.points_candidate, 2).tolist(),
                "region_original": np.round(a.region_original, 2).tolist(),
                "region_candidate": np.round(a.region_candidate, 2).tolist(),
                "candidate_outline": np.round(a.candidate_outline, 2).tolist(),
                "region_share": a.region_share,
                "overlap_share": a.overlap_share,
                "scale": a.scale,
                "rotation_deg": a.rotation_deg,
            }
        return {
            "engine": self.engine,
            "score": self.score,
            "band": self.band,
            "cannot_compare": self.cannot_compare,
            "summary": self.summary,
            "metrics": [m.to_dict() for m in self.metrics],
            "inputs": dict(self.inputs),
            "notes": list(self.notes),
            "alignment": alignment,
        }


def _notes(original: ImageFeatures, candidate: ImageFeatures) -> tuple[str, ...]:
    return tuple(f"Original: {n}" for n in original.notes) + tuple(
        f"Candidate: {n}" for n in candidate.notes
    )


def cannot_compare(reason: str, notes: tuple[str, ...] = ()) -> Comparison:
    """A comparison that gives no score, only the reason."""
    return Comparison(
        score=None,
        band=None,
        cannot_compare=reason,
        metrics=(),
        alignment=None,
        summary=f"Cannot compare: {reason}",
        notes=notes,
    )


def compare(original: ImageFeatures, candidate: ImageFeatures) -> Comparison:
    """Compare a candidate (e.g. an AI output) with an original work.

    The pair is aligned with local features (plain and mirrored), SSIM is measured in the
    matched region, hashes and palettes are compared, and the calibrated model of
    :mod:`app.compare.scoring` turns the evidence into a score and a band.
    """
    notes = _notes(original, candidate)
    for label, features in (("original", original), ("candidate", candidate)):
        if features.version != FEATURES_VERSION:
            return cannot_compare(
                f"the {label}'s features were computed by another version of the engine "
                f"({features.version}, expected {FEATURES_VERSION}); recompute them.",
                notes,
            )
    alignment = align(original, candidate)
    hashes = hash_metrics(original, candidate)
    phash_best = hashes[0].value if hashes[0].value is not None else 64.0
    if isinstance(alignment, Alignment):
        ssim = aligned_ssim(original, candidate, alignment)
        inputs = scoring.score_inputs(
            alignment.inliers, alignment.region_share, ssim, phash_best, alignment.inlier_ratio
        )
    else:
        ssim = None
        inputs = scoring.score_inputs(0, 0.0, None, phash_best, 0.0)
    score = scoring.score_from_inputs(inputs)
    band = scoring.band_for(score)
    metrics = (
        *keypoint_metrics(alignment),
        ssim_metric(ssim),
        *hashes,
        palette_metric(original, candidate),
    )
    summary = (
        f"Overall similarity {score:.2f} on a scale of 0 to 1, band {band}: "
        f"{scoring.BAND_SENTENCES[band]}."
    )
    return Comparison(
        score=score,
        band=band,
        cannot_compare=None,
        metrics=metrics,
        alignment=alignment if isinstance(alignment, Alignment) else None,
        summary=summary,
        notes=notes,
        inputs=inputs,
    )
