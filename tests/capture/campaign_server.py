"""A local OpenAI-compatible images API for campaign tests, on 127.0.0.1, misbehaving on cue.

``POST /v1/images/generations`` answers like the OpenAI images API (``data[*].b64_json`` or
``data[*].url``, chosen by the request's ``response_format``; b64 by default) and checks the
``Authorization: Bearer`` key. A generic job API sits beside it for the polling profile:
``POST /jobs`` answers ``{"job_id", "status": "queued"}`` and ``GET /jobs/<id>`` says
``running`` a few times before ``done`` with the images.

What each request gets is scripted per prompt with :meth:`CampaignServer.plan` (a queue of
actions consumed in order, then :attr:`default_action`):

``ok``            200 with the images
``url``           200 with URL answers whatever was asked
``url-404``       200 with a URL that answers 404
``url-redirect``  200 with a URL that redirects (302) to the image
``429:S``         429 with ``Retry-After: S``
``500`` / ``503`` that status with a JSON error (503 carries ``Retry-After: 0``)
``hang:S``        wait S seconds before answering (longer than the client's timeout)
``close``         close the connection without answering
``malformed``     200 with truncated JSON
``oversize:N``    200 with a JSON answer of about N bytes
``not-image``     200 whose ``b64_json`` decodes to text
``empty``         200 with ``data: []``
``400``           400 with a JSON error (content policy)
``echo-key``      401 whose error message repeats the key it was sent
``echo-key-ok``   200 whose revised prompt and request id repeat the key
``leak``          200 with ``Set-Cookie`` (:attr:`CampaignServer.cookie`) whose body repeats the
                  key JSON-escaped with ``\\/`` and ``\\uXXXX``, URL-encoded, and in base64
                  (standard, urlsafe unpadded, inside a longer base64 string)
``signed-url``    200 with a URL answer signed like a cloud blob (``sig=`` the cookie value)

Images: a prompt containing a registered word (:meth:`add_match`) gets a transformed copy of
that original (a different transform and seed each time, as a generator varies its output);
any other prompt gets a small unrelated synthetic picture, or random noise in ``noise`` mode
(cheap, for the benchmark). Every answer is unique, so no two tries return the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import ipaddress
import json
import secrets
import socket
import ssl
import struct
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import numpy as np
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image

from app.compare.synthetic import make_original, to_png_bytes, transformed
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes

REPO = Path(__file__).resolve().parents[2]
DEMO_ORIGINALS = REPO / "resources" / "demo" / "originals"
MATCH_TRANSFORMS = ("crop", "scale", "jpeg", "text", "mirror", "rotate")


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    prompt: str | None

    def header(self, name: str) -> str | None:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None


@dataclass
class _Job:
    prompt: str
    polls_left: int
    fmt: str


def make_tls_files(workdir: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost, made now (no keys in the repo)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Campaign Test Platform"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Proofshot Tests"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    workdir.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = workdir / "server.pem", workdir / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    # -- plumbing ---------------------------------------------------------------------------

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), headers=headers)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._json(status, {"error": {"message": message, "type": "test_error"}}, headers)

    # -- routes -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        owner = self.server.owner
        owner._record(self, b"", None)
        path = self.path.split("?")[0]
        if path.startswith("/images/"):
            data = owner._stored.get(path.rsplit("/", 1)[-1])
            if data is None:
                self._error(404, "no such image")
            else:
                self._send(200, data, "image/png")
        elif path.startswith("/redirect/"):
            self._send(302, b"", "text/plain", {"Location": "/images/" + path.rsplit("/", 1)[-1]})
        elif path.startswith("/jobs/"):
            self._poll(path.rsplit("/", 1)[-1])
        else:
            self._error(404, "not found")

    def do_POST(self) -> None:
        owner = self.server.owner
        body = self._body()
        try:
            request = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            owner._record(self, body, None)
            self._error(400, "the body is not JSON")
            return
        prompt = request.get("prompt") if isinstance(request, dict) else None
        owner._record(self, body, prompt)
        path = self.path.split("?")[0]
        if path == "/jobs":
            self._new_job(request)
            return
        if path != "/v1/images/generations":
            self._error(404, "not found")
            return
        if owner.api_key and self.headers.get("Authorization") != f"Bearer {owner.api_key}":
            self._error(401, "Incorrect API key provided.", {"WWW-Authenticate": "Bearer"})
            return
        if not isinstance(prompt, str):
            self._error(400, "prompt is required")
            return
        action = owner._next_action(prompt)
        if owner.delay:
            time.sleep(owner.delay)
        self._act(action, prompt, request)

    def _act(self, action: str, prompt: str, request: dict[str, Any]) -> None:
        owner = self.server.owner
        fmt = "url" if request.get("response_format") == "url" else "b64_json"
        kind, _, arg = action.partition(":")
        n = int(request.get("n", 1))
        if kind == "ok":
            self._images(prompt, n, fmt)
        elif kind == "url":
            self._images(prompt, n, "url")
        elif kind == "url-404":
            self._json(200, {"created": int(time.time()), "data": [{"url": "/images/missing.png"}]})
        elif kind == "url-redirect":
            name = owner._store(owner.image_for(prompt))
            self._json(200, {"created": int(time.time()), "data": [{"url": f"/redirect/{name}"}]})
        elif kind == "429":
            self._error(429, "Rate limit reached; slow down.", {"Retry-After": arg or "1"})
        elif kind in ("500", "503"):
            headers = {"Retry-After": "0"} if kind == "503" else None
            self._error(
                int(kind), "The server had an error while processing your request.", headers
            )
        elif kind == "400":
            self._error(400, "Your request was rejected by the safety system.")
        elif kind == "hang":
            owner._release.wait(float(arg or 30))
            self._images(prompt, n, fmt)
        elif kind == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif kind == "malformed":
            self._send(200, b'{"created": 1, "data": [{"b64_json": "iVBORw0KGgo')
        elif kind == "oversize":
            pad = "A" * int(arg or 2_000_000)
            self._json(200, {"created": 1, "data": [{"b64_json": pad}]})
        elif kind == "not-image":
            text = base64.b64encode(b"this is not a picture, only words").decode()
            self._json(200, {"created": 1, "data": [{"b64_json": text}]})
        elif kind == "empty":
            self._json(200, {"created": 1, "data": []})
        elif kind == "echo-key-ok":
            png = base64.b64encode(owner.image_for(prompt)).decode()
            sent = self.headers.get("Authorization", "").removeprefix("Bearer ")
            item = {"b64_json": png, "revised_prompt": f"{prompt} (asked with key {sent})"}
            self._json(200, {"created": 1, "data": [item]}, {"x-request-id": f"req-{sent}"})
        elif kind == "leak":
            self._leak(prompt)
        elif kind == "signed-url":
            name = owner._store(owner.image_for(prompt))
            url = f"/images/{name}?se=2030-01-01&sig={owner.cookie}"
            self._json(200, {"created": int(time.time()), "data": [{"url": url}]})
        elif kind == "echo-key":
            sent = self.headers.get("Authorization", "")
            self._error(401, f"Incorrect API key provided: {sent.removeprefix('Bearer ')}.")
        else:  # pragma: no cover - a typo in a test
            self._error(500, f"unknown test action {action!r}")

    def _leak(self, prompt: str) -> None:
        owner = self.server.owner
        png = base64.b64encode(owner.image_for(prompt)).decode()
        sent = self.headers.get("Authorization", "").removeprefix("Bearer ")
        raw = sent.encode()
        fields = {
            "echo_slash": sent.replace("/", "\\/"),
            "echo_unicode": "".join(f"\\u{ord(c):04x}" for c in sent),
            "b64": base64.b64encode(raw).decode(),
            "b64url": base64.urlsafe_b64encode(raw).decode().rstrip("="),
            "blob": base64.b64encode(b"x" + raw + b"yz").decode(),
            "link": "https://cdn.invalid/x.png?api_key=" + quote(sent, safe=""),
            "session": owner.cookie,
        }
        # Written by hand: json.dumps would not escape "/" (servers in PHP and Java do).
        text = '{"created": 1, "data": [{"b64_json": "' + png + '"}]'
        text += "".join(f', "{k}": "{v}"' for k, v in fields.items()) + "}"
        cookie = f"session={owner.cookie}; HttpOnly; Path=/"
        self._send(200, text.encode(), headers={"Set-Cookie": cookie})

    def _images(self, prompt: str, n: int, fmt: str) -> None:
        owner = self.server.owner
        data = []
        for _ in range(n):
            png = owner.image_for(prompt)
            if fmt == "url":
                data.append({"url": f"{owner.url}/images/{owner._store(png)}"})
            else:
                data.append({"b64_json": base64.b64encode(png).decode(), "revised_prompt": prompt})
        job = "req_" + secrets.token_hex(6)
        self._json(200, {"created": int(time.time()), "data": data}, {"x-request-id": job})

    def _new_job(self, request: dict[str, Any]) -> None:
        owner = self.server.owner
        if owner.api_key and self.headers.get("X-Api-Key") != owner.api_key:
            self._error(401, "bad key")
            return
        job_id = "job_" + secrets.token_hex(6)
        fmt = str(request.get("format", "b64"))
        owner._jobs[job_id] = _Job(str(request.get("prompt", "")), owner.polls_before_done, fmt)
        self._json(202, {"job_id": job_id, "status": "queued"})

    def _poll(self, job_id: str) -> None:
        owner = self.server.owner
        job = owner._jobs.get(job_id)
        if job is None:
            self._error(404, "no such job")
            return
        if job.polls_left > 0:
            job.polls_left -= 1
            self._json(200, {"job_id": job_id, "status": "running"})
            return
        png = owner.image_for(job.prompt)
        if job.fmt == "url":
            result = {"url": f"/images/{owner._store(png)}"}
        else:
            result = {"b64": base64.b64encode(png).decode()}
        self._json(200, {"job_id": job_id, "status": "done", "result": {"images": [result]}})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: CampaignServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out leave rudely, on purpose


@dataclass
class CampaignServer:
    api_key: str = "sk-test-" + "0" * 8
    tls_dir: Path | None = None
    """When set, serve HTTPS with a certificate made in this folder (``ca_file`` trusts it)."""
    image_mode: str = "synthetic"
    """``synthetic`` (small unrelated drawings) or ``noise`` (random pixels, cheapest)."""
    image_side: int = 192
    default_action: str = "ok"
    delay: float = 0.0
    polls_before_done: int = 2
    received: list[Received] = field(default_factory=list)
    _plans: dict[str, deque[str]] = field(default_factory=dict)
    _matches: list[tuple[str, Image.Image]] = field(default_factory=list)
    _stored: dict[str, bytes] = field(default_factory=dict)
    _jobs: dict[str, _Job] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _counter: int = 0
    _per_prompt: dict[str, int] = field(default_factory=dict)
    _noise: dict[int, bytes] = field(default_factory=dict)
    _httpd: _Server | None = None
    _thread: threading.Thread | None = None
    _release: threading.Event = field(default_factory=threading.Event)
    ca_file: Path | None = None
    cookie: str = field(default_factory=lambda: "campaigncookie" + secrets.token_hex(12))

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> CampaignServer:
        self._release.clear()
        self._httpd = _Server(self)
        if self.tls_dir is not None:
            cert, key = make_tls_files(self.tls_dir)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            self._httpd.socket = ctx.wrap_socket(self._httpd.socket, server_side=True)
            self.ca_file = cert
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="campaign-test-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> CampaignServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what tests set and read ------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._httpd is not None
        scheme = "https" if self.tls_dir is not None else "http"
        return f"{scheme}://127.0.0.1:{self._httpd.server_address[1]}"

    def plan(self, prompt: str, *actions: str) -> None:
        with self._lock:
            self._plans.setdefault(prompt, deque()).extend(actions)

    def add_match(self, word: str, original: Path, side: int = 384) -> None:
        """Prompts containing ``word`` get transformed copies of ``original``."""
        image = Image.open(original).convert("RGB")
        image = image.resize((side, side), Image.Resampling.LANCZOS)
        self._matches.append((word, image))

    def add_demo_matches(self) -> None:
        self.add_match("星光侠", DEMO_ORIGINALS / "starlume_front.png")
        self.add_match("Starlume flying", DEMO_ORIGINALS / "starlume_flying.png")

    def generation_requests(self, prompt: str | None = None) -> list[Received]:
        with self._lock:
            return [
                r
                for r in self.received
                if r.method == "POST" and (prompt is None or r.prompt == prompt)
            ]

    # -- internals --------------------------------------------------------------------------

    def _record(self, handler: _Handler, body: bytes, prompt: str | None) -> None:
        with self._lock:
            self.received.append(
                Received(
                    handler.command,
                    handler.path,
                    dict(handler.headers.items()),
                    body,
                    time.monotonic(),
                    prompt,
                )
            )

    def _next_action(self, prompt: str) -> str:
        with self._lock:
            queue = self._plans.get(prompt)
            return queue.popleft() if queue else self.default_action

    def _store(self, png: bytes) -> str:
        name = secrets.token_hex(8) + ".png"
        with self._lock:
            self._stored[name] = png
        return name

    def _next_number(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def image_for(self, prompt: str) -> bytes:
        number = self._next_number()
        for word, original in self._matches:
            if word in prompt:
                # Per prompt, the k-th answer is always the same transform and seed, so a
                # test's outputs do not depend on the order concurrent tries arrive in.
                with self._lock:
                    k = self._per_prompt[prompt] = self._per_prompt.get(prompt, 0) + 1
                name = MATCH_TRANSFORMS[k % len(MATCH_TRANSFORMS)]
                return to_png_bytes(transformed(original, name, k))
        side = self.image_side
        if self.image_mode == "noise":
            return _unique_png(self._noise_pool(number % NOISE_POOL), number)
        return to_png_bytes(make_original(10_000 + number, side))

    def _noise_pool(self, slot: int) -> bytes:
        """Random-pixel PNGs drawn once; each answer is made unique by a text chunk."""
        with self._lock:
            cached = self._noise.get(slot)
        if cached is None:
            rng = np.random.default_rng(slot)
            pixels = rng.integers(
                0, 256, size=(self.image_side, self.image_side, 3), dtype=np.uint8
            )
            buffer = io.BytesIO()
            Image.fromarray(pixels, "RGB").save(buffer, "PNG", compress_level=1)
            cached = buffer.getvalue()
            with self._lock:
                self._noise[slot] = cached
        return cached


NOISE_POOL = 16


def _unique_png(png: bytes, number: int) -> bytes:
    """Insert a ``tEXt`` chunk before IEND: a distinct, valid PNG at almost no cost."""
    data = b"Comment\x00answer " + str(number).encode()
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF)
    return png[:-12] + chunk + png[-12:]


# -- helpers shared by the campaign tests ---------------------------------------------------------


def add_work(case: Case, path: Path, title: str, registration: str = "") -> int:
    """Put an original work in a case the way the works library does: an item and a row."""
    item = add_bytes(
        case,
        path.read_bytes(),
        Acquisition(kind="original-work", method="file-import", source=str(path)),
    )
    with case.transaction():
        work_id = case.next_id("works")
        case.log(
            "work.added",
            item_id=item.item_id,
            facts={"work_id": work_id},
            records={
                "works": [
                    {
                        "id": work_id,
                        "item_id": item.item_id,
                        "title": title,
                        "owner": "Lumina Studio Ltd. (invented)",
                        "registration": registration,
                        "registration_date": "2023-02-14",
                        "facts": "{}",
                        "supersedes": None,
                    }
                ]
            },
        )
    return work_id


def add_demo_works(case: Case) -> dict[str, int]:
    """The four demo originals as works; returns work ids by file stem."""
    works = json.loads((DEMO_ORIGINALS / "works.json").read_text("utf-8"))["works"]
    return {
        Path(w["file"]).stem: add_work(
            case, DEMO_ORIGINALS.parent / w["file"], w["title"], w["registration_number"]
        )
        for w in works
    }
