"""The campaign's HTTP client: every byte on the wire, and the facts of the connection it used.

Why not ``urllib``: evidence needs the server IP, the TLS version, cipher and certificate *of
the connection that carried the answer* (not of a second connection opened later to look),
the headers exactly as sent, and the body exactly as received. :mod:`http.client` over
:mod:`ssl` gives all of that from one socket. Nothing here follows redirects or reads proxy
settings silently: a campaign connects directly, and says so in its records.

Connections are kept alive per worker thread and per origin; each round trip says whether it
reused a connection (and then carries the facts recorded when that connection was opened).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from app import __version__
from app.core.jobs import CancelToken

USER_AGENT = f"Proofshot/{__version__} (evidence capture; prompt campaign)"
CHUNK = 256 * 1024


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    reason: str
    http_version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    truncated: bool = False
    """True when reading stopped at the size limit: ``body`` holds only the first bytes."""
    declared_length: int | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


@dataclass(frozen=True)
class ConnectionFacts:
    """What is known about the connection from its own socket, recorded when it was opened."""

    scheme: str
    host: str
    port: int
    remote_ip: str | None
    remote_port: int | None
    local_port: int | None
    resolved: tuple[str, ...]
    connected_at: str
    connect_ms: float
    tls: dict[str, Any] | None
    proxy: str | None = None
    """Always None: the client never uses a proxy (it reads no proxy settings)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "host": self.host,
            "port": self.port,
            "remote_ip": self.remote_ip,
            "remote_port": self.remote_port,
            "local_port": self.local_port,
            "dns_answers": list(self.resolved),
            "connected_at": self.connected_at,
            "connect_ms": round(self.connect_ms, 3),
            "tls": self.tls,
            "proxy": self.proxy,
        }


@dataclass
class RoundTrip:
    """One request and what came back (or why nothing did)."""

    request: HttpRequest
    started_at: str
    ended_at: str = ""
    response: HttpResponse | None = None
    connection: ConnectionFacts | None = None
    reused_connection: bool = False
    wait_ms: float | None = None
    """From the last request byte sent to the status line received (server think time)."""
    total_ms: float = 0.0
    error: str | None = None
    error_kind: str | None = None
    """``timeout``, ``connection``, ``unreachable``, ``tls``, ``protocol``, ``oversize`` or
    ``refused-url``."""
    stale_connection: bool = False
    """The server had closed a kept-alive connection before answering: safe to resend at once."""

    @property
    def ok(self) -> bool:
        return self.response is not None and self.error is None


def tls_facts(sock: ssl.SSLSocket, server_hostname: str) -> dict[str, Any]:
    """Protocol, cipher and the peer certificate, read from the connection's own socket."""
    cipher = sock.cipher()
    facts: dict[str, Any] = {
        "protocol": sock.version(),
        "cipher": cipher[0] if cipher else None,
        "cipher_bits": cipher[2] if cipher else None,
        "server_name_indication": server_hostname,
        "certificate": None,
    }
    der = sock.getpeercert(binary_form=True)
    if der:
        facts["certificate"] = certificate_facts(der)
    return facts


def certificate_facts(der: bytes) -> dict[str, Any]:
    cert = x509.load_der_x509_certificate(der)
    sans: list[str] = []
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans += [f"DNS:{n}" for n in ext.get_values_for_type(x509.DNSName)]
        sans += [f"IP:{n}" for n in ext.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "serial": format(cert.serial_number, "x"),
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "subject_alt_names": sans,
        "sha256_fingerprint": cert.fingerprint(hashes.SHA256()).hex(),
        "der_sha256": hashlib.sha256(der).hexdigest(),
    }


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def sleep_unless_cancelled(seconds: float, cancel: CancelToken | None) -> bool:
    """Sleep; returns False as soon as ``cancel`` is set (within 50 ms)."""
    end = time.monotonic() + max(0.0, seconds)
    while True:
        if cancel is not None and cancel.cancelled:
            return False
        left = end - time.monotonic()
        if left <= 0:
            return True
        time.sleep(min(left, 0.05))


