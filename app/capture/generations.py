"""Generation events: which prompt, sent where and when, produced which images.

Two sources tell us a prompt was submitted:

* the page: a small script (:data:`PAGE_SCRIPT`) reports the values of the text fields when
  a form is submitted, a button is clicked or Enter is pressed in a field ("as typed");
* the network: a request body with prompt-like fields -- JSON keys such as ``prompt`` or
  ``text``, Gradio's ``{"data": [...]}`` array, chat ``messages``, form fields or a query
  parameter ("as sent").

Images are bound to a generation, strongest rule first:

``same-response``  the generation's own response carries the image (base64) or names its URL;
``job-id``         the image's URL or headers carry the job id the response gave;
``time-window``    with neither, images first seen after the prompt was sent and before the
                   next prompt (within :data:`WINDOW_SECONDS`), that are not page furniture.

The operator can confirm or correct a binding later (:mod:`app.capture.store`); the binding
recorded here is never rewritten. Everything in this module is pure logic over
:class:`~app.capture.exchanges.Exchange` records, so it is tested without a browser.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from PIL import Image

from app.capture.exchanges import Exchange, clean_text, header_value, iso_utc

WINDOW_SECONDS = 60.0
"""How long after a prompt images may still be bound to it by time alone."""
IDLE_SECONDS = 8.0
"""A generation whose named outputs have all arrived, or that has seen nothing for this long
after its last output, is complete."""
REPORT_MATCH_SECONDS = 5.0
PAGE_ONLY_AFTER = 15.0
"""A page submit that no request carried becomes a generation of its own after this long."""
MIN_OUTPUT_SIDE = 64
"""Images smaller than this on either side (icons, spinners) are never bound by time."""

PROMPT_KEYS = (
    "prompt",
    "positive_prompt",
    "positivePrompt",
    "prompt_text",
    "promptText",
    "text",
    "input",
    "query",
    "caption",
    "description",
)
NEGATIVE_KEYS = ("negative_prompt", "negativePrompt", "negative", "neg_prompt", "uc")
PARAMETER_KEYS = (
    "seed",
    "steps",
    "num_inference_steps",
    "cfg_scale",
    "guidance_scale",
    "sampler",
    "sampler_name",
    "scheduler",
    "width",
    "height",
    "size",
    "aspect_ratio",
    "n",
    "num_images",
    "batch_size",
    "model",
    "model_id",
    "style",
    "quality",
    "response_format",
    "lora",
    "loras",
    "strength",
)
JOB_KEYS = (
    "job_id",
    "jobId",
    "task_id",
    "taskId",
    "generation_id",
    "generationId",
    "prediction_id",
    "request_id",
    "requestId",
    "id",
    "uuid",
)
JOB_HEADERS = ("x-job-id", "x-task-id", "x-request-id", "x-generation-id")
_IMAGE_EXT = re.compile(r"\.(png|jpe?g|webp|gif|avif|bmp|tiff?)(\?|#|$)", re.IGNORECASE)
_DATA_URL = re.compile(r"^data:(image/[\w.+-]+);base64,(.+)$", re.DOTALL)

PAGE_BINDING = "__proofshotReport"
PAGE_SCRIPT = r"""
(function () {
  if (window.__proofshotInstalled) { return; }
  window.__proofshotInstalled = true;
  var send = function (kind, target) {
    try {
      var fields = [];
      var nodes = document.querySelectorAll(
        'textarea, input:not([type]), input[type=text], input[type=search], [contenteditable=""], [contenteditable=true]');
      for (var i = 0; i < nodes.length && fields.length < 40; i++) {
        var el = nodes[i];
        var value = el.isContentEditable ? el.innerText : el.value;
        if (!value) { continue; }
        var label = '';
        if (el.labels && el.labels.length) { label = el.labels[0].innerText; }
        fields.push({tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
                     placeholder: el.getAttribute('placeholder') || '',
                     aria: el.getAttribute('aria-label') || '', label: label || '', value: value});
      }
      var desc = '';
      if (target && target.tagName) {
        desc = target.tagName.toLowerCase() + (target.id ? '#' + target.id : '') + ' ' +
               ((target.innerText || target.value || '') + '').slice(0, 80);
      }
      var binding = window.__proofshotReport;
      if (typeof binding === 'function') {
        binding(JSON.stringify({kind: kind, target: desc, url: location.href,
                                at: Date.now() / 1000, fields: fields}));
      }
    } catch (e) { /* reporting must never break the page */ }
  };
  document.addEventListener('submit', function (e) { send('submit', e.target); }, true);
  document.addEventListener('click', function (e) {
    var t = e.target && e.target.closest ? e.target.closest(
      'button, input[type=submit], input[type=button], [role=button]') : null;
    if (t) { send('click', t); }
  }, true);
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (e.key === 'Enter' && t && (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT') &&
        (t.tagName === 'INPUT' || e.ctrlKey || e.metaKey || !e.shiftKey)) { send('enter', t); }
  }, true);
})();
"""


# -- prompt detection -----------------------------------------------------------------------


@dataclass
class PromptFinding:
    """A prompt found in a request, with where it was found."""

    prompt: str
    source: str
    negative_prompt: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


def _first_text(obj: dict[str, Any], keys: Iterable[str]) -> tuple[str, str] | None:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return key, value
    return None


def _from_mapping(obj: dict[str, Any], origin: str) -> PromptFinding | None:
    hit = _first_text(obj, PROMPT_KEYS)
    if hit is None:
        # Nested request objects: {"input": {"prompt": ...}}, {"params": {...}}.
        for key, value in obj.items():
            if isinstance(value, dict):
                nested = _from_mapping(value, f"{origin}.{key}")
                if nested is not None:
                    return nested
        return None
    key, prompt = hit
    finding = PromptFinding(clean_text(prompt), f"{origin}:{key}")
    neg = _first_text(obj, NEGATIVE_KEYS)
    if neg is not None:
        finding.negative_prompt = clean_text(neg[1])
    for pkey in PARAMETER_KEYS:
        if pkey in obj and isinstance(obj[pkey], str | int | float | bool | list | dict):
            finding.parameters[pkey] = obj[pkey]
    return finding


def _from_json(data: Any) -> PromptFinding | None:
    if isinstance(data, list):
        data = {"data": data}
    if not isinstance(data, dict):
        return None
    finding = _from_mapping(data, "json")
    if finding is not None:
        return finding
    gradio = data.get("data")
    if isinstance(gradio, list):
        texts = [(i, v) for i, v in enumerate(gradio) if isinstance(v, str) and v.strip()]
        if texts:
            index, prompt = texts[0]
            finding = PromptFinding(clean_text(prompt), f"gradio:data[{index}]")
            finding.parameters["data"] = gradio
            for key in ("fn_index", "session_hash", "trigger_id", "event_data"):
                if key in data:
                    finding.parameters[key] = data[key]
            return finding
    messages = data.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "user":
                content = message.get("content")
                if isinstance(content, list):  # [{"type": "text", "text": ...}]
                    content = " ".join(
                        str(c.get("text", "")) for c in content if isinstance(c, dict)
                    )
                if isinstance(content, str) and content.strip():
                    finding = PromptFinding(clean_text(content), "json:messages[user]")
                    if "model" in data:
                        finding.parameters["model"] = data["model"]
                    return finding
    return None


def _from_pairs(pairs: list[tuple[str, str]], origin: str) -> PromptFinding | None:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        mapping.setdefault(key, value)
    return _from_mapping(mapping, origin)


def _multipart_fields(body: bytes, content_type: str) -> list[tuple[str, str]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return []
    boundary = b"--" + match.group(1).encode("latin-1")
    fields: list[tuple[str, str]] = []
    for part in body.split(boundary):
        head, sep, value = part.partition(b"\r\n\r\n")
        if not sep or b"filename=" in head:
            continue
        name = re.search(rb'name="([^"]*)"', head)
        if name:
            text = value.rstrip(b"\r\n-").decode("utf-8", "replace")
            fields.append((name.group(1).decode("utf-8", "replace"), text))
    return fields


def find_prompt(
    method: str, url: str, content_type: str, body: bytes | None
) -> PromptFinding | None:
    """The prompt a request carries, if any: body first, then the query string."""
    ctype = content_type.lower()
    if body:
        if "json" in ctype or body.lstrip()[:1] in (b"{", b"["):
            try:
                found = _from_json(json.loads(body.decode("utf-8")))
            except (UnicodeDecodeError, ValueError):
                found = None
            if found is not None:
                return found
        if "x-www-form-urlencoded" in ctype:
            try:
                pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                pairs = []
            found = _from_pairs(pairs, "form")
            if found is not None:
                return found
        if "multipart/form-data" in ctype:
            found = _from_pairs(_multipart_fields(body, content_type), "multipart")
            if found is not None:
                return found
    query = urlsplit(url).query
    if query and method.upper() in ("GET", "POST"):
        pairs = parse_qsl(query, keep_blank_values=True)
        keys = {k for k, _ in pairs}
        if keys & {"prompt", "positive_prompt", "negative_prompt"}:
            return _from_pairs(pairs, "query")
    return None


# -- what a response says ---------------------------------------------------------------------


@dataclass
class InlineImage:
    data: bytes
    path: str
    media_type: str


@dataclass
class ResponseFacts:
    json_valid: bool | None
    job_id: str | None
    urls: list[str]
    inline: list[InlineImage]
    note: str | None = None


def _walk(value: Any, path: str = "") -> Iterable[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key), inner
            yield from _walk(inner, where)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            where = f"{path}[{i}]"
            yield where, "", inner
            yield from _walk(inner, where)


def _decode_b64_image(text: str) -> tuple[bytes, str] | None:
    match = _DATA_URL.match(text.strip())
    raw = match.group(2) if match else text
    if len(raw) < 64:
        return None
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return None
    media = image_media_type(data)
    return (data, media) if media else None


def image_media_type(data: bytes) -> str | None:
    heads = {
        b"\x89PNG\r\n\x1a\n": "image/png",
        b"\xff\xd8\xff": "image/jpeg",
        b"GIF87a": "image/gif",
        b"GIF89a": "image/gif",
        b"BM": "image/bmp",
    }
    for magic, media in heads.items():
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    return None


def read_response(ex: Exchange) -> ResponseFacts:
    """Job id, image URLs and inline images named by a (JSON or event-stream) response."""
    job = None
    for name in JOB_HEADERS:
        value = header_value(ex.all_response_headers(), name)
        if value:
            job = value
            break
    if ex.body is None:
        return ResponseFacts(None, job, [], [], ex.body_note or ex.failure)
    docs: list[Any] = []
    json_valid: bool | None = None
    note = None
    ctype = ex.content_type.lower()
    text = ex.body.decode("utf-8", "replace")
    if "event-stream" in ctype or ex.event_stream:
        for message in ex.event_stream or []:
            try:
                docs.append(json.loads(str(message.get("data") or "")))
            except ValueError:
                continue
        for line in text.splitlines():
            if line.startswith("data:"):
                try:
                    docs.append(json.loads(line[5:].strip()))
                except ValueError:
                    continue
    elif "json" in ctype or text.lstrip()[:1] in ("{", "["):
        try:
            docs.append(json.loads(text))
            json_valid = True
        except ValueError as exc:
            json_valid = False
            note = f"the response is not valid JSON ({exc.msg} at character {exc.pos})"
    urls: list[str] = []
    inline: list[InlineImage] = []
    for doc in docs:
        if job is None and isinstance(doc, dict):
            for key in JOB_KEYS:
                value = doc.get(key)
                if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                    job = str(value)
                    break
        for path, key, value in _walk(doc):
            if not isinstance(value, str):
                continue
            if value.startswith("data:image/") or key in ("b64_json", "base64", "image_base64"):
                decoded = _decode_b64_image(value)
                if decoded is not None:
                    inline.append(InlineImage(decoded[0], path, decoded[1]))
                continue
            if _looks_like_image_url(value, key):
                absolute = urljoin(ex.url, value)
                if absolute not in urls:
                    urls.append(absolute)
    return ResponseFacts(json_valid, job, urls, inline, note)


def _looks_like_image_url(value: str, key: str) -> bool:
    if len(value) > 4096 or " " in value:
        return False
    if not (value.startswith(("http://", "https://", "/")) or _IMAGE_EXT.search(value)):
        return False
    if _IMAGE_EXT.search(urlsplit(value).path + "?"):
        return True
    return key.lower() in ("url", "image", "image_url", "imageurl", "src", "output", "file")


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header only (no decoding, so bombs are harmless)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                return img.size
    except Exception:  # any unreadable header: size unknown
        return None


# -- binding ----------------------------------------------------------------------------------


@dataclass
class OutputImage:
    """One image bound to a generation: its bytes as served and where they came from."""

    data: bytes
    url: str
    binding: str
    received_at: float | None
    facts: dict[str, Any]


@dataclass
class PageReport:
    """What the page script reported at a submit: the text fields and their values."""

    kind: str
    target: str
    url: str
    at: float
    fields: list[dict[str, str]]

    def prompt_field(self) -> dict[str, str] | None:
        """The field most likely to hold the prompt (named so, or the first text area)."""
        for f in self.fields:
            names = " ".join(f.get(k, "") for k in ("id", "name", "placeholder", "aria", "label"))
            if "prompt" in names.lower() and "neg" not in names.lower():
                return f
        for f in self.fields:
            if f.get("tag") == "textarea":
                return f
        return None

    def negative_field(self) -> dict[str, str] | None:
        for f in self.fields:
            names = " ".join(f.get(k, "") for k in ("id", "name", "placeholder", "aria", "label"))
            if "neg" in names.lower():
                return f
        return None


@dataclass
class GenerationEvent:
    """A finished generation, ready to be stored."""

    prompt: str
    negative_prompt: str | None
    parameters: dict[str, Any]
    request_url: str
    job_id: str | None
    submitted_at: float | None
    returned_at: float | None
    binding: str
    outputs: list[OutputImage]
    facts: dict[str, Any]


@dataclass
class _Open:
    prompt: str
    negative: str | None
    parameters: dict[str, Any]
    request_url: str
    submitted: float
    job_id: str | None = None
    returned: float | None = None
    expected_urls: list[str] = field(default_factory=list)
    outputs: list[OutputImage] = field(default_factory=list)
    window_candidates: list[OutputImage] = field(default_factory=list)
    last_activity: float = 0.0
    facts: dict[str, Any] = field(default_factory=dict)
    request_id: str | None = None
    closed_for_window: bool = False
    failed: bool = False
    page_only: bool = False
    named_urls: list[str] = field(default_factory=list)


class GenerationBinder:
    """Turns completed exchanges and page reports into :class:`GenerationEvent` objects.

    Thread-safe: the recorder feeds exchanges from its worker, the page reports arrive on
    the DevTools dispatcher, and :meth:`tick` / :meth:`flush` come from the session.
    """

    def __init__(
        self,
        emit: Callable[[GenerationEvent], None],
        *,
        window: float = WINDOW_SECONDS,
        idle: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._emit = emit
        self._window = window
        self._idle = idle
        self._clock = clock
        self._open: list[_Open] = []
        self._reports: list[PageReport] = []
        self._seen_image_urls: set[str] = set()
        self._lock = threading.RLock()
        self.reports: list[PageReport] = []

    # -- inputs -----------------------------------------------------------------------------

    def on_page_report(self, payload: str) -> PageReport | None:
        try:
            data = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        fields = [
            {str(k): clean_text(str(v)) for k, v in f.items()}
            for f in data.get("fields", [])
            if isinstance(f, dict)
        ]
        report = PageReport(
            kind=str(data.get("kind", "")),
            target=clean_text(str(data.get("target", ""))),
            url=str(data.get("url", "")),
            at=float(data.get("at") or self._clock()),
            fields=fields,
        )
        with self._lock:
            self.reports.append(report)
            if report.prompt_field() is not None:
                self._reports.append(report)
        return report

    def on_exchange(self, ex: Exchange) -> None:
        with self._lock:
            self._on_exchange(ex)

    def _on_exchange(self, ex: Exchange) -> None:
        finding = None
        if ex.method.upper() in ("POST", "PUT", "PATCH") or "prompt=" in ex.url:
            finding = find_prompt(ex.method, ex.url, ex.request_content_type, ex.post_data)
        if finding is not None:
            self._start(ex, finding)
            self._maybe_finish()
            return
        if ex.body is None:
            # A named output that failed still counts as arrived, so the generation closes.
            for gen in self._open:
                if ex.url in gen.expected_urls:
                    gen.facts.setdefault("missing_outputs", []).append(
                        {"url": ex.url, "reason": ex.failure or ex.body_note or "no body"}
                    )
                    gen.expected_urls.remove(ex.url)
                    gen.last_activity = self._clock()
            self._maybe_finish()
            return
        self._follow_up(ex)
        if ex.is_image and image_media_type(ex.body) is not None:
            self._bind_image(ex)
        self._maybe_finish()

    # -- the generation request -------------------------------------------------------------

    def _start(self, ex: Exchange, finding: PromptFinding) -> None:
        now = self._clock()
        # A new prompt ends the time window of the ones before it.
        for gen in self._open:
            gen.closed_for_window = True
        resp = read_response(ex)
        gen = _Open(
            prompt=finding.prompt,
            negative=finding.negative_prompt,
            parameters=dict(finding.parameters),
            request_url=ex.url,
            submitted=ex.started_wall or now,
            job_id=resp.job_id,
            returned=ex.finished_wall or ex.response_wall,
            last_activity=now,
            request_id=ex.request_id,
            failed=bool(ex.failure) or (ex.status or 0) >= 400,
        )
        # A prompt seen first by the page script only is now known from the network too.
        for other in list(self._open):
            if other.page_only and other.prompt == finding.prompt:
                self._open.remove(other)
                gen.window_candidates.extend(other.window_candidates)
        gen.facts = {
            "prompt_source": finding.source,
            "request": {
                "method": ex.method,
                "url": ex.url,
                "status": ex.status,
                "remote_ip": ex.remote_ip,
                "remote_port": ex.remote_port,
                "tls_protocol": (ex.security_details or {}).get("protocol"),
                "tls_subject": (ex.security_details or {}).get("subjectName"),
                "failure": ex.failure,
            },
            "response_json_valid": resp.json_valid,
        }
        if resp.note:
            gen.facts["response_note"] = resp.note
        if ex.body is not None:
            gen.facts["response_body_sha256"] = _sha256(ex.body)
        report = self._match_report(finding.prompt, gen.submitted)
        if report is not None:
            typed = report.prompt_field()
            gen.facts["as_typed"] = {
                "trigger": f"{report.kind} {report.target}".strip(),
                "page_url": report.url,
                "at": iso_utc(report.at),
                "fields": report.fields,
                "prompt_field_value": typed.get("value") if typed else None,
                "matches_sent_prompt": bool(typed and typed.get("value") == finding.prompt),
            }
            neg = report.negative_field()
            if gen.negative is None and neg is not None and neg.get("value"):
                sent = (ex.post_data or b"").decode("utf-8", "replace")
                if (
                    json.dumps(neg["value"], ensure_ascii=False)[1:-1] in sent
                    or neg["value"] in sent
                ):
                    gen.negative = neg["value"]
                    gen.facts["negative_prompt_source"] = "page field, also found in the request"
        for index, image in enumerate(resp.inline):
            gen.outputs.append(
                OutputImage(
                    image.data,
                    f"{ex.url}#{image.path}",
                    "same-response",
                    ex.finished_wall,
                    {
                        **ex.facts(),
                        "inline_path": image.path,
                        "inline_index": index,
                        "note": "decoded from base64 in the generation's own response",
                    },
                )
            )
        gen.expected_urls = [u for u in resp.urls if u not in {o.url for o in gen.outputs}]
        gen.named_urls = list(resp.urls)
        # Images that arrived before this response was read (fast servers) are matched now.
        self._open.append(gen)

    def _match_report(self, prompt: str, at: float) -> PageReport | None:
        best = None
        for report in reversed(self._reports):
            if abs(report.at - at) > REPORT_MATCH_SECONDS:
                continue
            field_ = report.prompt_field()
            if field_ is None:
                continue
            value = field_.get("value", "")
            if value == prompt or (value and (value in prompt or prompt in value)):
                best = report
                break
        if best is not None:
            self._reports.remove(best)
        return best

    # -- later exchanges --------------------------------------------------------------------

    def _follow_up(self, ex: Exchange) -> None:
        """A polling or status response that names a job's image URLs."""
        if ex.is_image or ex.body is None:
            return
        resp = read_response(ex)
        if not resp.urls and not resp.inline:
            return
        for gen in self._open:
            if gen.job_id and (
                resp.job_id == gen.job_id or gen.job_id in ex.url or gen.job_id in _text(ex)
            ):
                for url in resp.urls:
                    if url not in gen.expected_urls and url not in {o.url for o in gen.outputs}:
                        gen.expected_urls.append(url)
                for image in resp.inline:
                    gen.outputs.append(
                        OutputImage(
                            image.data,
                            f"{ex.url}#{image.path}",
                            "job-id",
                            ex.finished_wall,
                            {**ex.facts(), "inline_path": image.path},
                        )
                    )
                gen.last_activity = self._clock()
                gen.facts.setdefault("status_requests", []).append(ex.url)

    def _bind_image(self, ex: Exchange) -> None:
        url = ex.url
        first_time = url not in self._seen_image_urls
        self._seen_image_urls.add(url)
        body = ex.body or b""
        for gen in reversed(self._open):
            if url in gen.expected_urls:
                gen.expected_urls.remove(url)
                gen.outputs.append(
                    OutputImage(body, url, "same-response", ex.finished_wall, ex.facts())
                )
                gen.last_activity = self._clock()
                return
        for gen in reversed(self._open):
            if gen.job_id and (
                gen.job_id in url
                or any(
                    header_value(ex.all_response_headers(), h) == gen.job_id for h in JOB_HEADERS
                )
            ):
                gen.outputs.append(OutputImage(body, url, "job-id", ex.finished_wall, ex.facts()))
                gen.last_activity = self._clock()
                return
        if not first_time:
            return
        size = image_size(body)
        if size is None or min(size) < MIN_OUTPUT_SIDE:
            return
        for gen in reversed(self._open):
            if gen.closed_for_window:
                continue
            started = ex.started_wall or self._clock()
            if gen.submitted <= started <= gen.submitted + self._window:
                gen.window_candidates.append(
                    OutputImage(body, url, "time-window", ex.finished_wall, ex.facts())
                )
                gen.last_activity = self._clock()
                return

    # -- finishing --------------------------------------------------------------------------

    def _maybe_finish(self) -> None:
        now = self._clock()
        done = []
        for gen in self._open:
            named_done = (gen.outputs or gen.facts.get("missing_outputs")) and not gen.expected_urls
            failed = gen.failed and not gen.expected_urls and not gen.page_only
            if (
                named_done
                or failed
                or (now - gen.submitted > self._window and now - gen.last_activity > self._idle)
            ):
                done.append(gen)
        for gen in done:
            self._finish(gen)

    def tick(self) -> None:
        """Finish generations whose window has passed (called periodically)."""
        with self._lock:
            self._promote_reports(self._clock() - PAGE_ONLY_AFTER)
            self._maybe_finish()

    def _promote_reports(self, older_than: float) -> None:
        """A prompt submitted on the page that no request carried (a WebSocket site, say)
        becomes a generation of its own, bound by time; it is kept only if images follow."""
        for report in [r for r in self._reports if r.at <= older_than]:
            self._reports.remove(report)
            typed = report.prompt_field()
            if typed is None or not typed.get("value", "").strip():
                continue
            for gen in self._open:
                gen.closed_for_window = True
            neg = report.negative_field()
            gen = _Open(
                prompt=typed["value"],
                negative=neg.get("value") if neg else None,
                parameters={},
                request_url=report.url,
                submitted=report.at,
                last_activity=self._clock(),
                page_only=True,
            )
            gen.facts = {
                "prompt_source": "page fields (no request carrying the prompt was seen)",
                "as_typed": {
                    "trigger": f"{report.kind} {report.target}".strip(),
                    "page_url": report.url,
                    "at": iso_utc(report.at),
                    "fields": report.fields,
                },
            }
            self._open.append(gen)

    def flush(self, reason: str = "") -> None:
        """Finish every open generation with what it has (capture now, end of recording)."""
        with self._lock:
            self._promote_reports(float("inf"))
            for gen in list(self._open):
                if reason and (gen.expected_urls or not gen.outputs):
                    gen.facts["finished_early"] = reason
                self._finish(gen)

    def pending(self) -> int:
        with self._lock:
            return len(self._open)

    def _finish(self, gen: _Open) -> None:
        if gen in self._open:
            self._open.remove(gen)
        named = {url: i for i, url in enumerate(gen.named_urls)}
        # Outputs in the order the response named them (arrival order varies with the network).
        outputs = sorted(gen.outputs, key=lambda o: named.get(o.url, len(named)))
        if not outputs and gen.window_candidates:
            outputs = list(gen.window_candidates)
        if gen.page_only and not outputs:
            return  # a click with text in a field, and nothing came of it
        elif gen.window_candidates:
            gen.facts["other_images_in_window"] = [c.url for c in gen.window_candidates]
        for url in gen.expected_urls:
            gen.facts.setdefault("missing_outputs", []).append(
                {"url": url, "reason": "named by the response but not loaded by the page"}
            )
        order = ["same-response", "job-id", "time-window"]
        binding = (
            max((o.binding for o in outputs), key=order.index) if outputs else "none"
        )  # the weakest rule used: a binding never claims more than its weakest link
        gen.facts["outputs"] = [
            {"url": o.url, "binding": o.binding, "sha256": _sha256(o.data)} for o in outputs
        ]
        self._emit(
            GenerationEvent(
                prompt=gen.prompt,
                negative_prompt=gen.negative,
                parameters=gen.parameters,
                request_url=gen.request_url,
                job_id=gen.job_id,
                submitted_at=gen.submitted,
                returned_at=gen.returned,
                binding=binding,
                outputs=outputs,
                facts=gen.facts,
            )
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text(ex: Exchange) -> str:
    return (ex.body or b"")[:200_000].decode("utf-8", "replace")
