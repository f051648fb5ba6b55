"""A real Streamlit app (the third-party front end itself) on 127.0.0.1, recorded twice over.

The prompt travels in a binary protobuf WebSocket frame and the images come back as
``/media/...`` URLs in binary frames. The binder must find the prompt as a string field of
the sent frame (confirmed by what the page's prompt field held), bind exactly the app's
images to each of two prompts, and bind no furniture.
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
streamlit = pytest.importorskip("streamlit")

APP = Path(__file__).with_name("zoo") / "streamlit_app.py"


@pytest.fixture
def streamlit_app(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with served_app(
        lambda port: [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
        ],
        tmp_path,
        name="streamlit",
        ready_path="/_stcore/health",
        ready=lambda status, body: body.strip() == b"ok",
        env={"STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"},
    ) as served:  # fmt: skip
        yield served


def test_real_streamlit_app_binds_each_prompt_to_exactly_its_images(
    tab: Any, streamlit_app: tuple[str, Path]
) -> None:
    url, truth_path = streamlit_app
    steps = two_prompts('input[aria-label="Prompt"]', "div.stButton button")
    result = tab.run(
        lambda: run_script(tab.client, tab.session, url + "/", steps, settle=1.5, timeout=60),
        timeout=240,
    )
    assert [s["outcome"] for s in result.steps if s["step"] == "wait"] == ["appeared"] * 2
    for gen in check_app_session(tab.case_path, result, truth_path):
        assert gen.binding == "same-response", gen.facts
        assert gen.facts["prompt_source"] == "websocket binary frame: string field"
        assert all("/media/" in o["url"] for o in gen.facts["outputs"])
    assert result.problems == [], result.problems
