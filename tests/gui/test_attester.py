"""Trusted time in the window: imported items are attested in the background, or stay queued.

A real RFC 3161 responder on 127.0.0.1 (``tests/tsa_server.py``) answers, or is down, or a
loopback socket accepts and never answers (a hanging TSA); the file goes through the window's
own import path. The attester asks the TSA in the worker pool and stores through the writer.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core import attest
from app.core import items as items_mod
from app.core.case import Case
from tests.core.helpers import png_bytes
from tests.gui.helpers import wait_idle
from tests.tsa_server import TsaServer


def _trusting_case(case_path: Path, tsa: TsaServer) -> Path:
    """The fixture's case (all items attested-free) trusting the loopback TSA's root."""
    with Case.open(case_path) as case:
        attest.add_trust_anchors(case, tsa.ca_pem)
    return case_path


def _open_and_import(controller: object, qtbot: QtBot, case_path: Path, tmp_path: Path) -> object:
    assert controller.open_case(case_path)  # type: ignore[attr-defined]
    window = controller.window  # type: ignore[attr-defined]
    source = tmp_path / "fresh.png"
    source.write_bytes(png_bytes((200, 10, 10), size=(64, 48)))
    window.imports.import_paths([source])
    return window


def test_imported_item_is_attested_in_the_background_by_the_configured_tsa(
    controller: object,
    qtbot: QtBot,
    case_path: Path,
    tmp_path: Path,
    tsa_server: TsaServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    window = _open_and_import(controller, qtbot, _trusting_case(case_path, tsa_server), tmp_path)
    qtbot.waitUntil(lambda: window.session.pending_attestations() == 0, timeout=30000)
    wait_idle(qtbot, window)
    assert window.session.item_count() == 7
    assert set(attest.attestation_status(window.session.view).values()) == {"attested"}
    assert "0" in window.status_pending.text()
    assert not window.attester.waiting_to_retry


def test_unreachable_tsa_leaves_items_pending_logs_the_attempt_and_schedules_a_retry(
    controller: object,
    qtbot: QtBot,
    case_path: Path,
    tmp_path: Path,
    tsa_server: TsaServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tsa_server.mode = "down"
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    window = _open_and_import(controller, qtbot, _trusting_case(case_path, tsa_server), tmp_path)
    qtbot.waitUntil(lambda: window.attester.waiting_to_retry, timeout=30000)
    wait_idle(qtbot, window)
    view = window.session.view
    failed = view.conn.execute(
        "SELECT COUNT(*) FROM events WHERE action = 'timestamp.attempt-failed'"
    ).fetchone()[0]
    assert failed >= 1
    assert window.session.item_count() == 7
    assert window.session.pending_attestations() == 7
    assert window.attester.backoff.failures >= 1
    assert "7" in window.status_pending.text()


def test_without_a_configured_tsa_the_attester_asks_nobody(
    controller: object, qtbot: QtBot, case_path: Path, tmp_path: Path
) -> None:
    window = _open_and_import(controller, qtbot, case_path, tmp_path)
    qtbot.waitUntil(lambda: window.session.item_count() == 7, timeout=15000)
    wait_idle(qtbot, window)
    qtbot.wait(500)  # longer than the attester's settle delay
    assert not window.attester.running
    assert not window.attester.waiting_to_retry
    assert window.session.pending_attestations() == 7


class HangingTsa:
    """A loopback TCP server that accepts connections and never answers them."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/tsa"
        self.connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:
                    conn.close()
                    return
                self.connections.append(conn)

    def close(self) -> None:
        """Drop every held request, and refuse later ones at once.

        Closing the listening socket alone would not do: the thread blocked in ``accept()``
        keeps it listening, so the next request would be accepted and hang until its timeout.
        ``shutdown()`` wakes that thread and stops the listening."""
        with self._lock:
            self._closed = True
            held = list(self.connections)
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        for conn in held:
            conn.close()
        self._thread.join(5)


def test_an_edit_made_while_the_tsa_hangs_is_stored_at_once(
    controller: object, qtbot: QtBot, case_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tsa = HangingTsa()
    try:
        monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa.url)
        assert controller.open_case(case_path)  # type: ignore[attr-defined]
        window = controller.window  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: len(tsa.connections) == 1, timeout=10000)  # the request is out
        assert window.attester.running
        stored: list[float] = []
        start = time.monotonic()
        window.session.write(
            lambda case: items_mod.add_note(case, 1, "Written while the TSA hangs"),
            lambda _: stored.append(time.monotonic() - start),
        )
        qtbot.waitUntil(lambda: bool(stored), timeout=5000)
        assert stored[0] < 1.0  # the TSA's timeout is 10 s: the edit did not wait for it
        assert window.attester.running  # ... and the TSA still has not answered
        notes = window.session.view.conn.execute(
            "SELECT value FROM annotations WHERE item_id = 1 AND kind = 'note'"
        ).fetchall()
        assert [n[0] for n in notes] == ["Written while the TSA hangs"]
    finally:
        tsa.close()  # the hanging request now fails: logged, retried later
    qtbot.waitUntil(lambda: window.attester.waiting_to_retry, timeout=15000)
    wait_idle(qtbot, window)
    failed = window.session.view.conn.execute(
        "SELECT COUNT(*) FROM events WHERE action = 'timestamp.attempt-failed'"
    ).fetchone()[0]
    assert failed == 1
    assert window.session.pending_attestations() == 6


def test_a_gui_edit_made_while_a_captures_tsa_hangs_is_stored_at_once(
    controller: object, qtbot: QtBot, case_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The capture session's attester (the one a page capture starts) asks off the writer."""
    from app.capture.attesting import CaptureAttester
    from app.core.tsa import TsaConfig
    from app.gui.browser.access import AccessWriter, GuiRelay

    monkeypatch.delenv("PROOFSHOT_TSA_URLS", raising=False)  # the window's own attester idles
    tsa = HangingTsa()
    try:
        assert controller.open_case(case_path)  # type: ignore[attr-defined]
        window = controller.window  # type: ignore[attr-defined]
        writer = AccessWriter(window.session, GuiRelay(window))  # as the capture workspace does
        attester = CaptureAttester(writer, lambda: [TsaConfig(tsa.url, timeout=10.0)])
        attempt = attester.submit()
        qtbot.waitUntil(lambda: len(tsa.connections) == 1, timeout=10000)  # the request is out
        stored: list[float] = []
        start = time.monotonic()
        window.session.write(
            lambda case: items_mod.add_note(case, 1, "Written while the capture's TSA hangs"),
            lambda _: stored.append(time.monotonic() - start),
        )
        qtbot.waitUntil(lambda: bool(stored), timeout=5000)
        assert stored[0] < 1.0  # the TSA's timeout is 10 s: the edit did not wait for it
        assert not attempt.done()  # ... and the TSA still has not answered
        notes = window.session.view.conn.execute(
            "SELECT value FROM annotations WHERE item_id = 1 AND kind = 'note'"
        ).fetchall()
        assert [n[0] for n in notes] == ["Written while the capture's TSA hangs"]
    finally:
        tsa.close()  # the hanging request now fails: logged through the writer
    qtbot.waitUntil(attempt.done, timeout=15000)
    outcome = attempt.result()
    assert outcome.tokens == [] and len(outcome.failures) == 1
    wait_idle(qtbot, window)
    failed = window.session.view.conn.execute(
        "SELECT COUNT(*) FROM events WHERE action = 'timestamp.attempt-failed'"
    ).fetchone()[0]
    assert failed == 1
    assert window.session.pending_attestations() == 6
    attester.close()
