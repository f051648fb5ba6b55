"""Platform profiles: how to ask a platform for images and where its answer keeps them.

A profile turns one prompt into an :class:`~app.capture.campaigns.http.HttpRequest` and an
answer back into image references (base64 data or URLs). Three exist:

* ``openai`` — the OpenAI-compatible images API (``POST …/v1/images/generations``), answering
  with ``data[*].b64_json`` or ``data[*].url``; used by many hosted and self-hosted services.
* ``generic`` — any JSON API, described by a small configuration: headers, a body template
  with ``{prompt}``, JSON paths to the image data or URLs, and optionally a job URL to poll.
* ``demo`` — the bundled Lumagen demo site (``POST /api/generate``), a ``generic`` preset.

Every request is built twice: once with the key (sent) and once with a redaction mark in
its place (recorded), so the stored request is exactly what was sent except the key itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urljoin, urlsplit

from app.capture.campaign_names import PROFILE_NAMES  # defined apart for the CLI (see there)
from app.capture.campaigns.http import HttpRequest, HttpResponse
from app.capture.campaigns.prompts import PromptEntry
from app.core.errors import ProofshotError


class ProfileError(ProofshotError):
    """A profile cannot be built from what was given (bad endpoint, bad configuration)."""

    exit_code = 2


class AnswerError(Exception):
    """A 2xx answer the profile cannot use; ``retryable`` says whether asking again may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class ImageRef:
    """Where one output image is: base64 data inside the answer, or a URL to fetch."""

    index: int
    kind: str
    """``b64`` or ``url``."""
    value: str
    json_path: str


@dataclass
class GenerationAnswer:
    job_id: str | None
    images: list[ImageRef]
    pending: bool = False
    """The platform accepted the job but the images are not ready: poll for them."""
    facts: dict[str, Any] = field(default_factory=dict)


class Profile(Protocol):
    name: str
    endpoint: str

    @property
    def request_url(self) -> str: ...

    @property
    def needs_credential(self) -> bool: ...

    def generation_request(self, entry: PromptEntry, secret: str) -> HttpRequest: ...

    def parse_answer(self, request: HttpRequest, response: HttpResponse) -> GenerationAnswer: ...

    def poll_request(self, answer: GenerationAnswer, secret: str) -> HttpRequest | None: ...

    @property
    def poll_settings(self) -> PollSettings | None: ...

    def describe(self) -> dict[str, Any]: ...

    def parameters(self) -> dict[str, Any]: ...


# -- JSON paths ---------------------------------------------------------------------------

_STEP = re.compile(r"([^.\[\]]+)|\[(\*|-?\d+)\]")


