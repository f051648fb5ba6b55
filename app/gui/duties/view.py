"""Duties view: per platform, each duty's finding, date observed, exhibits and rules.

A thin shell over :mod:`app.duties.checks`: the checklist is computed off the GUI thread
from a read-only connection of its own; recording a check and adding the operator's finding
go through the session's writer (one custody event each).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.case import Case
from app.duties import checks
from app.duties.rules import DUTIES, DUTY_BY_KEY, FINDING_ZH, FINDINGS, NOT_CHECKED
from app.gui.messages import show_error
from app.gui.session import CaseSession


def _chinese() -> bool:
    """Whether the UI is in Chinese (the language manager sets the default locale)."""
    return QLocale().language() == QLocale.Language.Chinese


def _finding_text(value: str) -> str:
    return FINDING_ZH.get(value, value) if _chinese() else value


def _compute(path: Any) -> list[checks.PlatformDuties]:
    with Case.open(path, read_only=True) as case:
        return checks.compute(case)


class OperatorFindingDialog(QDialog):
    """The operator's own finding: duty, finding, the exhibit item it rests on, a note."""

    def __init__(self, platforms: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operatorFindingDialog")
        self.setWindowTitle(self.tr("Add the operator's finding"))
        self.platform = QComboBox(self)
        self.platform.addItems(platforms)
        self.duty = QComboBox(self)
        for duty in DUTIES:
            self.duty.addItem(duty.name_zh if _chinese() else duty.name_en, duty.key)
        self.finding = QComboBox(self)
        for value in FINDINGS:
            self.finding.addItem(_finding_text(value), value)
        self.item = QSpinBox(self)
        self.item.setRange(1, 2_000_000_000)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("What you saw, in your words"))
        form = QFormLayout(self)
        form.addRow(self.tr("Platform"), self.platform)
        form.addRow(self.tr("Duty"), self.duty)
        form.addRow(self.tr("Finding"), self.finding)
        form.addRow(self.tr("Exhibit item id"), self.item)
        form.addRow(self.tr("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {
            "platform": self.platform.currentText(),
            "duty": self.duty.currentData(),
            "finding": self.finding.currentData(),
            "item_id": self.item.value(),
            "note": self.note.text(),
        }


class DutiesView(QWidget):
    """The checklist per platform, with the operator's findings and the checks over time."""

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dutiesView")
        self.session = session
        self.results: list[checks.PlatformDuties] = []
        self.platform = QComboBox(self)
        self.platform.setObjectName("dutiesPlatform")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("dutiesTree")
        self.tree.setColumnCount(5)
        self.tree.setWordWrap(True)
        self.tree.setColumnWidth(0, 300)
        self.tree.setColumnWidth(1, 90)
        self.tree.setColumnWidth(2, 150)
        self.tree.setColumnWidth(3, 120)
        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("dutiesDetail")
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(140)
        self.status = QLabel(self)
        self.status.setObjectName("dutiesStatus")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(self)
        self.record_button = QPushButton(self)
        self.record_button.setObjectName("dutiesRecord")
        self.finding_button = QPushButton(self)
        self.finding_button.setObjectName("dutiesAddFinding")
        top = QHBoxLayout()
        top.addWidget(self.platform, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.record_button)
        top.addWidget(self.finding_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.status)
        self.tree.currentItemChanged.connect(lambda item, _prev: self._show_detail(item))
        self.refresh_button.clicked.connect(self.refresh)
        self.record_button.clicked.connect(self.record_check)
        self.finding_button.clicked.connect(self.add_finding)
        self.platform.currentIndexChanged.connect(lambda _: self._show())
        session.changed.connect(lambda _ids: self.refresh() if self.isVisible() else None)
        self.record_button.setEnabled(not session.read_only)
        self.finding_button.setEnabled(not session.read_only)
        self.retranslate_ui()

    # -- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.status.setText(self.tr("Checking the recorded facts…"))
        self.session.pool.run(
            lambda: _compute(self.session.path),
            self.set_results,
            lambda exc: show_error(self, self.tr("Duties not checked"), exc),
            title="duties",
        )

    def set_results(self, results: list[checks.PlatformDuties]) -> None:
        self.results = results
        current = self.platform.currentText()
        self.platform.blockSignals(True)
        self.platform.clear()
        self.platform.addItems([r.platform for r in results])
        if current:
            index = self.platform.findText(current)
            if index >= 0:
                self.platform.setCurrentIndex(index)
        self.platform.blockSignals(False)
        self._show()

    def _show(self) -> None:
        self.tree.clear()
        pd = next((r for r in self.results if r.platform == self.platform.currentText()), None)
        if pd is None:
            self.status.setText(
                self.tr("No platform in this case: nothing captured from an AI site yet.")
            )
            return
        zh = _chinese()
        for f in pd.current():
            duty = DUTY_BY_KEY[f.duty]
            row = QTreeWidgetItem(
                [
                    duty.name_zh if zh else duty.name_en,
                    _finding_text(f.finding),
                    max(f.observed)[:19] if f.observed else "—",
                    ", ".join(str(i) for i in sorted(set(f.exhibits))) or "—",
                    f.detail_zh if zh else f.detail,
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, f.duty)
            detail = (
                f"{duty.name_zh}\n{_finding_text(f.finding)}：{f.detail_zh}\n"
                + self.tr("Relates to: ")
                + duty.rules_zh
                if zh
                else f"{duty.name_en} / {duty.name_zh}\n{f.finding}: {f.detail}\n{f.detail_zh}\n"
                + self.tr("Relates to: ")
                + f"{duty.rules_en} / {duty.rules_zh}"
            )
            row.setData(4, Qt.ItemDataRole.UserRole, detail)
            row.setToolTip(
                4,
                (f.detail_zh if zh else f.detail)
                + "\n\n"
                + self.tr("Relates to: ")
                + (duty.rules_zh if zh else duty.rules_en),
            )
            for o in pd.operator:
                if o.duty == f.duty:
                    row.addChild(
                        QTreeWidgetItem(
                            [
                                self.tr("Operator's finding ({actor})").format(actor=o.actor),
                                _finding_text(o.finding),
                                o.at[:19],
                                str(o.item_id),
                                o.note,
                            ]
                        )
                    )
            if len(pd.rounds) > 1:
                history = " → ".join(
                    f"{r.number}: {_finding_text(r.finding(f.duty).finding)}" for r in pd.rounds
                )
                row.addChild(QTreeWidgetItem([self.tr("Over time"), "", "", "", history]))
            self.tree.addTopLevelItem(row)
        self.tree.expandAll()
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        recorded = sum(1 for r in pd.rounds if r.check_id is not None)
        changes = len(pd.changes())
        checked = sum(1 for f in pd.current() if f.finding != NOT_CHECKED)
        self.status.setText(
            self.tr(
                "{checked} of {total} duties checked; {rounds} check round(s), {recorded} "
                "recorded; {changes} change(s) between checks."
            ).format(
                checked=checked,
                total=len(DUTIES),
                rounds=len(pd.rounds),
                recorded=recorded,
                changes=changes,
            )
        )

    def _show_detail(self, item: QTreeWidgetItem | None) -> None:
        text = item.data(4, Qt.ItemDataRole.UserRole) if item is not None else None
        self.detail.setPlainText(str(text or (item.text(4) if item is not None else "")))

    # -- changes ------------------------------------------------------------------------------

    def record_check(self) -> None:
        actor = self.session.actor()
        self.session.write(
            lambda case: checks.record_check(case, actor=actor),
            lambda _ids: self.refresh(),
            lambda exc: show_error(self, self.tr("Check not recorded"), exc),
            title="record duty check",
        )

    def add_finding(self) -> None:
        dialog = OperatorFindingDialog([r.platform for r in self.results], self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        actor = self.session.actor()
        self.session.write(
            lambda case: checks.add_operator_finding(case, actor=actor, **values),
            lambda _id: self.refresh(),
            lambda exc: show_error(self, self.tr("Finding not added"), exc),
            changed_ids=[values["item_id"]],
            title="operator duty finding",
        )

    # -- language -----------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels(
            [
                self.tr("Duty"),
                self.tr("Finding"),
                self.tr("Observed (UTC)"),
                self.tr("Exhibit items"),
                self.tr("What the record shows"),
            ]
        )
        self.refresh_button.setText(self.tr("Re-check"))
        self.record_button.setText(self.tr("Record this check"))
        self.finding_button.setText(self.tr("Add operator's finding…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self._show()
        super().changeEvent(event)
