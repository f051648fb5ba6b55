"""Sites that misbehave: each gives a clear result, and nothing recorded is lost.

Real QtWebEngine (offscreen) against the demo site's hostile routes, recorded by the same
session and script driver the GUI and ``proofshot capture`` use.
"""

from __future__ import annotations

import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from app.capture import store
from app.capture.script import ScriptResult, Step, run_script
from app.core.case import Case
from app.core.objects import ObjectStore
from app.core.verify import verify_case
from app.demo.site import DemoSite, render_generation_png

pytestmark = pytest.mark.qt


def capture(tab: Any, url: str, steps: list[Step] | None = None, **kwargs: Any) -> ScriptResult:
    return tab.run(
        lambda: run_script(tab.client, tab.session, url, steps or [], **kwargs), timeout=120
    )


def item_bytes(case: Case, item_id: int) -> bytes:
    sha = case.conn.execute("SELECT sha256 FROM items WHERE id = ?", (item_id,)).fetchone()[0]
    return ObjectStore(case.path / "objects").path_for(sha).read_bytes()


def session_facts(case: Case, capture_id: int) -> dict[str, Any]:
    return json.loads(
        case.conn.execute("SELECT facts FROM captures WHERE id = ?", (capture_id,)).fetchone()[0]
    )


def warc_records(case: Case, capture_id: int) -> list[tuple[str, str, Any]]:
    """(type, URI, WARC headers) of every record in the session's stored WACZ."""
    wacz_id = store.list_captures(case)[capture_id - 1].items
    wacz = next(i for i in wacz_id if i["role"] == "wacz")
    path = case.objects.path_for(wacz["sha256"])
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("archive/"):
                with z.open(name) as fh:
                    for rec in ArchiveIterator(fh):
                        out.append(
                            (
                                rec.rec_type,
                                rec.rec_headers.get_header("WARC-Target-URI"),
                                rec.rec_headers,
                            )
                        )
    return out


def test_a_page_that_never_finishes_loading_is_captured_as_it_stands(
    tab: Any, demo_site: DemoSite
) -> None:
    # The limit is waited out twice (loading, then the still-open request), so it is short;
    # the hanging page's headers and first bytes arrive at once, well within it.
    result = capture(tab, demo_site.url + "/hang", timeout=1.5, settle=0.5)
    assert not result.loaded
    assert any("did not finish loading within 1.5 s" in p for p in result.problems)
    assert result.page is not None and result.page.items["screenshot-viewport"]
    with Case.open(tab.case_path, read_only=True) as case:
        html = item_bytes(case, result.page.items["dom-html"][0])
        assert b"Hanging" in html  # what had arrived is kept
        facts = session_facts(case, result.session.capture_id)
        assert any(
            e["url"].endswith("/hang") and e["truncated"] == "time"
            for e in facts["incomplete_exchanges"]
        )
        records = warc_records(case, result.session.capture_id)
        hang = [r for r in records if (r[1] or "").endswith("/hang")]
        assert [r[0] for r in hang] == ["request", "metadata"]
        assert hang[1][2].get_header("WARC-Truncated") == "time"
        assert verify_case(case).intact


def test_a_404_is_recorded_with_its_status(tab: Any, demo_site: DemoSite) -> None:
    result = capture(tab, demo_site.url + "/missing", settle=0.3)
    assert result.loaded and result.page is not None
    with Case.open(tab.case_path, read_only=True) as case:
        records = warc_records(case, result.session.capture_id)
        response = next(r for r in records if r[0] == "response" and r[1].endswith("/missing"))
        assert response is not None
        html = item_bytes(case, result.page.items["dom-html"][0])
        assert b"Not found" in html
        assert verify_case(case).intact


def test_a_dropped_connection_is_named_and_the_rest_kept(tab: Any, demo_site: DemoSite) -> None:
    result = capture(tab, demo_site.url + "/drop", settle=0.3, timeout=10)
    assert result.page is not None and result.loaded
    assert any("ERR_CONTENT_LENGTH_MISMATCH" in p for p in result.problems)
    with Case.open(tab.case_path, read_only=True) as case:
        facts = session_facts(case, result.session.capture_id)
        dropped = [e for e in facts["incomplete_exchanges"] if e["url"].endswith("/drop")]
        assert dropped and "ERR_CONTENT_LENGTH_MISMATCH" in dropped[0]["failure"]
        assert verify_case(case).intact


def test_a_huge_image_is_kept_byte_for_byte_and_sized_from_its_header(
    tab: Any, demo_site: DemoSite
) -> None:
    # 8000 x 8000 (64 megapixels): past what any generator returns; Chromium itself needs
    # seconds to paint the default 12000 x 12000, which adds nothing to the test.
    result = capture(tab, demo_site.url + "/huge.png?side=8000", settle=0.5, timeout=30)
    assert result.page is not None
    served = demo_site._huge(8000)
    with Case.open(tab.case_path, read_only=True) as case:
        images = [item_bytes(case, i) for i in result.page.items["image"]]
        assert served in images
        row = case.conn.execute(
            "SELECT width, height, media_notes FROM items WHERE sha256 = (SELECT sha256 FROM items WHERE id = ?)",
            (result.page.items["image"][images.index(served)],),
        ).fetchone()
        assert (row[0], row[1]) == (8000, 8000)  # read from the header, never decoded
        assert verify_case(case).intact


