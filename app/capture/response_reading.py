"""What a response says: the job id it gives, the image URLs it names (and in which field),
the images it carries inline, or that its body is itself an image.

JSON bodies, event streams (EventSource messages or a ``text/event-stream`` body, with the
text a token stream spells out searched for image URLs) and binary WebSocket frames (their
string runs) are read. A URL's field decides what it may be: an output field (``images``,
``url``, ...), an excluded one (``related``, ``avatar``, ...), or doubtful, for the operator.
Pure logic over :class:`~app.capture.exchanges.Exchange` records.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from app.capture.exchanges import Exchange, header_value
from app.core.media import image_media_type

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


_BINARY_TEXT = re.compile(rb"(?:[\x20-\x7e]|[\xc2-\xf4][\x80-\xbf]+){2,}")


def binary_strings(data: bytes) -> list[str]:
    """The text runs of a binary (protobuf-style) frame: its string fields, roughly."""
    return [m.group(0).decode("utf-8", "ignore") for m in _BINARY_TEXT.finditer(data[:2_000_000])]


def stream_snapshot(ex: Exchange) -> Exchange | None:
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


def image_urls_in_binary(payload: bytes) -> list[str]:
    """The image URLs (by their extension) in the text runs of a binary frame."""
    named: list[str] = []
    for text in binary_strings(payload):
        for match in _URL_IN_TEXT.finditer(text):
            candidate = match.group(0)
            if _IMAGE_EXT.search(urlsplit(candidate).path + "?"):
                named.append(candidate)
    return named


def body_text(ex: Exchange) -> str:
    """The start of an exchange's body as text (for a job id named anywhere in it)."""
    return (ex.body or b"")[:200_000].decode("utf-8", "replace")
