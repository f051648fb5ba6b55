"""The case commands: init, import, list, show, tag, untag, note, withdraw, log, verify, works, settings."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import ocr as ocr_commands
from app.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, _open_to_read, _operator
from app.cli.time import _print_timestamp_outcome, _trust_from_args, parse_duration
from app.console import StderrProgress, cancel_on_sigint, print_json
from app.core.errors import ProofshotError

if TYPE_CHECKING:
    from app.core import attest
    from app.core import items as items_mod
    from app.core.case import Case


def cmd_init(args: argparse.Namespace) -> int:
    from app.core.case import Case

    with Case.create(args.case, title=args.title or "", operator=_operator(args) or "") as case:
        print(f"Created case {case.title!r} at {case.path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from app.core import attest
    from app.core.case import Case
    from app.core.importer import ImportJob
    from app.core.provenance import TRUST_ANCHORS_ENV
    from app.core.tsa_settings import tsa_configs

    if args.c2pa_trust_list:  # the user's C2PA trust list (PEM) for this import's verdicts
        os.environ[TRUST_ANCHORS_ENV] = str(Path(args.c2pa_trust_list).resolve())
    with Case.open(args.case) as case:
        job = ImportJob(case, [Path(p) for p in args.paths], tags=args.tag or [])
        with cancel_on_sigint(
            "Stopping after the files in progress; press Ctrl+C again to abort."
        ) as cancel:
            summary = job.run(StderrProgress(), cancel)
        timestamp = None
        if not args.no_timestamp and (summary.imported or summary.duplicates):
            # Attest right after storing: the items are safe already; a TSA failure only
            # leaves them pending (logged) for `proofshot timestamp` or the app to retry.
            timestamp = attest.attest_pending(case, tsa_configs(timeout=args.tsa_timeout))
    if args.json:
        result = summary.as_dict()
        result["timestamp"] = timestamp.as_dict() if timestamp else None
        print_json(result)
    else:
        print(
            f"Imported {len(summary.imported)}, duplicates {len(summary.duplicates)}, refused {len(summary.refused)}."
        )
        for refused in summary.refused:
            print(f"  refused: {refused['path']}: {refused['reason']}")
        if summary.cancelled:
            print("Cancelled; the files listed above were kept.")
        if timestamp is not None:
            _print_timestamp_outcome(timestamp)
    if summary.error:
        sys.stderr.write(summary.error + "\n")
        return summary.error_code or 1
    return 1 if summary.cancelled else EXIT_OK


def _item_json(case: Case, item: items_mod.Item, tags: list[str]) -> dict[str, Any]:
    data = item.as_dict()
    data["tags"] = tags
    data["withdrawn"] = (
        case.conn.execute("SELECT 1 FROM withdrawals WHERE item_id = ?", (item.id,)).fetchone()
        is not None
    )
    return data


def cmd_list(args: argparse.Namespace) -> int:
    from app.core import items as items_mod

    with _open_to_read(args.case) as case:
        flt = items_mod.ItemFilter(text=args.text, tag=args.tag, kind=args.kind)
        rows = items_mod.list_items(case, flt)
        tags = items_mod.tags_by_item(case)
        ocr_hits = ocr_commands.list_marks(case, args.text)
        if args.json:
            print_json(
                [
                    {**_item_json(case, it, tags.get(it.id, [])), "ocr_match": it.id in ocr_hits}
                    for it in rows
                ]
            )
            return EXIT_OK
        for it in rows:
            prompt = it.provenance.get("prompt") or ""
            size = f"{it.width}x{it.height}" if it.width else "-"
            line = f"{it.id:>5}  {it.kind:<14} {it.media_type:<18} {size:>11}  {it.sha256[:16]}  {it.source[-40:]}"
            if tags.get(it.id):
                line += "  [" + ", ".join(tags[it.id]) + "]"
            if prompt:
                line += f"\n       prompt: {prompt[:100]}"
            if it.id in ocr_hits:
                line += f"\n       [OCR] text recognised in the image matches {args.text!r}"
            print(line)
        print(f"{len(rows)} item(s)")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from app.core import attest
    from app.core import items as items_mod
    from app.core.custody import iter_events

    with _open_to_read(args.case) as case:
        item = items_mod.get_item(case, args.item)
        state = items_mod.item_state(case, item.id)
        events = [e.as_dict() for e in iter_events(case.conn, item_id=item.id)]
        data = _item_json(case, item, state.tags)
        data.update(
            timestamps=[_token_json(t, item) for t in attest.list_tokens(case, item_id=item.id)],
            notes=state.notes,
            corrections=state.corrections,
            withdrawal=state.withdrawn,
            events=events,
        )
        data["ocr"] = ocr_commands.show_json(case, item.id)
        if args.json:
            print_json(data)
            return EXIT_OK
        for key in ("id", "kind", "media_type", "size", "width", "height", "sha256", "sha512", "sm3",
                    "acquired_at", "local_offset", "operator", "method", "tool", "source"):  # fmt: skip
            print(f"{key:>13}: {data[key]}")
        print(f"{'tags':>13}: {', '.join(state.tags) or '-'}")
        for t in data["timestamps"]:
            print(
                f"{'timestamp':>13}: {t['tsa_name']} genTime {t['gen_time']} serial {t['serial']} policy {t['policy_oid']} ({t['delay_seconds']:.0f} s after acquisition)"
            )
        if not data["timestamps"]:
            print(f"{'timestamp':>13}: time not yet attested")
        prov = item.provenance
        print(f"{'prompt':>13}: {prov.get('prompt') or 'none found'}")
        if prov.get("negative_prompt"):
            print(f"{'negative':>13}: {prov['negative_prompt']}")
        print(
            f"{'provenance':>13}: found {', '.join(prov.get('sources', [])) or 'nothing'}; absent {', '.join(prov.get('absent', [])) or 'nothing'}"
        )
        for note in state.notes:
            print(f"{'note':>13}: {note['text']} ({note['actor']}, {note['at_utc']})")
        if state.withdrawn:
            print(f"{'WITHDRAWN':>13}: {state.withdrawn['reason']}")
        if data["ocr"]:
            first = data["ocr"]["text"].replace("\n", " / ")[:100]
            print(f"{'OCR text':>13}: {first} (machine-recognised, {data['ocr']['engine']})")
        print(f"{'events':>13}: " + "; ".join(f"#{e['seq']} {e['action']}" for e in events))
    return EXIT_OK


def _token_json(token: attest.TokenSummary, item: items_mod.Item) -> dict[str, Any]:
    data = token.as_dict()
    gen = datetime.fromisoformat(token.gen_time)
    data["delay_seconds"] = (gen - datetime.fromisoformat(item.acquired_at)).total_seconds()
    return data


def _item_ids(case: Case, refs: Sequence[str]) -> list[int]:
    from app.core import items as items_mod

    return [items_mod.get_item(case, ref).id for ref in refs]


def cmd_tag(args: argparse.Namespace) -> int:
    from app.core import items as items_mod
    from app.core.case import Case

    with Case.open(args.case) as case:
        n = items_mod.add_tag(case, _item_ids(case, args.items), args.tag, actor=_operator(args))
    print(f"Tagged {n} item(s) with {args.tag!r}.")
    return EXIT_OK


def cmd_untag(args: argparse.Namespace) -> int:
    from app.core import items as items_mod
    from app.core.case import Case

    with Case.open(args.case) as case:
        n = items_mod.remove_tag(case, _item_ids(case, args.items), args.tag, actor=_operator(args))
    print(f"Removed {args.tag!r} from {n} item(s).")
    return EXIT_OK


def cmd_note(args: argparse.Namespace) -> int:
    from app.core import items as items_mod
    from app.core.case import Case

    with Case.open(args.case) as case:
        item_id = items_mod.get_item(case, args.item).id
        items_mod.add_note(
            case, item_id, args.text, actor=_operator(args), correction=args.correction
        )
    print(f"Added a {'correction' if args.correction else 'note'} to item {item_id}.")
    return EXIT_OK


def cmd_withdraw(args: argparse.Namespace) -> int:
    from app.core import items as items_mod
    from app.core.case import Case

    with Case.open(args.case) as case:
        item_id = items_mod.get_item(case, args.item).id
        items_mod.withdraw(case, item_id, args.reason, actor=_operator(args))
    print(f"Withdrew item {item_id}; it stays in the case and its log.")
    return EXIT_OK


def cmd_log(args: argparse.Namespace) -> int:
    from app.core.custody import iter_events

    with _open_to_read(args.case) as case:
        events = list(iter_events(case.conn))
    if args.json:
        print_json([e.as_dict() for e in events])
        return EXIT_OK
    for e in events:
        target = f" item {e.item_id}" if e.item_id is not None else ""
        print(f"{e.seq:>6}  {e.at_utc}  {e.actor:<20} {e.action}{target}  {e.hash[:16]}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from app.core.case import Case
    from app.core.verify import record_verification, verify_case

    # Always read-only: a check never sweeps, migrates or switches the journal of what it
    # checks. Only afterwards, and only into a current, writable case, is the run logged.
    with Case.open(args.case, read_only=True) as case:
        report = verify_case(
            case,
            StderrProgress(),
            trust=_trust_from_args(args),
            max_attest_delay=args.max_attest_delay,
        )
    if not args.no_log:
        try:
            with Case.open(args.case, maintain=False) as case:
                record_verification(case, report, actor=_operator(args))
        except ProofshotError as exc:
            report.notes.append(f"This verification was not recorded in the case's log: {exc}")
    if args.json:
        print_json(report.as_dict())
    else:
        verdict = "INTACT" if report.intact else "NOT INTACT"
        print(
            f"{verdict}: {report.events} events, {report.items} items, {report.objects_checked} objects re-hashed."
        )
        for problem in report.problems:
            print(f"  PROBLEM [{problem.code}] {problem.message}")
        for warning in report.warnings:
            print(f"  WARNING [{warning['code']}] {warning['message']}")
        for token in report.tokens:
            print(f"  token {token['id']}: {token['anchor']}")
        for note in report.notes:
            print(f"  note: {note}")
    return EXIT_OK if report.intact else EXIT_PROBLEMS


def cmd_works_add(args: argparse.Namespace) -> int:
    from app.compare import works as works_mod  # the works library, loaded on use
    from app.core.case import Case

    results = []
    with Case.open(args.case) as case:
        for path in args.files:
            file = Path(path)
            if not file.is_file():
                raise ProofshotError(f"{path} is not a readable file.")
            title = args.title if args.title and len(args.files) == 1 else (args.title or file.stem)
            if args.title and len(args.files) > 1:
                title = f"{args.title} ({file.stem})"
            work_id = works_mod.add_work_file(
                case,
                file,
                title=title,
                owner=args.owner or "",
                registration=args.registration or "",
                registration_date=args.registration_date or "",
            )
            results.append(works_mod.get_work(case, work_id).as_dict())
    if args.json:
        print_json(results)
    else:
        for work in results:
            print(
                f"Work {work['work_id']}: {work['title']} (item {work['item_id']}, {work['sha256'][:16]})"
            )
    return EXIT_OK


def cmd_works_list(args: argparse.Namespace) -> int:
    from app.compare import works as works_mod

    with _open_to_read(args.case) as case:
        listed = [w.as_dict() for w in works_mod.list_works(case)]
    if args.json:
        print_json(listed)
        return EXIT_OK
    for w in listed:
        reg = f", reg. {w['registration']} ({w['registration_date']})" if w["registration"] else ""
        print(
            f"{w['work_id']:>4}  {w['title']}  — {w['owner'] or 'owner not given'}{reg}  [item {w['item_id']}]"
        )
    print(f"{len(listed)} work(s)")
    return EXIT_OK


def _settable_keys() -> list[str]:
    from app.report.choices import COVER_KEYS  # a plain tuple; the bundle model is not loaded

    return ["title", "operator", *(f"bundle.{key}" for key in COVER_KEYS)]


def cmd_settings(args: argparse.Namespace) -> int:
    from app.core.case import Case

    changes: list[tuple[str, str]] = []
    for pair in args.set or []:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or key not in _settable_keys():
            raise ProofshotError(
                f"{pair!r} is not KEY=VALUE with a known key; keys: {', '.join(_settable_keys())}."
            )
        changes.append((key, value.strip()))
    with Case.open(args.case, read_only=not changes) as case:
        for key, value in changes:
            case.set_setting(key, value, actor=_operator(args))
        current = case.settings()
    shown = {k: v for k, v in sorted(current.items()) if k in _settable_keys()}
    if args.json:
        print_json(shown)
    else:
        for key in _settable_keys():
            print(f"{key:>22}: {shown.get(key, '')}")
    return EXIT_OK


# -- registration: the case's own commands, in the order `proofshot --help` lists them -------


def register(add: AddCommand) -> None:
    """init, import, list, show, tag, untag, note, withdraw, log, verify."""
    _register_intake(add)
    _register_annotations(add)
    _register_log_and_verify(add)


def _register_intake(add: AddCommand) -> None:
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


def _register_annotations(add: AddCommand) -> None:
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


def _register_log_and_verify(add: AddCommand) -> None:
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


def register_works(add: AddCommand) -> None:
    """works add | list."""
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


def register_settings(add: AddCommand) -> None:
    """settings."""
    p = add(
        "settings", cmd_settings, "Show or set the case's title, operator and bundle cover facts."
    )
    p.add_argument("case", type=Path)
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="e.g. bundle.caption=…")
    p.add_argument("--operator")
    p.add_argument("--json", action="store_true")
