"""Cases for the report tests, built the way the real writers build them.

Every capture, generation, work and chart row is written inside ``case.transaction()`` by
``case.log(..., records=...)`` with ids from ``case.next_id``, so ``verify_case`` stays
intact. Files come from the bundled demo data (``resources/demo``).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image

from app.capture import store
from app.core import items as items_mod
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo"

HOSTILE_PROMPT = (
    '<font color="red" size="40">BIG</font> & &amp; <a href="javascript:alert(1)">x</a> '
    "<para> \u202eevil\u202c \x07\x1b[31m שלום مرحبا 😀 " + "W" * 300 + " 生成星光侠"
)


def _zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 3, 1, 8, 0, 0)), data)
    return buf.getvalue()


def _png(color: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


_JUNCTIONS = {"capture_items", "generation_outputs", "work_documents"}


def _log(
    case: Case, action: str, table: str, row: dict[str, Any], item_id: int | None = None
) -> int:
    """One row and its custody event, in one transaction, as the real writers do it."""
    with case.transaction():
        record = dict(row)
        if table not in _JUNCTIONS:
            record["id"] = case.next_id(table)
        case.log(action, item_id=item_id, facts={"table": table}, records={table: [record]})
    return int(record.get("id", 0))


SERVER_IP = "203.0.113.7"
TLS_SUBJECT = "lumagen.example"
TLS_ISSUER = "Demo Issuing CA R1"


def exchange_facts(url: str) -> dict[str, Any]:
    """An item's acquisition facts as the recorder writes them (``Exchange.facts()``)."""
    return {
        "url": url,
        "method": "GET",
        "status": 200,
        "http_protocol": "h2",
        "mime_type": "image/png",
        "remote_ip": SERVER_IP,
        "remote_port": 443,
        "security_state": "secure",
        "tls": {
            "protocol": "TLS 1.3",
            "cipher": "AES_128_GCM",
            "key_exchange": "X25519",
            "subject": TLS_SUBJECT,
            "issuer": TLS_ISSUER,
            "valid_from": "2025-01-01T00:00:00+00:00",
            "valid_to": "2025-12-31T23:59:59+00:00",
            "san": [TLS_SUBJECT, "*.lumagen.example"],
        },
        "requested_at": "2025-03-01T08:01:08.000000+00:00",
    }


def environment_record(*, clock_checked: bool = True) -> dict[str, Any]:
    """An environment record in the shape ``collect_environment`` writes."""
    clock: dict[str, Any] = (
        {
            "checked": True,
            "tsa_name": "Proofshot Test TSA A",
            "tsa_url": "http://127.0.0.1/tsa",
            "gen_time": "2025-03-01T07:59:58+00:00",
            "offset_seconds": 0.4,
            "within_tolerance": True,
            "tolerance_seconds": 120.0,
        }
        if clock_checked
        else {"checked": False, "reason": "no timestamp authority is configured"}
    )
    return {
        "record": "proofshot-environment-1",
        "session_id": "s-1",
        "taken_at": "2025-03-01T07:59:58.000000+00:00",
        "local_timezone": "CST",
        "operator": "Alice Analyst",
        "site_account": "alice@lumagen",
        "os": {"system": "Linux", "release": "6.1", "machine": "x86_64"},
        "application": {"name": "Proofshot", "version": "0.1"},
        "browser": {
            "engine": "QtWebEngine (Chromium)",
            "profile": "off-the-record (in memory, private to this capture session)",
        },
        "target": {"url": "https://lumagen.example/create", "host": "lumagen.example"},
        "proxy": {"environment": {}, "system": {}, "qt": {"type": "NoProxy"}},
        "hosts_file": {"path": "/etc/hosts", "readable": True, "entries": []},
        "dns": {"host": "lumagen.example", "answers": [SERVER_IP]},
        "clock": clock,
    }


def add_file(
    case: Case,
    path: Path,
    kind: str,
    method: str,
    source: str,
    tags: list[str] | None = None,
    facts: dict[str, Any] | None = None,
) -> int:
    return add_bytes(
        case,
        path.read_bytes(),
        Acquisition(kind=kind, method=method, source=source, source_facts=facts or {}),
        tags=tags or [],
    ).item_id


