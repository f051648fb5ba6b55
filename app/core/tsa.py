"""Trusted time: RFC 3161 time-stamp tokens, requested over HTTP and verified offline.

A token is a TSA's signed statement "these SHA-256 bytes existed at genTime". Courts weigh it
only if anyone can check it later, so this module keeps the TSA's reply byte for byte
(``openssl ts -verify -in reply.tsr`` needs the whole TimeStampResp) and verifies with the
same engine a third party would use: OpenSSL, reached through the ``rfc3161-client`` library
(Trail of Bits, used by sigstore-python). Requests and parsing also go through that library;
nothing here hand-writes ASN.1. See ``docs/decisions/0005-rfc3161-client.md``.

No GUI, no database and no secrets storage: credentials are passed in by the caller, who
reads them from the keyring, and are sent only in the request headers.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from asn1crypto import cms as asn1_cms
from asn1crypto import tsp as asn1_tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from app import __version__
from app.core.errors import ProofshotError

MAX_CLOCK_OFFSET = dt.timedelta(minutes=2)
"""Beyond this gap between the local clock and a TSA's genTime, the capture log should warn."""

MAX_RESPONSE_BYTES = 1 << 20
"""A genuine reply is a few kilobytes; anything near a megabyte is not a TSA talking."""

QUERY_CONTENT_TYPE = "application/timestamp-query"
REPLY_CONTENT_TYPE = "application/timestamp-reply"

_HASH_NAMES = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_STATUS_NAMES = {
    0: "granted",
    1: "granted with modifications",
    2: "rejection",
    3: "waiting",
    4: "revocation warning",
    5: "revocation notification",
}


# --------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------


