"""PageCapture on its own (split out of CaptureSession): a real QtWebEngine tab, the demo site
on 127.0.0.1, a real case written through a ThreadCaseWriter -- no CaptureSession involved."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.capture.page_capture import PageCapture
from app.capture.script import ScriptDriver
from app.core.case import Case
from app.core.verify import verify_case
from app.demo.site import DemoSite

pytestmark = pytest.mark.qt


def test_page_capture_stores_screenshots_dom_mhtml_and_images_and_names_the_session(
    tab: Any, demo_site: DemoSite
) -> None:
    asked: list[str] = []

    def recorded_image(url: str) -> None:
        asked.append(url)  # nothing recorded: the bytes come from the browser's cache
        return None

    pages = PageCapture(
        tab.client,
        tab.writer,
        recorded_image=recorded_image,
        fallback=lambda: (demo_site.url + "/", ""),
        request_repaint=tab.pane.request_repaint,
    )

    def run() -> Any:
        ScriptDriver(tab.client, tab.session).navigate(demo_site.url + "/", 20)
        plain = pages.capture(demo_site.url + "/")
        named = pages.capture(session_id="s-123", generation_ids=lambda: [7, 3])
        return plain, named

    plain, named = tab.run(run, timeout=120)
    assert plain.problems == [] and plain.title.startswith("Lumagen")
    for role in ("screenshot-viewport", "screenshot-full", "dom-html", "mhtml", "image"):
        assert plain.items.get(role), role
    assert asked, "the recorded exchanges were not consulted for the page's images"
    assert named.capture_id != plain.capture_id
    with Case.open(tab.case_path, read_only=True) as case:
        facts = {
            cid: json.loads(f)
            for cid, f in case.conn.execute("SELECT id, facts FROM captures WHERE kind = 'page'")
        }
        assert facts[plain.capture_id]["recording"] is False
        assert "generation_ids_so_far" not in facts[plain.capture_id]
        assert facts[named.capture_id]["session_id"] == "s-123"
        assert facts[named.capture_id]["generation_ids_so_far"] == [3, 7]
        assert verify_case(case).intact
