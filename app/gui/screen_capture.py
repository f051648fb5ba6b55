"""Screen capture of the full screen, one window or a region, stored as a screenshot item.

For AI tools outside the built-in browser. The pixels come from ``QScreen.grabWindow``; the
PNG written is exactly those pixels. An optional prompt typed by the operator is stored as
an annotation marked "entered by operator (not captured)" — see
:func:`app.core.items.add_operator_prompt` — never as captured provenance.

Which window is in front cannot be asked portably: on Windows and X11 we ask the system
(``GetForegroundWindow`` / ``_NET_ACTIVE_WINDOW``); elsewhere (macOS, Wayland) a window
capture falls back to the full screen and says so in the item's facts.

On a Wayland session ``QScreen`` only sees black, so the pixels come from the XDG desktop
portal instead (:mod:`app.gui.screen_portal`, chosen by
:func:`~app.gui.screen_portal.select_backend`); the facts name the backend either way.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QScreen,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRubberBand,
    QVBoxLayout,
    QWidget,
)

from app.core import items as items_mod
from app.core.case import Case
from app.gui.lazy import deferred
from app.gui.messages import show_error, show_message
from app.gui.screen_portal import PortalScreenshot, select_backend
from app.gui.session import CaseSession

if TYPE_CHECKING:
    from app.core.ingest import Acquisition, IngestResult

ingest = deferred("app.core.ingest")  # provenance parsers: loaded on first use

MODES = ("full-screen", "window", "region")


@dataclass
class Grab:
    """Pixels taken from the screen and the facts of how they were taken."""

    image: QImage
    mode: str
    facts: dict[str, Any] = field(default_factory=dict)

    def png(self) -> bytes:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not self.image.save(buffer, "PNG"):
            raise OSError("the captured image could not be encoded as PNG")
        data: QByteArray = buffer.data()
        return bytes(data.data())

    @property
    def looks_blank(self) -> bool:
        """All black: what some desktops (Wayland) hand out instead of refusing."""
        small = self.image.scaled(16, 16)
        return all(
            small.pixel(x, y) & 0xFFFFFF == 0
            for x in range(small.width())
            for y in range(small.height())
        )


def _screen_facts(screen: QScreen) -> dict[str, Any]:
    g = screen.geometry()
    return {
        "screen": screen.name(),
        "screen_manufacturer": screen.manufacturer(),
        "screen_model": screen.model(),
        "screen_geometry": [g.x(), g.y(), g.width(), g.height()],
        "device_pixel_ratio": screen.devicePixelRatio(),
        "platform": QGuiApplication.platformName(),
        "os": sys.platform,
        "capture_backend": "qscreen",
    }


def grab_full_screen(screen: QScreen | None = None) -> Grab:
    screen = screen or QGuiApplication.primaryScreen()
    pixmap = screen.grabWindow(0)
    return Grab(pixmap.toImage(), "full-screen", _screen_facts(screen))


def grab_window(window_id: int, title: str = "", screen: QScreen | None = None) -> Grab:
    screen = screen or QGuiApplication.primaryScreen()
    pixmap = screen.grabWindow(window_id)
    facts = {**_screen_facts(screen), "window_id": hex(window_id), "window_title": title}
    return Grab(pixmap.toImage(), "window", facts)


def portal_grab(image: QImage, uri: str, screen: QScreen | None = None) -> Grab:
    """A full-desktop grab the XDG portal delivered (the whole virtual desktop)."""
    screen = screen or QGuiApplication.primaryScreen()
    g = screen.virtualGeometry()
    facts = {
        **_screen_facts(screen),
        "screen_geometry": [g.x(), g.y(), g.width(), g.height()],
        "capture_backend": "xdg-desktop-portal",
        "portal_file": uri,
    }
    return Grab(image, "full-screen", facts)


def crop_region(full: Grab, rect: QRect) -> Grab:
    """A region of a full-screen grab; ``rect`` is in the grab's own pixels."""
    rect = rect.intersected(full.image.rect())
    facts = {**full.facts, "region": [rect.x(), rect.y(), rect.width(), rect.height()]}
    return Grab(full.image.copy(rect), "region", facts)


def foreground_window() -> tuple[int, str] | None:
    """The id and title of the window in front, where the platform lets us ask."""
    platform = QGuiApplication.platformName()
    if sys.platform == "win32":  # pragma: no cover - Windows only
        user32 = ctypes.windll.user32  # type: ignore[attr-defined]
        hwnd = int(user32.GetForegroundWindow())
        if not hwnd:
            return None
        buf = ctypes.create_unicode_buffer(512)
        user32.GetWindowTextW(hwnd, buf, 512)
        return hwnd, buf.value
    if platform == "xcb" and shutil.which("xprop"):  # pragma: no cover - needs an X server
        try:
            out = subprocess.run(
                ["xprop", "-root", "_NET_ACTIVE_WINDOW"], capture_output=True, text=True, timeout=2
            ).stdout
            match = re.search(r"0x[0-9a-fA-F]+", out)
            if not match or int(match.group(0), 16) == 0:
                return None
            wid = int(match.group(0), 16)
            name = subprocess.run(
                ["xprop", "-id", hex(wid), "_NET_WM_NAME"],
                capture_output=True,
                text=True,
                timeout=2,
            ).stdout
            title = name.split("=", 1)[1].strip().strip('"') if "=" in name else ""
            return wid, title
        except (OSError, subprocess.SubprocessError):
            return None
    return None


