"""Capture now with recording off: images still come as served, from the browser's cache."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.capture.script import ScriptDriver
from app.core.case import Case
from app.core.verify import verify_case
from app.demo.site import DemoSite

pytestmark = pytest.mark.qt


def test_capture_now_without_recording_keeps_the_images_bytes_and_says_what_is_missing(
    tab: Any, demo_site: DemoSite
) -> None:
    def run() -> Any:
        ScriptDriver(tab.client, tab.session).navigate(demo_site.url + "/", 20)
        return tab.session.capture_now(requested_url=demo_site.url + "/")

    outcome = tab.run(run, timeout=120)
    assert not tab.session.recording and outcome.problems == []
    assert outcome.title.startswith("Lumagen")
    trending = demo_site.jobs.get("trending-1")
    assert trending is not None
    served = demo_site.jobs.png(trending, 0)
    with Case.open(tab.case_path, read_only=True) as case:
        found = None
        for item_id in outcome.items["image"]:
            sha, facts = case.conn.execute(
                "SELECT sha256, source_facts FROM items WHERE id = ?", (item_id,)
            ).fetchone()
            if case.objects.path_for(sha).read_bytes() == served:
                found = json.loads(facts)
        assert found is not None, "the trending image was not kept as served"
        assert found["bytes_from"] == "browser resource cache"
        assert "network facts" in found["note"]
        assert verify_case(case).intact
