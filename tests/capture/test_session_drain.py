"""A recording whose stop could not drain the DevTools events says so in its problems.

``stop_recording`` first waits for every event the browser sent before the stop
(``CdpClient.drain``); when the browser does not confirm in time, an exchange may still have
been queued, and the outcome names that instead of passing over it. Real QtWebEngine."""

from __future__ import annotations

from typing import Any

import pytest

from app.demo.site import DemoSite

pytestmark = pytest.mark.qt


def test_a_stop_the_browser_did_not_confirm_is_named_in_the_problems(
    tab: Any, demo_site: DemoSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tab.client, "drain", lambda **_: False)

    def run() -> Any:
        tab.session.start_recording(demo_site.url + "/")
        return tab.session.stop_recording()

    outcome = tab.run(run, timeout=120)
    assert any("did not confirm within 5 s" in p for p in outcome.problems), outcome.problems


def test_a_drained_stop_names_no_such_problem(tab: Any, demo_site: DemoSite) -> None:
    def run() -> Any:
        tab.session.start_recording(demo_site.url + "/")
        return tab.session.stop_recording()

    outcome = tab.run(run, timeout=120)
    assert not any("did not confirm" in p for p in outcome.problems), outcome.problems
