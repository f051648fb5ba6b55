"""Trusted time in three steps (read on the writer, ask anywhere, store on the writer), against
a real OpenSSL ``ts`` responder on 127.0.0.1: what a seal records when the log moved while
the TSA was asked, and batches attested through a writer call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core import attest, items
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from app.core.trust import load_trust
from app.core.tsa import TsaConfig
from app.core.verify import verify_case
from tests.core.helpers import make_case, png_bytes
from tests.tsa_server import TsaServer


def _case_with_items(tmp_path: Path, n: int = 3) -> Case:
    case = make_case(tmp_path)
    for i in range(n):
        add_bytes(case, png_bytes((i * 40, 10, 200)), Acquisition(source=f"test://{i}"))
    return case


def test_a_seal_records_the_head_it_sent_even_when_the_log_moved_meanwhile(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    with _case_with_items(tmp_path) as case:
        request = attest.read_seal(case)
        sent_seq, sent_hash = request.seq, request.head_hash
        assert request.manifest == attest.seal_manifest(attest.case_id(case), sent_seq, sent_hash)
        items.add_tag(case, [1], "tagged-while-the-tsa-was-asked")  # the head moves on
        attest.ask_seal(request, [TsaConfig(tsa_server.url, timeout=5)])
        assert len(request.answers) == 1 and not request.failures
        outcome = attest.store_seal(case, request)
        (token,) = [t for t in attest.list_tokens(case) if t.purpose == "seal"]
        assert outcome.tokens == [token.id]
        assert (token.sealed_seq, token.sealed_hash) == (sent_seq, sent_hash)
        tag_seq = case.conn.execute(
            "SELECT seq FROM events WHERE action = 'item.tagged' ORDER BY seq DESC"
        ).fetchone()
        assert tag_seq[0] == sent_seq + 1
        report = verify_case(case, trust=load_trust([tsa_server.ca_file], system=False))
        assert report.intact, report.problems
        late = [w for w in report.warnings if w["code"] == "events-after-seal"]
        assert late and f"from event {sent_seq + 1}" in late[0]["message"]  # not yet sealed


def test_seal_asks_until_two_answer_and_logs_each_failure(
    tmp_path: Path, tsa_server_factory: Callable[[str], TsaServer]
) -> None:
    first, second, third = (tsa_server_factory(n) for n in ("A", "B", "C"))
    first.mode = "down"
    with _case_with_items(tmp_path, 1) as case:
        configs = [TsaConfig(s.url, timeout=5) for s in (first, second, third)]
        outcome = attest.seal_log(case, configs)
        assert len(outcome.tokens) == 2 and len(outcome.failures) == 1
        assert outcome.failures[0]["tsa_url"] == first.url
        actions = [r[0] for r in case.conn.execute("SELECT action FROM events ORDER BY seq")]
        assert actions[-3:] == ["timestamp.attempt-failed", "log.sealed", "log.sealed"]


def test_attest_pending_via_a_writer_call_stores_tokens_or_logs_the_failure(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    calls: list[str] = []
    with _case_with_items(tmp_path) as case:

        def call(fn: Callable[[Case], Any]) -> Any:
            calls.append(getattr(fn, "__name__", "lambda"))
            return fn(case)

        tsa_server.mode = "down"
        failed = attest.attest_pending_via(call, [TsaConfig(tsa_server.url, timeout=5)])
        assert failed.tokens == [] and failed.pending == 3 and len(failed.failures) == 1
        assert len(calls) == 3  # read the batch, store the failure, count what is pending
        tsa_server.mode = "ok"
        done = attest.attest_pending_via(
            call, [TsaConfig(tsa_server.url, timeout=5)], max_items_per_token=2
        )
        assert done.attested_items == 3 and len(done.tokens) == 2 and done.pending == 0
        assert attest.pending_count(case) == 0
