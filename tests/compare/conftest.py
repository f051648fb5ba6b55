"""Shared fixtures: synthetic originals and their features, built once per test session."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from app.compare.features import ImageFeatures, compute_features
from app.compare.synthetic import make_original, to_png_bytes

SIZE = 256


Encoder = Callable[..., bytes]


def _encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def encode() -> Encoder:
    """Encode an image as a file's bytes, as an import or a capture would store it."""
    return _encode


@pytest.fixture(scope="session")
def original() -> Image.Image:
    return make_original(7, SIZE)


@pytest.fixture(scope="session")
def original_features(original: Image.Image) -> ImageFeatures:
    return compute_features(to_png_bytes(original))


@pytest.fixture(scope="session")
def other_features() -> ImageFeatures:
    """An unrelated original drawn by the same generator."""
    return compute_features(to_png_bytes(make_original(8, SIZE)))
