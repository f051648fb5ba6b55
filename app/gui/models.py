"""Qt models over the case database: pages fetched on demand with LIMIT, never "all rows".

Views ask for more rows only as they scroll (``canFetchMore`` / ``fetchMore``), so opening a
case of 100,000 items reads one page. Rows hold :class:`~app.core.items.ItemSummary` values
(no provenance JSON); the inspector reads the full item for the one row selected. Models
read through the session's read-only ``view`` connection, on the GUI thread only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFontDatabase, QIcon

from app.core import custody
from app.core import items as items_mod
from app.core.items import ItemFilter, ItemSummary
from app.gui.icons import failure_placeholder, failure_text, placeholder
from app.gui.labels import attestation_label, format_time, human_size, kind_label
from app.gui.session import CaseSession
from app.gui.thumbnails import ThumbnailCache

Index = QModelIndex | QPersistentModelIndex

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2
THUMBNAIL_ROLE = Qt.ItemDataRole.UserRole + 3
ATTESTED_ROLE = Qt.ItemDataRole.UserRole + 4
EVENT_ROLE = Qt.ItemDataRole.UserRole + 5


def _item_headers() -> list[str]:
    return [
        QCoreApplication.translate("ItemTableModel", "Item"),
        QCoreApplication.translate("ItemTableModel", "Acquired"),
        QCoreApplication.translate("ItemTableModel", "Kind"),
        QCoreApplication.translate("ItemTableModel", "Source"),
        QCoreApplication.translate("ItemTableModel", "Tags"),
        QCoreApplication.translate("ItemTableModel", "Attested"),
        QCoreApplication.translate("ItemTableModel", "Type"),
        QCoreApplication.translate("ItemTableModel", "Size"),
    ]


# Column -> the sort key the core accepts (see items.SORT_KEYS).
ITEM_SORT_COLUMNS = ("id", "acquired", "kind", "source", "tags", "attested", "media_type", "size")


class ItemTableModel(QAbstractTableModel):
    """Items matching a filter, in a sort order, fetched ``batch_size`` rows at a time."""

    def __init__(
        self,
        session: CaseSession,
        thumbnails: ThumbnailCache,
        *,
        batch_size: int = 160,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._thumbs = thumbnails
        self.batch_size = batch_size
        self._filter = ItemFilter()
        self._sort = "id"
        self._descending = False
        self._rows: list[ItemSummary] = []
        self._row_of_sha: dict[str, list[int]] = {}
        self._row_of_id: dict[int, int] = {}
        self._status: dict[int, str] = {}
        self._total = 0
        thumbnails.ready.connect(self._thumbnail_ready)
        self.reload()

    # -- what is shown -------------------------------------------------------------------------

    @property
    def item_filter(self) -> ItemFilter:
        return self._filter

    @property
    def total(self) -> int:
        """How many items match the filter (fetched or not)."""
        return self._total

    def set_filter(self, flt: ItemFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = ITEM_SORT_COLUMNS[column] if 0 <= column < len(ITEM_SORT_COLUMNS) else "id"
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._sort, self._descending):
            self._sort, self._descending = key, descending
            self.reload()

    def reload(self) -> None:
        """Re-run the query from the first page (after a filter, sort or import)."""
        self.beginResetModel()
        self._rows.clear()
        self._row_of_sha.clear()
        self._row_of_id.clear()
        self._status.clear()
        self._total = items_mod.count_items(self._session.view, self._filter)
        self._append(self._fetch_page(0))
        self.endResetModel()

    def refresh_items(self, item_ids: set[int]) -> None:
        """Re-read the rows of ``item_ids`` (after tagging) without losing the scroll position."""
        rows = sorted(self._row_of_id[i] for i in item_ids if i in self._row_of_id)
        if not rows:
            return
        tags = items_mod.tags_by_item(self._session.view, item_ids)
        status = items_mod.attestation_status(self._session.view, item_ids)
        for row in rows:
            summary = self._rows[row]
            self._rows[row] = dataclasses.replace(summary, tags=tuple(tags.get(summary.id, [])))
            self._status[summary.id] = status.get(summary.id, "pending")
        self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], self.columnCount() - 1))

    def _fetch_page(self, offset: int) -> list[ItemSummary]:
        page = items_mod.list_item_summaries(
            self._session.view,
            self._filter,
            sort=self._sort,
            descending=self._descending,
            limit=self.batch_size,
            offset=offset,
        )
        self._status.update(items_mod.attestation_status(self._session.view, [s.id for s in page]))
        return page

    def _append(self, page: list[ItemSummary]) -> None:
        for summary in page:
            if summary.id in self._row_of_id:
                continue  # an item inserted meanwhile shifted the page; never show it twice
            row = len(self._rows)
            self._rows.append(summary)
            self._row_of_id[summary.id] = row
            self._row_of_sha.setdefault(summary.sha256, []).append(row)

    # -- batched fetching ----------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's API
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = self._fetch_page(len(self._rows))
        fresh = [s for s in page if s.id not in self._row_of_id]
        if not fresh:
            self._total = len(self._rows)  # the set shrank under us; stop asking
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._append(fresh)
        self.endInsertRows()

    # -- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ITEM_SORT_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            headers = _item_headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def summary(self, row: int) -> ItemSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def status_of(self, item_id: int) -> str:
        """``"attested"`` or ``"pending"`` for a fetched row (read with its page)."""
        return self._status.get(item_id, "pending")

    def row_of(self, item_id: int) -> int | None:
        return self._row_of_id.get(item_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(s, col)
        if role == ITEM_ID_ROLE:
            return s.id
        if role == SUMMARY_ROLE:
            return s
        if role == ATTESTED_ROLE:
            return self._status.get(s.id, "pending")
        if role == THUMBNAIL_ROLE:
            return self.thumbnail(s)
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return QIcon(self.thumbnail(s))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(s)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, s: ItemSummary, col: int) -> str:
        if col == 0:
            return f"#{s.id}"
        if col == 1:
            return format_time(s.acquired_at)
        if col == 2:
            return kind_label(s.kind)
        if col == 3:
            return s.source
        if col == 4:
            return ", ".join(s.tags)
        if col == 5:
            return attestation_label(self._status.get(s.id, "pending"))
        if col == 6:
            return s.media_type
        if col == 7:
            return human_size(s.size)
        return ""

    def _tooltip(self, s: ItemSummary) -> str:
        lines = [f"#{s.id} · {kind_label(s.kind)} · {s.media_type}"]
        if s.width and s.height:
            lines.append(f"{s.width}×{s.height} · {human_size(s.size)}")
        lines.append(f"SHA-256 {s.sha256}")
        if s.source:
            lines.append(s.source)
        if s.tags:
            lines.append(", ".join(s.tags))
        if s.withdrawn:
            lines.append(QCoreApplication.translate("ItemTableModel", "Withdrawn"))
        failure = self._thumbs.failure(s.sha256)
        if failure is not None:
            lines.append(failure_text(failure))
        return "\n".join(lines)

    def thumbnail(self, s: ItemSummary) -> Any:
        pix = self._thumbs.pixmap(s.sha256, s.media_type)
        if pix is not None:
            return pix
        failure = self._thumbs.failure(s.sha256)
        if failure is not None:
            return failure_placeholder(failure, self._thumbs.side)
        return placeholder("", self._thumbs.side, "loading")

    def _thumbnail_ready(self, sha256: str) -> None:
        for row in self._row_of_sha.get(sha256, ()):
            index = self.index(row, 0)
            self.dataChanged.emit(
                index,
                index,
                [Qt.ItemDataRole.DecorationRole, THUMBNAIL_ROLE, Qt.ItemDataRole.ToolTipRole],
            )

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1)
            )


def _event_headers() -> list[str]:
    return [
        QCoreApplication.translate("EventTableModel", "Seq"),
        QCoreApplication.translate("EventTableModel", "Time"),
        QCoreApplication.translate("EventTableModel", "Actor"),
        QCoreApplication.translate("EventTableModel", "Action"),
        QCoreApplication.translate("EventTableModel", "Item"),
        QCoreApplication.translate("EventTableModel", "Hash"),
    ]


class EventTableModel(QAbstractTableModel):
    """The custody log (or one item's part of it), oldest first, a page at a time."""

    def __init__(
        self,
        session: CaseSession,
        *,
        item_id: int | None = None,
        batch_size: int = 500,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._item_id = item_id
        self.batch_size = batch_size
        self._rows: list[custody.Event] = []
        self._total = 0
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._total = custody.count_events(self._session.view.conn, item_id=self._item_id)
        self._rows = custody.list_events(
            self._session.view.conn, item_id=self._item_id, limit=self.batch_size
        )
        self.endResetModel()

    def refresh_tail(self) -> None:
        """Pick up events appended since the last read, keeping what is already shown."""
        total = custody.count_events(self._session.view.conn, item_id=self._item_id)
        if total == self._total:
            return
        self._total = total
        if len(self._rows) == total - 1 or not self.canFetchMore():
            self.fetchMore()

    @property
    def total(self) -> int:
        return self._total

    def event_at(self, row: int) -> custody.Event | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = custody.list_events(
            self._session.view.conn,
            item_id=self._item_id,
            limit=self.batch_size,
            offset=len(self._rows),
        )
        if not page:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            headers = _event_headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        e = self._rows[index.row()]
        if role == EVENT_ROLE:
            return e
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            values = (
                str(e.seq),
                format_time(e.at_utc),
                e.actor,
                e.action,
                f"#{e.item_id}" if e.item_id is not None else "",
                e.hash,
            )
            return values[col] if 0 <= col < len(values) else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return e.hash
        if role == Qt.ItemDataRole.FontRole and index.column() == 5:
            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
