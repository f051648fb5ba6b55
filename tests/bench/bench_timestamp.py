"""Benchmark: 1,000 items arriving together are attested with at most 10 TSA requests.

A real OpenSSL ``ts`` responder on 127.0.0.1 answers. Printed: requests, wall time, bytes
stored per item (token + manifest + chain, from the case database), beside a baseline in the
same run: one bare RFC 3161 request/verify round trip per item, for the first 50 items
(extrapolated), which is what attesting items one by one would cost.

    .venv/bin/python tests/bench/bench_timestamp.py [--items N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from common import table, timed

from app.core import attest
from app.core import tsa as tsa_mod
from app.core.case import Case
from app.core.ingest import Acquisition, commit_prepared, prepare_bytes
from tests.tsa_server import TsaServer, pki_for


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="proofshot-bench-ts-"))
    try:
        with TsaServer(pki_for("bench"), work / "tsa") as server:
            cfg = tsa_mod.TsaConfig(url=server.url, timeout=30)
            with Case.create(work / "Bench.proofshot", operator="bench") as case:
                prepared = [
                    prepare_bytes(case.objects, f"item {i}".encode() * 50, Acquisition())
                    for i in range(args.items)
                ]
                commit_prepared(case, prepared)
                hashes = [p.staged.digests.sha256 for p in prepared]
                size_before = case.conn.execute(
                    "SELECT COALESCE(SUM(LENGTH(manifest) + LENGTH(response_b64) + LENGTH(chain_pem)), 0) FROM tokens"
                ).fetchone()[0]
                requests_before = server.requests
                batch, outcome = timed(
                    "proofshot: batch manifest, one token",
                    lambda: attest.attest_pending(case, [cfg], ca_pems=[server.ca_pem]),
                )
                requests = server.requests - requests_before
                stored = (
                    case.conn.execute(
                        "SELECT SUM(LENGTH(manifest) + LENGTH(response_b64) + LENGTH(chain_pem)) FROM tokens"
                    ).fetchone()[0]
                    - size_before
                )
            sample = hashes[:50]
            one_by_one, _ = timed(
                "baseline: one request per item (50 sampled)",
                lambda: [
                    tsa_mod.request_timestamp(h.encode(), cfg, ca_pems=[server.ca_pem])
                    for h in sample
                ],
            )
        per_item_baseline = one_by_one.seconds / len(sample)
        rows = [
            ("run", "items", "requests", "seconds", "ms/item", "bytes stored/item"),
            (
                batch.label,
                str(outcome.attested_items),
                str(requests),
                f"{batch.seconds:.2f}",
                f"{1000 * batch.seconds / args.items:.2f}",
                f"{stored / args.items:.0f}",
            ),
            (
                one_by_one.label,
                str(args.items),
                str(args.items),
                f"{per_item_baseline * args.items:.2f} (extrapolated)",
                f"{1000 * per_item_baseline:.2f}",
                "-",
            ),
        ]
        print(table(rows))
        print(
            f"target: at most 10 requests for {args.items} items -> {'met' if requests <= 10 else 'NOT met'} ({requests})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