def add_work(
    case: Case,
    item_id: int,
    title: str,
    owner: str,
    reg: str,
    date: str,
    facts: dict[str, Any] | None = None,
) -> int:
    return _log(
        case,
        "work.added",
        "works",
        {
            "item_id": item_id,
            "title": title,
            "owner": owner,
            "registration": reg,
            "registration_date": date,
            "facts": canonical_json({"work_type": "artistic work", **(facts or {})}),
            "supersedes": None,
        },
        item_id,
    )


def add_capture(
    case: Case,
    url: str,
    title: str,
    members: list[tuple[int, str]],
    *,
    facts: dict[str, Any] | None = None,
    marks: list[str] = (),  # type: ignore[assignment]
    kind: str = "session",
) -> int:
    """A capture written by the store's own writer (a kind the store has, its facts typed)."""
    stored = store.store_capture(
        case,
        kind=kind,
        requested_url=url,
        final_url=url,
        title=title,
        started_at=1740816000.0,  # 2025-03-01 08:00:00 UTC
        ended_at=1740816330.0,
        facts=facts
        if facts is not None
        else {
            "session_id": "s-1",
            "target_url": url,
            "operator": "Alice Analyst",
            "site_account": "alice@lumagen",
            "exchanges": 14,
        },
        linked=[(role, item_id) for item_id, role in members],
    )
    for role in marks:
        store.mark_capture(case, stored.capture_id, role)
    return stored.capture_id


def add_generation(
    case: Case,
    capture_id: int | None,
    prompt: str,
    outputs: list[int],
    *,
    negative: str | None = None,
) -> int:
    gen_id = _log(
        case,
        "generation.recorded",
        "generations",
        {
            "capture_id": capture_id,
            "prompt": prompt,
            "negative_prompt": negative,
            "parameters": canonical_json({"model": "lumagen-xl-v2", "seed": 12, "steps": 20}),
            "request_url": "https://lumagen.example/api/generate",
            "job_id": "job-0042",
            "submitted_at": "2025-03-01T08:01:00.000000+00:00",
            "returned_at": "2025-03-01T08:01:09.500000+00:00",
            "binding": canonical_json({"method": "response-body", "job_id": "job-0042"}),
            "facts": canonical_json({"status": 200}),
        },
    )
    for item_id in outputs:
        _log(
            case,
            "generation.output-added",
            "generation_outputs",
            {"generation_id": gen_id, "item_id": item_id},
            item_id,
        )
    return gen_id


def add_chart(case: Case, work_id: int, item_id: int, title: str = "Hero stance compared") -> int:
    return _log(
        case,
        "chart.saved",
        "charts",
        {
            "work_id": work_id,
            "item_id": item_id,
            "title": title,
            "metrics": canonical_json(
                {
                    "score": 0.83,
                    "band": "high",
                    "metrics": [
                        {
                            "name": "perceptual hash",
                            "value": 0.9,
                            "sentence": "The two images are the same picture at a glance.",
                        },
                        {
                            "name": "keypoints",
                            "value": 0.7,
                            "sentence": "Many distinctive points reappear in the same arrangement.",
                        },
                    ],
                }
            ),
            "elements": canonical_json(
                [
                    {
                        "n": 1,
                        "description": "Star-shaped chest emblem",
                        "original": {"shape": "ellipse", "x": 0.4, "y": 0.35, "w": 0.2, "h": 0.15},
                        "output": {"shape": "ellipse", "x": 0.42, "y": 0.33, "w": 0.2, "h": 0.15},
                    },
                    {
                        "n": 2,
                        "description": "Silver helmet with crest <b>&</b>",
                        "original": {"shape": "rect", "x": 0.35, "y": 0.05, "w": 0.3, "h": 0.2},
                        "output": {"shape": "rect", "x": 0.36, "y": 0.06, "w": 0.3, "h": 0.2},
                    },
                    {
                        "n": 3,
                        "description": "Cape flowing to the left",
                        "original": {"shape": "arrow", "x": 0.2, "y": 0.6, "w": 0.2, "h": 0.2},
                        "output": {"shape": "arrow", "x": 0.25, "y": 0.6, "w": 0.2, "h": 0.2},
                    },
                ]
            ),
            "supersedes": None,
        },
        item_id,
    )


