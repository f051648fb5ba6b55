"""The DevTools guard (#12 item 7): another program attaching to the capture browser's DevTools
endpoint during a recording is noticed, the recording is stopped and the problem is recorded
(``proofshot capture`` exits 2)."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import websocket

from app.capture import devtools, devtools_guard
from app.capture.devtools_guard import (
    DevToolsGuard,
    TcpEntry,
    foreign_clients,
    own_request,
    read_tcp_table,
    supported,
)
from app.core.case import Case
from app.demo.site import DemoSite
from tests.capture.conftest import REPO, cli_command, subprocess_env

INJECTED = "injected-by-another-program"


def test_foreign_clients_are_the_client_sides_this_process_does_not_hold() -> None:
    port = 40000
    table = [
        TcpEntry(port, 0, "0A", 0, 11),  # the listening socket
        TcpEntry(port, 51000, "01", 0, 12),  # server side of our own client
        TcpEntry(51000, port, "01", 0, 13),  # our own client
        TcpEntry(port, 52000, "01", 0, 14),  # server side of a foreign client
        TcpEntry(52000, port, "01", 1001, 15),  # the foreign client (another user)
        TcpEntry(53000, port, "06", 0, 0),  # a closed connection (TIME_WAIT)
        TcpEntry(54000, 8080, "01", 0, 16),  # unrelated
    ]
    found = foreign_clients(port, table, own={11, 12, 13, 14, 16})
    assert [(c.local_port, c.uid) for c in found] == [(52000, 1001)]
    assert foreign_clients(port, table, own={11, 12, 13, 14, 15, 16}) == []


def test_a_connection_that_came_and_went_between_two_looks_is_still_seen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An own /json request of an earlier test must not cover this one's closed connection.
    monkeypatch.setattr(devtools_guard, "_own_requests_until", 0.0)
    port = 40000
    listening = TcpEntry(port, 0, "0A", 0, 11)
    ours = [TcpEntry(port, 51000, "01", 0, 12), TcpEntry(51000, port, "01", 0, 13)]
    tables = [
        [listening, *ours, TcpEntry(port, 50000, "06", 0, 0)],  # closed before recording
        [listening, *ours, TcpEntry(port, 52000, "06", 0, 0)],  # ours? no: someone else's
        [listening, TcpEntry(port, 51000, "06", 0, 0), TcpEntry(port, 53000, "06", 0, 0)],
    ]
    calls = iter(tables)
    problems: list[str] = []
    guard = DevToolsGuard(
        port, problems.append, reader=lambda: next(calls), own_inodes=lambda: {12, 13}
    )
    guard._baseline = {50000}  # what start() would have seen; check() is driven by hand
    assert guard.check() == []  # the baseline's closed connection is not this recording's
    assert guard.check() and "from port 52000" in problems[0]
    # Our own page client closing (51000) is ours; a closed connection made while one of
    # our own /json requests ran (53000) is taken as ours too.
    with own_request():
        assert guard.check() == []
    assert [c["from_port"] for c in guard.foreign_connections] == [52000]


def test_a_server_side_without_its_client_is_reported_when_it_stays_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(devtools_guard, "_own_requests_until", 0.0)  # no own request ran
    port = 40000
    lonely = TcpEntry(port, 55000, "01", 0, 21)  # its client is on an IPv6 socket
    tables = iter([[lonely], [lonely]])
    problems: list[str] = []
    guard = DevToolsGuard(port, problems.append, reader=lambda: next(tables), own_inodes=set)
    assert guard.check() == []  # once could be a torn read of the table
    assert guard.check() and "from port 55000" in problems[0]


@pytest.mark.skipif(not supported(), reason="the guard reads /proc")
def test_the_socket_table_shows_a_loopback_connection_from_both_sides() -> None:
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = server.accept()
            with accepted:
                table = read_tcp_table()
                mine = client.getsockname()[1]
                assert any(e.local_port == port and e.remote_port == mine for e in table)
                assert any(e.local_port == mine and e.remote_port == port for e in table)


def _attach_when_recording(port: int, site_url: str, box: dict[str, Any]) -> None:
    """Another program: wait for the capture's tab, attach, change the page, read cookies."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                targets = json.loads(r.read())
        except OSError:
            time.sleep(0.2)
            continue
        page = next((t for t in targets if str(t.get("url", "")).startswith(site_url)), None)
        if page is None or "webSocketDebuggerUrl" not in page:
            time.sleep(0.2)
            continue
        time.sleep(0.5)
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], suppress_origin=True)
        expr = f"document.body.insertAdjacentHTML('beforeend', '<p>{INJECTED}</p>'); 1"
        ws.send(json.dumps({"id": 1, "method": "Runtime.evaluate", "params": {"expression": expr}}))
        box["answer"] = json.loads(ws.recv())
        ws.send(json.dumps({"id": 2, "method": "Network.getAllCookies"}))
        box["cookies"] = json.loads(ws.recv())
        time.sleep(1.0)
        ws.close()
        box["attached"] = True
        return


@pytest.mark.qt
@pytest.mark.skipif(not supported(), reason="the guard reads /proc")
def test_a_second_devtools_client_during_a_headless_capture_is_reported(
    demo_site: DemoSite, case_path: Path
) -> None:
    port = devtools.free_loopback_port()
    env = subprocess_env()
    env[devtools.ENV_VAR] = f"127.0.0.1:{port}"
    box: dict[str, Any] = {}
    intruder = threading.Thread(
        target=_attach_when_recording, args=(port, demo_site.url, box), daemon=True
    )
    intruder.start()
    done = subprocess.run(
        cli_command("capture", str(case_path), demo_site.url + "/", "--settle", "5", "--json"),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    intruder.join(timeout=10)
    assert box.get("attached"), "the second client never attached"
    assert box["answer"].get("result", {}).get("result", {}).get("value") == 1
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-3000:]
    result = json.loads(done.stdout)
    named = [p for p in result["problems"] if "DevTools port" in p]
    assert named and "another program" in named[0].lower() and str(port) in named[0]
    with Case.open(case_path) as case:
        rows = case.conn.execute("SELECT kind, facts FROM captures ORDER BY id").fetchall()
    facts = {kind: json.loads(f) for kind, f in rows}
    assert any("DevTools port" in p for p in facts["session"]["problems"])
    assert any("DevTools port" in p for p in facts["page"]["problems"])
    assert facts["session"]["devtools_guard"]["active"] is True
    # Every connection of the other program is listed (its /json/list polls too), the
    # problem is named once.
    guard = facts["session"]["devtools_guard"]
    assert len(guard["foreign_connections"]) >= 1
    assert len([p for p in facts["session"]["problems"] if "DevTools port" in p]) == 1
