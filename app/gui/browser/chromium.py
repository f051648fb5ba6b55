"""Chromium's start-up switches that Proofshot decides for itself: no sandbox as root.

Chromium refuses to start its sandbox for the root user and aborts with a raw message
("Running as root without --no-sandbox is not supported"), which kills the capture
browser. Running a desktop app as root is unusual (containers, kiosk set-ups, CI), so
rather than dying Proofshot adds ``--no-sandbox`` to ``QTWEBENGINE_CHROMIUM_FLAGS`` there,
and only there, with a logged warning: the pages shown then run without Chromium's
process sandbox. QtWebEngine reads the variable once, when it starts, so this runs when
:mod:`app.gui.browser` is imported (before any web view exists) and again, harmlessly,
before the QApplication is created. The tests and scripts rely on this same rule rather
than their own copy of it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping

log = logging.getLogger(__name__)

FLAGS_VAR = "QTWEBENGINE_CHROMIUM_FLAGS"
NO_SANDBOX = "--no-sandbox"
ROOT_WARNING = (
    "Running as root: Chromium cannot sandbox itself for root, so the capture browser "
    "starts with --no-sandbox (pages run without the process sandbox). Run Proofshot as "
    "an ordinary user to keep it."
)

_warned = False


def _euid() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None  # no such thing on Windows


def flags_for(flags: str, *, euid: int | None) -> str:
    """``flags`` with ``--no-sandbox`` added when ``euid`` is root (0), else unchanged."""
    parts = flags.split()
    if euid != 0 or NO_SANDBOX in parts:
        return flags
    return " ".join([*parts, NO_SANDBOX])


def apply_root_rule(
    environ: MutableMapping[str, str] | None = None, *, euid: int | None = None
) -> bool:
    """Add ``--no-sandbox`` to the Chromium flags when running as root; True if it did.

    Call before QtWebEngine starts. Idempotent: the flag is added once, the warning is
    logged once per process.
    """
    global _warned
    env = os.environ if environ is None else environ
    uid = _euid() if euid is None else euid
    before = env.get(FLAGS_VAR, "")
    after = flags_for(before, euid=uid)
    if uid != 0:
        return False
    if after != before:
        env[FLAGS_VAR] = after
    if not _warned:
        _warned = True
        log.warning(ROOT_WARNING)
    return after != before
