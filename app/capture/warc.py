"""The session as a web archive: WARC records written as exchanges complete, then a WACZ.

Each complete exchange becomes a ``request`` and a ``response`` record (``WARC-IP-Address``
from the connection the browser used) and a ``metadata`` record with the facts a WARC has
no field for: TLS details, timings, the remote port, redactions. The payload of a response
record is the body exactly as the browser received it after HTTP content decoding (what
``Network.getResponseBody`` returns); a ``Content-Encoding`` header is therefore kept as
``X-Archive-Orig-Content-Encoding`` and ``Content-Length`` set to the payload length, the
convention replay tools (pywb, ReplayWeb.page) follow, so the archive replays.

Unfinished or failed exchanges, and exchanges whose body could not be had (a body the page
consumed that Chromium no longer held), get a ``request`` record and a ``metadata`` record
naming the failure -- ``body_missing`` with the reason and the length Chromium reported,
and the response headers -- never a response record claiming a body it does not hold.
WebSockets get a ``resource`` record of their messages (see :meth:`WarcSink.write_websocket`).

Packaging uses the ``wacz`` package (the WACZ tool published on PyPI): its ``create``
command indexes the WARC and writes ``datapackage.json`` with a SHA-256 of every file.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from app.capture.exchanges import Exchange, iso_utc, redact_body, redact_headers
from app.capture.redaction import redact_string, redact_value
from app.core.errors import ProofshotError
from app.core.identity import tool_name

FACTS_URN = "urn:exchange-facts:"
"""Metadata records name the exchange they describe as ``urn:exchange-facts:<URL>`` (and
link to its records by ``WARC-Concurrent-To``), not the URL itself: replay tools index every
record by its target URI, and pywb served the JSON facts instead of the image when both had
the image's URL (the ``urn:pageinfo:`` convention of browsertrix-crawler, for the same reason)."""
EVENT_URN = "urn:session-event:"
_HOP_HEADERS = {"transfer-encoding", "content-length", "content-encoding", "connection"}


class WaczError(ProofshotError):
    """The web archive could not be packaged."""


def _warc_date(epoch: float | None) -> str | None:
    text = iso_utc(epoch)
    return text.replace("+00:00", "Z") if text else None


def _status_line(ex: Exchange) -> str:
    status = ex.status or 0
    reason = ex.status_text
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}".strip()


def _response_headers(ex: Exchange, payload_len: int) -> list[tuple[str, str]]:
    headers, _ = redact_headers(ex.all_response_headers())
    out: list[tuple[str, str]] = []
    for name, value in headers.items():
        lower = name.lower()
        if lower == "content-encoding":
            out.append(("X-Archive-Orig-Content-Encoding", value))
        elif lower in _HOP_HEADERS:
            if lower != "content-length":
                out.append((f"X-Archive-Orig-{name}", value))
            continue
        else:
            # One header per line: DevTools joins repeated headers with a newline.
            out.extend((name, part) for part in value.split("\n"))
    out.append(("Content-Length", str(payload_len)))
    return out


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def exchange_metadata(ex: Exchange, redactions: list[str], *, has_response: bool) -> dict[str, Any]:
    """The JSON block of an exchange's ``metadata`` record: the facts a WARC has no field for.

    Request headers are in the request record; response headers too, unless the body is
    missing (then they are all there is of the response). ``redactions`` (made while writing
    the request and response records) join the exchange's own; what an unfinished stream
    delivered and the event-stream messages are kept here."""
    facts = ex.facts()
    facts.pop("request_headers", None)
    if not ex.body_missing:
        facts.pop("response_headers", None)
    if redactions:
        facts["redacted"] = sorted(set(facts.get("redacted", [])) | set(redactions))
    if ex.stream_data and not has_response:
        # What an unfinished stream delivered before it was cut off (decoded bytes).
        facts["stream_received"] = redact_value(
            bytes(ex.stream_data[:1_000_000]).decode("utf-8", "replace")
        )[0]
        facts["stream_received_bytes"] = len(ex.stream_data)
    if ex.event_stream:
        facts["event_stream_messages"] = len(ex.event_stream)
        facts["event_stream"] = [
            {k: v for k, v in m.items() if k != "at"} | {"at": iso_utc(m.get("at"))}
            for m in ex.event_stream
        ]
    return facts


