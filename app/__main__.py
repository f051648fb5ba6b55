"""Entry point: no subcommand opens the window; a subcommand runs the CLI.

``--debug`` before anything else (or ``PROOFSHOT_DEBUG=1``) makes the log verbose: the
window's log file (see :mod:`app.logs`) and, for the command line, stderr and the log file.
"""

from __future__ import annotations

import os
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


def split_debug(argv: Sequence[str]) -> tuple[bool, list[str]]:
    """(debug wanted, the arguments without the leading ``--debug``)."""
    args = list(argv)
    debug = os.environ.get("PROOFSHOT_DEBUG", "") not in ("", "0")
    while args and args[0] == "--debug":
        debug = True
        args.pop(0)
    return debug, args


def main(argv: Sequence[str] | None = None) -> int:
    debug, args = split_debug(sys.argv[1:] if argv is None else argv)
    if _is_gui_request(args):
        from app.gui.application import run_gui  # Qt is imported only for the window

        return run_gui(args, debug=debug)
    if debug:
        from app.logs import setup_logging

        setup_logging(debug=True)
    from app.cli import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
