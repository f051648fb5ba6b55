"""OCR in the background: screenshots are recognised soon after they are imported or captured.

The engine runs in a pool of its own (two workers: both cores, and thumbnails never wait
behind it); each result is stored through the session's writer thread, one small
transaction per image, so tags and notes are never held up for a whole batch. The window
shows "Recognising text n/m" with a Cancel button; cancelling drops the images not yet
started, and what was stored stays. Reading and recognising never touch an item's bytes.

``PROOFSHOT_OCR_AUTO=0`` turns the automatic run off (the test suite does, except where it
tests this); ``proofshot ocr`` and :meth:`BackgroundOcr.start` still work.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QToolButton, QWidget

from app.core import ocr
from app.core.jobs import CancelToken
from app.core.rows import named_cursor
from app.gui.session import CaseSession
from app.gui.tasks import TaskHandle, TaskRunner

SETTLE_MS = 400


def auto_enabled() -> bool:
    return (
        os.environ.get("PROOFSHOT_OCR_AUTO", "1") != "0" and shutil.which("tesseract") is not None
    )


class BackgroundOcr(QObject):
    """Finds items without OCR, recognises them in a pool, stores each result."""

    progressed = Signal(int, int)  # done, total
    finished = Signal(object)  # ocr.OcrOutcome

    def __init__(
        self, session: CaseSession, parent: QObject | None = None, *, auto: bool | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.auto = auto_enabled() if auto is None else auto
        self.pool = TaskRunner(self, workers=min(2, os.cpu_count() or 1))
        self.running = False
        self._cancel = CancelToken()
        self._batch = 0  # results of a cancelled batch that arrive late are ignored
        self._outcome = ocr.OcrOutcome()
        self._total = 0
        self._done = 0
        self._info: ocr.EngineInfo | None = None
        self._actor: str | None = None  # read from the settings once per batch, not per image
        self._given_up: set[int] = set()  # failed in this window: not retried automatically
        self._engine_refused = False  # the engine failed: no automatic run until one succeeds
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._auto_start)

        self.status_widget = QWidget()
        self.status_widget.setObjectName("ocrStatus")
        layout = QHBoxLayout(self.status_widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status_label = QLabel(self.status_widget)
        self.cancel_button = QToolButton(self.status_widget)
        self.cancel_button.setObjectName("ocrCancel")
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.status_label)
        layout.addWidget(self.cancel_button)
        self.status_widget.setVisible(False)
        self.status_bar: QStatusBar | None = None  # set by the window; joined on first use
        session.changed.connect(self._case_changed)
        if self.auto:
            self._settle.start()

    def _case_changed(self, _ids: object) -> None:
        if self.auto and not self.running:
            self._settle.start()

    def _auto_start(self) -> None:
        """The automatic run after a change: the items without a result, except those that
        already failed in this window and not at all while the engine is refused -- else every
        later edit (a tag, a note) would read an unreadable image again. :meth:`start` by
        hand still tries them."""
        if self._engine_refused:
            return
        ids = [i for i in self.pending() if i not in self._given_up]
        if ids:
            self.start(ids)

    def pending(self) -> list[int]:
        view = self.session.view
        if not ocr.has_ocr_tables(view):
            return []
        ids = ocr.eligible_items(view)
        done = set(ocr.latest(view, ids))
        return [i for i in ids if i not in done]

    def start(self, item_ids: list[int] | None = None) -> bool:
        """Recognise ``item_ids`` (default: every eligible item without a result)."""
        session = self.session
        if self.running or session.closed or session.read_only:
            return False
        ids = self.pending() if item_ids is None else list(item_ids)
        if not ids:
            return False
        self.running = True
        self._batch += 1
        self._cancel = CancelToken()
        self._outcome = ocr.OcrOutcome()
        self._total, self._done = len(ids), 0
        self._actor = session.actor()
        paths = {
            int(r["id"]): session.object_path(str(r["sha256"]))
            for r in named_cursor(
                session.view.conn,
                f"SELECT id, sha256 FROM items WHERE id IN ({', '.join('?' * len(ids))})",
                ids,
            )
        }
        self._show_progress()
        batch = self._batch
        # The engine's facts (its version, the models' hashes) are found in the pool: the
        # first time they read tens of MB of models, later only stat them.
        self.pool.run(
            ocr.engine_info,
            lambda info: self._engine_ready(batch, ids, paths, info),
            lambda exc: self._engine_failed(batch, exc),
            title="ocr-engine",
        )
        return True

    def _engine_ready(
        self, batch: int, ids: list[int], paths: dict[int, Any], info: ocr.EngineInfo
    ) -> None:
        """GUI thread: the engine is known; the batch's images go to the pool."""
        if not self.running or batch != self._batch:
            return  # cancelled before the engine answered
        self._info = info
        self._engine_refused = False
        for item_id in ids:
            self._submit(item_id, paths[item_id])

    def _engine_failed(self, batch: int, exc: BaseException) -> None:
        """GUI thread: no engine (or no model): say why; nothing was started."""
        if not self.running or batch != self._batch:
            return
        self.running = False
        self._engine_refused = True
        self.status_label.setText(
            str(exc) if isinstance(exc, ocr.OcrUnavailableError) else f"{type(exc).__name__}: {exc}"
        )
        self.cancel_button.setVisible(False)
        self._show_status()
        self.finished.emit(self._outcome)

    def _submit(self, item_id: int, path: Any) -> TaskHandle:
        cancel, batch = self._cancel, self._batch

        def work() -> tuple[ocr.Recognition, float]:
            cancel.raise_if_cancelled()  # images not yet started when Cancel was pressed
            started = time.monotonic()
            return ocr.recognise(path), time.monotonic() - started

        return self.pool.run(
            work,
            lambda result: self._recognised(batch, item_id, result),
            lambda exc: self._failed(batch, item_id, exc),
            title="ocr",
        )

    def _recognised(self, batch: int, item_id: int, result: tuple[ocr.Recognition, float]) -> None:
        if not self.running or batch != self._batch:
            return  # cancelled while this image was being read: nothing is stored
        recognition, seconds = result
        info = self._info
        assert info is not None
        actor = self._actor

        def store(case: Any) -> int:
            return ocr.record_result(case, item_id, recognition, info, seconds=seconds, actor=actor)

        def stored(_: int) -> None:
            if batch == self._batch:
                self._outcome.recognised.append(item_id)
                self._step()

        self.session.write(
            store,
            stored,
            lambda exc: self._failed(batch, item_id, exc),
            changed_ids=[item_id],
            title="ocr",
        )

    def _failed(self, batch: int, item_id: int, exc: BaseException) -> None:
        if not self.running or batch != self._batch:
            return
        self._outcome.failed[item_id] = f"{type(exc).__name__}: {exc}"
        self._given_up.add(item_id)
        self._step()

    def _step(self) -> None:
        if not self.running:
            return
        self._done += 1
        self.progressed.emit(self._done, self._total)
        self._show_progress()
        if self._done >= self._total:
            self._finish()

    def cancel(self) -> None:
        """Drop the images not yet started; results already stored are kept."""
        if not self.running:
            return
        self._outcome.cancelled = True
        self._cancel.cancel()
        self._finish()

    def _finish(self) -> None:
        if not self.running:
            return
        self.running = False
        self.status_widget.setVisible(False)
        self.finished.emit(self._outcome)

    def _show_progress(self) -> None:
        self.status_label.setText(
            self.tr("Recognising text (OCR) {done}/{total}").format(
                done=self._done, total=self._total
            )
        )
        self.cancel_button.setVisible(True)
        self._show_status()

    def _show_status(self) -> None:
        if self.status_bar is not None and self.status_widget.parent() is None:
            self.status_bar.addPermanentWidget(self.status_widget)
        self.status_widget.setVisible(True)

    def shutdown(self) -> None:
        self._settle.stop()
        self.cancel()
        self.pool.shutdown()
