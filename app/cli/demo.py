"""``proofshot demo``: build the demo case."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import EXIT_OK, AddCommand, _operator


def cmd_demo(args: argparse.Namespace) -> int:
    from app.core import items as items_mod
    from app.demo.case_builder import build_demo_case  # the demo data is only loaded on request

    with build_demo_case(Path(args.case), operator=_operator(args) or "Demo Operator") as case:
        if not getattr(args, "no_study", False):
            from app.demo.study import add_demo_study  # loopback demo API only

            add_demo_study(case)
        count = items_mod.count_items(case)
        print(f"Built the demo case at {case.path} with {count} items.")
    return EXIT_OK


def register(add: AddCommand) -> None:
    """demo."""
    p = add("demo", cmd_demo, "Build the demo case from the bundled demo data.")
    p.add_argument("case", type=Path)
    p.add_argument("--operator")
    p.add_argument("--no-study", action="store_true", help="leave out the small reproduction study")
