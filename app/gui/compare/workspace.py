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
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.compare import works as works_mod
from app.compare.case_matching import (
    METRIC_LABELS,
    ItemMatches,
    ItemRef,
    LibrarySnapshot,
    PairRequest,
    chart_metrics,
    compare_pair,
    item_refs,
    open_library,
    pair_request,
    snapshot,
)
from app.compare.scoring import BAND_SENTENCES
from app.core.errors import ProofshotError
from app.gui.compare.elements import DESCRIPTION, ElementModel
from app.gui.compare.imaging import Blend, DisplayError, DisplayImage, load_display, make_blend
from app.gui.compare.views import (
    ORIGINAL,
    OUTPUT,
    SHAPES,
    SIDE_COLOURS,
    ZOOM_STEP,
    BlendView,
    ImagePanel,
    LinkOverlay,
    to_qimage,
)

MODES = ("side", "overlay", "swipe", "difference")
BAND_COLOURS = {"high": "#b71c1c", "medium": "#e65100", "low": "#546e7a"}
CANNOT_COLOUR = "#757575"


@dataclass(frozen=True)
class _Loaded:
    """What a comparison task hands back to the GUI thread: plain data, no Qt."""

    request: PairRequest
    record: dict[str, Any]
    original: DisplayImage | str
    output: DisplayImage | str
    blend: Blend | None


def _rank(snap: LibrarySnapshot, ref: ItemRef) -> ItemMatches:
    """Worker thread: the works ranked for one item (builds the library's index once)."""
    return open_library(snap).rank_ref(ref)


def _load(request: PairRequest) -> _Loaded:
    """Worker thread: compare the pair, decode both pictures, warp the output onto the original."""
    record = compare_pair(request)
    pictures: list[DisplayImage | str] = []
    for path in (request.work_path, request.item_path):
        try:
            pictures.append(load_display(path))
        except DisplayError as exc:
            pictures.append(str(exc))
    original, output = pictures
    blend = None
    if isinstance(original, DisplayImage) and isinstance(output, DisplayImage):
        alignment = record.get("alignment") or None
        blend = make_blend(original, output, alignment["homography"] if alignment else None)
    return _Loaded(request, record, original, output, blend)


def _points(alignment: dict[str, Any] | None, key: str) -> np.ndarray | None:
    if not alignment or not alignment.get(key):
        return None
    return np.asarray(alignment[key], np.float64).reshape(-1, 2)


def _format_value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and abs(value) >= 1 else f"{value:.2f}"
    return str(value)


