"""The individual measurements between an original work and a candidate image.

Each measurement answers one question a judge could ask, and comes with a sentence that
answers it in plain words:

* hash distances — is the candidate, or a part of the original, the same picture at a glance?
* keypoint alignment — do many distinctive points of the original reappear in the candidate
  in the same arrangement (one geometric transformation: scale, rotation, crop, mirror)?
* SSIM in the matched region — once aligned, does the structure look the same?
* palette distance — are the dominant colours the same (recolouring changes this one)?

Coordinates handed to the GUI are in the pixels of each stored image, not the working copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from app.compare.features import KIND_EDGES, KIND_GREY, ImageFeatures
from app.compare.hashes import COLOUR_HASH_BITS, HASH_BITS, hamming, hamming_many

RATIO_TEST = 0.8
"""Lowe's ratio: a match counts only if clearly better than the second-best candidate."""

REPROJECTION_PX = 5.0
"""RANSAC inlier tolerance in working-image pixels (images are at most 512 px)."""

MIN_INLIERS = 8
"""Fewer consistent points than this and no alignment is claimed."""

MIN_SSIM_PIXELS = 150
"""SSIM is only reported over a matched region of at least this many thumbnail pixels."""


@dataclass(frozen=True)
class Metric:
    """One measurement, its value and the sentence that explains it."""

    name: str
    value: float | None
    sentence: str
    details: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "sentence": self.sentence,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Alignment:
    """The geometric transformation that maps the candidate onto the original."""

    mirrored: bool
    tentative: int
    """Point matches that passed the ratio test, before geometric checking."""
    raw_inliers: int
    """Tentative matches consistent with the alignment."""
    inliers: int
    """Distinct places among them (a corner found at several scales counts once)."""
    homography: np.ndarray
    """3 × 3, candidate stored-image pixels -> original stored-image pixels."""
    points_original: np.ndarray
    """(n, 2) inlier positions in the original's stored pixels."""
    points_candidate: np.ndarray
    """(n, 2) the same points in the candidate's stored pixels."""
    region_original: np.ndarray
    """Convex polygon (m, 2) around the matched points in the original."""
    region_candidate: np.ndarray
    candidate_outline: np.ndarray
    """The candidate's four corners projected into the original (may extend beyond it)."""
    region_share: float
    """Area of ``region_original`` as a share of the original's area."""
    overlap_share: float
    """Share of the original's area that the projected candidate covers."""
    scale: float
    """How many candidate pixels one original pixel became (geometric mean of both axes)."""
    rotation_deg: float

    @property
    def inlier_ratio(self) -> float:
        return self.raw_inliers / self.tentative if self.tentative else 0.0


# --- hashes -------------------------------------------------------------------------------


UNRELATED_WHOLE_BITS = 32
"""Typical distance between the whole-image hashes of unrelated pictures (half the bits)."""
UNRELATED_PART_BITS = 20
"""Typical smallest distance between an unrelated picture and any of an original's windows
(measured on the calibration set; taking the best of many windows lowers it from 32)."""


def hash_metrics(original: ImageFeatures, candidate: ImageFeatures) -> list[Metric]:
    """pHash and dHash against the whole original and against its closest window; colour hash.

    The metric's value is the closest-window distance (it is what survives cropping); the
    sentence gives both, each with what unrelated pictures typically score.
    """
    metrics = []
    for name, label, windows, full, mirrored in (
        (
            "phash",
            "perceptual hash (pHash)",
            original.phash,
            candidate.full_phash,
            candidate.mirror_phash,
        ),
        (
            "dhash",
            "difference hash (dHash)",
            original.dhash,
            candidate.full_dhash,
            candidate.mirror_dhash,
        ),
    ):
        direct = hamming_many(windows, full)
        flipped = hamming_many(windows, mirrored)
        is_mirror = int(flipped.min()) < int(direct.min())
        chosen = flipped if is_mirror else direct
        best, window, whole = int(chosen.min()), int(chosen.argmin()), int(chosen[0])
        how = ", once mirrored," if is_mirror else ""
        sentence = (
            f"The candidate's {label}{how} differs from the whole original's in {whole} of "
            f"{HASH_BITS} bits (0 means the same picture; unrelated pictures differ in about "
            f"{UNRELATED_WHOLE_BITS})"
        )
        if window != 0:
            sentence += (
                f", and from the closest part of the original in {best} bits (unrelated "
                f"pictures: about {UNRELATED_PART_BITS})"
            )
        metrics.append(
            Metric(
                name,
                float(best),
                sentence + ".",
                {
                    "whole_image": float(whole),
                    "window": float(window),
                    "mirrored": float(is_mirror),
                },
            )
        )
    colour = hamming(original.colour_hash, candidate.colour_hash)
    metrics.append(
        Metric(
            "colour_hash",
            float(colour),
            f"The colour-distribution hashes differ in {colour} of {COLOUR_HASH_BITS} bits "
            "(low means the same mix of colours; recolouring raises it).",
        )
    )
    return metrics


