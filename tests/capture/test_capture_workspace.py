"""The capture workspace (GUI code path), driven as a user would, against the demo AI site.

One recorded session: load the site, turn Record on, type a Chinese prompt and press
Generate in the page, Capture now, review the generation, turn Record off. Then the case is
checked against what the demo server really sent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.capture import store
from app.capture.video import probe
from app.core.case import Case
from app.core.verify import verify_case
from app.demo.site import DemoSite
from tests.capture.conftest import js

pytestmark = pytest.mark.qt

PROMPT = "生成星光侠, 长发"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "capture.png"


def object_bytes(case: Case, sha256: str) -> bytes:
    return case.objects.path_for(sha256).read_bytes()


def test_workspace_records_prompt_and_outputs_as_served(
    qtbot: Any, workspace: Any, demo_site: DemoSite, case_path: Path
) -> None:
    with qtbot.waitSignal(workspace.pane.loadFinished, timeout=30_000):
        workspace.load(demo_site.url + "/")
    with qtbot.waitSignal(workspace.recordingChanged, timeout=60_000):
        workspace.start_recording()
    assert workspace.recording

    # The user types the prompt and presses Generate (in the page, which posts JSON).
    with qtbot.waitSignal(workspace.generationRecorded, timeout=60_000) as generated:
        js(
            qtbot,
            workspace,
            f"document.getElementById('prompt').value = {json.dumps(PROMPT, ensure_ascii=False)};"
            "document.getElementById('negative').value = 'lowres';"
            "document.getElementById('generate').click(); true;",
        )
    assert generated.args[0]["prompt"] == PROMPT
    qtbot.waitUntil(
        lambda: js(qtbot, workspace, "document.getElementById('status').textContent") == "done",
        timeout=30_000,
    )

    with qtbot.waitSignal(workspace.captured, timeout=60_000) as captured:
        workspace.capture_now()
    page = captured.args[0]
    assert page.problems == []
    workspace.mark_last_capture("home")

    # Review: the generation is in the panel with its outputs; the operator confirms it.
    qtbot.waitUntil(lambda: workspace.generation_list.count() == 1, timeout=10_000)
    assert workspace.prompt_view.toPlainText() == PROMPT
    assert workspace.output_list.count() == 2
    workspace.confirm_generation("checked against the page")
    qtbot.waitUntil(lambda: "✓" in workspace.generation_list.item(0).text(), timeout=10_000)

    shot = workspace.grab()
    assert shot.width() >= 1200 and not shot.toImage().isNull()
    if os.environ.get("PROOFSHOT_SAVE_SCREENSHOTS"):  # refresh docs/screenshots/capture.png
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shot.save(str(SCREENSHOT))

    with qtbot.waitSignal(workspace.sessionStored, timeout=120_000) as stopped:
        workspace.stop_recording()
    session = stopped.args[0]
    assert session.problems == []

    with Case.open(case_path, read_only=True) as case:
        gens = store.list_generations(case)
        assert len(gens) == 1
        gen = gens[0]
        assert gen.prompt == PROMPT  # verbatim, Chinese included
        assert gen.negative_prompt == "lowres"
        assert gen.binding == "same-response" and gen.confirmed
        job = demo_site.jobs.get(gen.job_id)
        assert job is not None and job.prompt == PROMPT
        served = [job.images[i] for i in range(len(job.seeds))]
        assert [object_bytes(case, o["sha256"]) for o in gen.outputs] == served
        for out in gen.outputs:
            facts = json.loads(
                case.conn.execute(
                    "SELECT source_facts FROM items WHERE id = ?", (out["item_id"],)
                ).fetchone()[0]
            )
            assert facts["remote_ip"] == "127.0.0.1" and facts["remote_port"] == demo_site.port
            assert facts["status"] == 200

        captures = {c.id: c for c in store.list_captures(case)}
        page_capture = captures[page.capture_id]
        assert page_capture.marks == ["home"]
        roles = {i["role"] for i in page_capture.items}
        assert {"screenshot-full", "screenshot-viewport", "dom-html", "mhtml", "image"} <= roles
        full = next(i for i in page_capture.items if i["role"] == "screenshot-full")
        view = next(i for i in page_capture.items if i["role"] == "screenshot-viewport")
        assert full["media_type"] == "image/png" and full["height"] > view["height"]
        image_shas = {i["sha256"] for i in page_capture.items if i["role"] == "image"}
        assert {o["sha256"] for o in gen.outputs} <= image_shas

        session_capture = captures[session.capture_id]
        by_role = {i["role"]: i for i in session_capture.items}
        assert {"environment", "video", "wacz"} <= set(by_role)
        env = json.loads(object_bytes(case, by_role["environment"]["sha256"]))
        assert env["browser"]["chromium_version"] and env["browser"]["user_agent"]
        assert env["dns"]["answers"] == ["127.0.0.1"]
        video_path = case.objects.path_for(by_role["video"]["sha256"])
        video = probe(video_path)
        assert video["fps"] >= 2 and video["frames"] >= 2
        wacz = case.objects.path_for(by_role["wacz"]["sha256"])
        checked = subprocess.run(
            [sys.executable, "-m", "wacz", "validate", "-f", str(wacz)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert verify_case(case).intact


def test_workspace_writes_through_the_main_windows_case_session(
    qtbot: Any, demo_site: DemoSite, case_path: Path
) -> None:
    from app.gui.browser.workspace import CaptureWorkspace
    from app.gui.session import CaseSession

    session = CaseSession(case_path)
    changed: list[object] = []
    session.changed.connect(changed.append)
    ws = CaptureWorkspace(session, operator="Ada Analyst")
    qtbot.addWidget(ws)
    ws.show()
    try:
        with qtbot.waitSignal(ws.ready, timeout=30_000):
            pass
        with qtbot.waitSignal(ws.pane.loadFinished, timeout=30_000):
            ws.load(demo_site.url + "/terms")
        with qtbot.waitSignal(ws.captured, timeout=60_000) as captured:
            ws.capture_now()
        ws.mark_last_capture("terms")
        qtbot.waitUntil(lambda: bool(store.list_captures(session.view)[0].marks), timeout=10_000)
        capture = store.list_captures(session.view)[0]
        assert capture.id == captured.args[0].capture_id and capture.marks == ["terms"]
        assert changed  # the main window hears about the new items
    finally:
        ws.shutdown()
        session.close()
    with Case.open(case_path, read_only=True) as case:
        assert verify_case(case).intact
