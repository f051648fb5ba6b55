"""The web archive (WARC records, WACZ that validates) and the environment record."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from app.capture import devtools
from app.capture.environment import clock_check, collect_environment, hosts_entries
from app.capture.exchanges import REDACTED, Exchange
from app.capture.warc import ArchivePage, WarcSink, package_wacz
from app.core.tsa_settings import tsa_configs
from tests.tsa_server import TsaServer

BODY = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def _exchange() -> Exchange:
    ex = Exchange(
        request_id="1", url="https://example.test/a.png", method="GET", resource_type="Image"
    )
    ex.started_wall, ex.started_mono, ex.response_mono, ex.finished_mono = (
        1_700_000_000.0,
        5.0,
        5.1,
        5.2,
    )
    ex.status, ex.status_text, ex.protocol = 200, "OK", "h2"
    ex.request_headers = {"Cookie": "sid=secret", "Accept": "image/*"}
    ex.response_headers = {
        "Content-Type": "image/png",
        "Content-Encoding": "gzip",
        "Content-Length": "42",
        "Set-Cookie": "sid=secret",
    }
    ex.remote_ip, ex.remote_port = "127.0.0.1", 8443
    ex.security_details = {
        "protocol": "TLS 1.3",
        "cipher": "AES_128_GCM",
        "subjectName": "example.test",
        "sanList": ["example.test"],
        "issuer": "Test CA",
        "validFrom": 1_700_000_000,
        "validTo": 1_800_000_000,
    }
    ex.body = BODY
    return ex


def test_warc_keeps_the_exact_body_the_server_ip_and_no_cookies(tmp_path: Path) -> None:
    sink = WarcSink(tmp_path / "s.warc.gz", session_id="abc")
    sink.write_exchange(_exchange())
    hanging = Exchange(request_id="2", url="http://example.test/hang", method="GET")
    hanging.started_wall, hanging.status, hanging.truncated = 1_700_000_001.0, 200, "time"
    sink.write_exchange(hanging)
    sink.close()
    records = []
    with open(tmp_path / "s.warc.gz", "rb") as fh:
        for record in ArchiveIterator(fh):
            records.append(
                (
                    record.rec_type,
                    record.rec_headers,
                    record.http_headers,
                    record.content_stream().read(),
                )
            )
    types = [r[0] for r in records]
    assert types == ["warcinfo", "request", "response", "metadata", "request", "metadata"]
    _, warc_headers, http_headers, payload = records[2]
    assert payload == BODY
    assert warc_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert http_headers.get_header("Content-Encoding") is None  # the payload is decoded
    assert http_headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http_headers.get_header("Set-Cookie") == REDACTED
    assert records[1][2].get_header("Cookie") == REDACTED
    assert b"TLS 1.3" in records[3][3] and b"8443" in records[3][3]
    assert records[5][1].get_header("WARC-Truncated") == "time"


def test_the_packaged_wacz_validates_with_the_wacz_tool(tmp_path: Path) -> None:
    sink = WarcSink(tmp_path / "s.warc.gz", session_id="abc")
    page = _exchange()
    page.url, page.resource_type, page.body = (
        "https://example.test/",
        "Document",
        b"<html>hi</html>",
    )
    page.response_headers = {"Content-Type": "text/html; charset=utf-8"}
    sink.write_exchange(page)
    sink.write_exchange(_exchange())
    sink.close()
    out = package_wacz(
        tmp_path / "s.warc.gz",
        tmp_path / "s.wacz",
        [ArchivePage("https://example.test/", 1_700_000_000.0, "Example")],
        title="Test session",
    )
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
    assert {"datapackage.json", "pages/pages.jsonl", "archive/s.warc.gz"} <= names
    result = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is valid" in result.stdout


def test_hosts_file_entries_for_the_target_host_are_found(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text(
        "127.0.0.1 localhost\n10.9.9.9 ai.example.test www.ai.example.test # override\n", "utf-8"
    )
    found = hosts_entries("ai.example.test", hosts)
    assert [e["line"] for e in found["entries"]] == [2]
    assert hosts_entries("other.test", hosts)["entries"] == []


def test_environment_record_names_dns_proxy_app_and_says_why_the_clock_was_not_checked() -> None:
    record = collect_environment(
        "http://localhost:8765/",
        session_id="s1",
        browser={"chromium_version": "140", "user_agent": "UA"},
        tsas=tsa_configs(),  # PROOFSHOT_TSA_URLS is empty in the tests
    )
    assert record["target"]["host"] == "localhost"
    assert "127.0.0.1" in record["dns"]["answers"] or "::1" in record["dns"]["answers"]
    assert len(record["application"]["code_sha256"]) == 64
    assert record["browser"]["chromium_version"] == "140"
    assert "environment" in record["proxy"]
    assert record["clock"] == {"checked": False, "reason": "no timestamp authority is configured"}


def test_clock_is_compared_with_a_real_tsa_when_one_answers(tsa_server: TsaServer) -> None:
    result = clock_check(tsa_configs([tsa_server.url]), b"environment check")
    assert result["checked"] is True
    assert abs(result["offset_seconds"]) < 5 and result["within_tolerance"] is True
    assert dt.datetime.fromisoformat(result["gen_time"]).tzinfo is not None


def test_devtools_setting_is_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(devtools.ENV_VAR, "0.0.0.0:9222")
    assert devtools.configured_port() is None  # a non-loopback address is never used
    port = devtools.enable_devtools()
    assert os.environ[devtools.ENV_VAR] == f"127.0.0.1:{port}"
    monkeypatch.setenv(devtools.ENV_VAR, "127.0.0.1:9333")
    assert devtools.configured_port() == 9333
