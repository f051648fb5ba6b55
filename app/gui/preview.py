"""A zoomable preview of one image (wheel with Ctrl, buttons, fit, 1:1)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 0.02, 32.0


class ImageView(QGraphicsView):
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(self.palette().window())
        self._pixmap_item: QGraphicsPixmapItem | None = None
        self._fit = True

    def set_image(self, image: QImage | None, message: str = "") -> None:
        scene = self.scene()
        scene.clear()
        self._pixmap_item = None
        self.resetTransform()
        if image is not None and not image.isNull():
            self._pixmap_item = scene.addPixmap(QPixmap.fromImage(image))
            self._pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            scene.setSceneRect(QRectF(image.rect()))
            self._fit = True
            self.fit()
        else:
            text = QGraphicsTextItem(message)
            text.setTextWidth(max(200, self.viewport().width() - 40))
            scene.addItem(text)
            scene.setSceneRect(text.boundingRect())
        self.zoom_changed.emit(self.scale_factor())

    def has_image(self) -> bool:
        return self._pixmap_item is not None

    def scale_factor(self) -> float:
        return self.transform().m11()

    def fit(self) -> None:
        if self._pixmap_item is None:
            return
        self._fit = True
        self.fitInView(self._pixmap_item, Qt.AspectRatioMode.KeepAspectRatio)
        if self.scale_factor() > 1.0:  # do not blow small images up when fitting
            self.resetTransform()
        self.zoom_changed.emit(self.scale_factor())

    def actual_size(self) -> None:
        self._fit = False
        self.resetTransform()
        self.zoom_changed.emit(1.0)

    def zoom_by(self, factor: float) -> None:
        if self._pixmap_item is None:
            return
        new = self.scale_factor() * factor
        if not MIN_SCALE <= new <= MAX_SCALE:
            return
        self._fit = False
        self.scale(factor, factor)
        self.zoom_changed.emit(self.scale_factor())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self._fit:
            self.fit()


class PreviewPane(QWidget):
    """The image view with its zoom buttons and a line saying what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = ImageView(self)
        self.view.setObjectName("previewView")
        self.zoom_out = QToolButton(self)
        self.zoom_in = QToolButton(self)
        self.fit_button = QToolButton(self)
        self.actual_button = QToolButton(self)
        self.zoom_label = QLabel(self)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.caption.setObjectName("previewCaption")
        self.zoom_out.setText("−")
        self.zoom_in.setText("+")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for w in (self.zoom_out, self.zoom_in, self.fit_button, self.actual_button):
            bar.addWidget(w)
        bar.addWidget(self.zoom_label)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        layout.addWidget(self.caption)
        self.zoom_in.clicked.connect(lambda: self.view.zoom_by(ZOOM_STEP))
        self.zoom_out.clicked.connect(lambda: self.view.zoom_by(1 / ZOOM_STEP))
        self.fit_button.clicked.connect(self.view.fit)
        self.actual_button.clicked.connect(self.view.actual_size)
        self.view.zoom_changed.connect(lambda f: self.zoom_label.setText(f"{f * 100:.0f} %"))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.zoom_in.setToolTip(self.tr("Zoom in (Ctrl+wheel)"))
        self.zoom_out.setToolTip(self.tr("Zoom out (Ctrl+wheel)"))
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Fit the image in the pane"))
        self.actual_button.setText(self.tr("1:1"))
        self.actual_button.setToolTip(self.tr("Show the preview at its actual size"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
