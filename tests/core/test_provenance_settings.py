"""The C2PA trust list chosen in the settings dialog: kept in the user's settings (not in a
case), checked before it is saved, and used by the next import's C2PA verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.config import load_settings
from app.core.provenance import TRUST_LIST_SETTING, extract_provenance
from app.core.provenance.c2pa_manifest import TRUST_ANCHORS_ENV
from app.gui.settings_dialog import C2PA_TRUST_LIST_SETTING, SettingsDialog
from tests.core.test_provenance import (  # noqa: F401 - signing_chain is a fixture
    c2pa_sign,
    jpeg_bytes,
    signing_chain,
    write,
)
from tests.core.test_provenance_c2pa import ca_pem


def _open_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_trust_list_picked_in_settings_is_stored_for_the_user_and_used(
    qtbot: QtBot,
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TRUST_ANCHORS_ENV, raising=False)
    assert C2PA_TRUST_LIST_SETTING == TRUST_LIST_SETTING
    signed = write(tmp_path, "s.jpg", c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg"))
    trust = tmp_path / "trust.pem"
    trust.write_text(ca_pem(signing_chain[0]))

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.c2pa_trust_list.text() == ""
    dialog.c2pa_trust_list.setText(str(trust))
    dialog.accept()
    assert load_settings()[TRUST_LIST_SETTING] == str(trust.resolve())
    assert extract_provenance(signed, "image/jpeg")["c2pa"]["verdict"] == "Trusted"

    again = SettingsDialog()  # shows the stored choice; clearing it removes it
    qtbot.addWidget(again)
    assert again.c2pa_trust_list.text() == str(trust.resolve())
    again.c2pa_clear.click()
    again.accept()
    assert TRUST_LIST_SETTING not in load_settings()
    assert extract_provenance(signed, "image/jpeg")["c2pa"]["verdict"] == "Valid"


def test_a_file_that_is_not_a_pem_list_is_refused_and_nothing_saved(
    qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not certificates")
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.c2pa_trust_list.setText(str(bad))
    dialog.accept()
    assert dialog.isVisible()  # still open: the user has to fix or clear the choice
    assert TRUST_LIST_SETTING not in load_settings()
    boxes = _open_boxes()
    assert boxes and "PEM" in boxes[0].text()
    for box in boxes:
        box.close()
    dialog.c2pa_trust_list.setText(str(tmp_path / "missing.pem"))
    assert "cannot be read" in (dialog.trust_list_problem() or "")


def test_extra_anchors_for_the_open_case_are_kept_in_user_settings_not_the_case(
    qtbot: QtBot,
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
) -> None:
    from app.core.provenance import CASE_ANCHORS_SETTING, case_trust_anchors
    from app.gui.settings_dialog import C2PA_CASE_ANCHORS_SETTING

    assert C2PA_CASE_ANCHORS_SETTING == CASE_ANCHORS_SETTING
    case = tmp_path / "Mine.proofshot"
    case.mkdir()
    pem = ca_pem(signing_chain[0])
    dialog = SettingsDialog(case_path=case)
    qtbot.addWidget(dialog)
    assert dialog.case_anchors_status.text() == "None"
    dialog.set_case_anchors(pem)
    dialog.accept()
    assert case_trust_anchors(case / "objects").pem == pem
    assert list(case.iterdir()) == []  # nothing written into the case folder
    assert case_trust_anchors(tmp_path / "Other.proofshot" / "objects").pem is None

    again = SettingsDialog(case_path=case)
    qtbot.addWidget(again)
    assert "1 certificate" in again.case_anchors_status.text()
    again.case_anchors_forget.click()
    again.accept()
    assert case_trust_anchors(case / "objects").pem is None

    without_case = SettingsDialog()  # no case open: no per-case row, nothing touched
    qtbot.addWidget(without_case)
    without_case.accept()
    assert load_settings()[CASE_ANCHORS_SETTING] == {}
