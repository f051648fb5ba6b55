"""A real Gradio app (the third-party front end itself) on 127.0.0.1, two prompts.

The prompt goes in ``{"data": [...]}`` to ``queue/join``; the gallery's file URLs come back
in the ``queue/data`` event stream, carrying the join's ``event_id``: bound by ``job-id``,
exactly the app's images for each prompt.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.capture.script import run_script
from tests.capture.test_zoo import check_app_session, two_prompts
from tests.capture.zoo.launch import served_app

pytestmark = pytest.mark.qt
gradio = pytest.importorskip("gradio")

APP = Path(__file__).with_name("zoo") / "gradio_app.py"


@pytest.fixture
def gradio_app(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with served_app(
        lambda port: [sys.executable, str(APP), str(port)],
        tmp_path,
        name="gradio",
        ready_path="/",
        ready=lambda status, body: status == 200,
        env={"GRADIO_ANALYTICS_ENABLED": "False"},
        timeout=90,
    ) as served:
        yield served


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
