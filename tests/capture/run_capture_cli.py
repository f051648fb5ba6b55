"""Run Proofshot's CLI with the capture commands, as ``python -m app`` will once wired.

Until ``app.cli`` calls :func:`app.capture.commands.register` itself, this builds the same
sub-command parser around it, so the tests run the real handlers in a real child process.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.cli import COMMANDS, build_parser, run_cli


def main(argv: list[str]) -> int:
    build_parser()
    if "capture" in COMMANDS:
        return run_cli(argv)
    from app.cli.capture import register
    from app.core.errors import ProofshotError

    parser = argparse.ArgumentParser(prog="proofshot")
    sub = parser.add_subparsers(dest="command")

    def add(name, handler, help_text):  # type: ignore[no-untyped-def]
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(handler=handler)
        return p

    register(add)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except ProofshotError as exc:
        sys.stderr.write(f"proofshot: {exc}\n")
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
