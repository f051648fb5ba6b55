"""Redaction by design: the one place that decides what a credential looks like.

Everything the capture side stores — exchanges (URL, headers, bodies), WARC records, item
sources and facts, capture and generation records, the DOM and MHTML items, the environment
record, and the campaign exchange documents — passes through this module first. It is pure
Python (no Qt) and changes as little as it can: a redacted value is replaced in place by
:data:`REDACTED`, every other byte stays as it was, and the *names* of what was replaced
(never the values) are returned so the record can say what was redacted.

What counts as a credential:

* **Header names** made of words such as ``token``, ``secret``, ``auth``/``authorization``,
  ``session``, ``cookie``, ``password``, ``signature``, ``credential``, ``csrf``, ``apikey``,
  or ending in ``-key`` (``Ocp-Apim-Subscription-Key``, ``X-Goog-Api-Key``, ``X-Api-Key``);
  ``Cookie``, ``Set-Cookie``, ``Proxy-Authorization``. CORS ``Access-Control-*`` headers only
  name other headers and are kept.
* **URL query parameters**: ``key``, ``api_key``, ``apikey``, ``sig``, ``signature``,
  ``sid``, anything with the words above, every ``X-Amz-*`` and ``X-Goog-*`` parameter; and
  the userinfo (``user:password@``) of any URL.
* **Body fields** (JSON at any depth, forms): the same words, ``sid``, ``key``, ``*_key``.

A body that is evidence (an image) is never altered. A text body that contained a secret is
stored redacted; its record says so and no hash of the original is claimed for it.
"""

from __future__ import annotations

import base64
import email
import email.policy
import functools
import json
import quopri
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit, urlunsplit

from app.capture.multipart import split_form_data

if TYPE_CHECKING:
    from app.capture.exchanges import Exchange

REDACTED = "[redacted by Proofshot]"
_REDACTED_Q = quote(REDACTED, safe="")
"""The marker as it is put into URLs and form bodies (percent-encoded, stays a valid URL)."""

_WORDS = frozenset(
    {
        "token",
        "tokens",
        "secret",
        "secrets",
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "pass",
        "auth",
        "authorization",
        "authentication",
        "authn",
        "oauth",
        "credential",
        "credentials",
        "cookie",
        "cookies",
        "session",
        "sessionid",
        "sid",
        "apikey",
        "signature",
        "sig",
        "csrf",
        "xsrf",
        "otp",
        "jwt",
        "bearer",
        "sas",
    }
)
_SUBSTRINGS = ("token", "secret", "passw", "apikey", "cookie", "session", "signature")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")


def _words(name: str) -> list[str]:
    return [w for w in _SPLIT.split(_CAMEL.sub("_", name).lower()) if w]


def _credential_words(name: str) -> bool:
    words = _words(name)
    if any(w in _WORDS for w in words):
        return True
    flat = "".join(words)
    return any(s in flat for s in _SUBSTRINGS)


def is_secret_header(name: str) -> bool:
    """A request or response header whose value is a credential."""
    lower = name.strip().lower()
    if lower.startswith(":") or lower.startswith("access-control-"):
        return False
    if lower in ("cookie", "set-cookie", "proxy-authorization", "authorization"):
        return True
    words = _words(lower)
    if len(words) > 1 and words[-1] == "key":
        return True
    return _credential_words(lower)


def is_secret_param(name: str) -> bool:
    """A URL query parameter whose value is a credential."""
    lower = name.strip().lower()
    if lower.startswith(("x-amz-", "x-goog-")):
        return True
    words = _words(lower)
    if lower in ("key", "code") or (words and words[-1] == "key"):
        return True
    return _credential_words(lower)


def is_secret_field(name: str) -> bool:
    """A JSON or form field whose value is a credential."""
    lower = name.strip().lower()
    words = _words(lower)
    if lower == "key" or (len(words) > 1 and words[-1] == "key"):
        return True
    return _credential_words(lower)


# -- URLs --------------------------------------------------------------------------------------


def redact_url(url: str) -> tuple[str, list[str]]:
    """The URL without userinfo and with credential query parameters redacted."""
    if not url or url.startswith(("data:", "blob:")):
        return url, []
    names: list[str] = []
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = netloc.rsplit("@", 1)[1]
        names.append("url userinfo")
    query, red = _redact_pairs(parts.query, is_secret_param)
    names += [f"url parameter {n}" for n in red]
    fragment, red = (
        _redact_pairs(parts.fragment, is_secret_param)
        if "=" in parts.fragment
        else (parts.fragment, [])
    )
    names += [f"url fragment parameter {n}" for n in red]
    if not names:
        return url, []
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment)), names


