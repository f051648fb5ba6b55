"""The campaign HTTP client: connection facts from the same socket, limits, pacing."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.capture.campaigns.http import (
    ClientSettings,
    HttpClient,
    HttpRequest,
    RateLimiter,
    parse_retry_after,
)
from tests.capture.campaign_server import CampaignServer


@pytest.fixture
def server() -> Iterator[CampaignServer]:
    with CampaignServer(api_key="k") as srv:
        yield srv


def _post(url: str, prompt: str = "p") -> HttpRequest:
    body = json.dumps({"prompt": prompt}).encode()
    headers = (("Content-Type", "application/json"), ("Authorization", "Bearer k"))
    return HttpRequest("POST", url + "/v1/images/generations", headers, body)


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 0 ") == 0.0
    now = dt.datetime(2025, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now) == pytest.approx(30.0)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_rate_limiter_spaces_requests_and_holds_everyone_back_after_retry_after() -> None:
    limiter = RateLimiter(20.0)  # one request every 50 ms
    t0 = time.monotonic()
    for _ in range(5):
        assert limiter.acquire()
    assert time.monotonic() - t0 >= 0.19
    limiter.hold_off(0.3)
    t1 = time.monotonic()
    assert limiter.acquire()
    assert time.monotonic() - t1 >= 0.28


def test_headers_are_recorded_exactly_as_they_went_on_the_wire(server: CampaignServer) -> None:
    client = HttpClient()
    trip = client.send(_post(server.url, "生成星光侠"))
    client.close()
    assert trip.ok and trip.response is not None and trip.response.status == 200
    (received,) = server.generation_requests()
    sent = dict(trip.request.headers)
    assert sent["Host"] == received.header("Host")
    assert sent["Content-Length"] == received.header("Content-Length") == str(len(received.body))
    assert sent["User-Agent"].startswith("Proofshot/")
    assert {k.lower() for k in sent} == {k.lower() for k in received.headers}
    assert json.loads(received.body)["prompt"] == "生成星光侠"
    assert trip.connection is not None and trip.connection.remote_ip == "127.0.0.1"
    assert trip.connection.proxy is None and trip.connection.tls is None


def test_kept_alive_connection_is_reused_and_says_so(server: CampaignServer) -> None:
    client = HttpClient()
    first = client.send(_post(server.url))
    second = client.send(_post(server.url))
    client.close()
    assert first.ok and second.ok
    assert not first.reused_connection and second.reused_connection
    assert first.connection is second.connection


def test_tls_facts_come_from_the_connection_that_carried_the_answer(tmp_path: Path) -> None:
    with CampaignServer(api_key="k", tls_dir=tmp_path / "tls") as srv:
        assert srv.ca_file is not None
        client = HttpClient(ClientSettings(ca_file=str(srv.ca_file)))
        trip = client.send(_post(srv.url))
        client.close()
        pem = srv.ca_file.read_bytes()
    assert trip.ok, trip.error
    tls = trip.connection.tls if trip.connection else None
    assert tls is not None
    assert tls["protocol"] in ("TLSv1.2", "TLSv1.3") and tls["cipher"]
    cert = tls["certificate"]
    assert "CN=Campaign Test Platform" in cert["subject"] and cert["issuer"] == cert["subject"]
    assert (
        "IP:127.0.0.1" in cert["subject_alt_names"] and "DNS:localhost" in cert["subject_alt_names"]
    )
    der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
    assert cert["sha256_fingerprint"] == hashlib.sha256(der).hexdigest()
    assert cert["not_before"] < cert["not_after"]


def test_an_untrusted_certificate_is_a_tls_error_not_an_answer(tmp_path: Path) -> None:
    with CampaignServer(api_key="k", tls_dir=tmp_path / "tls") as srv:
        client = HttpClient()  # the test certificate is not trusted
        trip = client.send(_post(srv.url))
        client.close()
    assert trip.response is None and trip.error_kind == "tls"
    assert "certificate" in (trip.error or "").lower()


def test_an_oversized_answer_stops_reading_at_the_limit(server: CampaignServer) -> None:
    server.plan("big", "oversize:300000")
    client = HttpClient(ClientSettings(max_response_bytes=100_000))
    trip = client.send(_post(server.url, "big"))
    client.close()
    assert trip.response is not None and trip.response.truncated
    assert len(trip.response.body) == 100_000
    assert trip.error_kind == "oversize"


def test_a_server_that_never_answers_times_out(server: CampaignServer) -> None:
    server.plan("slow", "hang:10")
    client = HttpClient(ClientSettings(timeout=0.5))
    t0 = time.monotonic()
    trip = client.send(_post(server.url, "slow"))
    client.close()
    assert trip.error_kind == "timeout" and trip.response is None
    assert time.monotonic() - t0 < 3


def test_a_refused_connection_is_reported_not_raised() -> None:
    client = HttpClient(ClientSettings(timeout=2))
    trip = client.send(HttpRequest("GET", "http://127.0.0.1:9/none"))
    assert trip.error_kind == "unreachable" and trip.response is None


def test_non_http_urls_are_never_fetched() -> None:
    trip = HttpClient().send(HttpRequest("GET", "file:///etc/passwd"))
    assert trip.error_kind == "refused-url" and trip.connection is None
