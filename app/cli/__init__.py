"""The command-line interface: the scripting contract over the same core the GUI uses.

Human-readable output by default; ``--json`` prints machine-readable JSON on stdout. Errors
are one sentence on stderr with a meaningful exit code; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from app.cli import bundle as report_commands
from app.cli import campaign as campaign_commands
from app.cli import capture as capture_commands
from app.cli import compare as compare_commands
from app.cli import duties as duties_commands
from app.cli import ocr as ocr_commands
from app.cli import study as study_commands
from app.cli.case import (
    cmd_import,
    cmd_init,
    cmd_list,
    cmd_log,
    cmd_note,
    cmd_settings,
    cmd_show,
    cmd_tag,
    cmd_untag,
    cmd_verify,
    cmd_withdraw,
    cmd_works_add,
    cmd_works_list,
)
from app.cli.common import EXIT_OK, Handler
from app.cli.demo import cmd_demo
from app.cli.time import cmd_export_tokens, cmd_timestamp, parse_duration
from app.console import clean, clean_console
from app.core.errors import ProofshotError
from app.core.identity import version_report

COMMANDS: dict[str, Handler] = {}


def build_parser() -> argparse.ArgumentParser:
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

    p = add("init", cmd_init, "Create a new case folder.")
    p.add_argument("case", type=Path)
    p.add_argument("--title")
    p.add_argument("--operator")

    p = add("import", cmd_import, "Import files and folders (recursively) as evidence.")
    p.add_argument("case", type=Path)
    p.add_argument("paths", nargs="+")
    p.add_argument("--tag", action="append", help="tag every imported item (repeatable)")
    p.add_argument("--operator")
    p.add_argument(
        "--no-timestamp", action="store_true", help="leave the new items queued for timestamping"
    )
    p.add_argument("--tsa-timeout", type=float, default=10.0, help=argparse.SUPPRESS)
    p.add_argument(
        "--c2pa-trust-list",
        metavar="PEM",
        help="C2PA trust list (PEM certificates) for the Trusted/Valid/Invalid verdict; "
        "default: $PROOFSHOT_C2PA_TRUST_ANCHORS",
    )
    p.add_argument("--json", action="store_true")

    p = add("list", cmd_list, "List the items of a case.")
    p.add_argument("case", type=Path)
    p.add_argument("--tag")
    p.add_argument("--kind")
    p.add_argument("--text", help="text in prompt, source or notes")
    p.add_argument("--json", action="store_true")

    p = add("show", cmd_show, "Show one item with its provenance, annotations and custody events.")
    p.add_argument("case", type=Path)
    p.add_argument("item", help="item id or SHA-256 prefix")
    p.add_argument("--json", action="store_true")

    for name, handler, text in (
        ("tag", cmd_tag, "Tag items."),
        ("untag", cmd_untag, "Remove a tag from items."),
    ):
        p = add(name, handler, text)
        p.add_argument("case", type=Path)
        p.add_argument("tag")
        p.add_argument("items", nargs="+", help="item ids or SHA-256 prefixes")
        p.add_argument("--operator")

    p = add("note", cmd_note, "Add a note (or with --correction, a correction) to an item.")
    p.add_argument("case", type=Path)
    p.add_argument("item")
    p.add_argument("text")
    p.add_argument("--correction", action="store_true")
    p.add_argument("--operator")

    p = add("withdraw", cmd_withdraw, "Withdraw an item, with a reason; nothing is deleted.")
    p.add_argument("case", type=Path)
    p.add_argument("item")
    p.add_argument("--reason", required=True)
    p.add_argument("--operator")

    p = add("log", cmd_log, "Print the custody log.")
    p.add_argument("case", type=Path)
    p.add_argument("--json", action="store_true")

    p = add(
        "verify",
        cmd_verify,
        "Re-hash every object and recheck the custody log; exit 0 only when intact.",
    )
    p.add_argument("case", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--no-log", action="store_true", help="do not record the verification in the log"
    )
    p.add_argument(
        "--ca-file",
        action="append",
        metavar="PEM",
        help="also trust these TSA root certificates (besides the OS store and your settings)",
    )
    p.add_argument(
        "--max-attest-delay",
        type=parse_duration,
        default=None,
        metavar="DURATION",
        help="warn when an item's first timestamp came later than this after acquisition "
        "(default 24h, or the max_attest_delay_hours setting)",
    )
    p.add_argument("--operator")

    p = add(
        "timestamp", cmd_timestamp, "Attest every pending item with RFC 3161 timestamp authorities."
    )
    p.add_argument("case", type=Path)
    p.add_argument(
        "--tsa",
        action="append",
        metavar="URL",
        help="use exactly these TSAs, in order (repeatable)",
    )
    p.add_argument(
        "--ca-file",
        action="append",
        metavar="PEM",
        help="trusted root certificate(s) of the TSAs, kept in your settings (never in the case)",
    )
    p.add_argument(
        "--seal",
        action="store_true",
        help="also seal the custody log's head (two TSAs when two answer)",
    )
    p.add_argument("--tsa-timeout", type=float, default=10.0, help="seconds to wait for each TSA")
    p.add_argument("--json", action="store_true")

    p = add(
        "export-tokens",
        cmd_export_tokens,
        "Write every token with its manifest, chain and verification commands.",
    )
    p.add_argument("case", type=Path)
    p.add_argument("outdir", type=Path)

    p = add("works", cmd_works_list, "The library of original works: add and list.")
    works_sub = p.add_subparsers(dest="works_command", metavar="ACTION", required=True)
    wp = works_sub.add_parser("add", help="Add artwork files as original works.")
    wp.add_argument("case", type=Path)
    wp.add_argument("files", nargs="+")
    wp.add_argument("--title")
    wp.add_argument("--owner", help="owner or licensor")
    wp.add_argument("--registration", help="registration number")
    wp.add_argument("--registration-date")
    wp.add_argument("--json", action="store_true")
    wp.set_defaults(handler=cmd_works_add)
    wp = works_sub.add_parser("list", help="List the original works.")
    wp.add_argument("case", type=Path)
    wp.add_argument("--json", action="store_true")
    wp.set_defaults(handler=cmd_works_list)

    capture_commands.register(add)
    campaign_commands.register(add)
    study_commands.register(add)
    compare_commands.register(add)
    report_commands.register(add)
    duties_commands.register(add)
    ocr_commands.register(add)

    p = add(
        "settings", cmd_settings, "Show or set the case's title, operator and bundle cover facts."
    )
    p.add_argument("case", type=Path)
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="e.g. bundle.caption=…")
    p.add_argument("--operator")
    p.add_argument("--json", action="store_true")

    p = add("demo", cmd_demo, "Build the demo case from the bundled demo data.")
    p.add_argument("case", type=Path)
    p.add_argument("--operator")
    p.add_argument("--no-study", action="store_true", help="leave out the small reproduction study")
    return parser


def version_text(verbose: bool) -> str:
    if not verbose:
        return f"proofshot {__version__}"
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
