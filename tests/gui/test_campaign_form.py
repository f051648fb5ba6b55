"""The campaign panel's two split units on their own: the form and the summary (offscreen Qt)."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.capture.campaigns.credentials import credential_from_keyring
from app.core.errors import ProofshotError
from app.gui.campaigns.form import CampaignForm
from app.gui.campaigns.summary import CampaignSummary

pytestmark = pytest.mark.qt

ENDPOINT = "http://127.0.0.1:9/v1"


def _form(qtbot: QtBot) -> CampaignForm:
    form = CampaignForm()
    qtbot.addWidget(form)
    form.retranslate_ui()
    form.on_profile_changed()
    return form


def test_the_form_says_what_is_missing_before_it_builds_a_spec(
    qtbot: QtBot, tmp_path: Path
) -> None:
    form = _form(qtbot)
    with pytest.raises(ProofshotError, match="endpoint URL"):
        form.spec()
    form.endpoint_edit.setText(ENDPOINT)
    with pytest.raises(ProofshotError, match="prompt file"):
        form.spec()
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("a red fox\na blue whale\n", "utf-8")
    form.prompts_edit.setText(str(prompts))
    form.profile_combo.setCurrentIndex(form.profile_combo.findData("generic"))
    assert form.config_edit.isEnabled()
    with pytest.raises(ProofshotError, match="configuration file"):
        form.spec()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    form.config_edit.setText(str(bad))
    with pytest.raises(ProofshotError, match="cannot be read as JSON"):
        form.spec()
    form.profile_combo.setCurrentIndex(form.profile_combo.findData("openai"))
    assert not form.config_edit.isEnabled()
    form.tries_spin.setValue(4)
    form.model_edit.setText(" m1 ")
    spec = form.spec()
    assert (spec.profile, spec.endpoint, spec.tries, spec.model) == ("openai", ENDPOINT, 4, "m1")
    assert spec.profile_config is None and len(spec.prompts.entries) == 2
    sha = hashlib.sha256(prompts.read_bytes()).hexdigest()
    assert form.prompts_state.text() == f"2 prompts (SHA-256 {sha[:16]}…)"
    form.concurrency_spin.setValue(5)
    form.rate_spin.setValue(0.5)
    settings = form.settings()
    assert (settings.concurrency, settings.rate_per_second) == (5, 0.5)


def test_the_form_keeps_a_typed_key_in_the_keyring_only_when_asked(qtbot: QtBot) -> None:
    form = _form(qtbot)
    form.endpoint_edit.setText(ENDPOINT)
    form.update_key_state()
    assert form.key_state.text().startswith("No key is stored for")
    spec_endpoint = type("S", (), {"endpoint": ENDPOINT})
    key = "sk-form-" + secrets.token_hex(12)
    form.key_edit.setText(key)
    form.remember_key.setChecked(False)
    typed = form.credential(spec_endpoint)  # type: ignore[arg-type]
    assert (typed.value, typed.source) == (key, "typed in the campaign panel")
    assert credential_from_keyring(ENDPOINT) is None and form.key_edit.text() == key
    form.remember_key.setChecked(True)
    kept = form.credential(spec_endpoint)  # type: ignore[arg-type]
    assert (kept.value, kept.source) == (key, "keyring")
    assert form.key_edit.text() == ""
    stored = credential_from_keyring(ENDPOINT)
    assert stored is not None and stored.value == key
    assert form.key_state.text().startswith("A key is stored for")
    assert key not in form.key_state.text()
    assert form.credential(spec_endpoint).value == key  # type: ignore[arg-type]


def test_the_summary_lists_campaigns_quietly_and_announces_a_choice(qtbot: QtBot) -> None:
    view = CampaignSummary()
    qtbot.addWidget(view)
    view.retranslate_ui()
    chosen: list[object] = []
    view.campaign_chosen.connect(chosen.append)
    rows = [
        {"id": 1, "name": "first", "complete": True},
        {"id": 2, "name": "second", "complete": False},
    ]
    view.set_campaigns(rows, 1)
    assert chosen == []  # filling the list is not a choice
    assert view.campaign_combo.count() == 2 and view.current_campaign() == 1
    assert view.campaign_combo.itemText(1) == "2: second (unfinished)"
    view.campaign_combo.setCurrentIndex(1)
    assert chosen == [2]
    view.show_report(None)
    assert view.summary.text() == "No campaign yet." and view.model.rowCount() == 0
    prompt = {
        "number": 1,
        "prompt": "a  red\nfox",
        "negative_prompt": None,
        "tries_planned": 3,
        "tries_done": 2,
        "tries_failed": 1,
        "outputs": 2,
        "matches": {"high": 1, "medium": 0, "low": 1},
        "best_match": {"title": "Fox", "band": "high", "score": 0.875},
    }
    report = {
        "prompts": [prompt],
        "totals": {"outputs": 2, "outputs_matching": 1, "matches": {"high": 1, "medium": 0}},
        "progress": {"done": 2, "planned": 3, "failed": 1},
        "works": [{"id": 1}],
    }
    view.show_report(report)
    assert view.summary.text().startswith("2 of 3 tries done, 1 failed; 2 outputs, 1 matching")
    model = view.model
    assert model.rowCount() == 1 and model.columnCount() == 10
    assert model.data(model.index(0, 1)) == "a red fox"
    assert model.data(model.index(0, 9)) == "Fox (high, 0.88)"
