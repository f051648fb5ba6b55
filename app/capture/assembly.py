"""Assembling an :class:`~app.capture.exchanges.Exchange` from ``Network.*`` event fields.

Split out of :class:`~app.capture.recorder.NetworkRecorder` (issue 17): the recorder keeps
the open exchanges and the order of events; these pure functions turn one event's fields
into the exchange's request and response facts, so they can be read (and tested) without
a browser.
"""

from __future__ import annotations

import base64
from typing import Any

from app.capture.exchanges import Exchange


def headers_of(value: Any) -> dict[str, str]:
    """A DevTools headers object as a ``str -> str`` dict (anything else as empty)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def exchange_from_request(p: dict[str, Any]) -> Exchange:
    """A new exchange from ``Network.requestWillBeSent``: URL (with its fragment), method,
    type, frame, headers, times and the request body when the event carries it."""
    req = p.get("request") or {}
    url = str(req.get("url", ""))
    if req.get("urlFragment"):
        url += str(req["urlFragment"])
    ex = Exchange(
        request_id=str(p.get("requestId")),
        url=url,
        method=str(req.get("method", "GET")),
        resource_type=str(p.get("type", "")),
        frame_id=str(p.get("frameId", "")),
        loader_id=str(p.get("loaderId", "")),
        document_url=str(p.get("documentURL", "")),
        request_headers=headers_of(req.get("headers")),
        has_post_data=bool(req.get("hasPostData")),
        started_wall=float(p.get("wallTime") or 0.0),
        started_mono=float(p.get("timestamp") or 0.0),
    )
    entries = req.get("postDataEntries")
    if isinstance(entries, list) and entries and all("bytes" in e for e in entries):
        ex.post_data = b"".join(base64.b64decode(e["bytes"]) for e in entries)
    elif isinstance(req.get("postData"), str):
        ex.post_data = req["postData"].encode("utf-8")
    return ex


def apply_response(ex: Exchange, resp: dict[str, Any], mono: Any) -> None:
    """Fill the response facts from a DevTools ``Response`` object received at ``mono``."""
    ex.status = int(resp.get("status") or 0) or None
    ex.status_text = str(resp.get("statusText", ""))
    ex.protocol = str(resp.get("protocol", ""))
    ex.response_headers = headers_of(resp.get("headers"))
    if resp.get("headersText"):
        ex.response_headers_text = str(resp["headersText"])
    ex.mime_type = str(resp.get("mimeType", ""))
    ex.remote_ip = resp.get("remoteIPAddress") or None
    ex.remote_port = resp.get("remotePort") or None
    ex.security_state = resp.get("securityState")
    ex.security_details = resp.get("securityDetails")
    ex.timing = resp.get("timing")
    ex.from_disk_cache = bool(resp.get("fromDiskCache"))
    ex.from_service_worker = bool(resp.get("fromServiceWorker"))
    ex.response_mono = float(mono) if mono is not None else None
    if ex.request_headers_raw is None and isinstance(resp.get("requestHeaders"), dict):
        ex.request_headers_raw = headers_of(resp["requestHeaders"])


def apply_extra_response(ex: Exchange, p: dict[str, Any]) -> None:
    """The raw response headers of ``Network.responseReceivedExtraInfo`` (as on the wire)."""
    ex.response_headers_raw = headers_of(p.get("headers"))
    if p.get("headersText"):
        ex.response_headers_text = str(p["headersText"])


def redirected(previous: Exchange, redirect: dict[str, Any], p: dict[str, Any]) -> Exchange:
    """Close the exchange a redirect ended: its response, end time, target, empty body."""
    apply_response(previous, redirect, p.get("timestamp"))
    previous.finished_mono = p.get("timestamp")
    previous.redirected_to = str((p.get("request") or {}).get("url", ""))
    previous.body = b""
    previous.body_note = "redirect: no body is kept for a redirect response"
    return previous
