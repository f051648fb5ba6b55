"""The DevTools guard: notice any other program attaching to the capture browser.

QtWebEngine's DevTools endpoint listens on 127.0.0.1, and Chromium lets any number of
clients attach to the same tab. Tried on QtWebEngine 6 (Chromium 1xx): a second client that
attaches to the page's WebSocket and runs ``Runtime.evaluate`` changes the page, and
*nothing* tells the first client — no ``Target.attachedToTarget``, no
``Target.targetInfoChanged`` (``attached`` is already true), no ``Inspector.detached``, and
``/json/list`` lists the page and its ``webSocketDebuggerUrl`` exactly as before. So the
protocol cannot be asked; the operating system can.

The guard therefore watches the TCP connections to the DevTools port: the endpoint lives in
this process (QtWebEngine runs Chromium's browser process in it), so every accepted
connection has its server side here, and its client side is either one of this process's
own sockets (the recorder, the page client) or someone else's. It polls the kernel's socket
table every :data:`POLL_SECONDS` (Linux: ``/proc/net/tcp``, and this
process's ``/proc/self/fd`` to know which sockets are its own). A client socket that is not
this process's — whatever its user — is an intrusion: the recording is stopped, and the
problem is recorded in the session and the page capture (the headless command exits 2).
A connection opened and closed between two looks still leaves its closing entry (TIME_WAIT,
60 s) in the table: a port never seen as this process's, outside this process's own
``/json`` requests (:func:`own_request`), is someone else's too.

Residual risk (``docs/capture.md#security-notes``): a connection made within
:data:`OWN_REQUEST_GRACE` of one of Proofshot's own ``/json`` requests is taken as Proofshot's;
on systems without ``/proc`` (Windows, macOS) the guard cannot run and the capture's facts
say so; the guard stops the recording *after* the other program acted (it detects, it cannot
prevent); and a program running as the same user can reach the browser by other means.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
ESTABLISHED = "01"
LISTEN = "0A"
OWN_REQUEST_GRACE = 1.0
"""Seconds after one of this process's own /json requests during which closed connections
to the port are taken as its own."""
TCP_TABLES = (Path("/proc/net/tcp"),)
"""IPv4 only: the endpoint listens on 127.0.0.1, so every connection's server side is here;
reading the IPv6 table too would double the cost of every look (the kernel walks its whole
socket hash table for each)."""

_guards: dict[int, DevToolsGuard] = {}
_guards_lock = threading.Lock()


@dataclass(frozen=True)
class TcpEntry:
    local_port: int
    remote_port: int
    state: str
    uid: int
    inode: int


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1], 16)


def _read_proc(path: Path) -> bytes:
    """A /proc file read with large reads: each read makes the kernel walk its socket table
    again, so few reads are much cheaper than the default small ones."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def read_tcp_table(tables: tuple[Path, ...] = TCP_TABLES) -> list[TcpEntry]:
    """The kernel's TCP socket table of this network namespace (the tables given; by
    default IPv4 only, see :data:`TCP_TABLES`)."""
    entries: list[TcpEntry] = []
    for table in tables:
        try:
            lines = _read_proc(table).decode("ascii", "replace").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) < 10:
                continue
            try:
                entries.append(
                    TcpEntry(_port(cols[1]), _port(cols[2]), cols[3], int(cols[7]), int(cols[9]))
                )
            except ValueError:
                continue
    return entries


def own_socket_inodes(pid: int | str = "self") -> set[int]:
    """Inodes of the sockets a process holds open (``/proc/<pid>/fd``)."""
    inodes: set[int] = set()
    base = Path(f"/proc/{pid}/fd")
    try:
        names = os.listdir(base)
    except OSError:
        return inodes
    for name in names:
        try:
            target = os.readlink(base / name)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def socket_owner(inode: int) -> str:
    """``pid N (name)`` of the process holding a socket, when this user may see it."""
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return "an unknown process"
    for pid in pids:
        if inode in own_socket_inodes(pid):
            try:
                name = Path(f"/proc/{pid}/comm").read_text("utf-8").strip()
            except OSError:
                name = "?"
            return f"process {pid} ({name})"
    return "a process of another user"


def foreign_clients(
    port: int,
    table: list[TcpEntry],
    own: set[int],
) -> list[TcpEntry]:
    """Client sides of established connections to ``port`` that are not this process's.

    A server side whose client side is not in the table at all (a client on an IPv6 socket
    reaching 127.0.0.1 through a mapped address, when only the IPv4 table is read) is
    returned as a client entry with ``inode`` -1 and ``uid`` -1.
    """
    clients = {e.local_port: e for e in table if e.remote_port == port and e.state != LISTEN}
    out = []
    for server in table:
        if server.local_port != port or server.state != ESTABLISHED:
            continue
        client = clients.get(server.remote_port)
        if client is None:
            out.append(TcpEntry(server.remote_port, port, ESTABLISHED, -1, -1))
            continue
        if client.state != ESTABLISHED or client.inode == 0 or client.inode in own:
            continue
        out.append(client)
    return out


def supported() -> bool:
    return TCP_TABLES[0].exists() and Path("/proc/self/fd").exists()