class RegionSelector(QWidget):
    """A full-screen overlay showing a frozen screen grab; drag a rectangle, Enter or release."""

    selected = Signal(QRect)  # in the grab's pixels
    cancelled = Signal()

    def __init__(self, full: Grab, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setObjectName("regionSelector")
        self.full = full
        self._pixmap = QPixmap.fromImage(full.image)
        self._origin = QPoint()
        self.band = QRubberBand(QRubberBand.Shape.Rectangle, self)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        geometry = full.facts.get("screen_geometry")
        if geometry:
            self.setGeometry(QRect(*geometry))

    def _scale(self) -> float:
        return self._pixmap.width() / max(1, self.width())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(self.rect(), self._pixmap)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 70))  # dimmed: this is a still, not live
        painter.setPen(Qt.GlobalColor.white)
        painter.drawText(
            self.rect().adjusted(0, 12, 0, 0),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            self.tr("Drag to select the region to capture; Esc cancels."),
        )
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._origin = event.position().toPoint()
        self.band.setGeometry(QRect(self._origin, QSize()))
        self.band.show()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.band.isVisible():
            self.band.setGeometry(QRect(self._origin, event.position().toPoint()).normalized())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        rect = QRect(self._origin, event.position().toPoint()).normalized()
        self.band.hide()
        if rect.width() < 4 or rect.height() < 4:
            return  # a click, not a drag: keep waiting
        self.choose(rect)

    def choose(self, widget_rect: QRect) -> None:
        """Finish with ``widget_rect`` (in this widget's coordinates)."""
        s = self._scale()
        rect = QRect(
            round(widget_rect.x() * s),
            round(widget_rect.y() * s),
            round(widget_rect.width() * s),
            round(widget_rect.height() * s),
        )
        self.close()
        self.selected.emit(rect)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class CaptureDialog(QDialog):
    """Shows what was captured and asks for an optional prompt and tags before saving."""

    def __init__(self, grab: Grab, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captureDialog")
        self.capture = grab
        self.setWindowTitle(self.tr("Save screen capture"))
        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(200)
        self.preview.setPixmap(
            QPixmap.fromImage(grab.image).scaled(
                560,
                320,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        size = grab.image.size()
        self.info.setText(
            self.tr("{w} × {h} pixels, exactly as the screen delivered them, saved as PNG.").format(
                w=size.width(), h=size.height()
            )
        )
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #a50e0e")
        warnings = []  # each fact that applies is stated; one never hides another
        if grab.facts.get("window_fallback"):
            warnings.append(
                self.tr(
                    "The window in front could not be identified on this system, so the whole screen was captured."
                )
            )
        if grab.looks_blank:
            warnings.append(
                self.tr(
                    "The capture is entirely black: this desktop may not allow applications to "
                    "capture the screen (Wayland does this). Use the system screenshot tool and import the file instead."
                )
            )
        self.warning.setText(" ".join(warnings))
        self.warning.setVisible(bool(self.warning.text()))
        self.prompt = QPlainTextEdit(self)
        self.prompt.setObjectName("capturePrompt")
        self.prompt.setPlaceholderText(
            self.tr("Optional: the prompt you typed into the AI tool, copied here by hand.")
        )
        self.prompt.setFixedHeight(90)
        self.prompt_note = QLabel(self)
        self.prompt_note.setWordWrap(True)
        self.prompt_note.setText(
            self.tr(
                "A prompt typed here is recorded as entered by you, not as captured from the tool; reports say so."
            )
        )
        self.tags = QLineEdit(self)
        self.tags.setObjectName("captureTags")
        self.tags.setPlaceholderText(self.tr("Tags, separated by commas"))
        form = QFormLayout()
        form.addRow(self.tr("Prompt (entered by operator)"), self.prompt)
        form.addRow("", self.prompt_note)
        form.addRow(self.tr("Tags"), self.tags)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Discard, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.button(QDialogButtonBox.StandardButton.Discard).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.info)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(620, 560)

    def prompt_text(self) -> str:
        return self.prompt.toPlainText().strip()

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.text().replace("，", ",").split(",") if t.strip()]


def capture_acquisition(grab: Grab, prompt: str, actor: str | None) -> Acquisition:
    """How a capture came into the case: its kind, method, source and screen facts."""
    facts = {**grab.facts, "mode": grab.mode, "prompt_entered_by_operator": bool(prompt)}
    if grab.mode == "window":
        source = f"window: {grab.facts.get('window_title') or grab.facts.get('window_id')}"
    else:
        source = f"screen: {grab.facts.get('screen') or 'primary'} ({grab.mode})"
    return ingest.Acquisition(
        kind="screenshot",
        method="screen-capture",
        source=source,
        source_facts=facts,
        operator=actor,
    )


def store_screen_capture(
    case: Case,
    png: bytes,
    acquisition: Acquisition,
    prompt: str,
    tags: list[str],
    add_bytes: Callable[..., IngestResult],
) -> IngestResult:
    """Runs on the writer thread: the screenshot item, then the operator's prompt if any.

    ``png`` (``grab.png()``) and ``acquisition`` are prepared on the GUI thread
    beforehand, because workers never call Qt.
    """
    result = add_bytes(case, png, acquisition, tags=tags)
    if prompt:
        items_mod.add_operator_prompt(case, result.item_id, prompt, actor=acquisition.operator)
    return result


class CaptureFlow(QObject):
    """Hides the window, grabs, shows the save dialog, stores through the writer thread."""

    stored = Signal(object)  # IngestResult

    def __init__(self, session: CaseSession, window: QWidget, *, delay_ms: int = 350) -> None:
        super().__init__(window)
        self.session = session
        self.window = window
        self.delay_ms = delay_ms  # lets the compositor remove our window before the grab
        self.window_countdown_ms = 3000
        self.dialog: CaptureDialog | None = None
        self.selector: RegionSelector | None = None
        self.portal: PortalScreenshot | None = None

    def start(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        if self.session.read_only:
            show_message(
                self.window,
                self.tr("Screen capture"),
                self.tr("This case is open read-only; a capture cannot be stored in it."),
            )
            return
        delay = self.delay_ms + (self.window_countdown_ms if mode == "window" else 0)
        was_visible = self.window.isVisible()
        if was_visible and delay > 0:
            self.window.hide()
        QTimer.singleShot(delay, lambda: self._grab(mode, was_visible))

    def _grab(self, mode: str, restore: bool) -> None:
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        if select_backend() == "portal":
            self._grab_through_portal(mode, restore, screen)
            return
        if mode == "window":
            front = foreground_window()
            if front is not None:
                grab = grab_window(front[0], front[1], screen)
            else:
                grab = grab_full_screen(screen)
                grab.facts["window_fallback"] = True
        else:
            grab = grab_full_screen(screen)
        self._grabbed(grab, mode, restore)

    def _grab_through_portal(self, mode: str, restore: bool, screen: QScreen) -> None:
        """Wayland: ask the desktop; the answer (or a refusal) arrives later, by signal."""
        portal = PortalScreenshot(self)
        self.portal = portal

        def grabbed(image: QImage, uri: str) -> None:
            grab = portal_grab(image, uri, screen)
            if mode == "window":  # the portal gives the desktop; no window can be singled out
                grab.facts["window_fallback"] = True
            self._grabbed(grab, mode, restore)

        def failed(reason: str) -> None:
            self._restore(restore)
            show_message(
                self.window,
                self.tr("Screen capture"),
                self.tr("The screen could not be captured: {reason} Nothing was stored.").format(
                    reason=reason
                ),
            )

        portal.grabbed.connect(grabbed)
        portal.failed.connect(failed)
        portal.start()

    def _grabbed(self, grab: Grab, mode: str, restore: bool) -> None:
        if mode == "region":
            self.selector = RegionSelector(grab)
            self.selector.selected.connect(
                lambda rect: self._chosen(crop_region(grab, rect), restore)
            )
            self.selector.cancelled.connect(lambda: self._restore(restore))
            self.selector.showFullScreen()
            self.selector.activateWindow()
            return
        self._chosen(grab, restore)

    def _restore(self, restore: bool) -> None:
        if restore:
            self.window.show()
            self.window.raise_()

    def _chosen(self, grab: Grab, restore: bool) -> None:
        self._restore(restore)
        if grab.image.isNull() or grab.image.width() == 0:
            show_message(
                self.window,
                self.tr("Screen capture"),
                self.tr("The screen could not be captured on this system; nothing was stored."),
            )
            return
        self.dialog = CaptureDialog(grab, self.window)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog = self.dialog
        dialog.accepted.connect(lambda: self.save(grab, dialog.prompt_text(), dialog.tag_list()))
        dialog.open()

    def save(
        self,
        grab: Grab,
        prompt: str,
        tags: list[str],
        on_done: Callable[[IngestResult], None] | None = None,
    ) -> None:
        actor = self.session.actor()

        def done(result: IngestResult) -> None:
            self.stored.emit(result)
            if on_done is not None:
                on_done(result)

        png = grab.png()
        acquisition = capture_acquisition(grab, prompt, actor)
        add_bytes = ingest.add_bytes
        self.session.write(
            lambda case: store_screen_capture(case, png, acquisition, prompt, tags, add_bytes),
            done,
            lambda exc: show_error(self.window, self.tr("Capture not stored"), exc),
            title="screen capture",
        )