def parse_json_path(path: str) -> list[str | int | None]:
    """``data[*].b64_json`` -> ['data', None, 'b64_json'] (None is "every element")."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:].lstrip(".")
    steps: list[str | int | None] = []
    pos = 0
    while pos < len(text):
        if text[pos] == ".":
            pos += 1
            continue
        match = _STEP.match(text, pos)
        if match is None:
            raise ProfileError(f"The JSON path {path!r} cannot be read near {text[pos:]!r}.")
        name, index = match.groups()
        if name is not None:
            steps.append(name)
        elif index == "*":
            steps.append(None)
        else:
            steps.append(int(index))
        pos = match.end()
    if not steps:
        raise ProfileError(f"The JSON path {path!r} is empty.")
    return steps


def json_path_values(document: Any, path: str) -> list[tuple[str, Any]]:
    """Every value ``path`` reaches in ``document``, with the concrete path to each."""
    found: list[tuple[str, Any]] = [("", document)]
    for step in parse_json_path(path):
        nxt: list[tuple[str, Any]] = []
        for where, value in found:
            if isinstance(step, str):
                if isinstance(value, Mapping) and step in value:
                    nxt.append((f"{where}.{step}" if where else step, value[step]))
            elif isinstance(value, list):
                if step is None:
                    nxt.extend((f"{where}[{i}]", v) for i, v in enumerate(value))
                elif -len(value) <= step < len(value):
                    nxt.append((f"{where}[{step % len(value)}]", value[step]))
        found = nxt
    return found


# -- templates ----------------------------------------------------------------------------

PLACEHOLDERS = ("prompt", "negative_prompt", "model", "api_key", "job_id")


def fill_template(template: Any, values: Mapping[str, str]) -> Any:
    """Replace ``{name}`` placeholders inside every string of a JSON-like template.

    Substitution happens in the parsed structure, never in JSON text, so quotes, braces or
    newlines in a prompt cannot break the body or inject fields.
    """
    if isinstance(template, str):
        out = template
        for name, value in values.items():
            out = out.replace("{" + name + "}", value)
        return out
    if isinstance(template, list):
        return [fill_template(v, values) for v in template]
    if isinstance(template, dict):
        return {str(k): fill_template(v, values) for k, v in template.items()}
    return template


def _mentions(template: Any, name: str) -> bool:
    return ("{" + name + "}") in json.dumps(template, ensure_ascii=False)


def _json_body(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _parse_json(response: HttpResponse) -> Any:
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise AnswerError(
            f"The answer (HTTP {response.status}) is not valid JSON ({exc}).", retryable=True
        ) from exc


def _error_message(document: Any) -> str | None:
    if isinstance(document, dict) and document.get("error"):
        err = document["error"]
        if isinstance(err, dict):
            return str(err.get("message") or err.get("code") or err)
        return str(err)
    return None


def _check_endpoint(endpoint: str) -> str:
    endpoint = endpoint.strip()
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(
            f"The endpoint {endpoint!r} is not an http(s) URL (for example https://api.example.com)."
        )
    if parts.username or parts.password:
        raise ProfileError(
            "The endpoint must not carry a user name or password; keep credentials in the keyring."
        )
    return endpoint


@dataclass(frozen=True)
class PollSettings:
    interval: float = 2.0
    timeout: float = 600.0
    status_path: str | None = None
    done_values: tuple[str, ...] = ("done", "succeeded", "completed", "success")
    failed_values: tuple[str, ...] = ("failed", "error", "cancelled", "canceled")


def _images(
    document: Any, b64_paths: tuple[str, ...], url_paths: tuple[str, ...], base_url: str
) -> list[ImageRef]:
    refs: list[ImageRef] = []
    for kind, paths in (("b64", b64_paths), ("url", url_paths)):
        for path in paths:
            for where, value in json_path_values(document, path):
                if isinstance(value, str) and value:
                    text = urljoin(base_url, value) if kind == "url" else value
                    refs.append(ImageRef(len(refs), kind, text, where))
    return refs


# -- OpenAI-compatible ----------------------------------------------------------------------


class OpenAIProfile:
    """``POST /v1/images/generations`` with a Bearer key; ``data[*].b64_json`` or ``.url``."""

    name = "openai"

    def __init__(
        self, endpoint: str, model: str | None = None, parameters: Mapping[str, Any] | None = None
    ) -> None:
        self.endpoint = _check_endpoint(endpoint)
        self.model = model or None
        self._parameters = dict(parameters or {})
        for reserved in ("prompt", "model"):
            if reserved in self._parameters:
                raise ProfileError(
                    f"The parameter {reserved!r} is set by the campaign itself; remove it from the parameters."
                )

    @property
    def request_url(self) -> str:
        parts = urlsplit(self.endpoint)
        path = parts.path.rstrip("/")
        if path.endswith("/images/generations"):
            return self.endpoint
        suffix = "/images/generations" if path.endswith("/v1") else "/v1/images/generations"
        return parts._replace(path=path + suffix).geturl()

    @property
    def needs_credential(self) -> bool:
        return True

    @property
    def poll_settings(self) -> PollSettings | None:
        return None

    def parameters(self) -> dict[str, Any]:
        return dict(self._parameters)

    def generation_request(self, entry: PromptEntry, secret: str) -> HttpRequest:
        body: dict[str, Any] = {}
        if self.model:
            body["model"] = self.model
        body["prompt"] = entry.prompt
        if entry.negative_prompt:
            body["negative_prompt"] = entry.negative_prompt
        body.update(self._parameters)
        headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if secret:
            headers.append(("Authorization", f"Bearer {secret}"))
        return HttpRequest("POST", self.request_url, tuple(headers), _json_body(body))

    def parse_answer(self, request: HttpRequest, response: HttpResponse) -> GenerationAnswer:
        document = _parse_json(response)
        message = _error_message(document)
        if message:
            raise AnswerError(f"The platform answered with an error: {message}", retryable=False)
        if not isinstance(document, dict) or not isinstance(document.get("data"), list):
            raise AnswerError(
                "The answer has no 'data' list, so it is not an OpenAI images answer.",
                retryable=False,
            )
        images = _images(document, ("data[*].b64_json",), ("data[*].url",), request.url)
        revised = [d.get("revised_prompt") for d in document["data"] if isinstance(d, dict)]
        job_id = (
            response.header("x-request-id")
            or response.header("x-job-id")
            or (str(document["id"]) if document.get("id") else None)
        )
        facts: dict[str, Any] = {"created": document.get("created")}
        if any(revised):
            facts["revised_prompts"] = revised
        if isinstance(document.get("usage"), dict):
            facts["usage"] = document["usage"]
        return GenerationAnswer(job_id, images, facts=facts)

    def poll_request(self, answer: GenerationAnswer, secret: str) -> HttpRequest | None:
        return None

    def describe(self) -> dict[str, Any]:
        return {
            "profile": self.name,
            "request_url": self.request_url,
            "credential_header": "Authorization: Bearer <key>",
        }


# -- generic JSON -----------------------------------------------------------------------------


class GenericJsonProfile:
    """Any JSON API, described by a configuration mapping (see :data:`GENERIC_EXAMPLE`)."""

    name = "generic"

    def __init__(
        self,
        endpoint: str,
        config: Mapping[str, Any],
        model: str | None = None,
        *,
        name: str = "generic",
    ) -> None:
        self.name = name
        self.endpoint = _check_endpoint(endpoint)
        self.model = model or None
        self.config = json.loads(json.dumps(config))  # a plain, private copy
        cfg = self.config
        self.method = str(cfg.get("method", "POST")).upper()
        self.url_template = str(cfg.get("url") or "{endpoint}")
        headers = cfg.get("headers", {})
        if not isinstance(headers, dict):
            raise ProfileError("The profile's 'headers' must be an object of name: value.")
        self.headers = {str(k): str(v) for k, v in headers.items()}
        self.body = cfg.get("body", {"prompt": "{prompt}"})
        self.b64_paths = tuple(str(p) for p in cfg.get("image_b64_paths", ()))
        self.url_paths = tuple(str(p) for p in cfg.get("image_url_paths", ()))
        if not self.b64_paths and not self.url_paths:
            raise ProfileError(
                "The profile names no JSON path to the images: set image_b64_paths or image_url_paths."
            )
        for p in (*self.b64_paths, *self.url_paths):
            parse_json_path(p)
        self.job_id_path = cfg.get("job_id_path")
        poll = cfg.get("poll")
        self.poll_url_template: str | None = None
        self._poll: PollSettings | None = None
        if poll:
            if not isinstance(poll, dict) or not poll.get("url"):
                raise ProfileError("The profile's 'poll' needs a 'url' (with {job_id}).")
            self.poll_url_template = str(poll["url"])
            self._poll = PollSettings(
                interval=float(poll.get("interval", 2.0)),
                timeout=float(poll.get("timeout", 600.0)),
                status_path=poll.get("status_path"),
                done_values=tuple(
                    str(v) for v in poll.get("done_values", PollSettings.done_values)
                ),
                failed_values=tuple(
                    str(v) for v in poll.get("failed_values", PollSettings.failed_values)
                ),
            )
        self._check_no_literal_secret()

    def _check_no_literal_secret(self) -> None:
        """Refuse a key written into the configuration: it would be stored in the case."""
        for name, value in self.headers.items():
            if name.lower() in ("authorization", "x-api-key", "api-key", "cookie") and (
                "{api_key}" not in value
            ):
                raise ProfileError(
                    f"The header {name} holds a literal value; write {{api_key}} there and keep the key in the keyring, so it is never stored in the case."
                )

    @property
    def request_url(self) -> str:
        return self.url_template.replace("{endpoint}", self.endpoint.rstrip("/"))

    @property
    def needs_credential(self) -> bool:
        return _mentions([self.headers, self.body, self.url_template], "api_key")

    @property
    def poll_settings(self) -> PollSettings | None:
        return self._poll

    def parameters(self) -> dict[str, Any]:
        return {"body_template": self.body}

    def _values(self, entry: PromptEntry | None, secret: str, job_id: str = "") -> dict[str, str]:
        return {
            "prompt": entry.prompt if entry else "",
            "negative_prompt": (entry.negative_prompt or "") if entry else "",
            "model": self.model or "",
            "api_key": secret,
            "job_id": job_id,
        }

    def generation_request(self, entry: PromptEntry, secret: str) -> HttpRequest:
        values = self._values(entry, secret)
        headers = [("Accept", "application/json")]
        body: bytes | None = None
        if self.method not in ("GET", "HEAD"):
            headers.insert(0, ("Content-Type", "application/json"))
            body = _json_body(fill_template(self.body, values))
        headers += [(k, fill_template(v, values)) for k, v in self.headers.items()]
        url = fill_template(self.request_url, {k: _quote(v) for k, v in values.items()})
        return HttpRequest(self.method, url, tuple(headers), body)

    def _job_id(self, document: Any, response: HttpResponse) -> str | None:
        if self.job_id_path:
            found = json_path_values(document, str(self.job_id_path))
            if found and found[0][1] not in (None, ""):
                return str(found[0][1])
        return response.header("x-job-id") or response.header("x-request-id")

    def parse_answer(self, request: HttpRequest, response: HttpResponse) -> GenerationAnswer:
        document = _parse_json(response)
        message = _error_message(document)
        if message:
            raise AnswerError(f"The platform answered with an error: {message}", retryable=False)
        job_id = self._job_id(document, response)
        images = _images(document, self.b64_paths, self.url_paths, request.url)
        status = None
        if self._poll and self._poll.status_path:
            found = json_path_values(document, self._poll.status_path)
            status = str(found[0][1]) if found else None
            if status in self._poll.failed_values:
                raise AnswerError(f"The platform reports the job {status}.", retryable=False)
        done_values = self._poll.done_values if self._poll else ()
        pending = self._poll is not None and not images and status not in done_values
        if pending and not job_id:
            raise AnswerError(
                "The answer has no image yet and no job id to poll for it.", retryable=False
            )
        facts: dict[str, Any] = {}
        if status is not None:
            facts["job_status"] = status
        return GenerationAnswer(job_id, images, pending=pending, facts=facts)

    def poll_request(self, answer: GenerationAnswer, secret: str) -> HttpRequest | None:
        if not self.poll_url_template or not answer.job_id:
            return None
        values = self._values(None, secret, answer.job_id)
        template = self.poll_url_template.replace("{endpoint}", self.endpoint.rstrip("/"))
        url = urljoin(
            self.request_url, fill_template(template, {k: _quote(v) for k, v in values.items()})
        )
        headers = [("Accept", "application/json")]
        headers += [(k, fill_template(v, values)) for k, v in self.headers.items()]
        return HttpRequest("GET", url, tuple(headers), None)

    def describe(self) -> dict[str, Any]:
        return {"profile": self.name, "request_url": self.request_url, "config": self.config}


def _quote(value: str) -> str:
    return quote(value, safe="")


GENERIC_EXAMPLE: dict[str, Any] = {
    "method": "POST",
    "url": "{endpoint}",
    "headers": {"Authorization": "Bearer {api_key}"},
    "body": {"prompt": "{prompt}", "negative_prompt": "{negative_prompt}", "steps": 30},
    "image_b64_paths": ["images[*].b64_json"],
    "image_url_paths": ["images[*].url"],
    "job_id_path": "job_id",
    "poll": {
        "url": "{endpoint}/jobs/{job_id}",
        "interval": 2,
        "timeout": 600,
        "status_path": "status",
        "done_values": ["done"],
        "failed_values": ["failed"],
    },
}
"""An example generic configuration (``poll`` is optional)."""


def demo_config(n: int = 1) -> dict[str, Any]:
    """The bundled Lumagen demo site's own API (``POST /api/generate?format=b64``)."""
    return {
        "method": "POST",
        "url": "{endpoint}/api/generate?format=b64",
        "body": {"prompt": "{prompt}", "negative_prompt": "{negative_prompt}", "n": n},
        "image_b64_paths": ["images[*].b64_json"],
        "image_url_paths": ["images[*].url"],
        "job_id_path": "job_id",
    }


