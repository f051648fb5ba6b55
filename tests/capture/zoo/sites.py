"""The zoo: small imitations of how real AI image sites deliver their results.

One aiohttp server (on 127.0.0.1, optionally TLS) serves every pattern at its own path;
each page has a prompt field ``#prompt``, a Generate button ``#go`` and marks each finished
generation with ``<div class="gen" data-n="N">``. Every image is made on the server for the
request (random pixels, so no two are alike) and the server writes down the truth:
the prompt it received, the SHA-256 of every image it served for that prompt, and the
SHA-256 of every piece of page furniture (logo, community thumbnails) it served.

Patterns (path -> how the result reaches the page):

``blob-canvas``  POST JSON -> image bytes -> ``Response.blob()`` -> ``createImageBitmap`` -> canvas
``blob-img``     POST JSON naming URLs -> ``fetch`` each -> blob -> ``<img src="blob:...">``
``hf``           Hugging Face Inference style ``{"inputs": PROMPT}`` -> JPEG bytes -> blob
``poll``         async job + polling; the finished job also lists "related" community thumbnails
``sse``          chat UI: ``text/event-stream`` reply, the image link streamed token by token,
                 images on a second origin (the CDN) loaded while the stream is open
``ws``           prompt in a WebSocket frame, image URLs at ``/media/...`` in a reply frame
``data-url``     images as ``data:`` URLs inside the JSON reply
``avif``         JSON naming AVIF images
``silent``       a Generate button that sends nothing (a prompt the recorder cannot see)
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import os
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from PIL import Image

PATTERNS = ("blob-canvas", "blob-img", "hf", "poll", "sse", "ws", "data-url", "avif")


def make_image(fmt: str = "PNG", side: int = 96) -> bytes:
    """A unique image: random pixels."""
    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    img.save(buf, fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP", "AVIF") else {}))
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Truth:
    """What the server received and served."""

    prompts: list[str] = field(default_factory=list)
    images: dict[str, list[str]] = field(default_factory=dict)
    furniture: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def prompt(self, text: str) -> None:
        with self.lock:
            self.prompts.append(text)
            self.images.setdefault(text, [])

    def served(self, prompt: str, data: bytes) -> None:
        with self.lock:
            self.images.setdefault(prompt, []).append(sha256(data))

    def furnished(self, data: bytes) -> None:
        with self.lock:
            self.furniture.append(sha256(data))

    def as_dict(self) -> dict[str, Any]:
        return {"prompts": self.prompts, "images": self.images, "furniture": self.furniture}


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Zoo: {pattern}</title>
<style>img, canvas {{ width: 96px; height: 96px; margin: 2px; }} .logo {{ width: 200px; height: 80px; }}</style>
</head><body><h1>{pattern}</h1><img class="logo" src="/static/logo.png" alt="logo">
<textarea id="prompt" aria-label="Prompt"></textarea><button id="go">Generate</button>
<div id="results"></div>
<script>
var n = 0;
function done() {{ n += 1; var d = document.createElement('div'); d.className = 'gen';
  d.setAttribute('data-n', String(n)); document.getElementById('results').appendChild(d); }}
function show(src) {{ var i = document.createElement('img'); i.src = src;
  document.getElementById('results').appendChild(i); return new Promise(function (ok) {{
  i.onload = ok; i.onerror = ok; }}); }}
function post(url, body) {{ return fetch(url, {{method: 'POST',
  headers: {{'Content-Type': 'application/json'}}, body: JSON.stringify(body)}}); }}
async function blobShow(url) {{ var r = await fetch(url); var b = await r.blob();
  await show(URL.createObjectURL(b)); }}
{script}
document.getElementById('go').addEventListener('click', function () {{
  generate(document.getElementById('prompt').value); }});
</script></body></html>"""

