"""RFC 3161 client and verifier against OpenSSL's real ``ts`` responder on 127.0.0.1.

Fixtures come from ``tests/tsa_server.py`` (registered in ``tests/conftest.py``). Every
token here is produced by ``openssl ts -reply``; third-party checks run ``openssl ts -verify``
as a separate process, exactly as the verification guide tells a court expert to.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from asn1crypto import tsp as asn1_tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.core.errors import ProofshotError
from app.core.tsa import (
    MAX_CLOCK_OFFSET,
    BasicAuth,
    HeaderAuth,
    TsaConfig,
    TsaError,
    clock_offset,
    parse_timestamp_response,
    request_timestamp,
    verify_timestamp,
)
from tests.tsa_server import TSA_POLICY_OID, TsaPki, TsaServer, openssl_ts_verify, pyhanko_reply

MANIFEST_ZH = (
    "# Proofshot 哈希清单 — 案件：星空插画侵权取证\n"
    "a3f1…  生成图像_001.png  提示词：「梵高风格的星空，猫在屋顶上」\n"
    "9c0e…  原作_星空猫.jpg  权利人：张三（著作权登记号 国作登字-2024-F-00000000）\n"
).encode()


def _config(server: TsaServer, **kwargs: object) -> TsaConfig:
    return TsaConfig(url=server.url, name="Test TSA", **kwargs)  # type: ignore[arg-type]


def _openssl_files(
    tmp_path: Path, server: TsaServer, data: bytes, reply: bytes
) -> tuple[Path, Path, Path, Path]:
    files = {
        "data.bin": data,
        "reply.tsr": reply,
        "ca.pem": server.ca_pem,
        "tsa.pem": server.tsa_cert_pem,
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return tuple(tmp_path / name for name in files)  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# The happy path, checked by us and by openssl
# --------------------------------------------------------------------------------------------


def test_token_from_openssl_responder_verifies_with_our_verifier(tsa_server: TsaServer) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    token = request_timestamp(b"evidence bytes", _config(tsa_server), ca_pems=[tsa_server.ca_pem])
    after = dt.datetime.now(dt.UTC)

    result = verify_timestamp(
        token.response_der,
        b"evidence bytes",
        expected_nonce=token.nonce,
        ca_pems=[tsa_server.ca_pem],
    )

    assert result.ok, result.problems
    assert result.problems == [] and result.codes == []
    assert before - dt.timedelta(seconds=1) <= token.gen_time <= after
    assert token.gen_time.tzinfo is not None and token.gen_time.utcoffset() == dt.timedelta(0)
    assert token.policy_oid == TSA_POLICY_OID
    assert token.hash_algorithm == "sha256"
    assert token.message_imprint_hex == hashlib.sha256(b"evidence bytes").hexdigest()
    assert "Proofshot Test TSA A" in token.tsa_name
    assert token.serial > 0 and int(token.serial_hex, 16) == token.serial
    assert len(token.serial_hex) % 2 == 0 and token.serial_hex == token.serial_hex.upper()
    assert result.serial == token.serial and result.gen_time == token.gen_time
    assert result.chain == [
        "CN=Proofshot Test TSA A,O=Proofshot Test PKI",
        "CN=Proofshot Test Root CA A,O=Proofshot Test PKI",
    ]
    embedded = [x509.load_pem_x509_certificate(pem) for pem in token.certs_pem]
    assert embedded[0].subject.rfc4514_string() == result.chain[0]
    assert token.token_der in token.response_der
    assert token.accuracy == dt.timedelta(seconds=1)


def test_token_verifies_with_openssl_ts_verify_in_a_separate_process(
    tsa_server: TsaServer, tmp_path: Path
) -> None:
    token = request_timestamp(b"evidence bytes", _config(tsa_server), ca_pems=[tsa_server.ca_pem])
    data, reply, ca, tsa = _openssl_files(
        tmp_path, tsa_server, b"evidence bytes", token.response_der
    )

    run = openssl_ts_verify(data, reply, ca, tsa)
    shown = subprocess.run(
        ["openssl", "ts", "-reply", "-in", str(reply), "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert run.returncode == 0, run.stderr
    assert "Verification: OK" in run.stdout
    # The facts a report prints are the ones openssl shows a third party.
    assert f"Serial number: 0x{token.serial_hex}" in shown
    assert f"Policy OID: {token.policy_oid}" in shown
    # OpenSSL prints the nonce's bytes, so a leading zero nibble is kept (0x0E8D…); compare values.
    nonce = re.search(r"Nonce: 0x([0-9A-Fa-f]+)", shown)
    assert nonce is not None and int(nonce.group(1), 16) == token.nonce
    g = token.gen_time
    assert f"Time stamp: {g:%b} {g.day:2d} {g:%H:%M:%S %Y} GMT" in shown


def test_stored_token_alone_verifies_with_openssl_token_in(
    tsa_server: TsaServer, tmp_path: Path
) -> None:
    """``token_der`` is what CMS/PAdES embed; openssl reads it with ``-token_in``."""
    token = request_timestamp(b"evidence bytes", _config(tsa_server), ca_pems=[tsa_server.ca_pem])
    data, _, ca, tsa = _openssl_files(tmp_path, tsa_server, b"evidence bytes", token.response_der)
    token_file = tmp_path / "token.der"
    token_file.write_bytes(token.token_der)

    run = openssl_ts_verify(data, token_file, ca, tsa, token_in=True)

    assert run.returncode == 0, run.stderr
    assert "Verification: OK" in run.stdout


def test_openssl_ts_verify_rejects_the_token_for_altered_data(
    tsa_server: TsaServer, tmp_path: Path
) -> None:
    token = request_timestamp(b"evidence bytes", _config(tsa_server), ca_pems=[tsa_server.ca_pem])
    data, reply, ca, tsa = _openssl_files(
        tmp_path, tsa_server, b"evidence bytez", token.response_der
    )

    run = openssl_ts_verify(data, reply, ca, tsa)

    assert run.returncode != 0
    assert "Verification: OK" not in run.stdout


def test_stored_reply_is_kept_byte_for_byte_as_the_tsa_sent_it(tsa_server: TsaServer) -> None:
    """openssl writes the CMS certificate SET in chain order, which the strict library parser
    refuses; we parse a DER-sorted copy but must store the original bytes."""
    token = request_timestamp(b"evidence bytes", _config(tsa_server), ca_pems=[tsa_server.ca_pem])

    assert token.response_der == tsa_server.replies[-1]
    signed = asn1_tsp.TimeStampResp.load(token.response_der)["time_stamp_token"]["content"]
    first = signed["certificates"][0].chosen
    assert first.subject.native["common_name"] == "Proofshot Test TSA A"


def test_utf8_chinese_manifest_round_trips_through_token_and_openssl(
    tsa_server: TsaServer, tmp_path: Path
) -> None:
    token = request_timestamp(MANIFEST_ZH, _config(tsa_server), ca_pems=[tsa_server.ca_pem])
    stored = parse_timestamp_response(token.response_der, tsa_url=tsa_server.url)
    manifest_file = tmp_path / "manifest-哈希清单.txt"
    manifest_file.write_text(MANIFEST_ZH.decode("utf-8"), encoding="utf-8")
    reread = manifest_file.read_bytes()

    result = verify_timestamp(
        token.response_der, reread, expected_nonce=stored.nonce, ca_pems=[tsa_server.ca_pem]
    )
    _, reply, ca, tsa = _openssl_files(tmp_path, tsa_server, reread, token.response_der)
    run = openssl_ts_verify(manifest_file, reply, ca, tsa)
    altered = MANIFEST_ZH.decode("utf-8").replace("张三", "李四").encode("utf-8")

    assert stored == dataclasses.replace(token, received_at=None)
    assert result.ok, result.problems
    assert run.returncode == 0 and "Verification: OK" in run.stdout
    assert not verify_timestamp(
        token.response_der, altered, expected_nonce=None, ca_pems=[tsa_server.ca_pem]
    ).ok


# --------------------------------------------------------------------------------------------
# What goes over the wire
# --------------------------------------------------------------------------------------------


def test_query_carries_sha256_imprint_nonce_and_cert_request(tsa_server: TsaServer) -> None:
    token = request_timestamp(b"evidence bytes", _config(tsa_server))

    sent = tsa_server.last_request
    query = asn1_tsp.TimeStampReq.load(sent.body)
    assert sent.header("Content-Type") == "application/timestamp-query"
    assert sent.header("Accept") == "application/timestamp-reply"
    assert query["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert (
        query["message_imprint"]["hashed_message"].native
        == hashlib.sha256(b"evidence bytes").digest()
    )
    assert query["cert_req"].native is True
    assert query["nonce"].native == token.nonce


def test_two_requests_use_different_random_nonces(tsa_server: TsaServer) -> None:
    first = request_timestamp(b"same bytes", _config(tsa_server))
    second = request_timestamp(b"same bytes", _config(tsa_server))

    assert first.nonce is not None and second.nonce is not None
    assert first.nonce != second.nonce
    assert max(first.nonce, second.nonce) > 2**32  # 64 random bits, not a counter
    assert first.serial != second.serial


def test_basic_credentials_are_sent_in_the_authorization_header(tsa_server: TsaServer) -> None:
    auth = BasicAuth("alice", "s3cret:with colon")

    request_timestamp(b"x", _config(tsa_server, auth=auth))

    expected = base64.b64encode(b"alice:s3cret:with colon").decode()
    assert tsa_server.last_authorization == f"Basic {expected}"
    assert "s3cret" not in repr(auth)


def test_token_header_credentials_are_sent_as_given(tsa_server: TsaServer) -> None:
    auth = HeaderAuth("X-Api-Key", "k-123456")

    request_timestamp(b"x", _config(tsa_server, auth=auth))

    assert tsa_server.last_request.header("X-Api-Key") == "k-123456"
    assert tsa_server.last_authorization is None
    assert "k-123456" not in repr(_config(tsa_server, auth=auth))


def test_header_credentials_with_line_breaks_are_refused_before_sending(
    tsa_server: TsaServer,
) -> None:
    with pytest.raises(TsaError, match="credential header"):
        request_timestamp(b"x", _config(tsa_server, auth=HeaderAuth("X-Key", "a\r\nEvil: 1")))
    assert tsa_server.requests == 0


def test_non_http_tsa_address_is_refused() -> None:
    with pytest.raises(TsaError, match="not an http or https URL"):
        request_timestamp(b"x", TsaConfig(url="file:///etc/passwd"))


def test_empty_data_is_refused_without_contacting_the_tsa(tsa_server: TsaServer) -> None:
    with pytest.raises(TsaError, match="empty"):
        request_timestamp(b"", _config(tsa_server))
    assert tsa_server.requests == 0


# --------------------------------------------------------------------------------------------
# Failure modes of the transport and of the TSA
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "phrase", "retryable"),
    [
        ("down", "connection refused", True),
        ("hang", "did not answer within 0.5 seconds", True),
        ("garbage", "not an RFC 3161 time-stamp response", True),
        ("http500", "answered HTTP 500", True),
        ("rejection", "refused the time-stamp request: Message digest algorithm", False),
        ("oversize", "larger than 1024 KB", False),
        ("redirect", "redirected the request", False),
        ("wrong-imprint", "attests a different document", False),
        ("wrong-nonce", "nonce does not match", False),
        ("expired", "had expired", False),
        ("untrusted", "does not chain to a trusted root", False),
    ],
)
def test_each_failure_mode_raises_tsa_error_with_a_clear_reason(
    tsa_server: TsaServer, mode: str, phrase: str, retryable: bool
) -> None:
    tsa_server.mode = mode
    timeout = 0.5 if mode == "hang" else 1.0  # the hanging TSA's limit is waited out in full

    with pytest.raises(TsaError) as caught:
        request_timestamp(b"x", _config(tsa_server, timeout=timeout), ca_pems=[tsa_server.ca_pem])

    reason = str(caught.value)
    assert phrase in reason
    assert reason.endswith(".") and reason.count(". ") == 0  # one sentence
    assert caught.value.retryable is retryable
    assert isinstance(caught.value, ProofshotError)


def test_server_comes_back_after_being_down(tsa_server: TsaServer) -> None:
    tsa_server.mode = "down"
    with pytest.raises(TsaError):
        request_timestamp(b"x", _config(tsa_server))
    tsa_server.mode = "ok"

    token = request_timestamp(b"x", _config(tsa_server), ca_pems=[tsa_server.ca_pem])

    assert token.gen_time is not None


# --------------------------------------------------------------------------------------------
# Verifying stored replies
# --------------------------------------------------------------------------------------------


def test_token_verified_against_altered_data_fails(tsa_server: TsaServer) -> None:
    reply, nonce = tsa_server.fetch_reply(b"original document")

    result = verify_timestamp(
        reply, b"original documenT", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem]
    )

    assert not result.ok
    assert result.codes == ["imprint"]
    assert "attests a different document" in result.problems[0]


def test_wrong_imprint_reply_fails_verification_as_a_different_document(
    tsa_server: TsaServer,
) -> None:
    tsa_server.mode = "wrong-imprint"
    reply, nonce = tsa_server.fetch_reply(b"doc")

    result = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem])

    assert result.codes == ["imprint"]


def test_wrong_nonce_reply_fails_verification_only_on_the_nonce(tsa_server: TsaServer) -> None:
    tsa_server.mode = "wrong-nonce"
    reply, nonce = tsa_server.fetch_reply(b"doc")

    checked = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem])
    unchecked = verify_timestamp(reply, b"doc", expected_nonce=None, ca_pems=[tsa_server.ca_pem])

    assert checked.codes == ["nonce"]
    assert "nonce does not match" in checked.problems[0]
    assert unchecked.ok  # the token itself is genuine; only the binding to our query fails


def test_expired_tsa_certificate_fails_with_the_certificate_named(
    tsa_server: TsaServer, tmp_path: Path
) -> None:
    tsa_server.mode = "expired"
    reply, nonce = tsa_server.fetch_reply(b"doc")

    result = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem])
    (tmp_path / "expired.pem").write_bytes(tsa_server.pki.expired_tsa.cert_pem)
    data, reply_file, ca, _ = _openssl_files(tmp_path, tsa_server, b"doc", reply)
    run = openssl_ts_verify(data, reply_file, ca, tmp_path / "expired.pem")

    assert result.codes == ["expired"]
    assert "Proofshot Expired TSA A" in result.problems[0]
    assert "before the token was made" in result.problems[0]
    assert run.returncode != 0  # openssl agrees


def test_untrusted_tsa_fails_verification_naming_the_unknown_root(tsa_server: TsaServer) -> None:
    tsa_server.mode = "untrusted"
    reply, nonce = tsa_server.fetch_reply(b"doc")

    result = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem])

    assert result.codes == ["untrusted"]
    assert "Proofshot Rogue Root CA A" in result.problems[0]


def test_request_without_anchors_accepts_a_self_consistent_chain_but_trust_is_checked_later(
    tsa_server: TsaServer,
) -> None:
    tsa_server.mode = "untrusted"

    token = request_timestamp(b"doc", _config(tsa_server))
    later = verify_timestamp(
        token.response_der, b"doc", expected_nonce=token.nonce, ca_pems=[tsa_server.ca_pem]
    )

    assert "Rogue TSA" in token.tsa_name
    assert later.codes == ["untrusted"]


def test_verification_without_any_trust_anchor_says_so(tsa_server: TsaServer) -> None:
    reply, nonce = tsa_server.fetch_reply(b"doc")

    result = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[])

    assert result.codes == ["no-anchor"]
    assert "No trusted root" in result.problems[0]


def test_tampered_signature_is_detected(tsa_server: TsaServer) -> None:
    reply, nonce = tsa_server.fetch_reply(b"doc")
    tampered = reply[:-1] + bytes([reply[-1] ^ 0x01])  # last byte: the RSA signature

    result = verify_timestamp(tampered, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem])

    assert result.codes == ["signature"]
    assert "altered or damaged" in result.problems[0]


def test_rewritten_gen_time_breaks_the_signature(tsa_server: TsaServer) -> None:
    reply, nonce = tsa_server.fetch_reply(b"doc")
    token = parse_timestamp_response(reply)
    stamp = token.gen_time.strftime("%Y%m%d%H%M%SZ").encode()
    earlier = (token.gen_time - dt.timedelta(hours=1)).strftime("%Y%m%d%H%M%SZ").encode()
    assert reply.count(stamp) >= 1
    backdated = reply.replace(stamp, earlier, 1)

    result = verify_timestamp(backdated, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem])

    assert not result.ok
    assert "signature" in result.codes


def test_chain_validity_can_also_be_required_at_another_instant(tsa_server: TsaServer) -> None:
    reply, nonce = tsa_server.fetch_reply(b"doc")
    far_future = dt.datetime.now(dt.UTC) + dt.timedelta(days=800)

    at_gen_time = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem])
    later = verify_timestamp(
        reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem], at=far_future
    )

    assert at_gen_time.ok  # a token outlives its TSA certificate (RFC 3161 appendix B)
    assert later.codes == ["expired"]
    assert "the time checked" in later.problems[0]


def test_rejection_reply_fails_verification_with_the_tsa_reason(tsa_server: TsaServer) -> None:
    tsa_server.mode = "rejection"
    reply, nonce = tsa_server.fetch_reply(b"doc")

    result = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.ca_pem])

    assert result.codes == ["status"]
    assert "Message digest algorithm is not supported" in result.problems[0]


def test_garbage_bytes_fail_verification_as_malformed() -> None:
    result = verify_timestamp(b"\x30\x03\x02\x01\x00", b"doc", expected_nonce=None, ca_pems=[])

    assert result.codes == ["malformed"]
    with pytest.raises(TsaError, match="not an RFC 3161"):
        parse_timestamp_response(b"not a reply")


def test_trust_anchor_may_be_given_as_a_chain_file_or_der(tsa_server: TsaServer) -> None:
    reply, nonce = tsa_server.fetch_reply(b"doc")
    der = x509.load_pem_x509_certificate(tsa_server.ca_pem).public_bytes(Encoding.DER)

    as_chain = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.chain_pem])
    as_der = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[der])
    leaf_only = verify_timestamp(
        reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_server.tsa_cert_pem]
    )

    assert as_chain.ok and as_der.ok
    assert leaf_only.codes == ["untrusted"]  # trusting the TSA's own cert is not a root


def test_unreadable_trust_anchor_file_is_reported_not_raised(tsa_server: TsaServer) -> None:
    reply, nonce = tsa_server.fetch_reply(b"doc")

    result = verify_timestamp(
        reply, b"doc", expected_nonce=nonce, ca_pems=[b"not a certificate", tsa_server.ca_pem]
    )

    assert result.codes == ["bad-anchor"]
    assert "could not be read" in result.problems[0]


def test_token_from_a_second_responder_implementation_verifies(tsa_pki: TsaPki) -> None:
    """pyHanko's responder writes DER-sorted sets and a v1 (SHA-1) ESSCertID."""
    reply, nonce = pyhanko_reply(b"doc", tsa_pki.tsa, embed=[tsa_pki.root])

    result = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_pki.root.cert_pem])

    assert result.ok, result.problems
    assert "Proofshot Test TSA A" in result.tsa_name