def strip_userinfo(value: str) -> str:
    """A proxy setting (``http://user:pass@host:port`` or ``user:pass@host:port``) without
    its user name and password; other text is returned as it is, with URL credentials
    redacted."""
    text = value.strip()
    if "@" in text:
        scheme, sep, rest = text.rpartition("://")
        head, _, tail = rest.partition("/")
        if "@" in head:
            head = head.rsplit("@", 1)[1]
            text = (scheme + sep if sep else "") + head + ("/" + tail if tail else "")
    return redact_text(text)[0]


def _redact_pairs(text: str, secret: Any) -> tuple[str, list[str]]:
    """``a=1&b=2`` with secret values replaced, every other byte unchanged."""
    if not text or "=" not in text:
        return text, []
    names: list[str] = []
    out = []
    for piece in re.split(r"(&|;)", text):
        if piece in ("&", ";") or "=" not in piece:
            out.append(piece)
            continue
        raw_name, _, value = piece.partition("=")
        name = unquote_plus(raw_name)
        if secret(name) and value and value != _REDACTED_Q:
            out.append(f"{raw_name}={_REDACTED_Q}")
            names.append(name)
        else:
            out.append(piece)
    return "".join(out), names


# Inside any text (HTML, JSON, JS, CSS, MHTML, messages): name=value pairs after ? & ; or the
# JSON-escaped ampersand, and user:password@ in URLs.
_TEXT_PARAM = re.compile(
    r"(?P<pre>[?&;]|\\(?:u0026|x26)|%26)(?P<name>[A-Za-z][A-Za-z0-9_.\-]{0,63})="
    r"(?P<value>[^&#\"'\s<>\\;]*)"
)
_USERINFO = re.compile(r"://(?P<info>[^/\s@\"'<>?#]+)@")


def redact_text(text: str) -> tuple[str, list[str]]:
    """Credential query parameters and URL userinfo redacted wherever they occur in text."""
    names: list[str] = []

    def param(m: re.Match[str]) -> str:
        value = m.group("value")
        if not value or value.startswith(("%5Bredacted", "[redacted")):
            return m.group(0)
        if not is_secret_param(m.group("name")):
            return m.group(0)
        names.append(f"parameter {m.group('name')}")
        return f"{m.group('pre')}{m.group('name')}={_REDACTED_Q}"

    def userinfo(m: re.Match[str]) -> str:
        names.append("url userinfo")
        return "://"

    if "=" in text:
        text = _TEXT_PARAM.sub(param, text)
    if "://" in text and "@" in text:
        text = _USERINFO.sub(userinfo, text)
    return text, names


# -- headers -----------------------------------------------------------------------------------


