"""The campaign's summary: a campaign picker, one sentence of totals, a row per prompt.

Split out of :class:`~app.gui.campaigns.panel.CampaignPanel` along its seam: this widget only
*shows* what the panel read from the case (the rows of
:func:`~app.capture.campaigns.campaigns_status` and a
:func:`~app.capture.campaigns.campaign_report`); it never opens the case. Choosing another
campaign is announced by :attr:`CampaignSummary.campaign_chosen`.

Its sentences keep the ``CampaignPanel`` translation context they had before the split (the
table headers keep ``PromptSummaryModel``'s).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

COLUMN_COUNT = 10


class PromptSummaryModel(QAbstractTableModel):
    """One row per prompt of the campaign: tries, outputs, matches by band, best match."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_data(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers()[section]
        return None

    def _headers(self) -> tuple[str, ...]:
        # Literal tr() calls, so pyside6-lupdate finds every header.
        return (
            self.tr("#"),
            self.tr("Prompt"),
            self.tr("Tries"),
            self.tr("Done"),
            self.tr("Failed"),
            self.tr("Outputs"),
            self.tr("High"),
            self.tr("Medium"),
            self.tr("Low"),
            self.tr("Best match"),
        )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            negative = row.get("negative_prompt")
            return row["prompt"] + (
                f"\n\n{self.tr('Negative prompt')}: {negative}" if negative else ""
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (1, 9):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        best = row.get("best_match")
        values = (
            row["number"],
            " ".join(row["prompt"].split()),
            row["tries_planned"],
            row["tries_done"],
            row["tries_failed"],
            row["outputs"],
            row["matches"]["high"],
            row["matches"]["medium"],
            row["matches"]["low"],
            f"{best['title']} ({best['band']}, {best['score']:.2f})" if best else "",
        )
        return values[column]


class CampaignSummary(QWidget):
    """The campaign picker, the totals sentence and the per-prompt table."""

    campaign_chosen = Signal(object)
    """The id of the campaign the user picked (None when the list is empty)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("campaignSummaryView")
        self.campaign_combo = QComboBox(self)
        self.campaign_combo.setObjectName("campaignCombo")
        self.campaign_combo.currentIndexChanged.connect(
            lambda _i: self.campaign_chosen.emit(self.campaign_combo.currentData())
        )
        self.campaign_label = QLabel(self)
        campaign_row = QHBoxLayout()
        campaign_row.addWidget(self.campaign_label)
        campaign_row.addWidget(self.campaign_combo, 1)
        self.summary = QLabel(self)
        self.summary.setObjectName("campaignSummary")
        self.summary.setWordWrap(True)
        self.model = PromptSummaryModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("promptTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(campaign_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def retranslate_ui(self) -> None:
        self.campaign_label.setText(QCoreApplication.translate("CampaignPanel", "Campaign"))

    def set_campaigns(self, rows: list[dict[str, Any]], wanted: int | None) -> None:
        """List the campaigns (``campaigns_status`` rows) and select ``wanted``, silently."""
        with QSignalBlocker(self.campaign_combo):
            self.campaign_combo.clear()
            for r in rows:
                state = (
                    QCoreApplication.translate("CampaignPanel", "finished")
                    if r["complete"]
                    else QCoreApplication.translate("CampaignPanel", "unfinished")
                )
                self.campaign_combo.addItem(f"{r['id']}: {r['name']} ({state})", r["id"])
            if wanted is not None:
                self.campaign_combo.setCurrentIndex(max(0, self.campaign_combo.findData(wanted)))

    def current_campaign(self) -> int | None:
        return self.campaign_combo.currentData()

    def show_report(self, report: dict[str, Any] | None) -> None:
        """Show a ``campaign_report`` (None: there is no campaign yet)."""
        if report is None:
            self.model.set_rows([])
            self.summary.setText(QCoreApplication.translate("CampaignPanel", "No campaign yet."))
            return
        self.model.set_rows(report["prompts"])
        t, p = report["totals"], report["progress"]
        self.summary.setText(
            QCoreApplication.translate(
                "CampaignPanel",
                "{done} of {planned} tries done, {failed} failed; {outputs} outputs, {matching} matching a work "
                "(high {high}, medium {medium}) against {works} work(s).",
            ).format(
                done=p["done"],
                planned=p["planned"],
                failed=p["failed"],
                outputs=t["outputs"],
                matching=t["outputs_matching"],
                high=t["matches"]["high"],
                medium=t["matches"]["medium"],
                works=len(report["works"]),
            )
        )
