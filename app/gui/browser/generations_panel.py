"""The capture workspace's right-hand panel: the generations recorded in this case.

Each generation is listed with its prompt verbatim, its outputs (the bytes as served), how it
was bound, and the operator's review (confirm, remove or add an output, a note on the
prompt). The panel reads through the case's read-only view and only *asks* for a review
action (``correctionRequested``); the workspace writes it through the case's single writer,
as a correction beside the record, never over it. Below the review, the problems of the last
session ("Not seen") are listed.

Its strings keep the ``CaptureWorkspace`` translation context they had before the split, so
the shipped translations still find them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.capture import store

THUMB = 96


class GenerationsPanel(QWidget):
    """Generations of one case with their review actions (see the module docstring)."""

    correctionRequested = Signal(str, str)  # action, value — for the selected generation
    message = Signal(str)  # a line for the workspace's status

    def __init__(self, access: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.access = access  # anything with a read-only ``view`` of the case
        self._generations: dict[int, store.GenerationView] = {}
        self._build_widgets()
        self._build_layout()
        self.remove_button.clicked.connect(self._remove_clicked)
        self.add_button.clicked.connect(self._add_clicked)
        self.note_button.clicked.connect(self._note_clicked)
        self.confirm_button.clicked.connect(lambda: self.correctionRequested.emit("confirm", ""))
        self.show_generation()

    def _build_widgets(self) -> None:
        self.generation_list = QListWidget(self)
        self.generation_list.setIconSize(QSize(40, 40))
        self.generation_list.currentRowChanged.connect(lambda _row: self.show_generation())
        self.prompt_view = QPlainTextEdit(self)
        self.prompt_view.setReadOnly(True)
        self.prompt_view.setMaximumHeight(96)
        self.generation_facts = QLabel(self)
        self.generation_facts.setWordWrap(True)
        self.generation_facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.output_list = QListWidget(self)
        self.output_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.output_list.setIconSize(QSize(THUMB, THUMB))
        self.output_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.output_list.setMaximumHeight(THUMB + 48)
        self.confirm_button = QPushButton(
            QCoreApplication.translate("CaptureWorkspace", "Confirm binding"), self
        )
        self.remove_button = QPushButton(
            QCoreApplication.translate("CaptureWorkspace", "Remove output"), self
        )
        self.add_button = QPushButton(
            QCoreApplication.translate("CaptureWorkspace", "Add output…"), self
        )
        self.note_button = QPushButton(
            QCoreApplication.translate("CaptureWorkspace", "Note on prompt…"), self
        )
        self.corrections_view = QLabel(self)
        self.corrections_view.setWordWrap(True)
        self.corrections_view.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.corrections_view.setMinimumHeight(72)
        self.problem_title = QLabel(
            QCoreApplication.translate(
                "CaptureWorkspace", "<b>Not seen</b> — problems of the last session"
            ),
            self,
        )
        self.problem_list = QListWidget(self)
        self.problem_list.setWordWrap(True)
        self.problem_list.setMaximumHeight(110)
        self.problem_title.hide()
        self.problem_list.hide()

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        title = QLabel(
            QCoreApplication.translate(
                "CaptureWorkspace", "<b>Generations</b> — each prompt and the images it produced"
            ),
            self,
        )
        layout.addWidget(title)
        layout.addWidget(self.generation_list, 2)
        layout.addWidget(
            QLabel(
                QCoreApplication.translate("CaptureWorkspace", "Prompt (verbatim, as sent)"), self
            )
        )
        layout.addWidget(self.prompt_view)
        layout.addWidget(self.generation_facts)
        layout.addWidget(
            QLabel(
                QCoreApplication.translate("CaptureWorkspace", "Outputs (bytes as served)"), self
            )
        )
        layout.addWidget(self.output_list)
        buttons = QHBoxLayout()
        for b in self.review_buttons():
            buttons.addWidget(b)
        layout.addLayout(buttons)
        layout.addWidget(self.corrections_view)
        layout.addWidget(self.problem_title)
        layout.addWidget(self.problem_list)
        layout.addStretch(1)

    def review_buttons(self) -> tuple[QPushButton, ...]:
        return (self.confirm_button, self.remove_button, self.add_button, self.note_button)

    # -- the list ---------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        """Re-read the generations (newest first); keep or move to ``select_id``."""
        current = self.selected_generation_id()
        views = store.list_generations(self.access.view)
        self._generations = {v.id: v for v in views}
        self.generation_list.blockSignals(True)
        self.generation_list.clear()
        for v in reversed(views):  # newest first
            mark = " ✓" if v.confirmed else ""
            text = f"#{v.id}  {v.prompt[:80]}\n{len(v.outputs)} output(s) · {v.binding}{mark}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            if v.outputs:
                item.setIcon(self._thumbnail(v.outputs[0]["sha256"]))
            self.generation_list.addItem(item)
        self.generation_list.blockSignals(False)
        wanted = select_id if select_id is not None else current
        for row in range(self.generation_list.count()):
            if self.generation_list.item(row).data(Qt.ItemDataRole.UserRole) == wanted:
                self.generation_list.setCurrentRow(row)
                break
        else:
            if self.generation_list.count():
                self.generation_list.setCurrentRow(0)
        self.show_generation()

    def selected_generation_id(self) -> int | None:
        item = self.generation_list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _thumbnail(self, sha256: str) -> QIcon:
        pixmap = QPixmap(str(self.access.view.objects.path_for(sha256)))
        if pixmap.isNull():
            return QIcon()
        return QIcon(
            pixmap.scaled(
                THUMB,
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    # -- the selected generation ------------------------------------------------------------

    def show_generation(self) -> None:
        """Show the selected generation's prompt, facts, outputs and review."""
        gen_id = self.selected_generation_id()
        view = self._generations.get(gen_id) if gen_id is not None else None
        for b in self.review_buttons():
            b.setEnabled(view is not None)
        self.output_list.clear()
        if view is None:
            self.prompt_view.setPlainText("")
            self.generation_facts.setText(
                QCoreApplication.translate(
                    "CaptureWorkspace",
                    "No generation recorded yet. Turn on Record and submit a prompt.",
                )
            )
            self.corrections_view.setText("")
            return
        self.prompt_view.setPlainText(view.prompt)
        self.generation_facts.setText(generation_facts_html(view))
        for out in view.outputs:
            item = QListWidgetItem(self._thumbnail(out["sha256"]), f"item {out['item_id']}")
            item.setData(Qt.ItemDataRole.UserRole, out["item_id"])
            item.setToolTip(f"{out['url']}\nSHA-256 {out['sha256']}")
            self.output_list.addItem(item)
        self.corrections_view.setText(corrections_html(view))

    def show_problems(self, problems: list[str]) -> None:
        """List what the session did not see (a prompt with no generation, an unbound
        image, a body that could not be read, a stream open at stop), one line each."""
        self.problem_list.clear()
        for problem in problems:
            self.problem_list.addItem(QListWidgetItem("⚠ " + problem))
        self.problem_title.setVisible(bool(problems))
        self.problem_list.setVisible(bool(problems))

    # -- review buttons ---------------------------------------------------------------------

    def _remove_clicked(self) -> None:
        item = self.output_list.currentItem()
        if item is None:
            self.message.emit(
                QCoreApplication.translate("CaptureWorkspace", "Select the output to remove first.")
            )
            return
        self.correctionRequested.emit(
            "remove-output", str(int(item.data(Qt.ItemDataRole.UserRole)))
        )

    def _add_clicked(self) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setIntRange(1, 2**31 - 1)
        dialog.setLabelText(
            QCoreApplication.translate(
                "CaptureWorkspace", "Id of the item that is also an output of this prompt:"
            )
        )
        dialog.intValueSelected.connect(
            lambda item_id: self.correctionRequested.emit("add-output", str(item_id))
        )
        dialog.open()
        return dialog

    def _note_clicked(self) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setLabelText(
            QCoreApplication.translate(
                "CaptureWorkspace", "Note on the prompt (kept beside the record):"
            )
        )
        dialog.textValueSelected.connect(
            lambda text: (
                self.correctionRequested.emit("prompt-note", text) if text.strip() else None
            )
        )
        dialog.open()
        return dialog


