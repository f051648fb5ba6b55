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
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import items as items_mod
from app.gui.attester import BackgroundAttester
from app.gui.campaigns import CampaignPanel
from app.gui.compare import CompareWorkspace
from app.gui.custody_view import CustodyLogPane
from app.gui.duties import DutiesView
from app.gui.evidence_view import EvidencePane
from app.gui.icons import app_icon
from app.gui.import_flow import ImportFlow
from app.gui.inspector import Inspector
from app.gui.lazy import preload
from app.gui.main_actions import build_actions, build_menus, retranslate_actions
from app.gui.messages import show_error
from app.gui.models import ItemTableModel
from app.gui.ocr_flow import BackgroundOcr
from app.gui.screen_capture import CaptureFlow
from app.gui.session import CaseSession
from app.gui.status_bar import CaseStatusBar
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
        self._build_workspaces()
        self._build_inspector_dock()

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
        self._keep_gc_off_long_lived()

        self.evidence.filter_bar.set_tags(items_mod.all_tags(session.view))
        self.retranslate_ui()
        self._update_actions()
        self.resize(1360, 860)

    def _build_workspaces(self) -> None:
        """The central tabs: evidence, custody log, capture, compare, campaigns, study
        review, duties (titles are set by ``retranslate_ui``)."""
        self.workspaces = QTabWidget(self)
        self.workspaces.setObjectName("workspaces")
        self.workspaces.setDocumentMode(True)
        self.workspaces.addTab(self.evidence, "")
        self.workspaces.addTab(self.custody, "")
        self.capture = LazyCaptureTab(self.session, self)
        self.compare = CompareWorkspace(self.session, self)
        self.campaigns = CampaignPanel(self.session.path, self, session=self.session)
        self.add_workspace(self.capture, "")
        self.add_workspace(self.compare, "")
        self.add_workspace(self.campaigns, "")
        self.study_review = StudyReviewPanel(self.session, self)
        self.add_workspace(self.study_review, "")
        self.duties = DutiesView(self.session, self)  # platform duties (issue #20)
        self.add_workspace(self.duties, "")
        self.workspaces.currentChanged.connect(
            lambda _: (
                self.duties.refresh() if self.workspaces.currentWidget() is self.duties else None
            )
        )
        self.setCentralWidget(self.workspaces)

    def _build_inspector_dock(self) -> None:
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

    def _keep_gc_off_long_lived(self) -> None:
        """Keep the cyclic garbage collector off what is long-lived (widgets, fetched rows):
        a full collection over it stalled the window for 60-110 ms during imports."""
        self._freeze_timer = QTimer(self)
        self._freeze_timer.setSingleShot(True)
        self._freeze_timer.setInterval(0)
        self._freeze_timer.timeout.connect(gc.freeze)
        self.model.modelReset.connect(self._freeze_timer.start)
        self.model.rowsInserted.connect(self._freeze_timer.start)
        gc.freeze()

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

    # -- actions and status bar ----------------------------------------------------------------

    def _build_actions(self) -> None:
        build_actions(self)  # app.gui.main_actions: every act_* with its shortcut

    def _build_menus(self) -> None:
        build_menus(self)  # menus, main toolbar, the evidence views' context menus

    def _build_status_bar(self) -> None:
        self.status_bar = CaseStatusBar(
            self.statusBar(), self.session, self.model, self, self.count_text
        )
        bar = self.status_bar
        self.status_case, self.status_items = bar.case_label, bar.items_label
        self.status_pending, self.status_mode = bar.pending_label, bar.mode_label
        self.status_job = bar.job_label
        self.ocr.status_bar = self.statusBar()  # its progress and Cancel appear there
        bar.add_counts()

    def count_text(self, kind: str, n: int) -> str:
        """The status bar's plural texts, here so lupdate files their numerus forms in this
        window's context: "items", "pending" (attestations) or "ocr" (found by OCR text)."""
        if kind == "items":
            return self.tr("%n item(s)", "", n)
        if kind == "pending":
            return self.tr("%n pending attestation(s)", "", n)
        return self.tr("%n by text in the image (OCR)", "", n)

    def _update_status(self) -> None:
        self.status_bar.update()

    def _tick(self) -> None:
        self.status_bar.tick()

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
        retranslate_actions(self)
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
