"""A capture's items are timestamped with the TSA asked off the case's single writer thread.

Real parts: a :class:`ThreadCaseWriter` over a real case, the OpenSSL TSA on 127.0.0.1
(``tests/tsa_server.py``) and a loopback socket that accepts and never answers.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from app.capture.attesting import CaptureAttester
from app.capture.writer import ThreadCaseWriter
from app.core import attest
from app.core import items as items_mod
from app.core.case import Case
from app.core.tsa import TsaConfig
from app.core.verify import verify_case
from tests.gui.helpers import build_case
from tests.tsa_server import TsaServer


def test_pending_items_are_attested_in_one_token_and_the_case_verifies(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    case_path = build_case(tmp_path / "Attest.proofshot", count=3)
    writer = ThreadCaseWriter(case_path)
    attester = CaptureAttester(writer, lambda: [TsaConfig(tsa_server.url)])
    try:
        outcome = attester.submit().result(timeout=60)
    finally:
        attester.close()
        writer.close()
    assert len(outcome.tokens) == 1 and outcome.attested_items == 3 and outcome.pending == 0
    attest.add_trust_anchors(None, tsa_server.ca_pem)  # the user trusts this TSA's root
    with Case.open(case_path, read_only=True) as case:
        assert set(attest.attestation_status(case).values()) == {"attested"}
        assert verify_case(case).intact


def test_no_tsa_configured_asks_nothing_and_leaves_items_pending(tmp_path: Path) -> None:
    case_path = build_case(tmp_path / "NoTsa.proofshot", count=3)
    writer = ThreadCaseWriter(case_path)
    attester = CaptureAttester(writer, lambda: [])
    try:
        outcome = attester.submit().result(timeout=30)
        pending = writer.submit(attest.pending_count).result(timeout=30)
    finally:
        attester.close()
        writer.close()
    assert outcome.tokens == [] and outcome.failures == [] and pending == 3


def test_the_writer_stays_free_while_the_tsa_hangs(tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{server.getsockname()[1]}/tsa"
    conns: list[socket.socket] = []
    threading.Thread(target=lambda: conns.append(server.accept()[0]), daemon=True).start()
    case_path = build_case(tmp_path / "Hang.proofshot", count=3)
    writer = ThreadCaseWriter(case_path)
    attester = CaptureAttester(writer, lambda: [TsaConfig(url, timeout=10.0)])
    try:
        attempt = attester.submit()
        deadline = time.monotonic() + 10
        while not conns and time.monotonic() < deadline:
            time.sleep(0.02)
        assert conns, "the TSA request never went out"
        start = time.monotonic()
        writer.submit(lambda case: items_mod.add_note(case, 1, "meanwhile")).result(timeout=5)
        assert time.monotonic() - start < 1.0
        assert not attempt.done()
    finally:
        server.close()
        for conn in conns:
            conn.close()
    outcome = attempt.result(timeout=20)
    attester.close()
    writer.close()
    assert outcome.tokens == [] and len(outcome.failures) == 1 and outcome.pending == 3


def test_drain_lets_the_attempt_finish_before_the_writer_closes(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    """The headless runner drains before closing the writer, so a capture leaves attested."""
    case_path = build_case(tmp_path / "Drain.proofshot", count=3)
    writer = ThreadCaseWriter(case_path)
    attester = CaptureAttester(writer, lambda: [TsaConfig(tsa_server.url)])
    attempt = attester.submit()
    assert attester.drain(timeout=60)
    assert attempt.done()
    attester.close()
    writer.close()
    with Case.open(case_path, read_only=True) as case:
        assert attest.pending_count(case) == 0


def test_work_handed_to_a_closed_writer_fails_at_once(tmp_path: Path) -> None:
    import pytest

    from app.capture.writer import CaseWriterClosedError

    writer = ThreadCaseWriter(build_case(tmp_path / "Closed.proofshot", count=3))
    writer.close()
    future = writer.submit(attest.pending_count)
    with pytest.raises(CaseWriterClosedError):
        future.result(timeout=1)
