"""One HTTP exchange as the browser saw it, and the facts about it that evidence needs.

An :class:`Exchange` is assembled from several DevTools events (request, extra request
headers, response, extra response headers, finish or failure) and then the exact body
bytes. Its :meth:`Exchange.facts` are what an item acquired from it records: URL, method,
status, remote IP and port, the TLS details of *the same connection*, timings and headers.

Cookies and credentials never leave the browser into the case: the recorder passes every
exchange through :func:`app.capture.redaction.redact_exchange` before anything else sees
it, and :meth:`Exchange.facts` lists the names of what was replaced (never the values).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.capture.redaction import REDACTED, redact_body, redact_headers

__all__ = ["REDACTED", "Exchange", "redact_body", "redact_headers"]


def iso_utc(epoch: float | None) -> str | None:
    """Seconds since the epoch as the ISO-8601 UTC text every record uses."""
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="microseconds")


def clean_text(text: str) -> str:
    """Text safe to store as UTF-8: lone surrogates (possible in JSON) become escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def header_value(headers: dict[str, str], name: str) -> str:
    lower = name.lower()
    for key, value in headers.items():
        if key.lower() == lower:
            return value
    return ""


def security_facts(details: dict[str, Any] | None) -> dict[str, Any] | None:
    """The TLS facts of the connection the response came over, in plain names."""
    if not details:
        return None
    return {
        "protocol": details.get("protocol"),
        "key_exchange": details.get("keyExchange") or details.get("keyExchangeGroup"),
        "key_exchange_group": details.get("keyExchangeGroup"),
        "cipher": details.get("cipher"),
        "mac": details.get("mac"),
        "subject": details.get("subjectName"),
        "issuer": details.get("issuer"),
        "valid_from": iso_utc(details.get("validFrom")),
        "valid_to": iso_utc(details.get("validTo")),
        "san": list(details.get("sanList") or []),
        "certificate_transparency": details.get("certificateTransparencyCompliance"),
        "signed_certificate_timestamps": len(details.get("signedCertificateTimestampList") or []),
        "server_signature_algorithm": details.get("serverSignatureAlgorithm"),
        "encrypted_client_hello": details.get("encryptedClientHello"),
    }


@dataclass
class Exchange:
    """Everything known about one request/response pair, filled in as events arrive."""

    request_id: str
    url: str
    method: str
    resource_type: str = ""
    frame_id: str = ""
    loader_id: str = ""
    document_url: str = ""
    request_headers: dict[str, str] = field(default_factory=dict)
    request_headers_raw: dict[str, str] | None = None
    post_data: bytes | None = None
    has_post_data: bool = False
    started_wall: float = 0.0
    started_mono: float = 0.0
    status: int | None = None
    status_text: str = ""
    protocol: str = ""
    response_headers: dict[str, str] = field(default_factory=dict)
    response_headers_raw: dict[str, str] | None = None
    response_headers_text: str | None = None
    mime_type: str = ""
    remote_ip: str | None = None
    remote_port: int | None = None
    security_state: str | None = None
    security_details: dict[str, Any] | None = None
    timing: dict[str, Any] | None = None
    from_disk_cache: bool = False
    from_service_worker: bool = False
    response_mono: float | None = None
    finished_mono: float | None = None
    encoded_length: int | None = None
    body: bytes | None = None
    body_note: str | None = None
    failure: str | None = None
    canceled: bool = False
    truncated: str | None = None  # WARC-Truncated reason: 'length', 'time', 'disconnect'
    redirected_to: str | None = None
    event_stream: list[dict[str, Any]] = field(default_factory=list)
    download: dict[str, Any] | None = None
    body_source: str | None = None  # which DevTools call gave the body
    data_received: int = 0  # decoded body bytes Chromium reported (Network.dataReceived)
    body_missing: dict[str, Any] | None = None  # a body that could not be had: reason, length
    stream_data: bytearray | None = None  # an event stream's bytes as they arrived
    redactions: list[str] = field(default_factory=list)
    """What :func:`app.capture.redaction.redact_exchange` replaced (names, never values)."""
    body_redacted: bool = False
    """The response body held a credential and is kept redacted: not the bytes as served."""

    # -- time -----------------------------------------------------------------------------

    def wall(self, mono: float | None) -> float | None:
        """A monotonic DevTools timestamp of this exchange as wall-clock epoch seconds."""
        if mono is None or not self.started_wall:
            return None
        return self.started_wall + (mono - self.started_mono)

    @property
    def response_wall(self) -> float | None:
        return self.wall(self.response_mono)

    @property
    def finished_wall(self) -> float | None:
        return self.wall(self.finished_mono)

    # -- what it is -----------------------------------------------------------------------

    @property
    def content_type(self) -> str:
        return header_value(self.response_headers, "content-type") or self.mime_type

    @property
    def request_content_type(self) -> str:
        return header_value(self.request_headers, "content-type")

    @property
    def is_image(self) -> bool:
        return self.resource_type == "Image" or self.mime_type.startswith("image/")

    @property
    def complete(self) -> bool:
        return self.body is not None and self.failure is None and self.truncated is None

    def all_request_headers(self) -> dict[str, str]:
        return dict(self.request_headers_raw or self.request_headers)

    def all_response_headers(self) -> dict[str, str]:
        return dict(self.response_headers_raw or self.response_headers)

    def facts(self) -> dict[str, Any]:
        """JSON-ready facts for the items taken from this exchange (secrets redacted)."""
        req_headers, req_red = redact_headers(self.all_request_headers())
        resp_headers, resp_red = redact_headers(self.all_response_headers())
        facts: dict[str, Any] = {
            "url": self.url,
            "method": self.method,
            "status": self.status,
            "status_text": self.status_text,
            "http_protocol": self.protocol,
            "resource_type": self.resource_type,
            "mime_type": self.mime_type,
            "remote_ip": self.remote_ip,
            "remote_port": self.remote_port,
            "security_state": self.security_state,
            "tls": security_facts(self.security_details),
            "request_headers": req_headers,
            "response_headers": resp_headers,
            "requested_at": iso_utc(self.started_wall or None),
            "response_at": iso_utc(self.response_wall),
            "finished_at": iso_utc(self.finished_wall),
            "encoded_length": self.encoded_length,
            "from_disk_cache": self.from_disk_cache,
            "from_service_worker": self.from_service_worker,
            "document_url": self.document_url,
        }
        if self.timing:
            facts["timing_ms"] = {
                k: round(float(v), 3)
                for k, v in self.timing.items()
                if isinstance(v, int | float) and k != "requestTime" and v >= 0
            }
        if req_red or resp_red:
            facts["redacted_headers"] = sorted(set(req_red + resp_red))
        if self.redactions:
            facts["redacted"] = list(self.redactions)
        if self.body_redacted:
            facts["body_redacted"] = True
        if self.failure:
            facts["failure"] = self.failure
        if self.truncated:
            facts["truncated"] = self.truncated
        if self.body_note:
            facts["body_note"] = self.body_note
        if self.download:
            facts["download"] = self.download
        if self.body_source:
            facts["body_source"] = self.body_source
        if self.body_missing:
            facts["body_missing"] = self.body_missing
        return facts
