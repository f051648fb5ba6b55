"""The command line is assembled per domain (#17): each app/cli module adds its own commands.

`build_parser` only calls each module's ``register``; the order of `proofshot --help` and every
command's options are those the modules add (checked before/after the split: identical help).
"""

from __future__ import annotations

import argparse
import re

from app.cli import build_parser
from app.cli import case as case_commands
from app.cli import demo as demo_commands
from app.cli import time as time_commands
from app.cli.common import Handler


def _names(register: object) -> list[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    names: list[str] = []

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        names.append(name)
        return sub.add_parser(name, help=help_text)

    register(add)  # type: ignore[operator]
    return names


def test_each_domain_module_registers_its_own_commands_in_help_order() -> None:
    assert _names(case_commands.register) == [
        "init", "import", "list", "show", "tag", "untag", "note", "withdraw", "log", "verify",
    ]  # fmt: skip
    assert _names(time_commands.register) == ["timestamp", "export-tokens"]
    assert _names(case_commands.register_works) == ["works"]
    assert _names(case_commands.register_settings) == ["settings"]
    assert _names(demo_commands.register) == ["demo"]
    listed = build_parser().format_help()
    order = ["init", "verify", "timestamp", "export-tokens", "works", "capture", "settings", "demo"]
    positions = [re.search(rf"\n    {name}\s", listed).start() for name in order]  # type: ignore[union-attr]
    assert positions == sorted(positions)


def test_options_survive_the_move() -> None:
    parser = build_parser()
    args = parser.parse_args(["verify", "c.proofshot", "--max-attest-delay", "2h", "--no-log"])
    assert args.no_log and args.max_attest_delay.total_seconds() == 7200
    args = parser.parse_args(["import", "c.proofshot", "a.png", "--tag", "x", "--tag", "y"])
    assert args.tag == ["x", "y"] and args.tsa_timeout == 10.0
    args = parser.parse_args(["works", "add", "c.proofshot", "w.png", "--registration-date", "d"])
    assert args.handler is case_commands.cmd_works_add and args.registration_date == "d"
    assert parser.parse_args(["demo", "d", "--no-study"]).no_study
