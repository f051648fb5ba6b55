"""TLS facts come from the connection that carried the response, not a second connection.

A throwaway self-signed certificate (made here with ``cryptography``) on a loopback HTTPS
server; the browser accepts it only because the test session passes
``--ignore-certificate-errors`` (see conftest). The server notes the protocol and cipher it
negotiated on each connection, and the recorded facts must name the same.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.capture.script import run_script
from app.core.case import Case
from tests.capture.test_generation_binding import png

pytestmark = pytest.mark.qt

COMMON_NAME = "proofshot-tls-test.invalid"
IMAGE = png(200, "purple")


@dataclass
class HttpsSite:
    url: str
    port: int
    cert: x509.Certificate
    negotiated: list[tuple[str, str]] = field(default_factory=list)


def make_certificate(folder: Path) -> tuple[Path, Path, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME)])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(COMMON_NAME), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path, cert


@pytest.fixture
def https_site(tmp_path: Path) -> Iterator[HttpsSite]:
    cert_path, key_path, cert = make_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    site = HttpsSite("", 0, cert)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            conn: Any = self.connection
            site.negotiated.append((conn.version(), conn.cipher()[0]))
            if self.path == "/pic.png":
                body, ctype = IMAGE, "image/png"
            elif self.path == "/":
                body, ctype = (
                    b"<!DOCTYPE html><title>TLS page</title><img src='/pic.png'>",
                    "text/html",
                )
            else:
                body, ctype = b"", "text/plain"
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    site.port = server.server_address[1]
    site.url = f"https://127.0.0.1:{site.port}"
    # shutdown() waits for the serving loop's next look: 0.05 s, not the default 0.5 s
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


def test_tls_protocol_cipher_subject_and_san_are_recorded_from_the_same_connection(
    tab: Any, https_site: HttpsSite
) -> None:
    result = tab.run(
        lambda: run_script(tab.client, tab.session, https_site.url + "/", [], settle=0.5),
        timeout=120,
    )
    assert result.page is not None and result.problems == []
    with Case.open(tab.case_path, read_only=True) as case:
        ids = result.page.items["image"]
        rows = [
            (
                bytes_of(case, i),
                json.loads(
                    case.conn.execute(
                        "SELECT source_facts FROM items WHERE id = ?", (i,)
                    ).fetchone()[0]
                ),
            )
            for i in ids
        ]
    facts = next(f for data, f in rows if data == IMAGE)
    tls = facts["tls"]
    version, cipher = https_site.negotiated[-1]
    assert tls["protocol"] == version.replace("TLSv", "TLS ")  # TLSv1.3 -> TLS 1.3
    assert tls["cipher"] and tls["cipher"] in cipher  # AES_128_GCM in TLS_AES_128_GCM_SHA256
    assert tls["subject"] == COMMON_NAME and tls["issuer"] == COMMON_NAME
    assert set(tls["san"]) == {COMMON_NAME, "127.0.0.1"}
    valid_to = dt.datetime.fromisoformat(tls["valid_to"])
    assert valid_to == https_site.cert.not_valid_after_utc
    assert facts["remote_ip"] == "127.0.0.1" and facts["remote_port"] == https_site.port
    assert facts["url"] == https_site.url + "/pic.png"


def bytes_of(case: Case, item_id: int) -> bytes:
    sha = case.conn.execute("SELECT sha256 FROM items WHERE id = ?", (item_id,)).fetchone()[0]
    return case.objects.path_for(sha).read_bytes()