class CompareWorkspace(QWidget):
    """Original and output side by side, overlay, swipe, difference, metrics and the chart."""

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
        self._loaded: _Loaded | None = None
        self._chart_id: int | None = None
        self._dirty = False
        self._drafts: dict[tuple[int, int], tuple[str, list[dict[str, Any]], int | None]] = {}
        self._amounts = {"overlay": 0.5, "swipe": 0.5}
        self._mode = "side"
        self._syncing = False
        self._closed = False
        self._wanted_work: int | None = None
        self._loading_chart = False
        self.busy_saving = False
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

        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_buttons: dict[str, QToolButton] = {}
        tools = QHBoxLayout()
        for mode in MODES:
            button = QToolButton(self)
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            tools.addWidget(button)
        self.mode_buttons["side"].setChecked(True)
        tools.addSpacing(10)
        self.amount_label = QLabel(self)
        self.amount_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.amount_slider.setRange(0, 100)
        self.amount_slider.setValue(50)
        self.amount_slider.setFixedWidth(160)
        self.amount_slider.valueChanged.connect(self._amount_changed)
        tools.addWidget(self.amount_label)
        tools.addWidget(self.amount_slider)
        self.points_check = QCheckBox(self)
        self.points_check.toggled.connect(self._points_toggled)
        self.sync_check = QCheckBox(self)
        self.sync_check.setChecked(True)
        tools.addSpacing(10)
        tools.addWidget(self.points_check)
        tools.addWidget(self.sync_check)
        tools.addStretch(1)
        self.zoom_out_button = QToolButton(self)
        self.zoom_out_button.setText("−")
        self.zoom_in_button = QToolButton(self)
        self.zoom_in_button.setText("+")
        self.fit_button = QToolButton(self)
        self.actual_button = QToolButton(self)
        for button in (
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_button,
            self.actual_button,
        ):
            tools.addWidget(button)
        self.zoom_in_button.clicked.connect(lambda: self.zoom_by(ZOOM_STEP))
        self.zoom_out_button.clicked.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        self.fit_button.clicked.connect(self.fit)
        self.actual_button.clicked.connect(self.actual_size)

        # side by side
        self.pair_widget = QWidget(self)
        self.original_caption = QLabel(self.pair_widget)
        self.output_caption = QLabel(self.pair_widget)
        for caption, side in ((self.original_caption, ORIGINAL), (self.output_caption, OUTPUT)):
            caption.setWordWrap(True)
            caption.setStyleSheet(f"border-bottom: 3px solid {SIDE_COLOURS[side]}; padding: 2px;")
        self.original_panel = ImagePanel(ORIGINAL, self.pair_widget)
        self.output_panel = ImagePanel(OUTPUT, self.pair_widget)
        grid = QGridLayout(self.pair_widget)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.addWidget(self.original_caption, 0, 0)
        grid.addWidget(self.output_caption, 0, 1)
        grid.addWidget(self.original_panel, 1, 0)
        grid.addWidget(self.output_panel, 1, 1)
        grid.setRowStretch(1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.link_overlay = LinkOverlay(self.original_panel, self.output_panel, self.pair_widget)
        self.pair_widget.installEventFilter(self)
        for panel in (self.original_panel, self.output_panel):
            panel.view_changed.connect(lambda p=panel: self._sync_from(p))
            panel.region_drawn.connect(self._region_drawn)

        # overlay, swipe, difference
        self.blend_widget = QWidget(self)
        self.blend_view = BlendView(self.blend_widget)
        self.blend_caption = QLabel(self.blend_widget)
        self.blend_caption.setWordWrap(True)
        blend_layout = QVBoxLayout(self.blend_widget)
        blend_layout.setContentsMargins(0, 0, 0, 0)
        blend_layout.addWidget(self.blend_view, 1)
        blend_layout.addWidget(self.blend_caption)
        self.blend_view.divider_moved.connect(self._divider_moved)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.pair_widget)
        self.stack.addWidget(self.blend_widget)

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

        self.chart_box = QGroupBox(side)
        self.title_label = QLabel(self.chart_box)
        self.title_edit = QLineEdit(self.chart_box)
        self.title_edit.textEdited.connect(lambda _: self._set_dirty(True))
        self.new_element_button = QPushButton(self.chart_box)
        self.shape_combo = QComboBox(self.chart_box)
        for shape in SHAPES:
            self.shape_combo.addItem("", shape)
        self.shape_combo.currentIndexChanged.connect(self._shape_changed)
        self.mark_button = QToolButton(self.chart_box)
        self.mark_button.setCheckable(True)
        self.mark_button.toggled.connect(self._marking_toggled)
        self.delete_element_button = QPushButton(self.chart_box)
        self.element_model = ElementModel(self)
        self.element_table = QTableView(self.chart_box)
        self.element_table.setModel(self.element_model)
        self.element_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.element_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.element_table.verticalHeader().setVisible(False)
        self.element_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.element_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.element_table.setMinimumHeight(110)
        self.demonstrative_note = QLabel(self.chart_box)
        self.demonstrative_note.setWordWrap(True)
        self.demonstrative_note.setStyleSheet("color: palette(mid);")
        # Wrapped labels in a splitter can be squeezed below their text: keep three lines.
        self.demonstrative_note.setMinimumHeight(
            self.demonstrative_note.fontMetrics().lineSpacing() * 3 + 4
        )
        self.save_button = QPushButton(self.chart_box)
        self.save_button.setDefault(False)
        self.chart_status = QLabel(self.chart_box)
        self.chart_status.setWordWrap(True)
        element_tools = QGridLayout()
        element_tools.addWidget(self.new_element_button, 0, 0)
        element_tools.addWidget(self.delete_element_button, 0, 1)
        element_tools.addWidget(self.mark_button, 1, 0)
        element_tools.addWidget(self.shape_combo, 1, 1)
        element_tools.setColumnStretch(2, 1)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title_label)
        title_row.addWidget(self.title_edit, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.chart_status, 1)
        save_row.addWidget(self.save_button)
        chart_layout = QVBoxLayout(self.chart_box)
        chart_layout.addLayout(title_row)
        chart_layout.addLayout(element_tools)
        chart_layout.addWidget(self.element_table, 1)
        chart_layout.addWidget(self.demonstrative_note)
        chart_layout.addLayout(save_row)

        side_splitter = QSplitter(Qt.Orientation.Vertical, side)
        metrics_holder = QWidget(side_splitter)
        metrics_layout = QVBoxLayout(metrics_holder)
        metrics_layout.setContentsMargins(0, 0, 0, 0)
        metrics_layout.addWidget(self.band_label)
        metrics_layout.addWidget(self.band_sentence)
        metrics_layout.addWidget(self.metrics_view, 1)
        side_splitter.addWidget(metrics_holder)
        side_splitter.addWidget(self.chart_box)
        side_splitter.setStretchFactor(0, 1)
        side_splitter.setStretchFactor(1, 1)
        side_splitter.setChildrenCollapsible(False)
        side_splitter.setSizes([440, 400])
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(side_splitter)
        side.setMinimumWidth(380)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 420])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(pickers)
        layout.addLayout(tools)
        layout.addWidget(self.splitter, 1)

        self.item_combo.currentIndexChanged.connect(self._item_chosen)
        self.work_combo.currentIndexChanged.connect(self._work_chosen)
        self.new_element_button.clicked.connect(self.new_element)
        self.delete_element_button.clicked.connect(self.delete_element)
        self.save_button.clicked.connect(self.save_chart)
        self.element_model.elements_changed.connect(self._elements_changed)
        self.element_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._draw_elements()
        )
        self._update_mode_widgets()
        self._update_actions()

    def retranslate_ui(self) -> None:
        self.item_label.setText(self.tr("Output:"))
        self.work_label.setText(self.tr("Original work:"))
        self.item_combo.setToolTip(self.tr("The image to compare (captures, imports, outputs)"))
        self.work_combo.setToolTip(
            self.tr("The case's original works, ranked by the similarity engine for this output")
        )
        texts = {
            "side": (self.tr("Side by side"), self.tr("Original and output side by side")),
            "overlay": (
                self.tr("Overlay"),
                self.tr("The output placed on the original; the slider sets its opacity"),
            ),
            "swipe": (
                self.tr("Swipe"),
                self.tr("Original left of the line, output right of it; drag to move the line"),
            ),
            "difference": (
                self.tr("Difference"),
                self.tr("Where the aligned pictures differ: dark is the same, bright is different"),
            ),
        }
        for mode, (text, tip) in texts.items():
            self.mode_buttons[mode].setText(text)
            self.mode_buttons[mode].setToolTip(tip)
        self.points_check.setText(self.tr("Matched points"))
        self.points_check.setToolTip(
            self.tr("Show the points the engine matched, and lines joining each pair")
        )
        self.sync_check.setText(self.tr("Link zoom and pan"))
        self.sync_check.setToolTip(
            self.tr("Zoom and pan both pictures together, keeping the same spot in view")
        )
        self.zoom_in_button.setToolTip(self.tr("Zoom in (Ctrl+wheel)"))
        self.zoom_out_button.setToolTip(self.tr("Zoom out (Ctrl+wheel)"))
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Fit the pictures in the view"))
        self.actual_button.setText(self.tr("1:1"))
        self.actual_button.setToolTip(self.tr("One screen pixel per displayed pixel"))
        self.chart_box.setTitle(self.tr("Comparison chart (demonstrative)"))
        self.title_label.setText(self.tr("Title:"))
        self.new_element_button.setText(self.tr("New element"))
        self.new_element_button.setToolTip(
            self.tr("Add a numbered element; then drag on each picture to mark it")
        )
        self.mark_button.setText(self.tr("Mark on pictures"))
        self.mark_button.setToolTip(
            self.tr("Drag on the original or the output to mark the selected element's region")
        )
        for i, text in enumerate((self.tr("Rectangle"), self.tr("Ellipse"), self.tr("Arrow"))):
            self.shape_combo.setItemText(i, text)
        self.delete_element_button.setText(self.tr("Delete element"))
        self.demonstrative_note.setText(
            self.tr(
                "Demonstrative: saved beside the evidence and logged; the images are never "
                "changed. Saving again makes a new version; the earlier one stays in the log."
            )
        )
        self.save_button.setText(self.tr("Save chart"))
        self._update_mode_widgets()
        self._update_captions()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.pair_widget and event.type() == QEvent.Type.Resize:
            self.link_overlay.setGeometry(self.pair_widget.rect())
            self.link_overlay.raise_()
        return super().eventFilter(watched, event)

    def _mark_closed(self) -> None:
        self._closed = True

    # -- state for callers and tests ----------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Ranking, comparing or saving is under way."""
        return self._pending > 0

    @property
    def mode(self) -> str:
        return self._mode

    def current_record(self) -> dict[str, Any] | None:
        """The comparison record of the pair on screen (see ``compare_item``)."""
        return self._record

    def current_pair(self) -> tuple[int, int] | None:
        if self._request is None:
            return None
        return self._request.item_id, self._request.work_id

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
        text = str(exc) if isinstance(exc, ProofshotError) else f"{type(exc).__name__}: {exc}"
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

    def _work_chosen(self) -> None:
        item_id = self.item_combo.currentData()
        work_id = self.work_combo.currentData()
        if item_id is None or work_id is None:
            return
        self._stash_draft()
        try:
            request = pair_request(self.session.view, int(item_id), int(work_id))
        except ProofshotError as exc:
            self._failed(exc)
            return
        self._request = request
        self._record = None
        self._loaded = None
        self._load_chart(request)
        self._update_captions()
        self._show_pending()
        self._compare_token += 1
        token = self._compare_token

        def done(loaded: _Loaded) -> None:
            if token == self._compare_token:
                self._show_loaded(loaded)

        self._task(lambda: _load(request), done, "compare pair")

    def _show_pending(self) -> None:
        text = self.tr("Comparing…")
        self.band_label.setText(text)
        self.band_label.setStyleSheet(
            f"background: {CANNOT_COLOUR}; color: white; font-weight: bold; border-radius: 4px;"
        )
        self.band_sentence.setText("")
        self.metrics_view.setPlainText("")

    def _show_loaded(self, loaded: _Loaded) -> None:
        self._loaded = loaded
        self._record = loaded.record
        record = loaded.record
        alignment = record.get("alignment") or None
        for panel, picture in (
            (self.original_panel, loaded.original),
            (self.output_panel, loaded.output),
        ):
            if isinstance(picture, DisplayImage):
                panel.set_image(to_qimage(picture.rgba), picture.stored_size)
            else:
                panel.set_image(None, (1, 1), picture)
        self.original_panel.set_points(
            _points(alignment, "points_original"), _points(alignment, "region_original")
        )
        self.output_panel.set_points(
            _points(alignment, "points_candidate"), _points(alignment, "region_candidate")
        )
        self.link_overlay.set_pairs(
            _points(alignment, "points_original"), _points(alignment, "points_candidate")
        )
        self._show_blend(loaded)
        self._show_metrics(record)
        self._points_toggled(self.points_check.isChecked())
        self._draw_elements()
        self._update_actions()
        self.compared.emit(record)

    def _show_blend(self, loaded: _Loaded) -> None:
        blend, original = loaded.blend, loaded.original
        if blend is None or not isinstance(original, DisplayImage):
            reason = loaded.original if isinstance(loaded.original, str) else loaded.output
            self.blend_view.set_content(None, None, None, message=str(reason))
            return
        points = _points(loaded.record.get("alignment"), "points_original")
        scale = original.px_per_stored
        self.blend_view.set_content(
            to_qimage(original.rgba),
            to_qimage(blend.warped),
            to_qimage(blend.difference),
            outline=[(float(x), float(y)) for x, y in blend.outline],
            points=[(float(x) * scale, float(y) * scale) for x, y in points]
            if points is not None
            else None,
        )
        self.blend_view.set_mode(self._mode if self._mode != "side" else "overlay")
        self.blend_view.set_amount(self._amounts.get(self._mode, 0.5))
        self._update_mode_widgets()

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
                f"<th align='left' style='padding:3px 6px 3px 0'>{html.escape(self.tr('Measure'))}</th>"
                f"<th align='right' style='padding:3px 6px'>{html.escape(self.tr('Value'))}</th>"
                f"<th align='left' style='padding:3px 0'>{html.escape(self.tr('What it means'))}</th>"
                f"</tr>{''.join(rows)}</table>"
            )
        elif record.get("cannot_compare"):
            parts.append(f"<p><b>{html.escape(str(record['cannot_compare']))}</b></p>")
        for note in record.get("notes") or []:
            parts.append(f"<p><i>{html.escape(note)}</i></p>")
        parts.append(
            "<p style='color:#757575'>"
            + html.escape(
                self.tr(
                    "Engine {engine}. Measured on the stored files; the evidence is not changed."
                ).format(engine=record.get("engine", ""))
            )
            + "</p>"
        )
        self.metrics_view.setHtml("".join(parts))

    def _update_captions(self) -> None:
        request = self._request
        if request is None:
            self.original_caption.setText(self.tr("Original work"))
            self.output_caption.setText(self.tr("Output"))
            return
        reg = (
            self.tr(" · reg. {number}").format(number=request.work_registration)
            if request.work_registration
            else ""
        )
        self.original_caption.setText(
            self.tr("Original — work {id}: {title}{reg}").format(
                id=request.work_id, title=request.work_title, reg=reg
            )
        )
        self.output_caption.setText(
            self.tr("Output — item #{id} · SHA-256 {sha}…").format(
                id=request.item_id, sha=request.item_sha256[:16]
            )
        )

    # -- view modes, zoom and the link between the panels -------------------------------------

    def set_mode(self, mode: str) -> None:
        """``side``, ``overlay``, ``swipe`` or ``difference``."""
        if mode not in MODES:
            raise ValueError(mode)
        self._mode = mode
        self.mode_buttons[mode].setChecked(True)
        if mode == "side":
            self.stack.setCurrentWidget(self.pair_widget)
        else:
            if self.mark_button.isChecked():
                self.mark_button.setChecked(False)
            self.stack.setCurrentWidget(self.blend_widget)
            self.blend_view.set_mode(mode)
            self.blend_view.set_amount(self._amounts.get(mode, 0.5))
        self._update_mode_widgets()

    def _update_mode_widgets(self) -> None:
        mode = self._mode
        slider = mode in ("overlay", "swipe")
        if slider:
            self.amount_label.setText(
                self.tr("Opacity") if mode == "overlay" else self.tr("Divider")
            )
            with QSignalBlocker(self.amount_slider):
                self.amount_slider.setValue(round(self._amounts[mode] * 100))
        self.amount_label.setVisible(slider)
        self.amount_slider.setVisible(slider)
        self.sync_check.setVisible(mode == "side")
        self.mark_button.setEnabled(mode == "side")
        loaded = self._loaded
        if mode == "side" or loaded is None:
            self.blend_caption.setText("")
            return
        aligned = loaded.blend is not None and loaded.blend.aligned
        placement = (
            self.tr("The output is placed on the original by the engine's alignment.")
            if aligned
            else self.tr(
                "No alignment was found: the output is only scaled into the original's frame, "
                "not matched to it."
            )
        )
        if mode == "overlay":
            text = self.tr("{placement} The slider sets the output's opacity.")
        elif mode == "swipe":
            text = self.tr(
                "{placement} Left of the white line: the original; right of it: the output."
            )
        else:
            text = self.tr(
                "{placement} Dark: the same after alignment; bright: different; hatched: "
                "outside the output. Mean difference {mean} of 255."
            )
        mean = loaded.blend.mean_difference if loaded.blend is not None else float("nan")
        self.blend_caption.setText(
            text.format(placement=placement, mean="—" if mean != mean else f"{mean:.0f}")
        )

    def _amount_changed(self, value: int) -> None:
        if self._mode in self._amounts:
            self._amounts[self._mode] = value / 100
            self.blend_view.set_amount(value / 100)

    def _divider_moved(self, amount: float) -> None:
        self._amounts["swipe"] = amount
        with QSignalBlocker(self.amount_slider):
            self.amount_slider.setValue(round(amount * 100))

    def _points_toggled(self, on: bool) -> None:
        for panel in (self.original_panel, self.output_panel):
            panel.set_points_visible(on)
        self.link_overlay.setVisible(on)
        self.link_overlay.raise_()
        self.blend_view.set_points_visible(on)

    def zoom_by(self, factor: float) -> None:
        if self._mode == "side":
            self.original_panel.zoom_by(factor)
            if not self.sync_check.isChecked():
                self.output_panel.zoom_by(factor)
        else:
            self.blend_view.zoom_by(factor)

    def fit(self) -> None:
        if self._mode == "side":
            self.original_panel.fit()
            self.output_panel.fit()
            self.link_overlay.update()
        else:
            self.blend_view.fit()

    def actual_size(self) -> None:
        if self._mode == "side":
            self.original_panel.actual_size()
            if not self.sync_check.isChecked():
                self.output_panel.actual_size()
        else:
            self.blend_view.actual_size()

    def map_point(self, side: str, point: tuple[float, float]) -> tuple[float, float]:
        """A stored-pixel point on ``side`` to the same spot on the other picture: through the
        engine's alignment when there is one, else at the same relative position."""
        alignment = (self._record or {}).get("alignment") or None
        if alignment:
            h = np.asarray(alignment["homography"], np.float64)  # output -> original
            matrix = np.linalg.inv(h) if side == ORIGINAL else h
            x, y, w = matrix @ np.array([point[0], point[1], 1.0])
            if abs(w) > 1e-9:
                return float(x / w), float(y / w)
        source = self.original_panel if side == ORIGINAL else self.output_panel
        target = self.output_panel if side == ORIGINAL else self.original_panel
        return (
            point[0] / source.stored_size[0] * target.stored_size[0],
            point[1] / source.stored_size[1] * target.stored_size[1],
        )

    def _ratio(self, side: str) -> float:
        """Stored pixels of the other picture per stored pixel of ``side``."""
        alignment = (self._record or {}).get("alignment") or None
        if alignment and alignment.get("scale"):
            scale = float(alignment["scale"])  # output pixels per original pixel
        else:
            scale = self.output_panel.stored_size[0] / self.original_panel.stored_size[0]
        return scale if side == ORIGINAL else 1 / scale

    def _sync_from(self, source: ImagePanel) -> None:
        if self._syncing:
            return
        if self.sync_check.isChecked() and source.has_image():
            target = self.output_panel if source is self.original_panel else self.original_panel
            if target.has_image():
                self._syncing = True
                try:
                    centre = self.map_point(source.side, source.centre_stored())
                    target.apply_view(centre, source.screen_per_stored() / self._ratio(source.side))
                finally:
                    self._syncing = False
        self.link_overlay.update()

    # -- the chart ----------------------------------------------------------------------------

    def _load_chart(self, request: PairRequest) -> None:
        key = (request.item_id, request.work_id)
        draft = self._drafts.pop(key, None)
        if draft is not None:
            title, elements, chart_id = draft
            dirty = True
        else:
            charts = works_mod.list_charts(
                self.session.view, item_id=request.item_id, work_id=request.work_id
            )
            chart = charts[-1] if charts else None
            chart_id = chart.id if chart else None
            title = chart.title if chart else self._default_title(request)
            elements = list(chart.elements) if chart else []
            dirty = False
        self._chart_id = chart_id
        self._loading_chart = True
        try:
            self.element_model.set_elements(elements)
        finally:
            self._loading_chart = False
        self.title_edit.setText(title)
        self.title_edit.setCursorPosition(0)
        self._set_dirty(dirty)
        self.chart_status.setStyleSheet("")
        self.chart_status.setText(
            self.tr("Chart {id}, saved.").format(id=chart_id)
            if chart_id is not None and not dirty
            else (self.tr("Unsaved changes.") if dirty else self.tr("No chart saved yet."))
        )
        self._draw_elements()

    def _stash_draft(self) -> None:
        """Keep unsaved chart edits of the pair being left, to restore when it comes back."""
        if self._request is not None and self._dirty:
            key = (self._request.item_id, self._request.work_id)
            self._drafts[key] = (
                self.title_edit.text(),
                self.element_model.elements(),
                self._chart_id,
            )

    def _default_title(self, request: PairRequest) -> str:
        return self.tr("Item #{item} compared with “{title}”").format(
            item=request.item_id, title=request.work_title
        )

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        if dirty:
            self.chart_status.setStyleSheet("")
            self.chart_status.setText(self.tr("Unsaved changes."))
        self._update_actions()

    def _update_actions(self) -> None:
        writable = not self.session.read_only
        ready = self._record is not None and self._request is not None
        self.save_button.setEnabled(writable and ready and self._dirty and not self.busy_saving)
        self.save_button.setToolTip(
            "" if writable else self.tr("The case is open read-only: charts cannot be saved.")
        )
        has_pair = self._request is not None
        self.new_element_button.setEnabled(has_pair)
        self.delete_element_button.setEnabled(self._current_row() is not None)

    def _current_row(self) -> int | None:
        index = self.element_table.currentIndex()
        return index.row() if index.isValid() else None

    def _elements_changed(self) -> None:
        if not self._loading_chart:
            self._set_dirty(True)
        self._draw_elements()

    def _draw_elements(self) -> None:
        elements = self.element_model.elements()
        current = self._current_row()
        self.original_panel.set_elements(elements, current)
        self.output_panel.set_elements(elements, current)
        self._update_actions()

    def new_element(self, description: str = "") -> int:
        """Add an element, select it and start marking; returns its row."""
        row = self.element_model.add(description)
        self.element_table.setCurrentIndex(self.element_model.index(row, DESCRIPTION))
        if self._mode != "side":
            self.set_mode("side")
        self.mark_button.setChecked(True)
        if not description:
            self.element_table.edit(self.element_model.index(row, DESCRIPTION))
        return row

    def delete_element(self) -> None:
        row = self._current_row()
        if row is not None:
            self.element_model.remove(row)

    def _shape_changed(self) -> None:
        shape = self.shape_combo.currentData()
        for panel in (self.original_panel, self.output_panel):
            panel.set_marking(panel.marking, shape)

    def _marking_toggled(self, on: bool) -> None:
        shape = self.shape_combo.currentData()
        for panel in (self.original_panel, self.output_panel):
            panel.set_marking(on, shape)

    def set_shape(self, shape: str) -> None:
        self.shape_combo.setCurrentIndex(self.shape_combo.findData(shape))

    def _region_drawn(self, side: str, region: dict[str, Any]) -> None:
        row = self._current_row()
        if row is None:
            row = self.element_model.add()
            self.element_table.setCurrentIndex(self.element_model.index(row, DESCRIPTION))
        self.element_model.set_region(row, side, region)

    def save_chart(self) -> bool:
        """Save the chart of the pair on screen (a new record superseding the previous one).

        Returns False (and says why) when there is nothing to save or a description is missing.
        """
        request, record = self._request, self._record
        if request is None or record is None or self.session.read_only:
            return False
        elements = self.element_model.elements()
        try:
            works_mod.validate_elements(elements)
        except ProofshotError as exc:
            self._chart_error(exc)
            return False
        title = self.title_edit.text().strip() or self._default_title(request)
        metrics = chart_metrics(record)
        supersedes = self._chart_id
        actor = self.session.actor()
        self.busy_saving = True
        self._pending += 1
        self._update_actions()

        def write(case: Any) -> int:
            return works_mod.save_chart(
                case,
                work_id=request.work_id,
                item_id=request.item_id,
                title=title,
                metrics=metrics,
                elements=elements,
                supersedes=supersedes,
                actor=actor,
            )

        def done(chart_id: int) -> None:
            self._pending -= 1
            self.busy_saving = False
            if self._closed:
                return
            if self.current_pair() == (request.item_id, request.work_id):
                self._chart_id = chart_id
                self._set_dirty(False)
                self.chart_status.setText(
                    self.tr("Saved as chart {id}, replacing chart {old}.").format(
                        id=chart_id, old=supersedes
                    )
                    if supersedes is not None
                    else self.tr("Saved as chart {id}.").format(id=chart_id)
                )
            self._update_actions()
            self.chart_saved.emit(chart_id)

        def error(exc: BaseException) -> None:
            self._pending -= 1
            self.busy_saving = False
            if not self._closed:
                self._chart_error(exc)
                self._update_actions()

        self.session.write(
            write, done, error, changed_ids=[request.item_id], title="save comparison chart"
        )
        return True

    def _chart_error(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, ProofshotError) else f"{type(exc).__name__}: {exc}"
        self.chart_status.setStyleSheet("color: #b71c1c;")
        self.chart_status.setText(text)
        self.failed.emit(text)
