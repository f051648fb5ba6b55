"""A real Gradio app (the third-party front end itself) on 127.0.0.1, two prompts.

The prompt goes in ``{"data": [...]}`` to ``queue/join``; the gallery's file URLs come back
in the ``queue/data`` event stream, carrying the join's ``event_id``: bound by ``job-id``,
exactly the app's images for each prompt.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.capture.devtools import free_loopback_port
from app.capture.script import run_script
from tests.capture.test_zoo import check_app_session, two_prompts

pytestmark = pytest.mark.qt
gradio = pytest.importorskip("gradio")

APP = Path(__file__).with_name("zoo") / "gradio_app.py"


@pytest.fixture
def gradio_app(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_loopback_port()
    truth = tmp_path / "truth.jsonl"
    env = {**os.environ, "ZOO_TRUTH": str(truth), "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("QTWEBENGINE_REMOTE_DEBUGGING", None)
    proc = subprocess.Popen(
        [sys.executable, str(APP), str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("gradio did not start") from None
                time.sleep(0.3)
        yield url, truth
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.timeout(600)
def test_real_gradio_app_binds_each_prompt_to_exactly_its_images(
    tab: Any, gradio_app: tuple[str, Path]
) -> None:
    url, truth_path = gradio_app
    steps = two_prompts("textarea", "button.primary")
    result = tab.run(
        # Gradio's queue answers slowly on a loaded 2-core machine: generous waits, no guesswork.
        lambda: run_script(tab.client, tab.session, url + "/", steps, settle=1.5, timeout=150),
        timeout=420,
    )
    waits = [s["outcome"] for s in result.steps if s["step"] == "wait"]
    assert waits == ["appeared"] * 2, (result.steps, result.problems)
    for gen in check_app_session(tab.case_path, result, truth_path):
        assert gen.binding == "job-id", (gen.job_id, gen.facts)
    assert result.problems == [], result.problems
