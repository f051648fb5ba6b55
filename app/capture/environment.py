"""The environment record taken when recording starts (SPC Evidence Provisions art. 93).

A court weighs whether the capturing machine was "complete, reliable and working normally":
what ran (OS, Proofshot's version and code hash, the browser engine), how the network was
reached (proxies, hosts-file entries and DNS answers for the target host) and whether the
clock was right (compared with a trusted time-stamp authority's genTime). The browser-side
facts (Qt, Chromium, user agent, Qt's system proxy) come from the Qt layer as a plain dict,
so this module stays free of Qt.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
import platform
import socket
import sys
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.capture.redaction import redact_string, redact_value, strip_userinfo
from app.core.identity import runtime_facts
from app.core.tsa import MAX_CLOCK_OFFSET, TsaConfig, TsaError, clock_offset, request_timestamp

PROXY_VARS = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
)


def hosts_file_path() -> Path:
    if os.name == "nt":
        root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        return Path(root) / "System32" / "drivers" / "etc" / "hosts"
    return Path("/etc/hosts")


def hosts_entries(host: str, path: Path | None = None) -> dict[str, Any]:
    """Lines of the hosts file that name ``host`` (an override there redirects the site)."""
    path = path or hosts_file_path()
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError as exc:
        return {"path": str(path), "readable": False, "error": str(exc), "entries": []}
    entries = []
    wanted = host.lower().rstrip(".")
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].split()
        if len(content) >= 2 and wanted in (n.lower().rstrip(".") for n in content[1:]):
            entries.append({"line": number, "text": line.strip()})
    return {
        "path": str(path),
        "readable": True,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "entries": entries,
    }


def dns_answers(host: str, port: int) -> dict[str, Any]:
    """What the system resolver answers for the host now (the browser may cache)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        return {"host": host, "answers": [], "error": str(exc)}
    answers = sorted({str(info[4][0]) for info in infos})
    return {"host": host, "answers": answers}


def proxy_settings(qt_proxy: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Proxy settings as seen now; a proxy URL is kept without its user name and password
    (``userinfo_removed`` names the settings that had them)."""
    removed: list[str] = []

    def clean(where: str, value: str) -> str:
        out = strip_userinfo(value)
        if out != value.strip():
            removed.append(where)
        return out

    env = {name: clean(name, os.environ[name]) for name in PROXY_VARS if name in os.environ}
    system = {k: clean(f"system {k}", str(v)) for k, v in urllib.request.getproxies().items()}
    qt: Any = "not reported"
    if qt_proxy is not None:
        qt = {k: clean(f"qt {k}", v) if isinstance(v, str) else v for k, v in qt_proxy.items()}
    out: dict[str, Any] = {"environment": env, "system": system, "qt": qt}
    if removed:
        out["userinfo_removed"] = removed
    return out


def clock_check(tsas: Sequence[TsaConfig], datum: bytes) -> dict[str, Any]:
    """Local clock against the first TSA that answers: genTime and the offset in seconds."""
    if not tsas:
        return {"checked": False, "reason": "no timestamp authority is configured"}
    failures = []
    for tsa in tsas:
        sent = dt.datetime.now(dt.UTC)
        try:
            token = request_timestamp(datum, tsa)
        except TsaError as exc:
            failures.append({"tsa_url": tsa.url, "reason": exc.reason})
            continue
        received = token.received_at or dt.datetime.now(dt.UTC)
        midpoint = sent + (received - sent) / 2
        offset = clock_offset(token.gen_time, midpoint)
        return {
            "checked": True,
            "tsa_url": tsa.url,
            "tsa_name": token.tsa_name,
            "gen_time": token.gen_time.isoformat(),
            "local_time_sent": sent.isoformat(timespec="microseconds"),
            "local_time_received": received.isoformat(timespec="microseconds"),
            "offset_seconds": round(offset.total_seconds(), 3),
            "round_trip_seconds": round((received - sent).total_seconds(), 3),
            "within_tolerance": abs(offset) <= MAX_CLOCK_OFFSET,
            "tolerance_seconds": MAX_CLOCK_OFFSET.total_seconds(),
            "failures": failures,
        }
    return {
        "checked": False,
        "reason": "no timestamp authority answered",
        "failures": failures,
    }


def _operator_account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def collect_environment(
    target_url: str,
    *,
    session_id: str,
    browser: Mapping[str, Any],
    tsas: Sequence[TsaConfig] = (),
    operator: str = "",
    account: str = "",
) -> dict[str, Any]:
    """The environment record, as a JSON-ready dict (stored as an ``environment`` item)."""
    parts = urlsplit(target_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    started = dt.datetime.now(dt.UTC)
    local = dt.datetime.now().astimezone()
    record: dict[str, Any] = {
        "record": "proofshot-environment-1",
        "session_id": session_id,
        "taken_at": started.isoformat(timespec="microseconds"),
        "local_time": local.isoformat(timespec="microseconds"),
        "local_timezone": str(local.tzinfo),
        "operator": operator,
        "site_account": account,
        "os": {
            "system": platform.system(),
            "release": platform.release(),
            "version": platform.version(),
            "machine": platform.machine(),
            "platform": platform.platform(),
            "hostname": socket.gethostname(),
            "os_user": _operator_account(),
        },
        "application": {**runtime_facts(), "python_executable": sys.executable},
        "browser": dict(browser),
        "target": {"url": redact_string(target_url), "host": host, "port": port},
        "proxy": proxy_settings(browser.get("qt_proxy") if isinstance(browser, Mapping) else None),
        "hosts_file": hosts_entries(host) if host else {"entries": [], "note": "no host"},
        "dns": dns_answers(host, port) if host else {"answers": [], "note": "no host"},
    }
    datum = f"proofshot environment check {session_id} {started.isoformat()}".encode()
    record["clock"] = clock_check(tsas, datum)
    record, names = redact_value(record)
    if names:
        record["redacted"] = sorted(set(names))
    return record