class TsaError(ProofshotError):
    """A token could not be obtained; ``str(error)`` is one sentence for the user.

    ``retryable`` tells the offline queue whether trying again later can help (network down,
    timeout, HTTP 5xx) or not (the TSA answered, but with something that must not be kept).
    ``problems`` carries every verification problem when verification was the cause.
    """

    exit_code = 9

    def __init__(
        self, reason: str, *, retryable: bool = False, problems: Sequence[str] = ()
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.problems = list(problems) or [reason]


@dataclass(frozen=True)
class BasicAuth:
    """HTTP basic credentials; the password never appears in ``repr``."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class HeaderAuth:
    """A token header such as ``Authorization: Bearer …`` or ``X-Api-Key: …``."""

    name: str
    value: str = field(repr=False)


TsaAuth = BasicAuth | HeaderAuth


@dataclass(frozen=True)
class TsaConfig:
    """Where and how to ask one TSA. ``name`` is the label shown to the user."""

    url: str
    name: str = ""
    auth: TsaAuth | None = None
    timeout: float = 10.0
    max_response_bytes: int = MAX_RESPONSE_BYTES

    @property
    def label(self) -> str:
        return self.name or urllib.parse.urlsplit(self.url).netloc or self.url


@dataclass(frozen=True)
class TimestampToken:
    """One TSA reply as kept with the evidence, plus the facts a report prints.

    ``response_der`` is the TimeStampResp exactly as received (what ``openssl ts -verify -in``
    reads); ``token_der`` is the TimeStampToken ContentInfo inside it (what CMS and PAdES
    embed, and ``openssl ts -verify -token_in`` reads). ``certs_pem`` holds the certificates
    the TSA embedded, signer first. ``received_at`` is the local clock when the reply arrived,
    for :func:`clock_offset`.
    """

    tsa_url: str
    token_der: bytes
    response_der: bytes
    gen_time: dt.datetime
    serial: int
    policy_oid: str
    nonce: int | None
    message_imprint_hex: str
    hash_algorithm: str
    tsa_name: str
    certs_pem: list[bytes]
    received_at: dt.datetime | None = None
    accuracy: dt.timedelta | None = None

    @property
    def serial_hex(self) -> str:
        """Upper-case, even-length hex, as ``openssl ts -reply -text`` prints it after 0x."""
        return _hex(self.serial)


@dataclass(frozen=True)
class VerificationResult:
    """The verdict on one token: ``ok`` only when ``problems`` is empty.

    ``codes`` runs parallel to ``problems`` with stable identifiers for programs (``imprint``,
    ``nonce``, ``status``, ``malformed``, ``no-certificate``, ``eku``, ``ess``, ``expired``,
    ``not-yet-valid``, ``untrusted``, ``no-anchor``, ``bad-anchor``, ``signature``,
    ``chain``); ``chain`` lists certificate subjects from the TSA up to the root.
    """

    ok: bool
    problems: list[str]
    codes: list[str]
    gen_time: dt.datetime | None = None
    tsa_name: str = ""
    serial: int | None = None
    policy_oid: str = ""
    nonce: int | None = None
    chain: list[str] = field(default_factory=list)

    @property
    def serial_hex(self) -> str:
        return "" if self.serial is None else _hex(self.serial)


# --------------------------------------------------------------------------------------------
# Requesting
# --------------------------------------------------------------------------------------------


def request_timestamp(
    data: bytes, tsa: TsaConfig, *, ca_pems: Sequence[bytes] = ()
) -> TimestampToken:
    """Ask ``tsa`` to time-stamp SHA-256(``data``) and return the checked token.

    The reply must answer this very request (same imprint, same random nonce) or it is
    refused. With ``ca_pems`` the token is fully verified against those trust anchors;
    without, it is still checked against the chain it embeds (signature, EKU, validity at
    genTime), and trust is left to :func:`verify_timestamp` later. Raises :class:`TsaError`.
    """
    if not data:
        raise TsaError("There is nothing to timestamp: the data is empty.")
    request = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    body, content_type = _post(request.as_bytes(), tsa)
    received_at = dt.datetime.now(dt.UTC)
    try:
        parsed = _Parsed.load(body)
    except _Malformed as exc:
        hint = f" (it was sent as {content_type})" if content_type else ""
        raise TsaError(
            f"The answer from {tsa.label} is not an RFC 3161 time-stamp response{hint}.",
            retryable=True,
        ) from exc
    if parsed.status != PKIStatus.GRANTED:
        raise TsaError(
            f"{tsa.label} refused the time-stamp request: {parsed.status_text()}.",
            retryable=parsed.status == PKIStatus.WAITING,
        )
    token = parsed.token(tsa.url, received_at)
    if token.message_imprint_hex != hashlib.sha256(data).hexdigest():
        raise TsaError(f"{tsa.label} returned a token that attests a different document.")
    if token.nonce != request.nonce:
        raise TsaError(
            f"{tsa.label} returned a token for another request (the nonce does not match)."
        )
    anchors = list(ca_pems) or token.certs_pem
    result = verify_timestamp(body, data, expected_nonce=request.nonce, ca_pems=anchors)
    problems = [
        text
        for text, code in zip(result.problems, result.codes, strict=True)
        if ca_pems or code not in ("untrusted", "no-anchor")
    ]
    if problems:
        raise TsaError(problems[0], problems=problems)
    return token


def parse_timestamp_response(response_der: bytes, *, tsa_url: str = "") -> TimestampToken:
    """Rebuild a :class:`TimestampToken` from a stored reply, without verifying it."""
    try:
        parsed = _Parsed.load(response_der)
    except _Malformed as exc:
        raise TsaError("The stored reply is not an RFC 3161 time-stamp response.") from exc
    if parsed.status != PKIStatus.GRANTED:
        raise TsaError(f"The stored reply holds no token: {parsed.status_text()}.")
    return parsed.token(tsa_url, None)


def clock_offset(gen_time: dt.datetime, local_time: dt.datetime) -> dt.timedelta:
    """How far the local clock ran ahead of the TSA (negative: behind).

    Compare its absolute value with :data:`MAX_CLOCK_OFFSET`; a large gap means the
    machine's clock, and so every local time in the log, needs the TSA's time beside it.
    """
    if gen_time.tzinfo is None or local_time.tzinfo is None:
        raise ValueError("clock_offset needs timezone-aware datetimes")
    return local_time - gen_time


# --------------------------------------------------------------------------------------------
# Verifying
# --------------------------------------------------------------------------------------------


def verify_timestamp(
    response_der: bytes,
    data: bytes,
    *,
    expected_nonce: int | None,
    ca_pems: Sequence[bytes],
    at: dt.datetime | None = None,
) -> VerificationResult:
    """Check a stored reply against the document bytes and the trust anchors, offline.

    ``ca_pems`` are PEM (or DER) blobs, each holding one or more certificates: the TSA's
    root, typically from the stored chain plus a CA file the user supplied. Every
    certificate must be valid at genTime (RFC 3161 appendix B: a token outlives its TSA
    certificate); with ``at`` they must also be valid at that instant. All problems found
    are reported, not only the first.
    """
    if at is not None and at.tzinfo is None:
        raise ValueError("verify_timestamp needs a timezone-aware 'at'")
    problems = _Problems()
    try:
        parsed = _Parsed.load(response_der)
    except _Malformed:
        problems.add("malformed", "The reply is not an RFC 3161 time-stamp response.")
        return problems.result()
    if parsed.status != PKIStatus.GRANTED:
        problems.add("status", f"The TSA did not grant a token: {parsed.status_text()}.")
        return problems.result()

    token = parsed.token("", None)
    facts = {
        "gen_time": token.gen_time,
        "tsa_name": token.tsa_name,
        "serial": token.serial,
        "policy_oid": token.policy_oid,
        "nonce": token.nonce,
    }
    when = _fmt_time(token.gen_time)

    digest_name = _HASH_NAMES.get(parsed.imprint_oid)
    if digest_name is None:
        problems.add("imprint", f"The token uses an unsupported hash ({parsed.imprint_oid}).")
    elif hashlib.new(digest_name, data).digest() != parsed.imprint:
        problems.add(
            "imprint",
            "The token attests a different document: its message imprint is not the "
            f"{digest_name.upper()} of these bytes.",
        )
    if expected_nonce is not None and token.nonce != expected_nonce:
        problems.add(
            "nonce",
            "The token's nonce does not match the request, so it may answer another request.",
        )

    anchors, unreadable = _load_certificates(ca_pems)
    if unreadable:
        problems.add(
            "bad-anchor",
            f"{unreadable} of the trusted-certificate files could not be read as PEM or DER "
            "certificates.",
        )
    signer = parsed.signer_certificate(anchors)
    chain: list[x509.Certificate] = []
    if signer is None:
        problems.add(
            "no-certificate",
            "The token does not contain the TSA certificate, and none of the given "
            "certificates matches its signer.",
        )
    else:
        chain = _build_chain(signer, parsed.embedded + anchors)
        _check_signer(signer, parsed, problems)
        _check_validity(chain, token.gen_time, f"the token was made on {when}", problems)
        if at is not None:
            _check_validity(chain, at, f"the time checked, {_fmt_time(at)}", problems)
        _check_anchor(chain, anchors, problems)
        _check_with_library(parsed, signer, anchors, data, problems)
    return problems.result(chain=[_subject(c) for c in chain], **facts)


# --------------------------------------------------------------------------------------------
# Internals: parsing
# --------------------------------------------------------------------------------------------


class _Malformed(Exception):
    """The bytes are not a TimeStampResp that both parsers accept."""


class _Parsed:
    """A reply parsed by rfc3161-client, with asn1crypto views for what it does not expose.

    rfc3161-client parses strict DER, but OpenSSL-based TSAs (``openssl ts -reply`` among
    them) write the CMS ``certificates`` SET in chain order rather than DER order. That SET
    lies outside the signature, so when the strict parse fails we hand the library a copy
    with only that SET re-encoded in DER order; the stored bytes stay as received. The token
    and the certificates are always sliced from the original bytes, never re-encoded.
    """

    def __init__(
        self,
        original: bytes,
        lib: TimeStampResponse,
        token_der: bytes = b"",
        embedded: Sequence[x509.Certificate] = (),
        ess: tuple[str, bytes] | None = None,
    ) -> None:
        self.original = original
        self.lib = lib
        self.status = PKIStatus(lib.status)
        self.token_der = token_der
        self.embedded = list(embedded)
        self.ess = ess

    @classmethod
    def load(cls, data: bytes) -> _Parsed:
        try:
            lib: TimeStampResponse | None = decode_timestamp_response(data)
        except ValueError:
            lib = None  # maybe only the certificate order; asn1crypto decides below
        if lib is not None and lib.status != PKIStatus.GRANTED:
            try:
                PKIStatus(lib.status)
            except ValueError as exc:
                raise _Malformed(f"unknown status {lib.status}") from exc
            return cls(data, lib)  # a refusal carries no token to look into
        try:
            view = asn1_tsp.TimeStampResp.load(data, strict=True)
            content_info = view["time_stamp_token"]
            token_der = content_info.dump()  # untouched, so these are the received bytes
            if token_der not in data:
                raise ValueError("the token could not be located in the reply")
            signed = content_info["content"]
            if not isinstance(signed, asn1_cms.SignedData):
                raise ValueError("a granted reply without a SignedData token")
            embedded = [
                x509.load_der_x509_certificate(choice.chosen.dump())
                for choice in signed["certificates"] or ()
                if choice.name == "certificate"
            ]
            ess = _ess_cert_hash(signed)
            if lib is None:
                lib = decode_timestamp_response(_der_sorted_certificates(data))
            if lib.status != PKIStatus.GRANTED:
                raise ValueError("the two parsers disagree on the status")
            _ = lib.tst_info.gen_time, lib.tst_info.message_imprint.message
        except (ValueError, TypeError, KeyError) as exc:
            raise _Malformed(str(exc)) from exc
        return cls(data, lib, token_der, embedded, ess)

    def status_text(self) -> str:
        words = "; ".join(s.strip().rstrip(".") for s in self.lib.status_string if s.strip())
        name = _STATUS_NAMES.get(int(self.status), str(int(self.status)))
        return f"{words} (status {name})" if words else f"status {name}"

    @property
    def imprint_oid(self) -> str:
        return self.lib.tst_info.message_imprint.hash_algorithm.dotted_string

    @property
    def imprint(self) -> bytes:
        return self.lib.tst_info.message_imprint.message

    def signer_certificate(self, extra: Sequence[x509.Certificate]) -> x509.Certificate | None:
        """The certificate named by the SignerInfo's issuer and serial number."""
        infos = list(self.lib.signed_data.signer_infos)
        if len(infos) != 1:
            return None
        info = infos[0]
        for cert in [*self.embedded, *extra]:
            if cert.issuer == info.issuer and cert.serial_number == info.serial_number:
                return cert
        return None

    def token(self, tsa_url: str, received_at: dt.datetime | None) -> TimestampToken:
        info = self.lib.tst_info
        signer = self.signer_certificate(())
        ordered = _build_chain(signer, self.embedded) if signer is not None else []
        ordered += [c for c in self.embedded if c not in ordered]
        return TimestampToken(
            tsa_url=tsa_url,
            token_der=self.token_der,
            response_der=self.original,
            gen_time=info.gen_time.astimezone(dt.UTC),
            serial=int(info.serial_number),
            policy_oid=info.policy.dotted_string if info.policy is not None else "",
            nonce=int(info.nonce) if info.nonce is not None else None,
            message_imprint_hex=self.imprint.hex(),
            hash_algorithm=_HASH_NAMES.get(self.imprint_oid, self.imprint_oid),
            tsa_name=self._tsa_name(signer),
            certs_pem=[c.public_bytes(Encoding.PEM) for c in ordered],
            received_at=received_at,
            accuracy=self._accuracy(),
        )

    def _tsa_name(self, signer: x509.Certificate | None) -> str:
        """The TSTInfo ``tsa`` field when present (RFC 3161 makes it optional), else the
        signer's subject, which is what identifies the TSA in any case."""
        try:
            name = self.lib.tst_info.name
        except ValueError:
            name = None
        if isinstance(name, x509.DirectoryName):
            return name.value.rfc4514_string()
        if name is not None and hasattr(name, "value"):
            return str(name.value)
        return _subject(signer) if signer is not None else ""

    def _accuracy(self) -> dt.timedelta | None:
        try:
            accuracy = self.lib.tst_info.accuracy
        except ValueError:
            return None
        if accuracy is None:
            return None
        return dt.timedelta(
            seconds=accuracy.seconds or 0,
            milliseconds=accuracy.millis or 0,
            microseconds=accuracy.micros or 0,
        )


def _der_sorted_certificates(data: bytes) -> bytes:
    """Re-encode only the ``certificates`` SET (asn1crypto sorts a rebuilt SET OF).

    Every other part, including the signed attributes and the TSTInfo, is copied with its
    original encoding, so the signature is untouched. Works on its own parse of ``data``:
    rebuilding can mark shared asn1crypto objects as changed.
    """
    view = asn1_tsp.TimeStampResp.load(data)
    content_info = view["time_stamp_token"]
    signed = content_info["content"]
    fields: dict[str, object] = {
        "version": signed["version"],
        "digest_algorithms": signed["digest_algorithms"],
        "encap_content_info": signed["encap_content_info"],
        "signer_infos": signed["signer_infos"],
    }
    if signed["certificates"]:
        fields["certificates"] = asn1_cms.CertificateSet(list(signed["certificates"]))
    if signed["crls"]:
        fields["crls"] = signed["crls"]
    token = asn1_cms.ContentInfo(
        {"content_type": "signed_data", "content": asn1_cms.SignedData(fields)}
    )
    return asn1_tsp.TimeStampResp({"status": view["status"], "time_stamp_token": token}).dump()


# --------------------------------------------------------------------------------------------
# Internals: the checks
# --------------------------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, code: str, text: str) -> None:
        self.items.append((code, text))

    def has(self, *codes: str) -> bool:
        return any(code in codes for code, _ in self.items)

    def result(self, **facts: object) -> VerificationResult:
        return VerificationResult(
            ok=not self.items,
            problems=[text for _, text in self.items],
            codes=[code for code, _ in self.items],
            **facts,  # type: ignore[arg-type]
        )


def _check_signer(signer: x509.Certificate, parsed: _Parsed, problems: _Problems) -> None:
    """RFC 3161 §2.3: the TSA key is for time-stamping only, marked critical; RFC 5816: the
    signed attributes name this very certificate (ESSCertID / ESSCertIDv2)."""
    try:
        eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        eku = None
    if eku is None or not eku.critical or ExtendedKeyUsageOID.TIME_STAMPING not in eku.value:
        problems.add(
            "eku",
            f"The signing certificate '{_subject(signer)}' is not a time-stamping certificate "
            "(it lacks the critical extended key usage timeStamping).",
        )
    ess = parsed.ess
    der = signer.public_bytes(Encoding.DER)
    if ess is None:
        problems.add("ess", "The token's signature does not name its signing certificate.")
    elif hashlib.new(ess[0], der).digest() != ess[1]:
        problems.add(
            "ess", "The token's signature names a different certificate than the one it carries."
        )


def _ess_cert_hash(signed: asn1_cms.SignedData) -> tuple[str, bytes] | None:
    """The (hash name, certificate hash) of the first ESSCertID in the signed attributes."""
    for info in signed["signer_infos"]:
        for attr in info["signed_attrs"] or ():
            kind = attr["type"].native
            if kind == "signing_certificate_v2":
                cert_id = attr["values"][0]["certs"][0]
                algorithm = cert_id["hash_algorithm"]["algorithm"].native
                return algorithm, cert_id["cert_hash"].native
            if kind == "signing_certificate":
                return "sha1", attr["values"][0]["certs"][0]["cert_hash"].native
    return None


def _check_validity(
    chain: Sequence[x509.Certificate], moment: dt.datetime, when: str, problems: _Problems
) -> None:
    for cert in chain:
        start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
        if moment > end:
            problems.add(
                "expired",
                f"The certificate '{_subject(cert)}' had expired on {_fmt_time(end)}, "
                f"before {when}.",
            )
        elif moment < start:
            problems.add(
                "not-yet-valid",
                f"The certificate '{_subject(cert)}' only became valid on "
                f"{_fmt_time(start)}, after {when}.",
            )


def _check_anchor(
    chain: Sequence[x509.Certificate], anchors: Sequence[x509.Certificate], problems: _Problems
) -> None:
    """Trusted means: the chain ends in a self-signed root that the caller gave us.

    The same rule as OpenSSL without partial chains, so this message and the library's
    verdict agree; it exists to name the offending root in plain words.
    """
    if not anchors:
        problems.add(
            "no-anchor", "No trusted root certificate was given, so the TSA cannot be trusted."
        )
        return
    top = chain[-1]
    if not (_is_self_signed(top) and top in anchors):
        problems.add(
            "untrusted",
            f"The TSA certificate does not chain to a trusted root: it ends at "
            f"'{_subject(top)}', which is not among the trusted certificates.",
        )


def _check_with_library(
    parsed: _Parsed,
    signer: x509.Certificate,
    anchors: Sequence[x509.Certificate],
    data: bytes,
    problems: _Problems,
) -> None:
    """The authoritative check: rfc3161-client runs OpenSSL's PKCS7_verify at genTime.

    That verifies the CMS signature over the TSTInfo and the chain up to ``anchors``, then
    the EKU and the imprint. It stops at its first failure, which our own checks above have
    usually explained already; only a failure they did not foresee is added.
    """
    if not anchors:
        return
    builder = VerifierBuilder()
    for cert in _unique(anchors):
        builder = builder.add_root_certificate(cert)
    if signer not in parsed.embedded:
        builder = builder.tsa_certificate(signer)
    try:
        builder.build().verify_message(parsed.lib, data)
    except (VerificationError, ValueError) as exc:
        code, text = _explain_library_error(str(exc))
        if not problems.has(code) and not (code == "untrusted" and problems.has("no-anchor")):
            problems.add(code, text)


def _explain_library_error(message: str) -> tuple[str, str]:
    lowered = message.lower()
    if "mismatch between messages" in lowered:
        return "imprint", "The token attests a different document."
    if "nonce mismatch" in lowered:
        return "nonce", "The token's nonce does not match the request."
    if "eku" in lowered or "unsuitable certificate purpose" in lowered:
        return "eku", "The signing certificate is not a time-stamping certificate."
    if "has expired" in lowered:
        return "expired", "A certificate of the TSA chain had expired when the token was made."
    if "not yet valid" in lowered:
        return "not-yet-valid", "A certificate of the TSA chain was not yet valid at genTime."
    if any(
        phrase in lowered
        for phrase in (
            "self-signed certificate",
            "unable to get local issuer",
            "unable to get issuer",
            "unable to verify the first certificate",
        )
    ):
        return "untrusted", "The TSA certificate does not chain to a trusted root."
    if "signature failure" in lowered or "digest failure" in lowered or "padding" in lowered:
        return (
            "signature",
            "The TSA's signature over the token is invalid: the token was altered or damaged.",
        )
    detail = message.split("data: ")[-1].split('"')[1] if 'data: "' in message else ""
    suffix = f" ({detail})" if detail else ""
    return "chain", f"The token's signature or certificate chain did not verify{suffix}."


# --------------------------------------------------------------------------------------------
# Internals: certificates
# --------------------------------------------------------------------------------------------


def _load_certificates(blobs: Sequence[bytes]) -> tuple[list[x509.Certificate], int]:
    """Every certificate in the PEM bundles / DER files, and how many blobs were unreadable."""
    certs: list[x509.Certificate] = []
    unreadable = 0
    for blob in blobs:
        try:
            if b"-----BEGIN" in blob:
                certs.extend(x509.load_pem_x509_certificates(blob))
            else:
                certs.append(x509.load_der_x509_certificate(blob))
        except ValueError:
            unreadable += 1
    return _unique(certs), unreadable


def _unique(certs: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    seen: list[x509.Certificate] = []
    for cert in certs:
        if cert not in seen:
            seen.append(cert)
    return seen


def _is_self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, x509.InvalidSignature):
        return False
    return True


def _issuers(
    cert: x509.Certificate, pool: Sequence[x509.Certificate]
) -> Iterator[x509.Certificate]:
    for candidate in pool:
        if candidate.subject != cert.issuer or candidate == cert:
            continue
        try:
            cert.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, x509.InvalidSignature):
            continue
        yield candidate


