"""The Lumagen demo site serves its pages, APIs and hostile routes, and stops promptly."""

from __future__ import annotations

import base64
import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.demo.site import MAX_BODY_BYTES, DemoSite, huge_png

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(port=0) as running:
        yield running


def _get(site: DemoSite, path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(site.url + path, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _post_json(
    site: DemoSite, path: str, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(
        site.url + path,
        data=data,
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read() or b"null")


def _png_info(data: bytes) -> tuple[Image.Image, dict[str, Any]]:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img, dict(img.info)


# ---------------------------------------------------------------- pages


def test_home_page_has_the_prompt_form_and_footer_links(site: DemoSite) -> None:
    status, headers, body = _get(site, "/")
    html = body.decode("utf-8")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    for element_id in ("prompt", "negative", "seed", "count", "generate", "results", "status"):
        assert f'id="{element_id}"' in html
    for link in ("/terms", "/ai-label", "/complaint"):
        assert f'href="{link}"' in html
    assert "Lumagen (demo)" in html


def test_pages_load_no_external_resources(site: DemoSite) -> None:
    for path in ("/", "/gradio", "/terms", "/ai-label", "/complaint", "/static/app.js"):
        _, _, body = _get(site, path)
        text = body.decode("utf-8")
        assert not re.search(r"""(src|href)=["'](https?:)?//""", text), path
        assert "cdn" not in text.lower(), path


def test_script_posts_json_to_api_generate_and_reports_done(site: DemoSite) -> None:
    status, headers, body = _get(site, "/static/app.js")
    js = body.decode("utf-8")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert '"/api/generate"' in js
    assert "negative_prompt" in js
    assert 'setStatus("done")' in js


@pytest.mark.parametrize("path", ["/terms", "/ai-label", "/complaint", "/gradio"])
def test_policy_and_gradio_pages_are_served(site: DemoSite, path: str) -> None:
    status, _, body = _get(site, path)
    assert status == 200
    assert b"<!DOCTYPE html>" in body


def test_trending_images_on_the_home_page_are_served(site: DemoSite) -> None:
    status, headers, body = _get(site, "/images/trending-1/0.png")
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(body)).size == (384, 384)


def test_complaint_form_submission_is_acknowledged(site: DemoSite) -> None:
    req = urllib.request.Request(site.url + "/complaint", data=b"name=Lumina", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        assert "Complaint received: C-" in resp.read().decode("utf-8")


# ---------------------------------------------------------------- /api/generate


def test_api_generate_round_trips_a_chinese_prompt(site: DemoSite) -> None:
    status, headers, out = _post_json(
        site,
        "/api/generate",
        {"prompt": "生成星光侠", "negative_prompt": "模糊", "n": 2, "seed": 77},
    )
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert out["prompt"] == "生成星光侠"
    assert out["negative_prompt"] == "模糊"
    assert out["job_id"].startswith("job_")
    urls = [item["url"] for item in out["images"]]
    assert urls == [f"/images/{out['job_id']}/0.png", f"/images/{out['job_id']}/1.png"]
    assert [item["seed"] for item in out["images"]] == [77, 78]


def test_generated_images_are_pngs_with_parameters_and_identical_on_rerequest(
    site: DemoSite,
) -> None:
    _, _, out = _post_json(site, "/api/generate", {"prompt": "星光侠 长发", "n": 1, "seed": 5})
    url = out["images"][0]["url"]
    status, headers, first = _get(site, url)
    _, _, second = _get(site, url)
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert first == second
    img, info = _png_info(first)
    assert img.format == "PNG"
    assert img.size == (768, 768)
    assert info["parameters"].startswith("星光侠 长发\n")
    assert "Seed: 5," in info["parameters"]
    assert "trainedAlgorithmicMedia" in info["XML:com.adobe.xmp"]


def test_api_generate_b64_variant_returns_png_bytes_inline(site: DemoSite) -> None:
    status, _, out = _post_json(
        site, "/api/generate?format=b64", {"prompt": "a mountain lake", "n": 1, "seed": 9}
    )
    assert status == 200
    img, info = _png_info(base64.b64decode(out["images"][0]["b64_json"]))
    assert img.size == (768, 768)
    assert info["parameters"].startswith("a mountain lake\n")
    assert "url" not in out["images"][0]


def test_api_generate_without_seed_picks_one_and_reports_it(site: DemoSite) -> None:
    _, _, out = _post_json(site, "/api/generate", {"prompt": "Starlume", "n": 1})
    assert isinstance(out["images"][0]["seed"], int)


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": ""},
        {"prompt": "x", "n": 0},
        {"prompt": "x", "n": 9},
        {"prompt": 5},
        {"prompt": "x", "seed": -3},
        ["not", "an", "object"],
    ],
)
def test_api_generate_rejects_bad_requests_with_400(site: DemoSite, body: Any) -> None:
    status, _, out = _post_json(site, "/api/generate", body)
    assert status == 400
    assert "error" in out


def test_unknown_job_image_is_404(site: DemoSite) -> None:
    assert _get(site, "/images/job_doesnotexist/0.png")[0] == 404
    _, _, out = _post_json(site, "/api/generate", {"prompt": "x", "n": 1, "seed": 1})
    assert _get(site, f"/images/{out['job_id']}/5.png")[0] == 404


# ---------------------------------------------------------------- OpenAI-compatible API


def test_openai_images_api_returns_b64_json(site: DemoSite) -> None:
    status, _, out = _post_json(
        site,
        "/v1/images/generations",
        {
            "model": "lumagen-xl-v2",
            "prompt": "生成插画风格的星光侠",
            "n": 2,
            "size": "512x512",
            "response_format": "b64_json",
        },
        {"Authorization": "Bearer test-key"},
    )
    assert status == 200
    assert isinstance(out["created"], int)
    assert len(out["data"]) == 2
    img, info = _png_info(base64.b64decode(out["data"][0]["b64_json"]))
    assert img.size == (512, 512)
    assert info["parameters"].startswith("生成插画风格的星光侠\n")


def test_openai_images_api_returns_fetchable_urls(site: DemoSite) -> None:
    status, _, out = _post_json(
        site,
        "/v1/images/generations",
        {"prompt": "Starlume flying", "n": 1, "response_format": "url"},
        {"Authorization": "Bearer k"},
    )
    assert status == 200
    url = out["data"][0]["url"]
    assert url.startswith(site.url + "/images/")
    with urllib.request.urlopen(url, timeout=30) as resp:
        assert resp.headers["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(resp.read())).size == (768, 768)


@pytest.mark.parametrize("auth", [None, "Bearer ", "Basic abc", "Bearer"])
def test_openai_images_api_without_a_bearer_token_is_401(site: DemoSite, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth is not None else {}
    status, resp_headers, out = _post_json(
        site, "/v1/images/generations", {"prompt": "Starlume"}, headers
    )
    assert status == 401
    assert resp_headers["WWW-Authenticate"] == "Bearer"
    assert out["error"]["code"] == "invalid_api_key"


def test_openai_images_api_rejects_an_unsupported_size(site: DemoSite) -> None:
    status, _, out = _post_json(
        site,
        "/v1/images/generations",
        {"prompt": "Starlume", "size": "333x333"},
        {"Authorization": "Bearer k"},
    )
    assert status == 400
    assert "size" in out["error"]["message"]


# ---------------------------------------------------------------- Gradio-shaped API


def test_gradio_predict_takes_the_prompt_from_the_data_array(site: DemoSite) -> None:
    status, _, out = _post_json(
        site,
        "/gradio/api/predict",
        {"data": ["星光侠 飞行", "lowres", 31], "session_hash": "abc123"},
    )
    assert status == 200
    assert out["is_generating"] is False
    assert len(out["data"]) == 2
    _, _, png = _get(site, out["data"][0])
    _, info = _png_info(png)
    assert info["parameters"].startswith("星光侠 飞行\nNegative prompt: lowres\n")
    assert "Seed: 31," in info["parameters"]


def test_gradio_predict_without_data_is_422(site: DemoSite) -> None:
    status, _, out = _post_json(site, "/gradio/api/predict", {"session_hash": "x"})
    assert status == 422
    assert "error" in out


# ---------------------------------------------------------------- hostile routes


def test_hang_sends_headers_and_part_of_the_body_then_stalls(site: DemoSite) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=0.5)  # waited out below
    conn.request("GET", "/hang")
    resp = conn.getresponse()
    assert resp.status == 200
    assert int(resp.headers["Content-Length"]) > 1000
    part = resp.read1(1000)
    assert part.startswith(b"<!DOCTYPE html>")
    with pytest.raises((TimeoutError, socket.timeout)):
        resp.read()
    conn.close()


def test_missing_is_404(site: DemoSite) -> None:
    status, headers, _ = _get(site, "/missing")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")


def test_drop_closes_the_connection_mid_response(site: DemoSite) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    conn.request("GET", "/drop")
    resp = conn.getresponse()
    assert resp.status == 200
    with pytest.raises(http.client.IncompleteRead) as info:
        resp.read()
    assert 0 < len(info.value.partial) < int(resp.headers["Content-Length"])
    conn.close()


def test_huge_png_is_a_valid_png_with_huge_dimensions_and_a_small_body(site: DemoSite) -> None:
    status, headers, body = _get(site, "/huge.png")
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert len(body) < 200_000
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        img = Image.open(io.BytesIO(body))
    assert img.size == (12000, 12000)
    assert any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught)


def test_huge_png_decodes_to_the_promised_pixels() -> None:
    img = Image.open(io.BytesIO(huge_png(64)))
    img.load()
    assert img.size == (64, 64)
    assert img.getextrema() == (255, 255)


def test_huge_png_side_can_pass_the_decompression_bomb_error(site: DemoSite) -> None:
    _, _, body = _get(site, "/huge.png?side=20000")
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(body))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_bad_json_is_200_with_unparseable_json(site: DemoSite, method: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    conn.request(method, "/api/bad-json", body=b"{}" if method == "POST" else None)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_popup_page_calls_window_open(site: DemoSite) -> None:
    status, _, body = _get(site, "/popup")
    assert status == 200
    assert b"window.open('/popup-target'" in body
    assert _get(site, "/popup-target")[0] == 200


def test_download_is_an_attachment(site: DemoSite) -> None:
    status, headers, body = _get(site, "/download")
    assert status == 200
    assert headers["Content-Disposition"] == 'attachment; filename="lumagen-output.png"'
    assert Image.open(io.BytesIO(body)).format == "PNG"


def test_navigate_away_redirects_to_terms_by_script_after_500_ms(site: DemoSite) -> None:
    status, _, body = _get(site, "/navigate-away")
    assert status == 200
    assert b"window.location.href = '/terms'" in body
    assert b"}, 500)" in body


def test_slow_image_waits_the_requested_time(site: DemoSite) -> None:
    start = time.monotonic()
    status, headers, body = _get(site, "/slow-image.png?ms=400")
    elapsed = time.monotonic() - start
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(body)).format == "PNG"
    assert elapsed >= 0.4