class RateLimiter:
    """Spaces requests at most ``per_second`` apart across all workers; 0 means no limit.

    A ``Retry-After`` from the server holds every worker back, not only the one that got it:
    the platform asked the client, not one thread, to slow down.
    """

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._next = 0.0
        self._hold_until = 0.0
        self._lock = threading.Lock()

    def hold_off(self, seconds: float) -> None:
        with self._lock:
            self._hold_until = max(self._hold_until, self._clock() + seconds)

    def acquire(self, cancel: CancelToken | None = None) -> bool:
        """Wait for this request's slot; False if cancelled while waiting."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next, self._hold_until)
            self._next = slot + self.interval
        return sleep_unless_cancelled(slot - now, cancel)


@dataclass
class _Pooled:
    conn: http.client.HTTPConnection
    facts: ConnectionFacts


@dataclass
class ClientSettings:
    timeout: float = 120.0
    """Seconds any single connect, send or read may stall."""
    deadline: float = 600.0
    """Seconds a whole round trip may take, however slowly bytes trickle in."""
    max_response_bytes: int = 64 * 1024 * 1024
    ca_file: str | None = None
    """Extra trusted roots (a corporate TLS proxy, a test server); the system's stay trusted."""
    user_agent: str = USER_AGENT
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "timeout_s": self.timeout,
            "deadline_s": self.deadline,
            "max_response_bytes": self.max_response_bytes,
            "extra_ca_file": self.ca_file,
            "user_agent": self.user_agent,
            "proxy": None,
            "redirects_followed_automatically": False,
        }


_STALE_ERRORS = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class HttpClient:
    """Thread-safe: each worker thread keeps its own kept-alive connections."""

    def __init__(self, settings: ClientSettings | None = None) -> None:
        self.settings = settings or ClientSettings()
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._all_lock = threading.Lock()
        self._ssl: ssl.SSLContext | None = None

    # -- connections ------------------------------------------------------------------------

    def _context(self) -> ssl.SSLContext:
        if self._ssl is None:
            ctx = ssl.create_default_context()
            if self.settings.ca_file:
                ctx.load_verify_locations(cafile=self.settings.ca_file)
            self._ssl = ctx
        return self._ssl

    def _pool(self) -> dict[tuple[str, str, int], _Pooled]:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        return pool

    def _open(self, scheme: str, host: str, port: int, timeout: float) -> _Pooled:
        try:
            resolved = tuple(
                sorted(
                    {str(a[4][0]) for a in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
                )
            )
        except OSError:
            resolved = ()
        connected_at = utc_now()
        t0 = time.perf_counter()
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=self._context())
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        conn.connect()
        connect_ms = (time.perf_counter() - t0) * 1000
        sock = conn.sock
        peer = sock.getpeername() if sock is not None else None
        local = sock.getsockname() if sock is not None else None
        tls = tls_facts(sock, host) if isinstance(sock, ssl.SSLSocket) else None
        facts = ConnectionFacts(
            scheme,
            host,
            port,
            str(peer[0]) if peer else None,
            int(peer[1]) if peer else None,
            int(local[1]) if local else None,
            resolved,
            connected_at,
            connect_ms,
            tls,
        )
        with self._all_lock:
            self._all.append(conn)
        return _Pooled(conn, facts)

    def _drop(self, key: tuple[str, str, int]) -> None:
        pooled = self._pool().pop(key, None)
        if pooled is not None:
            pooled.conn.close()

    def close(self) -> None:
        """Close every connection of every thread (call once the workers have stopped)."""
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()

    # -- one round trip ---------------------------------------------------------------------

    def send(
        self,
        request: HttpRequest,
        *,
        timeout: float | None = None,
        max_bytes: int | None = None,
    ) -> RoundTrip:
        """Send ``request`` and read the answer; network failures are returned, not raised."""
        timeout = self.settings.timeout if timeout is None else timeout
        limit = self.settings.max_response_bytes if max_bytes is None else max_bytes
        trip = RoundTrip(request, utc_now())
        t0 = time.perf_counter()
        try:
            self._exchange(trip, timeout, limit, t0)
        finally:
            trip.total_ms = (time.perf_counter() - t0) * 1000
            trip.ended_at = utc_now()
        return trip

    def _exchange(self, trip: RoundTrip, timeout: float, limit: int, t0: float) -> None:
        request = trip.request
        target = _target(trip)
        if target is None:
            return
        scheme, host, port, path = target
        key = (scheme, host, port)
        parts = urlsplit(request.url)
        request = trip.request = self._wire_request(request, parts.netloc.rsplit("@", 1)[-1])
        pool = self._pool()
        pooled = pool.get(key)
        trip.reused_connection = pooled is not None
        try:
            if pooled is None:
                pooled = pool[key] = self._open(scheme, host, port, timeout)
            trip.connection = pooled.facts
            conn = pooled.conn
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
            conn.putrequest(request.method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers:
                conn.putheader(name, value)
            conn.endheaders(request.body)
            sent = time.perf_counter()
            response = conn.getresponse()
            trip.wait_ms = (time.perf_counter() - sent) * 1000
            body, truncated = self._read(response, limit, t0)
            trip.response = _http_response(response, body, truncated)
            if _answer_problem(trip, limit) or response.will_close:
                self._drop(key)
        except (_DeadlineExceeded, http.client.HTTPException, OSError) as exc:
            # OSError covers timeouts, TLS failures, reset and refused connections.
            trip.error, trip.error_kind = _failure(trip, exc, timeout, host, port)
            self._drop(key)

    def _wire_request(self, request: HttpRequest, host: str) -> HttpRequest:
        """The request with every header that goes on the wire, so the record shows them all."""
        names = {k.lower() for k, _ in request.headers}
        headers: list[tuple[str, str]] = [("Host", host)]
        if "user-agent" not in names:
            headers.append(("User-Agent", self.settings.user_agent))
        headers.extend(request.headers)
        if "accept-encoding" not in names:
            headers.append(("Accept-Encoding", "identity"))
        if request.body is not None:
            headers.append(("Content-Length", str(len(request.body))))
        return HttpRequest(request.method, request.url, tuple(headers), request.body)

    def _read(
        self, response: http.client.HTTPResponse, limit: int, t0: float
    ) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        deadline = t0 + self.settings.deadline
        while True:
            # read(n), not read1(n): it closes the response at its end, which frees the
            # kept-alive connection for the next request.
            chunk = response.read(CHUNK)
            if not chunk:
                return b"".join(chunks), False
            size += len(chunk)
            if size > limit:
                chunks.append(chunk[: len(chunk) - (size - limit)])
                return b"".join(chunks), True
            chunks.append(chunk)
            if time.perf_counter() > deadline:
                raise _DeadlineExceeded(
                    f"The answer took longer than {self.settings.deadline:g} s to arrive; reading stopped."
                )


class _DeadlineExceeded(Exception):
    pass


def _target(trip: RoundTrip) -> tuple[str, str, int, str] | None:
    """(scheme, host, port, path) of the request's URL, or None with the trip's error set."""
    url = trip.request.url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        trip.error = f"The URL {url!r} is not an http(s) address; it was not fetched."
        trip.error_kind = "refused-url"
        return None
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        trip.error, trip.error_kind = (f"The URL {url!r} has a bad port.", "refused-url")
        return None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port, path


def _http_response(
    response: http.client.HTTPResponse, body: bytes, truncated: bool
) -> HttpResponse:
    """The answer as recorded: status line, every header, the body read."""
    headers = tuple((k, v) for k, v in response.getheaders())
    version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.version, str(response.version))
    declared = response.getheader("Content-Length")
    return HttpResponse(
        response.status,
        response.reason,
        version,
        headers,
        body,
        truncated,
        int(declared) if declared and declared.isdigit() else None,
    )