def _build_chain(
    signer: x509.Certificate, pool: Sequence[x509.Certificate]
) -> list[x509.Certificate]:
    """Signer first, then each issuer found in ``pool`` whose key verifies the link.

    For naming the chain and dating its links in messages; whether it is trusted is decided
    by OpenSSL in :func:`_check_with_library`.
    """
    chain = [signer]
    while len(chain) < 10 and not _is_self_signed(chain[-1]):
        issuer = next((c for c in _issuers(chain[-1], pool) if c not in chain), None)
        if issuer is None:
            break
        chain.append(issuer)
    return chain


def _hex(number: int) -> str:
    digits = format(number, "X")
    return digits.zfill(len(digits) + len(digits) % 2)


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def _fmt_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# --------------------------------------------------------------------------------------------
# Internals: HTTP
# --------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib would replay the Authorization header to wherever a redirect points, and turn
    the POST into a GET; a TSA has no reason to redirect, so a redirect is an error."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _headers(tsa: TsaConfig) -> dict[str, str]:
    headers = {
        "Content-Type": QUERY_CONTENT_TYPE,
        "Accept": REPLY_CONTENT_TYPE,
        "User-Agent": f"Proofshot/{__version__}",
    }
    auth = tsa.auth
    if isinstance(auth, BasicAuth):
        pair = f"{auth.user}:{auth.password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    elif isinstance(auth, HeaderAuth):
        if any(c in auth.name + auth.value for c in "\r\n") or not auth.name.strip():
            raise TsaError(f"The credential header configured for {tsa.label} is not valid.")
        headers[auth.name.strip()] = auth.value
    return headers


