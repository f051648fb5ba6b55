"""``proofshot campaign run|status|report|key``: the scripting contract, keys, Ctrl+C and kill -9."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from app.capture.campaigns.credentials import store_api_key
from app.cli import campaign as commands
from app.core.case import Case
from app.core.verify import verify_case
from app.demo.site import DemoSite
from tests.capture.campaign_server import CampaignServer, add_demo_works
from tests.memory_keyring import MemoryKeyring

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-cli-" + secrets.token_hex(20)
RUN_MAIN = "import sys; from app.cli.campaign import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture
def server() -> Iterator[CampaignServer]:
    with CampaignServer(api_key=KEY) as srv:
        yield srv


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "Cli.proofshot"
    Case.create(path, title="CLI", operator="Tess Tester").close()
    return path


def write_prompts(tmp_path: Path, lines: list[str], name: str = "prompts.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def run_args(case_path: Path, server: CampaignServer, prompts: Path, *extra: str) -> list[str]:
    return [
        "campaign",
        "run",
        str(case_path),
        "--profile",
        "openai",
        "--endpoint",
        server.url,
        "--model",
        "test-model",
        "--prompts",
        str(prompts),
        "--rate",
        "0",
        *extra,
    ]


def count_tries(case_path: Path) -> int:
    with Case.open(case_path, read_only=True) as case:
        return int(case.conn.execute("SELECT COUNT(*) FROM campaign_tries").fetchone()[0])


def test_run_status_and_report_print_json_for_scripts(
    case_path: Path,
    server: CampaignServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAMPAIGN_KEY", KEY)
    with Case.open(case_path) as case:
        add_demo_works(case)
    server.add_demo_matches()
    prompts = tmp_path / "prompts.csv"
    prompts.write_text(
        'prompt,negative_prompt\n生成星光侠,"lowres, watermark"\na quiet harbour at night,\n',
        "utf-8",
    )
    code = commands.main(
        run_args(
            case_path, server, prompts, "--api-key-env", "CAMPAIGN_KEY", "--tries", "2", "--json"
        )
    )
    out = capsys.readouterr().out
    assert code == 0
    assert KEY not in out
    data = json.loads(out)
    assert data["run"]["done"] == 4 and data["run"]["complete"]
    first = data["report"]["prompts"][0]
    assert first["prompt"] == "生成星光侠" and first["negative_prompt"] == "lowres, watermark"
    assert first["outputs"] == 2 and first["outputs_matching"] == 2
    assert data["report"]["prompts"][1]["outputs_matching"] == 0
    sent = [json.loads(r.body) for r in server.generation_requests("生成星光侠")]
    assert all(b["negative_prompt"] == "lowres, watermark" for b in sent)

    assert commands.main(["campaign", "status", str(case_path), "--json"]) == 0
    (status,) = json.loads(capsys.readouterr().out)
    assert status["complete"] and status["done"] == 4 and status["prompts"] == 2
    assert commands.main(["campaign", "report", str(case_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["tries_done"] == 4 and report["matching"]["all_recorded"]
    assert commands.main(["campaign", "report", str(case_path)]) == 0
    text = capsys.readouterr().out
    assert "生成星光侠" in text and "Total: 2 prompts" in text


def test_the_key_comes_from_the_keyring_and_stays_out_of_the_case(
    case_path: Path,
    server: CampaignServer,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fingerprint = store_api_key(server.url + "/v1", KEY)
    assert any(KEY in value for value in memory_keyring.store.values())
    prompts = write_prompts(tmp_path, ["one", "two"])
    assert commands.main(run_args(case_path, server, prompts)) == 0
    assert "Started campaign 1" in capsys.readouterr().out
    for path in case_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    with Case.open(case_path, read_only=True) as case:
        facts = case.conn.execute("SELECT facts FROM campaigns").fetchone()[0]
    assert json.loads(facts)["credential_fingerprint_sha256"] == fingerprint


def test_without_a_key_the_run_stops_and_says_how_to_store_one(
    case_path: Path, server: CampaignServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = write_prompts(tmp_path, ["one"])
    assert commands.main(run_args(case_path, server, prompts)) == 10
    assert "proofshot campaign key" in capsys.readouterr().err
    assert server.generation_requests() == []


def test_a_refused_key_stops_the_run_with_exit_11_and_the_fixed_key_continues(
    case_path: Path,
    server: CampaignServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompts = write_prompts(tmp_path, ["one", "two", "three"])
    monkeypatch.setenv("CAMPAIGN_KEY", "sk-wrong-key-0000000000")
    args = run_args(
        case_path, server, prompts, "--api-key-env", "CAMPAIGN_KEY", "--concurrency", "1"
    )
    assert commands.main(args) == 11
    captured = capsys.readouterr()
    assert "HTTP 401" in captured.err and "run the same command again" in captured.err
    assert "sk-wrong-key" not in captured.err + captured.out
    assert count_tries(case_path) == 0
    monkeypatch.setenv("CAMPAIGN_KEY", KEY)
    assert commands.main(args) == 0
    assert "Continued campaign 1" in capsys.readouterr().out
    assert count_tries(case_path) == 3


def test_key_command_stores_the_key_from_an_environment_variable(
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SOME_KEY", KEY)
    assert (
        commands.main(["campaign", "key", "https://api.example.com/v1", "--from-env", "SOME_KEY"])
        == 0
    )
    out = capsys.readouterr().out
    assert KEY not in out and "fingerprint" in out
    stored = memory_keyring.store[("Proofshot API", "https://api.example.com")]
    assert json.loads(stored)["value"] == KEY


def test_register_adds_one_campaign_command_through_the_clis_add_helper() -> None:
    parser = argparse.ArgumentParser(prog="proofshot")
    sub = parser.add_subparsers(dest="command")
    added: list[str] = []

    def add(name: str, handler: commands.Handler, help_text: str) -> argparse.ArgumentParser:
        added.append(name)
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(handler=handler)
        return p

    commands.register(add)
    assert added == ["campaign"]
    args = parser.parse_args(
        ["campaign", "run", "C", "--profile", "openai", "--endpoint", "http://x", "--prompts", "p"]
    )
    assert args.handler is commands.cmd_run and args.tries == 1 and args.concurrency == 2
    assert parser.parse_args(["campaign", "status", "C"]).handler is commands.cmd_status
    assert parser.parse_args(["campaign", "report", "C", "--json"]).handler is commands.cmd_report
    bare = parser.parse_args(["campaign"])
    assert bare.handler(bare) == 1


def _spawn(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "CAMPAIGN_KEY": KEY}
    return subprocess.Popen(
        [sys.executable, "-c", RUN_MAIN, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_tries(case_path: Path, process: subprocess.Popen[str], at_least: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            if count_tries(case_path) >= at_least:
                return
        except Exception:  # the case may be mid-creation; try again
            pass
        time.sleep(0.05)
    raise AssertionError("the campaign made no progress")


def test_a_campaign_killed_mid_run_resumes_without_repeating_finished_tries(
    case_path: Path, server: CampaignServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.delay = 0.1
    prompts = write_prompts(tmp_path, [f"提示 {i}" for i in range(20)])
    args = run_args(case_path, server, prompts, "--api-key-env", "CAMPAIGN_KEY", "--tries", "2")
    process = _spawn(args)
    _wait_for_tries(case_path, process, 4)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    finished_at_kill = count_tries(case_path)
    assert 4 <= finished_at_kill < 40
    asked_before = len(server.generation_requests())
    server.delay = 0  # slow only so that the kill lands mid-run; the resumed run need not be

    os.environ["CAMPAIGN_KEY"] = KEY
    try:
        assert commands.main([*args, "--json"]) == 0
    finally:
        del os.environ["CAMPAIGN_KEY"]
    run = json.loads(capsys.readouterr().out)["run"]
    assert run["resumed"] and run["finished_before"] == finished_at_kill
    assert len(server.generation_requests()) - asked_before == 40 - finished_at_kill
    with Case.open(case_path) as case:
        pairs = case.conn.execute(
            "SELECT prompt_index, try_number FROM campaign_tries ORDER BY 1, 2"
        ).fetchall()
        assert pairs == [(p, t) for p in range(20) for t in (1, 2)]
        report = verify_case(case)
    assert report.intact, report.problems


def test_ctrl_c_pauses_the_run_and_the_same_command_continues(
    case_path: Path, server: CampaignServer, tmp_path: Path
) -> None:
    server.delay = 0.1
    prompts = write_prompts(tmp_path, [f"prompt {i}" for i in range(40)])
    args = run_args(case_path, server, prompts, "--api-key-env", "CAMPAIGN_KEY")
    process = _spawn(args)
    _wait_for_tries(case_path, process, 2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Paused with" in out and "Pausing" in err
    paused_at = count_tries(case_path)
    assert 2 <= paused_at < 40
    server.delay = 0  # slow only so that Ctrl-C lands mid-run; the continued run need not be
    again = _spawn(args)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "Continued campaign 1" in out
    assert count_tries(case_path) == 40
    # No try was asked twice: pausing let the tries in flight finish and kept them.
    assert len(server.generation_requests()) == 40


def test_the_campaign_core_and_its_commands_load_no_qt() -> None:
    code = (
        "import sys, app.capture.campaigns, app.cli.campaign\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_any_keyring_a_keyless_platform_still_runs_and_a_keyed_one_says_why(
    case_path: Path,
    server: CampaignServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        prompts = write_prompts(tmp_path, ["生成星光侠"])
        with DemoSite() as site:
            demo = ["campaign", "run", str(case_path), "--profile", "demo", "--endpoint", site.url]
            assert commands.main([*demo, "--prompts", str(prompts), "--rate", "0"]) == 0
        assert "Started campaign 1" in capsys.readouterr().out
        assert commands.main(run_args(case_path, server, prompts)) == 10
        assert "No keyring is available" in capsys.readouterr().err
    finally:
        keyring.set_keyring(previous)
