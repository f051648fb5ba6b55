"""ChartEditor: the element chart of one compared pair -- numbered regions, a title, saving.

Split out of :class:`~app.gui.compare.workspace.CompareWorkspace` along its seam. A chart is
demonstrative: numbered region pairs (rectangle, ellipse or arrow on each picture) with a
description, saved beside the evidence through ``session.write`` with
:func:`app.compare.works.save_chart` and logged; a new save supersedes the pair's previous
chart. The editor reads the pair's latest chart from the session's read-only ``view``, keeps
unsaved edits of a pair it leaves (restored when the pair comes back), and never draws: it
announces the elements (:attr:`elements_changed`) and the marking tool
(:attr:`marking_changed`) for the pictures' owner, and takes dragged regions back through
:meth:`add_region`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.compare import works as works_mod
from app.compare.case_matching import PairRequest, chart_metrics
from app.core.errors import ProofshotError
from app.gui.compare.elements import DESCRIPTION, ElementModel
from app.gui.compare.views import SHAPES
from app.gui.messages import status_text

Draft = tuple[str, list[dict[str, Any]], int | None]  # title, elements, chart it revises


class ChartEditor(QGroupBox):
    """Elements table, shape and marking tools, title and the save button for one pair."""

    elements_changed = Signal(list, object)  # the elements, the selected row (or None)
    marking_changed = Signal(bool, str)  # marking on, the shape to draw
    side_view_wanted = Signal()  # marking needs the side-by-side view
    saved = Signal(int)  # the new chart's id
    failed = Signal(str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartEditor")
        self.session = session
        self._request: PairRequest | None = None
        self._record: dict[str, Any] | None = None
        self._chart_id: int | None = None
        self._dirty = False
        self._drafts: dict[tuple[int, int], Draft] = {}
        self._loading_chart = False
        self._closed = False
        self.busy_saving = False
        self._build()
        self.retranslate_ui()
        self.destroyed.connect(self._mark_closed)

    def _build(self) -> None:
        self.title_label = QLabel(self)
        self.title_edit = QLineEdit(self)
        self.title_edit.textEdited.connect(lambda _: self._set_dirty(True))
        self.new_element_button = QPushButton(self)
        self.shape_combo = QComboBox(self)
        for shape in SHAPES:
            self.shape_combo.addItem("", shape)
        self.shape_combo.currentIndexChanged.connect(self._marking_changed)
        self.mark_button = QToolButton(self)
        self.mark_button.setCheckable(True)
        self.mark_button.toggled.connect(self._marking_changed)
        self.delete_element_button = QPushButton(self)
        self.element_model = ElementModel(self)
        self.element_table = QTableView(self)
        self.element_table.setModel(self.element_model)
        self.element_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.element_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.element_table.verticalHeader().setVisible(False)
        self.element_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.element_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.element_table.setMinimumHeight(110)
        self.demonstrative_note = QLabel(self)
        self.demonstrative_note.setWordWrap(True)
        self.demonstrative_note.setStyleSheet("color: palette(mid);")
        # Wrapped labels in a splitter can be squeezed below their text: keep three lines.
        self.demonstrative_note.setMinimumHeight(
            self.demonstrative_note.fontMetrics().lineSpacing() * 3 + 4
        )
        self.save_button = QPushButton(self)
        self.save_button.setDefault(False)
        self.chart_status = QLabel(self)
        self.chart_status.setWordWrap(True)
        element_tools = QGridLayout()
        element_tools.addWidget(self.new_element_button, 0, 0)
        element_tools.addWidget(self.delete_element_button, 0, 1)
        element_tools.addWidget(self.mark_button, 1, 0)
        element_tools.addWidget(self.shape_combo, 1, 1)
        element_tools.setColumnStretch(2, 1)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title_label)
        title_row.addWidget(self.title_edit, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.chart_status, 1)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(title_row)
        layout.addLayout(element_tools)
        layout.addWidget(self.element_table, 1)
        layout.addWidget(self.demonstrative_note)
        layout.addLayout(save_row)

        self.new_element_button.clicked.connect(lambda: self.new_element())
        self.delete_element_button.clicked.connect(self.delete_element)
        self.save_button.clicked.connect(self.save)
        self.element_model.elements_changed.connect(self._elements_changed)
        self.element_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._draw_elements()
        )
        self._update_actions()

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Comparison chart (demonstrative)"))
        self.title_label.setText(self.tr("Title:"))
        self.new_element_button.setText(self.tr("New element"))
        self.new_element_button.setToolTip(
            self.tr("Add a numbered element; then drag on each picture to mark it")
        )
        self.mark_button.setText(self.tr("Mark on pictures"))
        self.mark_button.setToolTip(
            self.tr("Drag on the original or the output to mark the selected element's region")
        )
        for i, text in enumerate((self.tr("Rectangle"), self.tr("Ellipse"), self.tr("Arrow"))):
            self.shape_combo.setItemText(i, text)
        self.delete_element_button.setText(self.tr("Delete element"))
        self.demonstrative_note.setText(
            self.tr(
                "Demonstrative: saved beside the evidence and logged; the images are never "
                "changed. Saving again makes a new version; the earlier one stays in the log."
            )
        )
        self.save_button.setText(self.tr("Save chart"))

    def _mark_closed(self) -> None:
        self._closed = True

    # -- the pair -----------------------------------------------------------------------------

    def current_pair(self) -> tuple[int, int] | None:
        if self._request is None:
            return None
        return self._request.item_id, self._request.work_id

    def open_pair(self, request: PairRequest) -> None:
        """Show ``request``'s chart: its unsaved draft, else its latest saved chart, else none.

        Unsaved edits of the pair on screen are kept as a draft first.
        """
        self._stash_draft()
        self._request = request
        self._record = None
        key = (request.item_id, request.work_id)
        draft = self._drafts.pop(key, None)
        if draft is not None:
            title, elements, chart_id = draft
            dirty = True
        else:
            charts = works_mod.list_charts(
                self.session.view, item_id=request.item_id, work_id=request.work_id
            )
            chart = charts[-1] if charts else None
            chart_id = chart.id if chart else None
            title = chart.title if chart else self._default_title(request)
            elements = list(chart.elements) if chart else []
            dirty = False
        self._chart_id = chart_id
        self._loading_chart = True
        try:
            self.element_model.set_elements(elements)
        finally:
            self._loading_chart = False
        self.title_edit.setText(title)
        self.title_edit.setCursorPosition(0)
        self._set_dirty(dirty)
        self.chart_status.setStyleSheet("")
        self.chart_status.setText(
            self.tr("Chart {id}, saved.").format(id=chart_id)
            if chart_id is not None and not dirty
            else (self.tr("Unsaved changes.") if dirty else self.tr("No chart saved yet."))
        )
        self._draw_elements()

    def set_record(self, record: dict[str, Any] | None) -> None:
        """The pair's comparison arrived (its metrics go into a saved chart)."""
        self._record = record
        self._draw_elements()

    def _stash_draft(self) -> None:
        if self._request is not None and self._dirty:
            key = (self._request.item_id, self._request.work_id)
            self._drafts[key] = (
                self.title_edit.text(),
                self.element_model.elements(),
                self._chart_id,
            )

    def _default_title(self, request: PairRequest) -> str:
        return self.tr("Item #{item} compared with “{title}”").format(
            item=request.item_id, title=request.work_title
        )

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        if dirty:
            self.chart_status.setStyleSheet("")
            self.chart_status.setText(self.tr("Unsaved changes."))
        self._update_actions()

    def _update_actions(self) -> None:
        writable = not self.session.read_only
        ready = self._record is not None and self._request is not None
        self.save_button.setEnabled(writable and ready and self._dirty and not self.busy_saving)
        self.save_button.setToolTip(
            "" if writable else self.tr("The case is open read-only: charts cannot be saved.")
        )
        self.new_element_button.setEnabled(self._request is not None)
        self.delete_element_button.setEnabled(self._current_row() is not None)

    # -- elements -----------------------------------------------------------------------------

    def _current_row(self) -> int | None:
        index = self.element_table.currentIndex()
        return index.row() if index.isValid() else None

    def _elements_changed(self) -> None:
        if not self._loading_chart:
            self._set_dirty(True)
        self._draw_elements()

    def _draw_elements(self) -> None:
        self.elements_changed.emit(self.element_model.elements(), self._current_row())
        self._update_actions()

    def new_element(self, description: str = "") -> int:
        """Add an element, select it and start marking; returns its row."""
        row = self.element_model.add(description)
        self.element_table.setCurrentIndex(self.element_model.index(row, DESCRIPTION))
        self.side_view_wanted.emit()
        self.mark_button.setChecked(True)
        if not description:
            self.element_table.edit(self.element_model.index(row, DESCRIPTION))
        return row

    def delete_element(self) -> None:
        row = self._current_row()
        if row is not None:
            self.element_model.remove(row)

    def set_shape(self, shape: str) -> None:
        self.shape_combo.setCurrentIndex(self.shape_combo.findData(shape))

    def set_marking_enabled(self, enabled: bool) -> None:
        """Marking works only where both pictures are shown side by side."""
        if not enabled and self.mark_button.isChecked():
            self.mark_button.setChecked(False)
        self.mark_button.setEnabled(enabled)

    def _marking_changed(self, *_: object) -> None:
        self.marking_changed.emit(self.mark_button.isChecked(), self.shape_combo.currentData())

    def add_region(self, side: str, region: dict[str, Any]) -> None:
        """A region dragged on ``side``: for the selected element, or a new one."""
        row = self._current_row()
        if row is None:
            row = self.element_model.add()
            self.element_table.setCurrentIndex(self.element_model.index(row, DESCRIPTION))
        self.element_model.set_region(row, side, region)

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the chart of the pair on screen (a new record superseding the previous one).

        Returns False (and says why) when there is nothing to save or a description is missing.
        """
        request, record = self._request, self._record
        if request is None or record is None or self.session.read_only:
            return False
        elements = self.element_model.elements()
        try:
            works_mod.validate_elements(elements)
        except ProofshotError as exc:
            self._chart_error(exc)
            return False
        title = self.title_edit.text().strip() or self._default_title(request)
        metrics = chart_metrics(record)
        supersedes = self._chart_id
        actor = self.session.actor()
        self.busy_saving = True
        self._update_actions()

        def write(case: Any) -> int:
            return works_mod.save_chart(
                case,
                work_id=request.work_id,
                item_id=request.item_id,
                title=title,
                metrics=metrics,
                elements=elements,
                supersedes=supersedes,
                actor=actor,
            )

        def done(chart_id: int) -> None:
            self.busy_saving = False
            if self._closed:
                return
            if self.current_pair() == (request.item_id, request.work_id):
                self._chart_id = chart_id
                self._set_dirty(False)
                self.chart_status.setText(
                    self.tr("Saved as chart {id}, replacing chart {old}.").format(
                        id=chart_id, old=supersedes
                    )
                    if supersedes is not None
                    else self.tr("Saved as chart {id}.").format(id=chart_id)
                )
            self._update_actions()
            self.saved.emit(chart_id)

        def error(exc: BaseException) -> None:
            self.busy_saving = False
            if not self._closed:
                self._chart_error(exc)
                self._update_actions()

        self.session.write(
            write, done, error, changed_ids=[request.item_id], title="save comparison chart"
        )
        return True

    def _chart_error(self, exc: BaseException) -> None:
        text = status_text(exc)
        self.chart_status.setStyleSheet("color: #b71c1c;")
        self.chart_status.setText(text)
        self.failed.emit(text)
