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
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from app.capture.exchanges import Exchange, clean_text, header_value, iso_utc
from app.core.media import image_media_type as image_media_type
from app.core.media import image_size as image_size

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
    "inputs",
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
    "event_id",
)
JOB_HEADERS = ("x-job-id", "x-task-id", "x-request-id", "x-generation-id")
_IMAGE_EXT = re.compile(r"\.(png|jpe?g|webp|gif|avif|bmp|tiff?)(\?|#|$)", re.IGNORECASE)
_DATA_URL = re.compile(r"^data:(image/[\w.+-]+);base64,(.+)$", re.DOTALL)

PAGE_BINDING = "__proofshotReport"
PAGE_SCRIPT = r"""
(function () {
  if (window.__proofshotInstalled) { return; }
  window.__proofshotInstalled = true;
  var boxOf = function (el) {
    if (!el || !el.getBoundingClientRect) { return null; }
    var r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) { return null; }
    return {x: Math.round(r.left + window.scrollX), y: Math.round(r.top + window.scrollY),
            width: Math.round(r.width), height: Math.round(r.height)};
  };
  var send = function (kind, target, submitter) {
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
        var f = {tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
                 placeholder: el.getAttribute('placeholder') || '',
                 aria: el.getAttribute('aria-label') || '', label: label || '', value: value};
        var fb = boxOf(el);
        if (fb) { f.box = fb; }
        fields.push(f);
      }
      var desc = '';
      if (target && target.tagName) {
        desc = target.tagName.toLowerCase() + (target.id ? '#' + target.id : '') + ' ' +
               ((target.innerText || target.value || '') + '').slice(0, 80);
      }
      var binding = window.__proofshotReport;
      if (typeof binding === 'function') {
        var report = {kind: kind, target: desc, url: location.href,
                      at: Date.now() / 1000, fields: fields};
        var tb = boxOf(submitter);
        if (tb) { report.target_box = tb; }
        binding(JSON.stringify(report));
      }
    } catch (e) { /* reporting must never break the page */ }
  };
  document.addEventListener('submit', function (e) { send('submit', e.target, e.submitter); }, true);
  document.addEventListener('click', function (e) {
    var t = e.target && e.target.closest ? e.target.closest(
      'button, input[type=submit], input[type=button], [role=button]') : null;
    if (t) { send('click', t, t); }
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
        # Nested request objects: {"input": {"prompt": ...}}, {"params": {...}}, and
        # lists of objects ({"widgets": [{"prompt": ...}]}).
        for key, value in obj.items():
            if isinstance(value, dict):
                nested = _from_mapping(value, f"{origin}.{key}")
                if nested is not None:
                    return nested
            elif isinstance(value, list) and key not in ("messages", "contents"):
                for index, inner in enumerate(value):
                    if isinstance(inner, dict):
                        nested = _from_mapping(inner, f"{origin}.{key}[{index}]")
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
    contents = data.get("contents")
    if isinstance(contents, list):  # Gemini: contents[].parts[].text, the last user turn
        for turn in reversed(contents):
            if not isinstance(turn, dict) or turn.get("role", "user") != "user":
                continue
            parts = turn.get("parts")
            if isinstance(parts, list):
                text = "".join(str(p["text"]) for p in parts if isinstance(p, dict) and "text" in p)
                if text.strip():
                    finding = PromptFinding(clean_text(text), "json:contents[user].parts[].text")
                    for key in ("model", "generationConfig"):
                        if key in data:
                            finding.parameters[key] = data[key]
                    return finding
    messages = data.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "user":
                content = message.get("content")
                if isinstance(content, list):  # [{"type": "text", "text": ...}, image parts]
                    content = " ".join(
                        str(c.get("text", ""))
                        for c in content
                        if isinstance(c, dict) and isinstance(c.get("text"), str)
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
    fields: dict[str, str] = field(default_factory=dict)
    """URL -> ``output`` (an output-like field), ``doubtful`` (a field that is neither)."""
    ignored: dict[str, str] = field(default_factory=dict)
    """URL -> the field that named it, when that field is never an output (related, ...)."""
    self_image: bytes | None = None
    """The response body is itself an image (HF Inference style)."""


OUTPUT_KEYS = frozenset(
    {
        "images",
        "image",
        "output",
        "outputs",
        "result",
        "results",
        "data",
        "artifacts",
        "artifact",
        "files",
        "file",
        "generations",
        "predictions",
        "samples",
        "url",
        "urls",
        "image_url",
        "imageurl",
        "src",
        "b64_json",
        "base64",
        "image_base64",
    }
)
"""Fields whose URLs are outputs of the job (polling responses bind only from these)."""
EXCLUDED_KEYS = frozenset(
    {
        "related",
        "thumbnails",
        "thumbnail",
        "thumb",
        "avatar",
        "avatars",
        "avatar_url",
        "examples",
        "example",
        "history",
        "recommended",
        "recommendations",
        "similar",
        "community",
        "profile",
        "user",
        "author",
        "creator",
        "logo",
        "icon",
        "banner",
        "ads",
    }
)
"""Fields whose URLs are never outputs: community thumbnails, avatars, examples, history."""
STREAM_TEXT_KEYS = frozenset({"content", "text", "delta", "token", "message", "response"})
_URL_IN_TEXT = re.compile(r"""(?:https?://|/)[^\s()<>"'\[\]{}]+""")
_PATH_KEY = re.compile(r"[A-Za-z_][\w-]*")


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


def field_class(path: str) -> str:
    """``excluded``, ``output`` or ``doubtful``: what the JSON field at ``path`` names."""
    keys = [k.lower() for k in _PATH_KEY.findall(path)]
    if any(k in EXCLUDED_KEYS for k in keys):
        return "excluded"
    if any(k in OUTPUT_KEYS for k in keys):
        return "output"
    return "doubtful"


def _stream_docs(ex: Exchange, text: str) -> list[Any]:
    """The JSON documents of an event stream, in order (EventSource messages or the body)."""
    docs: list[Any] = []
    datas: list[str] = [str(m.get("data") or "") for m in ex.event_stream or []]
    if not datas:
        # Reassemble per the event-stream format: data lines of one event are joined.
        current: list[str] = []
        for line in text.replace("\r\n", "\n").split("\n"):
            if not line:
                if current:
                    datas.append("\n".join(current))
                    current = []
            elif line.startswith("data:"):
                current.append(line[5:][1:] if line[5:6] == " " else line[5:])
        if current:
            datas.append("\n".join(current))
    for data in datas:
        try:
            docs.append(json.loads(data))
        except ValueError:
            docs.append(data)  # plain-text tokens
    return docs


def _stream_text(docs: list[Any]) -> str:
    """The text a token stream spells out: its text fields (or plain data) concatenated."""
    pieces: list[str] = []
    for doc in docs:
        if isinstance(doc, str):
            if doc != "[DONE]":
                pieces.append(doc)
            continue
        for _path, key, value in _walk(doc):
            if isinstance(value, str) and key.lower() in STREAM_TEXT_KEYS:
                pieces.append(value)
    return "".join(pieces)


def read_response(ex: Exchange) -> ResponseFacts:
    """Job id, image URLs and inline images named by a (JSON or event-stream) response."""
    job = None
    for name in JOB_HEADERS:
        value = header_value(ex.all_response_headers(), name)
        if value:
            job = value
            break
    if ex.body is None and not ex.event_stream:
        return ResponseFacts(None, job, [], [], ex.body_note or ex.failure)
    body = ex.body or b""
    if image_media_type(body) is not None:
        return ResponseFacts(None, job, [], [], None, self_image=body)
    docs: list[Any] = []
    json_valid: bool | None = None
    note = None
    ctype = ex.content_type.lower()
    text = body.decode("utf-8", "replace")
    streamed = "event-stream" in ctype or bool(ex.event_stream)
    if streamed:
        docs = _stream_docs(ex, text)
    elif "json" in ctype or text.lstrip()[:1] in ("{", "["):
        try:
            docs.append(json.loads(text))
            json_valid = True
        except ValueError as exc:
            json_valid = False
            note = f"the response is not valid JSON ({exc.msg} at character {exc.pos})"
    facts = ResponseFacts(json_valid, job, [], [], note)

    def add(url: str, where: str) -> None:
        absolute = urljoin(ex.url, url)
        kind = field_class(where)
        if kind == "excluded":
            facts.ignored.setdefault(absolute, where)
        elif absolute not in facts.urls:
            facts.urls.append(absolute)
            facts.fields[absolute] = kind

    for doc in docs:
        if facts.job_id is None and isinstance(doc, dict):
            for key in JOB_KEYS:
                value = doc.get(key)
                if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                    facts.job_id = str(value)
                    break
        for path, key, value in _walk(doc):
            if not isinstance(value, str):
                continue
            if value.startswith("data:image/") or key in ("b64_json", "base64", "image_base64"):
                decoded = _decode_b64_image(value)
                if decoded is not None and field_class(path) != "excluded":
                    facts.inline.append(InlineImage(decoded[0], path, decoded[1]))
                continue
            if streamed and not value.startswith(("http://", "https://", "/")):
                continue  # a token of a stream is never a URL by itself
            if streamed and key.lower() in STREAM_TEXT_KEYS:
                continue  # text is searched once reassembled, below
            if _looks_like_image_url(value, key):
                add(value, path)
    if streamed:
        for match in _URL_IN_TEXT.finditer(_stream_text(docs)):
            url = match.group(0).rstrip(".,;:!?")
            if _IMAGE_EXT.search(urlsplit(url).path + "?"):
                add(url, "stream-text")
    return facts


def _looks_like_image_url(value: str, key: str) -> bool:
    if len(value) > 4096 or " " in value:
        return False
    if not (value.startswith(("http://", "https://", "/")) or _IMAGE_EXT.search(value)):
        return False
    if _IMAGE_EXT.search(urlsplit(value).path + "?"):
        return True
    return key.lower() in ("url", "image", "image_url", "imageurl", "src", "output", "file")


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
    fields: list[dict[str, Any]]
    """Each field's attributes and value (text); ``box`` (document CSS px) when laid out."""
    target_box: dict[str, int] | None = None
    """The submitter's box (the clicked button, a form's submitter) when known."""

    def prompt_field(self) -> dict[str, Any] | None:
        """The field most likely to hold the prompt (named so, or the first text area)."""
        for f in self.fields:
            names = " ".join(f.get(k, "") for k in ("id", "name", "placeholder", "aria", "label"))
            if "prompt" in names.lower() and "neg" not in names.lower():
                return f
        for f in self.fields:
            if f.get("tag") == "textarea":
                return f
        return None

    def negative_field(self) -> dict[str, Any] | None:
        for f in self.fields:
            names = " ".join(f.get(k, "") for k in ("id", "name", "placeholder", "aria", "label"))
            if "neg" in names.lower():
                return f
        return None


def page_box(value: Any) -> dict[str, int] | None:
    """A box the page script reported (``{x, y, width, height}`` in document CSS px), checked:
    four finite numbers, a positive size; else None (a page may send anything)."""
    if not isinstance(value, dict):
        return None
    try:
        box = {k: round(float(value[k])) for k in ("x", "y", "width", "height")}
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if box["width"] <= 0 or box["height"] <= 0:
        return None
    if any(abs(v) > 10_000_000 for v in box.values()):
        return None
    return box


def _report_field(raw: dict[str, Any]) -> dict[str, Any]:
    """One reported field: its attributes and value as clean text, its box checked."""
    out: dict[str, Any] = {str(k): clean_text(str(v)) for k, v in raw.items() if k != "box"}
    box = page_box(raw.get("box"))
    if box is not None:
        out["box"] = box
    return out


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
    expected_rule: dict[str, str] = field(default_factory=dict)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    socket: str | None = None
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
        self._recent: list[Exchange] = []
        self._streams: dict[str, Exchange] = {}
        """Images seen lately, bound or not: a generation that opens late (a page-only
        submit promoted, a stream read once it ended) still considers them."""
        self._bound_urls: set[str] = set()
        self._ignored_urls: dict[str, str] = {}
        self._candidate_urls: set[str] = set()
        self._first_submit: float | None = None
        self._after_submit: dict[str, Exchange] = {}
        """Output-sized images first seen after a prompt was submitted, by URL."""
        self.problems: list[str] = []
        """What was not seen: prompts with no generation, images bound to nothing."""
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
        fields = [_report_field(f) for f in data.get("fields", []) if isinstance(f, dict)]
        report = PageReport(
            kind=str(data.get("kind", "")),
            target=clean_text(str(data.get("target", ""))),
            url=str(data.get("url", "")),
            at=float(data.get("at") or self._clock()),
            fields=fields,
            target_box=page_box(data.get("target_box")),
        )
        with self._lock:
            self.reports.append(report)
            typed = report.prompt_field()
            if typed is not None:
                self._reports.append(report)
                if typed.get("value", "").strip():
                    self._note_submit(report.at)
        return report

    def _note_submit(self, at: float) -> None:
        if self._first_submit is None or at < self._first_submit:
            self._first_submit = at

    def on_exchange(self, ex: Exchange) -> None:
        with self._lock:
            self._on_exchange(ex)

    def _on_exchange(self, ex: Exchange) -> None:
        self._streams.pop(ex.request_id, None)
        if ex.body is None and ex.stream_data:
            # A stream cut off (the page aborted it once done, or recording stopped): what
            # it said before still counts.
            snapshot = _stream_snapshot(ex)
            if snapshot is not None:
                self._follow_up(snapshot)
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
        if (
            ex.is_image
            and ex.url.startswith(("http://", "https://"))
            and image_media_type(ex.body) is not None
        ):
            # blob: and data: URLs are copies of bytes already seen (or inline in a
            # response): never bound from, since they carry no server, IP or TLS.
            self._remember(ex)
            self._bind_image(ex)
        self._maybe_finish()

    def _remember(self, ex: Exchange) -> None:
        now = self._clock()
        self._recent = [
            r for r in self._recent if (r.started_wall or now) >= now - self._window - 30
        ][-200:]
        self._recent.append(ex)
        size = image_size(ex.body or b"")
        if (
            self._first_submit is not None
            and (ex.started_wall or now) >= self._first_submit
            and size is not None
            and min(size) >= MIN_OUTPUT_SIDE
        ):
            self._after_submit.setdefault(ex.url, ex)

    def _take_recent(self, gen: _Open) -> None:
        """Bind images that arrived before the generation opened and that it names."""
        for ex in list(self._recent):
            if ex.url in gen.expected_urls and ex.url not in {o.url for o in gen.outputs}:
                rule = gen.expected_rule.get(ex.url, "same-response")
                gen.expected_urls.remove(ex.url)
                gen.outputs.append(
                    OutputImage(ex.body or b"", ex.url, rule, ex.finished_wall, ex.facts())
                )
                self._bound_urls.add(ex.url)

    def _window_from_recent(self, gen: _Open, until: float = float("inf")) -> None:
        """Images seen after the submit, before the generation opened: time candidates."""
        taken = {c.url for c in gen.window_candidates} | {o.url for o in gen.outputs}
        for ex in self._recent:
            started = ex.started_wall or 0.0
            if ex.url in taken or ex.url in self._bound_urls or ex.url in self._ignored_urls:
                continue
            if not (gen.submitted <= started <= min(gen.submitted + self._window, until)):
                continue
            size = image_size(ex.body or b"")
            if size is None or min(size) < MIN_OUTPUT_SIDE:
                continue
            gen.window_candidates.append(
                OutputImage(ex.body or b"", ex.url, "time-window", ex.finished_wall, ex.facts())
            )
            taken.add(ex.url)

    def on_stream(self, ex: Exchange) -> None:
        """An event stream still open: what it has said so far (outputs it names early)."""
        snapshot = _stream_snapshot(ex)
        if snapshot is None:
            return
        with self._lock:
            # Kept, so that a generation whose request is read later (the recorder reads
            # bodies in a quiet moment) still finds what the stream already said.
            self._streams[ex.request_id] = snapshot
            while len(self._streams) > 20:
                self._streams.pop(next(iter(self._streams)))
            if not any(gen.request_id == ex.request_id for gen in self._open):
                self._follow_up(snapshot)
            self._maybe_finish()

    def on_ws_frame(
        self, socket_id: str, url: str, direction: str, payload: str | bytes, at: float
    ) -> None:
        """A WebSocket frame: a prompt when sent, image URLs named when received."""
        with self._lock:
            if direction == "sent":
                self._ws_sent(socket_id, url, payload, at)
            else:
                self._ws_received(socket_id, url, payload, at)
            self._maybe_finish()

    def _ws_sent(self, socket_id: str, url: str, payload: str | bytes, at: float) -> None:
        finding = None
        if isinstance(payload, str):
            try:
                finding = _from_json(json.loads(payload))
            except ValueError:
                finding = None
            if finding is not None:
                finding.source = f"websocket text frame {finding.source}"
        else:
            strings = binary_strings(payload)
            # A binary (protobuf-style) frame has no field names: a string field counts as
            # the prompt only when it holds what the page's prompt field held at a submit.
            for report in reversed(self._reports + [r for r in self.reports[-20:]]):
                typed = report.prompt_field()
                value = (typed or {}).get("value", "")
                if value.strip() and abs(report.at - at) <= 60 and any(value in s for s in strings):
                    finding = PromptFinding(value, "websocket binary frame: string field")
                    break
        if finding is None:
            return
        for gen in reversed(self._open):
            if gen.socket == socket_id and gen.prompt == finding.prompt and not gen.outputs:
                # The same prompt again on the same socket (a rerun, a state sync): one submit.
                gen.facts["frames_carrying_prompt"] = gen.facts.get("frames_carrying_prompt", 1) + 1
                return
        raw = payload.encode("utf-8") if isinstance(payload, str) else payload
        ex = Exchange(request_id=f"{socket_id}@{at}", url=url, method="WEBSOCKET")
        ex.started_wall = at
        ex.post_data = raw
        ex.status = 101
        self._start(ex, finding)
        gen = self._open[-1]
        gen.socket = socket_id
        gen.facts["request"]["frame_sha256"] = _sha256(raw)
        self._window_from_recent(gen)

    def _ws_received(self, socket_id: str, url: str, payload: str | bytes, at: float) -> None:
        gen = next((g for g in reversed(self._open) if g.socket == socket_id), None)
        if gen is None:
            return
        # URLs in frames are relative to the socket's origin as http(s).
        base = url.replace("ws://", "http://", 1).replace("wss://", "https://", 1)
        fake = Exchange(request_id=f"{socket_id}@{at}", url=base, method="WEBSOCKET")
        named: list[str] = []
        if isinstance(payload, str):
            fake.body = payload.encode("utf-8")
            fake.response_headers = {"Content-Type": "application/json"}
            resp = read_response(fake)
            self._ignore(gen, resp)
            named = resp.urls
            for image in resp.inline:
                gen.outputs.append(
                    OutputImage(
                        image.data,
                        f"{url}#frame@{at}{image.path}",
                        "same-response",
                        at,
                        {"websocket": url, "inline_path": image.path, "frame_at": iso_utc(at)},
                    )
                )
        else:
            for text in binary_strings(payload):
                for match in _URL_IN_TEXT.finditer(text):
                    candidate = match.group(0)
                    if _IMAGE_EXT.search(urlsplit(candidate).path + "?"):
                        named.append(candidate)
        for value in named:
            absolute = urljoin(base, value)
            if absolute not in gen.expected_urls and absolute not in {o.url for o in gen.outputs}:
                gen.expected_urls.append(absolute)
                gen.named_urls.append(absolute)
        if named:
            gen.returned = gen.returned or at
            gen.last_activity = self._clock()
            gen.facts.setdefault("reply_frames", 0)
            gen.facts["reply_frames"] += 1
            self._take_recent(gen)

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
                **({"trigger_box": report.target_box} if report.target_box else {}),
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
        self._note_submit(gen.submitted)
        if resp.self_image is not None:
            gen.outputs.append(
                OutputImage(
                    resp.self_image,
                    ex.url,
                    "same-response",
                    ex.finished_wall,
                    {**ex.facts(), "note": "the generation's own response is the image"},
                )
            )
            self._bound_urls.add(ex.url)
        self._ignore(gen, resp)
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
        # Images that arrived before this response was read (fast servers, images loaded
        # while a stream was still open) are matched now.
        self._take_recent(gen)
        self._open.append(gen)
        if gen.job_id:
            for snapshot in list(self._streams.values()):
                if snapshot.request_id != ex.request_id:
                    self._follow_up(snapshot)

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
        if not resp.urls and not resp.inline and not resp.ignored:
            return
        for gen in self._open:
            if gen.job_id and (
                resp.job_id == gen.job_id or gen.job_id in ex.url or gen.job_id in _text(ex)
            ):
                self._ignore(gen, resp)
                for url in resp.urls:
                    if resp.fields.get(url) != "output":
                        # Neither an output field nor an excluded one: the operator decides.
                        if url not in self._candidate_urls:
                            self._candidate_urls.add(url)
                            gen.candidates.append(
                                {"url": url, "from": ex.url, "reason": "doubtful field"}
                            )
                        continue
                    if url not in gen.expected_urls and url not in {o.url for o in gen.outputs}:
                        gen.expected_urls.append(url)
                        gen.expected_rule[url] = "job-id"
                        if url not in gen.named_urls:
                            gen.named_urls.append(url)
                self._take_recent(gen)
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

    def _ignore(self, gen: _Open, resp: ResponseFacts) -> None:
        for url, where in resp.ignored.items():
            self._ignored_urls.setdefault(url, where)
            gen.facts.setdefault("ignored_urls", {})[url] = f"named in field {where}"

    def _bind_image(self, ex: Exchange) -> None:
        url = ex.url
        first_time = url not in self._seen_image_urls
        self._seen_image_urls.add(url)
        body = ex.body or b""
        for gen in reversed(self._open):
            if url in gen.expected_urls:
                gen.expected_urls.remove(url)
                rule = gen.expected_rule.get(url, "same-response")
                gen.outputs.append(OutputImage(body, url, rule, ex.finished_wall, ex.facts()))
                self._bound_urls.add(url)
                gen.last_activity = self._clock()
                return
        if url in self._ignored_urls or url in self._candidate_urls:
            return
        for gen in reversed(self._open):
            if gen.job_id and (
                gen.job_id in url
                or any(
                    header_value(ex.all_response_headers(), h) == gen.job_id for h in JOB_HEADERS
                )
            ):
                gen.outputs.append(OutputImage(body, url, "job-id", ex.finished_wall, ex.facts()))
                self._bound_urls.add(url)
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
                    **({"trigger_box": report.target_box} if report.target_box else {}),
                    "page_url": report.url,
                    "at": iso_utc(report.at),
                    "fields": report.fields,
                },
            }
            later = [
                r.at
                for r in self.reports
                if r.at > report.at and (r.prompt_field() or {}).get("value", "").strip()
            ]
            self._window_from_recent(gen, min(later, default=float("inf")))
            self._open.append(gen)

    def flush(self, reason: str = "") -> None:
        """Finish every open generation with what it has (capture now, end of recording)."""
        with self._lock:
            self._promote_reports(float("inf"))
            for gen in list(self._open):
                if reason and (gen.expected_urls or not gen.outputs):
                    gen.facts["finished_early"] = reason
                self._finish(gen)
            unbound = [
                url
                for url in self._after_submit
                if url not in self._bound_urls
                and url not in self._ignored_urls
                and url not in self._candidate_urls
            ]
            if unbound:
                self.problems.append(
                    f"{len(unbound)} image(s) arrived after a prompt was submitted but were"
                    " bound to no generation: " + ", ".join(unbound[:10])
                )
            self._after_submit.clear()

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
            # A click with text in a field, and nothing came of it: not a generation, but
            # a prompt may have gone where the recorder could not see it.
            self.problems.append(
                f"A prompt was submitted on the page ({_short(gen.prompt)}) but no request"
                " carried it and no image followed: no generation was recorded for it."
            )
            return
        if gen.candidates:
            gen.facts["candidates"] = gen.candidates
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
        self._bound_urls.update(o.url for o in outputs)
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


_BINARY_TEXT = re.compile(rb"(?:[\x20-\x7e]|[\xc2-\xf4][\x80-\xbf]+){2,}")


def binary_strings(data: bytes) -> list[str]:
    """The text runs of a binary (protobuf-style) frame: its string fields, roughly."""
    return [m.group(0).decode("utf-8", "ignore") for m in _BINARY_TEXT.finditer(data[:2_000_000])]


def _stream_snapshot(ex: Exchange) -> Exchange | None:
    """A copy of a streaming exchange whose body is what the stream has delivered so far."""
    if ex.stream_data is None:
        return None
    from app.capture.redaction import redact_string  # a stream is read before its redaction

    snapshot = Exchange(
        request_id=ex.request_id,
        url=redact_string(ex.url),
        method=ex.method,
        resource_type=ex.resource_type,
        response_headers=dict(ex.response_headers),
        mime_type=ex.mime_type,
        started_wall=ex.started_wall,
        started_mono=ex.started_mono,
        status=ex.status,
    )
    snapshot.body = bytes(ex.stream_data)
    return snapshot


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text(ex: Exchange) -> str:
    return (ex.body or b"")[:200_000].decode("utf-8", "replace")
