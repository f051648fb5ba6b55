"""Prompt detection and image binding, on exchanges built by hand (no browser needed)."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

from PIL import Image

from app.capture.exchanges import REDACTED, Exchange, redact_body, redact_headers
from app.capture.generations import (
    GenerationBinder,
    GenerationEvent,
    find_prompt,
    read_response,
)

PROMPT = "生成星光侠, 长发"


def png(side: int = 128, color: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (side, side), color).save(buf, "PNG")
    return buf.getvalue()


def exchange(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    post: Any = None,
    content_type: str = "application/json",
    kind: str = "Fetch",
    at: float = 1000.0,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> Exchange:
    ex = Exchange(request_id=url, url=url, method=method, resource_type=kind)
    ex.started_wall, ex.started_mono = at, 0.0
    ex.response_mono, ex.finished_mono = 0.05, 0.1
    ex.status = status
    ex.remote_ip, ex.remote_port = "127.0.0.1", 8000
    if post is not None:
        ex.post_data = post if isinstance(post, bytes) else json.dumps(post).encode("utf-8")
        ex.request_headers = {"Content-Type": "application/json"}
    ex.response_headers = {"Content-Type": content_type, **(headers or {})}
    ex.mime_type = content_type.split(";")[0]
    ex.body = body
    return ex


class Collector:
    def __init__(self) -> None:
        self.events: list[GenerationEvent] = []

    def __call__(self, event: GenerationEvent) -> None:
        self.events.append(event)


def test_json_prompt_with_chinese_is_found_verbatim_with_negative_and_parameters() -> None:
    body = json.dumps(
        {"prompt": PROMPT, "negative_prompt": "模糊", "seed": 7, "n": 2}, ensure_ascii=False
    ).encode()
    found = find_prompt("POST", "http://x/api", "application/json", body)
    assert found is not None
    assert found.prompt == PROMPT
    assert found.negative_prompt == "模糊"
    assert found.parameters == {"seed": 7, "n": 2}


def test_gradio_data_array_prompt_is_its_first_text() -> None:
    body = json.dumps({"data": [PROMPT, "", -1], "fn_index": 0, "session_hash": "s1"}).encode()
    found = find_prompt("POST", "http://x/gradio/api/predict", "application/json", body)
    assert found is not None and found.prompt == PROMPT
    assert found.source == "gradio:data[0]"
    assert found.parameters["data"] == [PROMPT, "", -1]


def test_form_multipart_chat_and_query_prompts_are_found() -> None:
    form = b"prompt=%E7%94%9F%E6%88%90&steps=20"
    assert (
        find_prompt("POST", "http://x/", "application/x-www-form-urlencoded", form).prompt == "生成"
    )
    multipart = (
        b'--B\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n'
        + PROMPT.encode()
        + b"\r\n--B--\r\n"
    )
    found = find_prompt("POST", "http://x/", "multipart/form-data; boundary=B", multipart)
    assert found is not None and found.prompt == PROMPT
    chat = json.dumps({"model": "m", "messages": [{"role": "user", "content": PROMPT}]}).encode()
    assert find_prompt("POST", "http://x/", "application/json", chat).prompt == PROMPT
    assert find_prompt("GET", "http://x/gen?prompt=a%20cat", "", None).prompt == "a cat"
    assert find_prompt("POST", "http://x/", "application/json", b'{"page": 2}') is None


def test_response_facts_name_job_urls_inline_images_and_bad_json() -> None:
    inline = base64.b64encode(png()).decode()
    ex = exchange(
        "http://x/api/generate",
        body=json.dumps(
            {"job_id": "job_1", "images": [{"url": "/images/job_1/0.png"}, {"b64_json": inline}]}
        ).encode(),
    )
    facts = read_response(ex)
    assert facts.job_id == "job_1"
    assert facts.urls == ["http://x/images/job_1/0.png"]
    assert len(facts.inline) == 1 and facts.inline[0].data == png()
    broken = read_response(exchange("http://x/api/bad-json", body=b'{"job_id": "broken", "im'))
    assert broken.json_valid is False and "not valid JSON" in (broken.note or "")


def test_images_named_by_the_response_are_bound_same_response_in_named_order() -> None:
    got = Collector()
    binder = GenerationBinder(got)
    body = json.dumps({"job_id": "j9", "images": [{"url": "/i/0.png"}, {"url": "/i/1.png"}]})
    binder.on_exchange(
        exchange(
            "http://x/api/generate", method="POST", post={"prompt": PROMPT}, body=body.encode()
        )
    )
    binder.on_exchange(exchange("http://x/i/1.png", body=png(color="blue"), kind="Image", at=1001))
    assert got.events == []  # one named output is still missing
    binder.on_exchange(exchange("http://x/i/0.png", body=png(color="green"), kind="Image", at=1001))
    assert len(got.events) == 1
    event = got.events[0]
    assert event.prompt == PROMPT and event.job_id == "j9"
    assert event.binding == "same-response"
    assert [o.url for o in event.outputs] == ["http://x/i/0.png", "http://x/i/1.png"]
    assert event.outputs[0].data == png(color="green")


def test_async_job_polling_binds_by_job_id() -> None:
    got = Collector()
    binder = GenerationBinder(got)
    binder.on_exchange(
        exchange(
            "http://x/v1/tasks",
            method="POST",
            post={"input": {"prompt": PROMPT}},
            body=b'{"task_id": "t-42"}',
        )
    )
    binder.on_exchange(
        exchange(
            "http://x/v1/tasks/t-42",
            body=b'{"status": "done", "output": "https://cdn/x/t-42.webp"}',
        )
    )
    binder.on_exchange(exchange("https://cdn/x/t-42.webp", body=png(), kind="Image", at=1003))
    assert len(got.events) == 1
    assert got.events[0].job_id == "t-42"
    assert got.events[0].outputs[0].url == "https://cdn/x/t-42.webp"


def test_images_following_an_unnamed_prompt_are_bound_by_time_window_but_not_icons() -> None:
    got = Collector()
    clock = [1000.0]
    binder = GenerationBinder(got, window=30, idle=2, clock=lambda: clock[0])
    binder.on_exchange(
        exchange("http://x/ws-submit", method="POST", post={"text": PROMPT}, body=b"{}")
    )
    binder.on_exchange(exchange("http://x/icon.png", body=png(16), kind="Image", at=1001))
    binder.on_exchange(exchange("http://x/out.png", body=png(256), kind="Image", at=1002))
    binder.on_exchange(exchange("http://x/late.png", body=png(256), kind="Image", at=1100))
    clock[0] = 1040.0
    binder.tick()
    assert len(got.events) == 1
    event = got.events[0]
    assert event.binding == "time-window"
    assert [o.url for o in event.outputs] == ["http://x/out.png"]


def test_a_failed_generation_is_kept_with_no_outputs() -> None:
    got = Collector()
    binder = GenerationBinder(got)
    binder.on_exchange(
        exchange(
            "http://x/api/generate",
            method="POST",
            post={"prompt": PROMPT},
            body=b'{"error": "busy"}',
            status=503,
        )
    )
    assert len(got.events) == 1
    assert got.events[0].binding == "none" and got.events[0].outputs == []
    assert got.events[0].facts["request"]["status"] == 503


def test_page_report_supplies_the_prompt_as_typed_and_the_negative_field() -> None:
    got = Collector()
    binder = GenerationBinder(got)
    report = {
        "kind": "click",
        "target": "button#generate 生成",
        "url": "http://x/",
        "at": 1000.0,
        "fields": [
            {"tag": "textarea", "id": "prompt", "value": PROMPT},
            {"tag": "input", "id": "negative", "value": "模糊"},
        ],
    }
    binder.on_page_report(json.dumps(report, ensure_ascii=False))
    binder.on_exchange(
        exchange(
            "http://x/gradio/api/predict",
            method="POST",
            post=json.dumps({"data": [PROMPT, "模糊", -1]}, ensure_ascii=False).encode(),
            body=b'{"data": []}',
        )
    )
    binder.flush()
    event = got.events[0]
    assert event.negative_prompt == "模糊"
    assert event.facts["as_typed"]["matches_sent_prompt"] is True


def test_a_page_submit_no_request_carried_becomes_a_generation_only_if_images_follow() -> None:
    got = Collector()
    clock = [1000.0]
    binder = GenerationBinder(got, window=30, idle=1, clock=lambda: clock[0])
    report = {"kind": "click", "target": "button", "url": "http://x/", "at": 1000.0}
    binder.on_page_report(json.dumps({**report, "fields": [{"tag": "textarea", "value": PROMPT}]}))
    binder.on_page_report(
        json.dumps({**report, "at": 1000.5, "fields": [{"tag": "textarea", "value": "nothing"}]})
    )
    clock[0] = 1020.0
    binder.tick()  # both become page-only generations; the second closes the first's window
    binder.flush()
    assert got.events == []  # no image followed either: nothing is claimed


def test_cookies_authorization_and_password_fields_are_redacted() -> None:
    headers, names = redact_headers(
        {"Cookie": "sid=1", "Authorization": "Bearer x", "Accept": "*/*"}
    )
    assert headers["Cookie"] == REDACTED and headers["Authorization"] == REDACTED
    assert headers["Accept"] == "*/*" and sorted(names) == ["Authorization", "Cookie"]
    body, fields = redact_body(b'{"user": "a", "password": "hunter2"}', "application/json")
    assert b"hunter2" not in body and fields == ["password"]
    form, fields = redact_body(b"user=a&passwd=hunter2", "application/x-www-form-urlencoded")
    assert b"hunter2" not in form and fields == ["passwd"]


def test_inputs_gemini_contents_and_chat_content_parts_are_prompts() -> None:
    hf = find_prompt("POST", "http://x/models/m", "application/json", b'{"inputs": "a cat"}')
    assert hf is not None and hf.prompt == "a cat" and hf.source == "json:inputs"
    gemini = {
        "contents": [
            {"role": "user", "parts": [{"text": "old"}]},
            {"role": "model", "parts": [{"text": "sure"}]},
            {"role": "user", "parts": [{"text": PROMPT}, {"inlineData": {"data": "x"}}]},
        ]
    }
    found = find_prompt("POST", "http://x/g", "application/json", json.dumps(gemini).encode())
    assert found is not None and found.prompt == PROMPT
    chat = {"messages": [{"role": "user", "content": [{"type": "text", "text": PROMPT}]}]}
    found = find_prompt("POST", "http://x/c", "application/json", json.dumps(chat).encode())
    assert found is not None and found.prompt == PROMPT


def test_a_token_stream_is_reassembled_before_urls_are_read() -> None:
    url = "https://cdn.example/i/abc.png?v=1"
    text = f"Here: ![img]({url}) done"
    body = "".join(
        f"data: {json.dumps({'choices': [{'delta': {'content': text[i : i + 5]}}]})}\n\n"
        for i in range(0, len(text), 5)
    )
    ex = exchange(
        "http://x/api/chat",
        body=(body + "data: [DONE]\n\n").encode(),
        content_type="text/event-stream",
    )
    facts = read_response(ex)
    assert facts.urls == [url]  # never a fragment such as ".png?v"


def test_polling_binds_only_output_fields_by_job_id_and_ignores_related_thumbnails() -> None:
    got = Collector()
    binder = GenerationBinder(got)
    binder.on_exchange(
        exchange(
            "http://x/api/jobs", method="POST", post={"prompt": PROMPT}, body=b'{"job_id": "j7"}'
        )
    )
    status = {
        "status": "done",
        "output": {"images": ["/gen/a.png", "/gen/b.png"]},
        "related": [{"thumbnail": "/thumbs/1.png"}],
        "preview": "/maybe/c.png",
    }
    binder.on_exchange(exchange("http://x/api/jobs/j7", body=json.dumps(status).encode()))
    binder.on_exchange(exchange("http://x/thumbs/1.png", body=png(128, "gray"), kind="Image"))
    binder.on_exchange(exchange("http://x/gen/b.png", body=png(color="blue"), kind="Image"))
    binder.on_exchange(exchange("http://x/gen/a.png", body=png(color="green"), kind="Image"))
    binder.flush()
    assert len(got.events) == 1
    event = got.events[0]
    assert [o.url for o in event.outputs] == ["http://x/gen/a.png", "http://x/gen/b.png"]
    assert event.binding == "job-id" and {o.binding for o in event.outputs} == {"job-id"}
    assert "http://x/thumbs/1.png" in event.facts["ignored_urls"]
    assert [c["url"] for c in event.facts["candidates"]] == ["http://x/maybe/c.png"]
    assert binder.problems == []


def test_images_seen_before_a_page_only_submit_is_promoted_are_considered() -> None:
    got = Collector()
    clock = [1000.0]
    binder = GenerationBinder(got, window=30, idle=1, clock=lambda: clock[0])
    report = {"kind": "click", "target": "button", "url": "http://x/", "at": 1000.0}
    binder.on_page_report(json.dumps({**report, "fields": [{"tag": "textarea", "value": PROMPT}]}))
    binder.on_exchange(exchange("http://x/media/1.png", body=png(200), kind="Image", at=1001))
    clock[0] = 1020.0
    binder.tick()  # promoted after 15 s: the image that came before is looked at again
    binder.flush()
    assert len(got.events) == 1
    assert [o.url for o in got.events[0].outputs] == ["http://x/media/1.png"]
    assert got.events[0].binding == "time-window"


def test_what_was_not_seen_is_named() -> None:
    got = Collector()
    clock = [1000.0]
    binder = GenerationBinder(got, window=30, idle=1, clock=lambda: clock[0])
    binder.on_exchange(
        exchange(
            "http://x/api/g", method="POST", post={"prompt": PROMPT}, body=b'{"url": "/o/1.png"}'
        )
    )
    binder.on_exchange(exchange("http://x/o/1.png", body=png(), kind="Image", at=1001))
    binder.on_exchange(exchange("http://x/stray.png", body=png(200), kind="Image", at=1002))
    report = {"kind": "click", "target": "button", "url": "http://x/", "at": 1005.0}
    binder.on_page_report(json.dumps({**report, "fields": [{"tag": "textarea", "value": "lost"}]}))
    binder.flush("recording stopped")
    assert [e.prompt for e in got.events] == [PROMPT]
    assert any("'lost'" in p and "no generation was recorded" in p for p in binder.problems)
    assert any("http://x/stray.png" in p and "bound to no generation" in p for p in binder.problems)
