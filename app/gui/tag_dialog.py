"""Tag or untag every selected item at once, with completion from the case's tags."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class TagDialog(QDialog):
    """``remove=False``: type or pick a tag to add; ``remove=True``: pick one of ``choices``."""

    def __init__(
        self, count: int, choices: list[str], *, remove: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tagDialog")
        self.remove = remove
        self.setWindowTitle(self.tr("Remove a tag") if remove else self.tr("Tag selected items"))
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        if remove:
            self.label.setText(self.tr("Remove which tag from the %n selected item(s)?", "", count))
        else:
            self.label.setText(self.tr("Add a tag to the %n selected item(s):", "", count))
        self.tag = QComboBox(self)
        self.tag.setObjectName("tagDialogTag")
        self.tag.setEditable(not remove)
        self.tag.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.tag.addItems(choices)
        if not remove:
            self.tag.setEditText("")
            completer = self.tag.completer()
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        note = QLabel(self.tr("Each tag change is written to the custody log."), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.tag)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(380, 160)

    def value(self) -> str:
        return self.tag.currentText().strip()
