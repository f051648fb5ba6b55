"""CLI commands of the report package: ``export``, ``verify-bundle`` and ``exhibit``.

``app.cli`` calls :func:`register` with its ``add(name, handler, help)`` helper. The handlers
return the process exit code: 0 when everything holds, 2 when the command ran but found the
case (at export) not intact or the bundle anything but INTACT (INTACT, UNANCHORED included),
7 for a zip whose directory cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, _operator
from app.console import StderrProgress, cancel_on_sigint, print_json
from app.core.errors import ProofshotError
from app.report.choices import LANGS, PAPERS, PROFILES

if TYPE_CHECKING:
    from app.report.model import ExportOptions


def _item_ids(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    ids = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ProofshotError(
                f"--items takes item ids separated by commas; {part!r} is not an id."
            )
        ids.append(int(part))
    return tuple(dict.fromkeys(ids))


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    from app.report.model import ExportOptions

    return ExportOptions(
        profile=args.profile,
        lang=args.lang,
        tags=tuple(args.tag or ()),
        items=_item_ids(args.items),
        bates_prefix=args.bates_prefix,
        paper=args.paper,
        max_mb=args.max_mb,
        sign=Path(args.sign) if args.sign else None,
        out=Path(args.out).resolve(),
        renumber=bool(getattr(args, "renumber", False)),
    )


def cmd_export(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    # Loaded on use: pyHanko and the PDF writer cost about a second of CLI start-up.
    from app.report.export import ExportJob

    job = ExportJob(
        Path(args.case),
        options,
        actor=_operator(args),
    )
    with cancel_on_sigint("Stopping the export; press Ctrl+C again to abort at once.") as cancel:
        result = job.run(StderrProgress(), cancel)
    if args.json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        print(
            f"Exported {result.exhibits} exhibit(s), {result.pages} page(s); custody event {result.event_seq}."
        )
        for path in result.filing:
            print(f"  filing: {path}")
        if result.archive_folder is not None:
            print(f"  archive: {result.archive_folder}")
            print(f"  zip: {result.archive_zip}")
        if result.signed is not None:
            print(f"  signed: {result.signed}")
        for warning in result.warnings:
            print(f"  warning: {warning}")
    return EXIT_OK if result.intact else EXIT_PROBLEMS


def _print_bundle_report(report: Any) -> None:
    print(
        f"{report.verdict}: {report.kind} {report.path}; {report.files_checked} file(s) checked, "
        f"{len(report.tokens)} token(s), {len(report.seals)} seal(s) over the export, "
        f"{len(report.signatures)} signature(s)."
    )
    if report.chain:
        print(
            f"  custody log: {report.chain.get('entries')} entries, head {report.chain.get('head_hash')}"
        )
    for seal in report.seals:
        if seal.get("trusted") and seal.get("ok"):
            print(
                f"  anchored: seal {seal['name']} by {seal.get('tsa')} at {seal.get('gen_time')}, "
                f"chained to trusted root '{seal.get('anchor')}' from {seal.get('anchor_source')}"
            )
    for label, names in (
        ("CHANGED", report.changed),
        ("MISSING", report.missing),
        ("ADDED", report.added),
    ):
        for name in names:
            print(f"  {label}: {name}")
    for problem in report.problems:
        if not any(problem.startswith(p) for p in ("Changed:", "Missing:", "Added:")):
            print(f"  PROBLEM: {problem}")
    for text in report.not_checked:
        print(f"  not checked: {text}")
    for note in report.notes:
        print(f"  note: {note}")


def cmd_verify_bundle(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists() and not path.is_symlink():
        raise ProofshotError(f"{path} does not exist.")
    from app.report.verify_bundle import trust_anchors, verify_bundle  # loaded on use, as above

    anchors = trust_anchors([Path(p) for p in args.ca_file or ()])
    report = verify_bundle(path, anchors=anchors)
    if args.json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_bundle_report(report)
    return int(report.exit_code)


def cmd_exhibit(args: argparse.Namespace) -> int:
    """Restate an exhibit's purpose (证明对象) or source (证据来源); each is a logged note."""
    from app.core import items as items_mod
    from app.core.case import Case
    from app.report.model import EXHIBIT_FIELDS, set_exhibit_text

    wanted = {
        name: getattr(args, name)
        for name in EXHIBIT_FIELDS
        if getattr(args, name, None) is not None
    }
    with Case.open(args.case, read_only=not wanted) as case:
        item = items_mod.get_item(case, args.item)
        for name, text in wanted.items():
            set_exhibit_text(case, item.id, name, text, actor=args.operator)
        state = items_mod.item_state(case, item.id)
        current: dict[str, str | None] = dict.fromkeys(EXHIBIT_FIELDS)
        for note in state.notes:
            for name, prefix in EXHIBIT_FIELDS.items():
                if str(note["text"]).startswith(prefix):
                    current[name] = str(note["text"])[len(prefix) :]
    if args.json:
        print_json({"item_id": item.id, **current})
    else:
        for name, value in current.items():
            print(f"{name:>11}: {value if value is not None else '(from the record)'}")
    return EXIT_OK


def register(add: AddCommand) -> None:
    """Add ``export`` and ``verify-bundle`` to the CLI's parser."""
    p = add(
        "export",
        cmd_export,
        "Export the court bundle: filing PDF volumes, the archive package, optionally a signed PDF.",
    )
    p.add_argument("case", type=Path)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--profile", choices=PROFILES, default="both")
    p.add_argument("--lang", choices=LANGS, default="en")
    p.add_argument(
        "--tag", action="append", metavar="TAG", help="exhibit items with this tag (repeatable)"
    )
    p.add_argument("--items", metavar="ID,...", help="exhibit these item ids (with --tag: either)")
    p.add_argument("--bates-prefix", default="PS", metavar="P")
    p.add_argument("--paper", choices=PAPERS, default="letter")
    p.add_argument(
        "--renumber",
        action="store_true",
        help="number the exhibits afresh (logged) instead of keeping their earlier numbers",
    )
    p.add_argument(
        "--max-mb", type=float, default=35.0, metavar="N", help="largest filing volume, in MB"
    )
    p.add_argument(
        "--sign",
        metavar="P12",
        help="also write a PAdES-signed PDF/A-3 with the natives attached; the passphrase comes from the keyring",
    )
    p.add_argument("--operator", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")

    p = add(
        "verify-bundle",
        cmd_verify_bundle,
        "Check an exported bundle (folder, zip or PDF) offline; exit 0 only for INTACT (every file under a trusted seal).",
    )
    p.add_argument("path", type=Path)
    p.add_argument(
        "--ca-file",
        action="append",
        metavar="PEM",
        help="a TSA root certificate to trust (repeatable); besides the OS trust store and settings",
    )
    p.add_argument("--json", action="store_true")

    p = add(
        "exhibit",
        cmd_exhibit,
        "Show or restate, for the exhibit holding an item, what it is offered to show and its source.",
    )
    p.add_argument("case", type=Path)
    p.add_argument("item", help="item id or SHA-256 prefix (the exhibit's first item)")
    p.add_argument("--purpose", metavar="TEXT", help="what the exhibit is offered to show")
    p.add_argument("--purpose-zh", dest="purpose_zh", metavar="TEXT", help="证明对象")
    p.add_argument("--source", metavar="TEXT", help="the exhibit's source")
    p.add_argument("--source-zh", dest="source_zh", metavar="TEXT", help="证据来源")
    p.add_argument("--operator", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")
