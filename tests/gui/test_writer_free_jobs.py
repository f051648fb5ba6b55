"""A campaign run and an export started in the window ask the TSAs off its writer thread.

The TSA is a loopback socket that accepts and never answers (then closes); the AI service is
the loopback campaign server; the export is the dialog's own path. While a request hangs, a
tag edit submitted to the session's writer is stored at once, and the job still finishes,
its failed TSA requests logged.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.capture.campaigns import ClientSettings, RunSettings
from app.core import items as items_mod
from app.core.case import Case
from app.core.tsa import TsaConfig
from app.gui.campaigns import CampaignPanel
from app.gui.session import CaseSession
from tests.capture.campaign_server import CampaignServer
from tests.gui.helpers import wait_idle
from tests.gui.test_attester import HangingTsa
from tests.report.builders import build_demo_case

pytestmark = pytest.mark.qt

KEY = "sk-writer-free-0123456789abcdef"


def _tag_now(qtbot: QtBot, session: CaseSession, item_id: int) -> float:
    """Tag an item through the session's writer; seconds until it was stored."""
    stored: list[float] = []
    start = time.monotonic()
    session.write(
        lambda case: items_mod.add_tag(case, [item_id], "edited-meanwhile"),
        lambda _: stored.append(time.monotonic() - start),
    )
    qtbot.waitUntil(lambda: bool(stored), timeout=9000)
    return stored[0]


def _count(case: Case, action: str) -> int:
    row = case.conn.execute("SELECT COUNT(*) FROM events WHERE action = ?", (action,)).fetchone()
    return int(row[0])


def test_a_campaign_run_in_the_window_leaves_the_writer_free_while_its_tsa_hangs(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "Panel.proofshot"
    Case.create(path, title="Panel", operator="Tess Tester").close()
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("one\ntwo\nthree\n", "utf-8")
    tsa = HangingTsa()
    settings = RunSettings(
        concurrency=1,
        rate_per_second=0,
        jitter=False,
        match=False,
        batch_size=1,
        client=ClientSettings(timeout=5),
        tsas=lambda: [TsaConfig(tsa.url, timeout=4)],
    )
    with CampaignServer(api_key=KEY) as server:
        session = CaseSession(path)
        try:
            panel = CampaignPanel(path, session=session)
            qtbot.addWidget(panel)
            panel.endpoint_edit.setText(server.url)
            panel.key_edit.setText(KEY)
            panel.remember_key.setChecked(False)
            panel.prompts_edit.setText(str(prompts))
            panel.tries_spin.setValue(1)
            try:
                assert panel.start(settings=settings)
                qtbot.waitUntil(lambda: len(tsa.connections) == 1, timeout=20000)  # request out
                assert _tag_now(qtbot, session, 1) < 1.0  # the TSA's timeout is 4 s
                assert panel.running  # ... and the TSA still has not answered
            finally:
                tsa.close()  # the hanging request fails now: logged, the run goes on
            with qtbot.waitSignal(panel.campaign_finished, timeout=30000) as done:
                pass
            assert done.args[0].complete and done.args[0].done == 3
            qtbot.waitUntil(lambda: not session.busy, timeout=10000)
            view = session.view
            assert items_mod.tags_by_item(view, [1])[1] == ["edited-meanwhile"]
            assert _count(view, "timestamp.attempt-failed") >= 1
            assert _count(view, "campaign.try-recorded") == 3
            panel.shutdown()
        finally:
            session.close()


def test_an_export_in_the_window_leaves_the_writer_free_while_its_tsa_hangs(
    controller: object, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Demo.proofshot"
    build_demo_case(path)["case"].close()
    tsa = HangingTsa()
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa.url)  # the export's TSA (and the attester's)
    try:
        assert controller.open_case(path)  # type: ignore[attr-defined]
        window = controller.window  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: len(tsa.connections) == 1, timeout=10000)  # the attester's
        dialog = window.export_bundle()
        qtbot.waitUntil(lambda: dialog.preview.rowCount() > 0, timeout=30000)
        dialog.profile.setCurrentIndex(dialog.profile.findData("filing"))
        handle = dialog.start_export()
        assert handle is not None
        qtbot.waitUntil(lambda: len(tsa.connections) == 2, timeout=30000)  # the export's
        assert _tag_now(qtbot, window.session, 1) < 1.0  # the TSA's timeout is 10 s
        assert not handle.done  # ... and the export still waits for the TSA
    finally:
        tsa.close()  # every request now fails at once: the export goes on, unanchored
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=120000)
    result = dialog.result
    assert result.filing and not result.anchored and result.seals == 0
    assert any("Nothing anchors this bundle" in w for w in result.warnings)
    wait_idle(qtbot, window)
    view = window.session.view
    assert "edited-meanwhile" in items_mod.tags_by_item(view, [1])[1]
    assert _count(view, "timestamp.attempt-failed") >= 2  # the attester's and the export's
    assert _count(view, "export.created") == 1
    dialog.summary.close()
    dialog.close()
