"""Screen capture through the XDG desktop portal, for Wayland desktops.

On Wayland an application may not read the screen: ``QScreen.grabWindow`` returns a black
image (or nothing). The desktop's own way in is the portal's ``Screenshot`` method on the
session bus (``org.freedesktop.portal.Desktop``), as NormCap and Flameshot use it: we ask,
the desktop may show its own confirmation, and the answer arrives later as a ``Response``
signal on a request object whose path we can predict from our bus name and a token -- so
we listen *before* asking. The answer names a PNG file the portal saved (usually in the
user's Pictures folder); its pixels become the capture and the file is then removed, so
screenshots do not pile up there (its address is kept in the item's facts). The address comes
from another process, so it is trusted only as far as :func:`load_portal_file` checks it.

:func:`select_backend` picks the portal on a Wayland session and ``QScreen`` elsewhere
(Windows, macOS, X11, the offscreen test platform); ``PROOFSHOT_SCREEN_CAPTURE`` may force
either. Everything here runs on the GUI thread and never blocks it: the request returns at
once and :class:`PortalScreenshot` reports through signals (with a timeout, since a portal
that refuses sometimes never answers at all).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import secrets
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

log = logging.getLogger(__name__)

Backend = Literal["portal", "qscreen"]
OVERRIDE_VAR = "PROOFSHOT_SCREEN_CAPTURE"

PORTAL_SERVICE = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SCREENSHOT_INTERFACE = "org.freedesktop.portal.Screenshot"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
TIMEOUT_MS = 15_000  # the portal may never answer a refusal; a user may take a while to confirm

RESPONSE_OK, RESPONSE_CANCELLED = 0, 1


def select_backend(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Backend:
    """``"portal"`` on a Linux Wayland session, else ``"qscreen"``; the override wins.

    Wayland is recognised by ``XDG_SESSION_TYPE=wayland`` or a ``WAYLAND_DISPLAY``; an X11
    session says ``x11`` and keeps ``QScreen`` even when a Wayland socket is around
    (XWayland apps started from it can read the screen). Qt's offscreen and minimal
    platforms (tests, scripts) have no desktop to ask, so they keep ``QScreen``.
    """
    env = os.environ if environ is None else environ
    forced = env.get(OVERRIDE_VAR, "").strip().lower()
    if forced in ("portal", "qscreen"):
        return forced  # type: ignore[return-value]
    if not (platform or sys.platform).startswith("linux"):
        return "qscreen"
    if env.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal"):
        return "qscreen"
    session = env.get("XDG_SESSION_TYPE", "").strip().lower()
    if session == "wayland":
        return "portal"
    if session in ("x11", "tty"):
        return "qscreen"
    return "portal" if env.get("WAYLAND_DISPLAY") else "qscreen"


_URI_IN_TEXT = re.compile(r"""["'](file://[^"']+)["']""")


def response_uri(results: Any, message_text: str = "") -> str | None:
    """The ``uri`` of a successful Response, from its results map or the message's text.

    PySide6 does not always turn the ``a{sv}`` results into a dict (NormCap found the same);
    then the ``file://`` address is read from the message's printed form.
    """
    if isinstance(results, Mapping):
        uri = results.get("uri")
        if isinstance(uri, str) and uri:
            return uri
    match = _URI_IN_TEXT.search(message_text)
    return match.group(1) if match else None


MAX_PORTAL_FILE_BYTES = 256 * 1024 * 1024  # an 8K PNG is far smaller; a bigger file is not ours


class PortalFileRefused(OSError):
    """The portal's answer named a file we will not read (wrong place, a link, not a file, too big)."""


