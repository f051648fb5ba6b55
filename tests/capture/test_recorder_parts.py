"""The parts split out of the network recorder (issue 17), each on its own: which paused
responses are read and how (``pause_plan``), where a finished body comes from
(``app.capture.bodies``) and how an exchange is built from event fields
(``app.capture.assembly``). The browser-driven tests (test_zoo, test_hostile_pages) cover
them together."""

from __future__ import annotations

import base64

from app.capture.assembly import apply_response, exchange_from_request, redirected
from app.capture.bodies import charset_of, declared_length, decoded, keep_answer, mark_missing
from app.capture.exchanges import Exchange
from app.capture.response_stage import (
    INLINE,
    MAX_INLINE_BODY,
    SKIP,
    STREAM,
    TOO_LARGE,
    pause_plan,
)

LIMIT = 10_000_000


def _paused(status: int | None = 200, **headers: str) -> dict:
    return {
        "requestId": "interception-1",
        "networkId": "1000.1",
        "responseStatusCode": status,
        "responseHeaders": [{"name": k.replace("_", "-"), "value": v} for k, v in headers.items()],
    }


def test_pause_plan_reads_known_length_bodies_inline_and_large_or_unknown_binary_as_stream() -> (
    None
):
    png = _paused(Content_Type="image/png", Content_Length="1234")
    assert pause_plan(png, "1000.1", LIMIT) == (INLINE, 200, "image/png")
    big = _paused(Content_Type="image/png", Content_Length=str(MAX_INLINE_BODY + 1))
    assert pause_plan(big, "1000.1", LIMIT).action == STREAM
    unknown = _paused(Content_Type="application/octet-stream")
    assert pause_plan(unknown, "1000.1", LIMIT).action == STREAM
    huge = _paused(Content_Type="video/mp4", Content_Length=str(LIMIT + 1))
    assert pause_plan(huge, "1000.1", LIMIT) == (TOO_LARGE, 200, "video/mp4")


def test_pause_plan_lets_streams_redirects_failures_and_unknown_length_text_go() -> None:
    assert pause_plan(_paused(Content_Type="text/event-stream"), "1", LIMIT).action == SKIP
    assert pause_plan(_paused(Content_Type="application/json"), "1", LIMIT).action == SKIP
    assert pause_plan(_paused(302, Location="/x"), "1", LIMIT) == (SKIP, 302, "")
    assert pause_plan(_paused(204), "1", LIMIT).action == SKIP
    assert pause_plan(_paused(None), "1", LIMIT).action == SKIP
    assert pause_plan(_paused(Content_Length="5"), "", LIMIT).action == SKIP  # no network id
    failed = {**_paused(Content_Length="5"), "responseErrorReason": "Failed"}
    assert pause_plan(failed, "1", LIMIT).action == SKIP
    # Known-length text is taken: it cannot be a reply still streaming.
    text = _paused(Content_Type="Application/JSON; charset=utf-8", Content_Length="20")
    assert pause_plan(text, "1", LIMIT) == (INLINE, 200, "Application/JSON; charset=utf-8")


def test_text_answers_are_re_encoded_in_the_charset_they_were_served_in() -> None:
    assert charset_of('text/html; Charset="ISO-8859-1"') == "ISO-8859-1"
    assert charset_of("text/html") is None
    assert decoded({"body": "café"}, "text/plain; charset=iso-8859-1") == (b"caf\xe9", None)
    assert (
        decoded({"body": base64.b64encode(b"\x00\x01").decode(), "base64Encoded": True}, "")[0]
        == b"\x00\x01"
    )
    body, note = decoded({"body": "猫"}, "text/plain; charset=latin-1")
    assert body == "猫".encode() and note and "re-encoded as UTF-8" in note


def _measured(length: int) -> Exchange:
    ex = Exchange(request_id="9", url="https://example.test/img", method="GET")
    ex.status, ex.response_headers = 200, {"Content-Length": str(length)}
    return ex


def test_an_empty_answer_for_a_measured_body_is_recorded_missing_never_empty() -> None:
    ex = _measured(512)
    assert declared_length(ex) == 512
    keep_answer(ex, {"body": ""}, "not complete within 15 s at the response stage")
    assert ex.body is None
    assert ex.body_missing is not None
    assert ex.body_missing["declared_length"] == 512
    assert "(response stage: not complete within 15 s" in ex.body_missing["reason"]
    unmeasured = _measured(0)
    keep_answer(unmeasured, {"body": ""}, "")
    assert unmeasured.body == b"" and unmeasured.body_source == "Network.getResponseBody"


def test_an_empty_answer_falls_back_to_the_stream_read_as_it_arrived() -> None:
    ex = _measured(0)
    ex.stream_data = bytearray(b"data: hi\n\n")
    keep_answer(ex, {"body": ""}, "")
    assert ex.body == b"data: hi\n\n" and ex.body_source == "Network.streamResourceContent"


def test_mark_missing_names_the_lengths_chromium_reported() -> None:
    ex = _measured(100)
    ex.encoded_length, ex.body = 80, b"x"
    mark_missing(ex, "gone")
    assert ex.body is None and ex.body_note == "gone"
    assert ex.body_missing == {
        "reason": "gone",
        "reported_length": 80,
        "data_received": 0,
        "declared_length": 100,
        "encoded_length": 80,
    }


def test_an_exchange_is_assembled_from_request_and_response_event_fields() -> None:
    sent = {
        "requestId": "5",
        "type": "Fetch",
        "frameId": "F",
        "wallTime": 1_700_000_000.0,
        "timestamp": 10.0,
        "request": {
            "url": "https://example.test/api",
            "urlFragment": "#top",
            "method": "POST",
            "headers": {"Content-Type": "application/json", "X-N": 3},
            "hasPostData": True,
            "postDataEntries": [
                {"bytes": base64.b64encode(b'{"a":').decode()},
                {"bytes": base64.b64encode(b"1}").decode()},
            ],
        },
    }
    ex = exchange_from_request(sent)
    assert (ex.request_id, ex.url, ex.method) == ("5", "https://example.test/api#top", "POST")
    assert ex.request_headers == {"Content-Type": "application/json", "X-N": "3"}
    assert ex.post_data == b'{"a":1}' and ex.has_post_data
    apply_response(
        ex,
        {
            "status": 201,
            "headers": {"Content-Type": "application/json"},
            "remoteIPAddress": "127.0.0.1",
            "requestHeaders": {"Cookie": "a=b"},
        },
        10.5,
    )
    assert ex.status == 201 and ex.remote_ip == "127.0.0.1"
    assert ex.request_headers_raw == {"Cookie": "a=b"}
    assert ex.response_wall == 1_700_000_000.5


def test_a_redirect_closes_the_previous_exchange_with_no_body() -> None:
    first = exchange_from_request({"requestId": "1", "request": {"url": "http://a.test/"}})
    nxt = {"requestId": "1", "timestamp": 3.0, "request": {"url": "https://a.test/"}}
    closed = redirected(first, {"status": 301, "headers": {"Location": "https://a.test/"}}, nxt)
    assert closed is first
    assert (closed.status, closed.redirected_to, closed.body) == (301, "https://a.test/", b"")
    assert closed.finished_mono == 3.0 and closed.body_note.startswith("redirect")
