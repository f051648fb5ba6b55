"""A small, thread-safe Chrome DevTools Protocol client over one WebSocket.

Why a client of our own on top of ``websocket-client``: the recorder must see every
``Network.*`` event in order and must fetch response bodies while the page is still talking,
from threads that are *not* the Qt main thread (QtWebEngine runs Chromium's UI thread on
it, so a call made from there would wait for itself). Three roles, three threads:

* a reader thread receives every message; answers go to the waiting caller, events go to
  a queue;
* a dispatcher thread hands events, in arrival order, to the listeners (a listener may call
  :meth:`CdpClient.call`, since answers arrive through the reader, never the dispatcher);
* any other thread may :meth:`CdpClient.call` (blocking, with a timeout) or
  :meth:`CdpClient.send` (fire and forget, e.g. screencast acknowledgements).

The endpoint is the loopback port QtWebEngine opens when ``QTWEBENGINE_REMOTE_DEBUGGING`` is
set (see :mod:`app.capture.devtools`); nothing here listens on any port.
"""

from __future__ import annotations

import itertools
import json
import logging
import queue
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import websocket

from app.capture.devtools_guard import own_request
from app.core.errors import ProofshotError

log = logging.getLogger(__name__)

Listener = Callable[[str, dict[str, Any]], None]


_BARRIER = "Proofshot.barrier"
"""A marker in the event queue (never a DevTools method name: those have no prefix of ours)."""


class CdpError(ProofshotError):
    """The browser answered a DevTools command with an error, or could not be reached."""

    def __init__(self, message: str, *, method: str = "", code: int | None = None) -> None:
        super().__init__(message)
        self.method = method
        self.code = code


class CdpTimeout(CdpError):
    """No answer within the time allowed (the page may be busy or hung)."""


class CdpClosed(CdpError):
    """The DevTools connection is gone (the browser closed, or the tab was destroyed)."""


def list_targets(port: int, *, timeout: float = 5.0) -> list[dict[str, Any]]:
    """The targets the browser exposes (``/json/list``), from the loopback port only."""
    with (
        own_request(),
        urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as reply,
    ):
        data = json.loads(reply.read().decode("utf-8"))
    return [t for t in data if isinstance(t, dict)]


def browser_version(port: int, *, timeout: float = 5.0) -> dict[str, Any]:
    """``/json/version``: browser name, protocol version, user agent (for the environment)."""
    with (
        own_request(),
        urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=timeout) as reply,
    ):
        data = json.loads(reply.read().decode("utf-8"))
    return data if isinstance(data, dict) else {}


