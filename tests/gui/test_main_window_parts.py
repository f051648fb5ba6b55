"""The case window's parts of their own: the status bar (and its OCR search, run again only
when the search text or the case changed), the actions/menus builder, and the verification
result dialog's pieces.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app.core.problems import Problem, VerifyReport
from app.gui.main_actions import make_action
from app.gui.verify_view import BROKEN_COLOUR, INTACT_COLOUR, VerifyResultDialog
from tests.gui.helpers import wait_idle


def _open(controller: object, qtbot: QtBot, path: Path) -> object:
    assert controller.open_case(path)  # type: ignore[attr-defined]
    window = controller.window  # type: ignore[attr-defined]
    qtbot.waitExposed(window)
    wait_idle(qtbot, window)
    return window


def test_status_bar_searches_ocr_text_only_when_the_query_or_the_case_changes(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    bar = window.status_bar
    assert window.status_items is bar.items_label  # the names tests and users know
    assert window.statusBar().findChild(type(bar.items_label), "statusItems") is not None
    assert bar.ocr_searches == 0  # no search text, no search

    filter_bar = window.evidence.filter_bar
    filter_bar.search.setText("ultraman")
    filter_bar.apply_now()
    assert bar.ocr_searches == 1
    for _ in range(5):  # refreshes (a job's ticks, a language change) do not search again
        window._update_status()
        bar.tick()
    assert bar.ocr_searches == 1

    window.apply_tag([1], "seen")  # the case changes (through the writer)
    wait_idle(qtbot, window)
    window._update_status()
    assert bar.ocr_searches == 2
    window._update_status()
    assert bar.ocr_searches == 2

    filter_bar.search.setText("奥特曼")
    filter_bar.apply_now()
    assert bar.ocr_searches == 3
    assert bar.items_text().endswith("of 6 items shown")  # the tag filter shows one


def test_status_bar_labels_show_counts_mode_and_job(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    bar = window.status_bar
    bar.update()
    assert bar.items_label.text() == "6 items"  # the English plural forms
    assert bar.pending_label.text().startswith("6 pending attestation")
    assert bar.mode_label.isHidden() and bar.mode_label.text() == ""
    from app.gui.status_bar import READ_ONLY_STYLE

    assert bar.mode_label.styleSheet() == READ_ONLY_STYLE  # set once, not on every refresh
    assert bar.job_label.text() == ""
    assert bar.case_label.text().startswith("Case: GUI test case — ")


def test_actions_have_names_unique_shortcuts_and_tooltips(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    actions = {name: getattr(window, name) for name in dir(window) if name.startswith("act_")}
    assert len(actions) == 24
    keys = [a.shortcut().toString() for a in actions.values() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys))  # no two actions share a shortcut
    assert window.act_compare_item.shortcut().isEmpty()
    for name, key in (("act_tag", "Ctrl+T"), ("act_log", "Ctrl+3"), ("act_export", "Ctrl+E")):
        assert actions[name].shortcut() == QKeySequence(key), name
    assert window.act_inspector.shortcut() == QKeySequence("Ctrl+Shift+D")
    for name, action in actions.items():
        if name != "act_inspector":
            assert action.objectName().startswith("act"), name
        assert action.text() and action.toolTip(), name
    assert window.act_tag.toolTip() == "Tag selected (Ctrl+T)"
    assert window.act_compare_item.toolTip() == "Compare with works"
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Capture", "&View", "C&ase"]
    assert window.menu_case.actions() == [window.act_verify, window.act_compare_item]
    assert window.toolbar.objectName() == "mainToolbar"
    assert window.act_compare_item in window.evidence.grid.actions()
    assert window.act_tag.iconText() == "Tag"


def test_make_action_wires_name_shortcut_and_slot(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    called: list[int] = []
    action = make_action(window, "actTry", "Ctrl+Shift+Y", lambda: called.append(1))
    assert action.objectName() == "actTry" and action in window.actions()
    assert action.shortcut() == QKeySequence("Ctrl+Shift+Y")
    action.trigger()
    assert called == [1]
    bare = make_action(window, "actBare")
    assert bare.shortcut().isEmpty()
    bare.trigger()  # no slot: nothing happens, nothing breaks


def test_verify_result_dialog_parts(qtbot: QtBot) -> None:
    broken = VerifyReport(
        intact=False,
        events=9,
        items=4,
        objects_checked=4,
        problems=[Problem("altered-object", "SHA-256 differs", item_id=3, seq=None)],
        notes=["one note"],
    )
    dialog = VerifyResultDialog(broken, read_only=True)
    qtbot.addWidget(dialog)
    assert dialog.banner.text().startswith("✖ BROKEN — 1 problem")
    assert BROKEN_COLOUR in dialog.banner.styleSheet()
    lines = dialog.details.text().split("\n")
    assert lines[0].startswith("The case does not match its own record.")
    assert "Checked 9 custody events and 4 items" in lines[1]
    assert lines[-1] == "The case is open read-only, so this verification was not logged."
    table = dialog.problems
    assert table.objectName() == "verifyProblems" and not table.isHidden()
    assert [table.item(0, c).text() for c in range(4)] == [
        "altered-object",
        "#3",
        "",
        "SHA-256 differs",
    ]
    assert not dialog.notes.isHidden()

    intact = VerifyResultDialog(VerifyReport(), read_only=False)
    qtbot.addWidget(intact)
    assert intact.banner.text() == "✔ INTACT" and INTACT_COLOUR in intact.banner.styleSheet()
    assert intact.problems.isHidden() and intact.notes.isHidden()
    assert intact.details.text().endswith("This verification was recorded in the custody log.")