def redact_headers(headers: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Headers with credential values replaced; returns (headers, names replaced)."""
    out: dict[str, str] = {}
    replaced: list[str] = []
    for name, value in headers.items():
        if is_secret_header(name) and value != REDACTED:
            out[name] = REDACTED
            replaced.append(name)
        elif value and ("://" in value or "=" in value):
            clean, red = redact_text(value)
            out[name] = clean
            if red:
                replaced.append(name)
        else:
            out[name] = value
    return out, replaced


# -- bodies ------------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)

_AFTER_KEY = re.compile(r"\s*:\s*")
_SCALAR = re.compile(r"-?\d[\d.eE+\-]*|true|false")


def redact_json_text(text: str) -> tuple[str, list[str]]:
    """JSON (or JSON-like) text with the values of credential fields replaced in place.

    Only the value of such a field changes; whitespace, key order, escapes and every other
    byte stay as they were (no re-serialisation). A field whose value is an object or an
    array is searched inside, not replaced whole. One pass, linear in the text.
    """
    names: list[str] = []
    out: list[str] = []
    done = 0  # text[:done] is already in out
    pos = 0
    n = len(text)
    while pos < n:
        m = _JSON_STRING.search(text, pos)
        if m is None:
            break
        pos = m.end()
        colon = _AFTER_KEY.match(text, pos)
        if colon is None:
            continue
        vstart = colon.end()
        pos = vstart
        token = m.group(0)
        key = _json_key(token)
        if key is None or not _secret_field_cached(key) or vstart >= n:
            continue
        value = (_JSON_STRING if text[vstart] == '"' else _SCALAR).match(text, vstart)
        if value is None:
            continue
        old = value.group(0)
        if "[redacted by Proofshot]" in old or "[REDACTED credential" in old:
            pos = value.end()
            continue
        out.append(text[done:vstart])
        out.append(f'"{REDACTED}"')
        done = pos = value.end()
        names.append(key)
    if not names:
        return text, names
    out.append(text[done:])
    return "".join(out), names


def _json_key(token: str) -> str | None:
    if "\\" not in token:
        return token[1:-1]
    try:
        key = json.loads(token)
    except ValueError:
        return token[1:-1]
    return key if isinstance(key, str) else None


@functools.lru_cache(maxsize=4096)
def _secret_field_cached(name: str) -> bool:
    return is_secret_field(name)


@functools.lru_cache(maxsize=4096)
def _secret_key_cached(name: str) -> bool:
    """A record key whose value is a credential (as a field or as a header)."""
    return is_secret_field(name) or is_secret_header(name)


def redact_form_text(text: str) -> tuple[str, list[str]]:
    return _redact_pairs(text, is_secret_field)


def _is_text(content_type: str, body: bytes) -> bool:
    ctype = content_type.lower()
    if ctype.startswith(("image/", "video/", "audio/", "font/")):
        return False
    if any(
        t in ctype
        for t in ("text/", "json", "javascript", "xml", "x-www-form-urlencoded", "multipart/")
    ):
        return True
    if not ctype or "octet-stream" in ctype:
        head = body[:64].lstrip()
        return head[:1] in (b"{", b"[", b"<") or b"=" in head
    return False


def redact_body(
    body: bytes, content_type: str, *, charset: str = "utf-8"
) -> tuple[bytes, list[str]]:
    """A text body with credential fields and URL parameters replaced; others unchanged.

    JSON (detected by type or by its first character), form and any other text body:
    credential fields by name, credential query parameters inside URLs, URL userinfo.
    Images and other binary bodies are returned unchanged.
    """
    if not body or not _is_text(content_type, body):
        return body, []
    multipart_names: list[str] = []
    if "multipart/form-data" in content_type.lower():
        body, multipart_names = redact_multipart(body, content_type)
        try:
            body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            return body, multipart_names  # file parts are binary: fields only
    try:
        text = body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        try:
            text = body.decode("utf-8")
            charset = "utf-8"
        except UnicodeDecodeError:
            return body, []
    names: list[str] = list(multipart_names)
    ctype = content_type.lower()
    stripped = text.lstrip()
    if "json" in ctype or stripped[:1] in ("{", "["):
        text, red = redact_json_text(text)
        names += red
    one_line_pairs = (
        stripped[:1] not in ("{", "[", "<") and "=" in text and "\n" not in text.strip()
    )
    if "x-www-form-urlencoded" in ctype or one_line_pairs:
        text, red = redact_form_text(text)
        names += red
    text, red = redact_text(text)
    names += red
    if not names:
        return body, []
    try:
        return text.encode(charset), names
    except (LookupError, UnicodeEncodeError):
        return text.encode("utf-8"), names


def redact_multipart(body: bytes, content_type: str) -> tuple[bytes, list[str]]:
    """A ``multipart/form-data`` body with the values of credential fields replaced (file
    parts and every other byte unchanged)."""
    form = split_form_data(body, content_type)
    if form is None:
        return body, []
    names: list[str] = []
    for part in form.fields:
        if not is_secret_field(part.name):
            continue
        tail = b"\r\n" if part.value.endswith(b"\r\n") else b""
        form.pieces[part.index] = part.head + b"\r\n\r\n" + REDACTED.encode() + tail
        names.append(part.name)
    return (form.join(), names) if names else (body, [])


def redact_mhtml(data: bytes) -> tuple[bytes, list[str]]:
    """An MHTML snapshot with credentials redacted in every text part (decoded first).

    Quoted-printable parts are decoded, redacted and re-encoded; part headers
    (``Content-Location``) are redacted as URLs. Unchanged snapshots keep every byte.
    """
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception:  # not parseable: fall back to the raw text
        text, names = redact_text(data.decode("utf-8", "surrogateescape"))
        return (text.encode("utf-8", "surrogateescape"), names) if names else (data, [])
    names: list[str] = []
    for part in msg.walk():
        for header in ("Content-Location", "Snapshot-Content-Location", "Subject"):
            value = part.get(header)
            if value:
                clean, red = redact_url(str(value)) if "://" in str(value) else (str(value), [])
                if red:
                    part.replace_header(header, clean)
                    names += red
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        cte = str(part.get("Content-Transfer-Encoding", "")).lower()
        raw = part.get_payload(decode=True)
        if not isinstance(raw, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        clean, red = redact_body(raw, part.get_content_type(), charset=charset)
        if not red:
            continue
        names += red
        if cte == "quoted-printable":
            part.set_payload(quopri.encodestring(clean).decode("ascii"))
        elif cte == "base64":
            part.set_payload(base64.encodebytes(clean).decode("ascii"))
        else:
            part.set_payload(clean.decode(charset, "replace"))
    if not names:
        return data, []
    return msg.as_bytes(), names


# -- any JSON-ready record ---------------------------------------------------------------------


OWN_KEYS = frozenset(
    {
        "session_id",
        "server_signature_algorithm",
        "signed_certificate_timestamps",
        "credential_fingerprint_sha256",
        "fingerprint_sha256",
        "credential_source",
        "redacted",
        "redacted_headers",
        "body_redacted",
    }
)
"""Keys of Proofshot's own records that look like credential names but are not (a
recording's ``session_id`` is Proofshot's, not the site's)."""


def redact_value(value: Any, where: str = "") -> tuple[Any, list[str]]:
    """A JSON-ready structure (facts, records) with credentials redacted at any depth.

    Values under credential-like keys (``sid``, ``token``, a header such as ``Cookie``) are
    replaced, except Proofshot's own keys (:data:`OWN_KEYS`); URLs and ``name=value`` text
    in any string are redacted as by :func:`redact_text`."""
    names: list[str] = []

    def walk(v: Any, path: str) -> Any:
        if isinstance(v, dict):
            out = {}
            for k, inner in v.items():
                p = f"{path}.{k}" if path else str(k)
                if (
                    isinstance(k, str)
                    and k not in OWN_KEYS
                    and _secret_key_cached(k)
                    and isinstance(inner, str | int)
                    and not isinstance(inner, bool)
                    and inner != REDACTED
                    and inner != ""
                ):
                    out[k] = REDACTED
                    names.append(p)
                else:
                    out[k] = walk(inner, p)
            return out
        if isinstance(v, list | tuple):
            return [walk(x, f"{path}[{i}]") for i, x in enumerate(v)]
        if isinstance(v, str) and ("=" in v or "@" in v):
            clean, red = redact_text(v)
            if red:
                names.append(path or "value")
            return clean
        return v

    return walk(value, where), names


def redact_string(text: str) -> str:
    """A URL or message with credentials redacted (the names are not needed)."""
    if "://" in text and " " not in text.strip():
        return redact_url(text)[0]
    return redact_text(text)[0]


# -- a known secret in every spelling ----------------------------------------------------------


def _b64_variants(data: bytes) -> Iterator[str]:
    """Base64 spellings of ``data``: standard/urlsafe, padded or not, and the stable middle
    of its encoding at each of the three byte alignments inside a longer base64 string."""
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        full = enc(data).decode("ascii")
        yield full
        yield full.rstrip("=")
        if len(data) < 6:
            continue
        for shift in (1, 2):
            shifted = enc(b"\0" * shift + data).decode("ascii").rstrip("=")
            # characters fully determined by the secret's bytes: skip the first partial
            # quantum (prefix bytes mix in) and the last (following bytes mix in)
            start = (shift * 8 + 5) // 6
            end = ((shift + len(data)) * 8) // 6
            middle = shifted[start:end]
            if len(middle) >= 8:
                yield middle
        middle0 = full.rstrip("=")[: (len(data) * 8) // 6]
        if len(middle0) >= 8:
            yield middle0


def _json_escapes(secret: str) -> Iterator[str]:
    yield json.dumps(secret)[1:-1]
    yield json.dumps(secret, ensure_ascii=True)[1:-1]
    slash = json.dumps(secret)[1:-1].replace("/", "\\/")
    yield slash
    yield "".join(f"\\u{ord(c):04x}" for c in secret)
    yield "".join(f"\\u{ord(c):04X}" for c in secret)
    # only the characters JSON encoders commonly escape (\/ and non-ASCII, <, >, &, ')
    special = {"/": "\\/", "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"}
    yield "".join(special.get(c, c) for c in secret)
    yield "".join(special.get(c, c).upper() if c in "<>&'" else special.get(c, c) for c in secret)


def secret_forms(secret: str) -> list[str]:
    """Every spelling under which ``secret`` could show up in recorded text, longest first:
    raw, URL-encoded (``quote``/``quote_plus``, lower- or upper-case hex), JSON-escaped
    (including ``\\/`` and ``\\uXXXX``), and base64 (standard and urlsafe, padded or not,
    at any alignment inside a longer base64 string), and the same for each form's base64."""
    if not secret:
        return []
    forms: set[str] = {secret}
    for q in (quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)):
        forms.add(q)
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), q))
    forms.update(_json_escapes(secret))
    data = secret.encode("utf-8")
    forms.update(_b64_variants(data))
    # the key inside a base64-encoded header value such as Basic auth "user:key"
    forms.update(_b64_variants((":" + secret).encode("utf-8")))
    return sorted((f for f in forms if f), key=len, reverse=True)