def test_a_page_taller_than_a_screenshot_can_hold_is_clipped_and_says_so(
    tab: Any, tall_page: str
) -> None:
    result = capture(tab, tall_page, settle=0.3)
    assert result.page is not None
    assert any("clipped" in p for p in result.page.problems)
    with Case.open(tab.case_path, read_only=True) as case:
        full = result.page.items["screenshot-full"][0]
        facts = json.loads(
            case.conn.execute("SELECT source_facts FROM items WHERE id = ?", (full,)).fetchone()[0]
        )
        assert facts["page_size"][1] == 40000 and facts["captured_size"][1] == 16384


def test_malformed_json_keeps_the_prompt_and_the_broken_answer(
    tab: Any, demo_site: DemoSite
) -> None:
    def run() -> ScriptResult:
        tab.session.start_recording(demo_site.url + "/")
        from app.capture.script import ScriptDriver

        driver = ScriptDriver(tab.client, tab.session)
        driver.navigate(demo_site.url + "/", 20)
        driver.evaluate(
            "fetch('/api/bad-json', {method: 'POST', headers: {'Content-Type': 'application/json'},"
            " body: JSON.stringify({prompt: '坏的 JSON 提示词'})}).then(r => r.text())"
        )
        tab.session.wait_network_settled(0.3, 10)
        return tab.session.stop_recording()

    outcome = tab.run(run, timeout=120)
    with Case.open(tab.case_path, read_only=True) as case:
        gens = [g for g in store.list_generations(case) if g.id in outcome.generation_ids]
        assert len(gens) == 1
        gen = gens[0]
        assert gen.prompt == "坏的 JSON 提示词" and gen.binding == "none" and gen.outputs == []
        assert gen.facts["response_json_valid"] is False
        assert "not valid JSON" in gen.facts["response_note"]
        records = warc_records(case, outcome.capture_id)
        assert any(r[0] == "response" and r[1].endswith("/api/bad-json") for r in records)
        assert verify_case(case).intact


def test_a_popup_is_not_opened_and_is_reported(tab: Any, demo_site: DemoSite) -> None:
    result = capture(tab, demo_site.url + "/popup", settle=0.5)
    assert [p["url"] for p in result.popups] == [demo_site.url + "/popup-target"]
    assert "blocked" in result.popups[0]["outcome"]
    assert result.page is not None and result.page.title == "Popup opener"


def test_a_download_is_kept_as_the_bytes_the_server_sent(tab: Any, demo_site: DemoSite) -> None:
    result = capture(tab, demo_site.url + "/download", settle=0.5, timeout=20)
    served = render_generation_png("生成星光侠", "", 4242, (512, 512), "download", 0)
    assert [d["state"] for d in result.downloads] == ["completed"]
    with Case.open(tab.case_path, read_only=True) as case:
        capture_view = store.list_captures(case)[result.session.capture_id - 1]
        downloads = [i for i in capture_view.items if i["role"] == "download"]
        assert len(downloads) == 1
        assert item_bytes(case, downloads[0]["item_id"]) == served
        assert verify_case(case).intact


def test_a_site_that_navigates_away_keeps_both_pages(tab: Any, demo_site: DemoSite) -> None:
    result = capture(tab, demo_site.url + "/navigate-away", settle=1.0)
    assert result.page is not None
    with Case.open(tab.case_path, read_only=True) as case:
        facts = session_facts(case, result.session.capture_id)
        urls = [n["url"] for n in facts["navigations"]]
        assert demo_site.url + "/navigate-away" in urls and demo_site.url + "/terms" in urls
        records = warc_records(case, result.session.capture_id)
        responses = {r[1] for r in records if r[0] == "response"}
        assert {demo_site.url + "/navigate-away", demo_site.url + "/terms"} <= responses
        assert verify_case(case).intact


def test_navigation_during_capture_now_is_detected_and_every_item_kept(
    tab: Any, leaving_page: str
) -> None:
    # The page leaves the moment the capture reads its DOM: mid-capture, every time.
    result = capture(tab, leaving_page, settle=0.3)
    assert result.page is not None
    assert any("navigated away during the capture" in p for p in result.page.problems)
    with Case.open(tab.case_path, read_only=True) as case:
        capture_view = store.list_captures(case)[result.page.capture_id - 1]
        assert capture_view.facts["navigated_during_capture"]["to"].endswith("/elsewhere")
        roles = {i["role"] for i in capture_view.items}
        assert {"screenshot-viewport", "screenshot-full", "dom-html"} <= roles
        assert verify_case(case).intact


# -- test-local pages ------------------------------------------------------------------------

_LEAVING = b"""<!DOCTYPE html><html><head><title>Leaves when read</title></head><body>
<h1>Leaving</h1><script>
XMLSerializer.prototype.serializeToString = function () {
  window.location.href = '/elsewhere';
  return '<!DOCTYPE html>';
};
</script></body></html>"""
_ELSEWHERE = b"<!DOCTYPE html><title>Elsewhere</title><h1>Somewhere else</h1>"
_TALL = b"<!DOCTYPE html><title>Tall</title><body style='margin:0'><div style='height:40000px;width:600px;background:linear-gradient(#fff,#89a)'></div></body>"


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = {"/leaving": _LEAVING, "/elsewhere": _ELSEWHERE, "/tall": _TALL}.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_pages() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    # shutdown() waits for the serving loop's next look: 0.05 s, not the default 0.5 s
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def leaving_page(local_pages: str) -> str:
    return local_pages + "/leaving"


@pytest.fixture
def tall_page(local_pages: str) -> str:
    return local_pages + "/tall"
