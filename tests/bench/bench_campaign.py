"""Benchmark: a 200-prompt × 3-try campaign against the local OpenAI-compatible server.

Printed beside a baseline measured in the same run against the same server: the raw HTTP
round trips alone (the same 600 requests with the same concurrency over kept-alive
connections, JSON parsed and base64 decoded, nothing stored). The difference is the cost of
evidence: the exchange record (headers, bodies, connection facts, redaction), three digests
of every image and exchange record, media sniffing and provenance extraction, fsync'd object
writes, and one custody event per try. Optional: ``--tsa`` attests each batch with a real
``openssl ts`` responder on loopback; ``--match`` matches the outputs against the four demo
works afterwards (timed separately). ``--study`` then runs a reproduction study of the same
size (half the prompts test, half control; protocol frozen — and timestamped with ``--tsa``
— before its first request; same server, same concurrency) into a fresh case, and prints the
study's overhead beside the plain campaign.

    .venv/bin/python tests/bench/bench_campaign.py [--prompts 200] [--tries 3]
        [--concurrency 4] [--side 384] [--tsa] [--match] [--study]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import REPO, Timing, peak_rss_mb, table, timed

from app.capture.campaigns import (
    CampaignSpec,
    ClientSettings,
    Credential,
    RunSettings,
    record_matches,
    run_campaign,
)
from app.capture.campaigns.prompts import parse_prompts
from app.capture.campaigns.store import get_campaign
from app.core import attest
from app.core import tsa as tsa_mod
from app.core.case import Case
from tests.capture.campaign_server import add_demo_works
from tests.tsa_server import TsaServer, pki_for

KEY = "sk-bench-0123456789abcdef0123456789abcdef"


def raw_round_trips(url: str, prompts: list[str], tries: int, concurrency: int) -> int:
    """The baseline: the same requests, kept-alive per thread, JSON + base64 only."""
    host, port = url.removeprefix("http://").split(":")
    local = threading.local()

    def one(prompt: str) -> int:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        body = json.dumps({"model": "bench", "prompt": prompt}, ensure_ascii=False).encode()
        conn.request(
            "POST",
            "/v1/images/generations",
            body,
            {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"},
        )
        answer = json.loads(conn.getresponse().read())
        return sum(len(base64.b64decode(d["b64_json"])) for d in answer["data"])

    jobs = [p for p in prompts for _ in range(tries)]
    with ThreadPoolExecutor(concurrency) as pool:
        return sum(pool.map(one, jobs))


SERVER_CODE = """
import sys
from tests.capture.campaign_server import CampaignServer
with CampaignServer(api_key=sys.argv[1], image_mode="noise", image_side=int(sys.argv[2])) as s:
    print(s.url, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def server_process(side: int) -> Iterator[str]:
    """The test server in its own process, so it does not share this one's GIL."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE, KEY, str(side)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.kill()
        process.wait()


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_study_bench(
    work: Path,
    url: str,
    prompts: list[str],
    args: argparse.Namespace,
    tsas: list[tsa_mod.TsaConfig],
    tsa_server: TsaServer | None,
) -> Timing:
    """The same prompts x tries as a study: init, freeze (+ token), run, into a fresh case."""
    from app.capture.study import freeze, init_study, parse_protocol, run_study

    half = len(prompts) // 2
    blocks = [
        f'[[prompts]]\nid = "P{i}"\narm = "{"named" if i < half else "control"}"\n'
        f"text = {json.dumps(p, ensure_ascii=False)}\n"
        for i, p in enumerate(prompts)
    ]
    data = (
        f'[study]\nname = "bench"\nseed = 7\ntries = {args.tries}\n\n'
        f'[[platforms]]\nprofile = "openai"\nendpoint = "{url}"\nmodel = "bench"\n\n'
        + "\n".join(blocks)
        + '\n[works]\ncompare = ["国作登字-2023-F-00012345"]\n'
    ).encode()
    settings = RunSettings(
        concurrency=args.concurrency,
        rate_per_second=0,
        match=False,
        attest=args.tsa,
        tsas=lambda: tsas,
        client=ClientSettings(timeout=60),
    )
    with Case.create(work / "Study.proofshot", operator="bench") as case:
        add_demo_works(case)
        if tsa_server is not None:
            attest.add_trust_anchors(case, tsa_server.ca_pem)

        def study() -> None:
            protocol = parse_protocol(data)
            s = init_study(case, protocol, data, "bench.toml")
            freeze(case, s, protocol, data, tsas=tsas)
            result = run_study(
                case,
                s,
                lambda endpoint, needed: Credential(KEY, "bench"),
                settings,
                require_timestamp=args.tsa,
            )
            assert result.complete

        timing, _ = timed(
            "proofshot study, same size (init, freeze"
            + (" + token" if args.tsa else "")
            + ", schedule, run)",
            study,
        )
    return timing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompts", type=int, default=200)
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--side", type=int, default=384, help="image side in pixels (noise PNG)")
    parser.add_argument("--tsa", action="store_true", help="attest each batch on a loopback TSA")
    parser.add_argument("--match", action="store_true", help="then match outputs against works")
    parser.add_argument("--study", action="store_true", help="then a study of the same size")
    args = parser.parse_args()
    os.environ.setdefault("PROOFSHOT_CACHE_DIR", tempfile.mkdtemp(prefix="proofshot-bench-cache-"))
    work = Path(tempfile.mkdtemp(prefix="proofshot-bench-campaign-"))
    prompts = [f"提示 {i}: Starlume variant {i}" for i in range(args.prompts)]
    tries = args.prompts * args.tries
    try:
        with server_process(args.side) as url:
            raw_round_trips(url, prompts[:4], 1, 1)  # warm up the server's code paths
            raw, nbytes = timed(
                f"raw HTTP round trips ({args.concurrency} at once, JSON + base64 only)",
                lambda: raw_round_trips(url, prompts, args.tries, args.concurrency),
            )
            tsas: list[tsa_mod.TsaConfig] = []
            tsa_server = None
            if args.tsa:
                tsa_server = TsaServer(pki_for("bench"), work / "tsa").start()
                tsas = [tsa_mod.TsaConfig(url=tsa_server.url, timeout=30)]
            settings = RunSettings(
                concurrency=args.concurrency,
                rate_per_second=0,
                match=False,
                attest=args.tsa,
                tsas=lambda: tsas,
                client=ClientSettings(timeout=60),
            )
            spec = CampaignSpec(
                "openai",
                url,
                parse_prompts("\n".join(prompts).encode(), "bench.txt"),
                tries=args.tries,
                model="bench",
            )
            case_dir = work / "Bench.proofshot"
            with Case.create(case_dir, operator="bench") as case:
                if tsa_server is not None:
                    attest.add_trust_anchors(case, tsa_server.ca_pem)
                run, result = timed(
                    "proofshot campaign (record, hash, store, log"
                    + (", attest)" if args.tsa else ")"),
                    lambda: run_campaign(case, spec, Credential(KEY, "bench"), settings),
                )
                assert result.complete and result.done == tries, result.errors[:3]
                match_timing = None
                if args.match:
                    add_demo_works(case)
                    match_timing, _matched = timed(
                        "matching the outputs against 4 works (after the run)",
                        lambda: record_matches(case, get_campaign(case, result.campaign_id)),
                    )
                events = case.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
                tokens = case.conn.execute("SELECT COUNT(*) FROM tokens").fetchone()[0]
            study_timing = None
            if args.study:
                study_timing = run_study_bench(work, url, prompts, args, tsas, tsa_server)
            if tsa_server is not None:
                tsa_server.stop()
        size = folder_size(case_dir)
        mb = nbytes / 1e6
        rows = [("run", "seconds", "tries/s", "ms/try", "MB/s of images", "cores used")]
        for t in (raw, run):
            rows.append(
                (
                    t.label,
                    f"{t.seconds:.2f}",
                    f"{tries / t.seconds:.1f}",
                    f"{1000 * t.seconds / tries:.2f}",
                    f"{mb / t.seconds:.1f}",
                    f"{t.cores_used:.2f}",
                )
            )
        if study_timing is not None:
            t = study_timing
            rows.append(
                (
                    t.label,
                    f"{t.seconds:.2f}",
                    f"{tries / t.seconds:.1f}",
                    f"{1000 * t.seconds / tries:.2f}",
                    f"{mb / t.seconds:.1f}",
                    f"{t.cores_used:.2f}",
                )
            )
        if match_timing is not None:
            rows.append(
                (
                    match_timing.label,
                    f"{match_timing.seconds:.2f}",
                    f"{tries / match_timing.seconds:.1f}",
                    f"{1000 * match_timing.seconds / tries:.2f}",
                    "-",
                    f"{match_timing.cores_used:.2f}",
                )
            )
        print(
            f"{args.prompts} prompts x {args.tries} tries = {tries} exchanges; "
            f"{args.side}x{args.side} PNG answers, {mb / tries * 1000:.0f} kB each, base64 in JSON"
        )
        print(table(rows))
        overhead = (run.seconds - raw.seconds) / tries * 1000
        print(
            f"evidence overhead per exchange: {overhead:.2f} ms wall, "
            f"{1000 * (run.cpu_seconds - raw.cpu_seconds) / tries:.2f} ms CPU "
            f"(campaign / raw = {run.seconds / raw.seconds:.2f}x)"
        )
        if study_timing is not None:
            print(
                f"study overhead beside the plain campaign: "
                f"{(study_timing.seconds - run.seconds) * 1000 / tries:.2f} ms per exchange "
                f"(study / campaign = {study_timing.seconds / run.seconds:.2f}x), "
                "covering init, freeze (protocol item"
                + (" + TSA token" if args.tsa else "")
                + "), schedule and the study_runs row"
            )
        print(
            f"case: {size / 1e6:.0f} MB on disk ({size / tries / 1000:.0f} kB per try), {events} custody events"
            + (f", {tokens} timestamp tokens" if args.tsa else "")
            + f"; peak RSS {peak_rss_mb():.0f} MB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
