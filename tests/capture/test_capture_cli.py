"""``proofshot capture`` and ``proofshot generations`` in a child process, against the demo site."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from app.capture import store
from app.core import attest
from app.core.case import Case
from app.core.verify import verify_case
from app.demo.site import DemoSite
from tests.capture.conftest import REPO, cli_command, subprocess_env

pytestmark = pytest.mark.qt

PROMPT = "生成星光侠, 长发"


def run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args),
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_headless_capture_records_the_prompt_and_the_served_outputs(
    demo_site: DemoSite, case_path: Path
) -> None:
    done = run(
        "capture",
        str(case_path),
        demo_site.url + "/",
        "--fill",
        "#prompt",
        PROMPT,
        "--fill",
        "#negative",
        "模糊, 低质量",
        "--click",
        "#generate",
        "--wait-for",
        "#results img",
        "--settle",
        "0.5",  # network quiet after the wait-for step (which already saw the result)
        "--json",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["ok"] and result["problems"] == []
    # --wait-for is a step of its own, in command-line order.
    assert [s["outcome"] for s in result["steps"]] == [
        "typed",
        "typed",
        "mouse click",
        "appeared",
    ]
    assert result["steps"][-1] == {
        "step": "wait",
        "selector": "#results img",
        "outcome": "appeared",
    }
    (gen,) = result["generations"]
    assert gen["prompt"] == PROMPT and gen["negative_prompt"] == "模糊, 低质量"
    job = demo_site.jobs.get(gen["job_id"])
    assert job is not None and job.prompt == PROMPT  # what the server received
    served = [hashlib.sha256(job.images[i]).hexdigest() for i in range(len(job.seeds))]
    assert gen["outputs"] == served
    assert gen["facts"]["request"]["remote_ip"] == "127.0.0.1"
    assert gen["facts"]["as_typed"]["matches_sent_prompt"] is True
    page = result["page_capture"]["items"]
    assert page["screenshot-full"] and page["screenshot-viewport"] and page["mhtml"]
    assert set(result["session"]["items"]) >= {"environment", "video", "wacz"}

    listed = run("generations", str(case_path), "--json")
    assert listed.returncode == 0, listed.stderr
    (again,) = json.loads(listed.stdout)
    assert again["prompt"] == PROMPT and again["outputs"] == served

    with Case.open(case_path, read_only=True) as case:
        capture = store.list_captures(case)[result["session"]["capture_id"] - 1]
        wacz = next(i for i in capture.items if i["role"] == "wacz")
        checked = subprocess.run(
            [
                sys.executable,
                "-m",
                "wacz",
                "validate",
                "-f",
                str(case.objects.path_for(wacz["sha256"])),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert checked.returncode == 0, checked.stdout
        assert verify_case(case).intact


def test_headless_capture_of_a_hanging_page_exits_2_with_the_reason_and_keeps_the_capture(
    demo_site: DemoSite, case_path: Path
) -> None:
    # The limit is waited out twice (loading, then the still-open request), so it is short;
    # the hanging page's headers and first bytes arrive at once, well within it.
    done = run(
        "capture", str(case_path), demo_site.url + "/hang", "--timeout", "1.5", "--settle", "0.3"
    )
    assert done.returncode == 2, done.stderr[-3000:]
    assert "did not finish loading within 1.5 s" in done.stdout
    assert "Capture 1:" in done.stdout
    with Case.open(case_path, read_only=True) as case:
        assert [c.kind for c in store.list_captures(case)] == ["page", "session"]
        assert verify_case(case).intact


def test_capture_into_a_missing_case_fails_before_starting_a_browser(tmp_path: Path) -> None:
    done = run("capture", str(tmp_path / "Nope.proofshot"), "http://127.0.0.1:9/", timeout=60)
    assert done.returncode == 3
    assert "No Proofshot case found" in done.stderr


def test_importing_the_capture_commands_loads_no_qt() -> None:
    code = (
        "import sys, app.cli, app.capture, app.cli.capture, app.capture.session\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_demo_site_command_serves_the_prompt_page_on_loopback() -> None:
    child = subprocess.Popen(
        cli_command("demo-site", "--port", "0"),
        cwd=REPO,
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        url = line.split("serving on ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        page = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
        assert 'id="prompt"' in page and 'id="generate"' in page
    finally:
        child.terminate()
        child.wait(timeout=10)


def test_headless_capture_leaves_its_items_attested_though_the_tsa_is_asked_off_the_writer(
    demo_site: DemoSite, case_path: Path, tsa_server: Any
) -> None:
    """The TSA is asked off the writer now; the command still exits with every item attested
    (stopping the recording waits for the attempt, and the runner drains before closing)."""
    env = {**subprocess_env(), "PROOFSHOT_TSA_URLS": tsa_server.url}
    done = subprocess.run(
        cli_command("capture", str(case_path), demo_site.url + "/", "--json"),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with Case.open(case_path, read_only=True) as case:
        assert case.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] > 0
        assert attest.pending_count(case) == 0
        assert case.conn.execute("SELECT COUNT(*) FROM tokens").fetchone()[0] >= 1
