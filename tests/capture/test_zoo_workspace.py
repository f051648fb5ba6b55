"""The capture panel names what was not seen: a prompt the recorder could not follow."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.capture.conftest import js
from tests.capture.zoo.sites import Zoo

pytestmark = pytest.mark.qt

PROMPT = "生成星光侠, 长发, 月光下"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "capture-problems.png"


def test_capture_panel_lists_the_sessions_problems(qtbot: Any, workspace: Any) -> None:
    with Zoo() as zoo:
        with qtbot.waitSignal(workspace.pane.loadFinished, timeout=30_000):
            workspace.load(zoo.url + "/silent/")
        with qtbot.waitSignal(workspace.recordingChanged, timeout=60_000):
            workspace.start_recording()
        assert not workspace.problem_list.isVisible()
        js(
            qtbot,
            workspace,
            f"document.getElementById('prompt').value = {json.dumps(PROMPT, ensure_ascii=False)};"
            "document.getElementById('go').click(); true;",
        )
        qtbot.waitUntil(
            lambda: js(qtbot, workspace, "document.querySelectorAll('.gen').length") == 1,
            timeout=20_000,
        )
        with qtbot.waitSignal(workspace.sessionStored, timeout=120_000) as stopped:
            workspace.stop_recording()
    session = stopped.args[0]
    assert any("no generation was recorded" in p for p in session.problems)
    assert workspace.problem_list.isVisible()
    texts = [workspace.problem_list.item(i).text() for i in range(workspace.problem_list.count())]
    assert len(texts) == len(session.problems)
    assert any(PROMPT in t and "no generation was recorded" in t for t in texts)
    if os.environ.get("PROOFSHOT_SAVE_SCREENSHOTS"):  # refresh docs/screenshots/
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        workspace.grab().save(str(SCREENSHOT))
