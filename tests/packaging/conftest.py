"""Loaders for the packaging helpers, which live in packaging/ (not an importable package:
``packaging`` would shadow the PyPI library of that name)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"


def load_packaging_module(name: str) -> ModuleType:
    """Import ``packaging/<name>.py`` under its own name, as the PyInstaller spec does."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def layout() -> ModuleType:
    return load_packaging_module("bundle_layout")


@pytest.fixture(scope="session")
def build_identity() -> ModuleType:
    return load_packaging_module("build_identity")
