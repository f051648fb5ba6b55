"""The pieces ``check_tokens`` and ``export_tokens`` were split into, each called on its own
over a real case with real tokens from the OpenSSL ``ts`` responder on 127.0.0.1."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from app.core import attest, items
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from app.core.problems import VerifyReport
from app.core.rows import named_rows
from app.core.trust import TrustStore, load_trust
from app.core.tsa import TsaConfig
from tests.core.helpers import make_case, png_bytes
from tests.tsa_server import TsaServer

_TOKEN_SQL = (
    "SELECT id, purpose, manifest, manifest_sha256, tsa_url, tsa_name, response_b64, nonce,"
    " chain_pem, received_at, sealed_seq, sealed_hash, gen_time, serial, policy_oid"
    " FROM tokens WHERE purpose = ? ORDER BY id"
)


@pytest.fixture
def attested(tmp_path: Path, tsa_server: TsaServer) -> Iterator[Case]:
    """Three items under one items token, then one seal token over the log."""
    with make_case(tmp_path) as case:
        for i in range(3):
            add_bytes(case, png_bytes((i * 40, 10, 200)), Acquisition(source=f"test://{i}"))
        cfg = TsaConfig(url=tsa_server.url, timeout=5)
        assert attest.attest_pending(case, [cfg]).attested_items == 3
        assert len(attest.seal_log(case, [cfg], want=1).tokens) == 1
        yield case


def _token(case: Case, purpose: str = "items"):
    (row,) = named_rows(case.conn, _TOKEN_SQL, (purpose,))
    return row


def _forge(case: Case, table: str, sql: str) -> None:
    """Rewrite a row as a forger with the file would (the append-only trigger dropped)."""
    case.conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    case.conn.execute(sql)


def _trusting(server: TsaServer) -> TrustStore:
    return load_trust([server.ca_file], system=False)


def _codes(report: VerifyReport) -> list[str]:
    return [p.code for p in report.problems]


# -- check_tokens' pieces -------------------------------------------------------------------


def test_token_bytes_of_a_sound_token_are_trusted_through_the_outside_root(
    attested: Case, tsa_server: TsaServer
) -> None:
    report = VerifyReport()
    attest._check_token_bytes(report, _trusting(tsa_server), _token(attested), "T")
    assert report.intact and not report.problems
    (entry,) = report.tokens
    assert entry["trusted"] is True and entry["purpose"] == "items"
    assert entry["anchor_source"].startswith("--ca-file")


def test_token_bytes_without_the_root_from_outside_are_untrusted(attested: Case) -> None:
    report = VerifyReport()
    attest._check_token_bytes(report, load_trust([], system=False), _token(attested), "T")
    assert _codes(report) == ["token-untrusted"]
    assert report.tokens[0]["trusted"] is False and report.tokens[0]["anchor_source"] is None


def test_token_bytes_over_an_altered_manifest_are_reported(
    attested: Case, tsa_server: TsaServer
) -> None:
    _forge(
        attested, "tokens", "UPDATE tokens SET manifest = manifest || 'x' WHERE purpose = 'items'"
    )
    report = VerifyReport()
    attest._check_token_bytes(report, _trusting(tsa_server), _token(attested), "T")
    assert "token-manifest-altered" in _codes(report)
    assert "token-invalid" in _codes(report)  # the signature no longer covers the text


def test_items_manifest_matches_until_an_item_hash_differs(attested: Case) -> None:
    row = _token(attested)
    hashes = {it.id: it.sha256 for it in items.list_items(attested)}
    report = VerifyReport()
    attest._check_items_manifest(report, row, "T", hashes, {1, 2, 3})
    assert report.intact and not report.problems
    hashes[2] = "0" * 64
    attest._check_items_manifest(report, row, "T", hashes, {1, 2, 3})
    assert [(p.code, p.item_id) for p in report.problems] == [("token-manifest-mismatch", 2)]


def test_seal_manifest_holds_then_fails_on_a_rewritten_manifest_or_a_moved_head(
    attested: Case,
) -> None:
    report = VerifyReport()
    attest._check_seal_manifest(attested, report, _token(attested, "seal"), "S")
    assert report.intact and not report.problems

    _forge(attested, "tokens", "UPDATE tokens SET manifest = 'other' WHERE purpose = 'seal'")
    attest._check_seal_manifest(attested, report, _token(attested, "seal"), "S")
    assert [p.message for p in report.problems] == [
        "S: the seal manifest does not describe this case's log."
    ]

    _forge(attested, "tokens", "UPDATE tokens SET sealed_hash = 'f00' WHERE purpose = 'seal'")
    attest._check_seal_manifest(attested, report, _token(attested, "seal"), "S")
    assert "no longer matches the log" in report.problems[-1].message


def test_after_seal_warns_only_about_events_the_seal_does_not_cover(attested: Case) -> None:
    report = VerifyReport()
    attest._warn_after_seal(attested, report)
    assert report.warnings == []
    items.add_tag(attested, [1], "after-the-seal")
    attest._warn_after_seal(attested, report)
    (warning,) = report.warnings
    assert warning["code"] == "events-after-seal" and "1 custody event(s)" in warning["message"]


def test_after_seal_is_silent_without_any_seal(tmp_path: Path) -> None:
    with make_case(tmp_path) as case:
        add_bytes(case, png_bytes((1, 2, 3)), Acquisition(source="test://x"))
        report = VerifyReport()
        attest._warn_after_seal(case, report)
        assert report.warnings == []


def test_late_attestation_warns_for_the_item_acquired_long_before_its_token(
    attested: Case,
) -> None:
    report = VerifyReport()
    attest._warn_late_attestations(attested, report, dt.timedelta(hours=1))
    assert report.warnings == []
    _forge(
        attested, "items", "UPDATE items SET acquired_at = '2000-01-01T00:00:00+00:00' WHERE id = 2"
    )
    attest._warn_late_attestations(attested, report, dt.timedelta(hours=1))
    assert [(w["code"], w["item_id"]) for w in report.warnings] == [("late-attestation", 2)]


# -- export_tokens' pieces ------------------------------------------------------------------


def test_split_chain_puts_self_signed_roots_apart(attested: Case, tsa_server: TsaServer) -> None:
    roots, rest = attest._split_chain(_token(attested)["chain_pem"])
    (root,) = x509.load_pem_x509_certificates(roots.encode())
    assert root.issuer == root.subject
    assert rest and all(
        c.issuer != c.subject for c in x509.load_pem_x509_certificates(rest.encode())
    )
    assert attest._split_chain("") == ("", "")


def test_token_file_stem_is_a_safe_name_from_the_tsa_address() -> None:
    assert attest.token_file_stem(7, "http://127.0.0.1:8080/tsa") == "token-0007-127.0.0.1-8080-tsa"
    assert attest.token_file_stem(12, "https://freetsa.org/tsr") == "token-0012-freetsa.org-tsr"
    assert attest.token_file_stem(1, "") == "token-0001-tsa"
    assert len(attest.token_file_stem(1, "http://" + "a" * 90)) == len("token-0001-") + 40


def test_exported_token_files_check_with_openssl(
    attested: Case, tsa_server: TsaServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    row = _token(attested)
    lines = attest._export_token_files(out, _trusting(tsa_server), row, "tok")
    assert (out / "tok.tsr").read_bytes() == base64.b64decode(row["response_b64"])
    assert (out / "tok.txt").read_text("utf-8") == row["manifest"]
    assert "BEGIN CERTIFICATE" in (out / "tok.ca.pem").read_text()
    assert lines[0].startswith("== tok: items, TSA ")
    command = lines[1]
    assert command.startswith("openssl ts -verify")
    done = subprocess.run(command.split(), cwd=out, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stderr


def test_exported_token_files_leave_the_ca_empty_when_the_root_is_not_trusted(
    attested: Case, tmp_path: Path
) -> None:
    lines = attest._export_token_files(
        tmp_path, load_trust([], system=False), _token(attested), "t"
    )
    assert (tmp_path / "t.ca.pem").read_text() == ""
    assert any(line.startswith("# t.ca.pem is empty") for line in lines)