def make_profile(
    name: str,
    endpoint: str,
    *,
    model: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
) -> Profile:
    """Build a profile by name; ``config`` is the generic profile's configuration."""
    if name == "openai":
        return OpenAIProfile(endpoint, model, parameters)
    if name == "generic":
        if not config:
            raise ProfileError(
                "The generic profile needs a configuration (--profile-config FILE.json)."
            )
        merged = dict(config)
        if parameters:
            body = dict(merged.get("body", {"prompt": "{prompt}"}))
            body.update(parameters)
            merged["body"] = body
        return GenericJsonProfile(endpoint, merged, model)
    if name == "demo":
        n = int((parameters or {}).get("n", 1))
        base = endpoint.strip().rstrip("/")
        base = base.removesuffix("/api/generate")
        return GenericJsonProfile(base, demo_config(n), model, name="demo")
    raise ProfileError(f"Unknown profile {name!r}; choose one of {', '.join(PROFILE_NAMES)}.")


def iter_secret_forms(secret: str) -> Iterator[str]:
    """The spellings under which a key could show up in recorded text."""
    if not secret:
        return
    yield secret
    quoted = _quote(secret)
    if quoted != secret:
        yield quoted
    escaped = json.dumps(secret)[1:-1]
    if escaped != secret:
        yield escaped
