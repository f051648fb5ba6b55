"""The filter bar above the evidence grid: text, tag, kind, date range, attested or not.

It only builds an :class:`~app.core.items.ItemFilter`; the query runs in the core. Typing is
debounced so a search runs once the user pauses, not on every key.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from app.core.items import KINDS, ItemFilter
from app.gui.labels import display_tzinfo, kind_label

DEBOUNCE_MS = 250


def _instant(day: QDate, end_of_day: bool) -> str:
    """The UTC instant, in the stored ISO form, at which ``day`` starts (or ends)."""
    moment = datetime.combine(day.toPython(), time.max if end_of_day else time.min)
    local = moment.replace(tzinfo=display_tzinfo())
    return local.astimezone(UTC).isoformat(timespec="microseconds")


class FilterBar(QWidget):
    filter_changed = Signal(object)  # ItemFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("filterSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.tag = QComboBox(self)
        self.tag.setObjectName("filterTag")
        self.tag.setEditable(True)
        self.tag.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.tag.setMinimumWidth(130)
        self.tag.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.tag.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.kind = QComboBox(self)
        self.kind.setObjectName("filterKind")
        self.since_on = QCheckBox(self)
        self.since = QDateEdit(self)
        self.until_on = QCheckBox(self)
        self.until = QDateEdit(self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.attested = QComboBox(self)
        self.attested.setObjectName("filterAttested")
        self.attested.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("filterClear")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.tag, 1)
        layout.addWidget(self.kind, 1)
        layout.addWidget(self.since_on)
        layout.addWidget(self.since)
        layout.addWidget(self.until_on)
        layout.addWidget(self.until)
        layout.addWidget(self.attested, 1)
        layout.addWidget(self.clear_button)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.search.returnPressed.connect(self.apply_now)
        self.tag.currentTextChanged.connect(lambda _: self._debounce.start())
        self.kind.currentIndexChanged.connect(lambda _: self._emit())
        self.attested.currentIndexChanged.connect(lambda _: self._emit())
        self.since_on.toggled.connect(self.since.setEnabled)
        self.until_on.toggled.connect(self.until.setEnabled)
        for signal in (
            self.since_on.toggled,
            self.until_on.toggled,
            self.since.dateChanged,
            self.until.dateChanged,
        ):
            signal.connect(lambda *_: self._emit())
        self.clear_button.clicked.connect(self.clear)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.search.setPlaceholderText(self.tr("Search prompts, URLs, notes…"))
        self.search.setToolTip(
            self.tr(
                "Finds items whose prompt, metadata, source URL, notes or tags contain the text."
            )
        )
        self.tag.lineEdit().setPlaceholderText(self.tr("Any tag"))
        current_kind = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(self.tr("Any kind"), None)
        for kind in KINDS:
            self.kind.addItem(kind_label(kind), kind)
        index = self.kind.findData(current_kind)
        self.kind.setCurrentIndex(max(0, index))
        self.kind.blockSignals(False)
        current_att = self.attested.currentIndex()
        self.attested.blockSignals(True)
        self.attested.clear()
        self.attested.addItem(self.tr("Attested or not"), None)
        self.attested.addItem(self.tr("Attested"), True)
        self.attested.addItem(self.tr("Not yet attested"), False)
        self.attested.setCurrentIndex(max(0, current_att))
        self.attested.blockSignals(False)
        self.since_on.setText(self.tr("From"))
        self.until_on.setText(self.tr("To"))
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Show every item again"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def set_tags(self, tags: list[str]) -> None:
        """Offer the case's tags (keeps whatever the user has typed)."""
        text = self.tag.currentText()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItems(tags)
        self.tag.setEditText(text)
        self.tag.blockSignals(False)

    def current_filter(self) -> ItemFilter:
        text = self.search.text().strip() or None
        tag = self.tag.currentText().strip() or None
        since = _instant(self.since.date(), False) if self.since_on.isChecked() else None
        until = _instant(self.until.date(), True) if self.until_on.isChecked() else None
        return ItemFilter(
            text=text,
            tag=tag,
            kind=self.kind.currentData(),
            since=since,
            until=until,
            attested=self.attested.currentData(),
        )

    def clear(self) -> None:
        for w in (self.search, self.tag, self.kind, self.attested, self.since_on, self.until_on):
            w.blockSignals(True)
        self.search.clear()
        self.tag.setEditText("")
        self.kind.setCurrentIndex(0)
        self.attested.setCurrentIndex(0)
        self.since_on.setChecked(False)
        self.until_on.setChecked(False)
        self.since.setEnabled(False)
        self.until.setEnabled(False)
        for w in (self.search, self.tag, self.kind, self.attested, self.since_on, self.until_on):
            w.blockSignals(False)
        self._emit()

    def apply_now(self) -> None:
        """Run a pending debounced search at once (Enter, and tests)."""
        self._debounce.stop()
        self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        self.filter_changed.emit(self.current_filter())