def build_demo_case(
    path: Path, *, hostile: bool = False, operator: str = "Alice Analyst"
) -> dict[str, Any]:
    """A case with works, a generation capture, a platform page, loose outputs and a chart."""
    case = Case.create(path, title="Starlume v. Lumagen", operator=operator)
    ids: dict[str, Any] = {"case": case}
    works = json.loads((DEMO / "originals" / "works.json").read_text("utf-8"))["works"]
    work_ids = []
    for entry in works[:2]:
        item_id = add_file(
            case, DEMO / entry["file"], "original-work", "file-import", entry["file"], ["starlume"]
        )
        work_ids.append(
            add_work(
                case,
                item_id,
                entry["title"],
                entry["owner"],
                entry["registration_number"],
                entry["registration_date"],
                {"title_zh": entry.get("title_zh", "")},
            )
        )
    ids["works"] = work_ids
    out1 = add_file(
        case,
        DEMO / "generated/gen_01_starlume.png",
        "web-capture",
        "devtools-response",
        "https://lumagen.example/media/1.png",
        ["group-1"],
        exchange_facts("https://lumagen.example/media/1.png"),
    )
    out2 = add_file(
        case,
        DEMO / "generated/gen_02_starlume_retry.png",
        "web-capture",
        "devtools-response",
        "https://lumagen.example/media/2.png",
        ["group-1"],
        exchange_facts("https://lumagen.example/media/2.png"),
    )
    shot = add_file(
        case,
        DEMO / "screenshots/lumagen_create_page.png",
        "screenshot",
        "browser-screenshot",
        "https://lumagen.example/create",
    )
    html = add_bytes(
        case,
        b"<html><body><h1>Create</h1></body></html>",
        Acquisition(
            kind="page-html", method="devtools-dom", source="https://lumagen.example/create"
        ),
    ).item_id
    env = add_bytes(
        case,
        json.dumps(environment_record()).encode(),
        Acquisition(kind="environment", method="environment-report", source="proofshot"),
    ).item_id
    wacz = add_bytes(
        case,
        _zip_bytes({"datapackage.json": b'{"profile": "data-package"}'}),
        Acquisition(
            kind="web-archive", method="wacz-writer", source="https://lumagen.example/create"
        ),
    ).item_id
    video = add_bytes(
        case,
        b"\x1a\x45\xdf\xa3" + b"\x00" * 60 + b"webm-session-recording",
        Acquisition(
            kind="video", method="screen-recording", source="https://lumagen.example/create"
        ),
    ).item_id
    cap = add_capture(
        case,
        "https://lumagen.example/create",
        "Lumagen — Create",
        [
            (shot, "screenshot-full"),
            (html, "dom-html"),
            (env, "environment"),
            (wacz, "wacz"),
            (video, "video"),
        ],
    )
    prompt = HOSTILE_PROMPT if hostile else "生成星光侠"
    ids["generation"] = add_generation(case, cap, prompt, [out1, out2], negative="lowres, blurry")
    trending = add_file(
        case,
        DEMO / "screenshots/lumagen_trending.png",
        "screenshot",
        "browser-screenshot",
        "https://lumagen.example/trending",
    )
    add_capture(
        case,
        "https://lumagen.example/terms",
        "Terms of service",
        [(trending, "screenshot-viewport")],
        marks=["terms", "recommendation"],
        kind="page",
        facts={"page_url": "https://lumagen.example/terms", "title": "Terms of service"},
    )
    loose = add_file(
        case,
        DEMO / "generated/gen_09_standing.jpg",
        "imported-file",
        "file-import",
        "/evidence/gen_09_standing.jpg",
        ["group-1"],
    )
    labelled = add_file(
        case,
        DEMO / "generated/gen_11_xmp_label.png",
        "imported-file",
        "file-import",
        "/evidence/gen_11_xmp_label.png",
        ["group-1"],
    )
    ids["chart"] = add_chart(case, work_ids[0], out1)
    items_mod.add_note(
        case, out1, "Looks like the hero stance. " + ("<b>bold?</b> & \u202e" if hostile else "")
    )
    tall = add_bytes(
        case,
        _png((30, 90, 160), (400, 3000)),
        Acquisition(
            kind="screenshot", method="browser-screenshot", source="https://lumagen.example/gallery"
        ),
    ).item_id
    ids.update(
        out1=out1,
        out2=out2,
        shot=shot,
        html=html,
        env=env,
        capture=cap,
        trending=trending,
        loose=loose,
        labelled=labelled,
        tall=tall,
        wacz=wacz,
        video=video,
    )
    return ids
