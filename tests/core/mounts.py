"""Real small or read-only file systems (tmpfs) for full-disk and read-only-media tests.

Needs root and mount(2); tests skip with a reason elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount(args: list[str]) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    try:
        _mount(["-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)])
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount tmpfs here: {exc}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


def remount_read_only(path: Path) -> None:
    _mount(["-o", "remount,ro", str(path)])