class SecretScrubber:
    """Replaces every spelling of some known secrets (a campaign's API key) with a mark."""

    def __init__(
        self, secrets: Iterable[str], mark: str = REDACTED, extra_forms: Iterable[str] = ()
    ) -> None:
        self.mark = mark
        forms: set[str] = {f for f in extra_forms if f}
        for s in secrets:
            forms.update(secret_forms(s))
        self.forms = sorted(forms, key=len, reverse=True)
        self._bforms = [f.encode("utf-8") for f in self.forms]

    def text(self, value: str) -> str:
        for form in self.forms:
            if form in value:
                value = value.replace(form, self.mark)
        return value

    def data(self, value: bytes) -> bytes:
        mark = self.mark.encode("utf-8")
        for form in self._bforms:
            if form in value:
                value = value.replace(form, mark)
        return value

    def contains(self, value: str) -> bool:
        return any(form in value for form in self.forms)


# -- one exchange ------------------------------------------------------------------------------


def redact_exchange(ex: Exchange) -> list[str]:
    """Redact an :class:`~app.capture.exchanges.Exchange` in place, before anything stores it.

    URL, document URL, redirect target, all four header sets, the request body and a text
    response body (never an image). The names replaced are kept on ``ex.redactions``.
    """
    names: list[str] = []
    for attr in ("url", "document_url", "redirected_to"):
        value = getattr(ex, attr, None)
        if value:
            clean, red = redact_url(value)
            if red:
                setattr(ex, attr, clean)
                names += [f"{attr.replace('_', ' ')}: {n}" for n in red]
    for attr, label in (
        ("request_headers", "request header"),
        ("request_headers_raw", "request header"),
        ("response_headers", "response header"),
        ("response_headers_raw", "response header"),
    ):
        value = getattr(ex, attr, None)
        if value:
            clean, red = redact_headers(value)
            setattr(ex, attr, clean)
            names += [f"{label} {n}" for n in red]
    text = getattr(ex, "response_headers_text", None)
    if text:
        lines = []
        for line in text.split("\r\n"):
            name, sep, _ = line.partition(":")
            if sep and is_secret_header(name):
                lines.append(f"{name}: {REDACTED}")
            else:
                lines.append(redact_text(line)[0])
        ex.response_headers_text = "\r\n".join(lines)
    if ex.post_data:
        clean, red = redact_body(ex.post_data, ex.request_content_type or "")
        if red:
            ex.post_data = clean
            names += [f"request body {n}" for n in red]
    if ex.body and not ex.is_image:
        clean, red = redact_body(ex.body, ex.content_type or "")
        if red:
            ex.body = clean
            ex.body_redacted = True
            names += [f"response body {n}" for n in red]
    for message in ex.event_stream:
        data = message.get("data")
        if isinstance(data, str):
            clean, red = redact_body(data.encode("utf-8"), "text/event-stream")
            if red:
                message["data"] = clean.decode("utf-8")
                names += [f"event stream {n}" for n in red]
    if names:
        ex.redactions = sorted(set(ex.redactions) | set(names))
    return names
