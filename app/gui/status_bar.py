"""The case window's status bar: the case, how many items (and how many a search found by a
screenshot's OCR text), pending attestations, read-only mode and the running job.

Refreshed often (after every change, and every 1.5 s while a job runs), so it only reads
counts; the OCR text search behind "n by text in the image" runs again only when the search
text or the case changed (SQLite's ``data_version`` on the window's read-only view moves when
any other connection commits), not on every refresh. Its strings keep the ``MainWindow``
translation context they had before the split; the plural ones (``%n item(s)``…) come from
the window's ``count_text`` (lupdate files numerus forms only from ``tr()`` calls).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.core.rows import named_row
from app.gui.models import ItemTableModel
from app.gui.session import CaseSession

READ_ONLY_STYLE = "color: #a50e0e; font-weight: bold"


class CaseStatusBar(QObject):
    """Fills ``bar`` with the case's labels and keeps them current (see the module docstring)."""

    def __init__(
        self,
        bar: QStatusBar,
        session: CaseSession,
        model: ItemTableModel,
        owner: QWidget,
        count_text: Callable[[str, int], str],
    ) -> None:
        """``count_text(kind, n)`` gives the plural texts: kind is "items", "pending" or
        "ocr" (see :meth:`~app.gui.main_window.MainWindow.count_text`)."""
        super().__init__(owner)
        self.bar = bar
        self.count_text = count_text
        self.session = session
        self.model = model
        self.case_label = self._label(owner, "statusCase")
        self.items_label = self._label(owner, "statusItems")
        self.pending_label = self._label(owner, "statusPending")
        self.mode_label = self._label(owner, "statusMode")
        self.mode_label.setStyleSheet(READ_ONLY_STYLE)  # once: update() runs every 1.5 s
        self.job_label = self._label(owner, "statusJob")
        self._ocr_key: tuple[str, int] | None = None
        self._ocr_found = 0
        self.ocr_searches = 0  # how often the OCR search really ran (for tests)
        bar.addWidget(self.case_label, 1)
        bar.addPermanentWidget(self.job_label)

    def add_counts(self) -> None:
        """Place the items, pending and mode labels (after what others put in the bar)."""
        self.bar.addPermanentWidget(self.items_label)
        self.bar.addPermanentWidget(self.pending_label)
        self.bar.addPermanentWidget(self.mode_label)

    @staticmethod
    def _label(owner: QWidget, name: str) -> QLabel:
        label = QLabel(owner)
        label.setObjectName(name)
        return label

    def update(self) -> None:
        """Re-read the counts and the running job into the labels."""
        session = self.session
        self.case_label.setText(
            QCoreApplication.translate("MainWindow", "Case: {title} — {path}").format(
                title=session.title, path=session.path
            )
        )
        self.items_label.setText(self.items_text())
        self.pending_label.setText(self.count_text("pending", session.pending_attestations()))
        self.mode_label.setText(
            QCoreApplication.translate("MainWindow", "READ-ONLY") if session.read_only else ""
        )
        self.mode_label.setVisible(session.read_only)
        active = session.writer.active()
        self.job_label.setText(
            QCoreApplication.translate("MainWindow", "Working: {task}").format(task=active[0].title)
            if active
            else ""
        )

    def items_text(self) -> str:
        """ "12 item(s)", "3 of 12 item(s) shown", and " · 2 by text in the image (OCR)"."""
        total = self.session.item_count()
        shown = self.model.total
        text = self.count_text("items", total)
        if shown != total:
            text = QCoreApplication.translate("MainWindow", "{shown} of {text} shown").format(
                shown=shown, text=text
            )
        search = self.model.item_filter.text
        if search:
            found = self.ocr_found(search)
            if found:
                text += " · " + self.count_text("ocr", found)
        return text

    def ocr_found(self, search: str) -> int:
        """How many items' OCR text contains ``search``; searched again only when the text
        or the case changed since the last search."""
        key = (search, self._case_version())
        if key != self._ocr_key:
            from app.core.ocr import search_ids  # results found by a screenshot's OCR text

            self._ocr_found = len(search_ids(self.session.view, search))
            self._ocr_key = key
            self.ocr_searches += 1
        return self._ocr_found

    def _case_version(self) -> int:
        """Moves whenever another connection (the case's writer) commits."""
        row = named_row(self.session.view.conn, "PRAGMA data_version")
        assert row is not None  # the pragma always answers one row
        return int(row["data_version"])

    def tick(self) -> None:
        """While a job runs (or its line is still shown), follow it."""
        if self.session.writer.busy or self.job_label.text():
            self.update()
