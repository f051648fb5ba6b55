"""`proofshot study init/freeze/run/status/review/report` as a user runs them (child process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core import attest
from app.core.case import Case
from tests.core.helpers import run_cli
from tests.study.helpers import KEY, add_study_works, protocol_toml, study_server
from tests.tsa_server import TsaServer


def test_the_study_commands_end_to_end(tmp_path: Path, tsa_server: TsaServer) -> None:
    path = tmp_path / "Cli.proofshot"
    with Case.create(path, title="Cli", operator="Op") as case:
        add_study_works(case, tmp_path)
        attest.add_trust_anchors(case, tsa_server.ca_pem)
    with study_server() as server:
        protocol = tmp_path / "study.toml"
        protocol.write_bytes(protocol_toml(server.url, tries=1))
        bad = tmp_path / "bad.toml"
        bad.write_text('[study]\nname = "x"\nseed = 1\ntries = 1\n', "utf-8")
        refused = run_cli("study", "init", path, "--protocol", bad)
        assert refused.returncode == 2 and "platforms" in refused.stderr
        assert run_cli("study", "init", path, "--protocol", protocol).returncode == 0
        no_tsa = {"PROOFSHOT_TSA_URLS": ""}
        frozen = run_cli("study", "freeze", path, "--json", env=no_tsa)
        assert frozen.returncode == 2 and json.loads(frozen.stdout)["token_time"] is None
        env = {"PROOFSHOT_TSA_URLS": tsa_server.url, "STUDY_KEY": KEY}
        blocked = run_cli(
            "study",
            "run",
            path,
            "--api-key-env",
            "STUDY_KEY",
            "--rate",
            "0",
            env=no_tsa | {"STUDY_KEY": KEY},
        )
        assert blocked.returncode == 2 and "timestamp" in blocked.stderr
        assert server.generation_requests() == []
        frozen = run_cli("study", "freeze", path, "--json", env=env)
        assert frozen.returncode == 0, frozen.stderr
        assert json.loads(frozen.stdout)["token_time"]
        ran = run_cli(
            "study", "run", path, "--api-key-env", "STUDY_KEY", "--rate", "0", "--json", env=env
        )
        assert ran.returncode == 0, ran.stderr
        assert len(server.generation_requests()) == 5
        assert KEY not in ran.stdout
    status = json.loads(run_cli("study", "status", path, "--json").stdout)
    assert status["frozen"] and status["outputs"] == 5 and status["runs"][0]["done"] == 5
    listed = json.loads(run_cli("study", "review", path, "--list", "--json").stdout)
    assert len(listed) == 5 and set(listed[0]) == {"output", "sha256", "works"}
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "reviewer": "Rita",
                "answers": [{"output": x["output"], "answer": "unsure"} for x in listed],
            }
        ),
        "utf-8",
    )
    assert run_cli("study", "review", path, "--answers", answers).returncode == 0
    answers.write_text(
        json.dumps({"reviewer": "Rita", "answers": [{"output": "O999", "answer": "similar"}]}),
        "utf-8",
    )
    wrong = run_cli("study", "review", path, "--answers", answers)
    assert wrong.returncode == 2 and "names no output" in wrong.stderr
    report = run_cli("study", "report", path, "--json")
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    assert data["reviewers"] == ["Rita"] and data["runs"][0]["token_predates_first_request"]
    text = run_cli("study", "report", path).stdout
    assert "Control prompts, tool false-match rate: 0/2" in text
    assert run_cli("study", "status", tmp_path / "missing.proofshot").returncode == 3


@pytest.mark.parametrize("action", ["status", "report"])
def test_a_case_without_a_study_says_so(tmp_path: Path, action: str) -> None:
    path = tmp_path / "Empty.proofshot"
    Case.create(path, title="Empty").close()
    result = run_cli("study", action, path)
    assert result.returncode == 3 and "no study" in result.stderr
