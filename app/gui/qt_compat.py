"""A guard against a reference-counting bug in PySide6 6.12.0 on Python 3.11.

PySide6/shiboken6 6.12.0 (abi3 wheels, installable on 3.10+) returns ``None`` from every
void method, and ``True``/``False`` from some bool methods and from ``Signal.emit``, without
taking a reference — correct only on Python 3.12+, where those objects are immortal. On
3.11 each such call drops the object's count by one, and within seconds of normal use the
interpreter aborts with "Fatal Python error: none_dealloc: deallocating None". 6.11.3 on
3.11 and 6.12.0 on 3.12 do not show it.

When the bug is detected (a probe of 64 void calls, measured), :func:`guard_singletons`
raises the counts of these singletons far out of reach, which is what Python 3.12 does for
them anyway: they are never freed in either case. The right fix is a PySide6 release
without the bug, or Python 3.12+; see ``docs/decisions/0006-gui-shell.md``.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject

_SINGLETONS = (None, True, False, NotImplemented, Ellipsis)
_HEADROOM = 1 << 40
_applied = False


def leaks_singleton_references(calls: int = 64) -> bool:
    """Whether void calls into Qt drop references to ``None`` (measured, not assumed)."""
    if sys.version_info >= (3, 12):
        return False  # immortal objects: counts cannot fall
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - calls // 2


def guard_singletons() -> bool:
    """Apply the workaround once if this PySide6 needs it; returns whether it was applied."""
    global _applied
    if _applied or not leaks_singleton_references():
        return _applied
    for obj in _SINGLETONS:
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field
        refcount.value += _HEADROOM
    _applied = True
    return True
