"""Screen capture stored as evidence, and the settings dialog (keyring, language, zone)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.config import load_settings
from app.core import custody, items
from app.core.case import Case
from app.core.tsa_settings import credentials_for
from app.gui.screen_capture import Grab, RegionSelector, crop_region, grab_full_screen
from tests.gui.helpers import wait_idle
from tests.memory_keyring import MemoryKeyring


def _window(controller: object, qtbot: QtBot, case_path: Path) -> object:
    assert controller.open_case(case_path)
    window = controller.window
    qtbot.waitExposed(window)
    window.captures.delay_ms = 0
    window.captures.window_countdown_ms = 0
    return window


def test_full_screen_capture_is_stored_as_a_screenshot_with_the_operator_prompt(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _window(controller, qtbot, case_path)
    window.captures.start("full-screen")
    qtbot.waitUntil(lambda: window.captures.dialog is not None, timeout=5000)
    dialog = window.captures.dialog
    size = dialog.capture.image.size()
    assert size.width() > 0 and size.height() > 0
    dialog.prompt.setPlainText("生成奥特曼")
    dialog.tags.setText("platform A， home page")  # a Chinese comma separates too
    stored: list[object] = []
    window.captures.stored.connect(stored.append)
    dialog.accept()
    qtbot.waitUntil(lambda: bool(stored), timeout=10000)
    wait_idle(qtbot, window)
    item_id = stored[0].item_id
    with Case.open(case_path, read_only=True) as case:
        item = items.get_item(case, item_id)
        state = items.item_state(case, item_id)
        actions = [e.action for e in custody.iter_events(case.conn, item_id=item_id)]
    assert item.kind == "screenshot" and item.method == "screen-capture"
    assert item.media_type == "image/png"
    assert (item.width, item.height) == (size.width(), size.height())
    assert item.source_facts["mode"] == "full-screen"
    assert item.source_facts["prompt_entered_by_operator"] is True
    assert state.tags == ["home page", "platform A"]
    assert state.notes[0]["text"] == items.OPERATOR_PROMPT_PREFIX + "生成奥特曼"
    assert "item.operator-prompt-added" in actions
    assert window.model.rowCount() == 7
    window.evidence.select_item(item_id)
    assert window.inspector.operator_prompt_edit.toPlainText() == "生成奥特曼"
    assert window.inspector.prompt_edit.toPlainText() == ""  # never shown as captured


def test_region_capture_crops_the_frozen_screen_to_the_dragged_rectangle(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _window(controller, qtbot, case_path)
    window.captures.start("region")
    qtbot.waitUntil(lambda: window.captures.selector is not None, timeout=5000)
    selector = window.captures.selector
    assert isinstance(selector, RegionSelector)
    qtbot.waitExposed(selector)
    selector.choose(QRect(10, 20, 120, 80))
    qtbot.waitUntil(lambda: window.captures.dialog is not None, timeout=5000)
    grab = window.captures.dialog.capture
    scale = selector.full.image.width() / selector.width()
    assert grab.mode == "region"
    assert grab.image.width() == round(120 * scale)
    assert grab.facts["region"][:2] == [round(10 * scale), round(20 * scale)]
    window.captures.dialog.reject()  # discarded: nothing is stored
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 6


def test_window_capture_falls_back_to_full_screen_where_the_front_window_is_unknown(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _window(controller, qtbot, case_path)
    window.captures.start("window")
    qtbot.waitUntil(lambda: window.captures.dialog is not None, timeout=5000)
    dialog = window.captures.dialog
    assert dialog.capture.facts.get("window_fallback") is True  # offscreen has no window manager
    assert "whole screen" in dialog.warning.text()
    dialog.reject()


@pytest.mark.parametrize("black", [True, False])
def test_capture_dialog_states_every_warning_that_applies(qtbot: QtBot, black: bool) -> None:
    """A black grab of an unidentified window says both facts: neither hides the other."""
    from PySide6.QtGui import QColor, QImage

    from app.gui.screen_capture import CaptureDialog

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("black" if black else "white"))
    dialog = CaptureDialog(Grab(image, "window", {"window_fallback": True}))
    qtbot.addWidget(dialog)
    text = dialog.warning.text()
    assert "whole screen was captured" in text
    assert ("entirely black" in text) is black
    plain = CaptureDialog(Grab(image, "window", {}))
    qtbot.addWidget(plain)
    assert ("entirely black" in plain.warning.text()) is black
    assert "whole screen" not in plain.warning.text()


def test_crop_region_is_clamped_to_the_grabbed_image(qtbot: QtBot) -> None:
    full = grab_full_screen()
    region = crop_region(full, QRect(-10, -10, 50, 40))
    assert isinstance(region, Grab)
    assert (region.image.width(), region.image.height()) == (40, 30)
    assert region.png().startswith(b"\x89PNG")


def test_settings_store_tsa_credentials_only_in_the_keyring(
    controller: object, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    controller.show_start()
    dialog = controller.open_settings(controller.start)
    url = "http://127.0.0.1:9/tsr"
    dialog.tsa_new.setText(url)
    dialog._add_tsa()
    assert dialog.tsa_urls()[-1] == url
    dialog.cred_user.setText("alice")
    dialog.cred_password.setText("s3cret")
    dialog.store_credentials()
    assert credentials_for(url).user == "alice"
    assert "s3cret" in str(memory_keyring.store)
    assert "alice" in dialog.cred_status.text()
    assert "settings file" in dialog.where.text()
    dialog.operator.setText("Carol Counsel")
    dialog.organisation.setText("Acme Legal")
    dialog.timezone.setCurrentIndex(dialog.timezone.findData("Asia/Shanghai"))
    dialog.accept()
    saved = load_settings()
    assert saved["operator"] == "Carol Counsel"
    assert saved["display_timezone"] == "Asia/Shanghai"
    assert url in saved["tsa_urls"]
    assert "s3cret" not in str(saved)


def test_settings_without_a_keyring_say_so_and_store_nothing(
    controller: object, qtbot: QtBot
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        controller.show_start()
        dialog = controller.open_settings(controller.start)
        assert "cannot be stored" in dialog.where.text()
        dialog.tsa_new.setText("http://127.0.0.1:9/tsr")
        dialog._add_tsa()
        dialog.cred_user.setText("alice")
        dialog.cred_password.setText("s3cret")
        dialog.store_credentials()
        boxes = [b for b in dialog.findChildren(QMessageBox) if b.objectName() == "keyringError"]
        assert boxes and "nothing was written" in boxes[0].text()
        assert dialog.cred_password.text() == ""
        dialog.reject()
    finally:
        keyring.set_keyring(previous)
    assert "s3cret" not in str(load_settings())


@pytest.mark.parametrize("language", ["zh_CN"])
def test_switching_language_at_run_time_retranslates_the_open_window(
    controller: object, qtbot: QtBot, case_path: Path, language: str
) -> None:
    window = _window(controller, qtbot, case_path)
    assert window.workspaces.tabText(0) == "Evidence"
    dialog = controller.open_settings(window)
    dialog.language.setCurrentIndex(dialog.language.findData(language))
    dialog.accept()
    assert controller.languages.language == language
    qtbot.waitUntil(lambda: window.workspaces.tabText(0) == "证据")  # LanguageChange is posted
    assert window.menu_file.title().startswith("文件")
    assert "项" in window.status_items.text()
    assert window.evidence.filter_bar.search.placeholderText() != "Search prompts, URLs, notes…"
    window.evidence.select_item(1)
    assert window.inspector.hash_box.title() == "哈希值"
    assert load_settings()["language"] == language
    controller.set_language("en")
    qtbot.waitUntil(lambda: window.workspaces.tabText(0) == "Evidence")
    assert window.inspector.hash_box.title() == "Hashes"
