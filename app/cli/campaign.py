"""``proofshot campaign run|status|report|key``: prompt campaigns from the command line.

``app.cli`` calls :func:`register` with its ``add(name, handler, help)`` helper; this module
never imports ``app.cli`` (which imports it), so it carries its own small progress printer
and Ctrl+C handling. ``python -m app.cli.campaign campaign …`` runs the same
commands without the rest of the CLI.

Exit codes: 0 the campaign is complete (every try has a result; failed tries are reported),
130 paused by Ctrl+C (run it again to continue), 11 stopped because the platform refused
the key or the endpoint, or could not be reached (fix it, run again to continue), 2 bad
prompt file or settings, 10 no key.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.capture.campaign_names import PROFILE_NAMES
from app.cli.common import EXIT_OK, AddCommand, Handler, _operator, open_writable_if_possible
from app.console import StderrProgress, cancel_on_sigint, print_json
from app.core.errors import ProofshotError

if TYPE_CHECKING:
    from app.capture.campaigns.settings import RunResult

EXIT_STOPPED = 11
EXIT_INTERRUPTED = 130


def _parameters(pairs: Sequence[str] | None) -> dict[str, Any]:
    """``--param size=1024x1024 --param n=2`` -> {"size": "1024x1024", "n": 2}."""
    from app.capture.campaigns.profiles import ProfileError

    out: dict[str, Any] = {}
    for pair in pairs or ():
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ProfileError(f"The parameter {pair!r} is not KEY=VALUE.")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        out[key.strip()] = value
    return out


MAX_PROFILE_CONFIG_BYTES = 1 << 20  # a profile's JSON settings: a page, never a megabyte


def _profile_config(path: str | None) -> dict[str, Any] | None:
    from app.capture.campaigns.profiles import ProfileError
    from app.core.digests import read_capped

    if not path:
        return None
    try:
        data = json.loads(read_capped(path, MAX_PROFILE_CONFIG_BYTES).decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ProfileError(
            f"The profile configuration {path} cannot be read as JSON ({exc})."
        ) from exc
    if not isinstance(data, dict):
        raise ProfileError(f"The profile configuration {path} must be a JSON object.")
    return data


# -- handlers ---------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from app.capture.campaigns import (  # the campaign machinery loads on use
        CampaignSpec,
        ClientSettings,
        RunSettings,
        campaign_report,
        get_campaign,
        load_prompts,
        resolve_credential,
        run_campaign,
    )
    from app.core.case import Case

    prompts = load_prompts(args.prompts, args.prompts_format)
    spec = CampaignSpec(
        profile=args.profile,
        endpoint=args.endpoint,
        prompts=prompts,
        tries=args.tries,
        model=args.model,
        parameters=_parameters(args.param),
        profile_config=_profile_config(args.profile_config),
        name=args.name or "",
    )
    profile = spec.build_profile()
    credential = resolve_credential(
        args.endpoint, args.api_key_env, required=profile.needs_credential
    )
    settings = RunSettings(
        concurrency=max(1, args.concurrency),
        rate_per_second=max(0.0, args.rate),
        max_attempts=max(1, args.max_attempts),
        attest=not args.no_timestamp,
        match=not args.no_match,
        client=ClientSettings(timeout=args.timeout, ca_file=args.ca_file),
    )
    with (
        cancel_on_sigint(
            "Pausing: finishing the tries in flight; run the same command again to continue. "
            "Press Ctrl+C again to stop at once."
        ) as cancel,
        Case.open(args.case) as case,
    ):
        result = run_campaign(
            case,
            spec,
            credential,
            settings,
            progress=StderrProgress(unit="tries"),
            cancel=cancel,
            new=args.new,
            actor=_operator(args),
        )
        report = (
            campaign_report(case, get_campaign(case, result.campaign_id))
            if result.complete
            else None
        )
    if args.json:
        print_json({"run": result.as_dict(), "report": report})
    else:
        _print_run(result, report)
    if result.complete:
        return EXIT_OK
    if result.stopped_reason:
        sys.stderr.write(
            f"proofshot: the campaign stopped: {result.stopped_reason} "
            "Fix the key or the endpoint and run the same command again to continue.\n"
        )
        return EXIT_STOPPED
    return EXIT_INTERRUPTED


def _print_run(result: RunResult, report: dict[str, Any] | None) -> None:
    """What ``campaign run`` says without ``--json``: this run's counts, then the report (a
    complete campaign) or why it stopped or paused."""
    from app.capture.campaigns.report import render_report

    verb = "Continued" if result.resumed else "Started"
    print(
        f"{verb} campaign {result.campaign_id}: {result.done} tries done and {result.failed} failed in this run "
        f"({result.finished_before} finished before), {result.outputs} image(s) stored, "
        f"{result.exchanges} exchange record(s)."
    )
    for error in result.errors:
        print(f"  failed: {error}")
    if result.pending_attestation:
        print(
            f"{result.pending_attestation} item(s) are not yet attested (time not yet attested); they stay queued."
        )
    if report is not None:
        print()
        print(render_report(report))
    elif result.stopped_reason:
        print("Stopped: nothing more was asked; no try was marked failed for this.")
    else:
        remaining = result.planned - result.finished_before - result.done - result.failed
        print(f"Paused with {remaining} tries to go; run the same command again to continue.")


def cmd_status(args: argparse.Namespace) -> int:
    from app.capture.campaigns.report import campaigns_status, render_status
    from app.core.case import Case

    with Case.open(args.case, read_only=True) as case:
        rows = campaigns_status(case)
    if args.json:
        print_json(rows)
    else:
        print(render_status(rows))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from app.capture.campaigns import campaign_report, get_campaign, record_matches, render_report
    from app.capture.campaigns.store import latest_campaign

    with open_writable_if_possible(args.case) as case:
        campaign = get_campaign(case, args.campaign) if args.campaign else latest_campaign(case)
        if not case.read_only and not args.no_record:
            record_matches(case, campaign, actor=_operator(args))
        report = campaign_report(case, campaign)
    if args.json:
        print_json(report)
    else:
        print(render_report(report))
    return EXIT_OK


def cmd_key(args: argparse.Namespace) -> int:
    from app.capture.campaigns.credentials import credential_from_env, store_api_key

    if args.from_env:
        key = credential_from_env(args.from_env).value
    else:
        key = getpass.getpass(f"API key for {args.endpoint} (not shown): ")
    fingerprint = store_api_key(args.endpoint, key)
    print(
        f"Stored the key in the keyring for {args.endpoint}; its SHA-256 fingerprint is {fingerprint}."
    )
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------


def register(add: AddCommand) -> None:
    """Add ``campaign`` with its actions to the CLI's parser (``add`` is app.cli's helper)."""
    parent = add(
        "campaign",
        _help_for_bare,
        "Prompt campaigns: ask an AI platform's API with a prompt list, record every exchange, count the matches.",
    )
    sub = parent.add_subparsers(dest="campaign_action", metavar="ACTION")
    parent.set_defaults(campaign_parser=parent)

    run = sub.add_parser(
        "run",
        help="run (or continue) a campaign",
        description="Ask the platform every prompt of the file, --tries times each; a second run with the same prompt file continues an unfinished campaign.",
    )
    run.set_defaults(handler=cmd_run)
    run.add_argument("case", type=Path)
    run.add_argument("--profile", required=True, choices=PROFILE_NAMES)
    run.add_argument("--endpoint", required=True, metavar="URL")
    run.add_argument("--model", metavar="M")
    run.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="read the API key from this environment variable for this run (default: the keyring)",
    )
    run.add_argument("--prompts", required=True, metavar="FILE", help="text (one per line) or .csv")
    run.add_argument("--prompts-format", choices=("text", "csv"), help=argparse.SUPPRESS)
    run.add_argument("--tries", type=int, default=1, metavar="N")
    run.add_argument("--concurrency", type=int, default=2, metavar="N")
    run.add_argument(
        "--rate", type=float, default=1.0, metavar="R", help="requests per second (0: no limit)"
    )
    run.add_argument(
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="an extra request parameter, e.g. size=1024x1024 or n=2 (repeatable)",
    )
    run.add_argument("--profile-config", metavar="FILE.json", help="the generic profile's settings")
    run.add_argument("--name", help="a name for a new campaign")
    run.add_argument(
        "--new", action="store_true", help="start a new campaign even if one is unfinished"
    )
    run.add_argument("--max-attempts", type=int, default=4, metavar="N", help="attempts per try")
    run.add_argument("--timeout", type=float, default=120.0, metavar="S", help="network timeout")
    run.add_argument("--ca-file", metavar="PEM", help="extra trusted root certificates")
    run.add_argument("--no-timestamp", action="store_true", help="leave new items queued")
    run.add_argument("--no-match", action="store_true", help="do not match outputs against works")
    run.add_argument("--operator")
    run.add_argument("--json", action="store_true")

    status = sub.add_parser("status", help="list the campaigns of a case with their progress")
    status.set_defaults(handler=cmd_status)
    status.add_argument("case", type=Path)
    status.add_argument("--json", action="store_true")

    report = sub.add_parser(
        "report", help="per prompt: tries, outputs and matches with the original works by band"
    )
    report.set_defaults(handler=cmd_report)
    report.add_argument("case", type=Path)
    report.add_argument("--campaign", type=int, metavar="ID", help="default: the latest")
    report.add_argument(
        "--no-record", action="store_true", help="do not record fresh matches in the case"
    )
    report.add_argument("--operator")
    report.add_argument("--json", action="store_true")

    key = sub.add_parser("key", help="store an API key for an endpoint in the keyring")
    key.set_defaults(handler=cmd_key)
    key.add_argument("endpoint", metavar="URL")
    key.add_argument("--from-env", metavar="VAR", help="take the key from this variable")


def _help_for_bare(args: argparse.Namespace) -> int:
    args.campaign_parser.print_help()
    return 1


def build_parser() -> argparse.ArgumentParser:
    """A parser holding only ``campaign`` (for ``python -m`` and for tests)."""
    parser = argparse.ArgumentParser(prog="proofshot")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not getattr(args, "handler", None):
        parser.print_help()
        return 1
    try:
        return int(args.handler(args))
    except ProofshotError as exc:
        sys.stderr.write(f"proofshot: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("proofshot: interrupted; run the same command again to continue.\n")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