def _post(query: bytes, tsa: TsaConfig) -> tuple[bytes, str]:
    """POST the query; return the body (bounded in size and time) and its Content-Type."""
    scheme = urllib.parse.urlsplit(tsa.url).scheme.lower()
    if scheme not in ("http", "https"):
        raise TsaError(f"The TSA address {tsa.url!r} is not an http or https URL.")
    request = urllib.request.Request(tsa.url, data=query, headers=_headers(tsa), method="POST")
    opener = urllib.request.build_opener(_NoRedirect())
    deadline = time.monotonic() + tsa.timeout
    try:
        with opener.open(request, timeout=tsa.timeout) as reply:
            content_type = reply.headers.get("Content-Type", "")
            body = _read_bounded(reply, tsa, deadline)
    except urllib.error.HTTPError as exc:
        raise _http_error(exc, tsa) from exc
    except urllib.error.URLError as exc:
        raise _network_error(exc.reason, tsa) from exc
    except TimeoutError as exc:
        raise _network_error(exc, tsa) from exc
    except (http.client.HTTPException, OSError) as exc:
        raise TsaError(
            f"The connection to {tsa.label} broke off before the reply was complete.",
            retryable=True,
        ) from exc
    return body, content_type


def _read_bounded(reply: http.client.HTTPResponse, tsa: TsaConfig, deadline: float) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := reply.read(64 * 1024):
        size += len(chunk)
        if size > tsa.max_response_bytes:
            limit_kb = tsa.max_response_bytes // 1024
            raise TsaError(
                f"The answer from {tsa.label} is larger than {limit_kb} KB, far beyond any "
                "time-stamp reply, so it was not read."
            )
        if time.monotonic() > deadline:
            raise TimeoutError("reply too slow")
        parts.append(chunk)
    return b"".join(parts)