def find_page_target(
    port: int, predicate: Callable[[dict[str, Any]], bool], *, timeout: float = 15.0
) -> dict[str, Any]:
    """Wait until a page target matching ``predicate`` is listed, and return it.

    Tabs are told apart by a unique marker URL the pane loads first: ``/json/list`` is the
    only way to learn a tab's WebSocket address, and it lists every tab of the process.
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            for target in list_targets(port):
                if target.get("type") == "page" and predicate(target):
                    return target
        except OSError as exc:  # the endpoint opens a moment after the first page exists
            last_error = exc
        time.sleep(0.1)
    reason = f" ({last_error})" if last_error else ""
    raise CdpError(
        f"The browser's DevTools endpoint on 127.0.0.1:{port} did not list this tab{reason}."
    )


class CdpClient:
    """One DevTools session (a page target's WebSocket)."""

    def __init__(self, ws_url: str, *, name: str = "cdp") -> None:
        self.ws_url = ws_url
        self.name = name
        self._ws: websocket.WebSocket | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, Future[dict[str, Any]]]] = {}
        self._pending_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()
        self._events: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self._closed = threading.Event()
        self._reader: threading.Thread | None = None
        self._dispatcher: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def connect(self, *, timeout: float = 10.0) -> CdpClient:
        try:
            # No Origin header: QtWebEngine allows any origin on its loopback endpoint, and
            # a made-up Origin would only be one more thing to explain.
            self._ws = websocket.create_connection(
                self.ws_url, timeout=timeout, suppress_origin=True, enable_multithread=True
            )
        except (OSError, websocket.WebSocketException) as exc:
            raise CdpClosed(f"Cannot connect to the browser's DevTools endpoint: {exc}.") from exc
        self._ws.settimeout(None)
        self._reader = threading.Thread(target=self._read_loop, name=f"{self.name}-reader")
        self._dispatcher = threading.Thread(target=self._dispatch_loop, name=f"{self.name}-events")
        self._reader.daemon = self._dispatcher.daemon = True
        self._reader.start()
        self._dispatcher.start()
        return self

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        ws = self._ws
        if ws is not None:
            try:
                ws.close(timeout=1)
            except Exception:  # closing a broken socket may raise anything
                log.debug("closing the DevTools socket failed", exc_info=True)
        self._fail_pending("The DevTools connection was closed.")
        self._events.put(None)
        for thread in (self._reader, self._dispatcher):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=2)

    def __enter__(self) -> CdpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- commands ---------------------------------------------------------------------------

    def send(self, method: str, params: dict[str, Any] | None = None) -> int:
        """Send a command without waiting for its answer; returns its id."""
        return self._send(method, params, None)

    def call_async(
        self, method: str, params: dict[str, Any] | None = None
    ) -> tuple[int, Future[dict[str, Any]]]:
        """Send a command; returns its id and a future of its result (see :meth:`forget`)."""
        future: Future[dict[str, Any]] = Future()
        return self._send(method, params, future), future

    def _send(
        self,
        method: str,
        params: dict[str, Any] | None,
        future: Future[dict[str, Any]] | None,
    ) -> int:
        """Send a command, its answer awaited by ``future`` when one is given; its id."""
        if self._ws is None or self.closed:
            raise CdpClosed(f"{method}: the DevTools connection is closed.")
        msg_id = next(self._ids)
        if future is not None:
            with self._pending_lock:
                self._pending[msg_id] = (method, future)
        payload = json.dumps({"id": msg_id, "method": method, "params": params or {}})
        try:
            with self._send_lock:
                self._ws.send(payload)
        except (OSError, websocket.WebSocketException) as exc:
            self.forget(msg_id)
            self._on_broken(exc)
            raise CdpClosed(f"{method}: the DevTools connection broke ({exc}).") from exc
        return msg_id

    def forget(self, msg_id: int) -> None:
        """Stop waiting for a command's answer (it is dropped when it comes)."""
        with self._pending_lock:
            self._pending.pop(msg_id, None)

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 30.0
    ) -> dict[str, Any]:
        """Send a command and wait for its result (never call this on the Qt main thread)."""
        msg_id, future = self.call_async(method, params)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            self.forget(msg_id)
            raise CdpTimeout(
                f"{method}: the browser did not answer within {timeout:g} s.", method=method
            ) from None

    def drain(self, *, timeout: float = 5.0) -> bool:
        """Wait until every event the browser sent before now has been handed to the listeners.

        A round trip first (the answer comes after every event sent before it, on the same
        socket), then a marker through the event queue (the dispatcher reaches it after every
        event the reader queued before it). Used before a recording stops, so an exchange the
        page has already shown is not lost in the queue. False when the browser did not answer,
        the connection is closed, or this is the dispatcher's own thread (it would wait for
        itself)."""
        if self._closed.is_set() or threading.current_thread() is self._dispatcher:
            return False
        deadline = time.monotonic() + timeout
        try:
            self.call("Target.getTargetInfo", timeout=timeout)
        except CdpError:
            return False
        reached = threading.Event()
        self._events.put((_BARRIER, {"reached": reached}))
        return reached.wait(max(0.0, deadline - time.monotonic()))

    # -- events -----------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(method, params)`` for every event; returns a remover."""
        with self._listeners_lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def wait_for_event(
        self,
        method: str,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float = 30.0,
    ) -> dict[str, Any] | None:
        """Block until an event arrives (registered before the action that causes it)."""
        got: Future[dict[str, Any]] = Future()

        def listener(name: str, params: dict[str, Any]) -> None:
            if name == method and not got.done() and (predicate is None or predicate(params)):
                got.set_result(params)

        remove = self.add_listener(listener)
        try:
            return got.result(timeout=timeout)
        except FutureTimeout:
            return None
        finally:
            remove()

    # -- threads ----------------------------------------------------------------------------

    def _read_loop(self) -> None:
        ws = self._ws
        assert ws is not None
        while not self._closed.is_set():
            try:
                raw = ws.recv()
            except (OSError, websocket.WebSocketException) as exc:
                self._on_broken(exc)
                return
            if not raw:
                if not ws.connected:
                    self._on_broken(ConnectionError("closed by the browser"))
                    return
                continue
            try:
                message = json.loads(raw)
            except ValueError:
                log.warning("%s: unreadable DevTools message dropped", self.name)
                continue
            if "id" in message:
                with self._pending_lock:
                    entry = self._pending.pop(int(message["id"]), None)
                if entry is None:
                    continue
                method, future = entry
                if "error" in message:
                    err = message["error"] or {}
                    future.set_exception(
                        CdpError(
                            f"{method}: {err.get('message', 'error')}"
                            + (f" ({err['data']})" if err.get("data") else ""),
                            method=method,
                            code=err.get("code"),
                        )
                    )
                else:
                    future.set_result(message.get("result") or {})
            elif "method" in message:
                self._events.put((str(message["method"]), message.get("params") or {}))

    def _dispatch_loop(self) -> None:
        while True:
            entry = self._events.get()
            if entry is None:
                return
            method, params = entry
            if method == _BARRIER:
                params["reached"].set()
                continue
            with self._listeners_lock:
                listeners = list(self._listeners)
            for listener in listeners:
                try:
                    listener(method, params)
                except Exception:  # one faulty listener must not silence the others
                    log.exception("%s: listener failed on %s", self.name, method)

    def _on_broken(self, exc: BaseException) -> None:
        if self._closed.is_set():
            return
        log.info("%s: DevTools connection ended: %s", self.name, exc)
        self._closed.set()
        self._fail_pending(f"The DevTools connection ended ({exc}).")
        self._events.put(("Proofshot.disconnected", {"reason": str(exc)}))
        self._events.put(None)

    def _fail_pending(self, text: str) -> None:
        with self._pending_lock:
            pending = list(self._pending.values())
            self._pending.clear()
        for method, future in pending:
            if not future.done():
                future.set_exception(CdpClosed(f"{method}: {text}", method=method))


def connect_tab(
    port: int, *, target_id: str = "", marker_url: str = "", timeout: float = 15.0
) -> CdpClient:
    """Connect to one tab, found by its DevTools id (or, failing that, its marker URL)."""

    def matches(target: dict[str, Any]) -> bool:
        if target_id and target.get("id") == target_id:
            return True
        return bool(marker_url) and target.get("url") == marker_url

    target = find_page_target(port, matches, timeout=timeout)
    return CdpClient(str(target["webSocketDebuggerUrl"]), name=f"tab-{target['id'][:8]}").connect()