class DevToolsGuard:
    """Polls for foreign clients of the DevTools port while a recording runs."""

    def __init__(
        self,
        port: int,
        on_intrusion: Callable[[str], None],
        *,
        interval: float = POLL_SECONDS,
        reader: Callable[[], list[TcpEntry]] = read_tcp_table,
        own_inodes: Callable[[], set[int]] = own_socket_inodes,
    ) -> None:
        self.port = port
        self._read = reader
        self._own_inodes = own_inodes
        self.on_intrusion = on_intrusion
        self.interval = interval
        self.problems: list[str] = []
        self.available = supported()
        self._seen: set[int] = set()
        self._own: set[int] = set()
        self._own_peers: set[int] = set()
        self._unmatched: set[int] = set()
        self._baseline: set[int] = set()
        self.foreign_connections: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def facts(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "active": self.available,
            "port": self.port,
            "poll_seconds": self.interval,
            "foreign_connections": list(self.foreign_connections),
        }
        if not self.available:
            out["reason"] = "this system has no /proc socket table; other clients are not detected"
        return out

    def start(self) -> DevToolsGuard:
        if self.available and self._thread is None:
            # Connections already closed when recording starts are not this recording's.
            self._baseline = closed_peers(self.port, self._read())
            self.check()  # anyone already attached before recording started counts too
            self._thread = threading.Thread(target=self._loop, name="devtools-guard", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the guard must never break a recording
                log.exception("DevTools guard check failed")

    def check(self) -> list[str]:
        """One look at the socket table; returns the new problems (and reports them)."""
        table = self._read()
        found = foreign_clients(self.port, table, self._own)
        if found:
            # Something not known as ours: re-read this process's sockets (a socket of ours
            # opened since the last look is not foreign).
            self._own = self._own_inodes()
            found = foreign_clients(self.port, table, self._own)
        for e in table:
            if e.remote_port == self.port and e.state == ESTABLISHED and e.inode in self._own:
                self._own_peers.add(e.local_port)
        reports: list[tuple[int, int | None, str]] = []
        unmatched = set()
        for c in found:
            if c.inode == -1:
                # Only the server side was seen: report it when it is still so at the next
                # look (the table is not read atomically) and none of our requests ran.
                unmatched.add(c.local_port)
                if c.local_port in self._unmatched and not own_requests_recent():
                    reports.append((c.local_port, None, "a client not in the IPv4 table"))
            else:
                reports.append((c.local_port, c.uid, socket_owner(c.inode)))
        self._unmatched = unmatched
        # A connection that came and went between two looks leaves a closing entry (TIME_WAIT
        # for 60 s) naming its port; ours are known (seen open, or made by this process's own
        # /json requests), any other is someone else's.
        if not own_requests_recent():
            for peer in closed_peers(self.port, table):
                if peer not in self._baseline and peer not in self._own_peers:
                    reports.append((peer, None, "a program that connected and left between looks"))
        new = []
        for peer, uid, owner in reports:
            if peer in self._seen:
                continue
            self._seen.add(peer)
            self.foreign_connections.append({"from_port": peer, "uid": uid, "owner": owner})
            if self.problems:  # the recording is already stopped; count, don't repeat
                continue
            who = f"{owner}, user id {uid}" if uid is not None else owner
            text = (
                f"Another program ({who}) connected to the capture browser's DevTools port "
                f"127.0.0.1:{self.port} from port {peer} during the recording; it could have "
                "changed the page or read its cookies, so the recording was stopped and what "
                "follows is not evidence."
            )
            self.problems.append(text)
            new.append(text)
            try:
                self.on_intrusion(text)
            except Exception:
                log.exception("DevTools guard callback failed")
        return new


_own_requests = 0
_own_requests_until = 0.0
_own_lock = threading.Lock()


@contextlib.contextmanager
def own_request() -> Iterator[None]:
    """Mark a short request of this process to the DevTools port (``/json/list``): the
    connection it leaves behind is not someone else's."""
    global _own_requests, _own_requests_until
    with _own_lock:
        _own_requests += 1
    try:
        yield
    finally:
        with _own_lock:
            _own_requests -= 1
            _own_requests_until = time.monotonic() + OWN_REQUEST_GRACE


def own_requests_recent() -> bool:
    with _own_lock:
        return _own_requests > 0 or time.monotonic() < _own_requests_until


def closed_peers(port: int, table: list[TcpEntry]) -> set[int]:
    """Ports of the other side of connections to ``port`` that are closing or closed."""
    peers = set()
    for e in table:
        if e.state in (ESTABLISHED, LISTEN):
            continue
        if e.local_port == port and e.remote_port:
            peers.add(e.remote_port)
        elif e.remote_port == port:
            peers.add(e.local_port)
    return peers


def devtools_port(ws_url: str) -> int | None:
    try:
        return urlsplit(ws_url).port
    except ValueError:
        return None


def watch(client: Any, on_intrusion: Callable[[str], None]) -> DevToolsGuard | None:
    """Start guarding the DevTools port of ``client`` (a :class:`CdpClient`)."""
    port = devtools_port(str(getattr(client, "ws_url", "")))
    if port is None:
        return None
    guard = DevToolsGuard(port, on_intrusion)
    with _guards_lock:
        _guards[id(client)] = guard
    return guard.start()


def unwatch(client: Any) -> dict[str, Any] | None:
    """Stop guarding; returns the guard's facts for the session record."""
    with _guards_lock:
        guard = _guards.pop(id(client), None)
    if guard is None:
        return None
    guard.stop()
    return guard.facts()


def intrusions(client: Any) -> list[str]:
    """The problems found so far for ``client``'s port (for the page capture's problems)."""
    with _guards_lock:
        guard = _guards.get(id(client))
    return list(guard.problems) if guard is not None else []


def abort_recording(rec: Any, text: str) -> None:
    """Stop recording exchanges at once and name the problem in the session."""
    rec.problems.append(text)
    try:
        rec.recorder.stop(reason="recording stopped: another program attached to DevTools")
    except Exception:
        log.exception("stopping the recorder after an intrusion failed")
