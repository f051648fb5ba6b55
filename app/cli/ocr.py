"""The ``proofshot ocr`` command, and the OCR parts of ``list`` and ``show``.

Kept apart from app.cli so the CLI can move without this code: ``register(add)`` adds the
command; :func:`list_marks` and :func:`show_json` are the hooks ``list`` and ``show`` call.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import AddCommand, _operator
from app.console import StderrProgress, cancel_on_sigint, print_json
from app.core.ocr_languages import DEFAULT_LANGUAGES

if TYPE_CHECKING:
    from app.core.case import Case


def cmd_ocr(args: argparse.Namespace) -> int:
    from app.core import items as items_mod
    from app.core import ocr
    from app.core.case import Case

    languages = tuple(args.languages.split("+")) if args.languages else DEFAULT_LANGUAGES
    with Case.open(args.case) as case:
        ids = [items_mod.get_item(case, ref).id for ref in args.items] if args.items else None
        job = ocr.OcrJob(
            case,
            ids,
            languages=languages,
            redo=args.redo,
            actor=_operator(args),
        )
        with cancel_on_sigint("Stopping after the images in progress; Ctrl+C again aborts.") as c:
            outcome = job.run(StderrProgress("images"), c)
        targets = ocr.eligible_items(case, ids)
        # Asked for by id but not read: withdrawn, or not an image OCR reads; said, not dropped.
        read = set(targets)
        passed_over = [i for i in ids or [] if i not in read]
        records = ocr.latest(case, targets)
        info = ocr.engine_info(languages)
        if args.json:
            print_json(
                {
                    "engine": info.as_dict(),
                    "recognised": outcome.recognised,
                    "skipped": outcome.skipped,
                    "failed": {str(k): v for k, v in outcome.failed.items()},
                    "cancelled": outcome.cancelled,
                    "not_eligible": passed_over,
                    "items": [
                        {
                            **records[i].as_dict(),
                            "suggested_tags": ocr.suggest_tags(records[i].text),
                            "prompt_candidates": ocr.prompt_candidates(records[i].lines),
                        }
                        for i in targets
                        if i in records
                    ],
                }
            )
        else:
            print(
                f"OCR ({info.engine} {info.version}, {'+'.join(info.languages)}): recognised "
                f"{len(outcome.recognised)}, already done {len(outcome.skipped)}, "
                f"failed {len(outcome.failed)}."
            )
            for item_id in passed_over:
                print(f"  not read: item {item_id} is withdrawn or not an image OCR reads")
            for item_id, reason in outcome.failed.items():
                print(f"  failed: item {item_id}: {reason}")
            for item_id in outcome.recognised:
                first = records[item_id].text.splitlines()[:1] if item_id in records else []
                print(f"  item {item_id}: {(first[0] if first else '(no text)')[:80]}")
            if outcome.cancelled:
                print("Cancelled; the results listed above were kept.")
    if outcome.failed:
        return 2
    return 1 if outcome.cancelled else 0


def register(add: AddCommand) -> None:
    p = add(
        "ocr",
        cmd_ocr,
        "Recognise the text in screenshots (a derived, logged record; the items are unchanged).",
    )
    p.add_argument("case", type=Path)
    p.add_argument(
        "--items", nargs="+", metavar="ID", help="only these items (id or SHA-256 prefix)"
    )
    p.add_argument("--redo", action="store_true", help="recognise again items that have a result")
    p.add_argument(
        "--languages",
        help=f"Tesseract models joined by '+' (default {'+'.join(DEFAULT_LANGUAGES)})",
    )
    p.add_argument("--operator")
    p.add_argument("--json", action="store_true")


def list_marks(case: Case, text: str | None) -> set[int]:
    """Items that ``list --text`` found by their OCR text (marked as such in its output)."""
    if not text:
        return set()  # a plain ``list`` does not load the OCR engine
    from app.core import ocr

    return ocr.search_ids(case, text)


def show_json(case: Case, item_id: int) -> dict[str, Any] | None:
    from app.core import ocr

    record = ocr.latest(case, [item_id]).get(item_id)
    if record is None:
        return None
    data = record.as_dict()
    data["suggested_tags"] = ocr.suggest_tags(record.text)
    data["prompt_candidates"] = ocr.prompt_candidates(record.lines)
    return data
