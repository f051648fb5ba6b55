"""``proofshot timestamp`` and ``proofshot export-tokens``: trusted time from the command line."""

from __future__ import annotations

import argparse
import errno
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import EXIT_OK, AddCommand, _open_to_read
from app.console import print_json
from app.core.errors import ProofshotError, StorageFullError

if TYPE_CHECKING:
    from app.core import attest
    from app.core.trust import TrustStore
    from app.core.tsa import TsaConfig


def _print_timestamp_outcome(outcome: attest.AttestOutcome) -> None:
    if outcome.tokens:
        print(f"Timestamped {outcome.attested_items} item(s) with {len(outcome.tokens)} token(s).")
    for failure in outcome.failures:
        print(f"  timestamp authority {failure['tsa_url']} failed: {failure['reason']}")
    if outcome.pending:
        print(
            f"{outcome.pending} item(s) are not yet attested (time not yet attested); they stay queued."
        )


def _tsas_from_args(args: argparse.Namespace) -> list[TsaConfig]:
    from app.core.tsa_settings import tsa_configs

    urls = args.tsa or None
    return tsa_configs(urls, timeout=args.tsa_timeout)


def cmd_timestamp(args: argparse.Namespace) -> int:
    from app.core import attest
    from app.core.case import Case

    with Case.open(args.case) as case:
        ca_pems: list[bytes] = []
        for name in args.ca_file or []:
            try:
                data = Path(name).read_bytes()
                added = attest.add_trust_anchors(None, data)
            except (OSError, ValueError) as exc:
                raise ProofshotError(
                    f"The CA file {name} cannot be read as PEM certificates ({exc})."
                ) from exc
            ca_pems.append(data)
            if added:
                sys.stderr.write(
                    f"Trusting {added} more root certificate(s) from now on (kept in your settings, not in the case).\n"
                )
        tsas = _tsas_from_args(args)
        if not tsas:
            raise ProofshotError("No timestamp authority is configured; name one with --tsa URL.")
        outcome = attest.attest_pending(case, tsas, ca_pems=ca_pems)
        seal = attest.seal_log(case, tsas, ca_pems=ca_pems) if args.seal else None
    if args.json:
        print_json({**outcome.as_dict(), "seal": seal.as_dict() if seal else None})
    else:
        _print_timestamp_outcome(outcome)
        if seal is not None:
            print(f"Sealed the custody log with {len(seal.tokens)} token(s).")
            for failure in seal.failures:
                print(f"  timestamp authority {failure['tsa_url']} failed: {failure['reason']}")
    failed = outcome.pending > 0 or (seal is not None and not seal.tokens)
    return 1 if failed else EXIT_OK


def _trust_from_args(args: argparse.Namespace) -> TrustStore:
    from app.core.trust import load_trust

    return load_trust(args.ca_file or [])


def parse_duration(text: str) -> timedelta:
    """'24h', '90m', '3600s', '2d' or a bare number of hours."""
    value = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    scale = units.get(value[-1:], 0)
    number = value[:-1] if scale else value
    try:
        seconds = float(number) * (scale or 3600)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration such as 24h, 90m or 2d"
        ) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the duration must be positive")
    return timedelta(seconds=seconds)


def cmd_export_tokens(args: argparse.Namespace) -> int:
    from app.core import attest

    outdir = Path(args.outdir)
    if outdir.exists() and not outdir.is_dir():
        raise ProofshotError(f"{outdir} is a file; name a folder for the tokens.")
    with _open_to_read(args.case) as case:
        try:
            index = attest.export_tokens(case, outdir)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFullError(f"The disk holding {outdir} is full.") from exc
            raise ProofshotError(
                f"The tokens cannot be written to {outdir}: {exc.strerror or exc}."
            ) from exc
    print(f"Wrote {len(index['tokens'])} token(s) to {args.outdir}; see VERIFY.txt there.")
    return EXIT_OK


def register(add: AddCommand) -> None:
    """timestamp, export-tokens."""
    p = add(
        "timestamp", cmd_timestamp, "Attest every pending item with RFC 3161 timestamp authorities."
    )
    p.add_argument("case", type=Path)
    p.add_argument(
        "--tsa",
        action="append",
        metavar="URL",
        help="use exactly these TSAs, in order (repeatable)",
    )
    p.add_argument(
        "--ca-file",
        action="append",
        metavar="PEM",
        help="trusted root certificate(s) of the TSAs, kept in your settings (never in the case)",
    )
    p.add_argument(
        "--seal",
        action="store_true",
        help="also seal the custody log's head (two TSAs when two answer)",
    )
    p.add_argument("--tsa-timeout", type=float, default=10.0, help="seconds to wait for each TSA")
    p.add_argument("--json", action="store_true")

    p = add(
        "export-tokens",
        cmd_export_tokens,
        "Write every token with its manifest, chain and verification commands.",
    )
    p.add_argument("case", type=Path)
    p.add_argument("outdir", type=Path)
