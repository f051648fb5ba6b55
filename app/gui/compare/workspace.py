"""The compare workspace: an output beside the original it resembles, and the element chart.

A thin shell over :mod:`app.compare.case_matching`. It reads the case through the session's
read-only ``view`` on the GUI thread (item and work lists, the request for a pair, saved
charts), runs the engine in the session's pool (ranking, comparing, decoding and warping
the pictures — no database there), and writes only one thing, a chart, through
``session.write`` with :func:`app.compare.works.save_chart`. A chart is demonstrative: a
record beside the evidence, logged, never a change to an item.

What a person sees:

* an output picker and a work picker ranked by the engine (score and band per work);
* side by side, with zoom and pan linked through the engine's alignment (the same spot of
  the character stays in the middle of both), matched points and the lines joining them on
  demand;
* overlay with an opacity slider, swipe with a divider, and a difference image — each with
  the output warped onto the original by the engine's homography;
* the score, its band and every metric with the sentence that explains it;
* the element chart: numbered region pairs (rectangle, ellipse or arrow on each side) with a
  description, drawn by dragging on each image, listed in a table, saved as a chart (a new
  save supersedes the previous chart of the pair).

The workspace itself holds the pickers, the score and the metrics, and wires two units that
have their own modules and tests: :class:`~app.gui.compare.pair_viewer.PairViewer` (the
pictures in four views) and :class:`~app.gui.compare.chart_editor.ChartEditor` (the chart).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.compare.case_matching import (
    METRIC_LABELS,
    ItemMatches,
    ItemRef,
    LibrarySnapshot,
    PairRequest,
    item_refs,
    open_library,
    pair_request,
    snapshot,
)
from app.compare.scoring import BAND_SENTENCES
from app.core.errors import ProofshotError
from app.gui.compare.chart_editor import ChartEditor
from app.gui.compare.pair_viewer import LoadedPair, PairViewer, load_pair
from app.gui.messages import status_text

BAND_COLOURS = {"high": "#b71c1c", "medium": "#e65100", "low": "#546e7a"}
CANNOT_COLOUR = "#757575"


def _rank(snap: LibrarySnapshot, ref: ItemRef) -> ItemMatches:
    """Worker thread: the works ranked for one item (builds the library's index once)."""
    return open_library(snap).rank_ref(ref)


def _format_value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and abs(value) >= 1 else f"{value:.2f}"
    return str(value)


def metrics_html(record: dict[str, Any]) -> str:
    """The metrics table of a comparison record, each with the sentence that explains it.

    Translated in the workspace's context, with literal strings so lupdate files them there.
    """
    rows = []
    for metric in record.get("metrics") or []:
        label = METRIC_LABELS.get(metric["name"], metric["name"])
        rows.append(
            "<tr>"
            f"<td style='padding:3px 6px 3px 0'><b>{html.escape(label)}</b></td>"
            f"<td style='padding:3px 6px' align='right'>{_format_value(metric['value'])}</td>"
            f"<td style='padding:3px 0'>{html.escape(metric['sentence'])}</td>"
            "</tr>"
        )
    parts = []
    if rows:
        parts.append(
            "<table cellspacing='0' width='100%'><tr>"
            f"<th align='left' style='padding:3px 6px 3px 0'>{html.escape(QCoreApplication.translate('CompareWorkspace', 'Measure'))}</th>"
            f"<th align='right' style='padding:3px 6px'>{html.escape(QCoreApplication.translate('CompareWorkspace', 'Value'))}</th>"
            f"<th align='left' style='padding:3px 0'>{html.escape(QCoreApplication.translate('CompareWorkspace', 'What it means'))}</th>"
            f"</tr>{''.join(rows)}</table>"
        )
    elif record.get("cannot_compare"):
        parts.append(f"<p><b>{html.escape(str(record['cannot_compare']))}</b></p>")
    for note in record.get("notes") or []:
        parts.append(f"<p><i>{html.escape(note)}</i></p>")
    parts.append(
        "<p style='color:#757575'>"
        + html.escape(
            QCoreApplication.translate(
                "CompareWorkspace",
                "Engine {engine}. Measured on the stored files; the evidence is not changed.",
            ).format(engine=record.get("engine", ""))
        )
        + "</p>"
    )
    return "".join(parts)


class CompareWorkspace(QWidget):
    """The pickers, the score and metrics, a :class:`PairViewer` and a :class:`ChartEditor`."""

    ranked = Signal(object)  # ItemMatches for the current item
    compared = Signal(dict)  # the comparison record of the current pair
    chart_saved = Signal(int)  # the new chart's id
    failed = Signal(str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareWorkspace")
        self.session = session
        self._refs: dict[int, ItemRef] = {}
        self._snap: LibrarySnapshot | None = None
        self._ranking: ItemMatches | None = None
        self._rank_token = 0
        self._compare_token = 0
        self._pending = 0
        self._request: PairRequest | None = None
        self._record: dict[str, Any] | None = None
        self._closed = False
        self._wanted_work: int | None = None
        self._build()
        self.retranslate_ui()
        self._started = False
        session.changed.connect(self._case_changed)
        self.destroyed.connect(self._mark_closed)

    def showEvent(self, event: Any) -> None:
        # The first look at the case (and the engine's first ranking, which may analyse every
        # work) waits until the workspace is shown, so a window that never opens the tab pays
        # nothing for it.
        super().showEvent(event)
        if not self._started:
            self.refresh()

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.item_label = QLabel(self)
        self.item_combo = QComboBox(self)
        self.item_combo.setMinimumWidth(240)
        self.item_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.work_label = QLabel(self)
        self.work_combo = QComboBox(self)
        self.work_combo.setMinimumWidth(340)
        self.work_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("compareStatus")
        pickers = QHBoxLayout()
        pickers.addWidget(self.item_label)
        pickers.addWidget(self.item_combo)
        pickers.addSpacing(12)
        pickers.addWidget(self.work_label)
        pickers.addWidget(self.work_combo)
        pickers.addSpacing(12)
        pickers.addWidget(self.status_label, 1)

        # the pictures (their tool row spans the whole workspace, above the splitter)
        self.viewer = PairViewer(self, external_toolbar=True)

        side = self._build_side()

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.viewer)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 420])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(pickers)
        layout.addWidget(self.viewer.toolbar)
        layout.addWidget(self.splitter, 1)

        self.item_combo.currentIndexChanged.connect(self._item_chosen)
        self.work_combo.currentIndexChanged.connect(self._work_chosen)
        # The two units meet only here.
        self.viewer.region_drawn.connect(self.chart.add_region)
        self.viewer.mode_changed.connect(
            lambda mode: self.chart.set_marking_enabled(mode == "side")
        )
        self.chart.elements_changed.connect(self.viewer.set_elements)
        self.chart.marking_changed.connect(self.viewer.set_marking)
        self.chart.side_view_wanted.connect(lambda: self.viewer.set_mode("side"))
        self.chart.saved.connect(self.chart_saved)
        self.chart.failed.connect(self.failed)

    def _build_side(self) -> QWidget:
        """The right column: score, metrics and the chart editor."""
        # the right column: score, metrics, chart
        side = QWidget(self)
        self.band_label = QLabel(side)
        self.band_label.setObjectName("compareBand")
        self.band_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.band_label.setMinimumHeight(34)
        self.band_sentence = QLabel(side)
        self.band_sentence.setWordWrap(True)
        self.band_sentence.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A wrapped label in a splitter can be squeezed below its text: keep two lines.
        self.band_sentence.setMinimumHeight(self.band_sentence.fontMetrics().lineSpacing() * 2 + 6)
        self.metrics_view = QTextBrowser(side)
        self.metrics_view.setObjectName("compareMetrics")
        self.metrics_view.setOpenLinks(False)
        self.metrics_view.setFrameShape(QFrame.Shape.StyledPanel)
        self.metrics_view.setMinimumHeight(140)
        self.chart = ChartEditor(self.session, side)

        side_splitter = QSplitter(Qt.Orientation.Vertical, side)
        metrics_holder = QWidget(side_splitter)
        metrics_layout = QVBoxLayout(metrics_holder)
        metrics_layout.setContentsMargins(0, 0, 0, 0)
        metrics_layout.addWidget(self.band_label)
        metrics_layout.addWidget(self.band_sentence)
        metrics_layout.addWidget(self.metrics_view, 1)
        side_splitter.addWidget(metrics_holder)
        side_splitter.addWidget(self.chart)
        side_splitter.setStretchFactor(0, 1)
        side_splitter.setStretchFactor(1, 1)
        side_splitter.setChildrenCollapsible(False)
        side_splitter.setSizes([440, 400])
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(side_splitter)
        side.setMinimumWidth(380)
        return side

    def retranslate_ui(self) -> None:
        self.item_label.setText(self.tr("Output:"))
        self.work_label.setText(self.tr("Original work:"))
        self.item_combo.setToolTip(self.tr("The image to compare (captures, imports, outputs)"))
        self.work_combo.setToolTip(
            self.tr("The case's original works, ranked by the similarity engine for this output")
        )
        self.viewer.retranslate_ui()
        self.chart.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _mark_closed(self) -> None:
        self._closed = True

    # -- state for callers and tests ----------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Ranking, comparing or saving is under way."""
        return self._pending > 0 or self.chart.busy_saving

    @property
    def mode(self) -> str:
        return self.viewer.mode

    def current_record(self) -> dict[str, Any] | None:
        """The comparison record of the pair on screen (see ``compare_item``)."""
        return self._record

    def current_pair(self) -> tuple[int, int] | None:
        if self._request is None:
            return None
        return self._request.item_id, self._request.work_id

    def set_mode(self, mode: str) -> None:
        """``side``, ``overlay``, ``swipe`` or ``difference`` (see :class:`PairViewer`)."""
        self.viewer.set_mode(mode)

    def save_chart(self) -> bool:
        """Save the pair's chart (see :meth:`ChartEditor.save`)."""
        return self.chart.save()

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _task(self, fn: Any, on_done: Any, title: str) -> None:
        self._pending += 1

        def done(result: Any) -> None:
            self._pending -= 1
            if not self._closed:
                on_done(result)

        def error(exc: BaseException) -> None:
            self._pending -= 1
            if not self._closed:
                self._failed(exc)

        self.session.pool.run(fn, done, error, title=title)

    def _failed(self, exc: BaseException) -> None:
        text = status_text(exc)
        self._set_status(self.tr("Failed: {reason}").format(reason=text))
        self.failed.emit(text)

    # -- lists --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the items and works; re-rank when the library changed."""
        if self.session.closed:
            return
        self._started = True
        view = self.session.view
        old_key = self._snap.key if self._snap is not None else None
        self._snap = snapshot(view)
        refs = item_refs(view)
        extra = [i for i in self._refs if i not in {r.item_id for r in refs}]
        if extra:
            refs += item_refs(view, extra)
        self._refs = {r.item_id: r for r in sorted(refs, key=lambda r: r.item_id)}
        current = self.item_combo.currentData()
        with QSignalBlocker(self.item_combo):
            self.item_combo.clear()
            for ref in self._refs.values():
                self.item_combo.addItem(ref.label, ref.item_id)
                self.item_combo.setItemData(
                    self.item_combo.count() - 1,
                    f"{ref.kind} · {ref.media_type} · {ref.sha256}",
                    Qt.ItemDataRole.ToolTipRole,
                )
            index = self.item_combo.findData(current)
            self.item_combo.setCurrentIndex(index if index >= 0 else (0 if self._refs else -1))
        if not self._snap.works:
            self._set_status(
                self.tr(
                    "This case has no original works yet: add them (proofshot works add) to "
                    "compare outputs with them."
                )
            )
        changed_item = self.item_combo.currentData() != current
        if changed_item or self._snap.key != old_key:
            self._item_chosen()

    def _case_changed(self, ids: object) -> None:
        if self._started and not self._closed and not self.session.closed:
            self.refresh()

    def show_item(self, item_id: int, work_id: int | None = None) -> None:
        """Compare this item (any item of the case), with ``work_id`` or its best-ranked work."""
        if not self._started:
            self.refresh()
        if item_id not in self._refs:
            refs = item_refs(self.session.view, [item_id])
            if not refs:
                raise ProofshotError(f"No item {item_id} in this case.")
            self._refs[item_id] = refs[0]
            self.item_combo.addItem(refs[0].label, item_id)
        self._wanted_work = work_id
        index = self.item_combo.findData(item_id)
        if index == self.item_combo.currentIndex():
            self._item_chosen()
        else:
            self.item_combo.setCurrentIndex(index)

    def _item_chosen(self) -> None:
        item_id = self.item_combo.currentData()
        self._rank_token += 1
        self._ranking = None
        if item_id is None or self._snap is None:
            self._fill_works(None)
            return
        ref = self._refs[int(item_id)]
        snap = self._snap
        self._fill_works(None)
        if not snap.works:
            return
        token = self._rank_token
        self._set_status(self.tr("Ranking the works for {item}…").format(item=ref.label))

        def done(result: ItemMatches) -> None:
            if token == self._rank_token:
                self._ranked(result)

        self._task(lambda: _rank(snap, ref), done, "rank works")

    def _fill_works(self, ranking: ItemMatches | None) -> None:
        """The work picker: ranked works first (score and band), then the others by id."""
        snap = self._snap
        wanted = self._wanted_work
        current = self.work_combo.currentData()
        with QSignalBlocker(self.work_combo):
            self.work_combo.clear()
            ranked_ids: list[int] = []
            if ranking is not None:
                for match in ranking.matches:
                    text = f"{match.score:.2f} {match.band} — {match.title}"
                    self.work_combo.addItem(text, match.work_id)
                    self.work_combo.setItemData(
                        self.work_combo.count() - 1,
                        match.summary,
                        Qt.ItemDataRole.ToolTipRole,
                    )
                    ranked_ids.append(match.work_id)
            for work in snap.works if snap is not None else ():
                if work.work_id not in ranked_ids:
                    note = self.tr("not ranked") if ranking is not None else "…"
                    self.work_combo.addItem(f"{note} — {work.title}", work.work_id)
            target = wanted if wanted is not None else (ranked_ids[0] if ranked_ids else current)
            index = self.work_combo.findData(target)
            if index < 0 and self.work_combo.count():
                index = 0
            self.work_combo.setCurrentIndex(index)

    def _ranked(self, ranking: ItemMatches) -> None:
        self._ranking = ranking
        self._fill_works(ranking)
        self._wanted_work = None
        if ranking.cannot_compare:
            self._set_status(
                self.tr("This output cannot be compared: {reason}").format(
                    reason=ranking.cannot_compare
                )
            )
        elif ranking.flagged and ranking.best is not None:
            self._set_status(
                self.tr("Likely match: {title} (band {band}).").format(
                    title=ranking.best.title, band=ranking.best.band
                )
            )
        else:
            self._set_status(self.tr("No likely match among the case's works."))
        self.ranked.emit(ranking)
        self._work_chosen()

    # -- one pair -----------------------------------------------------------------------------

    # -- one pair -----------------------------------------------------------------------------

    def _work_chosen(self) -> None:
        item_id = self.item_combo.currentData()
        work_id = self.work_combo.currentData()
        if item_id is None or work_id is None:
            return
        try:
            request = pair_request(self.session.view, int(item_id), int(work_id))
        except ProofshotError as exc:
            self._failed(exc)
            return
        self._request = request
        self._record = None
        self.chart.open_pair(request)
        self.viewer.set_request(request)
        self._show_pending()
        self._compare_token += 1
        token = self._compare_token

        def done(loaded: LoadedPair) -> None:
            if token == self._compare_token:
                self._show_loaded(loaded)

        self._task(lambda: load_pair(request), done, "compare pair")

    def _show_pending(self) -> None:
        text = self.tr("Comparing…")
        self.band_label.setText(text)
        self.band_label.setStyleSheet(
            f"background: {CANNOT_COLOUR}; color: white; font-weight: bold; border-radius: 4px;"
        )
        self.band_sentence.setText("")
        self.metrics_view.setPlainText("")

    def _show_loaded(self, loaded: LoadedPair) -> None:
        self._record = loaded.record
        self.viewer.show_loaded(loaded)
        self._show_metrics(loaded.record)
        self.chart.set_record(loaded.record)
        self.compared.emit(loaded.record)

    def _show_metrics(self, record: dict[str, Any]) -> None:
        band = record.get("band")
        if record.get("cannot_compare"):
            self.band_label.setText(self.tr("CANNOT COMPARE"))
            colour = CANNOT_COLOUR
            self.band_sentence.setText(
                self.tr("No score is given for this pair; the reason is below.")
            )
        else:
            self.band_label.setText(
                self.tr("Band {band} · score {score}").format(
                    band=str(band).upper(), score=f"{float(record['score']):.3f}"
                )
            )
            colour = BAND_COLOURS.get(str(band), CANNOT_COLOUR)
            self.band_sentence.setText(
                self.tr("{sentence} (a score from 0 to 1 computed from the stored files).").format(
                    sentence=BAND_SENTENCES.get(str(band), "").capitalize()
                )
            )
        self.band_label.setStyleSheet(
            f"background: {colour}; color: white; font-weight: bold; font-size: 14px;"
            " border-radius: 4px; padding: 4px;"
        )
        self.metrics_view.setHtml(metrics_html(record))
