"""CdpClient's two ways to send a command (``send``, ``call_async``) share one path: a
closed client refuses, a socket that breaks closes the client and leaves nothing pending.
No browser: the socket is a stand-in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.capture.cdp import CdpClient, CdpClosed


class _Socket:
    def __init__(self, broken: bool = False) -> None:
        self.broken = broken
        self.sent: list[dict[str, Any]] = []

    def send(self, payload: str) -> None:
        if self.broken:
            raise OSError("socket gone")
        self.sent.append(json.loads(payload))


def _client(socket: _Socket) -> CdpClient:
    client = CdpClient("ws://127.0.0.1:9/devtools/page/none")
    client._ws = socket  # type: ignore[assignment]
    return client


def test_send_and_call_async_number_their_commands_and_only_call_async_waits() -> None:
    socket = _Socket()
    client = _client(socket)
    first = client.send("Page.enable")
    second, future = client.call_async("Runtime.evaluate", {"expression": "1"})
    assert (first, second) == (1, 2)
    assert socket.sent == [
        {"id": 1, "method": "Page.enable", "params": {}},
        {"id": 2, "method": "Runtime.evaluate", "params": {"expression": "1"}},
    ]
    assert list(client._pending) == [2] and client._pending[2] == ("Runtime.evaluate", future)
    client.forget(2)
    assert client._pending == {}


@pytest.mark.parametrize("how", ["send", "call_async"])
def test_a_broken_socket_closes_the_client_and_leaves_nothing_pending(how: str) -> None:
    client = _client(_Socket(broken=True))
    with pytest.raises(CdpClosed, match="connection broke"):
        getattr(client, how)("Page.enable")
    assert client.closed and client._pending == {}
    with pytest.raises(CdpClosed, match="is closed"):
        getattr(client, how)("Page.enable")
    assert client.drain(timeout=0.1) is False  # the closed case test_cdp_drain's name promises


def test_a_client_never_connected_refuses_and_drain_says_false() -> None:
    client = CdpClient("ws://127.0.0.1:9/devtools/page/none")
    for how in ("send", "call_async"):
        with pytest.raises(CdpClosed, match="is closed"):
            getattr(client, how)("Page.enable")
    assert client.drain(timeout=0.1) is False
