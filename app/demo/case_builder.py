"""Build the bundled demo case from ``resources/demo/``: works, generated look-alikes, screenshots.

Everything in the demo is invented for Proofshot (see resources/demo/README.md). The demo
case is built through the same core functions as any case, so its custody log, hashes and
provenance are real.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.compare import works as works_mod
from app.core import items as items_mod
from app.core.case import Case
from app.core.ingest import Acquisition, add_file

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "demo"


def _manifest(root: Path) -> dict[str, Any]:
    return json.loads((root / "demo.json").read_text("utf-8"))


def build_demo_case(
    path: Path, *, operator: str = "Demo Operator", resources: Path = RESOURCES
) -> Case:
    manifest = _manifest(resources)
    works_info = json.loads((resources / "originals" / "works.json").read_text("utf-8"))
    case = Case.create(path, title=manifest.get("case", "Demo case"), operator=operator)
    try:
        platform = manifest.get("platform", {})
        cover = {
            "caption": f"{works_info.get('licensee', '')} v. the operator of {platform.get('name', 'the platform')} (demo)",
            "matter": "Reproduction of the Starlume character by an AI image service (invented demo matter)",
            "parties": f"{works_info.get('licensee', '')}; {works_info.get('owner', '')} (licensor)",
            "prepared_by": operator,
            "platform_name": platform.get("name", ""),
            "platform_url": platform.get("url", ""),
        }
        for key, value in cover.items():
            case.set_setting(f"bundle.{key}", value)
        by_file = {w["file"]: w for w in works_info.get("works", [])}
        chain = works_info.get("licence_chain", [])
        for entry in manifest["files"]:
            file = resources / entry["path"]
            role = entry.get("role")
            if role == "original-work":
                info = by_file.get(entry["path"], {})
                work_id = works_mod.add_work_file(
                    case,
                    file,
                    title=info.get("title") or entry.get("title") or file.stem,
                    owner=info.get("owner", works_info.get("owner", "")),
                    registration=info.get("registration_number", ""),
                    registration_date=info.get("registration_date", ""),
                    facts={
                        "title_zh": info.get("title_zh", ""),
                        "created": info.get("created", ""),
                        "first_published": info.get("first_published", ""),
                        "work_type": info.get("work_type", ""),
                        "registration_authority": info.get("registration_authority", ""),
                        "licensee": works_info.get("licensee", ""),
                        "licence_chain": chain,
                    },
                )
                item_id = works_mod.get_work(case, work_id).item_id
            else:
                kind = "screenshot" if role == "screenshot" else "imported-file"
                method = "demo-import"
                item_id = add_file(case, file, Acquisition(kind=kind, method=method)).item_id
            tags = list(entry.get("tags", []))
            if role == "generated":
                tags.append("generated")
            for tag in tags:
                items_mod.add_tag(case, [item_id], tag)
            if role == "screenshot":
                items_mod.add_note(
                    case,
                    item_id,
                    f"Demo screenshot of {manifest.get('platform', {}).get('name', 'the platform')}.",
                )
    except BaseException:
        case.close()
        raise
    return case


DUTY_PAGES: tuple[tuple[str, str | None], ...] = (
    ("/", "home"),
    ("/terms", "terms"),
    ("/ai-label", "ai-label"),
    ("/complaint", "complaint"),
)
"""The demo platform's pages recorded for the Duties tab: path and the role it is marked as."""
DEMO_DUTY_KEYWORDS = "星光侠, Starlume"


def add_demo_duty_pages(case: Case, site_url: str, *, actor: str | None = None) -> list[int]:
    """Record the demo platform's own pages (as served over loopback HTTP) and mark them.

    A plain HTTP fetch, not a browser capture: the page HTML as the server sent it is stored
    as the capture's DOM, with the response facts, and the capture is marked as the platform's
    home / terms / AI-label / complaint page, so the Duties tab has findings to show. No
    generation is tied to these pages (none was made in them), so the checks state what the
    pages show and no more. Returns the capture ids.
    """
    import time
    import urllib.request

    from app.capture import store

    case.set_setting("duties.keywords", DEMO_DUTY_KEYWORDS)
    ids: list[int] = []
    for path, role in DUTY_PAGES:
        url = site_url.rstrip("/") + path
        started = time.time()
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback demo site only
            body = response.read()
            status = int(response.status)
            content_type = response.headers.get("Content-Type", "")
        ended = time.time()
        title = ""
        text = body.decode("utf-8", "replace")
        if "<title>" in text:
            title = text.split("<title>", 1)[1].split("</title>", 1)[0].strip()
        facts = {
            "method_note": "demo: fetched over loopback HTTP by the demo builder, "
            "not captured in a browser",
            "http_status": status,
            "content_type": content_type,
        }
        stored = store.store_capture(
            case,
            kind="page",
            requested_url=url,
            final_url=url,
            title=title,
            started_at=started,
            ended_at=ended,
            facts=facts,
            parts=[store.Part("dom-html", body, "web-capture", url, {"http_status": status})],
            method="demo-http-fetch",
        )
        if role is not None:
            store.mark_capture(case, stored.capture_id, role, actor=actor)
        ids.append(stored.capture_id)
    return ids
