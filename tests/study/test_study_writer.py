"""A study's freeze and run ask the TSAs off the writer: an edit made while a TSA hangs is
stored at once, and the study still finishes (the failed requests logged).

The case is written by a real :class:`~app.capture.writer.ThreadCaseWriter` (one thread
owning the connection, as the window's writer does); the TSA is a loopback socket that
accepts and never answers, then closes; the AI service is the loopback campaign server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.capture.study import freeze, init_study, parse_protocol, run_study
from app.capture.writer import ThreadCaseWriter
from app.core import attest
from app.core import items as items_mod
from app.core.case import Case
from app.core.tsa import TsaConfig
from tests.gui.test_attester import HangingTsa
from tests.study.helpers import (
    CREDENTIAL,
    add_study_works,
    fast_settings,
    protocol_toml,
    study_server,
)


def _in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []

    def body() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # handed to the test, which fails on it
            out.append(exc)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, out


def _edit_while_hanging(writer: ThreadCaseWriter, tsa: HangingTsa, job: threading.Thread) -> float:
    """Wait until a request is out at the hanging TSA, then tag item 1 through the writer."""
    deadline = time.monotonic() + 30
    while not tsa.connections and time.monotonic() < deadline:
        time.sleep(0.02)
    assert tsa.connections, "no request reached the TSA"
    start = time.monotonic()
    writer.submit(lambda case: items_mod.add_tag(case, [1], "edited-meanwhile")).result(10)
    took = time.monotonic() - start
    assert job.is_alive()  # the TSA has still not answered
    return took


def _count(case: Case, action: str) -> int:
    return int(
        case.conn.execute("SELECT COUNT(*) FROM events WHERE action = ?", (action,)).fetchone()[0]
    )


def test_freeze_and_run_with_a_hanging_tsa_leave_the_writer_free(tmp_path: Path) -> None:
    path = tmp_path / "Study.proofshot"
    with study_server() as server:
        data = protocol_toml(server.url, tries=1)
        with Case.create(path, title="Study", operator="Tess Tester") as case:
            add_study_works(case, tmp_path)
            study = init_study(case, parse_protocol(data), data, "p.toml")
        writer = ThreadCaseWriter(path)
        try:

            def call(fn: Callable[[Case], Any]) -> Any:
                return writer.submit(fn).result(timeout=60)

            hanging = HangingTsa()
            try:
                frozen_job, frozen = _in_thread(
                    lambda: freeze(
                        None, study, tsas=[TsaConfig(hanging.url, timeout=4)], writer=call
                    )
                )
                assert _edit_while_hanging(writer, hanging, frozen_job) < 1.0  # TSA timeout: 4 s
            finally:
                hanging.close()  # the hanging request now fails, and is logged
            frozen_job.join(15)
            assert not isinstance(frozen[0], BaseException), frozen
            assert frozen[0].new and frozen[0].token_time is None and frozen[0].tsa_failures

            hanging = HangingTsa()
            settings = fast_settings()
            settings.tsas = lambda: [TsaConfig(hanging.url, timeout=4)]
            try:
                run_job, ran = _in_thread(
                    lambda: run_study(
                        None,
                        study,
                        lambda u, n: CREDENTIAL,
                        settings,
                        require_timestamp=False,
                        writer=call,
                    )
                )
                assert _edit_while_hanging(writer, hanging, run_job) < 1.0
            finally:
                hanging.close()
            run_job.join(60)
            assert not isinstance(ran[0], BaseException), ran
            assert ran[0].complete
        finally:
            writer.close()
    with Case.open(path, read_only=True) as case:
        assert items_mod.tags_by_item(case, [1])[1] == ["edited-meanwhile"]
        assert _count(case, "timestamp.attempt-failed") >= 2  # the freeze's and the run's
        assert _count(case, "campaign.try-recorded") == len(server.generation_requests())
        assert attest.pending_count(case) > 0  # no TSA answered: queued, not lost