def generation_facts_html(view: store.GenerationView) -> str:
    """Negative prompt, where it was sent, when, job id, binding, and what was typed if it
    differs from what was sent; one escaped line each."""
    lines = [
        QCoreApplication.translate("CaptureWorkspace", "Negative prompt: {v}").format(
            v=view.negative_prompt
        )
        if view.negative_prompt
        else "",
        QCoreApplication.translate("CaptureWorkspace", "Sent to: {url}").format(
            url=view.request_url
        ),
        QCoreApplication.translate("CaptureWorkspace", "Submitted {a} · returned {b}").format(
            a=short_time(view.submitted_at), b=short_time(view.returned_at)
        ),
        QCoreApplication.translate("CaptureWorkspace", "Job id: {j}").format(j=view.job_id)
        if view.job_id
        else "",
        QCoreApplication.translate("CaptureWorkspace", "Bound by: {b}").format(
            b=binding_label(view.binding)
        ),
    ]
    typed = view.facts.get("as_typed") or {}
    if typed and typed.get("matches_sent_prompt") is False:
        lines.append(
            QCoreApplication.translate("CaptureWorkspace", "As typed in the page: {v}").format(
                v=typed.get("prompt_field_value")
            )
        )
    return "<br>".join(escape(line) for line in lines if line)


def corrections_html(view: store.GenerationView) -> str:
    """The operator's review kept beside the record, one line per correction."""
    if not view.corrections:
        return QCoreApplication.translate("CaptureWorkspace", "Not yet reviewed by the operator.")
    return (
        QCoreApplication.translate("CaptureWorkspace", "Operator review (kept beside the record):")
        + "<br>"
        + "<br>".join(
            escape(
                f"{short_time(c['at_utc'])} · {c['actor']} · "
                f"{correction_label(c['action'])}" + (f" “{c['value']}”" if c["value"] else "")
            )
            for c in view.corrections
        )
    )


# Labels built in plain functions are translated in the workspace's own context, with literal
# strings so lupdate files them where Qt looks them up at run time.
def binding_label(binding: str) -> str:
    return {
        "same-response": QCoreApplication.translate(
            "CaptureWorkspace", "the prompt's own response named these images"
        ),
        "job-id": QCoreApplication.translate(
            "CaptureWorkspace", "the job id of the prompt's response"
        ),
        "time-window": QCoreApplication.translate(
            "CaptureWorkspace", "time only (images that followed the prompt) — please review"
        ),
        "none": QCoreApplication.translate("CaptureWorkspace", "no images came back"),
    }.get(binding, binding)


def correction_label(action: str) -> str:
    return {
        "confirm": QCoreApplication.translate("CaptureWorkspace", "confirmed the binding"),
        "add-output": QCoreApplication.translate("CaptureWorkspace", "added output item"),
        "remove-output": QCoreApplication.translate("CaptureWorkspace", "removed output item"),
        "prompt-note": QCoreApplication.translate("CaptureWorkspace", "noted on the prompt"),
    }.get(action, action)


def short_time(iso: str | None) -> str:
    """ISO UTC text as 'YYYY-MM-DD HH:MM:SS UTC' (the stored value keeps microseconds)."""
    if not iso:
        return "–"
    return iso[:19].replace("T", " ") + " UTC"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
