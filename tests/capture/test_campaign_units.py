"""The pieces split out of the campaign's long functions, each on its own.

URL checks and failure wording of one HTTP round trip, a try's status from its outcome, and
the run loop's bookkeeping (when a batch is due, skipped tries requeued, a fatal error stops).
"""

from __future__ import annotations

import http.client
import ssl
import time
from collections import deque

from app.capture.campaigns.http import (
    HttpRequest,
    HttpResponse,
    RoundTrip,
    _answer_problem,
    _failure,
    _target,
)
from app.capture.campaigns.profiles import GenerationAnswer, ImageRef
from app.capture.campaigns.prompts import PromptEntry
from app.capture.campaigns.recorder import OutputRecord
from app.capture.campaigns.runner import _Loop
from app.capture.campaigns.settings import RunSettings
from app.capture.campaigns.tries import TryResult, TryTask, _status
from app.core.jobs import CancelToken


def _trip(url: str) -> RoundTrip:
    return RoundTrip(HttpRequest("GET", url), "2026-12-07T00:00:00Z")


def test_target_splits_an_http_url_and_refuses_anything_else() -> None:
    assert _target(_trip("https://api.example.test/v1/images?x=1")) == (
        "https",
        "api.example.test",
        443,
        "/v1/images?x=1",
    )
    assert _target(_trip("http://127.0.0.1:8080")) == ("http", "127.0.0.1", 8080, "/")
    for bad in ("file:///etc/passwd", "http://host:99999/", "ftp://x/y"):
        trip = _trip(bad)
        assert _target(trip) is None
        assert trip.error_kind == "refused-url" and bad in str(trip.error)


def test_failure_names_each_kind_of_network_error() -> None:
    trip = _trip("http://h/")
    assert _failure(trip, TimeoutError(), 5, "h", 80) == (
        "No answer within 5 s (timed out).",
        "timeout",
    )
    assert _failure(trip, ssl.SSLError(1, "bad"), 5, "h", 80)[1] == "tls"
    assert _failure(trip, http.client.BadStatusLine("x"), 5, "h", 80)[1] == "protocol"
    refused = ConnectionRefusedError(111, "Connection refused")
    assert _failure(trip, refused, 5, "h", 80) == (
        "Could not reach h:80 (Connection refused).",
        "unreachable",
    )
    trip.reused_connection = True
    error, kind = _failure(trip, ConnectionResetError(), 5, "h", 80)
    assert kind == "connection" and "closed by the server" in error
    assert trip.stale_connection  # a kept-alive connection the server closed: resend at once


def test_answer_problem_flags_oversize_and_short_bodies_only() -> None:
    trip = _trip("http://h/")
    trip.response = HttpResponse(200, "OK", "HTTP/1.1", (), b"abc", False, 3)
    assert not _answer_problem(trip, 10) and trip.error is None
    trip.response = HttpResponse(200, "OK", "HTTP/1.1", (), b"abc", False, 9)
    assert _answer_problem(trip, 10) and trip.error_kind == "protocol"
    trip.response = HttpResponse(200, "OK", "HTTP/1.1", (), b"abc", True, None)
    assert _answer_problem(trip, 3) and trip.error_kind == "oversize"


def test_status_of_a_try_from_its_outcome() -> None:
    answer = GenerationAnswer("job", [ImageRef(0, "url", "http://x/1.png", "$.data[0]")])
    refused = OutputRecord(0, "url", "$.data[0]", status="refused", reason="HTTP 404")
    assert _status(None, None, [], [], True) == ("interrupted", "interrupted")
    assert _status(None, "HTTP 500", [], [], False) == ("failed", "HTTP 500")
    assert _status(answer, None, [object()], [], False) == ("done", None)  # type: ignore[list-item]
    status, error = _status(answer, None, [], [refused], False)
    assert (
        status == "failed" and "none of the 1 image(s)" in str(error) and "HTTP 404" in str(error)
    )
    assert _status(GenerationAnswer("job", []), None, [], [], False) == (
        "failed",
        "the answer held no image",
    )


def _result(task: TryTask, status: str, **kw: object) -> TryResult:
    return TryResult(task, status, None, None, [], [], None, None, None, 0, [], 0.0, **kw)  # type: ignore[arg-type]


def test_run_loop_requeues_skipped_tries_stops_on_fatal_and_knows_when_a_batch_is_due() -> None:
    tasks = [TryTask(i, 1, PromptEntry(f"p{i}")) for i in range(3)]
    loop = _Loop(deque(), CancelToken(), ahead=3, in_flight=3)
    settings = RunSettings(batch_size=2, batch_seconds=60)
    loop.take(_result(tasks[0], "done"))
    assert not loop.due(settings)  # one of two, and more in flight
    loop.take(_result(tasks[1], "skipped"))
    assert list(loop.tasks) == [tasks[1]] and len(loop.batch) == 1
    loop.take(_result(tasks[2], "failed", stop_reason="HTTP 401"))
    assert loop.stopped_reason == "HTTP 401" and loop.stop.cancelled
    assert loop.due(settings) and loop.in_flight == 0
    fatal = _Loop(deque(), CancelToken(), ahead=1, in_flight=1)
    fatal.take(_result(tasks[0], "interrupted", fatal=RuntimeError("boom")))
    assert isinstance(fatal.fatal, RuntimeError) and fatal.stop.cancelled and not fatal.batch
    timed = _Loop(deque(), CancelToken(), ahead=2, in_flight=2)
    timed.take(_result(tasks[0], "done"))
    timed.batch_started = time.monotonic() - 61
    assert timed.due(settings)  # waited longer than batch_seconds
