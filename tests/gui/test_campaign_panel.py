"""The campaign panel: define, start, pause, resume and watch a campaign (offscreen Qt)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.capture.campaigns import ClientSettings, RunSettings
from app.core.case import Case
from app.core.jobs import Progress
from app.gui.campaigns import CampaignPanel
from app.gui.session import CaseSession
from tests.capture.campaign_server import CampaignServer
from tests.memory_keyring import MemoryKeyring

pytestmark = pytest.mark.qt

KEY = "sk-panel-" + secrets.token_hex(20)


def fast() -> RunSettings:
    return RunSettings(
        concurrency=2,
        rate_per_second=0,
        backoff_first=0.05,
        jitter=False,
        match=False,
        client=ClientSettings(timeout=5),
    )


@pytest.fixture
def server() -> Iterator[CampaignServer]:
    with CampaignServer(api_key=KEY) as srv:
        yield srv


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "Panel.proofshot"
    Case.create(path, title="Panel", operator="Tess Tester").close()
    return path


def make_panel(
    qtbot: QtBot, case_path: Path, server: CampaignServer, prompts: Path
) -> CampaignPanel:
    panel = CampaignPanel(case_path)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.profile_combo.setCurrentIndex(panel.profile_combo.findData("openai"))
    panel.endpoint_edit.setText(server.url)
    panel.model_edit.setText("test-model")
    panel.key_edit.setText(KEY)
    panel.remember_key.setChecked(False)
    panel.prompts_edit.setText(str(prompts))
    panel.tries_spin.setValue(1)
    return panel


def write_prompts(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "prompts.txt"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_panel_runs_a_campaign_and_shows_each_prompts_progress(
    qtbot: QtBot, case_path: Path, server: CampaignServer, tmp_path: Path
) -> None:
    prompts = write_prompts(tmp_path, ["生成星光侠", "星光侠拼接长发", "a lake at dawn"])
    panel = make_panel(qtbot, case_path, server, prompts)
    panel.tries_spin.setValue(2)
    panel.show()
    with qtbot.waitSignal(panel.campaign_finished, timeout=60_000) as finished:
        assert panel.start(settings=fast())
    result = finished.args[0]
    assert result.complete and result.done == 6
    assert panel.progress.value() == panel.progress.maximum() == 6
    assert panel.model.rowCount() == 3
    first = panel.model.row_data(0)
    assert first["prompt"] == "生成星光侠" and first["tries_done"] == 2 and first["outputs"] == 2
    assert panel.model.index(0, 1).data() == "生成星光侠"
    assert "Finished" in panel.status.text()
    assert panel.start_button.isEnabled() and not panel.pause_button.isEnabled()
    assert panel.campaign_combo.count() == 1
    panel.grab().save(str(tmp_path / "campaign-panel.png"))
    panel.shutdown()
    for path in case_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes()


def test_pause_stops_asking_and_resume_continues_without_repeating(
    qtbot: QtBot, case_path: Path, server: CampaignServer, tmp_path: Path
) -> None:
    server.delay = 0.1
    prompts = write_prompts(tmp_path, [f"prompt {i}" for i in range(20)])
    panel = make_panel(qtbot, case_path, server, prompts)
    panel.tries_spin.setValue(1)
    seen: list[Progress] = []

    def on_progress(p: Progress) -> None:
        seen.append(p)
        if p.done >= 2 and panel.pause_button.isEnabled():
            panel.pause()

    panel.campaign_progress.connect(on_progress)
    settings = fast()
    settings.batch_size = 1
    with qtbot.waitSignal(panel.campaign_finished, timeout=60_000) as paused:
        panel.start(settings=settings)
    first = paused.args[0]
    assert first.cancelled and not first.complete
    assert "Paused" in panel.status.text() and panel.start_button.text() == "Resume"
    asked = len(server.generation_requests())
    assert asked < 20
    panel.campaign_progress.disconnect(on_progress)
    with qtbot.waitSignal(panel.campaign_finished, timeout=60_000) as resumed:
        panel.start(settings=fast())
    second = resumed.args[0]
    assert second.resumed and second.complete and second.campaign_id == first.campaign_id
    assert len(server.generation_requests()) == 20
    assert panel.progress.value() == 20
    panel.shutdown()


def test_without_a_key_the_panel_does_not_start_and_says_where_keys_go(
    qtbot: QtBot, case_path: Path, server: CampaignServer, tmp_path: Path
) -> None:
    panel = make_panel(qtbot, case_path, server, write_prompts(tmp_path, ["one"]))
    panel.key_edit.clear()
    with qtbot.waitSignal(panel.campaign_failed, timeout=5_000) as failed:
        assert not panel.start(settings=fast())
    assert "keyring" in failed.args[0] and "keyring" in panel.status.text()
    assert server.generation_requests() == []
    panel.shutdown()


def test_a_typed_key_is_kept_in_the_keyring_when_asked_and_then_used(
    qtbot: QtBot,
    case_path: Path,
    server: CampaignServer,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    panel = make_panel(qtbot, case_path, server, write_prompts(tmp_path, ["one"]))
    panel.remember_key.setChecked(True)
    with qtbot.waitSignal(panel.campaign_finished, timeout=30_000):
        panel.start(settings=fast())
    assert panel.key_edit.text() == ""
    assert any(KEY in v for v in memory_keyring.store.values())
    assert "A key is stored" in panel.key_state.text()
    panel.new_check.setChecked(True)
    with qtbot.waitSignal(panel.campaign_finished, timeout=30_000) as again:
        panel.start(settings=fast())  # no key typed: the keyring's is used
    assert again.args[0].done == 1
    panel.shutdown()


def test_panel_given_a_session_runs_on_the_sessions_writable_case(
    qtbot: QtBot, case_path: Path, server: CampaignServer, tmp_path: Path
) -> None:
    session = CaseSession(case_path)
    try:
        panel = CampaignPanel(case_path, session=session)
        qtbot.addWidget(panel)
        panel.endpoint_edit.setText(server.url)
        panel.key_edit.setText(KEY)
        panel.remember_key.setChecked(False)
        panel.prompts_edit.setText(str(write_prompts(tmp_path, ["one", "two"])))
        panel.tries_spin.setValue(1)
        with qtbot.waitSignals([panel.campaign_finished, session.changed], timeout=30_000):
            panel.start(settings=fast())
        assert panel.model.rowCount() == 2 and panel.model.row_data(1)["tries_done"] == 1
        panel.shutdown()
    finally:
        session.close()
