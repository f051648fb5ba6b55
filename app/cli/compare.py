"""``proofshot match`` and ``proofshot compare``: the similarity engine on a case's items.

``app.cli`` calls :func:`register` with its ``add(name, handler, help)`` helper; this module
never imports ``app.cli`` (which imports it), so it carries its own small progress printer
and Ctrl+C handling. Both commands open the case read-only: matching reads the stored bytes
and never changes the case.

Exit codes: ``match`` 0 (flagged or not: the result is in the output), 130 when interrupted
(the items finished so far are printed); ``compare`` 0 for a scored comparison, 2 when the
pair cannot be compared (the reason is printed); the core's codes for a missing case, item
or work; 1 when the case has no works.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import EXIT_OK, AddCommand, Handler
from app.console import StderrProgress, cancel_on_sigint, print_json
from app.core.errors import ProofshotError

if TYPE_CHECKING:
    from app.compare.case_matching import ItemMatches

EXIT_CANNOT_COMPARE = 2
EXIT_INTERRUPTED = 130
WIDTH = 100


def _value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and abs(value) >= 1 else f"{value:.2f}"
    return str(value)


# -- match --------------------------------------------------------------------------------------


def _render_item(result: ItemMatches, label: str) -> list[str]:
    head = f"#{result.item_id:<5} {label[:44]:<44} {result.sha256[:12]}…"
    if result.cannot_compare:
        return [f"{head}  cannot compare", *_wrapped(result.cannot_compare, 8)]
    best = result.best
    verdict = (
        f"LIKELY MATCH: work {best.work_id} ({best.band})"
        if best is not None and result.flagged
        else "no likely match"
    )
    lines = [f"{head}  {verdict}"]
    for rank, match in enumerate(result.matches, start=1):
        lines.append(
            f"    {rank:>2}. work {match.work_id:<5} {match.score:5.3f}  {match.band:<6}  "
            f"{match.title}"
        )
    return lines


def _wrapped(text: str, indent: int) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent
    ) or [" " * indent]


def cmd_match(args: argparse.Namespace) -> int:
    from app.compare.case_matching import match_case, snapshot  # the engine loads on use
    from app.core import items as items_mod
    from app.core.case import Case

    with (
        cancel_on_sigint("Stopping after the images in progress; Ctrl+C again aborts.") as cancel,
        Case.open(args.case, read_only=True) as case,
    ):
        item_ids = [items_mod.get_item(case, ref).id for ref in args.item] if args.item else None
        results = match_case(case, item_ids, workers=2, progress=StderrProgress(), cancel=cancel)
        labels = {
            i: (src.rstrip("/").rsplit("/", 1)[-1] or kind)
            for i, src, kind in case.conn.execute("SELECT id, source, kind FROM items")
        }
        works = len(snapshot(case))
    if args.json:
        print_json([r.as_dict() for r in results])
    else:
        for result in results:
            print("\n".join(_render_item(result, labels.get(result.item_id, ""))))
        flagged = sum(1 for r in results if r.flagged)
        failed = sum(1 for r in results if r.cannot_compare)
        print(
            f"{len(results)} item(s) matched against {works} work(s): {flagged} flagged as "
            f"likely matches (band high or medium), {failed} could not be compared."
        )
    if cancel.cancelled:
        sys.stderr.write("proofshot: interrupted; the items listed were matched.\n")
        return EXIT_INTERRUPTED
    return EXIT_OK


# -- compare ------------------------------------------------------------------------------------


def render_comparison(record: dict[str, Any]) -> str:
    """The comparison as text: both sides, the score and band, each metric with its sentence."""
    from app.compare.case_matching import METRIC_LABELS
    from app.compare.scoring import BAND_SENTENCES

    reg = f", reg. {record['work_registration']}" if record.get("work_registration") else ""
    lines = [
        f"Item {record['item_id']} ({record['item_sha256'][:16]}…) against work "
        f"{record['work_id']} “{record['work_title']}”{reg} (item {record['work_item_id']}, "
        f"{record['work_sha256'][:16]}…)",
        "",
    ]
    if record.get("cannot_compare"):
        lines.append("CANNOT COMPARE")
        lines.extend(_wrapped(record["cannot_compare"], 2))
    else:
        lines.append(
            f"Score {record['score']:.3f} on a scale of 0 to 1, band {record['band']}: "
            f"{BAND_SENTENCES.get(record['band'], '')}."
        )
        lines.append("")
        for metric in record["metrics"]:
            label = METRIC_LABELS.get(metric["name"], metric["name"])
            prefix = f"  {label:<16} {_value(metric['value']):>6}  "
            lines.extend(
                textwrap.wrap(
                    metric["sentence"],
                    WIDTH,
                    initial_indent=prefix,
                    subsequent_indent=" " * len(prefix),
                )
            )
    if record.get("notes"):
        lines.append("")
        lines.append("Notes:")
        for note in record["notes"]:
            lines.extend(_wrapped(note, 2))
    lines.append("")
    lines.append(
        f"Engine {record['engine']}; computed from the stored files, the case is not changed."
    )
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    from app.compare.case_matching import compare_item
    from app.core.case import Case

    with Case.open(args.case, read_only=True) as case:
        record = compare_item(case, args.item, args.work)
    if args.json:
        print_json(record)
    else:
        print(render_comparison(record))
    return EXIT_CANNOT_COMPARE if record.get("cannot_compare") else EXIT_OK


# -- parser -------------------------------------------------------------------------------------


def register(add: AddCommand) -> None:
    """Add ``match`` and ``compare`` to the CLI's parser (``add`` is app.cli's helper)."""
    p = add(
        "match",
        cmd_match,
        "Rank the case's original works for each image item and flag likely matches.",
    )
    p.add_argument("case", type=Path)
    p.add_argument(
        "--item",
        action="append",
        metavar="ID",
        help="only this item (id or SHA-256 prefix; repeatable); default: every image item "
        "that is not an original work",
    )
    p.add_argument("--json", action="store_true")

    p = add(
        "compare",
        cmd_compare,
        "Compare one item with one original work: every measure with the sentence that explains it.",
    )
    p.add_argument("case", type=Path)
    p.add_argument("item", help="item id or SHA-256 prefix")
    p.add_argument("--work", required=True, type=int, metavar="WORK", help="the work's id")
    p.add_argument("--json", action="store_true")


def main(argv: list[str] | None = None) -> int:
    """``python -m app.cli.compare match|compare …`` without the rest of the CLI."""
    parser = argparse.ArgumentParser(prog="proofshot")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
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
    sys.exit(main())
