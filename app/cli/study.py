"""``proofshot study init|freeze|run|status|review|report``: reproduction studies.

``app.cli`` calls :func:`register` with its ``add(name, handler, help)`` helper, as it does for
``campaign``. Exit codes: 0 done; 2 a bad protocol or answers file, or the study is not in a
state for the action (e.g. not frozen, not timestamped); 3 no such study; 11 the platform
stopped the run (fix and run again to continue); 130 paused (run again to continue).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.campaign import EXIT_INTERRUPTED, EXIT_STOPPED
from app.cli.common import EXIT_OK, AddCommand, _operator, open_writable_if_possible
from app.console import StderrProgress, cancel_on_sigint, print_json
from app.core.errors import ProofshotError


def _pct(fig: dict[str, Any]) -> str:
    if fig.get("rate") is None:
        return f"{fig['k']}/{fig['n']}  —"
    return (
        f"{fig['k']}/{fig['n']}  {fig['rate'] * 100:.1f} % "
        f"[{fig['low'] * 100:.1f}–{fig['high'] * 100:.1f}]"
    )


def render_report(report: dict[str, Any]) -> str:
    p = report["protocol"]
    lines = [
        f"Study {report['study']['id']}: {report['study']['name']}",
        f"Protocol version {p['current_version']}, seed {p['seed']}, {p['tries']} tries per prompt, "
        f"engine {p['engine']}, matching bands {', '.join(p['matching_bands'])}, "
        f"{p['interval']} 95 % intervals.",
    ]
    for v in p["versions"]:
        lines.append(
            f"  v{v['version']}: item {v['item_id']}, sha256 {v['protocol_sha256'][:16]}…, "
            f"timestamped {v['token_time'] or 'NOT YET'}"
            + (f"; reason: {v['reason']}" if v["reason"] else "")
        )
    for r in report["runs"]:
        lines.append(
            f"  campaign {r['campaign_id']} (v{r['protocol_version']}): {r['done']}/{r['planned']} done, "
            f"{r['failed']} failed; first request {r['first_request_at'] or '-'}; token predates it: "
            f"{r['token_predates_first_request']}"
        )
    lines.append("")
    lines.append("Per arm (tool matches | primary reviewer similar):")
    for a in report["per_arm"]:
        lines.append(f"  {a['arm']:<12} {_pct(a['tool']):<32} | {_pct(a['human'])}")
    lines.append("Per prompt:")
    for row in report["per_prompt"]:
        lines.append(
            f"  v{row['protocol_version']} {row['prompt_id']:<6} {row['arm']:<12} "
            f"{_pct(row['tool']):<32} | {_pct(row['human'])}"
        )
    c = report["controls"]
    lines.append(f"Control prompts, tool false-match rate: {_pct(c['control_prompts'])}")
    lines.append(f"Control works (decoys), false-match rate: {_pct(c['control_works'])}")
    th = report["tool_human_agreement"]
    lines.append(
        f"Tool vs reviewer {th['reviewer'] or '-'}: n={th['n']}, kappa={_num(th['kappa'])}, "
        f"observed agreement {_num(th['observed'])}"
    )
    ir = report["inter_rater"]
    lines.append(
        f"Inter-rater ({' & '.join(ir['reviewers']) or '-'}): n={ir['n']}, kappa={_num(ir['kappa'])}"
    )
    for d in report["deviations"]:
        lines.append(f"Deviation: {d}")
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


# -- handlers ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from app.capture.study.protocol import load_protocol  # the study machinery loads on use
    from app.capture.study.study import init_study
    from app.core.case import Case

    protocol, data = load_protocol(args.protocol)
    with Case.open(args.case) as case:
        study = init_study(case, protocol, data, str(args.protocol), actor=_operator(args))
    if args.json:
        print_json({"study_id": study.id, "name": study.name, "draft_sha256": protocol.sha256})
    else:
        print(
            f"Study {study.id} ({study.name}) defined from {args.protocol}: "
            f"{len(protocol.prompts)} prompts x {protocol.tries} tries on "
            f"{len(protocol.platforms)} platform(s). Freeze it before running: 'study freeze'."
        )
    return EXIT_OK


def cmd_freeze(args: argparse.Namespace) -> int:
    from app.capture.study.protocol import load_protocol
    from app.capture.study.study import freeze, get_study
    from app.core.case import Case

    protocol = data = None
    if args.protocol:
        protocol, data = load_protocol(args.protocol)
    with Case.open(args.case) as case:
        study = get_study(case, args.study)
        result = freeze(
            case, study, protocol, data, reason=args.reason or "", actor=_operator(args)
        )
    v = result.version
    if args.json:
        print_json(
            {
                "study_id": study.id,
                "version": v.version,
                "new": result.new,
                "item_id": v.item_id,
                "protocol_sha256": v.protocol.sha256,
                "token_time": result.token_time,
                "timestamp_failures": result.tsa_failures,
            }
        )
    else:
        verb = "Froze" if result.new else "Already frozen:"
        print(
            f"{verb} protocol version {v.version} of study {study.id} as item {v.item_id} "
            f"(sha256 {v.protocol.sha256})."
        )
        if result.token_time:
            print(f"Trusted time (TSA): {result.token_time}.")
        else:
            print(
                "Not yet timestamped: no request will be sent until it is; run 'study freeze' again."
            )
    return EXIT_OK if result.token_time else 2


def cmd_run(args: argparse.Namespace) -> int:
    from app.capture.campaigns.credentials import resolve_credential
    from app.capture.campaigns.http import ClientSettings
    from app.capture.campaigns.settings import RunSettings
    from app.capture.study.results import study_report
    from app.capture.study.study import get_study, run_study
    from app.core.case import Case

    settings = RunSettings(
        concurrency=max(1, args.concurrency),
        rate_per_second=max(0.0, args.rate),
        max_attempts=max(1, args.max_attempts),
        client=ClientSettings(timeout=args.timeout, ca_file=args.ca_file),
    )

    def credential_for(endpoint: str, needed: bool) -> Any:
        return resolve_credential(endpoint, args.api_key_env, required=needed)

    with (
        cancel_on_sigint("Pausing: run the same command again to continue.") as cancel,
        Case.open(args.case) as case,
    ):
        study = get_study(case, args.study)
        result = run_study(
            case,
            study,
            credential_for,
            settings,
            progress=StderrProgress(unit="requests"),
            cancel=cancel,
            actor=_operator(args),
        )
        report = study_report(case, study) if result.complete else None
    if args.json:
        print_json(
            {
                "run": {
                    "version": result.version,
                    "runs": result.runs,
                    "complete": result.complete,
                },
                "report": report,
            }
        )
    elif report is not None:
        print(render_report(report))
    else:
        print("The study is not complete yet; run the same command again to continue.")
    if result.complete:
        return EXIT_OK
    last = result.runs[-1]["run"] if result.runs else None
    if last and last.get("stopped_reason"):
        sys.stderr.write(f"proofshot: the study run stopped: {last['stopped_reason']}\n")
        return EXIT_STOPPED
    return EXIT_INTERRUPTED


def cmd_status(args: argparse.Namespace) -> int:
    from app.capture.study.results import study_status
    from app.capture.study.study import get_study
    from app.core.case import Case

    with Case.open(args.case, read_only=True) as case:
        status = study_status(case, get_study(case, args.study))
    if args.json:
        print_json(status)
    else:
        print(f"Study {status['study']['id']}: {status['study']['name']}")
        if not status["frozen"]:
            print("  protocol not frozen yet")
        for v in status["versions"]:
            print(
                f"  protocol v{v['version']}: item {v['item_id']}, timestamped {v['token_time'] or 'NOT YET'}"
            )
        for r in status["runs"]:
            print(
                f"  campaign {r['campaign_id']} (v{r['protocol_version']}): "
                f"{r['done']} done, {r['failed']} failed of {r['planned']}"
            )
        print(f"  outputs: {status['outputs']}; reviews: {status['reviews'] or 'none'}")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from app.capture.study.review import blind_set, load_answers, record_reviews
    from app.capture.study.study import get_study
    from app.core.case import Case

    with Case.open(args.case) as case:
        study = get_study(case, args.study)
        if args.list:
            items = blind_set(case, study, args.reviewer)
            rows = [
                {"output": b.label, "sha256": b.sha256, "works": list(b.work_titles)} for b in items
            ]
            if args.json:
                print_json(rows)
            else:
                for r in rows:
                    print(f"{r['output']}  {r['sha256']}")
            return EXIT_OK
        if not args.answers:
            raise ProofshotError("Give --answers FILE (or --list to see the blind review set).")
        reviewer, answers = load_answers(case, study, args.answers)
        reviewer = args.reviewer or reviewer
        count = record_reviews(case, study, reviewer, answers, via="answers-file")
    if args.json:
        print_json({"reviewer": reviewer, "recorded": count})
    else:
        print(f"Recorded {count} blind review answer(s) by {reviewer}.")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from app.capture.study.results import record_study_matches, study_report
    from app.capture.study.study import get_study

    with open_writable_if_possible(args.case) as case:
        study = get_study(case, args.study)
        if not case.read_only and not args.no_record:
            record_study_matches(case, study, actor=_operator(args))
        report = study_report(case, study)
    if args.json:
        print_json(report)
    else:
        print(render_report(report))
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------


def register(add: AddCommand) -> None:
    parent = add(
        "study",
        _help_for_bare,
        "Reproduction studies: a pre-registered prompt campaign with controls, blind review and error rates.",
    )
    sub = parent.add_subparsers(dest="study_action", metavar="ACTION")
    parent.set_defaults(study_parser=parent)

    def common(p: argparse.ArgumentParser, *, study: bool = True) -> None:
        p.add_argument("case", type=Path)
        if study:
            p.add_argument("--study", type=int, metavar="ID", help="default: the latest study")
        p.add_argument("--operator")
        p.add_argument("--json", action="store_true")

    init = sub.add_parser("init", help="define a study from a protocol file (TOML)")
    init.set_defaults(handler=cmd_init)
    common(init, study=False)
    init.add_argument("--protocol", required=True, metavar="FILE.toml")

    fr = sub.add_parser(
        "freeze",
        help="store the protocol as an item and have it timestamped (a later change is a new version)",
    )
    fr.set_defaults(handler=cmd_freeze)
    common(fr)
    fr.add_argument(
        "--protocol", metavar="FILE.toml", help="freeze this file (an amendment after v1)"
    )
    fr.add_argument("--reason", help="why the protocol changed (needed for an amendment)")

    run = sub.add_parser(
        "run", help="run (or continue) the frozen protocol through the campaign machinery"
    )
    run.set_defaults(handler=cmd_run)
    common(run)
    run.add_argument("--api-key-env", metavar="VAR")
    run.add_argument(
        "--concurrency", type=int, default=1, metavar="N", help="1 keeps the recorded order"
    )
    run.add_argument("--rate", type=float, default=1.0, metavar="R")
    run.add_argument("--max-attempts", type=int, default=4, metavar="N")
    run.add_argument("--timeout", type=float, default=120.0, metavar="S")
    run.add_argument("--ca-file", metavar="PEM")

    st = sub.add_parser("status", help="protocol versions, run progress and reviews")
    st.set_defaults(handler=cmd_status)
    common(st)

    rv = sub.add_parser(
        "review", help="record a scripted blind review (--answers) or list the blind set"
    )
    rv.set_defaults(handler=cmd_review)
    common(rv)
    rv.add_argument("--answers", type=Path, metavar="FILE.json")
    rv.add_argument("--reviewer", help="the reviewer's name (overrides the file's)")
    rv.add_argument("--list", action="store_true", help="print the blind review set")

    rp = sub.add_parser(
        "report", help="rates with 95 %% intervals, controls, agreement, deviations"
    )
    rp.set_defaults(handler=cmd_report)
    common(rp)
    rp.add_argument("--no-record", action="store_true", help="do not record fresh matches")


def _help_for_bare(args: argparse.Namespace) -> int:
    args.study_parser.print_help()
    return 1
