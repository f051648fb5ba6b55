"""The case window: evidence workspace tabs, the inspector dock, menus, shortcuts, status bar.

The window composes parts and wires them together; each part lives in its own module and
gets only what it needs (the session, the model). Extra workspaces — the capture browser,
comparison boards — are added with :meth:`MainWindow.add_workspace` as further tabs.
"""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core import items as items_mod
from app.gui.attester import BackgroundAttester
from app.gui.campaigns import CampaignPanel
from app.gui.capture import CaptureFlow
from app.gui.compare import CompareWorkspace
from app.gui.custody_view import CustodyLogPane
from app.gui.duties import DutiesView
from app.gui.evidence_view import EvidencePane
from app.gui.icons import app_icon
from app.gui.import_flow import ImportFlow
from app.gui.inspector import Inspector
from app.gui.lazy import preload
from app.gui.messages import show_error
from app.gui.models import ItemTableModel
from app.gui.ocr_flow import BackgroundOcr
from app.gui.session import CaseSession
from app.gui.study import StudyReviewPanel
from app.gui.tag_dialog import TagDialog
from app.gui.thumbnails import ThumbnailCache
from app.gui.verify_view import VerifyFlow

PRELOAD_DELAY_MS = 1500
STATUS_REFRESH_MS = 1500  # while a job runs, counts in the status bar follow it this often


class LazyCaptureTab(QWidget):
    """Stands in for the capture browser until its tab is first shown.

    The browser (QtWebEngine, i.e. Chromium) costs hundreds of milliseconds and much memory
    to start; a case window that is only used for import and review never pays for it.
    """

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captureTab")
        self.session = session
        self.workspace: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure_built(self) -> QWidget:
        """Build the real capture workspace (once) and return it."""
        if self.workspace is None:
            from app.gui.browser.workspace import CaptureWorkspace  # heavy: QtWebEngine

            operator = self.session.actor() or self.session.view.operator or ""
            self.workspace = CaptureWorkspace(self.session, self, operator=operator)
            self.layout().addWidget(self.workspace)
        return self.workspace

    def showEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().showEvent(event)
        # Built from the event loop, not inside the tab switch that is showing us.
        if self.workspace is None:
            QTimer.singleShot(0, self, self._build_if_shown)

    def _build_if_shown(self) -> None:
        if self.isVisible() and not self.session.closed:
            self.ensure_built()

    def shutdown(self) -> None:
        """Stop recording and release the browser; a never-built tab has nothing to stop."""
        workspace, self.workspace = self.workspace, None
        if workspace is not None:
            workspace.shutdown()  # type: ignore[attr-defined]


