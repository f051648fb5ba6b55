"""The custody log of the whole case: a paged table and the selected event in full."""

from __future__ import annotations

import json

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.gui.labels import format_time
from app.gui.models import EventTableModel
from app.gui.session import CaseSession


class CustodyLogPane(QWidget):
    """Every event, oldest first; selecting one shows its payload, hash and link."""

    item_requested = Signal(int)  # the user wants to see the item an event is about

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = EventTableModel(session, parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("custodyTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        for col, width in enumerate((70, 190, 150, 200, 70, 160)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("eventDetail")
        self.detail.setReadOnly(True)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.count_label = QLabel(self)
        self.refresh_button = QPushButton(self)
        self.end_button = QPushButton(self)
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(self.end_button)
        top.addWidget(self.refresh_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.table.selectionModel().currentRowChanged.connect(self._show_event)
        self.table.doubleClicked.connect(self._open_item)
        self.refresh_button.clicked.connect(self.refresh)
        self.end_button.clicked.connect(self.go_to_end)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.retranslate_ui()

    def refresh(self) -> None:
        self.model.refresh_tail()
        self._update_count()

    def go_to_end(self) -> None:
        while self.model.canFetchMore():
            self.model.fetchMore()
        last = self.model.rowCount() - 1
        if last >= 0:
            self.table.selectRow(last)
            self.table.scrollToBottom()

    def _update_count(self, *_: object) -> None:
        self.count_label.setText(
            self.tr(
                "%n event(s) in the custody log; each links to the hash of the one before.",
                "",
                self.model.total,
            )
        )

    def _show_event(self, current: QModelIndex | QPersistentModelIndex, _previous: object) -> None:
        event = self.model.event_at(current.row()) if current.isValid() else None
        if event is None:
            self.detail.clear()
            return
        label_event = self.tr("Event")
        label_time = self.tr("Time")
        label_actor = self.tr("Actor")
        label_item = self.tr("Item")
        label_hash = self.tr("Hash")
        label_prev = self.tr("Previous hash")
        lines = [
            f"{label_event} {event.seq}: {event.action}",
            f"{label_time}: {format_time(event.at_utc)}  ({event.at_utc})",
            f"{label_actor}: {event.actor}",
        ]
        if event.item_id is not None:
            lines.append(f"{label_item}: #{event.item_id}")
        lines += [
            f"{label_hash}: {event.hash}",
            f"{label_prev}: {event.prev_hash}",
            "",
            json.dumps(event.payload_obj(), indent=2, ensure_ascii=False, sort_keys=True),
        ]
        self.detail.setPlainText("\n".join(lines))

    def _open_item(self, index: QModelIndex | QPersistentModelIndex) -> None:
        event = self.model.event_at(index.row())
        if event is not None and event.item_id is not None:
            self.item_requested.emit(event.item_id)

    def retranslate_ui(self) -> None:
        self.refresh_button.setText(self.tr("Refresh"))
        self.end_button.setText(self.tr("Go to latest"))
        self.table.setToolTip(self.tr("Double-click an event to show its item."))
        self.model.retranslate()
        self._update_count()
        current = self.table.selectionModel().currentIndex()
        if current.isValid():
            self._show_event(current, None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
