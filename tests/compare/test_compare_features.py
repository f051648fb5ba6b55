"""Features: standard hashes, mirror hashes, spread keypoints, lossless serialisation, cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image

from app.compare import FeatureCache, ImageFeatures, compute_features
from app.compare.features import (
    EDGES,
    EDGES_MIRROR,
    GREY,
    GREY_MIRROR,
    KIND_EDGES,
    KIND_GREY,
    MAX_EDGE_KEYPOINTS,
    MAX_KEYPOINTS,
)
from app.compare.hashes import WINDOWS, hamming
from app.compare.synthetic import make_original, to_png_bytes


def test_whole_image_phash_agrees_with_imagehash(original: Image.Image, original_features) -> None:
    reference = int(str(imagehash.phash(original)), 16)
    # Same algorithm; only the resampling filter differs (area average vs Lanczos).
    assert hamming(reference, original_features.full_phash) <= 4


def test_mirror_hashes_are_the_hashes_of_the_mirrored_image(original: Image.Image) -> None:
    plain = compute_features(to_png_bytes(original))
    flipped = compute_features(to_png_bytes(original.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    assert hamming(plain.mirror_phash, flipped.full_phash) <= 2
    assert hamming(plain.mirror_dhash, flipped.full_dhash) <= 4
    assert hamming(plain.full_phash, flipped.full_phash) > 10  # mirroring really changes it
    # Every window of the mirror, not just the whole image, for both pictures.
    for mirrored_row, row in ((GREY_MIRROR, GREY), (EDGES_MIRROR, EDGES)):
        bits = np.bitwise_count(plain.hashes[mirrored_row, 0] ^ flipped.hashes[row, 0])
        assert float(bits.mean()) <= 2.0


def test_features_hold_every_window_hash_for_both_pictures_and_orientations(
    original_features,
) -> None:
    assert original_features.hashes.shape == (4, 2, len(WINDOWS))
    assert WINDOWS[0] == (0.0, 0.0, 1.0, 1.0)
    # Different pictures of the same image give different hashes.
    assert not np.array_equal(
        original_features.hashes[EDGES], original_features.hashes[GREY_MIRROR]
    )


def test_keypoints_of_both_kinds_are_kept_and_spread_over_the_image(original_features) -> None:
    kinds = original_features.kinds
    assert 0 < (kinds == KIND_GREY).sum() <= MAX_KEYPOINTS
    assert 0 < (kinds == KIND_EDGES).sum() <= MAX_EDGE_KEYPOINTS
    w, h = original_features.work_size
    cells = {(int(x * 4 / w), int(y * 4 / h)) for x, y in original_features.keypoints}
    assert len(cells) >= 12  # keypoints reach at least 12 of the 16 quarters-of-quarters


def test_features_are_deterministic(original: Image.Image) -> None:
    data = to_png_bytes(original)
    assert compute_features(data).to_bytes() == compute_features(data).to_bytes()


def test_features_round_trip_through_bytes(original_features) -> None:
    restored = ImageFeatures.from_bytes(original_features.to_bytes())
    assert restored.sha256 == original_features.sha256
    assert restored.notes == original_features.notes
    assert restored.colour_hash == original_features.colour_hash
    for name in ImageFeatures._ARRAYS:
        assert np.array_equal(getattr(restored, name), getattr(original_features, name)), name


def test_features_are_keyed_by_the_sha256_of_the_bytes(original: Image.Image) -> None:
    data = to_png_bytes(original)
    assert compute_features(data).sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_feature_bytes_are_rejected(original_features, damage: str) -> None:
    data = original_features.to_bytes()
    bad = {"truncate": data[: len(data) // 2], "garbage": b"x" * 500, "empty": b""}[damage]
    with pytest.raises(ValueError):
        ImageFeatures.from_bytes(bad)


def test_cache_returns_stored_features_without_recomputing(tmp_path: Path, original) -> None:
    cache = FeatureCache(tmp_path / "cache")
    data = to_png_bytes(original)
    first = cache.features(data)
    path = next((tmp_path / "cache").rglob("*.npz"))
    stamp = path.stat().st_mtime_ns
    second = cache.features(data)
    assert path.stat().st_mtime_ns == stamp
    assert second.to_bytes() == first.to_bytes()
    assert first.sha256 in cache


def test_corrupt_cache_entry_is_ignored_and_rebuilt(tmp_path: Path, original) -> None:
    cache = FeatureCache(tmp_path)
    data = to_png_bytes(original)
    features = cache.features(data)
    path = next(tmp_path.rglob(f"{features.sha256}.npz"))
    path.write_bytes(path.read_bytes()[:100])
    assert cache.get(features.sha256) is None
    rebuilt = cache.features(data)
    assert rebuilt.to_bytes() == features.to_bytes()
    assert cache.get(features.sha256) is not None


def test_cache_entry_for_other_bytes_is_not_trusted(tmp_path: Path) -> None:
    cache = FeatureCache(tmp_path)
    a = cache.features(to_png_bytes(make_original(1, 128)))
    b = cache.features(to_png_bytes(make_original(2, 128)))
    # Put b's record where a's belongs: a lookup of a must not return b.
    path_a = next(tmp_path.rglob(f"{a.sha256}.npz"))
    path_a.write_bytes(next(tmp_path.rglob(f"{b.sha256}.npz")).read_bytes())
    assert cache.get(a.sha256) is None


def test_cache_leaves_no_temporary_files(tmp_path: Path, original) -> None:
    cache = FeatureCache(tmp_path)
    cache.features(to_png_bytes(original))
    assert [p.name for p in tmp_path.rglob(".tmp-*")] == []


def test_cache_reads_files_by_path(tmp_path: Path, original) -> None:
    image_path = tmp_path / "work.png"
    image_path.write_bytes(to_png_bytes(original))
    features = FeatureCache(tmp_path / "cache").features(image_path)
    assert features.sha256 == hashlib.sha256(image_path.read_bytes()).hexdigest()
