"""Everything the engine remembers about one image, computed once and cached by its hash.

An :class:`ImageFeatures` holds three kinds of description, each robust to different edits:

* perceptual hashes (pHash, dHash over a grid of windows, of the greyscale image and of its
  colour-edge image, each also mirrored) — cheap to compare and indexable, they find
  candidates among thousands of works;
* local features (ORB keypoints and binary descriptors of the greyscale image and of the
  edge image, each also of the mirror image) — they survive crops, rotation, recolouring and
  overlays, and give the alignment a judge can see;
* a colour palette, a colour hash and a small greyscale thumbnail for SSIM after alignment.

Features are a pure function of the image bytes and :data:`FEATURES_VERSION`, so a cache keyed
by SHA-256 can always be thrown away and rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from app.compare.hashes import WINDOWS, colour_hash, hash_windows, window_boxes
from app.compare.loading import MAX_PIXELS, WORK_SIDE, CannotCompare, load_image

FEATURES_VERSION = 1
"""Bump when any parameter below changes: cached features of another version are rebuilt."""

THUMB_SIDE = 160
"""Longest side of the greyscale thumbnail used for hashing windows and for SSIM."""

MAX_KEYPOINTS = 400
"""Greyscale keypoints kept after spreading: matching cost grows with the square of it."""
MAX_EDGE_KEYPOINTS = 300
"""Edge keypoints kept: they matter mostly for recoloured copies, so fewer are enough."""
MIN_KEYPOINTS = 12
"""Fewer distinctive points than this and there is nothing reliable to align."""

FLAT_STDDEV = 3.0
"""A greyscale standard deviation below this (out of 255) is a flat colour."""

PALETTE_COLOURS = 6

GREY, GREY_MIRROR, EDGES, EDGES_MIRROR = range(4)
"""Rows of :attr:`ImageFeatures.hashes`."""
PALETTE_SIDE = 40
"""The palette and colour hash are taken from a copy this small: dominant colours don't need
more, and median cut is the slowest step otherwise."""


KIND_GREY = 0
"""Keypoints of the greyscale image: precise, and robust to re-compression and overlays."""
KIND_EDGES = 1
"""Keypoints of the colour-edge image: outlines survive recolouring, where grey levels don't."""

EDGE_BLUR_SIGMA = 1.5
"""Blur before the edge image so JPEG block artefacts do not become edges."""
EDGE_FLOOR = 40.0
"""Minimum gradient used for normalising edges, so a nearly flat image stays dark."""

DETECT_KEYPOINTS = 1600
"""Candidates found before spreading; the strongest are kept cell by cell (see ``_spread``)."""

SPREAD_GRID = 8
"""Keypoints are spread over an 8 × 8 grid, so one busy texture cannot take every slot."""

NMS_CELL = 6
"""At most one keypoint per 6 × 6 working pixels on each pyramid level."""


def _orb() -> cv2.ORB:
    # A lower FAST threshold finds corners in soft, painted artwork too; a smaller border lets
    # keypoints sit near the edge, which matters for crops of small images.
    return cv2.ORB_create(
        nfeatures=DETECT_KEYPOINTS,
        scaleFactor=1.2,
        nlevels=8,
        edgeThreshold=19,
        patchSize=19,
        fastThreshold=12,
    )


