"""``proofshot duties CASE [--platform HOST] [--json]``: the platform-duty checklist.

``--record`` records the refusals found and closes the current round as a duty check (a
re-check later opens a new round); ``--add-finding`` stores the operator's own finding as a
note on the exhibit it rests on.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import EXIT_OK, AddCommand
from app.console import print_json
from app.core.errors import ProofshotError
from app.duties.rules import DUTIES, DUTY_BY_KEY, FINDINGS, KEYWORDS_SETTING, NOT_CHECKED

if TYPE_CHECKING:
    from app.duties import checks

EXIT_NOT_FOUND = 3


def cmd_duties(args: argparse.Namespace) -> int:
    from app.core.case import Case
    from app.duties import checks

    keywords = list(args.keyword or [])
    if args.add_finding or args.record:
        with Case.open(args.case) as case:
            if args.add_finding:
                if not (args.platform and args.finding and args.item and args.note):
                    raise ProofshotError(
                        "--add-finding needs --platform, --finding, --item and --note."
                    )
                checks.add_operator_finding(
                    case,
                    duty=args.add_finding,
                    platform=args.platform.lower(),
                    finding=args.finding,
                    item_id=args.item,
                    note=args.note,
                )
            if args.record:
                if keywords:  # kept, so the bundle and later checks use the same names
                    merged = checks.keywords_for(case, keywords)
                    current = case.settings().get(KEYWORDS_SETTING, "")
                    if ", ".join(merged) != current:
                        case.set_setting(KEYWORDS_SETTING, ", ".join(merged))
                checks.record_check(case, platform=args.platform, keywords=keywords)
    with Case.open(args.case, read_only=True) as case:
        results = checks.compute(case, platform=args.platform, keywords=keywords)
    if args.platform and not any(r.rounds[-1].to_seq and _seen(r) for r in results):
        print(f"No captures, generations or campaign tries of {args.platform} in this case.")
        return EXIT_NOT_FOUND
    if args.json:
        print_json([r.as_dict() for r in results])
        return EXIT_OK
    if not results:
        print("No platform in this case: nothing captured from an AI site yet.")
    for pd in results:
        print(f"Platform {pd.platform}  ({len(pd.rounds)} check round(s))")
        for f in pd.current():
            duty = DUTY_BY_KEY[f.duty]
            when = max(f.observed) if f.observed else "-"
            ids = ", ".join(str(i) for i in sorted(set(f.exhibits))) or "-"
            print(f"  {f.finding:<12} {duty.name_en}")
            print(f"               observed {when}; items {ids}")
            print(f"               {f.detail}")
            print(f"               rules: {duty.rules_en}")
        for o in pd.operator:
            print(
                f"  operator's   {DUTY_BY_KEY[o.duty].name_en}: {o.finding} — {o.note}"
                f" ({o.actor}, {o.at}, item {o.item_id})"
            )
        if len(pd.rounds) > 1:
            print("  Over time:")
            for duty in DUTIES:
                row = [r.finding(duty.key).finding for r in pd.rounds]
                print(f"    {duty.key:<15} " + " → ".join(row))
    return EXIT_OK


def _seen(pd: checks.PlatformDuties) -> bool:
    return any(f.finding != NOT_CHECKED for r in pd.rounds for f in r.findings)


def register(add: AddCommand) -> None:
    p = add(
        "duties",
        cmd_duties,
        "Platform duties: complaint channel, warnings, AI labels, keyword filtering, over time.",
    )
    p.add_argument("case", type=Path)
    p.add_argument("--platform", metavar="HOST", help="only this platform (host[:port])")
    p.add_argument(
        "--keyword",
        action="append",
        metavar="NAME",
        help="a name of the work that prompts are checked for (repeatable; works' titles and "
        f"the case setting {KEYWORDS_SETTING} are used too)",
    )
    p.add_argument(
        "--record",
        action="store_true",
        help="record the refusals found and this check (closes the round; a later run re-checks)",
    )
    p.add_argument("--add-finding", metavar="DUTY", choices=list(DUTY_BY_KEY))
    p.add_argument("--finding", choices=list(FINDINGS))
    p.add_argument("--item", type=int, help="the exhibit item the operator's finding rests on")
    p.add_argument("--note", help="what the operator saw")
    p.add_argument("--json", action="store_true")
