"""Prompt detection: the prompt a request (or a WebSocket frame) carries, if any.

A request body with prompt-like fields -- JSON keys such as ``prompt`` or ``text`` (at any
depth), Gradio's ``{"data": [...]}`` array, Gemini ``contents`` and chat ``messages``, form
or multipart fields -- or a query parameter is the prompt "as sent". A binary WebSocket frame
has no field names: one of its strings counts only when it holds what the page's prompt
field held at a submit. Pure logic over bytes and text; the binder
(:mod:`app.capture.generations`) opens a generation for each finding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from app.capture.exchanges import clean_text
from app.capture.multipart import split_form_data
from app.capture.page_script import PageReport
from app.capture.response_reading import binary_strings

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


def prompt_from_json(data: Any) -> PromptFinding | None:
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
    """The non-file fields of a ``multipart/form-data`` body, as (name, text)."""
    form = split_form_data(body, content_type)
    return [(part.name, part.text()) for part in form.fields] if form is not None else []


def find_prompt(
    method: str, url: str, content_type: str, body: bytes | None
) -> PromptFinding | None:
    """The prompt a request carries, if any: body first, then the query string."""
    ctype = content_type.lower()
    if body:
        if "json" in ctype or body.lstrip()[:1] in (b"{", b"["):
            try:
                found = prompt_from_json(json.loads(body.decode("utf-8")))
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


def prompt_in_frame(
    payload: str | bytes, reports: Iterable[PageReport], at: float
) -> PromptFinding | None:
    """The prompt a WebSocket frame sent at ``at`` carries: a text frame is read as JSON; in
    a binary (protobuf-style) frame, a string field counts as the prompt only when it holds
    what the page's prompt field held at a submit within a minute (latest report first)."""
    if isinstance(payload, str):
        try:
            finding = prompt_from_json(json.loads(payload))
        except ValueError:
            return None
        if finding is not None:
            finding.source = f"websocket text frame {finding.source}"
        return finding
    strings = binary_strings(payload)
    for report in reports:
        typed = report.prompt_field()
        value = (typed or {}).get("value", "")
        if value.strip() and abs(report.at - at) <= 60 and any(value in s for s in strings):
            return PromptFinding(value, "websocket binary frame: string field")
    return None
