"""The case window's actions, menus, toolbar and context menus, and their translated texts.

Built once by :class:`~app.gui.main_window.MainWindow` (``build_actions`` then
``build_menus``) onto the window itself, so actions keep their names (``window.act_tag``,
``window.menu_file``…) and their window-wide shortcuts. The texts keep the ``MainWindow``
translation context they had before the split.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from app.gui.evidence_view import EvidencePane

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow


def make_action(
    window: QMainWindow,
    name: str,
    shortcut: QKeySequence | str | None = None,
    slot: Callable[[], object] | None = None,
) -> QAction:
    """A window-wide action named ``name`` (its objectName), with a shortcut and a slot."""
    action = QAction(window)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if callable(slot):
        action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def build_actions(w: MainWindow) -> None:
    """Every action of the case window, as ``w.act_*``: one line per action with its
    objectName, shortcut and slot."""
    K = QKeySequence.StandardKey
    act = make_action
    w.act_new = act(w, "actNewCase", QKeySequence(K.New), w.new_case_requested.emit)
    w.act_open = act(w, "actOpenCase", QKeySequence(K.Open), w.open_case_requested.emit)
    w.act_close = act(w, "actCloseCase", "Ctrl+W", w.close_case_requested.emit)
    w.act_import_files = act(w, "actImportFiles", "Ctrl+I", w.imports.open_files_dialog)
    w.act_import_folder = act(w, "actImportFolder", "Ctrl+Shift+I", w.imports.open_folder_dialog)
    w.act_quit = act(w, "actQuit", QKeySequence(K.Quit), w.close)
    w.act_capture_full = act(
        w, "actCaptureFull", "Ctrl+Shift+1", lambda: w.captures.start("full-screen")
    )
    w.act_capture_window = act(
        w, "actCaptureWindow", "Ctrl+Shift+2", lambda: w.captures.start("window")
    )
    w.act_capture_region = act(
        w, "actCaptureRegion", "Ctrl+Shift+3", lambda: w.captures.start("region")
    )
    w.act_tag = act(w, "actTag", "Ctrl+T", w.tag_selection)
    w.act_untag = act(w, "actUntag", "Ctrl+Shift+T", w.untag_selection)
    w.act_note = act(w, "actNote", "Ctrl+Shift+N", w.focus_note)
    w.act_copy_hash = act(w, "actCopyHash", "Ctrl+Shift+C", w.copy_hashes)
    w.act_select_all = act(w, "actSelectAll", QKeySequence(K.SelectAll), w.evidence.select_all)
    w.act_find = act(w, "actFind", QKeySequence(K.Find), w.focus_filter)
    w.act_grid = act(w, "actGrid", "Ctrl+1", lambda: w.show_evidence(EvidencePane.GRID))
    w.act_table = act(w, "actTable", "Ctrl+2", lambda: w.show_evidence(EvidencePane.TABLE))
    w.act_log = act(w, "actLog", "Ctrl+3", w.show_custody_log)
    for checkable in (w.act_grid, w.act_table):
        checkable.setCheckable(True)
    w.act_grid.setChecked(True)
    group = QActionGroup(w)
    group.addAction(w.act_grid)
    group.addAction(w.act_table)
    w.act_inspector = w.inspector_dock.toggleViewAction()
    w.act_inspector.setShortcut(QKeySequence("Ctrl+Shift+D"))
    w.act_refresh = act(w, "actRefresh", QKeySequence(K.Refresh), lambda: w._case_changed(None))
    w.act_verify = act(w, "actVerify", "Ctrl+Shift+V", w.verify_case)
    w.act_settings = act(w, "actSettings", "Ctrl+,", w.settings_requested.emit)
    w.act_export = act(w, "actExport", "Ctrl+E", w.export_bundle)
    w.act_compare_item = act(w, "actCompareItem", None, w.compare_current)


def build_menus(w: MainWindow) -> None:
    """The menu bar (File, Edit, Capture, View, Case), the main toolbar and the evidence
    views' context menus, from the actions ``build_actions`` made."""
    bar = w.menuBar()
    w.menu_file = QMenu(w)
    w.menu_file.addActions([w.act_new, w.act_open, w.act_close])
    w.menu_file.addSeparator()
    w.menu_file.addActions([w.act_import_files, w.act_import_folder])
    w.menu_file.addSeparator()
    w.menu_file.addAction(w.act_export)
    w.menu_file.addSeparator()
    w.menu_file.addActions([w.act_settings, w.act_quit])
    w.menu_edit = QMenu(w)
    w.menu_edit.addActions([w.act_tag, w.act_untag, w.act_note])
    w.menu_edit.addSeparator()
    w.menu_edit.addActions([w.act_copy_hash, w.act_select_all, w.act_find])
    w.menu_capture = QMenu(w)
    w.menu_capture.addActions([w.act_capture_full, w.act_capture_window, w.act_capture_region])
    w.menu_view = QMenu(w)
    w.menu_view.addActions([w.act_grid, w.act_table, w.act_log])
    w.menu_view.addSeparator()
    w.menu_view.addActions([w.act_inspector, w.act_refresh])
    w.menu_case = QMenu(w)
    w.menu_case.addActions([w.act_verify, w.act_compare_item])
    for menu in (w.menu_file, w.menu_edit, w.menu_capture, w.menu_view, w.menu_case):
        bar.addMenu(menu)
    w.toolbar = QToolBar(w)
    w.toolbar.setObjectName("mainToolbar")
    w.toolbar.setMovable(False)
    w.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    w.toolbar.addActions([w.act_import_files, w.act_capture_region])
    w.toolbar.addSeparator()
    w.toolbar.addActions([w.act_tag, w.act_grid, w.act_table])
    w.toolbar.addSeparator()
    w.toolbar.addActions([w.act_verify])
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, w.toolbar)
    for view in (w.evidence.grid, w.evidence.table):
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addActions([w.act_tag, w.act_untag, w.act_note, w.act_copy_hash, w.act_compare_item])