def test_signer_without_critical_timestamping_eku_is_rejected(tsa_pki: TsaPki) -> None:
    reply, nonce = pyhanko_reply(b"doc", tsa_pki.noncritical_tsa, embed=[tsa_pki.root])

    result = verify_timestamp(reply, b"doc", expected_nonce=nonce, ca_pems=[tsa_pki.root.cert_pem])

    assert result.codes == ["eku"]
    assert "Proofshot Lax TSA A" in result.problems[0]
    assert "critical extended key usage timeStamping" in result.problems[0]


# --------------------------------------------------------------------------------------------
# Two TSAs, clock offset
# --------------------------------------------------------------------------------------------


def test_two_independent_tsas_each_verify_only_against_their_own_root(
    two_tsa_servers: tuple[TsaServer, TsaServer],
) -> None:
    a, b = two_tsa_servers
    token_a = request_timestamp(b"seal", _config(a), ca_pems=[a.ca_pem])
    token_b = request_timestamp(b"seal", _config(b), ca_pems=[b.ca_pem])

    both = [a.ca_pem, b.ca_pem]
    assert a.ca_pem != b.ca_pem
    assert "TSA A" in token_a.tsa_name and "TSA B" in token_b.tsa_name
    assert verify_timestamp(token_a.response_der, b"seal", expected_nonce=None, ca_pems=both).ok
    assert verify_timestamp(token_b.response_der, b"seal", expected_nonce=None, ca_pems=both).ok
    crossed = verify_timestamp(
        token_a.response_der, b"seal", expected_nonce=None, ca_pems=[b.ca_pem]
    )
    assert crossed.codes == ["untrusted"]


def test_factory_starts_servers_on_distinct_ports(
    tsa_server_factory: Callable[[str], TsaServer],
) -> None:
    first, second = tsa_server_factory("A"), tsa_server_factory("A")

    assert first.url != second.url
    assert first.ca_pem == second.ca_pem  # same PKI label, generated once per session


def test_clock_offset_is_local_minus_tsa_time_and_fresh_tokens_are_within_bounds(
    tsa_server: TsaServer,
) -> None:
    token = request_timestamp(b"x", _config(tsa_server))
    tsa_time = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)

    assert clock_offset(tsa_time, tsa_time + dt.timedelta(minutes=3)) == dt.timedelta(minutes=3)
    assert clock_offset(tsa_time, tsa_time - dt.timedelta(seconds=5)) == dt.timedelta(seconds=-5)
    assert dt.timedelta(minutes=2) == MAX_CLOCK_OFFSET
    assert token.received_at is not None
    assert abs(clock_offset(token.gen_time, token.received_at)) < MAX_CLOCK_OFFSET
    with pytest.raises(ValueError, match="timezone-aware"):
        clock_offset(dt.datetime(2025, 1, 1), tsa_time)
