"""The capture workspace's top bar: navigation (back, forward, reload, address, Go) and the
capture controls (site account, Record, Capture now, Mark last capture as…); and the notice
line shown under it.

It only shows and enables controls; the workspace wires them to the browser pane and the
capture session. Its strings keep the ``CaptureWorkspace`` translation context they had
before the split, so the shipped translations still find them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QWidget,
)

RECORDING_STYLE = "color:#b00020;font-weight:bold;"


class CaptureToolbar(QWidget):
    """Navigation and capture controls in one row (see the module docstring)."""

    loadRequested = Signal(str)  # the address typed (Return or Go)
    markChosen = Signal(str)  # a page role picked in "Mark last capture as…"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_navigation()
        self._build_capture_controls()
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 6, 6, 0)
        for w in (self.back_button, self.forward_button, self.reload_button):
            row.addWidget(w)
        row.addWidget(self.address, 1)
        row.addWidget(self.go_button)
        row.addSpacing(12)
        row.addWidget(self.account)
        row.addWidget(self.record_button)
        row.addWidget(self.capture_button)
        row.addWidget(self.mark_box)
        self.address.returnPressed.connect(lambda: self.loadRequested.emit(self.address.text()))
        self.go_button.clicked.connect(lambda: self.loadRequested.emit(self.address.text()))
        self.mark_box.activated.connect(self._mark_chosen)

    def _build_navigation(self) -> None:
        style = self.style()
        self.back_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack),
            QCoreApplication.translate("CaptureWorkspace", "Back"),
        )
        self.forward_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward),
            QCoreApplication.translate("CaptureWorkspace", "Forward"),
        )
        self.reload_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload),
            QCoreApplication.translate("CaptureWorkspace", "Reload"),
        )
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(
            QCoreApplication.translate("CaptureWorkspace", "Address of the AI site (https://…)")
        )
        self.address.setClearButtonEnabled(True)
        self.go_button = QPushButton(QCoreApplication.translate("CaptureWorkspace", "Go"), self)
        self.go_button.setMaximumWidth(60)

    def _build_capture_controls(self) -> None:
        self.account = QLineEdit(self)
        self.account.setPlaceholderText(
            QCoreApplication.translate("CaptureWorkspace", "Site account")
        )
        self.account.setToolTip(
            QCoreApplication.translate(
                "CaptureWorkspace",
                "Name the site account you use; it is recorded by name. Cookies and passwords "
                "stay in this browser's private memory and never enter the case.",
            )
        )
        self.account.setMaximumWidth(200)
        self.record_button = QPushButton(
            QCoreApplication.translate("CaptureWorkspace", "● Record"), self
        )
        self.record_button.setCheckable(True)
        self.record_button.setToolTip(
            QCoreApplication.translate(
                "CaptureWorkspace",
                "Record every exchange, the session video and the prompts you submit.",
            )
        )
        self.capture_button = QPushButton(
            QCoreApplication.translate("CaptureWorkspace", "Capture now"), self
        )
        self.capture_button.setToolTip(
            QCoreApplication.translate(
                "CaptureWorkspace",
                "Store this page: full-page and visible screenshots, its HTML and MHTML, and "
                "every image shown, as the bytes the server sent.",
            )
        )
        self.mark_box = QComboBox(self)
        self.mark_box.addItem(
            QCoreApplication.translate("CaptureWorkspace", "Mark last capture as…"), ""
        )
        for role, label in page_role_labels().items():
            self.mark_box.addItem(label, role)
        self.mark_box.setEnabled(False)

    def _tool(self, icon: Any, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icon)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    def _mark_chosen(self, index: int) -> None:
        role = self.mark_box.itemData(index)
        self.mark_box.setCurrentIndex(0)
        if role:
            self.markChosen.emit(str(role))

    # -- state ------------------------------------------------------------------------------

    def set_address(self, url: str) -> None:
        self.address.setText(url)

    def set_history(self, *, can_go_back: bool, can_go_forward: bool) -> None:
        self.back_button.setEnabled(can_go_back)
        self.forward_button.setEnabled(can_go_forward)

    def set_controls(self, *, usable: bool, recording: bool, can_mark: bool) -> None:
        """Record and Capture now only with a free session; the account is fixed while
        recording; marking needs a last capture."""
        self.record_button.setEnabled(usable)
        self.capture_button.setEnabled(usable)
        self.account.setEnabled(usable and not recording)
        self.mark_box.setEnabled(can_mark)

    def set_recording_look(self, on: bool) -> None:
        """Record button as "■ Stop recording" in red while a session records."""
        if on:
            self.record_button.setText(
                QCoreApplication.translate("CaptureWorkspace", "■ Stop recording")
            )
            self.record_button.setStyleSheet(RECORDING_STYLE)
        else:
            self.record_button.setText(QCoreApplication.translate("CaptureWorkspace", "● Record"))
            self.record_button.setStyleSheet("")

    def uncheck_record_quietly(self) -> None:
        """Put Record back off without emitting ``toggled`` (no session to record with)."""
        self.record_button.blockSignals(True)
        self.record_button.setChecked(False)
        self.record_button.blockSignals(False)


class NoticeBar(QLabel):
    """A yellow line under the bar for what the page did that needs the operator (a pop-up
    not opened, a download that failed); a link in it opens its address in this tab."""

    linkOpened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("background:#fff4ce;color:#3d3000;padding:4px 8px;border-radius:3px;")
        self.hide()
        self.linkActivated.connect(self._link)

    def show_notice(self, html: str) -> None:
        self.setText(html)
        self.show()

    def _link(self, url: str) -> None:
        self.hide()
        self.linkOpened.emit(url)


# Labels built in plain functions are translated in the workspace's own context, with literal
# strings so lupdate files them where Qt looks them up at run time.
def page_role_labels() -> dict[str, str]:
    """The roles a captured page can be marked as, with their shown labels."""
    return {
        "terms": QCoreApplication.translate("CaptureWorkspace", "Terms of service"),
        "ai-label": QCoreApplication.translate("CaptureWorkspace", "AI labelling statement"),
        "complaint": QCoreApplication.translate("CaptureWorkspace", "Complaint page"),
        "home": QCoreApplication.translate("CaptureWorkspace", "Home page"),
        "recommendation": QCoreApplication.translate("CaptureWorkspace", "Recommendation page"),
        "model-page": QCoreApplication.translate("CaptureWorkspace", "Model page"),
    }
