"""The chart's element list: numbered region pairs, each with a description.

An element is what the lawyer points at — "1. Colour timer on the chest" — with a region on
the original and one on the output (a rectangle, an ellipse or an arrow, in fractions of
each image). The list is what :func:`app.compare.works.save_chart` stores; numbers follow
the order of the rows, as the chart in the PDF numbers them.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from app.gui.compare.views import ORIGINAL, OUTPUT

COLUMNS = 4
NUMBER, DESCRIPTION, ON_ORIGINAL, ON_OUTPUT = range(COLUMNS)


class ElementModel(QAbstractTableModel):
    """Rows of ``{description, original: region | absent, output: region | absent}``."""

    elements_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    # -- the list -----------------------------------------------------------------------------

    def elements(self) -> list[dict[str, Any]]:
        """A copy for saving (without the row numbers, which the chart assigns)."""
        out = []
        for row in self._rows:
            element = {"description": str(row.get("description", "")).strip()}
            for side in (ORIGINAL, OUTPUT):
                if isinstance(row.get(side), dict):
                    element[side] = dict(row[side])
            out.append(element)
        return out

    def set_elements(self, elements: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = [
            {k: copy.deepcopy(v) for k, v in e.items() if k in ("description", ORIGINAL, OUTPUT)}
            for e in elements
            if isinstance(e, dict)
        ]
        self.endResetModel()
        self.elements_changed.emit()

    def add(self, description: str = "") -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append({"description": description})
        self.endInsertRows()
        self.elements_changed.emit()
        return row

    def remove(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        if self._rows:  # the numbers of the rows after it changed
            self.dataChanged.emit(self.index(row, NUMBER), self.index(len(self._rows) - 1, NUMBER))
        self.elements_changed.emit()

    def set_region(self, row: int, side: str, region: dict[str, Any]) -> None:
        if not 0 <= row < len(self._rows):
            return
        self._rows[row][side] = dict(region)
        column = ON_ORIGINAL if side == ORIGINAL else ON_OUTPUT
        self.dataChanged.emit(self.index(row, column), self.index(row, column))
        self.elements_changed.emit()

    def region(self, row: int, side: str) -> dict[str, Any] | None:
        if not 0 <= row < len(self._rows):
            return None
        region = self._rows[row].get(side)
        return dict(region) if isinstance(region, dict) else None

    def description(self, row: int) -> str:
        return str(self._rows[row].get("description", "")) if 0 <= row < len(self._rows) else ""

    # -- Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (
                self.tr("No."),
                self.tr("Shared element"),
                self.tr("Original"),
                self.tr("Output"),
            )[section]
        return None

    def _shape_name(self, region: Any) -> str:
        if not isinstance(region, dict):
            return "—"
        return {
            "rect": self.tr("rectangle"),
            "ellipse": self.tr("ellipse"),
            "arrow": self.tr("arrow"),
        }.get(str(region.get("shape")), str(region.get("shape")))

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == NUMBER:
                return index.row() + 1
            if column == DESCRIPTION:
                text = str(row.get("description", ""))
                if role == Qt.ItemDataRole.DisplayRole and not text.strip():
                    return self.tr("(describe the element)")
                return text
            return self._shape_name(row.get(ORIGINAL if column == ON_ORIGINAL else OUTPUT))
        blank = not str(row.get("description", "")).strip()
        if role == Qt.ItemDataRole.ForegroundRole and column == DESCRIPTION and blank:
            return QColor("#9e9e9e")
        if role == Qt.ItemDataRole.TextAlignmentRole and column != DESCRIPTION:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == DESCRIPTION:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid() or index.column() != DESCRIPTION or role != Qt.ItemDataRole.EditRole:
            return False
        self._rows[index.row()]["description"] = str(value)
        self.dataChanged.emit(index, index)
        self.elements_changed.emit()
        return True
