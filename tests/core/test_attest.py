"""Trusted time in a case, against a real OpenSSL ``ts`` responder on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from app.core import attest, items
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from app.core.trust import TrustStore, load_trust
from app.core.tsa import TsaConfig
from app.core.verify import verify_case
from tests.core.helpers import make_case, png_bytes, run_cli, write
from tests.tsa_server import TsaServer


def _case_with_items(tmp_path: Path, n: int = 3) -> Case:
    case = make_case(tmp_path)
    for i in range(n):
        add_bytes(case, png_bytes((i * 40, 10, 200)), Acquisition(source=f"test://{i}"))
    return case


def _trust(*servers: TsaServer) -> TrustStore:
    """The TSA roots as a user passes them (--ca-file): from outside the case."""
    return load_trust([s.ca_file for s in servers], system=False)


def _cfg(server: TsaServer, timeout: float = 5.0) -> TsaConfig:
    return TsaConfig(url=server.url, timeout=timeout)


def test_items_arriving_together_share_one_token_over_a_sorted_manifest(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    with _case_with_items(tmp_path) as case:
        assert attest.pending_count(case) == 3
        outcome = attest.attest_pending(case, [_cfg(tsa_server)], ca_pems=[tsa_server.ca_pem])
        assert outcome.attested_items == 3 and len(outcome.tokens) == 1 and outcome.pending == 0
        assert tsa_server.requests == 1
        (token,) = attest.list_tokens(case)
        manifest = case.conn.execute("SELECT manifest FROM tokens").fetchone()[0]
        lines = manifest.splitlines()
        assert lines == sorted(lines) and len(lines) == 3
        for it in items.list_items(case):
            assert f"{it.sha256}  item-{it.id}" in lines
        assert attest.attestation_status(case) == {1: "attested", 2: "attested", 3: "attested"}
        assert token.tsa_name and token.serial and token.gen_time
        actions = [r[0] for r in case.conn.execute("SELECT action FROM events ORDER BY seq")]
        assert actions[-1] == "timestamp.attested"
        report = verify_case(case, trust=_trust(tsa_server))
        assert report.intact, report.problems
        assert report.tokens[0]["trusted"] and report.tokens[0]["anchor_source"].startswith(
            "--ca-file"
        )


def test_token_checks_with_openssl_and_sha256sum_after_export(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    with _case_with_items(tmp_path) as case:
        attest.add_trust_anchors(case, tsa_server.ca_pem)
        attest.attest_pending(case, [_cfg(tsa_server)])
        first = items.get_item(case, 1)
        native = case.objects.path_for(first.sha256)
    out = tmp_path / "tokens"
    assert run_cli("export-tokens", case.path, out).returncode == 0
    index = json.loads((out / "tokens.json").read_text())
    stem = index["items"]["1"][0]
    verify_txt = (out / "VERIFY.txt").read_text()
    command = next(
        line
        for line in verify_txt.splitlines()
        if line.startswith("openssl ts -verify") and stem in line
    )
    result = subprocess.run(command.split(), cwd=out, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Verification: OK" in result.stdout, result.stderr
    digest = subprocess.run(
        ["sha256sum", str(native)], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    assert f"{digest}  item-1" in (out / f"{stem}.txt").read_text().splitlines()


def test_seal_takes_two_tokens_from_two_independent_tsas(tmp_path: Path, two_tsa_servers) -> None:
    a, b = two_tsa_servers
    with _case_with_items(tmp_path) as case:
        attest.add_trust_anchors(case, a.ca_pem + b.ca_pem)
        head_seq = case.conn.execute("SELECT MAX(seq) FROM events").fetchone()[0]
        outcome = attest.seal_log(case, [_cfg(a), _cfg(b)])
        assert len(outcome.tokens) == 2
        seals = [t for t in attest.list_tokens(case) if t.purpose == "seal"]
        assert {t.tsa_url for t in seals} == {a.url, b.url}
        assert all(t.sealed_seq == head_seq for t in seals)
        report = verify_case(case)
        assert report.intact, report.problems


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("down", "refused|could not|connect"),
        ("hang", "did not answer|timed out|time"),
        ("garbage", "not an RFC 3161"),
        ("http500", "500"),
        ("wrong-imprint", "different document"),
        ("wrong-nonce", "nonce"),
        ("expired", "expired|valid"),
        ("untrusted", "trust|root|chain"),
    ],
)
def test_a_failing_tsa_leaves_items_pending_with_a_logged_reason(
    tmp_path: Path, tsa_server: TsaServer, mode: str, reason: str
) -> None:
    tsa_server.mode = mode
    timeout = 0.5 if mode == "hang" else 1.5  # the hanging TSA's limit is waited out in full
    with _case_with_items(tmp_path) as case:
        outcome = attest.attest_pending(
            case, [_cfg(tsa_server, timeout=timeout)], ca_pems=[tsa_server.ca_pem]
        )
        assert outcome.tokens == [] and outcome.pending == 3
        assert re.search(reason, outcome.failures[0]["reason"], re.IGNORECASE), outcome.failures
        row = case.conn.execute(
            "SELECT payload FROM events WHERE action = 'timestamp.attempt-failed'"
        ).fetchone()
        assert json.loads(row[0])["facts"]["reason"] == outcome.failures[0]["reason"]
        assert items.count_items(case) == 3 and verify_case(case).intact
        # The TSA comes back: the same items are attested, nothing was lost.
        tsa_server.mode = "ok"
        again = attest.attest_pending(case, [_cfg(tsa_server)], ca_pems=[tsa_server.ca_pem])
        assert again.attested_items == 3 and again.pending == 0


def test_tsas_are_tried_in_order_and_the_second_answers(tmp_path: Path, two_tsa_servers) -> None:
    a, b = two_tsa_servers
    a.mode = "http500"
    with _case_with_items(tmp_path) as case:
        outcome = attest.attest_pending(case, [_cfg(a), _cfg(b)], ca_pems=[a.ca_pem, b.ca_pem])
        assert outcome.attested_items == 3
        assert attest.list_tokens(case)[0].tsa_url == b.url
        assert len(outcome.failures) == 1 and outcome.failures[0]["tsa_url"] == a.url


def test_verify_finds_a_token_whose_manifest_or_reply_was_altered(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    import sqlite3

    with _case_with_items(tmp_path) as case:
        attest.add_trust_anchors(case, tsa_server.ca_pem)
        attest.attest_pending(case, [_cfg(tsa_server)])
        path = case.path
    conn = sqlite3.connect(path / "case.sqlite")
    conn.execute("DROP TRIGGER tokens_no_update")
    forged = "0" * 64 + "  item-1\n"
    conn.execute("UPDATE tokens SET manifest = ?", (forged,))
    conn.commit()
    conn.close()
    with Case.open(path, read_only=True) as case:
        report = verify_case(case)
    codes = {p.code for p in report.problems}
    assert {"altered-row", "token-manifest-altered", "token-invalid"} <= codes


def test_verify_reports_a_token_row_rewritten_to_garbage_instead_of_crashing(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    import sqlite3

    with _case_with_items(tmp_path) as case:
        attest.attest_pending(case, [_cfg(tsa_server)], ca_pems=[tsa_server.ca_pem])
        path = case.path
    conn = sqlite3.connect(path / "case.sqlite")
    conn.execute("DROP TRIGGER tokens_no_update")
    conn.execute("UPDATE tokens SET response_b64 = 'not base64!', chain_pem = 'caf\u00e9'")
    conn.commit()
    conn.close()
    with Case.open(path, read_only=True) as case:
        report = verify_case(case)
    codes = {p.code for p in report.problems}
    assert {"altered-row", "token-invalid"} <= codes


def test_a_token_whose_chain_carries_its_root_is_untrusted_until_the_root_comes_from_outside(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    with _case_with_items(tmp_path) as case:
        attest.attest_pending(case, [_cfg(tsa_server)])
        # The fixture's TSA sends its root in the chain: that root must not anchor the token.
        report = verify_case(case, trust=TrustStore())
        assert not report.intact
        assert [p.code for p in report.problems] == ["token-untrusted"]
        assert report.tokens[0]["trusted"] is False
        assert report.tokens[0]["anchor"].startswith("untrusted: chains to a certificate not in")
        trusted = verify_case(case, trust=_trust(tsa_server))
        assert trusted.intact, trusted.problems
        assert (
            trusted.tokens[0]["anchor_subject"]
            == "CN=Proofshot Test Root CA A,O=Proofshot Test PKI"
        )


def test_credentials_come_from_the_keyring_and_are_sent_but_never_stored(
    tmp_path: Path, tsa_server: TsaServer, memory_keyring
) -> None:
    from app.core import tsa_settings

    tsa_settings.store_basic_credentials(tsa_server.url, "counsel", "s3cret-pass")
    (cfg,) = tsa_settings.tsa_configs([tsa_server.url], timeout=5)
    with _case_with_items(tmp_path) as case:
        assert attest.attest_pending(case, [cfg], ca_pems=[tsa_server.ca_pem]).attested_items == 3
        path = case.path
    assert tsa_server.last_authorization and tsa_server.last_authorization.startswith("Basic ")
    for f in path.rglob("*"):
        if f.is_file():
            assert b"s3cret-pass" not in f.read_bytes()


def test_no_keyring_backend_gives_a_clear_message_and_stores_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    from app.core.secrets import SecretsUnavailableError
    from app.core.tsa_settings import store_basic_credentials, tsa_configs

    keyring.set_keyring(FailKeyring())
    with pytest.raises(SecretsUnavailableError, match="No keyring is available"):
        store_basic_credentials("http://127.0.0.1:9/tsr", "u", "p")
    assert tsa_configs(["http://127.0.0.1:9/tsr"])[0].auth is None


def test_cli_timestamp_attests_pending_and_import_attests_at_acquisition(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    case = tmp_path / "T.proofshot"
    run_cli("init", case, check=True)
    write(tmp_path / "in" / "a.png", png_bytes("red"))
    env = {"PROOFSHOT_TSA_URLS": tsa_server.url}
    imported = json.loads(run_cli("import", case, tmp_path / "in", "--json", env=env).stdout)
    assert imported["timestamp"]["attested_items"] == 1
    write(tmp_path / "in2" / "b.png", png_bytes("blue"))
    run_cli("import", case, tmp_path / "in2", "--no-timestamp", check=True)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(tsa_server.ca_pem)
    result = run_cli(
        "timestamp", case, "--tsa", tsa_server.url, "--ca-file", ca, "--seal", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["attested_items"] == 1 and len(data["seal"]["tokens"]) == 1
    assert json.loads(run_cli("verify", case, "--json").stdout)["intact"] is True


def test_one_thousand_items_need_one_request(tmp_path: Path, tsa_server: TsaServer) -> None:
    with make_case(tmp_path) as case:
        from app.core.ingest import commit_prepared, prepare_bytes

        prepared = [
            prepare_bytes(case.objects, hashlib.sha256(str(i).encode()).digest() * 4, Acquisition())
            for i in range(1000)
        ]
        commit_prepared(case, prepared)
        outcome = attest.attest_pending(case, [_cfg(tsa_server)], ca_pems=[tsa_server.ca_pem])
    assert outcome.attested_items == 1000 and tsa_server.requests == 1


def test_a_clock_offset_over_two_minutes_is_flagged(tmp_path: Path, tsa_server: TsaServer) -> None:
    import dataclasses
    import datetime as dt

    from app.core.tsa import request_timestamp

    with _case_with_items(tmp_path, n=1) as case:
        batch = attest.pending_items(case)
        manifest = attest.items_manifest(batch)
        token = request_timestamp(manifest.encode(), _cfg(tsa_server), ca_pems=[tsa_server.ca_pem])
        skewed = dataclasses.replace(token, received_at=token.gen_time + dt.timedelta(minutes=7))
        attest.store_items_token(case, manifest, skewed, token.gen_time, [i for i, _ in batch])
        report = verify_case(case, trust=_trust(tsa_server))
    assert report.intact
    assert any("over two minutes" in n and "+420 s" in n for n in report.notes), report.notes
