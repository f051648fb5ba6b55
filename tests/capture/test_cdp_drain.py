"""A recording stops only after the DevTools events the browser already sent were handled.

The client reads events on one thread and hands them to listeners on another, in order; a
slow listener leaves events in the queue. ``CdpClient.drain`` (called before a recording
stops) returns only when every event sent before it reached the listeners. Real QtWebEngine.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.capture.conftest import run_off_main_thread

pytestmark = pytest.mark.qt


def test_drain_returns_after_every_queued_event_reached_the_listeners(qtbot: Any, tab: Any) -> None:
    client = tab.client
    seen: list[str] = []
    lock = threading.Lock()

    def slow(method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled":
            time.sleep(0.2)  # a busy listener: the rest wait in the queue
            with lock:
                seen.append(str(params["args"][0].get("value")))

    remove = client.add_listener(slow)
    try:

        def emit_then_drain() -> tuple[int, bool, int]:
            client.call("Runtime.enable", timeout=10)
            client.call(
                "Runtime.evaluate",
                {"expression": "for (let i = 0; i < 8; i++) console.log('m' + i); 0"},
                timeout=10,
            )
            with lock:
                before = len(seen)
            drained = client.drain(timeout=10)
            with lock:
                after = len(seen)
            return before, drained, after

        before, drained, after = run_off_main_thread(qtbot, emit_then_drain)
    finally:
        remove()
    assert before < 8  # the events were still queued when the evaluate answered ...
    assert drained and after == 8  # ... and all had been handled when drain returned
    assert seen == [f"m{i}" for i in range(8)]


def test_drain_on_the_dispatcher_thread_or_a_closed_client_returns_at_once(
    qtbot: Any, tab: Any
) -> None:
    client = tab.client
    got: list[bool] = []

    def inside(method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled" and not got:
            got.append(client.drain(timeout=10))  # would wait for itself

    remove = client.add_listener(inside)
    try:
        run_off_main_thread(
            qtbot,
            lambda: (
                client.call("Runtime.enable", timeout=10),
                client.call("Runtime.evaluate", {"expression": "console.log('x')"}, timeout=10),
                client.drain(timeout=10),
            ),
        )
    finally:
        remove()
    assert got == [False]