def _http_error(exc: urllib.error.HTTPError, tsa: TsaConfig) -> TsaError:
    code = exc.code
    if code in (401, 403):
        return TsaError(
            f"{tsa.label} refused the credentials (HTTP {code}); check the account in "
            "the TSA settings."
        )
    if 300 <= code < 400:
        target = exc.headers.get("Location", "another address") if exc.headers else ""
        return TsaError(
            f"{tsa.label} redirected the request to {target}; enter that address directly."
        )
    return TsaError(
        f"{tsa.label} answered HTTP {code} ({exc.reason}) instead of a time-stamp.",
        retryable=code >= 500 or code == 429,
    )


def _network_error(reason: object, tsa: TsaConfig) -> TsaError:
    if isinstance(reason, TimeoutError):
        return TsaError(
            f"{tsa.label} did not answer within {tsa.timeout:g} seconds.", retryable=True
        )
    if isinstance(reason, ConnectionRefusedError):
        return TsaError(f"Could not connect to {tsa.label}: connection refused.", retryable=True)
    if isinstance(reason, socket.gaierror):
        return TsaError(
            f"Could not find the TSA host for {tsa.label}; check the address or the "
            "network connection.",
            retryable=True,
        )
    return TsaError(f"Could not reach {tsa.label}: {reason}.", retryable=True)
