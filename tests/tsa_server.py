"""A real RFC 3161 time-stamp authority on 127.0.0.1 for the tests: OpenSSL's ``ts`` responder.

Every reply is produced by ``openssl ts -reply`` run as a subprocess on the POSTed query, so the
client and the verifier are tested against the same responder code real TSAs are often built
on, never against a Python imitation of one. The certificates are made at test time with
``cryptography`` (no key material lives in the repository); generating them once per session
keeps the fixture fast.

Failure modes, settable on a running server through ``server.mode``:

``ok``             a valid reply for the query as sent.
``down``           the listening socket is closed (connection refused).
``hang``           the request is read and never answered (the client must time out).
``garbage``        HTTP 200 with random bytes.
``http500``        HTTP 500.
``rejection``      a genuine ``openssl ts`` rejection (status 2, unsupported digest).
``wrong-imprint``  a valid token for a different document (same nonce).
``wrong-nonce``    a valid token for the same document but another nonce.
``expired``        signed by a TSA certificate of the trusted CA whose validity ended a year ago.
``untrusted``      signed by a TSA certificate from a CA the verifier is not given.
``oversize``       HTTP 200 with 2 MB of bytes (a client must stop reading).
``redirect``       HTTP 302 to the same address (a client must not follow with credentials).

Register the fixtures by adding ``pytest_plugins = ["tests.tsa_server"]`` to the top-level
``tests/conftest.py`` (see the ADR ``docs/decisions/0005-rfc3161-client.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from rfc3161_client import HashAlgorithm, TimeStampRequest, TimestampRequestBuilder

MODES = (
    "ok",
    "down",
    "hang",
    "garbage",
    "http500",
    "rejection",
    "wrong-imprint",
    "wrong-nonce",
    "expired",
    "untrusted",
    "oversize",
    "redirect",
)
TSA_POLICY_OID = "1.3.6.1.4.1.55555.1.1"
REPLY_CONTENT_TYPE = "application/timestamp-reply"
OPENSSL = shutil.which("openssl") or "openssl"
# How long a ``hang`` handler holds the connection at most; stop() releases it at once.
HANG_SECONDS = 30.0


# --------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its private key, both as PEM, as ``openssl`` wants them on disk."""

    cert_pem: bytes
    key_pem: bytes

    @property
    def cert(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)


@dataclass(frozen=True)
class TsaPki:
    """One TSA's certificates: its root, the good signer, an expired signer, a rogue branch.

    ``rogue_root``/``rogue_tsa`` form an unrelated hierarchy that a verifier configured with
    ``root`` must not trust; ``expired_tsa`` chains to the trusted ``root`` but its validity
    ended before the tests run; ``noncritical_tsa`` chains to ``root`` but marks its
    timeStamping EKU non-critical, which ``openssl ts -reply`` refuses to sign with (use
    :func:`pyhanko_reply` for it).
    """

    label: str
    root: KeyPair
    tsa: KeyPair
    expired_tsa: KeyPair
    rogue_root: KeyPair
    rogue_tsa: KeyPair
    noncritical_tsa: KeyPair


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Proofshot Test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _make_root(common_name: str) -> tuple[KeyPair, rsa.RSAPrivateKey]:
    key = _new_key()
    now = dt.datetime.now(dt.UTC)
    name = _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=3650))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key)), key


def _make_tsa(
    common_name: str,
    issuer: KeyPair,
    issuer_key: rsa.RSAPrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
    *,
    eku_critical: bool = True,
) -> KeyPair:
    """A signer certificate as RFC 3161 §2.3 wants it: sole, critical EKU timeStamping."""
    key = _new_key()
    issuer_cert = issuer.cert
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=eku_critical
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def make_tsa_pki(label: str) -> TsaPki:
    """Generate a complete, independent PKI; ``label`` keeps names distinct between TSAs."""
    now = dt.datetime.now(dt.UTC)
    root, root_key = _make_root(f"Proofshot Test Root CA {label}")
    tsa = _make_tsa(
        f"Proofshot Test TSA {label}",
        root,
        root_key,
        now - dt.timedelta(days=1),
        now + dt.timedelta(days=365),
    )
    expired = _make_tsa(
        f"Proofshot Expired TSA {label}",
        root,
        root_key,
        now - dt.timedelta(days=730),
        now - dt.timedelta(days=365),
    )
    rogue_root, rogue_key = _make_root(f"Proofshot Rogue Root CA {label}")
    rogue_tsa = _make_tsa(
        f"Proofshot Rogue TSA {label}",
        rogue_root,
        rogue_key,
        now - dt.timedelta(days=1),
        now + dt.timedelta(days=365),
    )
    noncritical = _make_tsa(
        f"Proofshot Lax TSA {label}",
        root,
        root_key,
        now - dt.timedelta(days=1),
        now + dt.timedelta(days=365),
        eku_critical=False,
    )
    return TsaPki(label, root, tsa, expired, rogue_root, rogue_tsa, noncritical)