# --- local features -----------------------------------------------------------------------


def _ratio_matches(query: np.ndarray, train: np.ndarray) -> np.ndarray:
    """(k, 2) index pairs query->train passing the ratio test, at most one per train point.

    ``cv2.batchDistance`` gives the two nearest neighbours as arrays (brute force, exact, and
    without the GIL), avoiding thousands of Python ``DMatch`` objects per comparison.
    """
    if len(query) < 1 or len(train) < 2:
        return np.zeros((0, 2), np.int64)
    dist, nearest = cv2.batchDistance(query, train, cv2.CV_32S, normType=cv2.NORM_HAMMING, K=2)
    dist = dist.astype(np.float64)
    good = np.flatnonzero(dist[:, 0] < RATIO_TEST * dist[:, 1])
    if len(good) == 0:
        return np.zeros((0, 2), np.int64)
    trains = nearest[good, 0].astype(np.int64)
    order = np.lexsort((good, dist[good, 0], trains))
    _, first = np.unique(trains[order], return_index=True)
    chosen = order[first]
    return np.stack([good[chosen], trains[chosen]], axis=1)


def _plausible(h: np.ndarray | None, cand_size: tuple[int, int]) -> bool:
    """Reject transformations no edit would produce: folds, extreme shear or perspective."""
    if h is None or h.shape != (3, 3) or not np.all(np.isfinite(h)) or abs(h[2, 2]) < 1e-12:
        return False
    h = h / h[2, 2]
    affine = h[:2, :2]
    det = float(np.linalg.det(affine))
    if det <= 0:
        return False
    singular = np.linalg.svd(affine, compute_uv=False)
    if singular[1] <= 0 or singular[0] / singular[1] > 3.0:
        return False
    if not 1 / 10 <= math.sqrt(abs(det)) <= 10:
        return False
    w, hgt = cand_size
    corners = np.array([[0, 0], [w, 0], [w, hgt], [0, hgt]], np.float32).reshape(-1, 1, 2)
    denominators = corners.reshape(-1, 2) @ h[2, :2] + 1.0
    if np.any(denominators < 0.5) or np.any(denominators > 2.0):
        return False
    projected = cv2.perspectiveTransform(corners, h)
    return bool(cv2.isContourConvex(projected.astype(np.float32)))


DISTINCT_PX = 4
"""Matched keypoints closer than this (working pixels) count as one distinctive point."""


def _distinct(points: np.ndarray) -> int:
    """How many separate places the matched points occupy (ORB finds a corner once per
    pyramid level; counting it several times would overstate the evidence)."""
    if len(points) == 0:
        return 0
    return len(np.unique(np.floor(points / DISTINCT_PX).astype(np.int64), axis=0))


def _polygon_area(polygon: np.ndarray) -> float:
    if len(polygon) < 3:
        return 0.0
    return float(cv2.contourArea(polygon.astype(np.float32).reshape(-1, 1, 2)))


def _usac_params() -> cv2.UsacParams:
    """MAGSAC++ with a fixed random seed and no internal threads.

    A fixed seed makes every comparison reproducible bit for bit, which evidence needs; SPRT
    and MAGSAC scoring stop early on unrelated pairs, about ten times faster than classic
    RANSAC for the same inliers on true copies.
    """
    params = cv2.UsacParams()
    params.threshold = REPROJECTION_PX
    params.confidence = 0.995
    params.maxIterations = 1000
    params.randomGeneratorState = RANSAC_SEED
    params.isParallel = False
    params.sampler = cv2.SAMPLING_UNIFORM
    params.score = cv2.SCORE_METHOD_MAGSAC
    params.loMethod = cv2.LOCAL_OPTIM_SIGMA
    params.loIterations = 5
    params.loSampleSize = 14
    params.neighborsSearch = cv2.NEIGH_GRID
    params.final_polisher = cv2.NONE_POLISHER
    return params


RANSAC_SEED = 7


@dataclass(frozen=True)
class _Estimate:
    tentative: int
    raw_inliers: int
    distinct: int
    h_work: np.ndarray
    points_original: np.ndarray
    points_candidate: np.ndarray