def _answer_problem(trip: RoundTrip, limit: int) -> bool:
    """Set the trip's error for an answer cut short (too large, or fewer bytes than announced).

    True when there was one: the connection must then not be reused.
    """
    answer = trip.response
    assert answer is not None
    if answer.truncated:
        trip.error = f"The answer is larger than {limit} bytes; reading stopped there."
        trip.error_kind = "oversize"
        return True
    if answer.declared_length not in (None, len(answer.body)):
        trip.error = (
            f"The connection closed after {len(answer.body)} of the {answer.declared_length} "
            "bytes the server announced."
        )
        trip.error_kind = "protocol"
        return True
    return False


def _failure(
    trip: RoundTrip, exc: BaseException, timeout: float, host: str, port: int
) -> tuple[str, str]:
    """(error, kind) for a request that raised; the order of the checks matters (subclasses)."""
    if isinstance(exc, TimeoutError):
        return f"No answer within {timeout:g} s (timed out).", "timeout"
    if isinstance(exc, _DeadlineExceeded):
        return str(exc), "timeout"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {getattr(exc, 'reason', None) or exc}.", "tls"
    if isinstance(exc, _STALE_ERRORS):
        trip.stale_connection = trip.reused_connection and trip.response is None
        return f"The connection was closed by the server ({type(exc).__name__}).", "connection"
    if isinstance(exc, http.client.HTTPException):
        return (
            f"The server's answer broke the HTTP protocol ({type(exc).__name__}: {exc}).",
            "protocol",
        )
    # No connection at all (refused, no route, no DNS answer) is "unreachable"; a
    # connection that failed later is a per-request "connection" failure.
    assert isinstance(exc, OSError)
    return (
        f"Could not reach {host}:{port} ({exc.strerror or exc}).",
        "unreachable" if trip.connection is None else "connection",
    )
