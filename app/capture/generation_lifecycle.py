"""A generation's life as records: opened from a request (or a page submit), closed into the
:class:`GenerationEvent` that is stored.

The binder (:mod:`app.capture.generations`) decides *when* a generation opens and closes and
which images reach it (:mod:`app.capture.output_matching`); this module says *what* the
records hold then: the facts of the request that carried the prompt, the prompt as typed on
the page, the outputs a response carried itself, and at the close the outputs in the order
the response named them, the weakest binding rule used, and what was named but never came.
Pure functions over plain data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from app.capture.exchanges import Exchange, iso_utc
from app.capture.page_script import PageReport
from app.capture.prompt_finding import PromptFinding
from app.capture.response_reading import ResponseFacts

BINDING_ORDER = ("same-response", "job-id", "time-window")
"""The binding rules, strongest first."""


@dataclass
class OutputImage:
    """One image bound to a generation: its bytes as served and where they came from."""

    data: bytes
    url: str
    binding: str
    received_at: float | None
    facts: dict[str, Any]


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
class OpenGeneration:
    """A generation still gathering its outputs."""

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


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def short(text: str, limit: int = 80) -> str:
    """Text on one line, cut to ``limit`` characters, quoted (for a problem message)."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# -- opening ----------------------------------------------------------------------------------


def request_facts(ex: Exchange) -> dict[str, Any]:
    """The facts of the request that carried a prompt: where it went and how it ended."""
    return {
        "method": ex.method,
        "url": ex.url,
        "status": ex.status,
        "remote_ip": ex.remote_ip,
        "remote_port": ex.remote_port,
        "tls_protocol": (ex.security_details or {}).get("protocol"),
        "tls_subject": (ex.security_details or {}).get("subjectName"),
        "failure": ex.failure,
    }


def open_from_request(
    ex: Exchange, finding: PromptFinding, resp: ResponseFacts, now: float
) -> OpenGeneration:
    """A generation opened by the request ``ex`` that carried ``finding`` (its response read
    as ``resp``): prompt, parameters, times, job id and the request's facts."""
    gen = OpenGeneration(
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
    gen.facts = {
        "prompt_source": finding.source,
        "request": request_facts(ex),
        "response_json_valid": resp.json_valid,
    }
    if resp.note:
        gen.facts["response_note"] = resp.note
    if ex.body is not None:
        gen.facts["response_body_sha256"] = sha256_hex(ex.body)
    return gen


def typed_facts(report: PageReport) -> dict[str, Any]:
    """What the page reported at the submit: the trigger, its box, the page and the fields."""
    return {
        "trigger": f"{report.kind} {report.target}".strip(),
        **({"trigger_box": report.target_box} if report.target_box else {}),
        "page_url": report.url,
        "at": iso_utc(report.at),
        "fields": report.fields,
    }


def add_as_typed(gen: OpenGeneration, report: PageReport, ex: Exchange) -> None:
    """Record the prompt as typed beside the prompt as sent; take the page's negative field
    when the request did not name one but does carry that text."""
    typed = report.prompt_field()
    gen.facts["as_typed"] = {
        **typed_facts(report),
        "prompt_field_value": typed.get("value") if typed else None,
        "matches_sent_prompt": bool(typed and typed.get("value") == gen.prompt),
    }
    neg = report.negative_field()
    if gen.negative is None and neg is not None and neg.get("value"):
        sent = (ex.post_data or b"").decode("utf-8", "replace")
        if json.dumps(neg["value"], ensure_ascii=False)[1:-1] in sent or neg["value"] in sent:
            gen.negative = neg["value"]
            gen.facts["negative_prompt_source"] = "page field, also found in the request"


def response_outputs(ex: Exchange, resp: ResponseFacts) -> list[OutputImage]:
    """The outputs the generation's own response carries: itself when it is an image, then
    the images inline in it (base64), all bound by ``same-response``."""
    outputs: list[OutputImage] = []
    if resp.self_image is not None:
        outputs.append(
            OutputImage(
                resp.self_image,
                ex.url,
                "same-response",
                ex.finished_wall,
                {**ex.facts(), "note": "the generation's own response is the image"},
            )
        )
    for index, image in enumerate(resp.inline):
        outputs.append(
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
    return outputs


def open_from_report(report: PageReport, now: float) -> OpenGeneration | None:
    """A generation for a prompt submitted on the page that no request carried (bound by
    time only); None when the report's prompt field is empty."""
    typed = report.prompt_field()
    if typed is None or not typed.get("value", "").strip():
        return None
    neg = report.negative_field()
    gen = OpenGeneration(
        prompt=typed["value"],
        negative=neg.get("value") if neg else None,
        parameters={},
        request_url=report.url,
        submitted=report.at,
        last_activity=now,
        page_only=True,
    )
    gen.facts = {
        "prompt_source": "page fields (no request carrying the prompt was seen)",
        "as_typed": typed_facts(report),
    }
    return gen


# -- closing ----------------------------------------------------------------------------------


def is_done(gen: OpenGeneration, now: float, window: float, idle: float) -> bool:
    """Complete: every named output arrived (or was reported missing), the request failed
    with nothing still expected, or the window has passed and it has been idle."""
    named_done = (gen.outputs or gen.facts.get("missing_outputs")) and not gen.expected_urls
    failed = gen.failed and not gen.expected_urls and not gen.page_only
    return bool(
        named_done or failed or (now - gen.submitted > window and now - gen.last_activity > idle)
    )


def close_generation(gen: OpenGeneration) -> GenerationEvent | None:
    """The event a finished generation is stored as; None for a page-only submit nothing
    came of (no request carried it, no image followed: not a generation)."""
    named = {url: i for i, url in enumerate(gen.named_urls)}
    # Outputs in the order the response named them (arrival order varies with the network).
    outputs = sorted(gen.outputs, key=lambda o: named.get(o.url, len(named)))
    if not outputs and gen.window_candidates:
        outputs = list(gen.window_candidates)
    if gen.page_only and not outputs:
        return None
    if gen.candidates:
        gen.facts["candidates"] = gen.candidates
    elif gen.window_candidates:
        gen.facts["other_images_in_window"] = [c.url for c in gen.window_candidates]
    for url in gen.expected_urls:
        gen.facts.setdefault("missing_outputs", []).append(
            {"url": url, "reason": "named by the response but not loaded by the page"}
        )
    # The weakest rule used: a binding never claims more than its weakest link.
    binding = max((o.binding for o in outputs), key=BINDING_ORDER.index) if outputs else "none"
    gen.facts["outputs"] = [
        {"url": o.url, "binding": o.binding, "sha256": sha256_hex(o.data)} for o in outputs
    ]
    return GenerationEvent(
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
