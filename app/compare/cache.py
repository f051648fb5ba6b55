"""A disk cache of image features, keyed by the SHA-256 of the image bytes.

Features take tens of milliseconds per image; a library of thousands of works should not be
re-analysed at every search. The cache lives outside any case (it is not evidence and
``verify`` never reads it): every entry can be rebuilt from the image, so an entry that is
damaged, truncated, of another engine version or for other bytes is ignored and replaced.
Writes go to a temporary file and are renamed into place, so a crash never leaves a
half-written entry that looks valid.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from app.compare.features import (
    FEATURES_VERSION,
    ImageFeatures,
    compute_features,
    read_image_bytes,
)


class FeatureCache:
    """Features stored as ``<directory>/v<version>/<ab>/<sha256>.npz``."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def _path(self, sha256: str) -> Path:
        return self.directory / f"v{FEATURES_VERSION}" / sha256[:2] / f"{sha256}.npz"

    def get(self, sha256: str) -> ImageFeatures | None:
        """The cached features for these bytes, or ``None`` if absent or unusable."""
        path = self._path(sha256)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            features = ImageFeatures.from_bytes(data)
        except ValueError:
            return None
        if features.sha256 != sha256 or features.version != FEATURES_VERSION:
            return None
        return features

    def put(self, features: ImageFeatures) -> None:
        """Store features atomically (temporary file, then rename)."""
        path = self._path(features.sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(features.to_bytes())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def features(self, source: bytes | str | Path) -> ImageFeatures:
        """Features of an image (bytes or path): from the cache, or computed and stored.

        Raises :class:`~app.compare.loading.CannotCompare` like :func:`compute_features`.
        """
        data = read_image_bytes(source)
        sha256 = hashlib.sha256(data).hexdigest()
        cached = self.get(sha256)
        if cached is not None:
            return cached
        features = compute_features(data)
        self.put(features)
        return features

    def __contains__(self, sha256: object) -> bool:
        return isinstance(sha256, str) and self.get(sha256) is not None
