"""Modules imported on first use, and warmed in the background once the window is up.

Verification, import, screen-capture storage and the TSA settings pull in cryptography,
RFC 3161, C2PA and the provenance parsers: more than half of the start-up import time. GUI
modules bind them with :func:`deferred`; the first attribute read imports the module with
an ordinary ``importlib.import_module`` (whose per-module locks make it safe from any
thread), and :func:`preload` imports them all in a worker thread shortly after the window
has shown its first screen, so the first import or verification does not pay for it either.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

HEAVY_MODULES = (
    "app.core.ingest",
    "app.core.importer",
    "app.core.verify",
    "app.core.secrets",
    "app.core.tsa",
    "app.core.tsa_settings",
    "keyring",
)


class DeferredModule:
    """Stands for a module until an attribute is read; then it is imported (once)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<deferred module {self._name!r}>"


def deferred(name: str) -> Any:
    """``name``, imported when first used (typed ``Any``: annotate through TYPE_CHECKING)."""
    return DeferredModule(name)


def preload(names: tuple[str, ...] = HEAVY_MODULES) -> None:
    """Import ``names`` now; meant for a worker thread after the first screen."""
    for name in names:
        importlib.import_module(name)
