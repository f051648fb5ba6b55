"""The parts split out of the capture session (issue 17), each on its own: the page's
events (``PageEvents``), the recording's exchange sink and image memory
(``app.capture.recording``) and the session record's facts (``session_facts``). A
recording is built from its real pieces (a WARC file, the generation binder, a recorder
over a DevTools client that is never connected); the browser-driven tests (test_zoo,
test_hostile_pages, test_session_video) cover them together."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from app.capture.cdp import CdpClient
from app.capture.exchanges import Exchange
from app.capture.generations import PAGE_BINDING, GenerationBinder
from app.capture.page_events import PageEvents
from app.capture.recorder import NetworkRecorder
from app.capture.recording import RecentImages, Recording, on_exchange
from app.capture.session_records import session_facts

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def _recording(tmp_path: Path, client: CdpClient) -> Recording:
    from app.capture.warc import WarcSink

    return Recording(
        session_id="0123456789abcdef",
        started_at=time.time() - 1,
        target_url="https://example.test/",
        work_dir=tmp_path,
        warc=WarcSink(tmp_path / "s.warc.gz", session_id="0123456789abcdef"),
        recorder=NetworkRecorder(client, lambda ex: None),
        binder=GenerationBinder(lambda ev: None),
        video=None,
    )


def _image(url: str, size: int) -> Exchange:
    ex = Exchange(request_id=url, url=url, method="GET", resource_type="Image")
    ex.status, ex.body = 200, PNG + b"\x00" * (size - len(PNG))
    return ex


def test_recent_images_keep_the_newest_within_the_budget_and_replace_a_url_seen_again() -> None:
    images = RecentImages(budget=250)
    images.remember(_image("https://a.test/1.png", 100))
    images.remember(_image("https://a.test/2.png", 100))
    images.remember(_image("https://a.test/1.png", 50))  # seen again: replaces, newest now
    assert images.size == 150
    images.remember(_image("https://a.test/3.png", 100))
    assert images.size == 250
    images.remember(_image("https://a.test/4.png", 40))  # over budget: the oldest (2) goes
    assert images.get("https://a.test/2.png") is None
    assert images.get("https://a.test/1.png") is not None and images.size == 190


def test_the_exchange_sink_archives_names_missing_bodies_and_keeps_images(
    tmp_path: Path,
) -> None:
    rec = _recording(tmp_path, CdpClient("ws://127.0.0.1:9/devtools/page/none"))
    images = RecentImages()
    png = _image("https://example.test/cat.png", 64)
    missing = Exchange(request_id="2", url="https://example.test/blob", method="GET")
    missing.status = 200
    missing.body_missing = {"reason": "consumed by the page", "reported_length": 321}
    cut = Exchange(request_id="3", url="https://example.test/hang", method="GET")
    cut.status, cut.truncated, cut.body_note = 200, "time", "recording stopped"
    cut.body_missing = {"reason": "stopped", "stream_open_at_stop": True}
    for ex in (png, missing, cut):
        on_exchange(rec, ex, images)
    rec.warc.close()
    assert images.get(png.url) is png and images.get(missing.url) is None
    assert len(rec.problems) == 2
    assert (
        "could not be read (consumed by the page; Chromium reported 321 bytes)" in (rec.problems[0])
    )
    assert rec.problems[1].startswith("A stream was still open when recording stopped")
    assert rec.incomplete == [
        {
            "url": cut.url,
            "status": 200,
            "failure": None,
            "truncated": "time",
            "note": "recording stopped",
        }
    ]
    with rec.warc.path.open("rb") as fh:
        kinds = [r.rec_type for r in ArchiveIterator(fh)]
    assert kinds.count("response") == 1 and kinds.count("metadata") == 3


def test_page_events_keep_what_the_tab_did_and_write_it_into_the_recording(
    tmp_path: Path,
) -> None:
    client = CdpClient("ws://127.0.0.1:9/devtools/page/none")
    rec = _recording(tmp_path, client)
    notes: list[tuple[str, dict[str, Any]]] = []
    current: list[Recording | None] = [None]
    events = PageEvents(client, lambda k, f: notes.append((k, f)), lambda: current[0])
    events.on_event("Page.frameNavigated", {"frame": {"id": "M", "url": "https://a.test/"}})
    events.on_event("Page.frameNavigated", {"frame": {"id": "C", "parentId": "M", "url": "x"}})
    assert (events.main_frame_id, events.current_url) == ("M", "https://a.test/")
    events.on_event("Page.frameStoppedLoading", {"frameId": "C"})
    events.on_event("Page.frameStoppedLoading", {"frameId": "M"})
    events.on_event("Page.loadEventFired", {})
    assert (events.stopped_loading, events.load_events) == (1, 1)
    events.on_event("Page.windowOpen", {"url": "https://a.test/before"})  # not recording
    current[0] = rec
    events.on_event("Page.windowOpen", {"url": "https://a.test/pop", "userGesture": True})
    events.on_event("Page.downloadWillBegin", {"guid": "g", "url": "https://a.test/f.zip"})
    events.on_event(
        "Page.downloadProgress", {"guid": "g", "state": "completed", "receivedBytes": 9}
    )
    events.on_event("Runtime.bindingCalled", {"name": "other", "payload": "{}"})
    events.on_event(
        "Runtime.bindingCalled", {"name": PAGE_BINDING, "payload": '{"kind": "submit"}'}
    )
    events.on_event("Proofshot.disconnected", {"reason": "closed"})
    rec.warc.close()
    assert [p["url"] for p in events.popups] == ["https://a.test/before", "https://a.test/pop"]
    assert events.downloads["g"]["state"] == "completed" and events.downloads["g"]["bytes"] == 9
    assert [r.kind for r in rec.binder.reports] == ["submit"]
    assert rec.problems == ["The browser connection ended: closed."]
    assert [k for k, _ in notes] == [
        "navigated",
        "popup",
        "popup",
        "download-started",
        "page-submit",
        "disconnected",
    ]
    with rec.warc.path.open("rb") as fh:
        written = [
            json.loads(r.content_stream().read())
            for r in ArchiveIterator(fh)
            if r.rec_type == "metadata"
        ]
    assert [(w["event"], w["url"]) for w in written] == [
        ("popup", "https://a.test/pop"),
        ("download", "https://a.test/f.zip"),
    ]


def test_session_facts_list_only_what_happened_since_recording_started(tmp_path: Path) -> None:
    client = CdpClient("ws://127.0.0.1:9/devtools/page/none")
    rec = _recording(tmp_path, client)
    events = PageEvents(client, lambda k, f: None, lambda: rec)
    before = rec.started_at - 10
    events.navigations += [
        {"url": "https://a.test/old", "at": before},
        {"url": "https://a.test/new", "at": rec.started_at + 0.5},
    ]
    events.popups.append({"url": "https://a.test/p", "at": before})
    events.dialogs.append({"type": "alert", "message": "hi", "at": rec.started_at + 0.1})
    rec.generation_ids += [7, 3]
    facts = session_facts(rec, events, {"intrusions": []}, None, operator="Ann", account="ann@x")
    rec.warc.close()
    assert [n["url"] for n in facts["navigations"]] == ["https://a.test/new"]
    assert facts["navigations"][0]["at"].endswith("+00:00")
    assert facts["popups"] == [] and facts["dialogs"][0]["message"] == "hi"
    assert isinstance(facts["dialogs"][0]["at"], str)
    assert facts["generation_ids"] == [3, 7] and facts["video"] is None
    assert (facts["operator"], facts["site_account"]) == ("Ann", "ann@x")
    assert facts["devtools_guard"] == {"intrusions": []}
