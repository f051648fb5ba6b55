"""``proofshot capture`` against the zoo in a child process: steps in command-line order,
two prompts with ``--wait-for`` between them, and exit 2 with named problems on a miss."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture.conftest import REPO, cli_command, subprocess_env
from tests.capture.test_zoo import PROMPTS
from tests.capture.zoo.sites import Zoo

pytestmark = pytest.mark.qt


@pytest.fixture
def zoo() -> Iterator[Zoo]:
    with Zoo() as site:
        yield site


def capture(case_path: Path, url: str, *steps: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command("capture", str(case_path), url, *steps, "--settle", "0.5", "--json"),
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_two_prompts_with_wait_for_between_them_bind_by_job_id_and_exit_0(
    zoo: Zoo, case_path: Path
) -> None:
    done = capture(
        case_path,
        f"{zoo.url}/poll/",
        "--fill", "#prompt", PROMPTS[0],
        "--click", "#go",
        "--wait-for", '.gen[data-n="1"]',
        "--fill", "#prompt", PROMPTS[1],
        "--click", "#go",
        "--wait-for", '.gen[data-n="2"]',
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert [(s["step"], s["outcome"]) for s in result["steps"]] == [
        ("fill", "typed"),
        ("click", "mouse click"),
        ("wait", "appeared"),
        ("fill", "typed"),
        ("click", "mouse click"),
        ("wait", "appeared"),
    ]
    gens = sorted(result["generations"], key=lambda g: g["submitted_at"])
    assert [g["prompt"] for g in gens] == list(PROMPTS) == zoo.truth.prompts
    for gen in gens:
        assert gen["binding"] == "job-id"
        assert sorted(gen["outputs"]) == sorted(zoo.truth.images[gen["prompt"]])
    assert result["problems"] == []


def test_a_prompt_that_no_request_carried_is_a_named_problem_and_exit_2(
    zoo: Zoo, case_path: Path
) -> None:
    done = capture(
        case_path,
        f"{zoo.url}/silent/",
        "--fill", "#prompt", PROMPTS[0],
        "--click", "#go",
        "--wait-for", '.gen[data-n="1"]',
    )  # fmt: skip
    assert done.returncode == 2, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["generations"] == []
    named = [p for p in result["problems"] if "no generation was recorded" in p]
    assert len(named) == 1 and PROMPTS[0] in named[0]
    assert named[0] in result["session"]["problems"]
