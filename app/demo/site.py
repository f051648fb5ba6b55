"""Lumagen (demo): a small text-to-image site on 127.0.0.1 for Proofshot's demo and tests.

Why this exists: capture code must be exercised against a real HTTP server that behaves
like an AI platform -- a prompt page whose script posts JSON and shows the returned images,
an OpenAI-compatible images API, a Gradio-shaped API -- and against the ways real sites
misbehave (hanging, dropped, huge, slow, malformed, pop-ups, downloads, redirects). The
site uses only the standard library's ``http.server`` and binds to the loopback address
only, so tests never touch the network.

Use in-process::

    with DemoSite(port=0) as site:
        page = urllib.request.urlopen(site.url + "/").read()

or from the command line with :func:`serve_forever` / :func:`main`.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import http.server
import io
import json
import secrets
import select
import signal
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image

from app.demo import SITE_NAME, art, metadata

HOST = "127.0.0.1"
MAX_BODY_BYTES = 1_000_000
"""Largest request body accepted; larger ones get 413 without being read."""

MAX_IMAGES_PER_REQUEST = 4
DEFAULT_SIZE = (768, 768)
ALLOWED_SIDES = (256, 512, 768, 1024)
HUGE_PNG_SIDE = 12000
"""Side of ``/huge.png``: 144 megapixels, past Pillow's decompression-bomb warning."""
MAX_HUGE_PNG_SIDE = 30000
MAX_SLOW_MS = 60_000
JOB_CACHE_SIZE = 256
STATIC_DIR = Path(__file__).with_name("static")
PRODUCER = "Lumagen Demo Platform (invented)"

_PAGES: dict[str, str] = {
    "/": "index.html",
    "/index.html": "index.html",
    "/gradio": "gradio.html",
    "/terms": "terms.html",
    "/ai-label": "ai-label.html",
    "/complaint": "complaint.html",
}
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
}
BEHAVIOURS = ("before-notice", "after-notice")
"""How the demo platform behaves on its duties (switch with :meth:`DemoSite.set_behaviour`).

``before-notice``: prompts naming "Starlume hero" are refused, other prompts naming the demo
work (星光侠, Starlume) are not; odd-numbered outputs of a job (the 2nd, 4th) carry neither the visible
"AI生成" badge nor the implicit metadata label. ``after-notice``: both names are refused and
every output is labelled, visibly and in its metadata -- the change a notice should bring.
"""
REFUSED_KEYWORDS: dict[str, tuple[str, ...]] = {
    "before-notice": ("starlume hero",),
    "after-notice": ("starlume", "星光侠"),
}
REFUSAL_MESSAGE = (
    "该提示词可能涉及他人知识产权，已拒绝生成。"
    "This prompt was refused: it may infringe the rights of others (content policy)."
)
VISIBLE_AI_LABEL = "AI生成 · AI-generated"

_TRENDING: dict[str, tuple[str, int]] = {
    "trending-1": ("生成星光侠", 1101),
    "trending-2": ("Starlume flying over the city", 2202),
    "trending-3": ("a mountain lake at dawn", 3303),
}

_POPUP_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Popup opener</title></head>
<body><h1>Popup opener</h1>
<button id="open-popup" type="button" onclick="window.open('/popup-target', 'lumagen_popup')">
Open popup</button>
<script>window.open('/popup-target', 'lumagen_popup', 'width=480,height=360');</script>
</body></html>"""

_POPUP_TARGET_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Popup window</title></head>
<body><h1 id="popup-marker">This page was opened with window.open</h1></body></html>"""

_LEAKY_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Leaky page</title></head>
<body><h1>A page that sends credentials every way it can</h1><div id="out"></div>
<script>
fetch('/api/leaky-config').then(function (r) { return r.json(); }).then(function (c) {
  var img = document.createElement('img');
  img.id = 'leaky-img';
  img.src = '/leaky.png?api_key=' + encodeURIComponent(c.api_key) +
    '&X-Amz-Signature=' + encodeURIComponent(c.amz_signature);
  document.getElementById('out').appendChild(img);
  return fetch('/api/leaky?api_key=' + encodeURIComponent(c.api_key), {
    method: 'POST',
    headers: {'Content-Type': 'application/json',
              'Ocp-Apim-Subscription-Key': c.subscription_key,
              'X-Goog-Api-Key': c.goog_api_key},
    body: JSON.stringify({prompt: 'a lighthouse at night', sid: c.sid, auth: c.auth})});
}).then(function (r) { return r.json(); }).then(function (d) {
  var p = document.createElement('p');
  p.id = 'leaky-done';
  p.textContent = d.ok ? 'sent' : 'failed';
  document.getElementById('out').appendChild(p);
});
</script></body></html>"""

_NAVIGATE_AWAY_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Leaving soon</title></head>
<body><h1 id="leaving">This page goes to /terms after 500 ms</h1>
<script>setTimeout(function () { window.location.href = '/terms'; }, 500);</script>
</body></html>"""


