"""The session video: a standard file at >= 2 frames/s whose timeline lines up with the log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from app.capture import store
from app.capture.cdp import connect_tab
from app.capture.script import ScriptDriver
from app.capture.session import CaptureSession
from app.capture.video import probe
from app.core.case import Case
from app.demo.site import DemoSite
from tests.capture.conftest import DEVTOOLS_PORT, run_off_main_thread

pytestmark = pytest.mark.qt


def _video_of(case: Case, capture_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    capture = next(c for c in store.list_captures(case) if c.id == capture_id)
    item = next(i for i in capture.items if i["role"] == "video")
    facts = json.loads(
        case.conn.execute(
            "SELECT source_facts FROM items WHERE id = ?", (item["item_id"],)
        ).fetchone()[0]
    )
    return facts, probe(case.objects.path_for(item["sha256"]))


def test_custody_events_of_a_session_fall_inside_its_video_timeline(
    tab: Any, demo_site: DemoSite
) -> None:
    def run() -> Any:
        driver = ScriptDriver(tab.client, tab.session)
        tab.session.start_recording(demo_site.url + "/")
        driver.navigate(demo_site.url + "/", 20)
        driver.fill("#prompt", "a mountain lake at dawn")
        driver.click("#generate")
        driver.wait_for_selector("#results img", 20)
        tab.session.wait_network_settled(0.5, 20)
        return tab.session.stop_recording()

    outcome = tab.run(run, timeout=120)
    with Case.open(tab.case_path, read_only=True) as case:
        facts, video = _video_of(case, outcome.capture_id)
        assert video["codec"] in ("h264", "vp9") and video["fps"] >= 2
        assert video["frames"] == facts["frames"]
        started = dt.datetime.fromisoformat(facts["started_at"])
        duration = dt.timedelta(seconds=facts["duration_seconds"])
        at = case.conn.execute(
            "SELECT at_utc FROM events WHERE action = 'generation.recorded'"
        ).fetchone()[0]
        offset = dt.datetime.fromisoformat(at) - started
        assert dt.timedelta(0) < offset < duration  # the event is inside the video


def test_without_a_frame_source_the_video_comes_from_the_devtools_screencast(
    qtbot: Any, tab: Any, demo_site: DemoSite
) -> None:
    client = run_off_main_thread(
        qtbot,
        lambda: connect_tab(DEVTOOLS_PORT, target_id=tab.pane.devtools_target_id()),
    )
    session = CaptureSession(client, tab.writer, browser_facts=dict)
    try:

        def run() -> Any:
            session.attach()
            session.start_recording(demo_site.url + "/")
            ScriptDriver(client, session).navigate(demo_site.url + "/", 20)
            session.wait_network_settled(1.5, 10)
            return session.stop_recording()

        outcome = run_off_main_thread(qtbot, run, timeout=120)
    finally:
        client.close()
    with Case.open(tab.case_path, read_only=True) as case:
        facts, video = _video_of(case, outcome.capture_id)
    assert facts["frame_source"].startswith("devtools screencast")
    assert facts["frames_received"] >= 1
    assert video["fps"] >= 2 and video["frames"] >= 4
