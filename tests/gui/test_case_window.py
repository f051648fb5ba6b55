"""The case window on real cases: open, import, tag, filter, inspect, verify, log."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from app.core import custody, items
from app.core.case import Case
from app.core.items import ItemFilter
from app.gui.evidence_view import EvidencePane
from tests.core.helpers import png_bytes, write
from tests.gui.helpers import REPO, build_case, wait_idle


def _open(controller: object, qtbot: QtBot, path: Path) -> object:
    assert controller.open_case(path)  # type: ignore[attr-defined]
    window = controller.window  # type: ignore[attr-defined]
    assert window is not None
    qtbot.waitExposed(window)
    wait_idle(qtbot, window)
    return window


def _actions(path: Path, action: str) -> int:
    with Case.open(path, read_only=True) as case:
        return sum(1 for e in custody.iter_events(case.conn) if e.action == action)


def test_opening_a_case_shows_its_items_grid_thumbnails_and_status(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    assert window.model.rowCount() == 6
    assert window.evidence.stack.currentWidget() is window.evidence.grid
    assert "6" in window.status_items.text()
    assert "6 pending" in window.status_pending.text()
    assert "GUI test case" in window.status_case.text()
    # Thumbnails were decoded off the GUI thread and are now real pictures, not placeholders.
    summary = window.model.summary(0)
    qtbot.waitUntil(
        lambda: window.thumbnails.pixmap(summary.sha256, summary.media_type) is not None
    )
    pixmap = window.thumbnails.pixmap(summary.sha256, summary.media_type)
    assert (pixmap.width(), pixmap.height()) == (96, 72)  # small originals are never enlarged
    assert not controller.start.isVisible()


def test_import_through_the_files_dialog_adds_new_items_and_counts_duplicates(
    controller: object, qtbot: QtBot, case_path: Path, tmp_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    folder = tmp_path / "incoming"
    write(folder / "new-1.png", png_bytes("orange", (40, 30)))
    write(folder / "new-2.png", png_bytes("teal", (40, 30)))
    write(folder / "dup.png", png_bytes((50, 90, 160), size=(96, 72)))  # the bytes of item 2

    dialog = window.imports.open_files_dialog()
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    dialog.setDirectory(str(folder))
    dialog.selectFile('"new-1.png" "new-2.png" "dup.png"')
    dialog.accept()
    qtbot.waitUntil(lambda: window.imports.last_summary is not None, timeout=20000)
    wait_idle(qtbot, window)

    summary = window.imports.last_summary
    assert len(summary.imported) == 2
    assert [d["id"] for d in summary.duplicates] == [2]
    assert summary.refused == []
    assert window.model.rowCount() == 8
    assert "8" in window.status_items.text()
    assert window.imports.summary_dialog.isVisible()
    assert "2 new item" in window.imports.summary_dialog.headline.text()


def test_import_through_the_folder_dialog_lists_unreadable_entries_with_reasons(
    controller: object, qtbot: QtBot, case_path: Path, tmp_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    folder = tmp_path / "shots"
    write(folder / "a.png", png_bytes("orange", (40, 30)))
    (folder / "gone.png").symlink_to(folder / "no-such-file.png")

    dialog = window.imports.open_folder_dialog()
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(str(folder))
    dialog.accept()
    qtbot.waitUntil(lambda: window.imports.last_summary is not None, timeout=20000)

    summary = window.imports.last_summary
    assert len(summary.imported) == 1
    assert [Path(r["path"]).name for r in summary.refused] == ["gone.png"]
    shown = window.imports.summary_dialog
    assert shown.refused.rowCount() == 1
    assert "points nowhere" in shown.refused.item(0, 1).text()


def test_dropped_files_import_and_unreadable_ones_are_listed_with_reasons(
    controller: object, qtbot: QtBot, case_path: Path, tmp_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    good = write(tmp_path / "drop" / "good.png", png_bytes("purple", (30, 30)))
    pipe = tmp_path / "drop" / "a-pipe"
    os.mkfifo(pipe)
    dangling = tmp_path / "drop" / "dangling.png"
    dangling.symlink_to(tmp_path / "nowhere.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (good, pipe, dangling)])
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.imports.last_summary is not None, timeout=20000)
    summary = window.imports.last_summary
    assert [Path(str(e["source"])).name for e in summary.imported] == ["good.png"]
    reasons = {Path(r["path"]).name: r["reason"] for r in summary.refused}
    assert set(reasons) == {"a-pipe", "dangling.png"}
    assert "not a regular file" in reasons["a-pipe"]
    assert "points nowhere" in reasons["dangling.png"]


def test_tagging_a_multi_selection_goes_through_the_core_and_is_logged(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    before = _actions(case_path, "item.tagged")
    window.evidence.select_all()
    assert len(window.evidence.selected_ids()) == 6
    dialog = window.tag_selection()
    assert dialog is not None
    dialog.tag.setEditText("group A")
    dialog.accept()
    wait_idle(qtbot, window)
    assert _actions(case_path, "item.tagged") == before + 6
    assert all("group A" in window.model.summary(r).tags for r in range(6))
    assert "group A" in window.evidence.filter_bar.tag.itemText(
        window.evidence.filter_bar.tag.findText("group A")
    )


def test_removing_a_tag_from_the_inspector_chip_is_logged(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    window.evidence.select_item(2)
    assert "ultraman" in window.inspector.tag_chips.text()
    window.inspector._chip_clicked("untag:ultraman")
    wait_idle(qtbot, window)
    assert "ultraman" not in window.inspector.tag_chips.text()
    assert _actions(case_path, "item.untagged") == 1
    row = window.model.row_of(2)
    assert window.model.summary(row).tags == ()


def test_filter_bar_narrows_the_grid_by_tag_text_and_kind(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    bar = window.evidence.filter_bar
    bar.tag.setEditText("ultraman")
    bar.apply_now()
    assert window.model.rowCount() == 2
    assert "2 of" in window.status_items.text() or window.model.total == 2
    bar.tag.setEditText("")
    bar.search.setText("奥特曼")  # matches the Chinese prompt of item 1 and the tag of item 3
    bar.apply_now()
    assert sorted(window.model.summary(r).id for r in range(window.model.rowCount())) == [1, 3]
    bar.search.setText("result/5")  # a source URL
    bar.apply_now()
    assert [window.model.summary(r).id for r in range(window.model.rowCount())] == [5]
    bar.clear()
    bar.kind.setCurrentIndex(bar.kind.findData("screenshot"))
    assert window.model.rowCount() == 0
    assert window.evidence.stack.currentWidget() is window.evidence.empty_label
    bar.clear()
    assert window.model.rowCount() == 6
    bar.attested.setCurrentIndex(bar.attested.findData(True))
    assert window.model.item_filter == ItemFilter(attested=True)
    assert window.model.rowCount() == 0  # nothing is attested until trusted time runs


def test_table_view_sorts_by_a_column_through_sql(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    window.show_evidence(EvidencePane.TABLE)
    assert window.evidence.stack.currentWidget() is window.evidence.table
    window.evidence.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert window.model.summary(0).id == 6
    window.evidence.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # tags
    first_tags = [window.model.summary(r).tags for r in range(3)]
    assert first_tags == [("ultraman",), ("ultraman",), ("奥特曼",)]


def test_inspector_shows_the_a1111_prompt_with_chinese_and_hashes(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    assert window.evidence.select_item(1)
    values = window.inspector.current_values()
    assert values["prompt"] == "生成奥特曼, ultraman standing in the rain, masterpiece"
    assert values["negative_prompt"] == "模糊, lowres, watermark"
    with Case.open(case_path, read_only=True) as case:
        assert values["sha256"] == items.get_item(case, 1).sha256
    assert "AUTOMATIC1111" in window.inspector.generator_label.text()
    assert "1234567" in window.inspector.prov_details.text()  # the seed
    assert "none found" in window.inspector.prov_details.text()  # C2PA absent, said so
    wait_idle(qtbot, window)
    assert window.inspector.preview.view.has_image()
    assert window.inspector.events_view.model().rowCount() >= 2  # added + tagged
    window.inspector.sha256.copy_to_clipboard()
    assert QApplication.clipboard().text() == values["sha256"]
    # An item with no generator metadata says so instead of showing blanks.
    window.evidence.select_item(4)
    assert window.inspector.prompt_edit.toPlainText() == ""
    assert "none found" in window.inspector.generator_label.text()


def test_adding_a_note_from_the_inspector_is_logged_and_shown(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    window.evidence.select_item(3)
    window.inspector.note_edit.setPlainText("Seen on the platform's home page, 第一页.")
    window.inspector.add_note_from_input()
    wait_idle(qtbot, window)
    assert "第一页" in window.inspector.notes_label.text()
    assert window.inspector.note_edit.toPlainText() == ""
    assert _actions(case_path, "item.note-added") == 1


def test_verify_shows_intact_then_broken_after_an_object_is_altered(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    window.verify_case()
    qtbot.waitUntil(lambda: window.verification.last_report is not None, timeout=20000)
    dialog = window.verification.result_dialog
    assert window.verification.last_report.intact
    assert "INTACT" in dialog.banner.text()
    assert dialog.problems.rowCount() == 0
    dialog.close()

    with Case.open(case_path, read_only=True) as case:
        target = case.objects.path_for(items.get_item(case, 2).sha256)
    os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
    target.write_bytes(target.read_bytes() + b"tampered")
    window.verification.last_report = None
    window.verify_case()
    qtbot.waitUntil(lambda: window.verification.last_report is not None, timeout=20000)
    dialog = window.verification.result_dialog
    assert not window.verification.last_report.intact
    assert "BROKEN" in dialog.banner.text()
    codes = [dialog.problems.item(r, 0).text() for r in range(dialog.problems.rowCount())]
    assert "altered-object" in codes
    row = codes.index("altered-object")
    assert dialog.problems.item(row, 1).text() == "#2"
    assert _actions(case_path, "case.verified") == 2


def test_custody_log_viewer_pages_through_events_and_shows_payload(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    window = _open(controller, qtbot, case_path)
    window.custody.model.batch_size = 4
    window.custody.model.reload()
    assert window.custody.model.rowCount() == 4
    total = window.custody.model.total
    assert total > 4
    window.show_custody_log()
    window.custody.go_to_end()
    assert window.custody.model.rowCount() == total
    window.custody.table.selectRow(0)
    assert "case.created" in window.custody.detail.toPlainText()
    assert "prev" in window.custody.detail.toPlainText().lower()


def test_new_case_from_the_start_screen_opens_and_is_remembered(
    controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    controller.show_start()
    dialog = controller.start.ask_new_case()
    dialog.title.setText("Matter 42")
    dialog.folder.setText(str(tmp_path))
    dialog.operator.setText("Bob")
    dialog.accept()
    assert controller.window is not None
    assert controller.window.session.path == tmp_path / "Matter 42.proofshot"
    controller.close_case()
    assert controller.start.isVisible()
    assert "Matter 42" in controller.start.recent.item(0).text()


def test_a_big_case_is_fetched_in_pages_not_all_at_once(
    controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    path = build_case(tmp_path / "Pages.proofshot", count=30)
    window = _open(controller, qtbot, path)
    window.model.batch_size = 8
    window.model.reload()
    assert window.model.rowCount() == 8 and window.model.total == 30
    assert window.model.canFetchMore()
    window.model.fetchMore()
    assert window.model.rowCount() == 16
    assert window.evidence.select_item(29)  # fetches until reached
    assert window.inspector.item.id == 29


def test_proofshot_with_a_case_argument_opens_the_case_window(case_path: Path) -> None:
    # A separate process: after QApplication.exec() returns, Qt stops delivering timers to
    # that application, which would starve every later test sharing pytest-qt's instance.
    code = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.__main__ import main\n"
        "from app.gui.main_window import MainWindow\n"
        "def look():\n"
        "    for w in QApplication.topLevelWidgets():\n"
        "        if isinstance(w, MainWindow) and w.isVisible():\n"
        "            print('WINDOW', w.windowTitle(), w.model.rowCount(), flush=True)\n"
        "            w.close()\n"
        "    QApplication.quit()\n"
        "app = QApplication(sys.argv[:1])  # run_gui reuses it\n"
        "QTimer.singleShot(500, look)\n"
        "sys.exit(main([sys.argv[1]]))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(case_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "WINDOW GUI test case — Proofshot 6" in result.stdout


def test_keyboard_shortcuts_switch_views_and_open_the_tag_dialog(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    from PySide6.QtWidgets import QDialog

    window = _open(controller, qtbot, case_path)
    with warnings.catch_warnings():  # deprecated, but offscreen activates nothing itself
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)
    assert QApplication.activeWindow() is window  # window shortcuts fire only there
    window.evidence.grid.setFocus()
    qtbot.keyClick(window.evidence.grid, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.evidence.stack.currentWidget() is window.evidence.table
    qtbot.keyClick(window.evidence.grid, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.evidence.stack.currentWidget() is window.evidence.grid
    window.evidence.select_item(3)
    qtbot.keyClick(window.evidence.grid, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialogs = [d for d in window.findChildren(QDialog) if d.objectName() == "tagDialog"]
    assert dialogs and dialogs[0].isVisible()
    dialogs[0].reject()
    qtbot.keyClick(window.evidence.grid, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.workspaces.currentWidget() is window.custody


def test_grid_folds_fetched_pages_into_rows_that_follow_the_width(
    controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    path = build_case(tmp_path / "Fold.proofshot", count=30)
    window = _open(controller, qtbot, path)
    grid = window.evidence.grid_model
    window.model.batch_size = 8
    window.model.reload()
    grid.set_columns(3)
    assert (grid.rowCount(), grid.columnCount()) == (3, 3)  # 8 items: 3 + 3 + 2
    assert grid.source_row(grid.index(2, 2)) is None  # the empty cell of the last row
    assert not grid.flags(grid.index(2, 2))
    grid.fetchMore()
    fetched = window.model.rowCount()  # the view may have asked for more pages itself
    assert fetched >= 16 and grid.rowCount() == -(-fetched // 3)
    assert grid.summary_at(grid.index(5, 0)).id == 16
    window.evidence.select_item(10)
    grid.set_columns(5)  # a wider window: the selection survives the new layout
    assert window.evidence.selected_ids() == [10]
    assert grid.rowCount() == -(-window.model.rowCount() // 5)
    window.evidence.grid.resize(2000, 600)
    qtbot.waitUntil(lambda: grid.columns > 5)
    assert window.evidence.selected_ids() == [10]


@pytest.mark.qt_log_ignore(
    r"This plugin does not support",
    r"QRhiGles2",
    r"Failed to create RHI",
    r"GPUInfo not initialized",
    r"Vulkan",
    r"GBM",
    r"remote-allow-origins",
)  # Chromium without a GPU in the test machine, not the window
def test_capture_compare_and_campaign_tabs_are_wired_and_the_browser_starts_only_when_shown(
    controller: object, qtbot: QtBot, case_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    for flag in ("--no-sandbox", "--disable-gpu"):  # Chromium refuses its sandbox as root
        if flag not in flags.split():
            flags = f"{flags} {flag}".strip()
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", flags)
    window = _open(controller, qtbot, case_path)
    titles = [window.workspaces.tabText(i) for i in range(window.workspaces.count())]
    assert titles == [
        "Evidence",
        "Custody log",
        "Capture",
        "Compare",
        "Campaigns",
        "Study review",
        "Duties",
    ]
    assert window.capture.workspace is None  # no Chromium for the first screen
    window.evidence.select_item(2)
    window.act_compare_item.trigger()
    assert window.workspaces.currentWidget() is window.compare
    window.workspaces.setCurrentWidget(window.capture)
    qtbot.waitUntil(lambda: window.capture.workspace is not None, timeout=30000)
    assert window.capture.workspace.parent() is window.capture
    wait_idle(qtbot, window)
    controller.close_case(show_start=False)
    assert window.capture.workspace is None  # shut down before the session closed