def _estimate(original: ImageFeatures, candidate: ImageFeatures, mirrored: bool) -> _Estimate | int:
    """The alignment in working pixels, or just the number of tentative matches if none."""
    cand_points = candidate.mirror_keypoints if mirrored else candidate.keypoints
    cand_desc = candidate.mirror_descriptors if mirrored else candidate.descriptors
    cand_kinds = candidate.mirror_kinds if mirrored else candidate.kinds
    found = []
    for kind in (KIND_GREY, KIND_EDGES):
        o_index = np.flatnonzero(original.kinds == kind)
        c_index = np.flatnonzero(cand_kinds == kind)
        local = _ratio_matches(original.descriptors[o_index], cand_desc[c_index])
        if len(local):
            found.append(np.stack([o_index[local[:, 0]], c_index[local[:, 1]]], axis=1))
    pairs = np.concatenate(found) if found else np.zeros((0, 2), np.int64)
    tentative = len(pairs)
    if tentative < MIN_INLIERS:
        return tentative
    src = cand_points[pairs[:, 1]].astype(np.float64)
    dst = original.keypoints[pairs[:, 0]].astype(np.float64)
    # Estimated in the mirror image's own coordinates, where the transformation keeps its
    # orientation (USAC rejects orientation-reversing samples as degenerate).
    h, mask = cv2.findHomography(src.reshape(-1, 1, 2), dst.reshape(-1, 1, 2), _usac_params())
    if mask is None or not _plausible(h, candidate.work_size):
        return tentative
    keep = mask.reshape(-1).astype(bool)
    distinct = _distinct(dst[keep])
    if distinct < MIN_INLIERS:
        return tentative
    h = h / h[2, 2]
    if mirrored:
        # Compose with the flip so H maps the candidate itself onto the original.
        flip = np.array(
            [[-1.0, 0.0, candidate.work_size[0] - 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        )
        h = h @ flip
        src[:, 0] = (candidate.work_size[0] - 1) - src[:, 0]
    return _Estimate(tentative, int(keep.sum()), distinct, h, dst[keep], src[keep])


def align(original: ImageFeatures, candidate: ImageFeatures) -> Alignment | int:
    """The best plain or mirrored alignment of ``candidate`` onto ``original``.

    Returns the number of tentative point matches instead when no alignment holds, so the
    explanation can still say how many points were considered.
    """
    best: tuple[bool, _Estimate] | None = None
    tentative = 0
    for mirrored in (False, True):
        result = _estimate(original, candidate, mirrored)
        if isinstance(result, int):
            tentative = max(tentative, result)
        elif best is None or result.distinct > best[1].distinct:
            best = (mirrored, result)
    if best is None:
        return tentative
    mirrored, estimate = best
    h_work, dst, src = estimate.h_work, estimate.points_original, estimate.points_candidate
    so, sc = original.scale, candidate.scale
    # Express H between stored-image pixels: H = S_o · H_work · S_c⁻¹.
    h = np.diag([so, so, 1.0]) @ h_work @ np.diag([1 / sc, 1 / sc, 1.0])
    h = h / h[2, 2]
    points_original, points_candidate = dst * so, src * sc
    hull_o = cv2.convexHull(points_original.astype(np.float32)).reshape(-1, 2)
    hull_c = cv2.convexHull(points_candidate.astype(np.float32)).reshape(-1, 2)
    ow, oh = original.original_size
    cw, ch = candidate.original_size
    corners = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32).reshape(-1, 1, 2)
    outline = cv2.perspectiveTransform(corners, h).reshape(-1, 2)
    frame = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], np.float32)
    overlap, _ = cv2.intersectConvexConvex(outline.astype(np.float32), frame)
    affine = h[:2, :2] @ np.diag([-1.0, 1.0]) if mirrored else h[:2, :2]
    det = float(np.linalg.det(affine))
    scale = 1.0 / math.sqrt(abs(det)) if det else 0.0
    rotation = -math.degrees(math.atan2(float(affine[1, 0]), float(affine[0, 0])))
    return Alignment(
        mirrored=mirrored,
        tentative=estimate.tentative,
        raw_inliers=estimate.raw_inliers,
        inliers=estimate.distinct,
        homography=h,
        points_original=points_original,
        points_candidate=points_candidate,
        region_original=hull_o,
        region_candidate=hull_c,
        candidate_outline=outline,
        region_share=min(1.0, _polygon_area(hull_o) / (ow * oh)),
        overlap_share=min(1.0, float(overlap) / (ow * oh)),
        scale=scale,
        rotation_deg=rotation,
    )


def _describe_transform(alignment: Alignment) -> str:
    parts = []
    if abs(alignment.scale - 1) > 0.05:
        parts.append(f"scaled {alignment.scale:.2f}×")
    if abs(alignment.rotation_deg) >= 1:
        parts.append(f"rotated {abs(alignment.rotation_deg):.0f}°")
    if alignment.mirrored:
        parts.append("mirrored")
    if alignment.overlap_share < 0.9:
        parts.append(f"cropped to {alignment.overlap_share:.0%} of its area")
    return ", ".join(parts) if parts else "at the same size and framing"


