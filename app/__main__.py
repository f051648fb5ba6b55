"""Entry point: no subcommand opens the window; a subcommand runs the CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def _is_gui_request(argv: Sequence[str]) -> bool:
    if not argv:
        return True
    from app.cli import COMMANDS, build_parser

    build_parser()  # fills COMMANDS
    first = argv[0]
    if first.startswith("-") or first in COMMANDS:
        return False
    return (len(argv) == 1 and (Path(first) / "case.sqlite").exists()) or first.endswith(
        ".proofshot"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _is_gui_request(args):
        from app.gui.application import run_gui  # Qt is imported only for the window

        return run_gui(args)
    from app.cli import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
