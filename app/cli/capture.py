"""CLI commands of the capture browser: ``capture``, ``generations``, ``demo-site``.

``app.cli`` calls :func:`register` with its ``add(name, handler, help)`` helper. Importing
this module stays cheap and loads no Qt: the recorder (FFmpeg, WARC, DevTools client) and
the headless browser are imported inside the ``capture`` handler, so every other command
starts as fast as before.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, _operator
from app.console import print_json


class _StepAction(argparse.Action):
    """--fill, --click and --wait-for append to one list: the command line's order is the
    order of the steps (so ``--wait-for`` can sit between two prompts)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        steps = list(getattr(namespace, "steps", None) or [])
        if self.dest == "fill":
            selector, text = list(values or [])
            steps.append(("fill", selector, text))
        elif self.dest == "wait_for":
            steps.append(("wait", str(values), ""))
        else:
            steps.append(("click", str(values), ""))
        namespace.steps = steps


def cmd_capture(args: argparse.Namespace) -> int:
    from app.capture.script import Step
    from app.capture.store import list_generations
    from app.core.case import Case
    from app.gui.browser.headless import run_headless_capture  # Qt is loaded only here

    case_path = Path(args.case)
    Case.open(case_path, read_only=True).close()  # a clear error before a browser starts
    operator = _operator(args) or ""
    result = run_headless_capture(
        case_path,
        args.url,
        [Step(kind, selector, text) for kind, selector, text in args.steps or []],
        wait_for=None,  # --wait-for is a step, in command-line order
        settle=args.settle,
        timeout=args.timeout,
        operator=operator,
        account=args.account or "",
    )
    generations = []
    if result.session is not None:
        wanted = set(result.session.generation_ids)
        with Case.open(case_path, read_only=True) as case:
            generations = [g.as_dict() for g in list_generations(case) if g.id in wanted]
    if args.json:
        print_json({**result.as_dict(), "generations": generations})
    else:
        page = result.page
        print(f"Recorded {args.url} ({result.seconds:.1f} s).")
        for step in result.steps:
            print(f"  {step['step']} {step['selector']}: {step['outcome']}")
        if page is not None:
            counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(page.items.items()))
            print(f"Capture {page.capture_id}: {page.title!r} at {page.final_url} ({counts}).")
        if result.session is not None:
            counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(result.session.items.items()))
            print(
                f"Session {result.session.capture_id}: {result.session.exchanges} exchanges recorded ({counts})."
            )
        for gen in generations:
            print(f"Generation {gen['id']} ({gen['binding']}): {gen['prompt']}")
            for sha in gen["outputs"]:
                print(f"    output sha256 {sha}")
        for popup in result.popups:
            print(f"  pop-up not opened: {popup.get('url')}")
        for problem in result.problems:
            print(f"  PROBLEM: {problem}")
    # EXIT_PROBLEMS: captured and stored, but something on the page did not go as asked.
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def cmd_generations(args: argparse.Namespace) -> int:
    from app.capture.store import list_generations
    from app.core.case import Case

    with Case.open(args.case, read_only=True) as case:
        views = list_generations(case)
    if args.json:
        print_json([v.as_dict() for v in views])
        return EXIT_OK
    for v in views:
        confirmed = " confirmed" if v.confirmed else ""
        print(f"{v.id:>5}  {v.submitted_at or '-'}  {v.binding}{confirmed}  {v.request_url}")
        print(f"       prompt: {v.prompt}")
        if v.negative_prompt:
            print(f"       negative: {v.negative_prompt}")
        for out in v.outputs:
            print(f"       output item {out['item_id']}  sha256 {out['sha256']}")
    print(f"{len(views)} generation(s)")
    return EXIT_OK


def cmd_demo_site(args: argparse.Namespace) -> int:
    from app.demo.site import serve_forever

    serve_forever(args.port)
    return EXIT_OK


def register(add: AddCommand) -> None:
    """Add the capture commands to the CLI's parser."""
    p = add(
        "capture",
        cmd_capture,
        "Record a web page headlessly: load it, type, click, wait, then capture it.",
    )
    p.add_argument("case", type=Path)
    p.add_argument("url")
    p.add_argument(
        "--fill",
        nargs=2,
        metavar=("CSS", "TEXT"),
        action=_StepAction,
        help="type TEXT into the element matched by CSS, as keyboard input (repeatable)",
    )
    p.add_argument(
        "--click", metavar="CSS", action=_StepAction, help="click the element (repeatable)"
    )
    p.add_argument(
        "--wait-for",
        metavar="CSS",
        action=_StepAction,
        help="wait until an element matches CSS, at this point of the steps (repeatable)",
    )
    p.add_argument(
        "--settle",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="quiet network time to wait for before capturing (default 1)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="limit for loading and for each wait (default 30)",
    )
    p.add_argument("--operator", help="who captures (named in the environment record)")
    p.add_argument("--account", help="the site account used, if logged in (recorded by name)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(steps=[])

    p = add("generations", cmd_generations, "List generation events: prompts and their outputs.")
    p.add_argument("case", type=Path)
    p.add_argument("--json", action="store_true")

    p = add("demo-site", cmd_demo_site, "Serve the demo AI image site on 127.0.0.1.")
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0 = any free)")