# ---------------------------------------------------------------- safety


def test_request_body_over_the_limit_gets_413(site: DemoSite) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    conn.putrequest("POST", "/api/generate")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
    conn.endheaders()
    resp = conn.getresponse()
    out = json.loads(resp.read())
    conn.close()
    assert resp.status == 413
    assert "larger" in out["error"]


def test_post_without_content_length_gets_411(site: DemoSite) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    conn.putrequest("POST", "/api/generate")
    conn.endheaders()
    resp = conn.getresponse()
    resp.read()
    conn.close()
    assert resp.status == 411


@pytest.mark.parametrize(
    "path",
    [
        "/static/../site.py",
        "/static/%2e%2e/site.py",
        "/static/",
        "/site.py",
        "/app/demo/site.py",
        "/../../etc/passwd",
        "/static//etc/passwd",
    ],
)
def test_paths_outside_the_routes_are_not_served(site: DemoSite, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    assert resp.status == 404
    assert b"import" not in body and b"root:" not in body


def test_site_binds_the_loopback_address_only(site: DemoSite) -> None:
    assert site.url.startswith("http://127.0.0.1:")
    assert site._server is not None
    assert site._server.server_address[0] == "127.0.0.1"


def test_requests_are_recorded_with_their_status(site: DemoSite) -> None:
    _get(site, "/missing?probe=recorded")
    records = [r for r in site.requests if r.path == "/missing?probe=recorded"]
    assert records and records[-1].status == 404 and records[-1].method == "GET"


# ---------------------------------------------------------------- lifecycle


def test_stop_returns_within_two_seconds_while_a_client_hangs() -> None:
    running = DemoSite(port=0)
    running.start()
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    conn.request("GET", "/hang")
    resp = conn.getresponse()
    assert resp.read1(100).startswith(b"<!DOCTYPE html>")
    slow = socket.create_connection(("127.0.0.1", running.port), timeout=10)
    slow.sendall(b"GET /slow-image.png?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.2)
    start = time.monotonic()
    running.stop()
    assert time.monotonic() - start < 2.0
    with pytest.raises((http.client.IncompleteRead, ConnectionError, OSError)):
        resp.read()
    slow.settimeout(2)
    assert slow.recv(100) == b""  # the slow request was cut, not answered
    slow.close()
    conn.close()


def test_context_manager_serves_inside_and_refuses_after() -> None:
    with DemoSite(port=0) as running:
        port = running.port
        assert _get(running, "/terms")[0] == 200
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    running.stop()  # a second stop is harmless


def test_main_serves_on_the_requested_port_and_prints_the_url() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from app.demo.site import main; main(['--port', '0'])"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        with urllib.request.urlopen(match.group(0), timeout=10) as resp:
            assert resp.status == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
