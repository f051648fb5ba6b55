"""Entry point: no subcommand opens the window; a subcommand runs the CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def _is_gui_request(argv: Sequence[str]) -> bool:
    """No arguments, or one that is a case folder, opens the window; anything else is the CLI.

    Decided from the arguments alone, so opening the window never pays for loading the CLI.
    """
    if not argv:
        return True
    if len(argv) != 1 or argv[0].startswith("-"):
        return False
    candidate = Path(argv[0])
    return (candidate / "case.sqlite").is_file() or candidate.name.endswith(".proofshot")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _is_gui_request(args):
        from app.gui.application import run_gui  # Qt is imported only for the window

        return run_gui(args)
    from app.cli import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
