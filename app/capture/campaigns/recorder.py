"""The exchange record: one JSON document per try holding every HTTP round trip it made.

A try may take several round trips: refused or failed attempts before the one that worked,
polls of a job, downloads of image URLs. All of them are kept, in order, with the request
as sent (method, URL, headers, body), the answer as received (status, headers, body), the
connection's server IP and TLS facts, and timings. The document becomes an item of kind
``api-exchange``; each image becomes its own item, which the document names by SHA-256.

Two things are never stored verbatim:

* The credential. Every spelling of the key (raw, URL-quoted, JSON-escaped including ``\\/``
  and ``\\uXXXX``, base64 in any alignment) is replaced by
  ``[REDACTED credential sha256:<fingerprint>]`` wherever it appears, in requests and in
  answers (some platforms echo the key in error messages).
* Other credentials (:mod:`app.capture.redaction`): ``Set-Cookie``/``Cookie`` and other
  credential headers, credential URL parameters and body fields are replaced by
  ``[redacted by Proofshot]``; each round trip lists the names it replaced under
  ``redacted``, and a redacted body claims no SHA-256 of the body as received.
* Base64 image data that became an item. The string is replaced by a marker naming the
  item's SHA-256, and only when re-encoding the item's bytes gives back exactly the same
  string; the body's original SHA-256 and size are kept, so putting the base64 of the item
  back where the marker stands reproduces the body as received, byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from app.capture.campaigns.credentials import Credential
from app.capture.campaigns.http import HttpRequest, HttpResponse, RoundTrip, utc_now
from app.capture.campaigns.profiles import iter_secret_forms
from app.capture.redaction import (
    REDACTED,
    SecretScrubber,
    is_secret_header,
    redact_body,
    redact_text,
    redact_url,
)
from app.core.identity import tool_description

FORMAT = "proofshot-api-exchange/1"
OMITTED_MARK = "<proofshot: omitted base64 of item sha256:{sha256}>"


@dataclass
class OutputRecord:
    """What became of one image the answer pointed to."""

    index: int
    kind: str
    json_path: str
    url: str | None = None
    status: str = "stored"
    """``stored`` or ``refused``."""
    reason: str | None = None
    sha256: str | None = None
    size: int | None = None
    media_type: str | None = None
    width: int | None = None
    height: int | None = None
    b64_value: str | None = field(default=None, repr=False)
    """The base64 text as it appeared in the answer (for omission), never stored itself."""
    b64_exact: bool = False
    """True when the standard base64 of the stored bytes is exactly ``b64_value``."""
    download_trip: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "answer_field": self.json_path,
            "delivered_as": "base64" if self.kind == "b64" else "url",
            "url": self.url,
            "status": self.status,
            "reason": self.reason,
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
            "width": self.width,
            "height": self.height,
            "download_round_trip": self.download_trip,
        }


class Redactor:
    """Replaces every known spelling of the key with its redaction mark.

    The spellings are those of :func:`app.capture.redaction.secret_forms` (raw, URL-encoded,
    JSON-escaped with ``\\/`` and ``\\uXXXX``, base64 standard and urlsafe, padded or not, at
    any alignment) together with the profile's own (:func:`iter_secret_forms`).
    """

    def __init__(self, credential: Credential) -> None:
        self.mark = credential.redaction()
        secret = [credential.value] if credential.value else []
        profile_forms = iter_secret_forms(credential.value) if credential.value else ()
        self._scrubber = SecretScrubber(secret, self.mark, profile_forms)
        self.forms = self._scrubber.forms

    def text(self, value: str) -> str:
        """The key's spellings marked, and credential URL parameters (a signed output URL's
        ``sig=``/``X-Amz-Signature=``) and URL passwords redacted."""
        return redact_text(self._scrubber.text(value))[0]

    def data(self, value: bytes) -> bytes:
        return self._scrubber.data(value)

    def contains_secret(self, value: str) -> bool:
        return self._scrubber.contains(value)

    def header(self, name: str, value: str, names: list[str]) -> str:
        """A header value with the key's spellings marked; any other credential header's value
        (``Set-Cookie``, ``Cookie``, session or signature headers) replaced whole."""
        clean = self.text(value)
        if is_secret_header(name) and not (self.mark and self.mark in clean):
            names.append(name)
            return REDACTED
        return clean

    def url(self, value: str, names: list[str]) -> str:
        clean, red = redact_url(self.text(value))
        names += red
        return clean


def _body_fields(
    body: bytes | None, redactor: Redactor, content_type: str = "", names: list[str] | None = None
) -> dict[str, Any]:
    if body is None:
        return {"body_size": 0}
    out: dict[str, Any] = {"body_size": len(body)}
    clean = redactor.data(body)
    clean, fields = redact_body(clean, content_type)
    if names is not None:
        names += [f"body {f}" for f in fields]
    if clean != body:
        out["body_redacted"] = True
        out["body_sha256_not_claimed"] = (
            "The body held a credential and is stored redacted; no hash of the body as "
            "received is given, and the stored text does not hash to it."
        )
    else:
        out["body_sha256"] = hashlib.sha256(body).hexdigest()
    try:
        out["body_text"] = clean.decode("utf-8")
    except UnicodeDecodeError:
        out["body_base64"] = base64.b64encode(clean).decode("ascii")
    return out


def _content_type(headers: tuple[tuple[str, str], ...]) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return ""


def _request_dict(request: HttpRequest, redactor: Redactor) -> dict[str, Any]:
    names: list[str] = []
    out = {
        "method": request.method,
        "url": redactor.url(request.url, names),
        "headers": [[k, redactor.header(k, v, names)] for k, v in request.headers],
        **_body_fields(request.body, redactor, _content_type(request.headers), names),
    }
    if names:
        out["redacted"] = sorted(set(names))
    return out


def _response_dict(
    response: HttpResponse, redactor: Redactor, omit: list[tuple[str, str]], stored_body: str | None
) -> dict[str, Any]:
    names: list[str] = []
    out: dict[str, Any] = {
        "status": response.status,
        "reason": response.reason,
        "http_version": response.http_version,
        "headers": [[k, redactor.header(k, v, names)] for k, v in response.headers],
        "truncated_at_limit": response.truncated,
    }
    if stored_body is not None:
        # The body *is* an image item (a downloaded output): name it instead of copying it.
        out.update(
            body_size=len(response.body),
            body_sha256=hashlib.sha256(response.body).hexdigest(),
            body_stored_as_item_sha256=stored_body,
        )
        if names:
            out["redacted"] = sorted(set(names))
        return out
    fields = _body_fields(response.body, redactor, _content_type(response.headers), names)
    text = fields.get("body_text")
    if text is not None and omit:
        omitted = []
        for b64_text, sha in omit:
            if b64_text and b64_text in text:
                mark = OMITTED_MARK.format(sha256=sha)
                text = text.replace(b64_text, mark)
                omitted.append({"marker": mark, "item_sha256": sha, "base64_chars": len(b64_text)})
        if omitted:
            fields["body_text"] = text
            fields["omitted_base64"] = omitted
            fields["body_note"] = (
                "Base64 image data that became items was replaced by markers; replace each "
                "marker with the standard base64 (RFC 4648, padded, no line breaks) of the "
                "named item to get back the body whose SHA-256 is body_sha256."
            )
    out.update(fields)
    if names:
        out["redacted"] = sorted(set(names))
    return out


class ExchangeRecorder:
    """Collects the round trips of one try and writes them as one document."""

    def __init__(self, credential: Credential, context: dict[str, Any]) -> None:
        self.redactor = Redactor(credential)
        self.credential = credential
        self.context = context
        self.trips: list[tuple[RoundTrip, str, int, dict[str, Any]]] = []
        self.started_at = utc_now()

    def add(self, trip: RoundTrip, purpose: str, attempt: int, **notes: Any) -> int:
        """Keep one round trip; returns its index in the document."""
        self.trips.append((trip, purpose, attempt, dict(notes)))
        return len(self.trips) - 1

    def note(self, **notes: Any) -> None:
        """Add facts to the latest round trip (a wait before the next attempt, a verdict)."""
        if self.trips:
            self.trips[-1][3].update(notes)

    @property
    def statuses(self) -> list[int | str]:
        return [
            t.response.status if t.response is not None else (t.error_kind or "error")
            for t, *_ in self.trips
        ]

    def document(
        self, outputs: list[OutputRecord], outcome: str, error: str | None, answer: dict[str, Any]
    ) -> bytes:
        omit = [
            (o.b64_value, o.sha256)
            for o in outputs
            if o.status == "stored" and o.b64_value and o.sha256 and o.b64_exact
        ]
        downloads = {
            o.download_trip: o.sha256 for o in outputs if o.download_trip is not None and o.sha256
        }
        trips = []
        for index, (trip, purpose, attempt, notes) in enumerate(self.trips):
            entry: dict[str, Any] = {
                "index": index,
                "purpose": purpose,
                "attempt": attempt,
                "started_at": trip.started_at,
                "ended_at": trip.ended_at,
                "timings_ms": {
                    "connect": round(trip.connection.connect_ms, 3)
                    if trip.connection and not trip.reused_connection
                    else None,
                    "wait_for_answer": None if trip.wait_ms is None else round(trip.wait_ms, 3),
                    "total": round(trip.total_ms, 3),
                },
                "connection": None
                if trip.connection is None
                else {**trip.connection.as_dict(), "reused": trip.reused_connection},
                "request": _request_dict(trip.request, self.redactor),
                "response": None
                if trip.response is None
                else _response_dict(
                    trip.response,
                    self.redactor,
                    omit if purpose in ("generate", "poll") else [],
                    downloads.get(index),
                ),
                "error": None if trip.error is None else self.redactor.text(trip.error),
                "error_kind": trip.error_kind,
            }
            entry.update(notes)
            trips.append(entry)
        doc = {
            "format": FORMAT,
            "tool": tool_description(),
            "recorded_at": utc_now(),
            "started_at": self.started_at,
            **self.context,
            "credential": self.credential.facts()
            | {
                "note": "The key itself is never stored; wherever it was sent, the record shows its SHA-256 fingerprint instead."
            },
            "round_trips": trips,
            "answer": answer,
            "outputs": [o.as_dict() for o in outputs],
            "outcome": outcome,
            "error": None if error is None else self.redactor.text(error),
        }
        text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        # Belt and braces: whatever path a key took into the document, it does not leave.
        text = self.redactor.text(text)
        return text.encode("utf-8")