def keypoint_metrics(alignment: Alignment | int) -> list[Metric]:
    """Inlier count with matched-region coverage, and the inlier ratio."""
    if isinstance(alignment, int):
        return [
            Metric(
                "keypoints",
                0.0,
                f"Of {alignment} tentative point matches, no set of {MIN_INLIERS} or more "
                "distinctive points of the original reappears in the candidate in a consistent "
                "arrangement, so the two cannot be aligned.",
                {"tentative": float(alignment)},
            ),
            Metric("inlier_ratio", 0.0, "No alignment was found, so no point matches agree."),
        ]
    return [
        Metric(
            "keypoints",
            float(alignment.inliers),
            f"{alignment.inliers} distinctive points match after alignment; the matched region "
            f"covers {alignment.region_share:.0%} of the original. The candidate shows the "
            f"original {_describe_transform(alignment)}.",
            {
                "region_share": alignment.region_share,
                "overlap_share": alignment.overlap_share,
                "scale": alignment.scale,
                "rotation_deg": alignment.rotation_deg,
                "mirrored": float(alignment.mirrored),
            },
        ),
        Metric(
            "inlier_ratio",
            alignment.inlier_ratio,
            f"{alignment.inlier_ratio:.0%} of the {alignment.tentative} tentative point matches "
            "agree with that single alignment (chance matches between unrelated images rarely "
            "agree).",
            {"tentative": float(alignment.tentative)},
        ),
    ]


# --- SSIM ---------------------------------------------------------------------------------


def _ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel SSIM (Wang et al. 2004: Gaussian window σ = 1.5, K1 = 0.01, K2 = 0.03)."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    a = a.astype(np.float64)
    b = b.astype(np.float64)

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (11, 11), 1.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a**2
    var_b = blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    return ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / (
        (mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)
    )


def aligned_ssim(
    original: ImageFeatures, candidate: ImageFeatures, alignment: Alignment
) -> float | None:
    """SSIM between the original and the aligned candidate inside the matched region."""
    to, tc = original.thumb, candidate.thumb
    so = to.shape[1] / original.original_size[0]
    sc = tc.shape[1] / candidate.original_size[0]
    h = np.diag([so, so, 1.0]) @ alignment.homography @ np.diag([1 / sc, 1 / sc, 1.0])
    size = (to.shape[1], to.shape[0])
    warped = cv2.warpPerspective(
        tc, h, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    valid = cv2.warpPerspective(np.full(tc.shape, 255, np.uint8), h, size, flags=cv2.INTER_NEAREST)
    valid = cv2.erode(valid, np.ones((5, 5), np.uint8))
    region = np.zeros(to.shape, np.uint8)
    polygon = np.round(alignment.region_original * so).astype(np.int32).reshape(-1, 1, 2)
    cv2.fillPoly(region, [polygon], 255)
    mask = (valid > 0) & (region > 0)
    if int(mask.sum()) < MIN_SSIM_PIXELS:
        return None
    return float(np.clip(_ssim_map(to, warped)[mask].mean(), -1.0, 1.0))


def ssim_metric(value: float | None) -> Metric:
    if value is None:
        return Metric(
            "ssim",
            None,
            "Structural similarity was not measured: there is no aligned region large enough.",
        )
    return Metric(
        "ssim",
        value,
        f"Inside the matched region the aligned images have a structural similarity (SSIM) of "
        f"{value:.2f} (1 is identical; unrelated content is near 0; recolouring and redrawing "
        "lower it).",
    )


# --- palette ------------------------------------------------------------------------------


def palette_distance(a: ImageFeatures, b: ImageFeatures) -> float:
    """Symmetric weighted nearest-colour distance between palettes, in CIELAB ΔE (1976)."""
    diff = np.linalg.norm(a.palette[:, None, :] - b.palette[None, :, :], axis=2)
    forward = float((diff.min(axis=1) * a.palette_weights).sum())
    backward = float((diff.min(axis=0) * b.palette_weights).sum())
    return (forward + backward) / 2


def palette_metric(original: ImageFeatures, candidate: ImageFeatures) -> Metric:
    distance = palette_distance(original, candidate)
    if original.is_greyscale or candidate.is_greyscale:
        which = "original" if original.is_greyscale else "candidate"
        return Metric(
            "palette",
            None,
            f"Colours were not compared: the {which} is greyscale.",
            {"delta_e": distance},
        )
    return Metric(
        "palette",
        distance,
        f"The dominant colours differ by an average ΔE of {distance:.1f} (below 10 is close, "
        "above 25 clearly different; a recoloured copy differs here while its shapes match).",
    )