SCRIPTS = {
    "blob-canvas": """
async function generate(p) {
  var r = await post('/api/blob-canvas', {prompt: p}); var b = await r.blob();
  var bmp = await createImageBitmap(b); var c = document.createElement('canvas');
  c.width = bmp.width; c.height = bmp.height; c.getContext('2d').drawImage(bmp, 0, 0);
  document.getElementById('results').appendChild(c); done(); }""",
    "blob-img": """
async function generate(p) {
  var r = await post('/api/blob-img', {prompt: p}); var j = await r.json();
  for (var u of j.images) { await blobShow(u); } done(); }""",
    "hf": """
async function generate(p) {
  var r = await post('/models/zoo/sdxl', {inputs: p, parameters: {num_inference_steps: 4}});
  var b = await r.blob(); await show(URL.createObjectURL(b)); done(); }""",
    "poll": """
async function generate(p) {
  var r = await post('/api/jobs', {prompt: p}); var j = await r.json();
  while (true) { await new Promise(function (ok) { setTimeout(ok, 100); });
    var s = await (await fetch('/api/jobs/' + j.job_id)).json();
    if (s.status === 'done') { for (var u of s.output.images) { await show(u); }
      for (var t of s.related) { await show(t.thumbnail); } done(); return; } } }""",
    "sse": """
async function generate(p) {
  var r = await post('/api/chat', {model: 'zoo-chat', stream: true, messages: [
    {role: 'system', content: 'You draw.'},
    {role: 'user', content: [{type: 'text', text: p}]}]});
  var reader = r.body.getReader(); var dec = new TextDecoder(); var buf = ''; var text = '';
  var shown = {};
  while (true) { var got = await reader.read(); if (got.done) { break; }
    buf += dec.decode(got.value, {stream: true}); var parts = buf.split('\\n\\n'); buf = parts.pop();
    for (var ev of parts) { var data = ev.replace(/^data: /, '');
      if (data === '[DONE]') { continue; }
      text += JSON.parse(data).choices[0].delta.content || '';
      var re = /!\\[[^\\]]*\\]\\(([^)]+)\\)/g; var m;
      while ((m = re.exec(text))) { if (!shown[m[1]]) { shown[m[1]] = 1; show(m[1]); } } } }
  await new Promise(function (ok) { setTimeout(ok, 300); }); done(); }""",
    "ws": """
var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
ws.onmessage = async function (e) { var j = JSON.parse(e.data);
  if (j.type === 'delta') { for (var u of j.images) { await show(u); } done(); } };
function generate(p) { ws.send(JSON.stringify({type: 'rerun', widgets: [
  {id: 'w1', kind: 'text_area', prompt: p}, {id: 'w2', kind: 'button', value: true}]})); }""",
    "silent": """
function generate(p) { setTimeout(done, 100); }  // the prompt goes nowhere the recorder sees""",
    "data-url": """
async function generate(p) {
  var r = await post('/api/data-url', {prompt: p}); var j = await r.json();
  for (var im of j.images) { await show(im.b64); } done(); }""",
    "avif": """
async function generate(p) {
  var r = await post('/api/avif', {prompt: p}); var j = await r.json();
  for (var im of j.data) { await show(im.url); } done(); }""",
}


