"""PairViewer: one output beside one original -- side by side, overlay, swipe, difference.

Split out of :class:`~app.gui.compare.workspace.CompareWorkspace` along its seam: this widget
only *shows* a compared pair (a :class:`LoadedPair`, plain data made in a worker by
:func:`load_pair`) and knows nothing of the case, the pickers or the chart. It owns

* the tool row (view modes, opacity/divider slider, matched points, linked zoom, zoom
  buttons) as :attr:`PairViewer.toolbar`, which an owner may place elsewhere in its layout;
* the side-by-side panels with their captions and the overlay joining matched points, zoom
  and pan linked through the engine's alignment (:meth:`map_point`);
* the blend view (overlay, swipe, difference) of the output warped onto the original.

Element regions are drawn here (:meth:`set_elements`) but owned by the chart editor; a region
dragged on a panel is announced by :attr:`region_drawn`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.compare.case_matching import PairRequest, compare_pair
from app.gui.compare.imaging import Blend, DisplayError, DisplayImage, load_display, make_blend
from app.gui.compare.views import (
    ORIGINAL,
    OUTPUT,
    SIDE_COLOURS,
    ZOOM_STEP,
    BlendView,
    ImagePanel,
    LinkOverlay,
    to_qimage,
)

MODES = ("side", "overlay", "swipe", "difference")


@dataclass(frozen=True)
class LoadedPair:
    """What a comparison task hands back to the GUI thread: plain data, no Qt."""

    request: PairRequest
    record: dict[str, Any]
    original: DisplayImage | str
    output: DisplayImage | str
    blend: Blend | None


def load_pair(request: PairRequest) -> LoadedPair:
    """Worker thread: compare the pair, decode both pictures, warp the output onto the original."""
    record = compare_pair(request)
    return loaded_pair(request, record)


def loaded_pair(request: PairRequest, record: dict[str, Any]) -> LoadedPair:
    """Decode both pictures of ``request`` and blend them by ``record``'s alignment (no Qt)."""
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
    return LoadedPair(request, record, original, output, blend)


def _points(alignment: dict[str, Any] | None, key: str) -> np.ndarray | None:
    if not alignment or not alignment.get(key):
        return None
    return np.asarray(alignment[key], np.float64).reshape(-1, 2)


class PairViewer(QWidget):
    """The pictures of one compared pair in four views, with linked zoom and matched points."""

    region_drawn = Signal(str, dict)  # side, region (fractions of that picture)
    mode_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, external_toolbar: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("pairViewer")
        self._mode = "side"
        self._amounts = {"overlay": 0.5, "swipe": 0.5}
        self._syncing = False
        self._request: PairRequest | None = None
        self._loaded: LoadedPair | None = None
        self._build_toolbar()
        self._build_views()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not external_toolbar:
            layout.addWidget(self.toolbar)
        layout.addWidget(self.stack, 1)
        self.retranslate_ui()

    # -- layout -------------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        self.toolbar = QWidget(self)
        tools = QHBoxLayout(self.toolbar)
        tools.setContentsMargins(0, 0, 0, 0)
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_buttons: dict[str, QToolButton] = {}
        for mode in MODES:
            button = QToolButton(self.toolbar)
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            tools.addWidget(button)
        self.mode_buttons["side"].setChecked(True)
        tools.addSpacing(10)
        self.amount_label = QLabel(self.toolbar)
        self.amount_slider = QSlider(Qt.Orientation.Horizontal, self.toolbar)
        self.amount_slider.setRange(0, 100)
        self.amount_slider.setValue(50)
        self.amount_slider.setFixedWidth(160)
        self.amount_slider.valueChanged.connect(self._amount_changed)
        tools.addWidget(self.amount_label)
        tools.addWidget(self.amount_slider)
        self.points_check = QCheckBox(self.toolbar)
        self.points_check.toggled.connect(self._points_toggled)
        self.sync_check = QCheckBox(self.toolbar)
        self.sync_check.setChecked(True)
        tools.addSpacing(10)
        tools.addWidget(self.points_check)
        tools.addWidget(self.sync_check)
        tools.addStretch(1)
        self.zoom_out_button = QToolButton(self.toolbar)
        self.zoom_out_button.setText("−")
        self.zoom_in_button = QToolButton(self.toolbar)
        self.zoom_in_button.setText("+")
        self.fit_button = QToolButton(self.toolbar)
        self.actual_button = QToolButton(self.toolbar)
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

    def _build_views(self) -> None:
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
            panel.region_drawn.connect(self.region_drawn)

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

    def retranslate_ui(self) -> None:
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
        self._update_mode_widgets()
        self._update_captions()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.pair_widget and event.type() == QEvent.Type.Resize:
            self.link_overlay.setGeometry(self.pair_widget.rect())
            self.link_overlay.raise_()
        return super().eventFilter(watched, event)

    # -- the pair -----------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def record(self) -> dict[str, Any] | None:
        return self._loaded.record if self._loaded is not None else None

    def set_request(self, request: PairRequest | None) -> None:
        """A new pair is on its way: its captions now, its pictures with :meth:`show_loaded`."""
        self._request = request
        self._loaded = None
        self._update_captions()

    def show_loaded(self, loaded: LoadedPair) -> None:
        self._request = loaded.request
        self._loaded = loaded
        alignment = loaded.record.get("alignment") or None
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
        self._points_toggled(self.points_check.isChecked())
        self._update_captions()

    def _show_blend(self, loaded: LoadedPair) -> None:
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

    # -- the chart's elements, drawn on the panels -------------------------------------------

    def set_elements(self, elements: list[dict[str, Any]], current: int | None) -> None:
        self.original_panel.set_elements(elements, current)
        self.output_panel.set_elements(elements, current)

    def set_marking(self, on: bool, shape: str) -> None:
        for panel in (self.original_panel, self.output_panel):
            panel.set_marking(on, shape)

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
            self.stack.setCurrentWidget(self.blend_widget)
            self.blend_view.set_mode(mode)
            self.blend_view.set_amount(self._amounts.get(mode, 0.5))
        self._update_mode_widgets()
        self.mode_changed.emit(mode)

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
        alignment = (self.record or {}).get("alignment") or None
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
        alignment = (self.record or {}).get("alignment") or None
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
