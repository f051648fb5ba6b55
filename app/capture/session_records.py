"""What a recording leaves in the case: the environment record, the video and the signed
WACZ, and the facts of the ``session`` capture record.

Split out of :class:`~app.capture.session.CaptureSession` (issue 17): the session decides
when (the environment when recording starts, the rest when it stops); these functions say
what. The WACZ's datapackage digest is signed with the case's key (anonymous WACZ signing),
and the WACZ item's SHA-256 is then time-stamped in the capture's RFC 3161 batch with every
other item.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from app import __version__
from app.capture import environment as env_mod
from app.capture import store, wacz_sign
from app.capture.cdp import CdpClient, CdpError
from app.capture.exchanges import iso_utc
from app.capture.page_events import PageEvents
from app.capture.recording import Recording
from app.capture.warc import ArchivePage, WaczError, package_wacz
from app.capture.writer import CaseWriter
from app.core import attest
from app.core.case import Case
from app.core.identity import tool_name
from app.core.ingest import Acquisition, commit_prepared, prepare_bytes
from app.core.tsa import TsaConfig


def store_environment(
    client: CdpClient,
    writer: CaseWriter,
    rec: Recording,
    *,
    browser_facts: Callable[[], dict[str, Any]],
    tsas: list[TsaConfig],
    operator: str,
    account: str,
) -> Future[int]:
    """Take the environment record now (DNS, hosts, proxies, clock vs TSA) and store it."""
    try:
        browser = browser_facts()
    except Exception as exc:  # the Qt side could not report; say so in the record
        browser = {"error": f"browser facts unavailable: {exc}"}
    try:
        browser["devtools"] = devtools_facts(client)
    except CdpError as exc:
        browser["devtools"] = {"error": str(exc)}
    record = env_mod.collect_environment(
        rec.target_url,
        session_id=rec.session_id,
        browser=browser,
        tsas=tsas,
        operator=operator,
        account=account,
    )
    data = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")

    def write(case: Case) -> int:
        staged = prepare_bytes(
            case.objects,
            data,
            Acquisition(
                kind="environment",
                method="environment-record",
                source=f"proofshot:session/{rec.session_id}/environment",
                source_facts={"session_id": rec.session_id, "target_url": rec.target_url},
            ),
        )
        return commit_prepared(case, [staged])[0].item_id

    future = writer.submit(write)
    rec.pending.append(future)
    return future


def devtools_facts(client: CdpClient) -> dict[str, Any]:
    """The browser's own account of itself over DevTools (``Browser.getVersion``)."""
    version = client.call("Browser.getVersion", timeout=5)
    return {
        "protocol_version": version.get("protocolVersion"),
        "product": version.get("product"),
        "revision": version.get("revision"),
        "user_agent": version.get("userAgent"),
        "js_version": version.get("jsVersion"),
    }


def session_parts(
    rec: Recording, video: Any, navigations: list[dict[str, Any]], writer: CaseWriter
) -> list[store.Part]:
    """The session's video and its signed WACZ (or the problem that prevented them)."""
    parts: list[store.Part] = []
    if video is not None:
        parts.append(
            store.Part(
                "video",
                video.path.read_bytes(),
                "video",
                f"proofshot:session/{rec.session_id}/video",
                {"session_id": rec.session_id, **video.facts()},
            )
        )
    else:
        rec.problems.append("No video frame arrived from the browser; the session has no video.")
    wacz_path = rec.work_dir / f"session-{rec.session_id[:8]}.wacz"
    pages = [ArchivePage(n["url"], n["at"]) for n in navigations if n["at"] >= rec.started_at]
    try:
        package_wacz(
            rec.warc.path,
            wacz_path,
            pages,
            title=f"Proofshot session {rec.session_id[:8]}",
            description=f"Recorded from {rec.target_url}" if rec.target_url else "",
        )
        signature = sign_wacz(writer, wacz_path)
        parts.append(
            store.Part(
                "wacz",
                wacz_path.read_bytes(),
                "web-archive",
                f"proofshot:session/{rec.session_id}/wacz",
                {
                    "session_id": rec.session_id,
                    "warc_records": rec.warc.records,
                    "warc_responses": rec.warc.responses,
                    "format": "WACZ 1.1.1 (py-wacz)",
                    "signature": signature,
                },
            )
        )
    except WaczError as exc:
        rec.problems.append(str(exc))
    return parts


def session_facts(
    rec: Recording,
    events: PageEvents,
    guard_facts: dict[str, Any],
    video: Any,
    *,
    operator: str,
    account: str,
) -> dict[str, Any]:
    """The ``session`` capture record's facts: what happened while recording."""
    since = rec.started_at
    return {
        "session_id": rec.session_id,
        "target_url": rec.target_url,
        "operator": operator,
        "site_account": account,
        "exchanges": rec.recorder.count,
        "devtools_guard": guard_facts,
        "incomplete_exchanges": rec.incomplete,
        "websockets": rec.websockets,
        "bodies_taken_at_response_stage": rec.recorder.intercepted,
        "navigations": [
            {"url": n["url"], "at": iso_utc(n["at"])}
            for n in events.navigations
            if n["at"] >= since
        ],
        "popups": [at_iso(p) for p in events.popups if p["at"] >= since],
        "downloads": [at_iso(d) for d in events.downloads.values() if d["at"] >= since],
        "dialogs": [at_iso(d) for d in events.dialogs if d["at"] >= since],
        "page_submits": [
            {
                "kind": r.kind,
                "target": r.target,
                "url": r.url,
                "at": iso_utc(r.at),
                "fields": r.fields,
                **({"target_box": r.target_box} if r.target_box else {}),
            }
            for r in rec.binder.reports
        ],
        "generation_ids": sorted(rec.generation_ids),
        "page_capture_ids": rec.page_capture_ids,
        "video": video.facts() if video is not None else None,
        "problems": rec.problems,
    }


def sign_wacz(writer: CaseWriter, wacz_path: Path) -> dict[str, Any]:
    """Sign the WACZ's datapackage digest with the case's key (anonymous WACZ signing).

    The WACZ item's SHA-256, and so its signed digest, is then time-stamped in the
    capture's RFC 3161 batch with every other item. Without a keyring the archive is kept
    unsigned, and the facts say why."""
    try:
        case_id = writer.submit(attest.case_id).result(timeout=30)
        key = wacz_sign.case_signing_key(case_id)
        signed = wacz_sign.sign_wacz(wacz_path, key, software=tool_name(), version=__version__)
    except Exception as exc:  # no keyring: the archive is kept, unsigned, and says so
        return {"signed": False, "reason": str(exc)}
    der = base64.b64decode(signed["publicKey"])
    return {
        "signed": True,
        "scheme": "WACZ Signing and Verification 0.1.0, anonymous (ECDSA P-384)",
        "datapackage_hash": signed["hash"],
        "created": signed["created"],
        "public_key_sha256": hashlib.sha256(der).hexdigest(),
        "key": f"OS keyring: {wacz_sign.SERVICE} / case {case_id}",
    }


def preload_packager() -> None:
    """Import the WACZ packager (a second or two) ahead of the stop that needs it."""
    try:
        importlib.import_module("wacz.main")
    except ImportError:  # reported when the session is packaged
        pass


def at_iso(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with its epoch ``at`` as ISO 8601 UTC."""
    return {**entry, "at": iso_utc(entry.get("at"))}