@dataclass
class ImageFeatures:
    """Features of one image; arrays are NumPy, coordinates are in working-image pixels."""

    sha256: str
    original_size: tuple[int, int]
    work_size: tuple[int, int]
    is_greyscale: bool
    notes: tuple[str, ...]
    hashes: np.ndarray
    """uint64 (4, 2, windows): for the greyscale image, its mirror, the edge image and its
    mirror (:data:`GREY`, :data:`GREY_MIRROR`, :data:`EDGES`, :data:`EDGES_MIRROR`), the
    pHash and the dHash of each window in :data:`app.compare.hashes.WINDOWS` (window 0 is the
    whole image)."""
    colour_hash: int
    palette: np.ndarray
    """(k, 3) float32 CIELAB colours of the dominant palette."""
    palette_weights: np.ndarray
    keypoints: np.ndarray
    """(n, 2) float32 keypoint positions in the working image."""
    descriptors: np.ndarray
    """(n, 32) uint8 ORB descriptors."""
    kinds: np.ndarray
    """(n,) uint8: which picture each keypoint was found in (:data:`KIND_GREY` or
    :data:`KIND_EDGES`); only keypoints of the same kind are matched with each other."""
    mirror_keypoints: np.ndarray
    """Keypoints of the left–right mirror image, in the mirror image's coordinates."""
    mirror_descriptors: np.ndarray
    mirror_kinds: np.ndarray
    thumb: np.ndarray
    """uint8 greyscale thumbnail, longest side :data:`THUMB_SIDE`."""
    version: int = FEATURES_VERSION
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def phash(self) -> np.ndarray:
        """Window pHashes of the greyscale image."""
        return self.hashes[GREY, 0]

    @property
    def dhash(self) -> np.ndarray:
        return self.hashes[GREY, 1]

    @property
    def full_phash(self) -> int:
        return int(self.hashes[GREY, 0, 0])

    @property
    def full_dhash(self) -> int:
        return int(self.hashes[GREY, 1, 0])

    @property
    def mirror_phash(self) -> int:
        return int(self.hashes[GREY_MIRROR, 0, 0])

    @property
    def mirror_dhash(self) -> int:
        return int(self.hashes[GREY_MIRROR, 1, 0])

    @property
    def scale(self) -> float:
        """Stored-image pixels per working pixel (to report coordinates a person can find)."""
        return self.original_size[0] / self.work_size[0]

    # --- serialisation -------------------------------------------------------------------

    _ARRAYS = (
        "hashes",
        "palette",
        "palette_weights",
        "keypoints",
        "descriptors",
        "kinds",
        "mirror_keypoints",
        "mirror_descriptors",
        "mirror_kinds",
        "thumb",
    )

    def to_bytes(self) -> bytes:
        """A self-contained, pickle-free encoding (an ``.npz`` with a JSON header)."""
        meta = {
            "version": self.version,
            "sha256": self.sha256,
            "original_size": list(self.original_size),
            "work_size": list(self.work_size),
            "is_greyscale": self.is_greyscale,
            "notes": list(self.notes),
            "colour_hash": str(self.colour_hash),
            "extra": self.extra,
        }
        arrays = {name: getattr(self, name) for name in self._ARRAYS}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> ImageFeatures:
        """Decode :meth:`to_bytes`; raises ``ValueError`` for damaged or foreign data."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
                arrays = {name: np.array(npz[name]) for name in cls._ARRAYS}
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"not a valid features record: {exc}") from exc
        try:
            features = cls(
                sha256=str(meta["sha256"]),
                original_size=(int(meta["original_size"][0]), int(meta["original_size"][1])),
                work_size=(int(meta["work_size"][0]), int(meta["work_size"][1])),
                is_greyscale=bool(meta["is_greyscale"]),
                notes=tuple(str(n) for n in meta["notes"]),
                colour_hash=int(meta["colour_hash"]),
                version=int(meta["version"]),
                extra={str(k): str(v) for k, v in meta.get("extra", {}).items()},
                **arrays,
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"not a valid features record: {exc}") from exc
        features.validate()
        return features

    def validate(self) -> None:
        """Check shapes and types, so a damaged cache entry is caught rather than trusted."""
        checks = [
            self.hashes.shape == (4, 2, len(WINDOWS)) and self.hashes.dtype == np.uint64,
            self.keypoints.ndim == 2 and self.keypoints.shape[1:] == (2,),
            self.descriptors.shape == (len(self.keypoints), 32)
            and self.descriptors.dtype == np.uint8,
            self.kinds.shape == (len(self.keypoints),) and self.kinds.dtype == np.uint8,
            self.mirror_descriptors.shape == (len(self.mirror_keypoints), 32),
            self.mirror_kinds.shape == (len(self.mirror_keypoints),),
            self.palette.ndim == 2 and self.palette.shape[1:] == (3,),
            self.palette_weights.shape == (len(self.palette),),
            self.thumb.ndim == 2 and self.thumb.dtype == np.uint8,
            len(self.sha256) == 64,
        ]
        if not all(checks):
            raise ValueError("features record has inconsistent shapes or types")


def _palette(rgb_small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dominant colours by median cut (deterministic, unlike random-start k-means)."""
    image = Image.fromarray(rgb_small, "RGB")
    quantised = image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT)
    counts = np.bincount(np.asarray(quantised).reshape(-1), minlength=PALETTE_COLOURS)
    raw = quantised.getpalette() or []
    colours = np.array(raw[: 3 * PALETTE_COLOURS], dtype=np.uint8).reshape(-1, 3)
    used = counts[: len(colours)] > 0
    colours, weights = colours[used], counts[: len(colours)][used].astype(np.float32)
    lab = cv2.cvtColor(colours.reshape(1, -1, 3).astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    return lab.reshape(-1, 3).astype(np.float32), weights / weights.sum()


def _spread(
    points: np.ndarray,
    response: np.ndarray,
    octave: np.ndarray,
    width: int,
    height: int,
    limit: int = MAX_KEYPOINTS,
) -> np.ndarray:
    """Indices of at most ``limit`` keypoints, strong ones first but spread out.

    ORB ranks corners by strength, which piles them onto the highest-contrast texture. For
    evidence the matched points should cover the picture, so one keypoint per small cell and
    pyramid level is kept (suppressing near-duplicates), then the cells of a coarse grid take
    turns: every cell's strongest point, then every cell's second strongest, and so on.
    """
    order = np.argsort(-response, kind="stable")
    cells_x = (points[order, 0] // NMS_CELL).astype(np.int64)
    cells_y = (points[order, 1] // NMS_CELL).astype(np.int64)
    fine = (octave[order].astype(np.int64) * 4096 + cells_y) * 4096 + cells_x
    _, first = np.unique(fine, return_index=True)
    kept = order[np.sort(first)]  # still strongest first
    gx = np.minimum((points[kept, 0] * SPREAD_GRID / width).astype(np.int64), SPREAD_GRID - 1)
    gy = np.minimum((points[kept, 1] * SPREAD_GRID / height).astype(np.int64), SPREAD_GRID - 1)
    coarse = gy * SPREAD_GRID + gx
    by_cell = np.argsort(coarse, kind="stable")
    starts = np.searchsorted(coarse[by_cell], coarse[by_cell], side="left")
    turn = np.empty(len(kept), np.int64)
    turn[by_cell] = np.arange(len(kept)) - starts
    chosen = np.lexsort((np.arange(len(kept)), turn))[:limit]
    return kept[chosen]


def _detect(orb: cv2.ORB, gray: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    keypoints = orb.detect(gray, None)
    if not keypoints:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8)
    points = cv2.KeyPoint_convert(keypoints).reshape(-1, 2)
    response = np.array([kp.response for kp in keypoints], np.float32)
    octave = np.array([kp.octave for kp in keypoints], np.int64)
    keep = _spread(points, response, octave, gray.shape[1], gray.shape[0], limit)
    keypoints, descriptors = orb.compute(gray, [keypoints[i] for i in keep])
    if descriptors is None or not keypoints:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8)
    points = cv2.KeyPoint_convert(keypoints).reshape(-1, 2).astype(np.float32)
    return points, np.ascontiguousarray(descriptors, dtype=np.uint8)


def edge_image(rgb: np.ndarray) -> np.ndarray:
    """Colour-gradient magnitude (strongest channel), scaled to 8 bits.

    Region outlines keep their place when every colour is changed, while grey levels (and
    the sign of their contrasts, on which ORB's binary tests rely) do not.
    """
    blurred = cv2.GaussianBlur(rgb.astype(np.float32), (0, 0), EDGE_BLUR_SIGMA)
    gx = cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3)
    squared = gx * gx + gy * gy
    r, g, b = cv2.split(squared)
    magnitude = cv2.sqrt(cv2.max(cv2.max(r, g), b))
    sample = magnitude.reshape(-1)[::7]
    top = max(
        float(np.partition(sample, int(len(sample) * 0.99))[int(len(sample) * 0.99)]), EDGE_FLOOR
    )
    return np.clip(magnitude * (255.0 / top), 0, 255).astype(np.uint8)


def _keypoints_of(
    orb: cv2.ORB, gray: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    grey_points, grey_desc = _detect(orb, gray, MAX_KEYPOINTS)
    edge_points, edge_desc = _detect(orb, edges, MAX_EDGE_KEYPOINTS)
    kinds = np.concatenate(
        [
            np.full(len(grey_points), KIND_GREY, np.uint8),
            np.full(len(edge_points), KIND_EDGES, np.uint8),
        ]
    )
    return np.concatenate([grey_points, edge_points]), np.concatenate([grey_desc, edge_desc]), kinds


def read_image_bytes(source: bytes | str | Path) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise CannotCompare("unreadable", f"The file could not be read: {exc.strerror}.") from exc


def compute_features(
    source: bytes | str | Path, *, max_pixels: int = MAX_PIXELS, work_side: int = WORK_SIDE
) -> ImageFeatures:
    """Compute the features of an image given as bytes or a path.

    Raises :class:`~app.compare.loading.CannotCompare` with a readable reason when the image
    cannot be compared: not decodable, too large to decode safely, too small, or without
    distinctive content (a flat colour). Normalisations that were applied (first frame of an
    animation, CMYK, transparency, greyscale, reduction) are listed in ``notes``.
    """
    data = read_image_bytes(source)
    digest = hashlib.sha256(data).hexdigest()
    loaded = load_image(data, max_pixels=max_pixels, work_side=work_side)
    rgb = loaded.rgb
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    _, stddev = cv2.meanStdDev(rgb)
    if float(stddev.max()) < FLAT_STDDEV:
        raise CannotCompare(
            "featureless",
            "The image is a flat colour: it has no shapes, edges or texture to compare.",
        )
    orb = _orb()
    edges = edge_image(rgb)
    keypoints, descriptors, kinds = _keypoints_of(orb, gray, edges)
    if len(keypoints) < MIN_KEYPOINTS:
        raise CannotCompare(
            "featureless",
            f"The image has only {len(keypoints)} distinctive points (at least {MIN_KEYPOINTS} "
            "are needed): it is too plain or too blurred to compare reliably.",
        )
    mirror_keypoints, mirror_descriptors, mirror_kinds = _keypoints_of(
        orb, cv2.flip(gray, 1), cv2.flip(edges, 1)
    )

    h, w = gray.shape
    ratio = THUMB_SIDE / max(w, h)
    thumb_size = (max(1, round(w * ratio)), max(1, round(h * ratio)))
    interpolation = cv2.INTER_AREA if ratio < 1 else cv2.INTER_LINEAR
    thumb = cv2.resize(gray, thumb_size, interpolation=interpolation)
    boxes = window_boxes(thumb.shape[1], thumb.shape[0])
    edge_thumb = cv2.resize(edges, thumb_size, interpolation=interpolation)
    grey_p, grey_d, grey_mp, grey_md = hash_windows(thumb, boxes)
    edge_p, edge_d, edge_mp, edge_md = hash_windows(edge_thumb, boxes)
    hashes = np.stack(
        [
            np.stack([grey_p, grey_d]),
            np.stack([grey_mp, grey_md]),
            np.stack([edge_p, edge_d]),
            np.stack([edge_mp, edge_md]),
        ]
    )

    small_ratio = min(1.0, PALETTE_SIDE / max(w, h))
    small_size = (max(1, round(w * small_ratio)), max(1, round(h * small_ratio)))
    rgb_small = cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA)
    palette, weights = _palette(rgb_small)

    return ImageFeatures(
        sha256=digest,
        original_size=loaded.original_size,
        work_size=(w, h),
        is_greyscale=loaded.is_greyscale,
        notes=tuple(loaded.notes),
        hashes=hashes,
        colour_hash=colour_hash(rgb_small),
        palette=palette,
        palette_weights=weights,
        keypoints=keypoints,
        descriptors=descriptors,
        kinds=kinds,
        mirror_keypoints=mirror_keypoints,
        mirror_descriptors=mirror_descriptors,
        mirror_kinds=mirror_kinds,
        thumb=thumb,
    )
