"""The session's WACZ replays in a real replayer: pywb serves it, QtWebEngine opens it.

pywb pins its own ``cryptography`` and ``gevent``, so it is not a test extra of the app's
environment: point ``PROOFSHOT_PYWB`` at a ``wayback`` executable from a separate virtual
environment (``python -m venv /tmp/pywb && /tmp/pywb/bin/pip install pywb``), or have
``wayback`` on PATH; without it this test is skipped and says so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from app.capture.devtools import free_loopback_port
from app.capture.script import ScriptDriver, run_script
from app.capture.store import list_generations
from app.core.case import Case
from tests.capture.test_zoo import two_prompts
from tests.capture.zoo.sites import Zoo

pytestmark = pytest.mark.qt


def wayback() -> Path:
    found = os.environ.get("PROOFSHOT_PYWB") or shutil.which("wayback")
    if not found or not Path(found).is_file():
        pytest.skip("pywb's wayback not found (set PROOFSHOT_PYWB)")
    return Path(found)


def test_session_wacz_replays_in_pywb_with_the_page_and_its_bound_images(
    tab: Any, tmp_path: Path
) -> None:
    server = wayback()
    with Zoo() as zoo:
        result = tab.run(
            lambda: run_script(
                tab.client, tab.session, f"{zoo.url}/poll/", two_prompts()[:3], settle=0.5
            ),
            timeout=120,
        )
    assert result.session is not None and result.problems == []
    with Case.open(tab.case_path, read_only=True) as case:
        sha = case.conn.execute(
            "SELECT sha256 FROM items WHERE id = ?", (result.session.items["wacz"][0],)
        ).fetchone()[0]
        wacz = tmp_path / "session.wacz"
        wacz.write_bytes(case.objects.path_for(sha).read_bytes())
        gens = [g for g in list_generations(case) if g.id in result.session.generation_ids]
    outputs = [(o["url"], o["sha256"]) for g in gens for o in g.facts["outputs"]]
    assert len(outputs) == 2
    root = tmp_path / "pywb"
    root.mkdir()
    manager = server.with_name("wb-manager")
    subprocess.run([str(manager), "init", "zoo"], cwd=root, check=True, capture_output=True)
    subprocess.run(
        [str(manager), "add", "--unpack-wacz", "zoo", str(wacz)],
        cwd=root,
        check=True,
        capture_output=True,
    )
    port = free_loopback_port()
    proc = subprocess.Popen(
        [str(server), "--bind", "127.0.0.1", "-p", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/zoo"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("pywb did not start") from None
                time.sleep(0.05)  # a refused connection costs nothing: look again soon
        # The bound images come back byte for byte (id_: the archived payload as is).
        for url, sha256 in outputs:
            with urllib.request.urlopen(f"{base}/id_/{url}", timeout=30) as reply:
                assert hashlib.sha256(reply.read()).hexdigest() == sha256
        # The page comes back in the browser, with its title and the logo image decoded.
        driver = ScriptDriver(tab.client, tab.session)
        page = f"{base}/mp_/{zoo.url}/poll/"

        def open_page() -> Any:
            loaded, error = driver.navigate(page, 60)
            assert loaded, error
            # pywb shows the page in its replay frame (same origin): look inside it.
            return driver.evaluate(
                "new Promise(function (ok) { var n = 0; var look = function () {"
                " var f = document.querySelector('iframe');"
                " var d = f && f.contentDocument ? f.contentDocument : document;"
                " var i = d.querySelector('img.logo');"
                " if ((i && i.complete && i.naturalWidth) || n++ > 100) {"
                " ok({title: d.title, logo: i ? i.naturalWidth : -1}); }"
                " else { setTimeout(look, 200); } }; look(); })",
                timeout=40,
            )

        shown = tab.run(open_page, timeout=120)
        assert shown == {"title": "Zoo: poll", "logo": 120}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