# --------------------------------------------------------------------------------------------
# The responder
# --------------------------------------------------------------------------------------------

_OPENSSL_CONFIG = """\
# Written by tests/tsa_server.py for `openssl ts -reply`.
[ tsa ]
default_tsa = tsa_ok

[ tsa_ok ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_digest = sha256
default_policy = {policy}
other_policies = 1.3.6.1.4.1.55555.1.2
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:0, microsecs:0
clock_precision_digits = 0
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256

[ tsa_reject ]
# Accepts no digest a modern client sends, so openssl itself answers "rejection".
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_digest = sha256
default_policy = {policy}
digests = md5
accuracy = secs:1
tsa_name = yes
ess_cert_id_alg = sha256
"""


@dataclass
class RecordedRequest:
    """What the client sent, so tests can check headers and the query itself."""

    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        """Header lookup ignoring case, as HTTP does."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class _Handler(BaseHTTPRequestHandler):
    server: _TsaHttpServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet; failures are visible through the recorded requests."""

    def do_GET(self) -> None:
        self._send(405, b"POST an RFC 3161 query", "text/plain")

    def do_POST(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        owner._record(RecordedRequest({k: v for k, v in self.headers.items()}, body))
        mode = owner.mode
        if mode == "hang":
            owner._release.wait(HANG_SECONDS)
            self.close_connection = True
            return
        if mode == "http500":
            self._send(500, b"internal error", "text/plain")
            return
        if mode == "garbage":
            self._send(200, secrets.token_bytes(300), REPLY_CONTENT_TYPE)
            return
        if mode == "oversize":
            self._send(200, b"\x30" * (2 << 20), REPLY_CONTENT_TYPE)
            return
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", owner.url)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            reply = owner._reply(body, mode)
        except (subprocess.CalledProcessError, ValueError) as exc:
            self._send(400, f"bad query: {exc}".encode(), "text/plain")
            return
        owner.replies.append(reply)
        self._send(200, reply, REPLY_CONTENT_TYPE)

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _TsaHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: TsaServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


@dataclass(repr=False)
class TsaServer:
    """An ``openssl ts`` responder behind HTTP on 127.0.0.1; use as a context manager.

    ``ca_pem`` is the root a verifier should trust, ``chain_pem`` the TSA certificate followed
    by that root (what a TSA publishes for download), ``tsa_cert_pem`` the signer alone (for
    ``openssl ts -verify -untrusted``).
    """

    pki: TsaPki
    workdir: Path
    mode: str = "ok"
    requests: int = 0
    recorded: list[RecordedRequest] = field(default_factory=list)
    replies: list[bytes] = field(default_factory=list)
    _httpd: _TsaHttpServer | None = None
    _thread: threading.Thread | None = None
    _port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)

    def __setattr__(self, name: str, value: object) -> None:
        """Closing the socket for ``down`` and reopening it afterwards follow ``mode``."""
        if name == "mode":
            if value not in MODES:
                raise ValueError(f"unknown TSA mode {value!r}; choose one of {MODES}")
            previous = self.__dict__.get("mode")
            super().__setattr__(name, value)
            if previous is not None and self.__dict__.get("_port"):
                if value == "down" and previous != "down":
                    self._close_socket()
                elif previous == "down" and value != "down":
                    self._open_socket()
            return
        super().__setattr__(name, value)

    def __repr__(self) -> str:
        return f"TsaServer(label={self.pki.label!r}, url={self.url!r}, mode={self.mode!r})"

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> TsaServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._write_files()
        self._release.clear()
        self._open_socket()
        if self.mode == "down":
            self._close_socket()
        return self

    def stop(self) -> None:
        self._release.set()
        self._close_socket()

    def __enter__(self) -> TsaServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _open_socket(self) -> None:
        httpd = _TsaHttpServer(("127.0.0.1", self._port), self)
        self._port = httpd.server_address[1]
        # A short poll interval keeps stop() (and mode "down") from costing half a second.
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"tsa-{self.pki.label}",
            daemon=True,
        )
        thread.start()
        self._httpd, self._thread = httpd, thread

    def _close_socket(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    # -- what tests read ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/tsr"

    @property
    def ca_pem(self) -> bytes:
        return self.pki.root.cert_pem

    @property
    def chain_pem(self) -> bytes:
        return self.pki.tsa.cert_pem + self.pki.root.cert_pem

    @property
    def tsa_cert_pem(self) -> bytes:
        return self.pki.tsa.cert_pem

    @property
    def ca_file(self) -> Path:
        return self.workdir / "ca.pem"

    @property
    def last_request(self) -> RecordedRequest:
        return self.recorded[-1]

    @property
    def last_authorization(self) -> str | None:
        return self.recorded[-1].header("Authorization") if self.recorded else None

    def fetch_reply(self, data: bytes) -> tuple[bytes, int]:
        """POST a fresh SHA-256 query for ``data`` in the current mode; return the raw reply
        and the query's nonce, with no client-side checks (for verifier tests)."""
        query = _query(data)
        request = urllib.request.Request(
            self.url,
            data=query.as_bytes(),
            headers={"Content-Type": "application/timestamp-query"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = reply.read()
        assert query.nonce is not None
        return body, query.nonce

    # -- internals ----------------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests += 1
            self.recorded.append(request)

    def _write_files(self) -> None:
        pki, d = self.pki, self.workdir
        files = {
            "ca.pem": pki.root.cert_pem,
            "tsa.pem": pki.tsa.cert_pem,
            "tsa.key": pki.tsa.key_pem,
            "expired.pem": pki.expired_tsa.cert_pem,
            "expired.key": pki.expired_tsa.key_pem,
            "rogue_ca.pem": pki.rogue_root.cert_pem,
            "rogue_tsa.pem": pki.rogue_tsa.cert_pem,
            "rogue_tsa.key": pki.rogue_tsa.key_pem,
        }
        for name, content in files.items():
            (d / name).write_bytes(content)
        serial = d / "serial"
        if not serial.exists():
            serial.write_text("01\n")
        (d / "openssl.cnf").write_text(
            _OPENSSL_CONFIG.format(dir=d.as_posix(), policy=TSA_POLICY_OID)
        )

    def _reply(self, query: bytes, mode: str) -> bytes:
        """Run ``openssl ts -reply`` on the (possibly rewritten) query; one at a time."""
        signer, key, chain, section = "tsa.pem", "tsa.key", "ca.pem", "tsa_ok"
        if mode == "expired":
            signer, key = "expired.pem", "expired.key"
        elif mode == "untrusted":
            signer, key, chain = "rogue_tsa.pem", "rogue_tsa.key", "rogue_ca.pem"
        elif mode == "rejection":
            section = "tsa_reject"
        elif mode in ("wrong-imprint", "wrong-nonce"):
            query = _rewrite_query(query, mode)
        d = self.workdir
        with self._lock:
            query_file = d / "query.tsq"
            reply_file = d / "reply.tsr"
            query_file.write_bytes(query)
            reply_file.unlink(missing_ok=True)
            # -queryfile, -signer etc. take paths; cwd keeps them short and space-free.
            subprocess.run(
                [
                    OPENSSL,
                    "ts",
                    "-reply",
                    "-config",
                    "openssl.cnf",
                    "-section",
                    section,
                    "-queryfile",
                    query_file.name,
                    "-signer",
                    signer,
                    "-inkey",
                    key,
                    "-chain",
                    chain,
                    "-out",
                    reply_file.name,
                ],
                cwd=d,
                check=True,
                capture_output=True,
                timeout=30,
            )
            return reply_file.read_bytes()


def _rewrite_query(query: bytes, mode: str) -> bytes:
    """Make the query the responder answers differ from the one the client sent."""
    req = asn1_tsp.TimeStampReq.load(query)
    if mode == "wrong-imprint":
        imprint = req["message_imprint"]
        other = hashlib.sha256(b"a different document than the one the client sent").digest()
        new_imprint = asn1_tsp.MessageImprint(
            {"hash_algorithm": imprint["hash_algorithm"], "hashed_message": other}
        )
        req = _copy_req(req, message_imprint=new_imprint)
    else:
        nonce = req["nonce"].native if req["nonce"].native is not None else 0
        req = _copy_req(req, nonce=nonce + 1)
    return req.dump()


def _copy_req(req: asn1_tsp.TimeStampReq, **changes: object) -> asn1_tsp.TimeStampReq:
    fields = {
        "version": req["version"].native,
        "message_imprint": req["message_imprint"],
        "nonce": req["nonce"].native,
        "cert_req": req["cert_req"].native,
    }
    if req["req_policy"].native is not None:
        fields["req_policy"] = req["req_policy"].native
    fields.update(changes)
    if fields["nonce"] is None:
        del fields["nonce"]
    return asn1_tsp.TimeStampReq(fields)


def _query(data: bytes) -> TimeStampRequest:
    return (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )


def pyhanko_reply(data: bytes, signer: KeyPair, embed: Sequence[KeyPair] = ()) -> tuple[bytes, int]:
    """A reply from a second, independent responder: pyHanko's ``DummyTimeStamper``.

    It signs with any certificate, so it can produce tokens ``openssl ts`` refuses to make
    (a non-critical EKU), and it writes DER-sorted sets and a v1 ESSCertID, unlike OpenSSL.
    Returns the reply and the query's nonce.
    """
    query = _query(data)
    cert = asn1_x509.Certificate.load(signer.cert.public_bytes(serialization.Encoding.DER))
    private = serialization.load_pem_private_key(signer.key_pem, password=None)
    key = asn1_keys.PrivateKeyInfo.load(
        private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    extra = [
        asn1_x509.Certificate.load(pair.cert.public_bytes(serialization.Encoding.DER))
        for pair in embed
    ]
    stamper = DummyTimeStamper(cert, key, certs_to_embed=extra)
    reply = stamper.request_tsa_response(asn1_tsp.TimeStampReq.load(query.as_bytes()))
    assert query.nonce is not None
    return reply.dump(), query.nonce


# --------------------------------------------------------------------------------------------
# pytest fixtures
# --------------------------------------------------------------------------------------------

_PKI_CACHE: dict[str, TsaPki] = {}
_PKI_LOCK = threading.Lock()


def pki_for(label: str) -> TsaPki:
    """Key generation is the slow part; each labelled PKI is made once per process."""
    with _PKI_LOCK:
        if label not in _PKI_CACHE:
            _PKI_CACHE[label] = make_tsa_pki(label)
        return _PKI_CACHE[label]


@pytest.fixture(scope="session")
def tsa_pki() -> TsaPki:
    """The PKI of the default test TSA (root, signer, expired signer, rogue branch)."""
    return pki_for("A")


@pytest.fixture
def tsa_server(tsa_pki: TsaPki, tmp_path: Path) -> Iterator[TsaServer]:
    """A running responder in mode ``ok``; each test gets its own port, serial file and log."""
    with TsaServer(tsa_pki, tmp_path / "tsa-A") as server:
        yield server


@pytest.fixture
def tsa_server_factory(tmp_path: Path) -> Iterator[Callable[[str], TsaServer]]:
    """``make(label)`` starts a responder with its own CA (one PKI per label, cached).

    Servers made with different labels share nothing, as two commercial TSAs would not: use
    it for "two tokens per seal" tests. All are stopped when the test ends.
    """
    started: list[TsaServer] = []

    def make(label: str = "A") -> TsaServer:
        server = TsaServer(
            pki_for(label), Path(tempfile.mkdtemp(prefix=f"tsa-{label}-", dir=tmp_path))
        )
        started.append(server.start())
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def two_tsa_servers(
    tsa_server_factory: Callable[[str], TsaServer],
) -> tuple[TsaServer, TsaServer]:
    """Two independent TSAs (different roots) running at once."""
    return tsa_server_factory("A"), tsa_server_factory("B")


def openssl_ts_verify(
    data_file: Path,
    reply_file: Path,
    ca_file: Path,
    untrusted_file: Path,
    *,
    token_in: bool = False,
) -> subprocess.CompletedProcess[str]:
    """What a third party runs: ``openssl ts -verify`` as a separate process.

    ``token_in`` reads a bare TimeStampToken instead of a whole TimeStampResp.
    """
    env = dict(os.environ)
    env.pop("OPENSSL_CONF", None)
    return subprocess.run(
        [
            OPENSSL,
            "ts",
            "-verify",
            "-data",
            str(data_file),
            "-in",
            str(reply_file),
            *(["-token_in"] if token_in else []),
            "-CAfile",
            str(ca_file),
            "-untrusted",
            str(untrusted_file),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
