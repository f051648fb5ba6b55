"""The command-line interface: the scripting contract over the same core the GUI uses.

Human-readable output by default; ``--json`` prints machine-readable JSON on stdout. Errors
are one sentence on stderr with a meaningful exit code; progress goes to stderr.

Starting is cheap: building the parser needs only argparse and constants from light modules
(each ``app/cli/<domain>.py`` keeps its ``register(add)`` so), and a command's domain modules
load inside its handler when it runs. tests/core/test_cli_startup.py holds this: OpenCV,
NumPy, ReportLab, pyHanko, the bundle model and the similarity engine stay unloaded for
``--version`` and ``--help``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from app import __version__
from app.cli import bundle as report_commands
from app.cli import campaign as campaign_commands
from app.cli import capture as capture_commands
from app.cli import case as case_commands
from app.cli import compare as compare_commands
from app.cli import demo as demo_commands
from app.cli import duties as duties_commands
from app.cli import ocr as ocr_commands
from app.cli import study as study_commands
from app.cli import time as time_commands
from app.cli.common import EXIT_OK, Handler
from app.console import clean, clean_console
from app.core.errors import ProofshotError

COMMANDS: dict[str, Handler] = {}


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: each domain's module in app/cli adds its own commands, in the
    order ``proofshot --help`` lists them."""
    parser = argparse.ArgumentParser(
        prog="proofshot",
        description="Capture, hash, timestamp and compare AI-generated images as evidence.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--verbose", action="store_true", help="with --version: also the code hash and runtime"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        COMMANDS[name] = handler
        return p

    case_commands.register(add)
    time_commands.register(add)
    case_commands.register_works(add)
    capture_commands.register(add)
    campaign_commands.register(add)
    study_commands.register(add)
    compare_commands.register(add)
    report_commands.register(add)
    duties_commands.register(add)
    ocr_commands.register(add)
    case_commands.register_settings(add)
    demo_commands.register(add)
    return parser


def version_text(verbose: bool) -> str:
    if not verbose:
        return f"proofshot {__version__}"
    from app.core.identity import version_report  # hashes the code: loaded only when asked

    return "\n".join(f"{k}: {v}" for k, v in version_report(verify=True).items())


def run_cli(argv: Sequence[str]) -> int:
    parser = build_parser()
    with clean_console():  # argparse echoes what it was given in its error messages
        args = parser.parse_args(list(argv))
    if args.version:
        print(version_text(args.verbose))
        return EXIT_OK
    if not getattr(args, "handler", None):
        parser.print_help()
        return 1
    try:
        with clean_console():
            return int(args.handler(args))
    except ProofshotError as exc:
        sys.stderr.write(clean(f"proofshot: {exc}") + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("proofshot: interrupted.\n")
        return 130
    except BrokenPipeError:
        # The reader (head, less) went away; that is not an error of ours.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stdout
        return EXIT_OK
