"""Opening and closing a generation's records (app.capture.generation_lifecycle)."""

from __future__ import annotations

import base64
import io
import json

from PIL import Image

from app.capture.exchanges import Exchange
from app.capture.generation_lifecycle import (
    OpenGeneration,
    OutputImage,
    add_as_typed,
    close_generation,
    is_done,
    open_from_report,
    open_from_request,
    response_outputs,
)
from app.capture.page_script import PageReport
from app.capture.prompt_finding import PromptFinding
from app.capture.response_reading import read_response


def png(side: int = 96) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (side, side), "blue").save(buf, "PNG")
    return buf.getvalue()


def request(body: bytes, *, status: int = 200, post: bytes = b"{}") -> Exchange:
    ex = Exchange(request_id="r1", url="http://127.0.0.1/api/gen", method="POST")
    ex.started_wall, ex.started_mono, ex.finished_mono = 100.0, 0.0, 2.0
    ex.status, ex.body, ex.post_data = status, body, post
    ex.response_headers = {"Content-Type": "application/json"}
    return ex


def out(url: str, binding: str) -> OutputImage:
    return OutputImage(url.encode(), url, binding, None, {})


def test_open_from_request_records_the_request_and_what_its_response_carries() -> None:
    image = png()
    b64 = json.dumps({"job_id": "J7", "images": [{"b64_json": base64.b64encode(image).decode()}]})
    ex = request(b64.encode(), status=500)
    resp = read_response(ex)
    finding = PromptFinding("a cat", "json:prompt", "blurry", {"seed": 3})
    gen = open_from_request(ex, finding, resp, now=999.0)
    assert (gen.prompt, gen.negative, gen.parameters) == ("a cat", "blurry", {"seed": 3})
    assert gen.parameters is not finding.parameters
    assert gen.job_id == "J7" and gen.submitted == 100.0 and gen.returned == 102.0
    assert gen.failed and gen.last_activity == 999.0 and gen.request_id == "r1"
    assert gen.facts["prompt_source"] == "json:prompt"
    assert gen.facts["request"]["status"] == 500 and gen.facts["response_json_valid"] is True
    assert len(gen.facts["response_body_sha256"]) == 64
    outputs = response_outputs(ex, resp)
    assert [(o.url, o.binding, o.data) for o in outputs] == [
        ("http://127.0.0.1/api/gen#images[0].b64_json", "same-response", image)
    ]
    assert outputs[0].facts["inline_index"] == 0
    itself = request(image)
    assert [o.url for o in response_outputs(itself, read_response(itself))] == [itself.url]


def test_as_typed_joins_the_page_fields_and_takes_a_negative_the_request_carries() -> None:
    fields = [
        {"tag": "textarea", "id": "prompt", "value": "a cat"},
        {"tag": "input", "id": "neg", "value": "dogs"},
    ]
    report = PageReport(
        "click",
        "button Go",
        "http://127.0.0.1/",
        100.5,
        fields,
        {"x": 1, "y": 1, "width": 2, "height": 2},
    )
    gen = OpenGeneration("a cat", None, {}, "u", 100.0)
    add_as_typed(gen, report, request(b"{}", post=b'{"p": "a cat", "n": "dogs"}'))
    assert gen.negative == "dogs"
    typed = gen.facts["as_typed"]
    assert typed["trigger"] == "click button Go" and typed["trigger_box"]["width"] == 2
    assert typed["matches_sent_prompt"] is True and typed["prompt_field_value"] == "a cat"
    elsewhere = OpenGeneration("a cat!", None, {}, "u", 100.0)
    add_as_typed(elsewhere, report, request(b"{}", post=b'{"p": "a cat!"}'))
    assert elsewhere.negative is None and "negative_prompt_source" not in elsewhere.facts
    assert elsewhere.facts["as_typed"]["matches_sent_prompt"] is False


def test_a_page_report_opens_a_page_only_generation_when_its_field_has_text() -> None:
    empty = PageReport("click", "", "http://p/", 5.0, [{"tag": "textarea", "value": " "}])
    assert open_from_report(empty, 9.0) is None
    report = PageReport("enter", "textarea", "http://p/", 5.0, [{"tag": "textarea", "value": "x"}])
    gen = open_from_report(report, 9.0)
    assert gen is not None and gen.page_only and gen.prompt == "x" and gen.submitted == 5.0
    assert gen.facts["as_typed"]["page_url"] == "http://p/"


def test_done_when_named_outputs_came_when_failed_or_after_window_and_idle() -> None:
    gen = OpenGeneration("p", None, {}, "u", submitted=0.0, last_activity=0.0)
    assert not is_done(gen, 10.0, window=60.0, idle=8.0)
    assert is_done(gen, 70.0, window=60.0, idle=8.0)
    gen.last_activity = 65.0
    assert not is_done(gen, 70.0, window=60.0, idle=8.0)
    gen.outputs.append(out("a", "same-response"))
    assert is_done(gen, 10.0, window=60.0, idle=8.0)
    gen.expected_urls.append("b")
    assert not is_done(gen, 10.0, window=60.0, idle=8.0)
    failed = OpenGeneration("p", None, {}, "u", 0.0, failed=True)
    assert is_done(failed, 1.0, window=60.0, idle=8.0)
    failed.page_only = True
    assert not is_done(failed, 1.0, window=60.0, idle=8.0)


def test_close_orders_outputs_as_named_and_claims_the_weakest_rule() -> None:
    gen = OpenGeneration("p", None, {}, "u", 0.0, named_urls=["b", "a"], expected_urls=["c"])
    gen.outputs = [out("a", "same-response"), out("x", "job-id"), out("b", "same-response")]
    gen.window_candidates = [out("w", "time-window")]
    event = close_generation(gen)
    assert event is not None
    assert [o.url for o in event.outputs] == ["b", "a", "x"]
    assert event.binding == "job-id"
    assert event.facts["missing_outputs"] == [
        {"url": "c", "reason": "named by the response but not loaded by the page"}
    ]
    assert event.facts["other_images_in_window"] == ["w"]
    assert [o["url"] for o in event.facts["outputs"]] == ["b", "a", "x"]


def test_close_falls_back_to_time_candidates_and_drops_an_empty_page_only_submit() -> None:
    gen = OpenGeneration("p", None, {}, "u", 0.0)
    gen.window_candidates = [out("w", "time-window")]
    event = close_generation(gen)
    assert event is not None and event.binding == "time-window" and event.outputs[0].url == "w"
    nothing = close_generation(OpenGeneration("p", None, {}, "u", 0.0))
    assert nothing is not None and nothing.binding == "none" and nothing.outputs == []
    assert close_generation(OpenGeneration("p", None, {}, "u", 0.0, page_only=True)) is None