@dataclass
class Job:
    """One generation request: its inputs and, once drawn, each image's PNG bytes."""

    job_id: str
    prompt: str
    negative: str
    seeds: list[int]
    size: tuple[int, int]
    created: float
    images: dict[int, bytes] = field(default_factory=dict)
    labelled: list[bool] = field(default_factory=list)
    """Per output: whether it carries the AI labels (visible badge and metadata); empty = all."""

    def is_labelled(self, index: int) -> bool:
        return self.labelled[index] if index < len(self.labelled) else True


@dataclass(frozen=True)
class RequestRecord:
    """One request the site answered, for tests that check what a capture really asked."""

    method: str
    path: str
    status: int
    time: float


class _JobStore:
    """Jobs by id, bounded; images drawn on first request and then served byte-identical."""

    def __init__(self, capacity: int = JOB_CACHE_SIZE) -> None:
        self._jobs: collections.OrderedDict[str, Job] = collections.OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()
        self._render_lock = threading.Lock()

    def add(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > self._capacity:
                self._jobs.popitem(last=False)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def png(self, job: Job, index: int) -> bytes:
        with self._render_lock:
            cached = job.images.get(index)
            if cached is None:
                cached = render_generation_png(
                    job.prompt,
                    job.negative,
                    job.seeds[index],
                    job.size,
                    job.job_id,
                    index,
                    labelled=job.is_labelled(index),
                )
                job.images[index] = cached
            return cached


def render_generation_png(
    prompt: str,
    negative: str,
    seed: int,
    size: tuple[int, int] = DEFAULT_SIZE,
    job_id: str = "",
    index: int = 0,
    *,
    labelled: bool = True,
) -> bytes:
    """PNG bytes of one demo generation, carrying A1111 parameters and an AIGC XMP label.

    ``labelled=False`` leaves the implicit label out (no XMP: no TC260 AIGC, no IPTC
    DigitalSourceType), as a platform that does not label every output would.
    """
    img = art.draw_generation(prompt, seed, size)
    params = art.a1111_parameters(prompt, negative, seed, size=size)
    if not labelled:
        return metadata.png_bytes(img, text={"parameters": params})
    label = metadata.tc260_label(PRODUCER, job_id or f"seed-{seed}", PRODUCER, f"{job_id}/{index}")
    xmp = metadata.xmp_packet(creator_tool=f"{SITE_NAME} {art.DEFAULT_MODEL}", tc260_json=label)
    return metadata.png_bytes(img, text={"parameters": params}, xmp=xmp)


def huge_png(side: int = HUGE_PNG_SIDE) -> bytes:
    """A valid 1-bit greyscale PNG of side x side pixels that compresses to a few kilobytes.

    It decodes to far more pixels than any real output, the shape of a decompression bomb,
    without making the server hold the raw image: rows are compressed as they are made.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\xff" * ((side + 7) // 8)  # filter 0, white pixels
    comp = zlib.compressobj(9)
    parts = []
    block = row * 256
    full, rest = divmod(side, 256)
    for _ in range(full):
        parts.append(comp.compress(block))
    parts.append(comp.compress(row * rest))
    parts.append(comp.flush())
    idat = b"".join(parts)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


class _BadRequest(Exception):
    """A client error to answer with ``status`` and a JSON body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, site: DemoSite, port: int) -> None:
        self.site = site
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: clients of the hostile routes disconnect rudely on purpose."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "Lumagen-demo/1.0"
    sys_version = ""
    timeout = 30

    # ------------------------------------------------------------ plumbing

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are recorded in :attr:`DemoSite.requests`, not printed."""

    def _record(self, status: int) -> None:
        self.server.site._record(RequestRecord(self.command, self.path, status, time.time()))

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self._record(status)  # before the body, so a client that has read it sees the record
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        extra = {"Cache-Control": "no-store", **(headers or {})}
        self._send(status, body, "application/json; charset=utf-8", extra)

    def _not_found(self) -> None:
        self._send(
            404, b"<!DOCTYPE html><title>404</title><h1>Not found</h1>", _CONTENT_TYPES[".html"]
        )

    def _read_json(self) -> Any:
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            self.close_connection = True
            raise _BadRequest(411, "Content-Length required")
        try:
            length = int(length_text)
        except ValueError:
            self.close_connection = True
            raise _BadRequest(400, "bad Content-Length") from None
        if length < 0:
            self.close_connection = True
            raise _BadRequest(400, "bad Content-Length")
        if length > MAX_BODY_BYTES:
            self.close_connection = True  # the body is not read; the connection can't be reused
            raise _BadRequest(413, f"request body larger than {MAX_BODY_BYTES} bytes")
        raw = self.rfile.read(length)
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _BadRequest(400, "body is not valid JSON") from None

    # ------------------------------------------------------------ dispatch

    def do_GET(self) -> None:
        self._dispatch(self._get)

    def do_HEAD(self) -> None:
        self._dispatch(self._get)

    def do_POST(self) -> None:
        self._dispatch(self._post)

    def _dispatch(self, route: Callable[[], None]) -> None:
        """Run a route; client errors become JSON answers, bugs a 500, lost clients nothing."""
        try:
            route()
        except _BadRequest as err:
            self._json(err.status, {"error": err.message})
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True
        except Exception as err:  # a bug in the demo must not look like a network fault
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._json(500, {"error": f"internal error: {type(err).__name__}"})

    def _get(self) -> None:
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        if path in _PAGES:
            self._static(_PAGES[path])
        elif path.startswith("/static/"):
            self._static(path[len("/static/") :])
        elif path.startswith("/images/"):
            self._image(path)
        elif path == "/favicon.ico":
            self._send(200, self.server.site._favicon(), "image/png")
        elif path == "/hang":
            self._hang()
        elif path == "/drop":
            self._drop()
        elif path == "/huge.png":
            side = _int_param(query, "side", HUGE_PNG_SIDE, 1, MAX_HUGE_PNG_SIDE)
            self._send(200, self.server.site._huge(side), "image/png")
        elif path == "/api/bad-json":
            self._bad_json()
        elif path == "/popup":
            self._send(200, _POPUP_HTML.encode(), _CONTENT_TYPES[".html"])
        elif path == "/popup-target":
            self._send(200, _POPUP_TARGET_HTML.encode(), _CONTENT_TYPES[".html"])
        elif path == "/leaky":
            cookie = f"sessionid={self.server.site.planted['cookie']}; HttpOnly; Path=/"
            self._send(200, _LEAKY_HTML.encode(), _CONTENT_TYPES[".html"], {"Set-Cookie": cookie})
        elif path == "/api/leaky-config":
            self._json(200, {k: v for k, v in self.server.site.planted.items() if k != "session"})
        elif path == "/leaky.png":
            self._send(200, self.server.site._favicon(), "image/png", {"Cache-Control": "no-store"})
        elif path == "/navigate-away":
            self._send(200, _NAVIGATE_AWAY_HTML.encode(), _CONTENT_TYPES[".html"])
        elif path == "/download":
            body = render_generation_png("生成星光侠", "", 4242, (512, 512), "download", 0)
            disposition = 'attachment; filename="lumagen-output.png"'
            self._send(200, body, "image/png", {"Content-Disposition": disposition})
        elif path == "/slow-image.png":
            ms = _int_param(query, "ms", 1000, 0, MAX_SLOW_MS)
            if self.server.stopping.wait(ms / 1000):
                self.close_connection = True
                return
            self._send(200, self.server.site._favicon(), "image/png", {"Cache-Control": "no-store"})
        else:  # includes /missing: anything not listed is not served
            self._not_found()

    def _post(self) -> None:
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        if path == "/api/generate":
            self._api_generate(b64=query.get("format", [""])[0] == "b64")
        elif path == "/demo/behaviour":
            self._read_json_or_ignore()
            try:
                self.server.site.set_behaviour(query.get("mode", [""])[0])
            except ValueError as err:
                raise _BadRequest(400, str(err)) from None
            self._json(200, {"behaviour": self.server.site.behaviour})
        elif path == "/v1/images/generations":
            self._openai_generate()
        elif path == "/gradio/api/predict":
            self._gradio_predict()
        elif path == "/api/bad-json":
            self._read_json_or_ignore()
            self._bad_json()
        elif path == "/api/leaky":
            self._read_json_or_ignore()
            planted = self.server.site.planted
            self._json(
                200,
                {
                    "ok": True,
                    "session": planted["session"],
                    "next": "/leaky.png?X-Amz-Signature=" + planted["amz_signature"],
                },
            )
        elif path == "/complaint":
            self._read_json_or_ignore()
            ref = "C-" + secrets.token_hex(4).upper()
            body = (
                "<!DOCTYPE html><meta charset='utf-8'><title>投诉已收到</title>"
                f"<h1 id='complaint-ref'>投诉已收到 Complaint received: {ref}</h1>"
            ).encode()
            self._send(200, body, _CONTENT_TYPES[".html"])
        else:
            self._read_json_or_ignore()
            self._not_found()

    def _read_json_or_ignore(self) -> None:
        """Drain a body we don't parse, so a kept-alive connection stays in step."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise _BadRequest(400, "bad Content-Length") from None
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise _BadRequest(413, f"request body larger than {MAX_BODY_BYTES} bytes")
        if length > 0:
            self.rfile.read(length)

    # ------------------------------------------------------------ pages and files

    def _static(self, name: str) -> None:
        data = self.server.site._static_files.get(name)
        if data is None:
            self._not_found()
            return
        ctype = _CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")
        self._send(200, data, ctype, {"Cache-Control": "no-cache"})

    def _image(self, path: str) -> None:
        parts = path.split("/")  # ['', 'images', job, 'N.png']
        if len(parts) != 4 or not parts[3].endswith(".png"):
            self._not_found()
            return
        job = self.server.site.jobs.get(parts[2])
        try:
            index = int(parts[3][: -len(".png")])
        except ValueError:
            index = -1
        if job is None or not 0 <= index < len(job.seeds):
            self._not_found()
            return
        body = self.server.site.jobs.png(job, index)
        self._send(
            200,
            body,
            "image/png",
            {"Cache-Control": "public, max-age=3600", "X-Job-Id": job.job_id},
        )

    # ------------------------------------------------------------ generation APIs

    def _api_generate(self, *, b64: bool) -> None:
        req = self._read_json()
        if not isinstance(req, dict):
            raise _BadRequest(400, "expected a JSON object")
        prompt = _prompt(req.get("prompt"))
        negative = _text(req.get("negative_prompt", ""), "negative_prompt")
        n = _count(req.get("n", 2))
        if self.server.site.refuses(prompt):
            self._json(
                400,
                {"error": REFUSAL_MESSAGE, "code": "content_policy_violation", "refused": True},
            )
            return
        job = self.server.site.new_job(prompt, negative, _seed(req.get("seed")), n, DEFAULT_SIZE)
        images: list[dict[str, Any]] = []
        for i, seed in enumerate(job.seeds):
            item: dict[str, Any] = {"seed": seed, "width": job.size[0], "height": job.size[1]}
            item["ai_label"] = VISIBLE_AI_LABEL if job.is_labelled(i) else None
            if b64:
                item["b64_json"] = base64.b64encode(self.server.site.jobs.png(job, i)).decode()
            else:
                item["url"] = f"/images/{job.job_id}/{i}.png"
            images.append(item)
        self._json(
            200,
            {
                "job_id": job.job_id,
                "created": int(job.created),
                "model": art.DEFAULT_MODEL,
                "prompt": prompt,
                "negative_prompt": negative,
                "images": images,
            },
        )

    def _openai_error(self, status: int, message: str, code: str | None, param: str | None) -> None:
        error = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        self._json(status, {"error": error}, headers)

    def _openai_generate(self) -> None:
        auth = self.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            self._read_json_or_ignore()
            self._openai_error(401, "Missing or invalid bearer token.", "invalid_api_key", None)
            return
        try:
            req = self._read_json()
            if not isinstance(req, dict):
                raise _BadRequest(400, "expected a JSON object")
            prompt = _prompt(req.get("prompt"))
            n = _count(req.get("n", 1))
            size = _size(req.get("size", "768x768"))
            fmt = req.get("response_format", "url")
            if fmt not in ("url", "b64_json"):
                raise _BadRequest(400, "response_format must be 'url' or 'b64_json'")
            negative = _text(req.get("negative_prompt", ""), "negative_prompt")
            seed = _seed(req.get("seed"))
        except _BadRequest as err:
            self._openai_error(err.status, err.message, None, None)
            return
        if self.server.site.refuses(prompt):
            self._openai_error(400, REFUSAL_MESSAGE, "content_policy_violation", "prompt")
            return
        job = self.server.site.new_job(prompt, negative, seed, n, size)
        data: list[dict[str, str]] = []
        for i in range(n):
            if fmt == "b64_json":
                png = self.server.site.jobs.png(job, i)
                data.append({"b64_json": base64.b64encode(png).decode(), "revised_prompt": prompt})
            else:
                url = f"{self.server.site.url}/images/{job.job_id}/{i}.png"
                data.append({"url": url, "revised_prompt": prompt})
        self._json(200, {"created": int(job.created), "data": data}, {"X-Job-Id": job.job_id})

    def _gradio_predict(self) -> None:
        started = time.monotonic()
        req = self._read_json()
        data = req.get("data") if isinstance(req, dict) else None
        if not isinstance(data, list) or not data:
            raise _BadRequest(422, "expected {'data': [prompt, negative, seed]}")
        prompt = _prompt(data[0])
        negative = _text(data[1] if len(data) > 1 else "", "negative")
        raw_seed = data[2] if len(data) > 2 else -1
        seed = None if raw_seed in (None, -1) else raw_seed
        if self.server.site.refuses(prompt):
            self._json(200, {"error": REFUSAL_MESSAGE, "refused": True, "data": None})
            return
        job = self.server.site.new_job(prompt, negative, _seed(seed), 2, DEFAULT_SIZE)
        urls = [f"/images/{job.job_id}/{i}.png" for i in range(len(job.seeds))]
        took = round(time.monotonic() - started, 4)
        self._json(
            200, {"data": urls, "is_generating": False, "duration": took, "average_duration": took}
        )

    # ------------------------------------------------------------ hostile routes

    def _hang(self) -> None:
        """Send headers and part of the body, then stall until the client leaves or we stop."""
        self.send_response(200)
        self.send_header("Content-Type", _CONTENT_TYPES[".html"])
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"<!DOCTYPE html><html><head><title>Hanging</title></head><body><p>")
        self.wfile.flush()
        self._record(200)
        self.close_connection = True
        while not self.server.stopping.wait(0.1):
            if _peer_closed(self.connection):
                break

    def _drop(self) -> None:
        """Promise a body, send part of it, then close the connection."""
        self.send_response(200)
        self.send_header("Content-Type", _CONTENT_TYPES[".html"])
        self.send_header("Content-Length", "10000")
        self.end_headers()
        self.wfile.write(b"<!DOCTYPE html><html><body><p>This response is cut off he")
        self.wfile.flush()
        self._record(200)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _bad_json(self) -> None:
        body = b'{"job_id": "broken", "images": [{"url": "/images/broken/0.png"'
        self._send(200, body, "application/json; charset=utf-8", {"Cache-Control": "no-store"})


