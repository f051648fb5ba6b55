"""Message boxes opened with ``open()``, never ``exec()``: the event loop keeps running,
jobs keep delivering, and tests can read and close a box without blocking.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import ProofshotError


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    details: str = "",
    informative: str = "",
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    on_finished: Callable[[QMessageBox.StandardButton | int], None] | None = None,
    object_name: str = "",
) -> QMessageBox:
    """Open a window-modal box and return it; ``on_finished`` gets the button pressed."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        box.setObjectName(object_name)
    if informative:
        box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    if on_finished is not None:
        box.finished.connect(lambda result: on_finished(result))
    box.open()
    return box


def error_text(exc: BaseException) -> tuple[str, str]:
    """The sentence to show for an error, and technical details for the "Show details" pane.

    The core's errors are already complete sentences for users; anything else is a bug or an
    environment failure, shown with its type and traceback so it can be reported.
    """
    if isinstance(exc, ProofshotError):
        return str(exc), ""
    if isinstance(exc, OSError):
        text = QCoreApplication.translate("Messages", "The operation failed: {reason}.").format(
            reason=exc.strerror or str(exc)
        )
        return text, "".join(traceback.format_exception(exc))
    text = QCoreApplication.translate(
        "Messages",
        "Something unexpected went wrong ({kind}). Nothing was changed by the failed step.",
    ).format(kind=type(exc).__name__)
    return text, "".join(traceback.format_exception(exc))


def status_text(exc: BaseException) -> str:
    """One line for a status label or a ``failed`` signal: a core error as written (already a
    sentence for users), anything else with its type so it can be reported."""
    return str(exc) if isinstance(exc, ProofshotError) else f"{type(exc).__name__}: {exc}"


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> QMessageBox:
    text, details = error_text(exc)
    return show_message(
        parent, title, text, icon=QMessageBox.Icon.Warning, details=details, object_name="errorBox"
    )