class MainWindow(QMainWindow):
    close_case_requested = Signal()
    new_case_requested = Signal()
    open_case_requested = Signal()
    settings_requested = Signal()

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.session = session
        self.thumbnails = ThumbnailCache(session.pool, session.object_path, parent=self)
        self.model = ItemTableModel(session, self.thumbnails, parent=self)
        self.evidence = EvidencePane(self.model, self.thumbnails.side, self)
        self.custody = CustodyLogPane(session, self)
        self.inspector = Inspector(session, self)

        self.workspaces = QTabWidget(self)
        self.workspaces.setObjectName("workspaces")
        self.workspaces.setDocumentMode(True)
        self.workspaces.addTab(self.evidence, "")
        self.workspaces.addTab(self.custody, "")
        self.capture = LazyCaptureTab(session, self)
        self.compare = CompareWorkspace(session, self)
        self.campaigns = CampaignPanel(session.path, self, session=session)
        self.add_workspace(self.capture, "")
        self.add_workspace(self.compare, "")
        self.add_workspace(self.campaigns, "")
        self.study_review = StudyReviewPanel(session, self)
        self.add_workspace(self.study_review, "")
        self.duties = DutiesView(session, self)  # platform duties (issue #20)
        self.add_workspace(self.duties, "")
        self.workspaces.currentChanged.connect(
            lambda _: (
                self.duties.refresh() if self.workspaces.currentWidget() is self.duties else None
            )
        )
        self.setCentralWidget(self.workspaces)

        self.inspector_dock = QDockWidget(self)
        self.inspector_dock.setObjectName("inspectorDock")
        self.inspector_dock.setWidget(self.inspector)
        self.inspector_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector_dock)
        self.resizeDocks([self.inspector_dock], [460], Qt.Orientation.Horizontal)

        self.imports = ImportFlow(session, self)
        self.captures = CaptureFlow(session, self)
        self.verification = VerifyFlow(session, self)
        self.attester = BackgroundAttester(session, self)
        self.ocr = BackgroundOcr(session, self)  # screenshots' text, after import/capture

        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self.setAcceptDrops(True)

        self.evidence.current_changed.connect(self.inspector.show_item)
        self.evidence.selection_changed.connect(lambda ids: self._update_actions())
        self.custody.item_requested.connect(self.show_item)
        session.changed.connect(self._case_changed)
        self.imports.finished.connect(lambda _: self._case_changed(None))
        self.workspaces.currentChanged.connect(lambda _: self._update_actions())
        # The status bar says how many results a search found by a screenshot's OCR text.
        self.evidence.filter_bar.filter_changed.connect(lambda *_: self._update_status())
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self._tick)
        self._status_timer.start()
        # Once the first screen is up, import what import/verify/settings need, off-thread.
        QTimer.singleShot(PRELOAD_DELAY_MS, self, self._preload)
        # Keep the cyclic garbage collector off what is long-lived (widgets, fetched rows):
        # a full collection over it stalled the window for 60-110 ms during imports.
        self._freeze_timer = QTimer(self)
        self._freeze_timer.setSingleShot(True)
        self._freeze_timer.setInterval(0)
        self._freeze_timer.timeout.connect(gc.freeze)
        self.model.modelReset.connect(self._freeze_timer.start)
        self.model.rowsInserted.connect(self._freeze_timer.start)
        gc.freeze()

        self.evidence.filter_bar.set_tags(items_mod.all_tags(session.view))
        self.retranslate_ui()
        self._update_actions()
        self.resize(1360, 860)

    def _preload(self) -> None:
        if not self.session.closed:
            self.session.pool.run(preload, title="preload")

    # -- extension point ---------------------------------------------------------------------

    def add_workspace(self, widget: QWidget, title: str) -> int:
        """Add a workspace tab (the capture browser, comparison boards…); returns its index.

        The widget should answer ``QEvent.LanguageChange`` itself; re-set the title from its
        own ``retranslate_ui`` with ``set_workspace_title`` if it is translatable.
        """
        return self.workspaces.addTab(widget, title)

    def set_workspace_title(self, widget: QWidget, title: str) -> None:
        index = self.workspaces.indexOf(widget)
        if index >= 0:
            self.workspaces.setTabText(index, title)

    # -- actions ------------------------------------------------------------------------------

    def _action(
        self, name: str, shortcut: QKeySequence | str | None = None, slot: object = None
    ) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if callable(slot):
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_new = self._action("actNewCase", QKeySequence(K.New), self.new_case_requested.emit)
        self.act_open = self._action(
            "actOpenCase", QKeySequence(K.Open), self.open_case_requested.emit
        )
        self.act_close = self._action("actCloseCase", "Ctrl+W", self.close_case_requested.emit)
        self.act_import_files = self._action(
            "actImportFiles", "Ctrl+I", self.imports.open_files_dialog
        )
        self.act_import_folder = self._action(
            "actImportFolder", "Ctrl+Shift+I", self.imports.open_folder_dialog
        )
        self.act_quit = self._action("actQuit", QKeySequence(K.Quit), self.close)
        self.act_capture_full = self._action(
            "actCaptureFull", "Ctrl+Shift+1", lambda: self.captures.start("full-screen")
        )
        self.act_capture_window = self._action(
            "actCaptureWindow", "Ctrl+Shift+2", lambda: self.captures.start("window")
        )
        self.act_capture_region = self._action(
            "actCaptureRegion", "Ctrl+Shift+3", lambda: self.captures.start("region")
        )
        self.act_tag = self._action("actTag", "Ctrl+T", self.tag_selection)
        self.act_untag = self._action("actUntag", "Ctrl+Shift+T", self.untag_selection)
        self.act_note = self._action("actNote", "Ctrl+Shift+N", self.focus_note)
        self.act_copy_hash = self._action("actCopyHash", "Ctrl+Shift+C", self.copy_hashes)
        self.act_select_all = self._action(
            "actSelectAll", QKeySequence(K.SelectAll), self.evidence.select_all
        )
        self.act_find = self._action("actFind", QKeySequence(K.Find), self.focus_filter)
        self.act_grid = self._action(
            "actGrid", "Ctrl+1", lambda: self.show_evidence(EvidencePane.GRID)
        )
        self.act_table = self._action(
            "actTable", "Ctrl+2", lambda: self.show_evidence(EvidencePane.TABLE)
        )
        self.act_log = self._action("actLog", "Ctrl+3", self.show_custody_log)
        for act in (self.act_grid, self.act_table):
            act.setCheckable(True)
        self.act_grid.setChecked(True)
        group = QActionGroup(self)
        group.addAction(self.act_grid)
        group.addAction(self.act_table)
        self.act_inspector = self.inspector_dock.toggleViewAction()
        self.act_inspector.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.act_refresh = self._action(
            "actRefresh", QKeySequence(K.Refresh), lambda: self._case_changed(None)
        )
        self.act_verify = self._action("actVerify", "Ctrl+Shift+V", self.verify_case)
        self.act_settings = self._action("actSettings", "Ctrl+,", self.settings_requested.emit)
        self.act_export = self._action("actExport", "Ctrl+E", self.export_bundle)
        self.act_compare_item = self._action("actCompareItem", None, self.compare_current)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = QMenu(self)
        self.menu_file.addActions([self.act_new, self.act_open, self.act_close])
        self.menu_file.addSeparator()
        self.menu_file.addActions([self.act_import_files, self.act_import_folder])
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_export)
        self.menu_file.addSeparator()
        self.menu_file.addActions([self.act_settings, self.act_quit])
        self.menu_edit = QMenu(self)
        self.menu_edit.addActions([self.act_tag, self.act_untag, self.act_note])
        self.menu_edit.addSeparator()
        self.menu_edit.addActions([self.act_copy_hash, self.act_select_all, self.act_find])
        self.menu_capture = QMenu(self)
        self.menu_capture.addActions(
            [self.act_capture_full, self.act_capture_window, self.act_capture_region]
        )
        self.menu_view = QMenu(self)
        self.menu_view.addActions([self.act_grid, self.act_table, self.act_log])
        self.menu_view.addSeparator()
        self.menu_view.addActions([self.act_inspector, self.act_refresh])
        self.menu_case = QMenu(self)
        self.menu_case.addActions([self.act_verify, self.act_compare_item])
        for menu in (
            self.menu_file,
            self.menu_edit,
            self.menu_capture,
            self.menu_view,
            self.menu_case,
        ):
            bar.addMenu(menu)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.act_import_files, self.act_capture_region])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.act_tag, self.act_grid, self.act_table])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.act_verify])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.evidence.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.evidence.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for view in (self.evidence.grid, self.evidence.table):
            view.addActions(
                [
                    self.act_tag,
                    self.act_untag,
                    self.act_note,
                    self.act_copy_hash,
                    self.act_compare_item,
                ]
            )

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.status_case = QLabel(self)
        self.status_case.setObjectName("statusCase")
        self.status_items = QLabel(self)
        self.status_items.setObjectName("statusItems")
        self.status_pending = QLabel(self)
        self.status_pending.setObjectName("statusPending")
        self.status_mode = QLabel(self)
        self.status_mode.setObjectName("statusMode")
        self.status_job = QLabel(self)
        self.status_job.setObjectName("statusJob")
        status.addWidget(self.status_case, 1)
        status.addPermanentWidget(self.status_job)
        self.ocr.status_bar = status  # its progress and Cancel appear there while it runs
        status.addPermanentWidget(self.status_items)
        status.addPermanentWidget(self.status_pending)
        status.addPermanentWidget(self.status_mode)

    def _update_status(self) -> None:
        self.status_case.setText(
            self.tr("Case: {title} — {path}").format(
                title=self.session.title, path=self.session.path
            )
        )
        total = self.session.item_count()
        shown = self.model.total
        text = self.tr("%n item(s)", "", total)
        if shown != total:
            text = self.tr("{shown} of {text} shown").format(shown=shown, text=text)
        search = self.model.item_filter.text
        if search:
            from app.core.ocr import search_ids  # results found by a screenshot's OCR text

            found = len(search_ids(self.session.view, search))
            if found:
                text += " · " + self.tr("%n by text in the image (OCR)", "", found)
        self.status_items.setText(text)
        self.status_pending.setText(
            self.tr("%n pending attestation(s)", "", self.session.pending_attestations())
        )
        self.status_mode.setText(self.tr("READ-ONLY") if self.session.read_only else "")
        self.status_mode.setVisible(self.session.read_only)
        self.status_mode.setStyleSheet("color: #a50e0e; font-weight: bold")
        active = self.session.writer.active()
        self.status_job.setText(
            self.tr("Working: {task}").format(task=active[0].title) if active else ""
        )

    def _tick(self) -> None:
        if self.session.writer.busy or self.status_job.text():
            self._update_status()

    def _update_actions(self) -> None:
        writable = not self.session.read_only
        selected = bool(self.evidence.selected_ids())
        for act in (
            self.act_import_files,
            self.act_import_folder,
            self.act_capture_full,
            self.act_capture_window,
            self.act_capture_region,
        ):
            act.setEnabled(writable)
        self.act_tag.setEnabled(writable and selected)
        self.act_untag.setEnabled(writable and selected)
        self.act_note.setEnabled(writable and self.evidence.current_id() is not None)
        self.act_copy_hash.setEnabled(selected)
        self.act_compare_item.setEnabled(self.evidence.current_id() is not None)
        self.act_export.setEnabled(writable)

    # -- reacting to changes ---------------------------------------------------------------------

    def _case_changed(self, ids: object) -> None:
        if ids is None:
            current = self.evidence.current_id()
            self.model.reload()
            self.evidence.filter_bar.set_tags(items_mod.all_tags(self.session.view))
            if current is not None and not self.evidence.select_item(current):
                self.inspector.show_item(None)
        else:
            changed = set(ids) if isinstance(ids, set | list | tuple) else set()
            self.model.refresh_items(changed)
            self.evidence.filter_bar.set_tags(items_mod.all_tags(self.session.view))
            if self.inspector.item is not None and (
                not changed or self.inspector.item.id in changed
            ):
                self.inspector.refresh()
        self.custody.refresh()
        self._update_status()
        self._update_actions()

    # -- everyday actions ---------------------------------------------------------------------------

    def show_evidence(self, mode: int) -> None:
        self.workspaces.setCurrentWidget(self.evidence)
        self.evidence.set_mode(mode)
        (self.act_table if mode == EvidencePane.TABLE else self.act_grid).setChecked(True)

    def show_custody_log(self) -> None:
        self.custody.refresh()
        self.workspaces.setCurrentWidget(self.custody)

    def show_item(self, item_id: int) -> None:
        self.workspaces.setCurrentWidget(self.evidence)
        if not self.evidence.select_item(item_id):
            self.evidence.filter_bar.clear()
            self.evidence.select_item(item_id)

    def focus_filter(self) -> None:
        self.workspaces.setCurrentWidget(self.evidence)
        self.evidence.filter_bar.search.setFocus()
        self.evidence.filter_bar.search.selectAll()

    def focus_note(self) -> None:
        if self.inspector.item is None:
            return
        self.inspector_dock.show()
        self.inspector.scroll.ensureWidgetVisible(self.inspector.note_edit)
        self.inspector.note_edit.setFocus()

    def copy_hashes(self) -> None:
        lines = []
        for item_id in self.evidence.selected_ids():
            row = self.model.row_of(item_id)
            summary = self.model.summary(row) if row is not None else None
            if summary is not None:
                lines.append(f"{summary.sha256}  #{summary.id}")
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))
            self.statusBar().showMessage(
                self.tr("Copied %n SHA-256 hash(es).", "", len(lines)), 3000
            )

    def tag_selection(self) -> TagDialog | None:
        ids = self.evidence.selected_ids()
        if not ids or self.session.read_only:
            return None
        dialog = TagDialog(len(ids), items_mod.all_tags(self.session.view), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_tag(ids, dialog.value()))
        dialog.open()
        return dialog

    def untag_selection(self) -> TagDialog | None:
        ids = self.evidence.selected_ids()
        if not ids or self.session.read_only:
            return None
        present = sorted(
            {t for tags in items_mod.tags_by_item(self.session.view, ids).values() for t in tags}
        )
        if not present:
            self.statusBar().showMessage(self.tr("The selected items have no tags."), 3000)
            return None
        dialog = TagDialog(len(ids), present, remove=True, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_tag(ids, dialog.value(), remove=True))
        dialog.open()
        return dialog

    def apply_tag(self, ids: list[int], tag: str, *, remove: bool = False) -> None:
        """Tag (or untag) ``ids`` through the core on the writer thread; each change is logged."""
        if not tag or not ids:
            return
        actor = self.session.actor()
        fn = items_mod.remove_tag if remove else items_mod.add_tag

        def done(count: int) -> None:
            message = (
                self.tr("Removed “{tag}” from %n item(s).", "", count)
                if remove
                else self.tr("Tagged %n item(s) “{tag}”.", "", count)
            )
            self.statusBar().showMessage(message.format(tag=tag), 4000)

        self.session.write(
            lambda case: fn(case, ids, tag, actor=actor),
            done,
            lambda exc: show_error(self, self.tr("Tags not changed"), exc),
            changed_ids=ids,
            title="tag",
        )

    def verify_case(self) -> None:
        self.verification.start()

    def compare_current(self) -> None:
        """Open the current item on the comparison board next to the original works."""
        item_id = self.evidence.current_id()
        if item_id is None:
            return
        self.compare.show_item(item_id)
        self.workspaces.setCurrentWidget(self.compare)

    def export_bundle(self) -> QWidget | None:
        """The court-bundle export dialog (options, exhibit preview, background export)."""
        if self.session.read_only:
            return None
        from app.gui.export_dialog import ExportDialog

        dialog = ExportDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    # -- drag and drop ------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and not self.session.read_only:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.imports.import_paths(paths)

    # -- language and closing ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.setWindowTitle(
            self.tr("{title} — Proofshot").format(title=self.session.title)
            + (" " + self.tr("(read-only)") if self.session.read_only else "")
        )
        texts = {
            self.act_new: self.tr("&New case…"),
            self.act_open: self.tr("&Open case…"),
            self.act_close: self.tr("&Close case"),
            self.act_import_files: self.tr("&Import files…"),
            self.act_import_folder: self.tr("Import &folder…"),
            self.act_quit: self.tr("&Quit"),
            self.act_capture_full: self.tr("Capture &full screen"),
            self.act_capture_window: self.tr("Capture a &window"),
            self.act_capture_region: self.tr("Capture a &region…"),
            self.act_tag: self.tr("&Tag selected…"),
            self.act_untag: self.tr("&Remove a tag…"),
            self.act_note: self.tr("Add &note"),
            self.act_copy_hash: self.tr("&Copy SHA-256"),
            self.act_select_all: self.tr("Select &all"),
            self.act_find: self.tr("&Find…"),
            self.act_grid: self.tr("&Grid"),
            self.act_table: self.tr("&Table"),
            self.act_log: self.tr("Custody &log"),
            self.act_inspector: self.tr("&Inspector"),
            self.act_refresh: self.tr("Re&fresh"),
            self.act_verify: self.tr("&Verify case…"),
            self.act_settings: self.tr("&Settings…"),
            self.act_export: self.tr("&Export court bundle…"),
            self.act_compare_item: self.tr("Compare with &works"),
        }
        for action, text in texts.items():
            action.setText(text)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            plain = text.replace("&", "").removesuffix("…")
            action.setToolTip(f"{plain} ({keys})" if keys else plain)
        self.act_capture_region.setIconText(self.tr("Capture region"))
        self.act_import_files.setIconText(self.tr("Import"))
        self.act_tag.setIconText(self.tr("Tag"))
        self.act_verify.setIconText(self.tr("Verify"))
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_edit.setTitle(self.tr("&Edit"))
        self.menu_capture.setTitle(self.tr("&Capture"))
        self.menu_view.setTitle(self.tr("&View"))
        self.menu_case.setTitle(self.tr("C&ase"))
        self.workspaces.setTabText(self.workspaces.indexOf(self.evidence), self.tr("Evidence"))
        self.workspaces.setTabText(self.workspaces.indexOf(self.custody), self.tr("Custody log"))
        self.set_workspace_title(self.duties, self.tr("Duties"))
        self.set_workspace_title(self.capture, self.tr("Capture"))
        self.set_workspace_title(self.compare, self.tr("Compare"))
        self.set_workspace_title(self.campaigns, self.tr("Campaigns"))
        self.set_workspace_title(self.study_review, self.tr("Study review"))
        self.inspector_dock.setWindowTitle(self.tr("Inspector"))
        self.toolbar.setWindowTitle(self.tr("Main toolbar"))
        self._update_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._status_timer.stop()
        self._freeze_timer.stop()
        self.attester.stop()
        self.ocr.shutdown()
        # The workspaces stop their own work (recording, a running campaign) first: both
        # still write through the session, which must be open until they are done.
        self.capture.shutdown()
        self.campaigns.shutdown()
        self.session.close()
        gc.unfreeze()  # what this window kept alive may be collected again
        super().closeEvent(event)