def _peer_closed(sock: socket.socket) -> bool:
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _int_param(query: dict[str, list[str]], name: str, default: int, lo: int, hi: int) -> int:
    try:
        value = int(query.get(name, [str(default)])[0])
    except ValueError:
        value = default
    return max(lo, min(hi, value))


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BadRequest(400, f"{name} must be a string")
    if len(value) > 4000:
        raise _BadRequest(400, f"{name} is too long")
    return value


def _prompt(value: Any) -> str:
    prompt = _text(value, "prompt")
    if not prompt.strip():
        raise _BadRequest(400, "prompt must not be empty")
    return prompt


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _BadRequest(400, "n must be an integer")
    if not 1 <= value <= MAX_IMAGES_PER_REQUEST:
        raise _BadRequest(400, f"n must be between 1 and {MAX_IMAGES_PER_REQUEST}")
    return value


def _seed(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
        raise _BadRequest(400, "seed must be an integer in [0, 2**32)")
    return value


def _size(value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        w, _, h = value.partition("x")
        if w.isdigit() and h.isdigit() and int(w) == int(h) and int(w) in ALLOWED_SIDES:
            return int(w), int(h)
    sides = ", ".join(f"{s}x{s}" for s in ALLOWED_SIDES)
    raise _BadRequest(400, f"size must be one of {sides}")


class DemoSite:
    """The demo AI site, run on a background thread; stop() returns promptly in all cases."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._records: collections.deque[RequestRecord] = collections.deque(maxlen=2000)
        self._records_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._huge_cache: dict[int, bytes] = {}
        self._favicon_png: bytes | None = None
        self._static_files: dict[str, bytes] = {}
        self.jobs = _JobStore()
        self.behaviour = "before-notice"
        """Duty behaviour (see :data:`BEHAVIOURS`); tests switch it to show a change over time."""
        self.planted: dict[str, str] = {
            name: f"planted{name.replace('_', '')}{secrets.token_hex(12)}"
            for name in (
                "api_key",
                "amz_signature",
                "subscription_key",
                "goog_api_key",
                "sid",
                "auth",
                "session",
                "cookie",
            )
        }
        """Fresh credentials per site for the hostile ``/leaky`` page (redaction tests)."""

    # ------------------------------------------------------------ lifecycle

    def start(self) -> str:
        """Bind 127.0.0.1 (port 0 = any free port), serve in the background, return the URL."""
        if self._server is not None:
            return self.url
        self._static_files = {p.name: p.read_bytes() for p in STATIC_DIR.iterdir() if p.is_file()}
        for job_id, (prompt, seed) in _TRENDING.items():
            self.jobs.add(Job(job_id, prompt, "", [seed], (384, 384), time.time()))
        self._server = _Server(self, self._port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"lumagen-demo-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving and cut open connections (hanging ones too); safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        with server.connections_lock:
            open_conns = list(server.connections)
        for conn in open_conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None

    def __enter__(self) -> DemoSite:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ facts for callers

    @property
    def port(self) -> int:
        """The bound port (only meaningful after start())."""
        if self._server is None:
            return self._port
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{HOST}:{self.port}"

    @property
    def requests(self) -> list[RequestRecord]:
        """Requests answered so far (most recent last, at most 2000)."""
        with self._records_lock:
            return list(self._records)

    def new_job(
        self, prompt: str, negative: str, seed: int | None, n: int, size: tuple[int, int]
    ) -> Job:
        """Register a generation job; seed None picks a random one. Images i use seed + i."""
        base = secrets.randbelow(2**31) if seed is None else seed
        seeds = [(base + i) % 2**32 for i in range(n)]
        job = Job("job_" + secrets.token_hex(8), prompt, negative, seeds, size, time.time())
        if self.behaviour == "before-notice":
            job.labelled = [i % 2 == 0 for i in range(n)]  # the 2nd and 4th go unlabelled
        self.jobs.add(job)
        return job

    def set_behaviour(self, behaviour: str) -> None:
        """Switch the platform's duty behaviour (``before-notice`` / ``after-notice``)."""
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {', '.join(BEHAVIOURS)}")
        self.behaviour = behaviour

    def refuses(self, prompt: str) -> bool:
        """Whether the platform's keyword filter refuses this prompt under its behaviour."""
        folded = prompt.casefold()
        return any(k.casefold() in folded for k in REFUSED_KEYWORDS[self.behaviour])

    # ------------------------------------------------------------ internals

    def _record(self, record: RequestRecord) -> None:
        with self._records_lock:
            self._records.append(record)

    def _huge(self, side: int) -> bytes:
        with self._cache_lock:
            if side not in self._huge_cache:
                self._huge_cache[side] = huge_png(side)
            return self._huge_cache[side]

    def _favicon(self) -> bytes:
        with self._cache_lock:
            if self._favicon_png is None:
                icon = art.draw_original("emblem", (256, 256)).resize(
                    (32, 32), Image.Resampling.LANCZOS
                )
                buf = io.BytesIO()
                icon.save(buf, "PNG")
                self._favicon_png = buf.getvalue()
            return self._favicon_png


def serve_forever(port: int) -> None:
    """Run the demo site in the foreground until interrupted (for ``proofshot demo-site``)."""
    # Ctrl+C stops the site cleanly even when started from a shell that ignored or reset
    # SIGINT for its children (background jobs, some CI runners).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    site = DemoSite(port=port)
    url = site.start()
    print(f"{SITE_NAME} serving on {url}/  (Ctrl+C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``demo-site [--port N]``; port 0 picks a free port."""
    parser = argparse.ArgumentParser(prog="proofshot demo-site", description=f"Serve {SITE_NAME}.")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0 = any free)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("port must be between 0 and 65535")
    serve_forever(args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
