"""The graphics views of the compare workspace: one image with its callouts, the blended
view (overlay, swipe, difference), and the lines joining matched points across the pair.

Coordinates: the engine reports points in each *stored* image's pixels; chart elements are
fractions (0–1) of the image; the scene is in *display* pixels (the decoded preview). Each
:class:`ImagePanel` converts between the three, so nothing else needs to know the preview's
size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

ORIGINAL, OUTPUT = "original", "output"
SIDE_COLOURS = {ORIGINAL: "#d81b60", OUTPUT: "#1565c0"}
"""The callout colours of the filing PDF's comparison charts (app/report/pdf.py), so the
chart on screen looks like the chart in the bundle."""
POINT_COLOUR = "#00c853"
SHAPES = ("rect", "ellipse", "arrow")

ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 0.02, 40.0
MIN_DRAG_PX = 5
"""A drag shorter than this on screen is a click, not a region."""
MAX_LINES = 80
"""Matched-point lines drawn at most; more turn the picture into a hatching."""


def to_qimage(rgba: np.ndarray) -> QImage:
    """A QImage owning a copy of ``rgba`` (uint8 h × w × 4). GUI thread only."""
    data = np.ascontiguousarray(rgba)
    height, width = data.shape[:2]
    image = QImage(data.data, width, height, width * 4, QImage.Format.Format_RGBA8888)
    return image.copy()


def cosmetic_pen(
    colour: str | QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine
) -> QPen:
    pen = QPen(QColor(colour), width, style)
    pen.setCosmetic(True)  # the same thickness at every zoom
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def sample_indices(count: int, limit: int = MAX_LINES) -> list[int]:
    """Evenly spaced indices, at most ``limit`` of them."""
    if count <= limit:
        return list(range(count))
    return [round(i * (count - 1) / (limit - 1)) for i in range(limit)]


class Badge(QGraphicsItem):
    """An element's number in a filled circle, the same size at every zoom."""

    RADIUS = 10.0

    def __init__(self, number: int, colour: str, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.colour = QColor(colour)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(30)

    def boundingRect(self) -> QRectF:
        r = self.RADIUS + 1
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(QBrush(self.colour))
        r = self.RADIUS
        painter.drawEllipse(QRectF(-r, -r, 2 * r, 2 * r))
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(12)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(
            QRectF(-r, -r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, str(self.number)
        )


class ArrowHead(QGraphicsItem):
    """A filled arrowhead pointing along +x, the same size at every zoom."""

    def __init__(self, colour: str, angle_deg: float, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.colour = QColor(colour)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setRotation(angle_deg)
        self.setZValue(25)

    def boundingRect(self) -> QRectF:
        return QRectF(-16, -9, 18, 18)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(self.colour))
        painter.drawPolygon(QPolygonF([QPointF(0, 0), QPointF(-14, -7), QPointF(-14, 7)]))


class Dots(QGraphicsItem):
    """Many small dots drawn in one item (the matched points), a few pixels at every zoom."""

    def __init__(self, points: Sequence[QPointF], bounds: QRectF, colour: str) -> None:
        super().__init__()
        self.points = list(points)
        self.bounds = bounds
        self.colour = QColor(colour)
        self.setZValue(20)

    def boundingRect(self) -> QRectF:
        return self.bounds.adjusted(-4, -4, 4, 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(cosmetic_pen(QColor(0, 0, 0, 160), 7))
        painter.drawPoints(self.points)
        painter.setPen(cosmetic_pen(self.colour, 5))
        painter.drawPoints(self.points)


def region_from_drag(
    shape: str, start: QPointF, end: QPointF, width: float, height: float
) -> dict[str, Any]:
    """A chart region (fractions of the image) from a drag in display pixels.

    Rectangles and ellipses are normalised to a positive size; an arrow keeps its direction:
    it runs from (x, y) to (x + w, y + h) with the head at the end, as the PDF draws it.
    """

    def clamp(p: QPointF) -> tuple[float, float]:
        return min(max(p.x(), 0.0), width) / width, min(max(p.y(), 0.0), height) / height

    (x0, y0), (x1, y1) = clamp(start), clamp(end)
    if shape == "arrow":
        x, y, w, h = x0, y0, x1 - x0, y1 - y0
    else:
        x, y, w, h = min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)
    return {"shape": shape, "x": round(x, 5), "y": round(y, 5), "w": round(w, 5), "h": round(h, 5)}


class ImagePanel(QGraphicsView):
    """One image of the pair, with its numbered element callouts and matched points.

    Ctrl+wheel zooms, dragging pans; in marking mode a drag draws a region of the chosen
    shape and :attr:`region_drawn` reports it as fractions of the image.
    """

    view_changed = Signal()  # the user zoomed or panned
    region_drawn = Signal(str, dict)  # side, region

    def __init__(self, side: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side
        self.colour = SIDE_COLOURS[side]
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setBackgroundBrush(QColor("#2b2b2b"))
        self.setMinimumSize(160, 160)
        self._pixmap: QGraphicsPixmapItem | None = None
        self._message: QGraphicsTextItem | None = None
        self.stored_size = (1, 1)
        self.display_size = (1, 1)
        self._fit = True
        self._quiet = False
        self._marking = False
        self.shape = "rect"
        self._drag_start: QPointF | None = None
        self._rubber: QGraphicsItem | None = None
        self._element_items: list[QGraphicsItem] = []
        self._point_items: list[QGraphicsItem] = []
        self._points: np.ndarray | None = None
        self._region: np.ndarray | None = None
        self.points_visible = False
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    # -- content ------------------------------------------------------------------------------

    def set_image(
        self, image: QImage | None, stored_size: tuple[int, int], message: str = ""
    ) -> None:
        scene = self.scene()
        self._drag_start = None
        self._rubber = None
        scene.clear()
        self._element_items, self._point_items = [], []
        self._pixmap = self._message = None
        self.resetTransform()
        if image is not None and not image.isNull():
            self._pixmap = scene.addPixmap(QPixmap.fromImage(image))
            self._pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            self.display_size = (image.width(), image.height())
            self.stored_size = (max(1, stored_size[0]), max(1, stored_size[1]))
            scene.setSceneRect(QRectF(image.rect()))
            self.fit()
        else:
            self._message = QGraphicsTextItem(message)
            self._message.setDefaultTextColor(QColor("#e0e0e0"))
            self._message.setTextWidth(max(200, self.viewport().width() - 40))
            scene.addItem(self._message)
            scene.setSceneRect(self._message.boundingRect())
        self._draw_points()

    def has_image(self) -> bool:
        return self._pixmap is not None

    def image_rect(self) -> QRectF:
        return QRectF(0, 0, *self.display_size)

    # -- coordinates --------------------------------------------------------------------------

    @property
    def px_per_stored(self) -> float:
        return self.display_size[0] / self.stored_size[0]

    def stored_to_scene(self, x: float, y: float) -> QPointF:
        k = self.px_per_stored
        return QPointF(x * k, y * k)

    def scene_to_stored(self, point: QPointF) -> tuple[float, float]:
        k = self.px_per_stored
        return point.x() / k, point.y() / k

    def fraction_to_scene(self, fx: float, fy: float) -> QPointF:
        return QPointF(fx * self.display_size[0], fy * self.display_size[1])

    def stored_to_widget(self, x: float, y: float, widget: QWidget) -> QPoint | None:
        """Where a stored-image point is on ``widget``, or None when it is not in view."""
        point = self.mapFromScene(self.stored_to_scene(x, y))
        if not self.viewport().rect().contains(point):
            return None
        return self.viewport().mapTo(widget, point)

    # -- zoom and pan -------------------------------------------------------------------------

    def scale_factor(self) -> float:
        return self.transform().m11()

    def screen_per_stored(self) -> float:
        """Screen pixels per stored-image pixel: what synchronised zoom keeps in step."""
        return self.scale_factor() * self.px_per_stored

    def centre_stored(self) -> tuple[float, float]:
        return self.scene_to_stored(self.mapToScene(self.viewport().rect().center()))

    def apply_view(self, centre: tuple[float, float], screen_per_stored: float) -> None:
        """Show ``centre`` (stored pixels) in the middle at the given zoom, without echoing."""
        if self._pixmap is None:
            return
        scale = min(MAX_SCALE, max(MIN_SCALE, screen_per_stored / self.px_per_stored))
        self._quiet = True
        try:
            self._fit = False
            self.setTransform(QTransform.fromScale(scale, scale))
            self.centerOn(self.stored_to_scene(*centre))
        finally:
            self._quiet = False

    def fit(self) -> None:
        if self._pixmap is None:
            return
        self._quiet = True
        try:
            self._fit = True
            self.fitInView(self._pixmap, Qt.AspectRatioMode.KeepAspectRatio)
        finally:
            self._quiet = False

    def actual_size(self) -> None:
        self._fit = False
        self.setTransform(QTransform())
        self.view_changed.emit()

    def zoom_by(self, factor: float) -> None:
        if self._pixmap is None:
            return
        new = self.scale_factor() * factor
        if not MIN_SCALE <= new <= MAX_SCALE:
            return
        self._fit = False
        self._quiet = True
        try:
            self.scale(factor, factor)
        finally:
            self._quiet = False
        self.view_changed.emit()

    def _scrolled(self) -> None:
        if not self._quiet:
            self.view_changed.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._fit:
            self.fit()
        if self._message is not None:
            self._message.setTextWidth(max(200, self.viewport().width() - 40))

    # -- marking elements ---------------------------------------------------------------------

    def set_marking(self, on: bool, shape: str | None = None) -> None:
        self._marking = on
        if shape is not None:
            self.shape = shape
        self.setDragMode(
            QGraphicsView.DragMode.NoDrag if on else QGraphicsView.DragMode.ScrollHandDrag
        )
        self.viewport().setCursor(
            Qt.CursorShape.CrossCursor if on else Qt.CursorShape.OpenHandCursor
        )

    @property
    def marking(self) -> bool:
        return self._marking

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if (
            self._marking
            and self._pixmap is not None
            and event.button() == Qt.MouseButton.LeftButton
        ):
            self._drag_start = self.mapToScene(event.position().toPoint())
            self._update_rubber(self._drag_start)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_start is not None:
            self._update_rubber(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_start is not None and event.button() == Qt.MouseButton.LeftButton:
            start, end = self._drag_start, self.mapToScene(event.position().toPoint())
            self._drag_start = None
            if self._rubber is not None:
                self.scene().removeItem(self._rubber)
                self._rubber = None
            moved = QLineF(self.mapFromScene(start).toPointF(), self.mapFromScene(end).toPointF())
            if moved.length() >= MIN_DRAG_PX:
                width, height = self.display_size
                self.region_drawn.emit(
                    self.side, region_from_drag(self.shape, start, end, width, height)
                )
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _update_rubber(self, end: QPointF) -> None:
        if self._drag_start is None:
            return
        if self._rubber is not None:
            self.scene().removeItem(self._rubber)
        width, height = self.display_size
        region = region_from_drag(self.shape, self._drag_start, end, width, height)
        self._rubber = self._shape_item(region, self.colour, 2, Qt.PenStyle.DashLine)
        self.scene().addItem(self._rubber)

    # -- callouts -----------------------------------------------------------------------------

    def _shape_item(
        self,
        region: dict[str, Any],
        colour: str,
        width: float,
        style: Qt.PenStyle = Qt.PenStyle.SolidLine,
    ) -> QGraphicsItem:
        top_left = self.fraction_to_scene(float(region["x"]), float(region["y"]))
        end = self.fraction_to_scene(
            float(region["x"]) + float(region["w"]), float(region["y"]) + float(region["h"])
        )
        pen = cosmetic_pen(colour, width, style)
        if region.get("shape") == "arrow":
            item: QGraphicsItem = QGraphicsLineItem(QLineF(top_left, end))
            item.setPen(pen)  # type: ignore[attr-defined]
            line = QLineF(top_left, end)
            head = ArrowHead(colour, -line.angle(), item)
            head.setPos(end)
        elif region.get("shape") == "ellipse":
            item = QGraphicsEllipseItem(QRectF(top_left, end).normalized())
            item.setPen(pen)  # type: ignore[attr-defined]
        else:
            item = QGraphicsRectItem(QRectF(top_left, end).normalized())
            item.setPen(pen)  # type: ignore[attr-defined]
        item.setZValue(24)
        return item

    def set_elements(self, elements: Sequence[dict[str, Any]], current: int | None = None) -> None:
        """Draw each element's region on this side, numbered 1, 2, …; the current one bolder."""
        scene = self.scene()
        for item in self._element_items:
            scene.removeItem(item)
        self._element_items = []
        if self._pixmap is None:
            return
        for row, element in enumerate(elements):
            region = element.get(self.side)
            if not isinstance(region, dict):
                continue
            selected = row == current
            shape = self._shape_item(region, self.colour, 3.5 if selected else 2.2)
            scene.addItem(shape)
            badge = Badge(row + 1, self.colour)
            badge.setPos(self.fraction_to_scene(float(region["x"]), float(region["y"])))
            scene.addItem(badge)
            self._element_items += [shape, badge]

    def element_count(self) -> int:
        return sum(1 for item in self._element_items if isinstance(item, Badge))

    # -- matched points -----------------------------------------------------------------------

    def set_points(self, points: np.ndarray | None, region: np.ndarray | None) -> None:
        """The engine's matched points and region outline, in stored pixels."""
        self._points = None if points is None or len(points) == 0 else np.asarray(points)
        self._region = None if region is None or len(region) < 3 else np.asarray(region)
        self._draw_points()

    def set_points_visible(self, visible: bool) -> None:
        self.points_visible = visible
        self._draw_points()

    def _draw_points(self) -> None:
        scene = self.scene()
        for item in self._point_items:
            scene.removeItem(item)
        self._point_items = []
        if not self.points_visible or self._pixmap is None:
            return
        if self._region is not None:
            polygon = QPolygonF([self.stored_to_scene(float(x), float(y)) for x, y in self._region])
            outline = QGraphicsPolygonItem(polygon)
            outline.setPen(cosmetic_pen(POINT_COLOUR, 2, Qt.PenStyle.DashLine))
            outline.setZValue(19)
            scene.addItem(outline)
            self._point_items.append(outline)
        if self._points is not None:
            dots = Dots(
                [self.stored_to_scene(float(x), float(y)) for x, y in self._points],
                self.image_rect(),
                POINT_COLOUR,
            )
            scene.addItem(dots)
            self._point_items.append(dots)


class LinkOverlay(QWidget):
    """Lines joining each matched point on the original to the same point on the output,
    drawn over both panels (it lets every mouse event through to them)."""

    def __init__(self, left: ImagePanel, right: ImagePanel, parent: QWidget) -> None:
        super().__init__(parent)
        self.left, self.right = left, right
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.pairs: list[tuple[tuple[float, float], tuple[float, float]]] = []
        self.drawn = 0

    def set_pairs(self, original: np.ndarray | None, output: np.ndarray | None) -> None:
        self.pairs = []
        if original is not None and output is not None and len(original) == len(output):
            for i in sample_indices(len(original)):
                self.pairs.append(
                    (
                        (float(original[i][0]), float(original[i][1])),
                        (float(output[i][0]), float(output[i][1])),
                    )
                )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        self.drawn = 0
        if not self.pairs or not (self.left.has_image() and self.right.has_image()):
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for n, ((ox, oy), (cx, cy)) in enumerate(self.pairs):
            a = self.left.stored_to_widget(ox, oy, self.parentWidget())
            b = self.right.stored_to_widget(cx, cy, self.parentWidget())
            if a is None or b is None:
                continue
            a, b = self.mapFromParent(a), self.mapFromParent(b)
            hue = (n * 47) % 360
            painter.setPen(QPen(QColor.fromHsv(hue, 200, 255, 170), 1.2))
            painter.drawLine(a, b)
            painter.setPen(cosmetic_pen(QColor.fromHsv(hue, 230, 255), 5))
            painter.drawPoint(a)
            painter.drawPoint(b)
            self.drawn += 1
        painter.end()


class BlendView(QGraphicsView):
    """The output placed on the original: overlay (opacity), swipe (a divider) or the
    difference image. Ctrl+wheel zooms, dragging pans; in swipe mode a click or drag moves
    the divider."""

    divider_moved = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setBackgroundBrush(QColor("#2b2b2b"))
        self.mode = "overlay"
        self.amount = 0.5
        self._fit = True
        self._size = (1, 1)
        self._base: QGraphicsPixmapItem | None = None
        self._clip: QGraphicsRectItem | None = None
        self.warped_item: QGraphicsPixmapItem | None = None
        self.difference_item: QGraphicsPixmapItem | None = None
        self._divider: QGraphicsLineItem | None = None
        self._outline: QGraphicsPolygonItem | None = None
        self._dots: Dots | None = None
        self._message: QGraphicsTextItem | None = None
        self._points_visible = False

    def set_content(
        self,
        original: QImage | None,
        warped: QImage | None,
        difference: QImage | None,
        outline: Sequence[tuple[float, float]] | None = None,
        points: Sequence[tuple[float, float]] | None = None,
        message: str = "",
    ) -> None:
        """Images in the original's display pixels; ``outline``/``points`` likewise."""
        scene = self.scene()
        scene.clear()
        self._base = self._clip = self.warped_item = self.difference_item = None
        self._divider = self._outline = self._dots = self._message = None
        self.resetTransform()
        if original is None or warped is None or difference is None:
            self._message = QGraphicsTextItem(message)
            self._message.setDefaultTextColor(QColor("#e0e0e0"))
            self._message.setTextWidth(max(240, self.viewport().width() - 40))
            scene.addItem(self._message)
            scene.setSceneRect(self._message.boundingRect())
            return
        self._size = (original.width(), original.height())
        rect = QRectF(original.rect())
        scene.setSceneRect(rect)
        self._base = scene.addPixmap(QPixmap.fromImage(original))
        self._clip = QGraphicsRectItem(rect)
        self._clip.setPen(QPen(Qt.PenStyle.NoPen))
        self._clip.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)
        scene.addItem(self._clip)
        self.warped_item = QGraphicsPixmapItem(QPixmap.fromImage(warped), self._clip)
        self.difference_item = scene.addPixmap(QPixmap.fromImage(difference))
        for item in (self._base, self.warped_item, self.difference_item):
            item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._divider = QGraphicsLineItem()
        self._divider.setPen(cosmetic_pen("#ffffff", 2))
        self._divider.setZValue(40)
        scene.addItem(self._divider)
        if outline is not None and len(outline) >= 3:
            self._outline = QGraphicsPolygonItem(QPolygonF([QPointF(x, y) for x, y in outline]))
            self._outline.setPen(cosmetic_pen("#ffd600", 2, Qt.PenStyle.DashLine))
            self._outline.setZValue(35)
            scene.addItem(self._outline)
        if points is not None and len(points):
            self._dots = Dots([QPointF(x, y) for x, y in points], rect, POINT_COLOUR)
            scene.addItem(self._dots)
        self._apply()
        self.fit()

    def has_content(self) -> bool:
        return self._base is not None

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._apply()

    def set_amount(self, amount: float) -> None:
        """Overlay: the output's opacity; swipe: the divider's place (share of the width)."""
        self.amount = min(1.0, max(0.0, amount))
        self._apply()

    def set_points_visible(self, visible: bool) -> None:
        self._points_visible = visible
        self._apply()

    def _apply(self) -> None:
        if self._base is None or self._clip is None or self.warped_item is None:
            return
        width, height = self._size
        difference = self.mode == "difference"
        swipe = self.mode == "swipe"
        assert self.difference_item is not None and self._divider is not None
        self.difference_item.setVisible(difference)
        self._base.setVisible(not difference)
        self._clip.setVisible(not difference)
        x = self.amount * width
        self._clip.setRect(
            QRectF(x, 0, width - x, height) if swipe else QRectF(0, 0, width, height)
        )
        self.warped_item.setOpacity(1.0 if swipe else self.amount)
        self._divider.setLine(QLineF(x, 0, x, height))
        self._divider.setVisible(swipe)
        if self._outline is not None:
            self._outline.setVisible(self._points_visible or difference)
        if self._dots is not None:
            self._dots.setVisible(self._points_visible and not difference)

    def fit(self) -> None:
        if self._base is None:
            return
        self._fit = True
        self.fitInView(self._base, Qt.AspectRatioMode.KeepAspectRatio)

    def zoom_by(self, factor: float) -> None:
        if self._base is None:
            return
        new = self.transform().m11() * factor
        if MIN_SCALE <= new <= MAX_SCALE:
            self._fit = False
            self.scale(factor, factor)

    def actual_size(self) -> None:
        self._fit = False
        self.setTransform(QTransform())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._fit:
            self.fit()

    def _swipe_to(self, event: QMouseEvent) -> bool:
        if self.mode != "swipe" or self._base is None:
            return False
        x = self.mapToScene(event.position().toPoint()).x()
        self.set_amount(x / max(1, self._size[0]))
        self.divider_moved.emit(self.amount)
        return True

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._swipe_to(event):
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self._swipe_to(event):
            event.accept()
            return
        super().mouseMoveEvent(event)
