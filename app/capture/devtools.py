"""Opening QtWebEngine's DevTools endpoint: on 127.0.0.1 only, on a random free port.

QtWebEngine reads ``QTWEBENGINE_REMOTE_DEBUGGING`` once, when it initialises (before the
first web view or profile exists, in practice before ``QApplication``). So the choice is
made here, in GUI-free code that the GUI's and the headless runner's start-up call first.

Security: the endpoint gives full control of every tab to whoever connects, so it is bound
to the loopback address (never ``0.0.0.0``) on a port picked at random per run; any local
process could still connect while Proofshot runs. ``docs/capture.md`` says so.
"""

from __future__ import annotations

import os
import socket

ENV_VAR = "QTWEBENGINE_REMOTE_DEBUGGING"
LOOPBACK = "127.0.0.1"


def free_loopback_port() -> int:
    """A port the OS reports free on 127.0.0.1 right now (it is released again at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def configured_port() -> int | None:
    """The DevTools port set for this process, or None when DevTools is off.

    Only a loopback setting counts: an address other than 127.0.0.1 is refused rather than
    used, since it would expose the browser to the network.
    """
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return None
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = LOOPBACK, value
    if host not in (LOOPBACK, "localhost") or not port.isdigit():
        return None
    return int(port)


def enable_devtools(port: int | None = None) -> int:
    """Ask QtWebEngine to open DevTools on 127.0.0.1 (call before QtWebEngine starts).

    Returns the port. Keeps an existing loopback setting (the process may already have
    been started with one), and replaces a non-loopback one.
    """
    existing = configured_port()
    if existing is not None and port is None:
        return existing
    chosen = port if port is not None else free_loopback_port()
    os.environ[ENV_VAR] = f"{LOOPBACK}:{chosen}"
    return chosen