def portal_folders(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The folders a desktop portal saves screenshots in, as real paths.

    xdg-desktop-portal backends write into the user's Pictures folder (``XDG_PICTURES_DIR``,
    else ``~/Pictures``), their cache (``XDG_CACHE_HOME``, else ``~/.cache``), the temporary
    folder (``TMPDIR``, else ``/tmp``) or the user's runtime folder (``XDG_RUNTIME_DIR``, else
    ``/run/user/<uid>``, where the document portal lives). Anything else is refused.
    """
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    candidates = [
        env.get("XDG_PICTURES_DIR") or "",
        str(home / "Pictures"),
        env.get("XDG_CACHE_HOME") or str(home / ".cache"),
        env.get("TMPDIR") or "",
        tempfile.gettempdir(),
        "/tmp",
        env.get("XDG_RUNTIME_DIR") or "",
    ]
    if hasattr(os, "geteuid"):
        candidates.append(f"/run/user/{os.geteuid()}")
    folders: list[Path] = []
    for text in candidates:
        if not text or not os.path.isabs(text):
            continue
        real = Path(os.path.realpath(text))
        if real not in folders:
            folders.append(real)
    return folders


def _portal_path(uri: str, folders: list[Path]) -> Path:
    """The local path ``uri`` names, refused unless it lies under one of ``folders``."""
    parsed = urlparse(uri)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        raise PortalFileRefused(f"the portal answered with an address that is not a file: {uri}")
    path = Path(unquote(parsed.path))
    if not path.is_absolute() or ".." in path.parts:
        raise PortalFileRefused(f"the portal answered with a path that is not plain: {path}")
    parent = Path(os.path.realpath(path.parent))
    if not any(parent == folder or folder in parent.parents for folder in folders):
        raise PortalFileRefused(
            f"the portal's screenshot is not in a folder a portal saves to: {path}"
        )
    return parent / path.name


def _read_regular_file(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file of ours (no link followed), bounded."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PortalFileRefused(f"the portal's screenshot is a symbolic link: {path}") from exc
        raise OSError(
            f"the portal's screenshot could not be read: {path} ({exc.strerror})"
        ) from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PortalFileRefused(f"the portal's screenshot is not a regular file: {path}")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise PortalFileRefused(f"the portal's screenshot belongs to another user: {path}")
        if info.st_size > MAX_PORTAL_FILE_BYTES:
            raise PortalFileRefused(f"the portal's screenshot is too big to be one: {path}")
        data = handle.read(MAX_PORTAL_FILE_BYTES + 1)
    if len(data) > MAX_PORTAL_FILE_BYTES:
        raise PortalFileRefused(f"the portal's screenshot is too big to be one: {path}")
    return data


def load_portal_file(uri: str, *, remove: bool = True, folders: list[Path] | None = None) -> QImage:
    """The image the portal saved at ``uri``; the file is removed afterwards when asked.

    The address comes from another process, so it is checked before anything is read: a
    ``file:`` address under one of :func:`portal_folders` (or ``folders``), the file itself a
    regular file of this user opened without following a symbolic link, at most
    :data:`MAX_PORTAL_FILE_BYTES`. Otherwise :class:`PortalFileRefused` says why and the file
    is left alone.
    """
    path = _portal_path(uri, portal_folders() if folders is None else folders)
    image = QImage.fromData(_read_regular_file(path))
    if image.isNull():
        raise OSError(f"the portal's screenshot could not be read: {path}")
    if remove:
        try:
            path.unlink()
        except OSError as exc:
            log.warning("the portal's screenshot file was left at %s: %s", path, exc)
    return image


class PortalScreenshot(QObject):
    """One asynchronous request to the portal; emits ``grabbed`` or ``failed`` exactly once."""

    grabbed = Signal(QImage, str)  # the image, the portal's file address
    failed = Signal(str)  # why, in words for the user

    def __init__(self, parent: QObject | None = None, *, interactive: bool = False) -> None:
        super().__init__(parent)
        self.interactive = interactive
        self._done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(
            lambda: self._fail(self.tr("The desktop did not answer the screenshot request."))
        )
        self._request: Any = None

    def start(self) -> None:
        from PySide6.QtDBus import (  # loaded only where the portal is used
            QDBusAbstractInterface,
            QDBusConnection,
            QDBusInterface,
            QDBusMessage,
        )

        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            self._fail(self.tr("There is no desktop session bus to ask for a screenshot."))
            return
        token = f"proofshot_{secrets.token_hex(6)}"
        sender = bus.baseService().lstrip(":").replace(".", "_")
        request_path = f"{PORTAL_PATH}/request/{sender}/{token}"

        class _Request(QDBusAbstractInterface):
            Response = Signal(QDBusMessage)

        self._request = _Request(PORTAL_SERVICE, request_path, REQUEST_INTERFACE, bus, self)
        self._request.Response.connect(self._response)  # listen before asking
        portal = QDBusInterface(PORTAL_SERVICE, PORTAL_PATH, SCREENSHOT_INTERFACE, bus, self)
        reply = portal.call(
            "Screenshot", "", {"handle_token": token, "interactive": self.interactive}
        )
        if reply.type() == QDBusMessage.MessageType.ErrorMessage:
            self._fail(
                self.tr("The desktop refused the screenshot request: {reason}").format(
                    reason=reply.errorMessage() or reply.errorName()
                )
            )
            return
        self._timer.start(TIMEOUT_MS)

    def _response(self, message: Any) -> None:
        if self._done:
            return
        args = list(message.arguments()) if hasattr(message, "arguments") else []
        code = int(args[0]) if args else -1
        if code == RESPONSE_CANCELLED:
            self._fail(self.tr("The screenshot was cancelled."))
            return
        if code != RESPONSE_OK:
            self._fail(self.tr("The desktop did not allow the screenshot."))
            return
        uri = response_uri(args[1] if len(args) > 1 else None, str(message))
        if uri is None:
            self._fail(self.tr("The desktop's answer named no screenshot file."))
            return
        try:
            image = load_portal_file(uri)
        except OSError as exc:
            self._fail(str(exc))
            return
        self._done = True
        self._timer.stop()
        self.grabbed.emit(image, uri)

    def _fail(self, reason: str) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        log.warning("portal screenshot failed: %s", reason)
        self.failed.emit(reason)