class WarcSink:
    """Writes one gzip WARC file, record by record, from any thread."""

    def __init__(self, path: Path, *, session_id: str, operator: str = "") -> None:
        self.path = path
        self.session_id = session_id
        self._lock = threading.Lock()
        self._file = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._writer = WARCWriter(self._file, gzip=True)
        self.records = 0
        self.responses = 0
        info = {
            "software": tool_name(),
            "format": "WARC File Format 1.1",
            "isPartOf": f"proofshot-session-{session_id}",
            "description": "Browser session recorded by Proofshot through the DevTools protocol.",
        }
        if operator:
            info["operator"] = operator
        record = self._writer.create_warcinfo_record(path.name, info)
        self._write(record)

    def _write(self, record: Any) -> None:
        with self._lock:
            if self._file.closed:
                return
            self._writer.write_record(record)
            self._file.flush()
            self.records += 1

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.close()

    def write_exchange(self, ex: Exchange) -> None:
        """Request, response (when complete) and metadata records for one exchange."""
        if not ex.url.startswith(("http://", "https://")):
            return
        date = _warc_date(ex.started_wall or None)
        req_id = f"<urn:uuid:{uuid.uuid4()}>"
        resp_id = f"<urn:uuid:{uuid.uuid4()}>"
        has_response = ex.status is not None and ex.body is not None and ex.truncated is None
        redactions = self._write_request(
            ex, req_id, date, concurrent_to=resp_id if has_response else None
        )
        if has_response:
            redactions += self._write_response(ex, resp_id)
        meta = json.dumps(
            exchange_metadata(ex, redactions, has_response=has_response),
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")
        warc_meta = {"WARC-Concurrent-To": resp_id if has_response else req_id}
        if date:
            warc_meta["WARC-Date"] = date
        if ex.truncated:
            warc_meta["WARC-Truncated"] = ex.truncated
        self._write(
            self._writer.create_warc_record(
                FACTS_URN + ex.url,
                "metadata",
                payload=io.BytesIO(meta),
                length=len(meta),
                warc_content_type="application/json",
                warc_headers_dict=warc_meta,
            )
        )

    def _write_request(
        self, ex: Exchange, req_id: str, date: str | None, *, concurrent_to: str | None
    ) -> list[str]:
        """The exchange's ``request`` record; returns what was redacted in it."""
        redactions: list[str] = []
        req_headers, red = redact_headers(ex.all_request_headers())
        redactions += [f"request header {n}" for n in red]
        body = ex.post_data or b""
        if body:
            body, red = redact_body(body, ex.request_content_type)
            redactions += [f"request body field {n}" for n in red]
        header_list = [(k, v) for k, v in req_headers.items() if not k.startswith(":")]
        if body and not any(k.lower() == "content-length" for k, _ in header_list):
            header_list.append(("Content-Length", str(len(body))))
        http_req = StatusAndHeaders(
            f"{ex.method} {_request_target(ex.url)} HTTP/1.1",
            header_list,
            is_http_request=True,
        )
        warc_req = {"WARC-Record-ID": req_id}
        if date:
            warc_req["WARC-Date"] = date
        if concurrent_to is not None:
            warc_req["WARC-Concurrent-To"] = concurrent_to
        if ex.redactions:  # names only; the metadata record lists them all
            warc_req["WARC-Proofshot-Redacted"] = "credentials (see metadata record)"
        self._write(
            self._writer.create_warc_record(
                ex.url,
                "request",
                payload=io.BytesIO(body),
                length=len(body),
                warc_headers_dict=warc_req,
                http_headers=http_req,
            )
        )
        return redactions

    def _write_response(self, ex: Exchange, resp_id: str) -> list[str]:
        """The exchange's ``response`` record (the body as received); returns redactions."""
        redactions: list[str] = []
        payload = ex.body or b""
        if not ex.is_image:
            payload, red = redact_body(payload, ex.content_type)
            redactions += [f"response body field {n}" for n in red]
        http_resp = StatusAndHeaders(
            _status_line(ex), _response_headers(ex, len(payload)), protocol="HTTP/1.1"
        )
        warc_resp = {"WARC-Record-ID": resp_id}
        resp_date = _warc_date(ex.response_wall or ex.started_wall or None)
        if resp_date:
            warc_resp["WARC-Date"] = resp_date
        if ex.remote_ip:
            warc_resp["WARC-IP-Address"] = ex.remote_ip
        if ex.body_redacted or ex.redactions:
            # The payload digest is of the redacted payload; the original is not claimed.
            warc_resp["WARC-Proofshot-Redacted"] = (
                "body: credentials replaced, payload is not the bytes as served"
                if ex.body_redacted
                else "headers or URL: credentials replaced"
            )
        self._write(
            self._writer.create_warc_record(
                ex.url,
                "response",
                payload=io.BytesIO(payload),
                length=len(payload),
                warc_headers_dict=warc_resp,
                http_headers=http_resp,
            )
        )
        self.responses += 1
        return redactions

    def write_websocket(self, ws: Any, *, open_at_stop: bool = False) -> None:
        """A WebSocket as the browser saw it: one ``resource`` record of its messages.

        Following the WebSocket proposal for WARC (iipc/warc-specifications#115, as
        browsertrix-crawler writes it): the target is the ``ws://``/``wss://`` URI,
        ``WARC-Resource-Type: websocket``, the block is JSON lines, one message a line
        (``ts`` seconds since the connection opened, ``type`` sent/received, ``opcode``,
        ``payloadData`` -- text as is, binary base64 -- and Proofshot's own ``at``, the
        UTC time). The handshake headers go in a ``metadata`` record beside it. A
        resource record holds what the client saw, not a wire response: no record
        here claims an HTTP body.
        """
        lines = []
        for frame in ws.frames:
            data = frame.get("data")
            entry = {
                "ts": round(float(frame["at"]) - float(ws.created_wall), 6),
                "type": frame["direction"],
                "opcode": frame["opcode"],
                "payloadData": base64.b64encode(data).decode("ascii")
                if data is not None
                else redact_value(frame.get("text", ""))[0],
                "at": iso_utc(frame["at"]),
            }
            if data is not None:
                entry["base64"] = True
            lines.append(json.dumps(entry, ensure_ascii=False))
        block = ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
        date = _warc_date(ws.created_wall)
        rec_id = f"<urn:uuid:{uuid.uuid4()}>"
        headers = {"WARC-Record-ID": rec_id, "WARC-Resource-Type": "websocket"}
        if date:
            headers["WARC-Date"] = date
        if open_at_stop:
            headers["WARC-Truncated"] = "time"
        self._write(
            self._writer.create_warc_record(
                redact_string(ws.url),
                "resource",
                payload=io.BytesIO(block),
                length=len(block),
                warc_content_type="application/jsonl",
                warc_headers_dict=headers,
            )
        )
        req_headers, _ = redact_headers(ws.request_headers)
        resp_headers, _ = redact_headers(ws.response_headers)
        meta = {
            **ws.facts(),
            "handshake_request_headers": req_headers,
            "handshake_response_headers": resp_headers,
            "open_at_stop": open_at_stop,
        }
        data = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
        meta_headers = {"WARC-Concurrent-To": rec_id}
        if date:
            meta_headers["WARC-Date"] = date
        self._write(
            self._writer.create_warc_record(
                FACTS_URN + redact_string(ws.url),
                "metadata",
                payload=io.BytesIO(data),
                length=len(data),
                warc_content_type="application/json",
                warc_headers_dict=meta_headers,
            )
        )

    def write_event(self, url: str, facts: dict[str, Any], at: float | None = None) -> None:
        """A metadata record for a session event that is not an exchange (pop-up, download)."""
        url, facts = redact_string(url), redact_value(facts)[0]
        meta = json.dumps(facts, ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {}
        date = _warc_date(at)
        if date:
            headers["WARC-Date"] = date
        self._write(
            self._writer.create_warc_record(
                EVENT_URN + url if url else "urn:proofshot:session",
                "metadata",
                payload=io.BytesIO(meta),
                length=len(meta),
                warc_content_type="application/json",
                warc_headers_dict=headers,
            )
        )


@dataclass(frozen=True)
class ArchivePage:
    """A page of the session, listed in the WACZ's pages.jsonl (what replay offers first)."""

    url: str
    at: float
    title: str = ""


def package_wacz(
    warc_path: Path,
    out_path: Path,
    pages: Sequence[ArchivePage],
    *,
    title: str,
    description: str = "",
) -> Path:
    """Package the WARC as a WACZ with the ``wacz`` tool (run in-process, output captured)."""
    from wacz.main import main as wacz_main  # loaded only when a session is packaged

    args = ["create", "-o", str(out_path), "--title", title]
    if description:
        args += ["--desc", description]
    seen: set[str] = set()
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": title})]
    for page in pages:
        if not page.url.startswith(("http://", "https://")) or page.url in seen:
            continue
        seen.add(page.url)
        entry = {"id": uuid.uuid4().hex, "url": redact_string(page.url), "ts": _warc_date(page.at)}
        if page.title:
            entry["title"] = page.title
        lines.append(json.dumps(entry, ensure_ascii=False))
    if len(lines) > 1:
        pages_path = out_path.with_name(out_path.stem + "-pages.jsonl")
        pages_path.write_text("\n".join(lines) + "\n", "utf-8")
        args += ["-p", str(pages_path), "--copy-pages"]
    else:
        args += ["--detect-pages"]
    args.append(str(warc_path))
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            code = wacz_main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    except Exception as exc:  # the packager's own failures, named for the user
        raise WaczError(f"The web archive could not be packaged as WACZ: {exc}.") from exc
    if code not in (0, None) or not out_path.is_file():
        raise WaczError(
            "The web archive could not be packaged as WACZ: "
            + (output.getvalue().strip().splitlines() or ["no output"])[-1]
        )
    return out_path
