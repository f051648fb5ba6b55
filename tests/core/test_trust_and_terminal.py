"""Trust comes from outside the case; warnings on late time; safe terminal output; exit codes
for misuse and full disks (issue #12, items 3 and 8)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from app.core import attest
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes, commit_prepared, prepare_bytes
from app.core.trust import load_trust
from app.core.tsa import TsaConfig
from app.core.verify import verify_case
from tests.core.helpers import make_case, png_bytes, run_cli, write
from tests.core.mounts import tmpfs
from tests.tsa_server import TsaServer


def _ca_file(tmp_path: Path, server: TsaServer, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(server.ca_pem)
    return path


def test_a_self_made_tsa_whose_root_is_only_in_the_case_and_token_is_untrusted(
    tmp_path: Path, tsa_server_factory: Callable[[str], TsaServer]
) -> None:
    genuine, forger = tsa_server_factory("A"), tsa_server_factory("Mallory")
    case = tmp_path / "T.proofshot"
    run_cli("init", case, check=True)
    write(tmp_path / "in" / "a.png", png_bytes("red"))
    run_cli("import", case, tmp_path / "in", "--no-timestamp", check=True)
    # The forger's TSA sends its own self-signed root in the token chain, and (as an older
    # Proofshot allowed) the case itself "trusts" that root in its settings.
    stamped = run_cli("timestamp", case, "--tsa", forger.url, "--json")
    assert stamped.returncode == 0, stamped.stderr
    with Case.open(case) as c:
        c.set_setting(attest.TRUST_ANCHORS_SETTING, forger.ca_pem.decode("ascii"))
    genuine_ca = _ca_file(tmp_path, genuine, "genuine-root.pem")

    result = run_cli("verify", case, "--ca-file", genuine_ca, "--json")
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert [p["code"] for p in report["problems"]] == ["token-untrusted"]
    (token,) = report["tokens"]
    assert token["trusted"] is False and token["anchor_source"] is None
    assert token["anchor"] == (
        "untrusted: chains to a certificate not in the trust store "
        "('CN=Proofshot Test Root CA Mallory,O=Proofshot Test PKI')"
    )
    assert any("not used as trust anchors" in n for n in report["notes"])
    human = run_cli("verify", case, "--ca-file", genuine_ca, "--no-log")
    assert human.returncode == 2 and "PROBLEM [token-untrusted]" in human.stdout

    # Exported for the other side, the token offers no root it carried itself.
    run_cli("export-tokens", case, tmp_path / "tokens", check=True)
    (ca_pem,) = (tmp_path / "tokens").glob("*.ca.pem")
    assert ca_pem.read_text() == ""
    assert "does not trust this TSA's root" in (tmp_path / "tokens" / "VERIFY.txt").read_text()

    # The same token, with the forger's root given from outside: then (and only then) trusted.
    forger_ca = _ca_file(tmp_path, forger, "forger-root.pem")
    trusted = run_cli("verify", case, "--ca-file", forger_ca, "--json", "--no-log")
    assert trusted.returncode == 0, trusted.stdout
    (token,) = json.loads(trusted.stdout)["tokens"]
    assert token["trusted"] and token["anchor_source"] == f"--ca-file {forger_ca}"


def test_roots_given_to_timestamp_are_kept_in_the_users_settings_not_the_case(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    case = tmp_path / "T.proofshot"
    run_cli("init", case, check=True)
    write(tmp_path / "in" / "a.png", png_bytes("red"))
    run_cli("import", case, tmp_path / "in", "--no-timestamp", check=True)
    ca = _ca_file(tmp_path, tsa_server, "ca.pem")
    result = run_cli("timestamp", case, "--tsa", tsa_server.url, "--ca-file", ca, "--seal")
    assert result.returncode == 0 and "not in the case" in result.stderr
    with Case.open(case, read_only=True) as c:
        assert attest.TRUST_ANCHORS_SETTING not in c.settings()
    verified = run_cli("verify", case, "--json")
    assert verified.returncode == 0, verified.stdout
    sources = {t["anchor_source"] for t in json.loads(verified.stdout)["tokens"]}
    assert len(sources) == 1 and sources.pop().startswith("your trusted roots")
    # Another user (another settings folder) has not said they trust that root.
    other = run_cli("verify", case, "--json", env={"PROOFSHOT_CONFIG_DIR": str(tmp_path / "x")})
    assert other.returncode == 2


def test_events_after_the_last_seal_and_late_timestamps_are_named_warnings(
    tmp_path: Path, tsa_server: TsaServer
) -> None:
    trust = load_trust([tsa_server.ca_file], system=False)
    cfg = [TsaConfig(url=tsa_server.url, timeout=5)]
    with make_case(tmp_path) as case:
        prepared = prepare_bytes(case.objects, png_bytes("red"), Acquisition(source="late"))
        two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        prepared.acquired_at = two_days_ago.isoformat(timespec="microseconds")
        (late,) = commit_prepared(case, [prepared])
        add_bytes(case, png_bytes("blue"), Acquisition(source="on time"))
        assert attest.attest_pending(case, cfg).attested_items == 2
        assert attest.seal_log(case, cfg, want=1).tokens
        report = verify_case(case, trust=trust)
        assert report.intact, report.problems
        assert [(w["code"], w["item_id"]) for w in report.warnings] == [
            ("late-attestation", late.item_id)
        ]
        assert verify_case(case, trust=trust, max_attest_delay=dt.timedelta(days=3)).warnings == []
        add_bytes(case, png_bytes("green"), Acquisition(source="after the seal"))
        codes = [w["code"] for w in verify_case(case, trust=trust).warnings]
        assert codes == ["events-after-seal", "late-attestation"]
    result = run_cli(
        "verify", case.path, "--json", "--ca-file", tsa_server.ca_file, "--max-attest-delay", "3d"
    )
    assert result.returncode == 0, result.stdout
    assert [w["code"] for w in json.loads(result.stdout)["warnings"]] == ["events-after-seal"]


HOSTILE = "evil\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x9b1;1H\u202etxt.exe\r\x08done"


def test_control_characters_from_evidence_never_reach_the_terminal(tmp_path: Path) -> None:
    case = tmp_path / "T.proofshot"
    run_cli("init", case, check=True)
    write(tmp_path / "in" / "x\x1b[2Jy.png", png_bytes("red", text={"parameters": HOSTILE}))
    run_cli("import", case, tmp_path / "in", "--no-timestamp", check=True)
    run_cli("tag", case, HOSTILE, "1", check=True)
    printed: dict[str, subprocess.CompletedProcess[str]] = {}
    for args in (("list", case), ("show", case, "1"), ("log", case)):
        result = printed[args[0]] = run_cli(*args)
        assert result.returncode == 0, result.stderr
        for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\r", "\x08"):
            assert bad not in result.stdout and bad not in result.stderr, (args, bad)
    wrong = run_cli("list", case, "--kind")  # argparse's own error, about our argument list
    assert wrong.returncode == 2 and "\x1b" not in wrong.stderr
    bad = run_cli(HOSTILE)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    assert not any(c in bad.stderr for c in "\x1b\x07\x9b\u202e\r\x08")
    listed = printed["list"]  # the errors above changed nothing: the same listing
    # The OSC title string goes whole; of the C1 CSI only its harmless parameters remain.
    assert "[evilred1;1Htxt.exedone]" in listed.stdout
    # JSON keeps the exact values (escaped), so scripts still see what the evidence holds.
    data = json.loads(run_cli("list", case, "--json").stdout)
    assert data[0]["tags"] == [HOSTILE]
    assert "\x1b" in data[0]["source"]
    raw = run_cli("show", case, "1", "--json").stdout
    assert "\x1b" not in raw and "\x9b" not in raw and "\\u001b" in raw


def test_path_misuse_prints_one_sentence_without_a_traceback(tmp_path: Path) -> None:
    a_file = write(tmp_path / "notes.txt", b"hello")
    run_cli("init", tmp_path / "C.proofshot", check=True)
    result = run_cli("init", a_file)
    assert result.returncode == 3
    assert (
        result.stderr.strip() == f"proofshot: {a_file} is a file; choose a new folder for the case."
    )
    nested = run_cli("init", a_file / "Case.proofshot")
    assert nested.returncode == 1 and "Traceback" not in nested.stderr
    assert nested.stderr.count("\n") == 1 and "Cannot create a case" in nested.stderr
    for outdir in (a_file, a_file / "sub"):
        exported = run_cli("export-tokens", tmp_path / "C.proofshot", outdir)
        assert exported.returncode == 1 and "Traceback" not in exported.stderr
        assert exported.stderr.count("\n") == 1, exported.stderr
    listed = run_cli("list", a_file)
    assert listed.returncode == 3 and "is a file, not a Proofshot case folder" in listed.stderr
    assert a_file.read_bytes() == b"hello"


def test_a_full_disk_during_import_exits_8_even_when_completely_full(tmp_path: Path) -> None:
    src = tmp_path / "src"
    for i in range(30):
        write(src / f"{i:03}.bin", os.urandom(100_000))
    with tmpfs(tmp_path / "small", "2m") as mount:
        case = mount / "Full.proofshot"
        run_cli("init", case, check=True)
        partly = run_cli("import", case, src, "--no-timestamp", "--json")
        assert partly.returncode == 8, partly.stderr
        assert "disk holding the case is full" in partly.stderr
        assert json.loads(partly.stdout)["error_code"] == 8
        # Now leave not one free block, and try again.
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
        os.close(fd)
        assert os.statvfs(mount).f_bavail == 0
        full = run_cli("import", case, src, "--no-timestamp")
        assert full.returncode == 8, full.stderr
        assert "cannot be read" not in full.stderr and "full" in full.stderr
        assert "Traceback" not in full.stderr
        listed = run_cli("list", case)  # reading needs no free space
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.endswith(" item(s)\n") and not listed.stdout.startswith("0 item")
        (mount / "filler").unlink()
        assert run_cli("verify", case, "--no-log").returncode == 0
