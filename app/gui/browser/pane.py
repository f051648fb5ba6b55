"""BrowserPane: the one place the app touches QtWebEngine.

A small interface over a ``QWebEngineView`` (load, url, title, history, grab) plus what
the recorder needs from the Qt side: the tab's DevTools target id, the browser's facts
for the environment record, and the files a page makes the browser download.

Each pane has its own off-the-record profile: a clean browser per capture session, whose
cookies, logins and cache live in memory only and vanish with the pane -- they can never
end up in a case or an export. Pop-ups are not opened (the recorder notes the attempt:
one tab per session keeps the record unambiguous). Downloads are saved to a temporary
folder and handed on as bytes, to be stored as evidence.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QMetaObject, QObject, Qt, QTimer, QUrl, Signal, qVersion
from PySide6.QtGui import QImage
from PySide6.QtNetwork import QNetworkProxy, QNetworkProxyFactory, QNetworkProxyQuery
from PySide6.QtWebEngineCore import (
    QWebEngineDownloadRequest,
    QWebEnginePage,
    QWebEngineProfile,
    qWebEngineChromiumSecurityPatchVersion,
    qWebEngineChromiumVersion,
    qWebEngineVersion,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.capture import devtools
from app.config import cache_dir


class _Page(QWebEnginePage):
    """A page that refuses pop-ups and, when headless, answers script dialogs itself."""

    dialog = Signal(dict)

    def __init__(self, profile: QWebEngineProfile, parent: QWidget, *, headless: bool) -> None:
        super().__init__(profile, parent)
        self._headless = headless

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:
        # No second tab: the DevTools recorder sees the attempt (Page.windowOpen) and the
        # workspace offers to open the address here.
        return None

    def javaScriptAlert(self, origin: QUrl, msg: str) -> None:
        self.dialog.emit({"type": "alert", "message": msg, "url": origin.toString()})
        if not self._headless:
            super().javaScriptAlert(origin, msg)

    def javaScriptConfirm(self, origin: QUrl, msg: str) -> bool:
        self.dialog.emit({"type": "confirm", "message": msg, "url": origin.toString()})
        if self._headless:
            return False
        return super().javaScriptConfirm(origin, msg)


class ViewFrameSource(QObject):
    """Grabs the web view on the GUI thread at a fixed rate, for the session video.

    ``start`` and ``stop`` may be called from any thread (the capture session's); the
    timer itself lives on the GUI thread. Each grab hands raw RGB32 pixels to the sink. A
    grab is skipped when the page has not painted since the last one (the encoder repeats
    the last frame), so a still page costs nothing; a grab blocks the GUI thread, which is
    also Chromium's, for some milliseconds.
    """

    _start_requested = Signal(object, int)
    _stop_requested = Signal()

    def __init__(self, view: QWebEngineView) -> None:
        super().__init__(view)
        self._view = view
        self._sink: Any = None
        self._watched: QObject | None = None
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._grab)
        self._start_requested.connect(self._on_start)
        self._stop_requested.connect(self._on_stop)

    def start(self, sink: Any, fps: int) -> None:
        self._start_requested.emit(sink, fps)

    def stop(self) -> None:
        self._stop_requested.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._dirty = True
        return False

    def _watch(self) -> None:
        """Follow the widget Chromium paints into (it is replaced on some navigations)."""
        target = self._view.focusProxy() or self._view
        if target is not self._watched:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
            target.installEventFilter(self)
            self._watched = target
            self._dirty = True

    def _on_start(self, sink: Any, fps: int) -> None:
        self._sink = sink
        self._dirty = True
        self._timer.start(max(1, int(1000 / fps)))
        self._grab()

    def _on_stop(self) -> None:
        self._timer.stop()
        self._sink = None

    def _grab(self) -> None:
        sink = self._sink
        if sink is None or not self._view.isVisible():
            return
        self._watch()
        if not self._dirty:
            return
        self._dirty = False
        image = self._view.grab().toImage()
        if image.isNull():
            return
        if image.format() != QImage.Format.Format_RGB32:
            image = image.convertToFormat(QImage.Format.Format_RGB32)
        sink(image.width(), image.height(), image.bytesPerLine(), bytes(image.constBits()))


class BrowserPane(QWidget):
    """One browser tab with a private profile; see the module docstring."""

    urlChanged = Signal(str)
    titleChanged = Signal(str)
    loadStarted = Signal()
    loadFinished = Signal(bool)
    loadProgress = Signal(int)
    downloadFinished = Signal(dict)
    dialogShown = Signal(dict)

    def __init__(self, parent: QWidget | None = None, *, headless: bool = False) -> None:
        super().__init__(parent)
        self.headless = headless
        self.marker = uuid.uuid4().hex
        # Off-the-record: no storage name, nothing written to disk, nothing shared.
        self.profile = QWebEngineProfile(self)
        self._download_dir = Path(
            tempfile.mkdtemp(prefix="downloads-", dir=_ensure(cache_dir() / "capture-sessions"))
        )
        self.profile.setDownloadPath(str(self._download_dir))
        self.profile.downloadRequested.connect(self._on_download)
        self.page = _Page(self.profile, self, headless=headless)
        self.page.dialog.connect(self.dialogShown)
        self.view = QWebEngineView(self)
        self.view.setPage(self.page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.page.urlChanged.connect(lambda url: self.urlChanged.emit(url.toString()))
        self.page.titleChanged.connect(self.titleChanged)
        self.page.loadStarted.connect(self.loadStarted)
        self.page.loadFinished.connect(self.loadFinished)
        self.page.loadProgress.connect(self.loadProgress)
        self._downloads: list[QWebEngineDownloadRequest] = []
        self.frame_source = ViewFrameSource(self.view)
        self._disposed = False
        # A recognisable first address, so the tab can also be found by URL if needed.
        self.page.load(QUrl(self.marker_url))

    # -- navigation -------------------------------------------------------------------------

    @property
    def marker_url(self) -> str:
        return f"about:blank#proofshot-{self.marker}"

    def load(self, url: str) -> None:
        self.page.load(QUrl.fromUserInput(url))

    def url(self) -> str:
        return self.page.url().toString()

    def title(self) -> str:
        return self.page.title()

    def back(self) -> None:
        self.page.triggerAction(QWebEnginePage.WebAction.Back)

    def forward(self) -> None:
        self.page.triggerAction(QWebEnginePage.WebAction.Forward)

    def reload(self) -> None:
        self.page.triggerAction(QWebEnginePage.WebAction.Reload)

    def stop(self) -> None:
        self.page.triggerAction(QWebEnginePage.WebAction.Stop)

    def can_go_back(self) -> bool:
        return self.page.history().canGoBack()

    def can_go_forward(self) -> bool:
        return self.page.history().canGoForward()

    # -- recorder hooks ---------------------------------------------------------------------

    def devtools_target_id(self) -> str:
        """The id under which ``/json/list`` lists this tab."""
        return self.page.devToolsId()

    @staticmethod
    def devtools_port() -> int | None:
        return devtools.configured_port()

    def browser_facts(self, target_url: str = "") -> dict[str, Any]:
        """Qt/Chromium versions, user agent and Qt's proxy view, for the environment record."""
        facts: dict[str, Any] = {
            "engine": "QtWebEngine (Chromium)",
            "qt_version": qVersion(),
            "qtwebengine_version": qWebEngineVersion(),
            "chromium_version": qWebEngineChromiumVersion(),
            "chromium_security_patch": qWebEngineChromiumSecurityPatchVersion(),
            "user_agent": self.profile.httpUserAgent(),
            "accept_language": self.profile.httpAcceptLanguage(),
            "profile": "off-the-record (in memory, private to this capture session)",
            "chromium_flags": os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""),
            "devtools_endpoint": f"127.0.0.1:{self.devtools_port()}",
        }
        url = target_url or self.url()
        with contextlib.suppress(Exception):
            proxies = QNetworkProxyFactory.systemProxyForQuery(QNetworkProxyQuery(QUrl(url)))
            facts["qt_proxy"] = {
                "query_url": url,
                "system_proxies": [
                    {
                        "type": _proxy_type(p),
                        "host": p.hostName(),
                        "port": p.port(),
                    }
                    for p in proxies
                ],
                "application_proxy": _proxy_type(QNetworkProxy.applicationProxy()),
            }
        return facts

    def request_repaint(self) -> None:
        """Ask the view to paint again (from any thread): a nudge for a stalled compositor."""
        QMetaObject.invokeMethod(self.view, "update", Qt.ConnectionType.QueuedConnection)

    def grab_image(self) -> Any:
        """What the pane shows, as a QPixmap (for previews; evidence screenshots use DevTools)."""
        return self.view.grab()

    # -- downloads --------------------------------------------------------------------------

    def _on_download(self, request: QWebEngineDownloadRequest) -> None:
        if request.page() is not self.page:
            return
        folder = Path(tempfile.mkdtemp(prefix="dl-", dir=self._download_dir))
        request.setDownloadDirectory(str(folder))
        self._downloads.append(request)
        request.isFinishedChanged.connect(lambda: self._download_done(request, folder))
        request.accept()

    def _download_done(self, request: QWebEngineDownloadRequest, folder: Path) -> None:
        if not request.isFinished():
            return
        path = folder / request.downloadFileName()
        state = request.state()
        info: dict[str, Any] = {
            "url": request.url().toString(),
            "suggested_filename": request.suggestedFileName(),
            "mime_type": request.mimeType(),
            "total_bytes": request.totalBytes(),
            "received_bytes": request.receivedBytes(),
            "state": state.name if hasattr(state, "name") else str(state),
        }
        if state == QWebEngineDownloadRequest.DownloadState.DownloadCompleted and path.is_file():
            info["data"] = path.read_bytes()
        else:
            info["reason"] = request.interruptReasonString()
        with contextlib.suppress(OSError):
            if path.is_file():
                path.unlink()
            folder.rmdir()
        self.downloadFinished.emit(info)

    # -- teardown ---------------------------------------------------------------------------

    def dispose(self) -> None:
        """Release the page before its profile (Qt warns, and may crash, otherwise)."""
        if self._disposed:
            return
        self._disposed = True
        self.view.hide()
        shiboken6.delete(self.view)
        shiboken6.delete(self.page)
        shiboken6.delete(self.profile)
        with contextlib.suppress(OSError):
            for leftover in sorted(self._download_dir.rglob("*"), reverse=True):
                leftover.unlink() if leftover.is_file() else leftover.rmdir()
            self._download_dir.rmdir()


def _proxy_type(proxy: QNetworkProxy) -> str:
    kind = proxy.type()
    return kind.name if hasattr(kind, "name") else str(kind)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