def retranslate_actions(w: MainWindow) -> None:
    """Texts, tooltips (with the shortcut), toolbar labels and menu titles."""
    texts = {
        w.act_new: QCoreApplication.translate("MainWindow", "&New case…"),
        w.act_open: QCoreApplication.translate("MainWindow", "&Open case…"),
        w.act_close: QCoreApplication.translate("MainWindow", "&Close case"),
        w.act_import_files: QCoreApplication.translate("MainWindow", "&Import files…"),
        w.act_import_folder: QCoreApplication.translate("MainWindow", "Import &folder…"),
        w.act_quit: QCoreApplication.translate("MainWindow", "&Quit"),
        w.act_capture_full: QCoreApplication.translate("MainWindow", "Capture &full screen"),
        w.act_capture_window: QCoreApplication.translate("MainWindow", "Capture a &window"),
        w.act_capture_region: QCoreApplication.translate("MainWindow", "Capture a &region…"),
        w.act_tag: QCoreApplication.translate("MainWindow", "&Tag selected…"),
        w.act_untag: QCoreApplication.translate("MainWindow", "&Remove a tag…"),
        w.act_note: QCoreApplication.translate("MainWindow", "Add &note"),
        w.act_copy_hash: QCoreApplication.translate("MainWindow", "&Copy SHA-256"),
        w.act_select_all: QCoreApplication.translate("MainWindow", "Select &all"),
        w.act_find: QCoreApplication.translate("MainWindow", "&Find…"),
        w.act_grid: QCoreApplication.translate("MainWindow", "&Grid"),
        w.act_table: QCoreApplication.translate("MainWindow", "&Table"),
        w.act_log: QCoreApplication.translate("MainWindow", "Custody &log"),
        w.act_inspector: QCoreApplication.translate("MainWindow", "&Inspector"),
        w.act_refresh: QCoreApplication.translate("MainWindow", "Re&fresh"),
        w.act_verify: QCoreApplication.translate("MainWindow", "&Verify case…"),
        w.act_settings: QCoreApplication.translate("MainWindow", "&Settings…"),
        w.act_export: QCoreApplication.translate("MainWindow", "&Export court bundle…"),
        w.act_compare_item: QCoreApplication.translate("MainWindow", "Compare with &works"),
    }
    for action, text in texts.items():
        action.setText(text)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        plain = text.replace("&", "").removesuffix("…")
        action.setToolTip(f"{plain} ({keys})" if keys else plain)
    w.act_capture_region.setIconText(QCoreApplication.translate("MainWindow", "Capture region"))
    w.act_import_files.setIconText(QCoreApplication.translate("MainWindow", "Import"))
    w.act_tag.setIconText(QCoreApplication.translate("MainWindow", "Tag"))
    w.act_verify.setIconText(QCoreApplication.translate("MainWindow", "Verify"))
    w.menu_file.setTitle(QCoreApplication.translate("MainWindow", "&File"))
    w.menu_edit.setTitle(QCoreApplication.translate("MainWindow", "&Edit"))
    w.menu_capture.setTitle(QCoreApplication.translate("MainWindow", "&Capture"))
    w.menu_view.setTitle(QCoreApplication.translate("MainWindow", "&View"))
    w.menu_case.setTitle(QCoreApplication.translate("MainWindow", "C&ase"))
