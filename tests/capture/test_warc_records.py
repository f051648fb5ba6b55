"""The pieces of :meth:`WarcSink.write_exchange`: the metadata block, request and response
records, each on its own (split out of one 109-line method, issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from app.capture.exchanges import Exchange
from app.capture.warc import FACTS_URN, WarcSink, exchange_metadata


def _stream_cut_off() -> Exchange:
    ex = Exchange(request_id="7", url="https://example.test/chat", method="POST")
    ex.started_wall, ex.started_mono = 1_700_000_000.0, 1.0
    ex.status, ex.truncated = 200, "time"
    ex.response_headers = {"Content-Type": "text/event-stream"}
    ex.request_headers = {"Authorization": "Bearer sk-abcdefghijklmnop"}
    ex.stream_data = bytearray(b"data: one\n\ndata: two\n\n")
    ex.event_stream = [{"event": "message", "id": "1", "data": "one", "at": 1_700_000_001.0}]
    return ex


def test_metadata_of_a_cut_off_stream_keeps_what_arrived_and_drops_request_headers() -> None:
    facts = exchange_metadata(_stream_cut_off(), ["request body field key"], has_response=False)
    assert "request_headers" not in facts
    assert "response_headers" not in facts  # the body is not missing: it is truncated
    assert facts["stream_received"] == "data: one\n\ndata: two\n\n"
    assert facts["stream_received_bytes"] == 22
    assert facts["event_stream_messages"] == 1
    assert facts["event_stream"][0]["at"].startswith("2023-11-14T22:13:21")
    assert facts["redacted"] == ["request body field key"]


def test_metadata_keeps_response_headers_only_when_the_body_is_missing() -> None:
    ex = _stream_cut_off()
    ex.body_missing = {"reason": "gone", "reported_length": 5}
    facts = exchange_metadata(ex, [], has_response=False)
    assert facts["response_headers"] == {"Content-Type": "text/event-stream"}
    assert "redacted" not in facts
    # A complete response: the stream's bytes are its body, not repeated in the metadata.
    assert "stream_received" not in exchange_metadata(ex, [], has_response=True)


def test_request_and_response_records_are_linked_and_report_their_redactions(
    tmp_path: Path,
) -> None:
    ex = Exchange(request_id="1", url="https://example.test/api?x=1", method="POST")
    ex.started_wall, ex.status, ex.status_text = 1_700_000_000.0, 200, "OK"
    ex.request_headers = {"Content-Type": "application/json"}
    ex.post_data = b'{"prompt": "a cat", "api_key": "sk-abcdefghijklmnopqrstu"}'
    ex.response_headers = {"Content-Type": "application/json"}
    ex.body = b'{"token": "sk-zyxwvutsrqponmlkjihgf", "ok": true}'
    sink = WarcSink(tmp_path / "r.warc.gz", session_id="s")
    sink.write_exchange(ex)
    sink.close()
    with (tmp_path / "r.warc.gz").open("rb") as fh:
        records = [
            (r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]
    kinds = [r[0] for r in records]
    assert kinds == ["warcinfo", "request", "response", "metadata"]
    _, req, req_body = records[1]
    _, resp, resp_body = records[2]
    _, meta, meta_body = records[3]
    assert req["WARC-Concurrent-To"] == resp["WARC-Record-ID"]
    assert meta["WARC-Concurrent-To"] == resp["WARC-Record-ID"]
    assert meta["WARC-Target-URI"] == FACTS_URN + ex.url
    assert b"sk-abcdefghijklmnopqrstu" not in req_body
    assert b"sk-zyxwvutsrqponmlkjihgf" not in resp_body
    facts = json.loads(meta_body)
    assert any(n.startswith("request body field") for n in facts["redacted"])
    assert any(n.startswith("response body field") for n in facts["redacted"])
    assert sink.responses == 1 and sink.records == 4
