"""The settings dialog's pages on their own, and the split units keeping their translations."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.gui.campaigns.form import CampaignForm
from app.gui.campaigns.summary import CampaignSummary
from app.gui.i18n import qm_path
from app.gui.settings_pages import (
    C2PA_CASE_ANCHORS_SETTING,
    C2PA_TRUST_LIST_SETTING,
    PEM_READ_LIMIT,
    C2paPage,
    GeneralPage,
    TsaPage,
    read_pem_list,
)

pytestmark = pytest.mark.qt

TS_FILE = Path(__file__).resolve().parents[2] / "resources" / "translations" / "proofshot_zh_CN.ts"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def test_the_general_page_writes_its_four_settings(qtbot: QtBot) -> None:
    page = GeneralPage({"operator": "Ada", "display_timezone": "Europe/Paris"}, "zh_CN")
    qtbot.addWidget(page)
    assert page.operator.text() == "Ada" and page.timezone.currentData() == "Europe/Paris"
    assert page.selected_language() == "zh_CN"
    page.organisation.setText("  Acme  ")
    page.timezone.setEditText("Asia/Tokyo")  # typed exactly as a name of the list
    settings: dict[str, object] = {"other": 1}
    page.apply_to(settings)
    assert settings == {
        "other": 1,
        "operator": "Ada",
        "organisation": "Acme",
        "display_timezone": "Asia/Tokyo",
        "language": "zh_CN",
    }
    page.timezone.setEditText("Nowhere/Atlantis")  # not a name: the selected entry stays
    assert page.selected_timezone() == page.timezone.currentData()


def test_the_tsa_page_keeps_the_order_and_refuses_a_non_http_address(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", "http://127.0.0.1:9/a")
    page = TsaPage()
    qtbot.addWidget(page)
    assert page.tsa_urls() == ["http://127.0.0.1:9/a"]
    page.tsa_new.setText("http://127.0.0.1:9/b")
    page.add_tsa()
    assert page.tsa_urls()[-1] == "http://127.0.0.1:9/b" and page.tsa_new.text() == ""
    page.move_tsa(-1)
    assert page.tsa_urls() == ["http://127.0.0.1:9/b", "http://127.0.0.1:9/a"]
    page.move_tsa(-1)  # already first: nothing moves
    assert page.tsa_urls()[0] == "http://127.0.0.1:9/b"
    page.tsa_new.setText("ftp://tsa.example/x")
    page.add_tsa()
    assert len(page.tsa_urls()) == 2
    assert page.findChildren(QMessageBox)  # the refusal is said, not silent
    page.remove_tsa()
    assert page.tsa_urls() == ["http://127.0.0.1:9/a"]
    assert page.cred_status.text() == "No credentials stored for http://127.0.0.1:9/a."


def test_pem_lists_are_read_bounded_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "anchors.pem"
    good.write_text(PEM, "ascii")
    assert read_pem_list(str(good)) == (PEM.encode(), None)
    text = tmp_path / "notes.txt"
    text.write_text("hello", "ascii")
    assert read_pem_list(str(text))[1] == "The file is not a PEM list of certificates."
    big = tmp_path / "big.pem"
    big.write_bytes(PEM.encode() + b"x" * PEM_READ_LIMIT)
    assert read_pem_list(str(big))[0] is None
    missing = read_pem_list(str(tmp_path / "missing.pem"))
    assert missing[0] is None and (missing[1] or "").startswith("The file cannot be read:")


def test_the_c2pa_page_writes_the_trust_list_and_this_case_anchors(
    qtbot: QtBot, tmp_path: Path
) -> None:
    case = tmp_path / "A.proofshot"
    key = str(case.resolve())
    other = {"/elsewhere": PEM}
    page = C2paPage({C2PA_CASE_ANCHORS_SETTING: dict(other)}, case)
    qtbot.addWidget(page)
    assert page.case_anchors_status.text() == "None" and not page.case_anchors_forget.isEnabled()
    trust = tmp_path / "trust.pem"
    trust.write_text(PEM, "ascii")
    page.c2pa_trust_list.setText(str(trust))
    assert page.trust_list_problem() is None
    page.set_case_anchors(PEM + PEM)
    assert page.case_anchors_status.text().startswith("2 ")
    settings: dict[str, object] = {C2PA_CASE_ANCHORS_SETTING: dict(other)}
    page.apply_to(settings)
    assert settings[C2PA_TRUST_LIST_SETTING] == str(trust.resolve())
    assert settings[C2PA_CASE_ANCHORS_SETTING] == {**other, key: PEM + PEM}
    page.c2pa_trust_list.clear()
    page.set_case_anchors(None)
    page.apply_to(settings)
    assert C2PA_TRUST_LIST_SETTING not in settings
    assert settings[C2PA_CASE_ANCHORS_SETTING] == other
    without_case = C2paPage({}, None)
    qtbot.addWidget(without_case)
    untouched: dict[str, object] = {C2PA_CASE_ANCHORS_SETTING: dict(other)}
    without_case.set_case_anchors(PEM)
    without_case.apply_to(untouched)
    assert untouched == {C2PA_CASE_ANCHORS_SETTING: other}


def _translation(context: str, source: str) -> str:
    for ctx in ET.parse(TS_FILE).getroot().iter("context"):
        if ctx.findtext("name") != context:
            continue
        for message in ctx.iter("message"):
            if message.findtext("source") == source:
                return message.findtext("translation") or ""
    raise AssertionError(f"{context}: {source!r} is not in {TS_FILE.name}")


@pytest.fixture
def chinese() -> Iterator[None]:
    translator = QTranslator()
    assert translator.load(str(qm_path("zh_CN")))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_the_split_units_keep_their_old_translation_context(
    qtbot: QtBot, tmp_path: Path, chinese: None
) -> None:
    """The strings moved out of SettingsDialog and CampaignPanel still find their translation."""
    page = TsaPage()
    qtbot.addWidget(page)
    assert page.cred_save.text() == _translation("SettingsDialog", "Store in keyring")
    c2pa = C2paPage({}, tmp_path / "A.proofshot")
    qtbot.addWidget(c2pa)
    assert c2pa.case_anchors_status.text() == _translation("SettingsDialog", "None")
    form = CampaignForm()
    qtbot.addWidget(form)
    form.retranslate_ui()
    assert form.platform_box.title() == _translation("CampaignPanel", "Platform")
    assert form.tries_label.text() == _translation("CampaignPanel", "Tries per prompt")
    summary = CampaignSummary()
    qtbot.addWidget(summary)
    summary.show_report(None)
    assert summary.summary.text() == _translation("CampaignPanel", "No campaign yet.")
    assert summary.summary.text() != "No campaign yet."
