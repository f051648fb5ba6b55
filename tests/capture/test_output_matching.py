"""The binding rules over open generations (app.capture.output_matching)."""

from __future__ import annotations

import io
import json

from PIL import Image

from app.capture.exchanges import Exchange
from app.capture.generation_lifecycle import OpenGeneration
from app.capture.output_matching import OutputMatcher, output_sized
from app.capture.page_script import PageReport
from app.capture.prompt_finding import prompt_in_frame
from app.capture.response_reading import image_urls_in_binary


def png(side: int = 96) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (side, side), "green").save(buf, "PNG")
    return buf.getvalue()


def image(url: str, at: float, side: int = 96, headers: dict[str, str] | None = None) -> Exchange:
    ex = Exchange(request_id=url, url=url, method="GET", resource_type="Image")
    ex.started_wall, ex.body, ex.mime_type = at, png(side), "image/png"
    ex.response_headers = {"Content-Type": "image/png", **(headers or {})}
    return ex


def status(url: str, doc: dict) -> Exchange:
    ex = Exchange(request_id=url, url=url, method="GET")
    ex.started_wall, ex.body = 105.0, json.dumps(doc).encode()
    ex.response_headers = {"Content-Type": "application/json"}
    return ex


def gen(**kw: object) -> OpenGeneration:
    return OpenGeneration("p", None, {}, "http://h/api", 100.0, **kw)  # type: ignore[arg-type]


def matcher() -> OutputMatcher:
    return OutputMatcher(window=60.0, clock=lambda: 110.0)


def test_rules_strongest_first_named_then_job_id_then_time() -> None:
    m = matcher()
    named, job, timed = gen(expected_urls=["http://h/a.png"]), gen(job_id="J9"), gen()
    opened = [timed, job, named]
    m.bind_image(opened, image("http://h/a.png", 101.0))
    m.bind_image(opened, image("http://h/out/J9/1.png", 102.0))
    m.bind_image(opened, image("http://h/by-header.png", 102.0, headers={"X-Job-Id": "J9"}))
    named.closed_for_window = job.closed_for_window = True
    m.bind_image(opened, image("http://h/later.png", 103.0))
    assert [(o.url, o.binding) for o in named.outputs] == [("http://h/a.png", "same-response")]
    assert [o.binding for o in job.outputs] == ["job-id", "job-id"]
    assert [(o.url, o.binding) for o in timed.window_candidates] == [
        ("http://h/later.png", "time-window")
    ]
    assert m.bound_urls == {"http://h/a.png", "http://h/out/J9/1.png", "http://h/by-header.png"}


def test_time_binds_only_output_sized_images_seen_for_the_first_time_in_the_window() -> None:
    m = matcher()
    g = gen()
    m.bind_image([g], image("http://h/icon.png", 101.0, side=32))
    m.bind_image([g], image("http://h/old.png", 99.0))
    m.bind_image([g], image("http://h/late.png", 161.0))
    assert g.window_candidates == []
    m.seen_urls.add("http://h/again.png")
    m.bind_image([g], image("http://h/again.png", 101.0))
    m.ignored_urls["http://h/avatar.png"] = "user.avatar"
    m.bind_image([gen(expected_urls=[]), g], image("http://h/avatar.png", 101.0))
    assert g.window_candidates == []
    assert not output_sized(png(63)) and output_sized(png(64)) and not output_sized(b"text")


def test_a_status_response_of_the_job_names_outputs_candidates_and_ignored_urls() -> None:
    m = matcher()
    g = gen(job_id="J1")
    m.remember(image("http://h/r/1.png", 101.0))
    doc = {
        "id": "J1",
        "images": ["http://h/r/1.png", "http://h/r/2.png"],
        "thing": "http://h/r/maybe.png",
        "related": ["http://h/r/other.png"],
    }
    m.follow_up([g], status("http://h/status", doc))
    assert [(o.url, o.binding) for o in g.outputs] == [("http://h/r/1.png", "job-id")]
    assert (
        g.expected_urls == ["http://h/r/2.png"] and g.expected_rule["http://h/r/2.png"] == "job-id"
    )
    assert g.candidates == [
        {"url": "http://h/r/maybe.png", "from": "http://h/status", "reason": "doubtful field"}
    ]
    assert m.ignored_urls == {"http://h/r/other.png": "related[0]"}
    assert g.facts["status_requests"] == ["http://h/status"]
    other = gen(job_id="K2")
    m.follow_up([other], status("http://h/status2", doc))
    assert other.outputs == [] and "status_requests" not in other.facts


def test_images_after_a_submit_that_went_nowhere_are_accounted_for_once() -> None:
    m = matcher()
    m.remember(image("http://h/before.png", 90.0))
    m.note_submit(100.0)
    m.remember(image("http://h/bound.png", 101.0))
    m.remember(image("http://h/lost.png", 102.0))
    m.remember(image("http://h/tiny.png", 102.0, side=16))
    m.bound_urls.add("http://h/bound.png")
    assert m.unbound_after_submit() == ["http://h/lost.png"]
    assert m.unbound_after_submit() == []


def test_window_from_recent_takes_unbound_images_up_to_the_next_prompt() -> None:
    m = matcher()
    for url, at in (("http://h/1.png", 101.0), ("http://h/2.png", 120.0), ("http://h/0.png", 99.0)):
        m.remember(image(url, at))
    g = gen()
    m.window_from_recent(g, until=110.0)
    assert [c.url for c in g.window_candidates] == ["http://h/1.png"]
    m.window_from_recent(g)
    assert [c.url for c in g.window_candidates] == ["http://h/1.png", "http://h/2.png"]


def test_failed_named_output_counts_as_arrived() -> None:
    m = matcher()
    g = gen(expected_urls=["http://h/a.png"])
    failed = Exchange(request_id="f", url="http://h/a.png", method="GET", failure="net::ERR_FAILED")
    m.output_failed([g], failed)
    assert g.expected_urls == [] and g.last_activity == 110.0
    assert g.facts["missing_outputs"] == [{"url": "http://h/a.png", "reason": "net::ERR_FAILED"}]


def test_websocket_frames_prompts_and_image_urls() -> None:
    text = prompt_in_frame('{"prompt": "a cat", "seed": 1}', [], 5.0)
    assert text is not None and text.prompt == "a cat"
    assert text.source == "websocket text frame json:prompt"
    assert prompt_in_frame("not json", [], 5.0) is None
    frame = b"\x0a\x05a cat\x12\x10http://h/o/1.webp\x1a\x04/x.js"
    report = PageReport("click", "", "", 100.0, [{"tag": "textarea", "value": "a cat"}])
    found = prompt_in_frame(frame, [report], 130.0)
    assert found is not None and found.source == "websocket binary frame: string field"
    assert prompt_in_frame(frame, [report], 161.0) is None  # more than a minute apart
    assert image_urls_in_binary(frame) == ["http://h/o/1.webp"]
