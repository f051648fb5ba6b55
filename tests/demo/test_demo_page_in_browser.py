"""The Lumagen page script really works in a browser engine (QtWebEngine, offscreen)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import app.gui.browser  # noqa: F401  (the app's rule: --no-sandbox only as root)

webengine = pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import QUrl  # noqa: E402

from app.demo.site import DemoSite  # noqa: E402

pytestmark = pytest.mark.qt


@pytest.fixture()
def site() -> Iterator[DemoSite]:
    with DemoSite(port=0) as running:
        yield running


def _run_js(qtbot: Any, view: Any, script: str) -> Any:
    result: dict[str, Any] = {}
    view.page().runJavaScript(script, 0, lambda value: result.setdefault("value", value))
    qtbot.waitUntil(lambda: "value" in result, timeout=10_000)
    return result["value"]


def test_generate_button_posts_the_prompt_and_shows_the_images(qtbot: Any, site: DemoSite) -> None:
    view = webengine.QWebEngineView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loadFinished, timeout=30_000) as loaded:
        view.load(QUrl(site.url + "/"))
    assert loaded.args == [True]
    _run_js(
        qtbot,
        view,
        "document.getElementById('prompt').value = '生成星光侠';"
        "document.getElementById('seed').value = '12';"
        "document.getElementById('generate').click(); true;",
    )
    qtbot.waitUntil(
        lambda: _run_js(qtbot, view, "document.getElementById('status').textContent") == "done",
        timeout=60_000,
    )
    sources = _run_js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('#results img'))"
        ".map(i => i.naturalWidth + ' ' + i.getAttribute('src')).join('|')",
    ).split("|")
    assert len(sources) == 2
    assert all(s.startswith("768 /images/job_") for s in sources)
    posts = [r for r in site.requests if r.method == "POST" and r.path == "/api/generate"]
    assert posts and posts[-1].status == 200
