"""Perceptual hashes: whole-image fingerprints that survive resizing and re-compression.

pHash and dHash follow the published algorithms as the ``imagehash`` library implements them
(pHash: 32 × 32 greyscale, 2-D DCT, the 8 × 8 lowest frequencies against their median; dHash:
9 × 8 greyscale, each pixel brighter than its right neighbour), computed with OpenCV and NumPy
(the DCT as a precomputed matrix product) in one batch so that many windows of an image can be
hashed cheaply. The colour hash is ``imagehash.colorhash`` itself.

A hash of the whole image does not survive cropping, so each image is also hashed in a fixed
grid of sub-windows (:data:`WINDOWS`): a crop of a work then has nearly the same hash as the
work's window that it most resembles. Windows cover 55–100 % of each side at evenly spaced
positions, independently in x and y, so crops that change the aspect ratio are covered too.
"""

from __future__ import annotations

import cv2
import imagehash
import numpy as np
from PIL import Image

HASH_BITS = 64


def _axis_spans() -> list[tuple[float, float]]:
    spans = [(0.0, 1.0)]
    for size, count in ((0.85, 3), (0.7, 3), (0.55, 4)):
        spans.extend((float(p) * (1.0 - size), size) for p in np.linspace(0.0, 1.0, count))
    return spans


WINDOWS: tuple[tuple[float, float, float, float], ...] = tuple(
    (x, y, w, h) for (y, h) in _axis_spans() for (x, w) in _axis_spans()
)
"""(left, top, width, height) as fractions of the image; window 0 is the whole image."""


def _pack(bits: np.ndarray) -> np.ndarray:
    """Pack (n, 64) booleans into n uint64, first bit most significant (as imagehash prints)."""
    packed = np.packbits(bits.reshape(bits.shape[0], HASH_BITS).astype(np.uint8), axis=1)
    return packed.view(">u8").reshape(-1).astype(np.uint64)


def window_boxes(width: int, height: int) -> np.ndarray:
    """Pixel boxes (x0, y0, x1, y1) of :data:`WINDOWS` in an image of the given size."""
    frac = np.array(WINDOWS, dtype=np.float64)
    x0 = np.round(frac[:, 0] * width)
    y0 = np.round(frac[:, 1] * height)
    x1 = np.maximum(x0 + 1, np.round((frac[:, 0] + frac[:, 2]) * width))
    y1 = np.maximum(y0 + 1, np.round((frac[:, 1] + frac[:, 3]) * height))
    return np.stack([x0, y0, x1, y1], axis=1).astype(np.int64)


def _block_means(integral: np.ndarray, boxes: np.ndarray, cols: int, rows: int) -> np.ndarray:
    """Mean of each cell when every box is cut into ``rows`` × ``cols`` cells (area resampling).

    Using one integral image for all windows makes hashing 121 windows cost about as much as
    resizing one image, which is what keeps the features of 10,000 works quick to build.
    """
    x0, y0, x1, y1 = (boxes[:, i : i + 1].astype(np.float64) for i in range(4))
    ex = np.round(x0 + (x1 - x0) * np.linspace(0.0, 1.0, cols + 1)).astype(np.int64)
    ey = np.round(y0 + (y1 - y0) * np.linspace(0.0, 1.0, rows + 1)).astype(np.int64)
    # Guarantee at least one pixel per cell even for tiny windows.
    ex = np.maximum.accumulate(np.maximum(ex, ex[:, :1] + np.arange(cols + 1)), axis=1)
    ey = np.maximum.accumulate(np.maximum(ey, ey[:, :1] + np.arange(rows + 1)), axis=1)
    ex = np.minimum(ex, integral.shape[1] - 1)
    ey = np.minimum(ey, integral.shape[0] - 1)
    flat = (ey[:, :, None] * integral.shape[1] + ex[:, None, :]).reshape(-1)
    corners = integral.reshape(-1).take(flat).reshape(len(boxes), rows + 1, cols + 1)
    sums = np.diff(np.diff(corners, axis=1), axis=2)
    areas = np.diff(ey, axis=1)[:, :, None] * np.diff(ex, axis=1)[:, None, :]
    return sums.astype(np.float32) / np.maximum(areas, 1).astype(np.float32)


def _dct_basis(size: int = 32, keep: int = 8) -> np.ndarray:
    k = np.arange(keep)[:, None]
    n = np.arange(size)[None, :]
    return 2.0 * np.cos(np.pi * k * (2 * n + 1) / (2 * size))


_DCT_LOW = _dct_basis()


def _mirror_permutation() -> np.ndarray:
    """For each window, the index of its left–right mirror image in :data:`WINDOWS`."""
    lookup = {
        (round(x, 6), round(y, 6), round(w, 6), round(h, 6)): i
        for i, (x, y, w, h) in enumerate(WINDOWS)
    }
    return np.array(
        [
            lookup[(round(1.0 - x - w, 6), round(y, 6), round(w, 6), round(h, 6))]
            for x, y, w, h in WINDOWS
        ]
    )


MIRROR_WINDOWS = _mirror_permutation()
"""Window ``i`` of a mirrored image shows what window ``MIRROR_WINDOWS[i]`` of the image
shows, reversed left to right (the grid is symmetric)."""


def _hash_cells(small_p: np.ndarray, small_d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(small_p)
    # The 8 × 8 lowest frequencies of SciPy's unnormalised type-II DCT, as two small products.
    # einsum rather than matmul: these products are tiny, and BLAS would start (and spin)
    # threads on every call, which costs more than the arithmetic on a busy machine.
    columns = np.einsum("wnm,jm->wnj", small_p, _DCT_LOW)
    dct = np.einsum("kn,wnj->wkj", _DCT_LOW, columns).reshape(n, 64)
    median = np.median(dct, axis=1, keepdims=True)
    return _pack(dct > median), _pack(small_d[:, :, 1:] > small_d[:, :, :-1])


def hash_windows(
    gray: np.ndarray, boxes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """pHash and dHash (uint64 arrays) of each window of ``gray``, then the same for the
    mirror image of ``gray``.

    The mirror's hashes reuse the image's cell means, reversed and re-ordered by
    :data:`MIRROR_WINDOWS`; ``boxes`` must therefore be :func:`window_boxes` of the image.
    """
    integral = cv2.integral(gray, sdepth=cv2.CV_32S)  # exact: 160² × 255 fits easily
    small_p = _block_means(integral, boxes, 32, 32)
    small_d = _block_means(integral, boxes, 9, 8)
    phash, dhash = _hash_cells(small_p, small_d)
    mirror_p, mirror_d = _hash_cells(
        small_p[MIRROR_WINDOWS, :, ::-1], small_d[MIRROR_WINDOWS, :, ::-1]
    )
    return phash, dhash, mirror_p, mirror_d


def colour_hash(rgb: np.ndarray) -> int:
    """``imagehash.colorhash`` (3 bits per bin, 42 bits) of an RGB array, as an integer."""
    bits = imagehash.colorhash(Image.fromarray(rgb, "RGB"), binbits=3).hash.reshape(-1)
    value = 0
    for bit in bits:
        value = (value << 1) | int(bool(bit))
    return value


COLOUR_HASH_BITS = 42


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two hashes."""
    return (int(a) ^ int(b)).bit_count()


def hamming_many(hashes: np.ndarray, query: int | np.uint64) -> np.ndarray:
    """Hamming distance (uint8) from ``query`` to every uint64 in ``hashes``."""
    return np.bitwise_count(np.bitwise_xor(hashes, np.uint64(query)))
