"""Taking a finished exchange's body from the browser (``Network.getResponseBody``).

Split out of :class:`~app.capture.recorder.NetworkRecorder` (issue 17): the recorder hands
each finished exchange here, with what the response stage took of it (see
:mod:`app.capture.response_stage`), and this decides where the body comes from -- the
response stage, ``Network.getResponseBody``, the bytes of a stream read as it arrived -- or
why there is none. A body that could not be had is never recorded as empty:
``Exchange.body`` stays ``None`` and ``Exchange.body_missing`` names the reason and the
length Chromium reported.
"""

from __future__ import annotations

import base64
from typing import Any

from app.capture.cdp import CdpClient, CdpError
from app.capture.exchanges import Exchange, header_value

BODY_TIMEOUT = 30.0


def fetch_body(
    client: CdpClient, ex: Exchange, taken: bytes | None, how: str, body_limit: int
) -> None:
    """Fill ``ex.body`` (and ``body_source`` / ``body_note``) or mark the body missing.

    ``taken`` is the body the response stage read (``None`` when it did not), ``how`` how it
    was read or why not (named in the reason when the body is missing)."""
    if taken is not None:
        ex.body = taken
        ex.body_source = how
        return
    if ex.status is None:
        ex.body_note = "no response was received"
        return
    if 300 <= (ex.status or 0) < 400 or ex.status in (204, 304):
        ex.body = b""  # no body by definition
        return
    if ex.encoded_length is not None and ex.encoded_length > body_limit:
        mark_missing(ex, f"body larger than {body_limit} bytes; not kept")
        return
    if client.closed:
        mark_missing(ex, "the DevTools connection closed before the body could be read")
        return
    try:
        got = client.call(
            "Network.getResponseBody", {"requestId": ex.request_id}, timeout=BODY_TIMEOUT
        )
    except CdpError as exc:
        if ex.stream_data:
            ex.body = bytes(ex.stream_data)
            ex.body_source = "Network.streamResourceContent"
            return
        mark_missing(ex, _with_stage(f"body not available from the browser: {exc}", how))
        return
    keep_answer(ex, got, how)


def keep_answer(ex: Exchange, got: dict[str, Any], how: str) -> None:
    """Keep ``Network.getResponseBody``'s answer, unless it is empty for a measured body."""
    body, note = decoded(got, ex.content_type)
    if note:
        ex.body_note = note
    if not body and ex.stream_data:
        ex.body = bytes(ex.stream_data)
        ex.body_source = "Network.streamResourceContent"
        return
    if not body and (ex.data_received > 0 or declared_length(ex) > 0):
        # Chromium measured a body but hands back nothing (a body the page consumed
        # as a blob, say): recording it as an empty response would be false.
        reason = "the browser returned an empty body for a response it measured"
        mark_missing(ex, _with_stage(reason, how))
        return
    ex.body = body
    ex.body_source = "Network.getResponseBody"


def _with_stage(reason: str, how: str) -> str:
    return reason + (f" (response stage: {how})" if how else "")


def mark_missing(ex: Exchange, reason: str) -> None:
    """Record the body as missing (never as empty), with the reason and the lengths known."""
    ex.body = None
    ex.body_note = reason
    ex.body_missing = {
        "reason": reason,
        # Decoded bytes Chromium counted arriving, else the bytes it measured on the wire.
        "reported_length": ex.data_received or ex.encoded_length or 0,
        "data_received": ex.data_received,
        "declared_length": declared_length(ex) or None,
        "encoded_length": ex.encoded_length,
    }


def decoded(got: dict[str, Any], content_type: str) -> tuple[bytes, str | None]:
    """A DevTools body answer as bytes, and a note when the served bytes may differ."""
    data = got.get("body", "")
    if got.get("base64Encoded"):
        return base64.b64decode(data), None
    # Chromium hands text back decoded; re-encode it in the charset it was served in,
    # which gives the served bytes back for every charset that round-trips.
    charset = charset_of(content_type) or "utf-8"
    try:
        return str(data).encode(charset), None
    except (LookupError, UnicodeEncodeError):
        return str(data).encode("utf-8"), f"text served as {charset} was kept re-encoded as UTF-8"


def declared_length(ex: Exchange) -> int:
    """The response's ``Content-Length`` (0 when absent or not a number)."""
    try:
        return int(header_value(ex.all_response_headers(), "content-length") or 0)
    except ValueError:
        return 0


def charset_of(content_type: str) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value, if any."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip('"')
    return None
