"""The evidence pane: filter bar over a thumbnail grid and a sortable table of one model.

The grid is a ``QTableView`` over :class:`GridModel`, which folds the item list into rows of
as many cells as fit the width. A ``QListView`` in icon mode would lay out every cell again
after each fetched page — over 100 ms at 10,000 items — while a table of fixed-size rows
needs no layout at all. Both views read the same :class:`ItemTableModel`; the selection,
kept as item ids, follows from one view to the other when the mode changes.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.items import ItemSummary
from app.gui.filter_bar import FilterBar
from app.gui.icons import tag_colour
from app.gui.labels import kind_label
from app.gui.models import ITEM_ID_ROLE, ItemTableModel

Index = QModelIndex | QPersistentModelIndex

CELL_PADDING = 8
TEXT_LINES = 2
FAST_SCROLL_S = 0.1  # two scroll steps closer than this: the user is flinging
SETTLE_MS = 150


class GridModel(QAbstractTableModel):
    """``source`` rows laid out ``columns`` to a row; cell (r, c) is source row r*columns+c."""

    def __init__(self, source: ItemTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.source = source
        self.columns = 1
        self._count = source.rowCount()
        self._pending = (0, 0)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._reset_done)
        source.rowsAboutToBeInserted.connect(self._about_to_insert)
        source.rowsInserted.connect(self._inserted)
        source.dataChanged.connect(self._source_changed)

    # -- mapping ---------------------------------------------------------------------------------

    def source_row(self, index: Index) -> int | None:
        if not index.isValid():
            return None
        row = index.row() * self.columns + index.column()
        return row if row < self._count else None

    def index_for(self, source_row: int) -> QModelIndex:
        return self.index(source_row // self.columns, source_row % self.columns)

    def summary_at(self, index: Index) -> ItemSummary | None:
        row = self.source_row(index)
        return self.source.summary(row) if row is not None else None

    def set_columns(self, columns: int) -> None:
        columns = max(1, columns)
        if columns != self.columns:
            self.beginResetModel()
            self.columns = columns
            self.endResetModel()

    def _grid_rows(self, count: int) -> int:
        return math.ceil(count / self.columns)

    # -- following the source ----------------------------------------------------------------------

    def _reset_done(self) -> None:
        self._count = self.source.rowCount()
        self.endResetModel()

    def _about_to_insert(self, _parent: Index, first: int, last: int) -> None:
        old_rows = self._grid_rows(self._count)
        new_rows = self._grid_rows(self._count + last - first + 1)
        self._pending = (old_rows, new_rows)
        if new_rows > old_rows:
            self.beginInsertRows(QModelIndex(), old_rows, new_rows - 1)

    def _inserted(self, _parent: Index, first: int, last: int) -> None:
        old_rows, new_rows = self._pending
        partial = self._count % self.columns != 0
        self._count = self.source.rowCount()
        if new_rows > old_rows:
            self.endInsertRows()
        if partial and old_rows:
            self.dataChanged.emit(
                self.index(old_rows - 1, 0), self.index(old_rows - 1, self.columns - 1)
            )

    def _source_changed(self, top_left: Index, bottom_right: Index, roles: list[int] = ()) -> None:  # type: ignore[assignment]
        first = top_left.row() // self.columns
        last = bottom_right.row() // self.columns
        self.dataChanged.emit(self.index(first, 0), self.index(last, self.columns - 1), roles)

    # -- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else self._grid_rows(self._count)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.columns

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.source.canFetchMore()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self.source.fetchMore()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self.source_row(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.source_row(index)
        if row is None:
            return None
        return self.source.data(self.source.index(row, 0), role)


class ThumbnailDelegate(QStyledItemDelegate):
    """Paints a grid cell: thumbnail, item number and kind, tag colours, status marks.

    The cell's content is composed once into a pixmap and reused until its thumbnail, tags
    or status change, so a scroll step repaints each cell with one ``drawPixmap`` instead
    of some twenty drawing calls. It reads the grid model directly (plain Python calls),
    not through ``index.data``.
    """

    CACHE_CELLS = 400

    def __init__(self, grid: GridModel, side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.side = side
        self._cells: OrderedDict[tuple[Any, ...], QPixmap] = OrderedDict()
        self.highlight = QColor("#1a73e8")
        self.fast_scroll = False  # set by the view while it scrolls faster than cells compose

    def cell_size(self, metrics: QFontMetrics) -> QSize:
        return QSize(
            self.side + 2 * CELL_PADDING + 8,
            self.side + 2 * CELL_PADDING + TEXT_LINES * metrics.height() + 10,
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        return self.cell_size(QFontMetrics(option.font))

    def clear_cache(self) -> None:
        self._cells.clear()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        summary = self.grid.summary_at(index)
        if summary is None:
            return
        rect = option.rect.adjusted(3, 3, -3, -3)
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            tint = QColor(self.highlight)
            tint.setAlpha(70)
            painter.setPen(QPen(self.highlight, 2))
            painter.setBrush(tint)
            painter.drawRoundedRect(rect, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.alternateBase())
            painter.drawRoundedRect(rect, 6, 6)
        if self.fast_scroll:
            key = self._key(summary, rect.size(), option)
            cell = self._cells.get(key)
            if cell is None:  # no composing while the view flies past: the picture only
                thumb = self.grid.source.thumbnail(summary)
                if not thumb.isNull():
                    box = QRect((rect.width() - self.side) // 2, CELL_PADDING, self.side, self.side)
                    box.translate(rect.topLeft())
                    shown = thumb.size().boundedTo(box.size())
                    target = QRect(0, 0, shown.width(), shown.height())
                    target.moveCenter(box.center())
                    painter.drawPixmap(target, thumb)
                return
            painter.drawPixmap(rect.topLeft(), cell)
            return
        painter.drawPixmap(rect.topLeft(), self._cell(summary, rect.size(), option))

    def _key(
        self, summary: ItemSummary, size: QSize, option: QStyleOptionViewItem
    ) -> tuple[Any, ...]:
        source = self.grid.source
        widget = option.widget
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        return (summary.id, source.thumbnail(summary).cacheKey(), summary.tags, summary.withdrawn,
                source.status_of(summary.id), kind_label(summary.kind), size.width(),
                size.height(), ratio, option.palette.text().color().rgba())  # fmt: skip

    def _cell(self, summary: ItemSummary, size: QSize, option: QStyleOptionViewItem) -> QPixmap:
        source = self.grid.source
        thumb: QPixmap = source.thumbnail(summary)
        status = source.status_of(summary.id)
        title = f"#{summary.id}  {kind_label(summary.kind)}"
        widget = option.widget
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        key = self._key(summary, size, option)
        cell = self._cells.get(key)
        if cell is not None:
            self._cells.move_to_end(key)
            return cell
        cell = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
        cell.setDevicePixelRatio(ratio)
        cell.fill(Qt.GlobalColor.transparent)
        painter = QPainter(cell)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(option.font)
        width = size.width()
        box = QRect((width - self.side) // 2, CELL_PADDING, self.side, self.side)
        if not thumb.isNull():
            shown = thumb.size()
            if shown.width() > box.width() or shown.height() > box.height():
                shown = shown.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, shown.width(), shown.height())
            target.moveCenter(box.center())
            painter.drawPixmap(target, thumb)
            painter.setPen(QPen(QColor(0, 0, 0, 40)))
            painter.drawRect(target.adjusted(0, 0, -1, -1))
        if summary.withdrawn:
            painter.setPen(QPen(QColor("#c5221f"), 3))
            painter.drawLine(box.topLeft(), box.bottomRight())
        metrics = QFontMetrics(option.font)
        line_h = metrics.height()
        text_top = box.bottom() + 6
        painter.setPen(option.palette.text().color())
        painter.drawText(
            QRect(4, text_top, width - 8, line_h),
            Qt.AlignmentFlag.AlignHCenter,
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, width - 8),
        )
        x, y = box.left(), text_top + line_h + 3
        painter.setPen(Qt.PenStyle.NoPen)
        for tag in summary.tags[:8]:
            painter.setBrush(tag_colour(tag))
            painter.drawEllipse(x, y + 2, line_h - 6, line_h - 6)
            x += line_h - 3
        attested = status == "attested"
        painter.setPen(QColor("#188038") if attested else QColor("#b06000"))
        painter.drawText(
            QRect(box.left(), y, self.side, line_h),
            Qt.AlignmentFlag.AlignRight,
            "✔" if attested else "◷",
        )
        painter.end()
        self._cells[key] = cell
        while len(self._cells) > self.CACHE_CELLS:
            self._cells.popitem(last=False)
        return cell


class GridView(QTableView):
    """A table without headers or lines whose column count follows the width."""

    def __init__(self, grid: GridModel, delegate: ThumbnailDelegate, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid_model = grid
        self.setModel(grid)
        self.setItemDelegate(delegate)
        self.delegate = delegate
        self.setShowGrid(False)
        self.horizontalHeader().setVisible(False)
        self.verticalHeader().setVisible(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setMouseTracking(True)
        self.setWordWrap(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        cell = delegate.cell_size(QFontMetrics(self.font()))
        for header, size in (
            (self.horizontalHeader(), cell.width()),
            (self.verticalHeader(), cell.height()),
        ):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setMinimumSectionSize(1)
            header.setDefaultSectionSize(size)
        self.verticalScrollBar().setSingleStep(cell.height() // 4)
        self.cell = cell
        # While the user flings through thousands of cells, paint pictures only; compose the
        # full cells (labels, tag colours) once scrolling pauses.
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._scroll_settled)
        self._last_scroll = 0.0
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        # The view would fill selected cells with the highlight colour; the delegate draws
        # its own lighter tint and outline instead, so the thumbnail stays readable.
        palette = self.palette()
        delegate.highlight = palette.color(palette.ColorRole.Highlight)
        palette.setColor(palette.ColorRole.Highlight, QColor(0, 0, 0, 0))
        palette.setColor(palette.ColorRole.HighlightedText, palette.color(palette.ColorRole.Text))
        self.setPalette(palette)

    def _scrolled(self, _value: int) -> None:
        now = time.monotonic()
        if now - self._last_scroll < FAST_SCROLL_S:
            self.delegate.fast_scroll = True
        self._last_scroll = now
        self._settle.start()

    def _scroll_settled(self) -> None:
        if self.delegate.fast_scroll:
            self.delegate.fast_scroll = False
            self.viewport().update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = max(1, self.viewport().width() // self.cell.width())
        # Spread the spare width over the cells rather than leaving a strip on the right.
        self.horizontalHeader().setDefaultSectionSize(
            max(self.cell.width(), self.viewport().width() // columns)
        )
        if columns != self.grid_model.columns:
            selected = self.selected_source_rows()
            current = self.grid_model.source_row(self.currentIndex())
            self.grid_model.set_columns(columns)
            self.select_source_rows(selected, current)

    def selected_source_rows(self) -> list[int]:
        rows = {self.grid_model.source_row(i) for i in self.selectionModel().selectedIndexes()}
        return sorted(r for r in rows if r is not None)

    def select_source_rows(self, rows: list[int], current: int | None) -> None:
        selection = QItemSelection()
        for row in rows:
            index = self.grid_model.index_for(row)
            selection.select(index, index)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.selectionModel().select(selection, flags)
        if current is not None:
            self.selectionModel().setCurrentIndex(
                self.grid_model.index_for(current), QItemSelectionModel.SelectionFlag.NoUpdate
            )


class EvidencePane(QWidget):
    """Filter bar, grid and table over one :class:`ItemTableModel`."""

    current_changed = Signal(object)  # item id or None
    selection_changed = Signal(list)  # item ids

    GRID, TABLE = 0, 1

    def __init__(self, model: ItemTableModel, side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.filter_bar = FilterBar(self)
        self.grid_model = GridModel(model, self)
        self.delegate = ThumbnailDelegate(self.grid_model, side, self)
        self.grid = GridView(self.grid_model, self.delegate, self)
        self.grid.setObjectName("evidenceGrid")

        self.table = QTableView(self)
        self.table.setObjectName("evidenceTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setIconSize(QSize(28, 28))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((90, 170, 120, 260, 160, 90, 90, 80)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("emptyLabel")

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.stack, 1)
        self._mode = self.GRID

        self.filter_bar.filter_changed.connect(self._apply_filter)
        for view in (self.grid, self.table):
            selection = view.selectionModel()
            selection.currentChanged.connect(
                lambda current, _prev, v=view: self._current_changed(v, current)
            )
            selection.selectionChanged.connect(lambda *_, v=view: self._selection_changed(v))
        model.modelReset.connect(self._update_empty)
        model.rowsInserted.connect(self._update_empty)
        self.retranslate_ui()
        self._update_empty()

    # -- modes ---------------------------------------------------------------------------------

    def set_mode(self, mode: int) -> None:
        if mode == self._mode:
            self._update_empty()
            return
        ids, current = self.selected_ids(), self.current_id()
        self._mode = mode
        self._update_empty()
        self._select_ids(ids, current)
        self.active_view().setFocus()

    def active_view(self) -> QAbstractItemView:
        return self.table if self._mode == self.TABLE else self.grid

    @property
    def mode(self) -> int:
        return self._mode

    def _update_empty(self, *_: object) -> None:
        if self.model.rowCount() == 0:
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.stack.setCurrentIndex(self._mode)

    # -- selection, as item ids -------------------------------------------------------------------

    def _source_rows(self, view: QAbstractItemView) -> list[int]:
        if view is self.grid:
            return self.grid.selected_source_rows()
        return sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})

    def selected_ids(self) -> list[int]:
        ids = []
        for row in self._source_rows(self.active_view()):
            summary = self.model.summary(row)
            if summary is not None:
                ids.append(summary.id)
        return ids

    def current_id(self) -> int | None:
        index = self.active_view().selectionModel().currentIndex()
        return index.data(ITEM_ID_ROLE) if index.isValid() else None

    def _select_ids(self, ids: list[int], current: int | None) -> None:
        rows = [r for r in (self.model.row_of(i) for i in ids) if r is not None]
        current_row = self.model.row_of(current) if current is not None else None
        if self._mode == self.GRID:
            self.grid.select_source_rows(rows, current_row)
            return
        selection = QItemSelection()
        for row in rows:
            selection.select(
                self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1)
            )
        self.table.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        if current_row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(current_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def select_item(self, item_id: int) -> bool:
        """Make ``item_id`` current and selected, fetching pages until it is reached."""
        row = self.model.row_of(item_id)
        while row is None and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(item_id)
        if row is None:
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if self._mode == self.GRID:
            index = self.grid_model.index_for(row)
            self.grid.selectionModel().setCurrentIndex(index, flags)
            self.grid.scrollTo(index)
        else:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, flags | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.scrollTo(index)
        return True

    def select_all(self) -> None:
        self.active_view().selectAll()

    def _current_changed(self, view: QAbstractItemView, current: Index) -> None:
        if view is self.active_view():
            self.current_changed.emit(current.data(ITEM_ID_ROLE) if current.isValid() else None)

    def _selection_changed(self, view: QAbstractItemView) -> None:
        if view is self.active_view():
            self.selection_changed.emit(self.selected_ids())

    def _apply_filter(self, flt: Any) -> None:
        self.model.set_filter(flt)
        self.current_changed.emit(None)

    # -- language ---------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.empty_label.setText(
            self.tr(
                "No items to show.\n\nImport files with File ▸ Import (Ctrl+I), drop files or "
                "folders here, or take a screen capture. If a filter is set, clear it."
            )
        )
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
