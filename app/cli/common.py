"""Shared by the command modules: exit codes and how a command opens a case or names its operator.

Light to import, like every ``register`` in app/cli: the parser is built from argparse and
constants alone, and a command's domain modules load when that command runs (the case store
too, below).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import default_operator
from app.core.errors import ProofshotError

if TYPE_CHECKING:
    from app.core.case import Case

EXIT_OK = 0
EXIT_PROBLEMS = 2  # the command ran, and found the case (or bundle) not intact

Handler = Callable[[argparse.Namespace], int]
AddCommand = Callable[[str, Handler, str], argparse.ArgumentParser]


def _operator(args: argparse.Namespace) -> str | None:
    return getattr(args, "operator", None) or default_operator() or None


def _open_to_read(path: Path) -> Case:
    """Open read-only; what the checks before opening found is said on stderr, once."""
    from app.core.case import Case

    case = Case.open(path, read_only=True)
    for problem in case.open_problems:
        sys.stderr.write(f"proofshot: warning: {problem.message}\n")
    return case


def open_writable_if_possible(path: Path) -> Case:
    """Writable when possible (so a report's fresh matches are recorded), else read-only."""
    from app.core.case import Case

    try:
        return Case.open(path)
    except ProofshotError:
        return Case.open(path, read_only=True)
