"""Which build made a record: version plus a SHA-256 over the application's own code.

Every item and report names the tool that acquired it. The code hash covers the ``app``
package's Python sources (or, in a frozen build, the bundle's files), in sorted path order,
so two machines running the same build report the same hash.
"""

from __future__ import annotations

import functools
import hashlib
import platform
import sys
from pathlib import Path

from app import APP_NAME, __version__

_APP_ROOT = Path(__file__).resolve().parents[1]


def _code_files() -> list[Path]:
    if getattr(sys, "frozen", False):
        root = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
        return sorted(p for p in root.rglob("*") if p.is_file())
    return sorted(p for p in _APP_ROOT.rglob("*.py") if "__pycache__" not in p.parts)


@functools.cache
def code_sha256() -> str:
    """Hash of (relative path, file hash) pairs, so renames and edits both change it."""
    root = Path(getattr(sys, "_MEIPASS", _APP_ROOT)) if getattr(sys, "frozen", False) else _APP_ROOT
    outer = hashlib.sha256()
    for path in _code_files():
        rel = path.relative_to(root).as_posix()
        outer.update(rel.encode("utf-8") + b"\0")
        outer.update(hashlib.sha256(path.read_bytes()).digest())
    return outer.hexdigest()


def tool_name() -> str:
    return f"{APP_NAME} {__version__}"


def tool_description() -> str:
    """The one-line identity stored on every item: name, version, code hash prefix."""
    return f"{tool_name()} (code sha256 {code_sha256()[:16]})"


def runtime_facts() -> dict[str, str]:
    return {
        "tool": tool_name(),
        "version": __version__,
        "code_sha256": code_sha256(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "frozen": str(bool(getattr(sys, "frozen", False))).lower(),
    }