class Zoo:
    """The zoo server (and, for the ``sse`` pattern, a second origin: the CDN)."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, cdn: Zoo | None = None):
        self.truth = Truth()
        self.ssl_context = ssl_context
        self.cdn = cdn
        self.url = ""
        self.port = 0
        self._blobs: dict[str, tuple[bytes, str]] = {}
        self._jobs: dict[str, dict[str, Any]] = {}
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.logo = make_image("PNG", 120)
        self.thumbs = [make_image("PNG", 80) for _ in range(3)]

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Zoo:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(15)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(5)
            except TimeoutError:
                pass  # a client still holding a socket: the daemon thread ends with the test
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/static/logo.png", self._logo)
        app.router.add_get("/thumbs/{n}.png", self._thumb)
        app.router.add_get("/gen/{name}", self._blob)
        app.router.add_get("/media/{name}", self._blob)
        app.router.add_get("/i/{name}", self._blob)
        app.router.add_get("/ws", self._ws)
        app.router.add_get("/{pattern}/", self._page)
        for name, handler in (
            ("/api/blob-canvas", self._api_bytes),
            ("/models/zoo/sdxl", self._api_hf),
            ("/api/blob-img", self._api_blob_img),
            ("/api/jobs", self._api_job),
            ("/api/chat", self._api_chat),
            ("/api/data-url", self._api_data_url),
            ("/api/avif", self._api_avif),
        ):
            app.router.add_post(name, handler)
        app.router.add_get("/api/jobs/{job}", self._api_job_status)
        app.on_shutdown.append(self._close_sockets)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.ssl_context)
        await site.start()
        server: Any = site._server
        self.port = server.sockets[0].getsockname()[1]
        scheme = "https" if self.ssl_context else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    async def _close_sockets(self, app: web.Application) -> None:
        """Say goodbye on every open WebSocket, so shutting down waits for no handler."""
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    async def images_served(self, prompt: str, count: int, limit: float = 10.0) -> None:
        """Return once ``count`` images were served for ``prompt`` and had time to arrive
        (or after ``limit`` seconds: the test's check then names what is missing).

        Polled, because this server may run on another thread's loop than the caller's."""
        deadline = time.monotonic() + limit
        while len(self.truth.images.get(prompt, ())) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.25)  # each is sent 0.05 s after it is counted; then it travels

    # -- helpers ------------------------------------------------------------------------------

    def _new_blob(self, prompt: str, fmt: str, ext: str, media: str, prefix: str = "/gen/") -> str:
        data = make_image(fmt)
        name = f"{uuid.uuid4().hex}.{ext}"
        self._blobs[name] = (data, media)
        self._blobs[name + "#prompt"] = (prompt.encode("utf-8"), "")
        return prefix + name

    async def _blob(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self._blobs:
            raise web.HTTPNotFound()
        data, media = self._blobs[name]
        self.truth.served(self._blobs[name + "#prompt"][0].decode("utf-8"), data)
        await asyncio.sleep(0.05)
        return web.Response(body=data, content_type=media)

    async def _logo(self, request: web.Request) -> web.Response:
        self.truth.furnished(self.logo)
        return web.Response(body=self.logo, content_type="image/png")

    async def _thumb(self, request: web.Request) -> web.Response:
        data = self.thumbs[int(request.match_info["n"]) % len(self.thumbs)]
        self.truth.furnished(data)
        return web.Response(body=data, content_type="image/png")

    async def _page(self, request: web.Request) -> web.Response:
        pattern = request.match_info["pattern"]
        if pattern not in SCRIPTS:
            raise web.HTTPNotFound()
        html = PAGE.format(pattern=pattern, script=SCRIPTS[pattern])
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def _prompt(self, request: web.Request, key: str = "prompt") -> str:
        body = await request.json()
        prompt = str(body[key])
        self.truth.prompt(prompt)
        return prompt

    # -- patterns -----------------------------------------------------------------------------

    async def _api_bytes(self, request: web.Request) -> web.Response:
        prompt = await self._prompt(request)
        data = make_image("PNG", 128)
        self.truth.served(prompt, data)
        await asyncio.sleep(0.2)
        return web.Response(body=data, content_type="image/png")

    async def _api_hf(self, request: web.Request) -> web.Response:
        prompt = await self._prompt(request, "inputs")
        data = make_image("JPEG", 128)
        self.truth.served(prompt, data)
        await asyncio.sleep(0.2)
        return web.Response(body=data, content_type="image/jpeg")

    async def _api_blob_img(self, request: web.Request) -> web.Response:
        prompt = await self._prompt(request)
        urls = [self._new_blob(prompt, "WEBP", "webp", "image/webp") for _ in range(2)]
        return web.json_response({"id": uuid.uuid4().hex, "images": urls})

    async def _api_job(self, request: web.Request) -> web.Response:
        prompt = await self._prompt(request)
        job = uuid.uuid4().hex[:12]
        self._jobs[job] = {"prompt": prompt, "polls": 0}
        return web.json_response({"job_id": job, "status": "queued"})

    async def _api_job_status(self, request: web.Request) -> web.Response:
        job = self._jobs[request.match_info["job"]]
        job["polls"] += 1
        if job["polls"] < 3:
            return web.json_response({"status": "running", "progress": job["polls"] / 3})
        if "images" not in job:
            job["images"] = [
                self._new_blob(job["prompt"], "PNG", "png", "image/png") for _ in (0, 1)
            ]
        return web.json_response(
            {
                "status": "done",
                "output": {"images": job["images"]},
                "related": [
                    {"id": f"c{i}", "thumbnail": f"/thumbs/{i}.png", "avatar": "/static/logo.png"}
                    for i in range(3)
                ],
            }
        )

    async def _api_chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        prompt = str(body["messages"][-1]["content"][0]["text"])
        self.truth.prompt(prompt)
        cdn = self.cdn or self
        urls = [cdn.url + cdn._new_blob(prompt, "PNG", "png", "image/png", "/i/") for _ in (0, 1)]
        text = "Here you are: " + " ".join(f"![image {i}]({u}?v=1)" for i, u in enumerate(urls))
        text += " Enjoy."
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for start in range(0, len(text), 5):  # token by token: URLs cut in pieces
            chunk = {"choices": [{"delta": {"content": text[start : start + 5]}}]}
            await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())
            await asyncio.sleep(0.02)
        await cdn.images_served(prompt, len(urls))  # they load while the stream is still open
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await self._ws_session(ws)
        finally:
            self._sockets.discard(ws)
        return ws

    async def _ws_session(self, ws: web.WebSocketResponse) -> None:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            prompt = next(str(w["prompt"]) for w in data["widgets"] if "prompt" in w)
            self.truth.prompt(prompt)
            await ws.send_str(json.dumps({"type": "status", "running": True}))
            await asyncio.sleep(0.3)
            urls = [self._new_blob(prompt, "PNG", "png", "image/png", "/media/") for _ in (0, 1)]
            await ws.send_str(json.dumps({"type": "delta", "images": urls}))

    async def _api_data_url(self, request: web.Request) -> web.Response:
        prompt = await self._prompt(request)
        images = []
        for _ in (0, 1):
            data = make_image("PNG")
            self.truth.served(prompt, data)
            images.append({"b64": "data:image/png;base64," + base64.b64encode(data).decode()})
        return web.json_response({"images": images, "user": {"avatar": "/static/logo.png"}})

    async def _api_avif(self, request: web.Request) -> web.Response:
        prompt = await self._prompt(request)
        urls = [self._new_blob(prompt, "AVIF", "avif", "image/avif") for _ in (0, 1)]
        return web.json_response({"created": 1, "data": [{"url": u} for u in urls]})
