"""The start screen: recent cases, create a case, open a case.

Recent cases are paths in the user's settings file; a case that has gone missing stays
listed (greyed, with the reason) until the user removes it, because a moved USB drive is
more likely than a deleted case.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.config import default_operator, load_settings, save_settings
from app.core.case import CASE_SUFFIX, DB_NAME
from app.gui.i18n import LANGUAGES

MAX_RECENT = 12


def recent_cases() -> list[Path]:
    value = load_settings().get("recent_cases")
    if not isinstance(value, list):
        return []
    return [Path(v) for v in value if isinstance(v, str)]


def remember_case(path: Path) -> None:
    settings = load_settings()
    paths = [str(path)] + [str(p) for p in recent_cases() if p != path]
    settings["recent_cases"] = paths[:MAX_RECENT]
    save_settings(settings)


def forget_case(path: Path) -> None:
    settings = load_settings()
    settings["recent_cases"] = [str(p) for p in recent_cases() if p != path]
    save_settings(settings)


class NewCaseDialog(QDialog):
    """Where the new case folder goes, its title and the operator's name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newCaseDialog")
        self.setWindowTitle(self.tr("New case"))
        self.title = QLineEdit(self)
        self.title.setObjectName("newCaseTitle")
        self.folder = QLineEdit(str(Path.home()), self)
        self.folder.setObjectName("newCaseFolder")
        browse = QPushButton(self.tr("Browse…"), self)
        self.operator = QLineEdit(default_operator(), self)
        self.operator.setObjectName("newCaseOperator")
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Case title"), self.title)
        form.addRow(self.tr("Create in folder"), folder_row)
        form.addRow(self.tr("Operator"), self.operator)
        form.addRow(self.result_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        browse.clicked.connect(self._browse)
        self.title.textChanged.connect(self._update)
        self.folder.textChanged.connect(self._update)
        self._update()
        self.resize(560, 220)

    def _browse(self) -> None:
        dialog = QFileDialog(self, self.tr("Folder for the new case"), self.folder.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.folder.setText)
        dialog.open()

    def case_path(self) -> Path | None:
        title = self.title.text().strip()
        if not title:
            return None
        safe = "".join(c if c.isalnum() or c in " -_." else "_" for c in title).strip(" .")
        return Path(self.folder.text().strip()).expanduser() / f"{safe or 'Case'}{CASE_SUFFIX}"

    def _update(self) -> None:
        path = self.case_path()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(path is not None)
        self.result_label.setText(
            self.tr("The case will be the folder {path}").format(path=path) if path else ""
        )


class StartWindow(QWidget):
    """Shown when no case is open."""

    open_requested = Signal(Path)
    create_requested = Signal(Path, str, str)  # path, title, operator
    language_requested = Signal(str)
    settings_requested = Signal()

    def __init__(self, current_language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startWindow")
        self.heading = QLabel(self)
        self.heading.setObjectName("startHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.heading.setFont(font)
        self.tagline = QLabel(self)
        self.tagline.setWordWrap(True)
        self.recent_label = QLabel(self)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recentCases")
        self.recent.setAlternatingRowColors(True)
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newCaseButton")
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("openCaseButton")
        self.open_recent_button = QPushButton(self)
        self.forget_button = QPushButton(self)
        self.settings_button = QPushButton(self)
        self.language = QComboBox(self)
        self.language.setObjectName("startLanguage")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language)))

        side = QVBoxLayout()
        for b in (self.new_button, self.open_button, self.open_recent_button, self.forget_button):
            side.addWidget(b)
        side.addStretch(1)
        side.addWidget(self.settings_button)
        side.addWidget(self.language)
        body = QHBoxLayout()
        list_col = QVBoxLayout()
        list_col.addWidget(self.recent_label)
        list_col.addWidget(self.recent, 1)
        body.addLayout(list_col, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.heading)
        layout.addWidget(self.tagline)
        layout.addSpacing(8)
        layout.addLayout(body, 1)

        self.new_button.clicked.connect(self.ask_new_case)
        self.open_button.clicked.connect(self.ask_open_case)
        self.open_recent_button.clicked.connect(self._open_selected)
        self.forget_button.clicked.connect(self._forget_selected)
        self.settings_button.clicked.connect(self.settings_requested.emit)
        self.recent.itemActivated.connect(lambda item: self._open_item(item))
        self.recent.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.language.currentIndexChanged.connect(
            lambda _: self.language_requested.emit(str(self.language.currentData()))
        )
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.ask_new_case)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Open), self, self.ask_open_case)
        self.new_dialog: NewCaseDialog | None = None
        self.open_dialog: QFileDialog | None = None
        self.retranslate_ui()
        self.resize(820, 520)

    # -- recent list --------------------------------------------------------------------------

    def refresh_recent(self) -> None:
        self.recent.clear()
        for path in recent_cases():
            present = (path / DB_NAME).is_file()
            text = f"{path.name.removesuffix(CASE_SUFFIX)}\n{path}"
            if not present:
                text += "  — " + self.tr("not found (moved, renamed, or on a drive not connected)")
            item = QListWidgetItem(text, self.recent)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            if not present:
                item.setForeground(self.palette().placeholderText())
        if self.recent.count():
            self.recent.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.recent.currentItem() is not None
        self.open_recent_button.setEnabled(has)
        self.forget_button.setEnabled(has)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(Path(item.data(Qt.ItemDataRole.UserRole)))

    def _open_selected(self) -> None:
        item = self.recent.currentItem()
        if item is not None:
            self._open_item(item)

    def _forget_selected(self) -> None:
        item = self.recent.currentItem()
        if item is not None:
            forget_case(Path(item.data(Qt.ItemDataRole.UserRole)))
            self.refresh_recent()

    # -- create / open ---------------------------------------------------------------------------

    def ask_new_case(self) -> NewCaseDialog:
        dialog = NewCaseDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._create(
                dialog.case_path(), dialog.title.text().strip(), dialog.operator.text().strip()
            )
        )
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def _create(self, path: Path | None, title: str, operator: str) -> None:
        if path is not None:
            self.create_requested.emit(path, title, operator)

    def ask_open_case(self) -> QFileDialog:
        dialog = QFileDialog(
            self, self.tr("Open a case folder (…{suffix})").format(suffix=CASE_SUFFIX)
        )
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda p: self.open_requested.emit(Path(p)))
        self.open_dialog = dialog
        dialog.open()
        return dialog

    # -- language -------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Proofshot"))
        self.heading.setText(self.tr("Proofshot"))
        self.tagline.setText(
            self.tr(
                "Capture, hash, timestamp and compare AI-generated images as evidence. "
                "Open a case to continue, or create a new one."
            )
        )
        self.recent_label.setText(self.tr("Recent cases"))
        self.new_button.setText(self.tr("New case…"))
        self.new_button.setToolTip(self.tr("Create a new case folder (Ctrl+N)"))
        self.open_button.setText(self.tr("Open case…"))
        self.open_button.setToolTip(self.tr("Open an existing case folder (Ctrl+O)"))
        self.open_recent_button.setText(self.tr("Open selected"))
        self.forget_button.setText(self.tr("Remove from list"))
        self.forget_button.setToolTip(
            self.tr("Removes the entry only; the case itself is not touched.")
        )
        self.settings_button.setText(self.tr("Settings…"))
        self.refresh_recent()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
