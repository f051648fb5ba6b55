"""What a campaign found: progress, and per prompt the tries, outputs and matches by band.

This is the table the PDF bundle shows, as one model (``campaign_report``) that the CLI, the
GUI and the report builder all render. Match results are recorded in the custody log
(``campaign.outputs-matched``), naming the rule and the works they were computed against,
so the numbers in a filing can be traced to an event; when works are added later, the
affected outputs are matched again and recorded again.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from app.capture.campaigns import store
from app.capture.campaigns.matching import (
    ENGINE,
    MATCHING_BANDS,
    best_band,
    current_works,
    match_outputs,
)
from app.compare.scoring import BAND_SENTENCES, BANDS
from app.core.case import Case

MATCH_ACTION = "campaign.outputs-matched"


@dataclass(frozen=True)
class MatchRecord:
    works: tuple[int, ...]
    matches: list[dict[str, Any]]
    seq: int


def recorded_matches(case: Case, campaign_id: int) -> dict[int, MatchRecord]:
    """The latest recorded matches of each output of a campaign."""
    found: dict[int, MatchRecord] = {}
    rows = case.conn.execute(
        "SELECT seq, payload FROM events WHERE action = ? ORDER BY seq", (MATCH_ACTION,)
    )
    for seq, payload in rows:
        facts = json.loads(payload).get("facts", {})
        if facts.get("campaign_id") != campaign_id:
            continue
        works = tuple(int(w) for w in facts.get("works", []))
        for item_id, matches in facts.get("results", {}).items():
            found[int(item_id)] = MatchRecord(works, list(matches), int(seq))
    return found


def _stale(case: Case, campaign: store.Campaign) -> tuple[list[int], tuple[int, ...]]:
    """Outputs whose recorded matches are missing or were made against other works."""
    works = tuple(w.id for w in current_works(case))
    if not works:
        return [], works  # nothing to compare with: nothing is missing
    known = recorded_matches(case, campaign.id)
    outputs = {o.item_id for o in store.campaign_outputs(case, campaign.id)}
    todo = sorted(i for i in outputs if i not in known or known[i].works != works)
    return todo, works


def record_matches(case: Case, campaign: store.Campaign, *, actor: str | None = None) -> int:
    """Match the outputs not yet matched against the current works, and log the result."""
    todo, works = _stale(case, campaign)
    if not todo:
        return 0
    results = match_outputs(case, todo)
    with case.transaction():
        case.log(
            MATCH_ACTION,
            facts={
                "campaign_id": campaign.id,
                "engine": ENGINE,
                "works": list(works),
                "results": {str(k): v for k, v in results.items()},
            },
            actor=actor,
        )
    return len(todo)


def current_matches(
    case: Case, campaign: store.Campaign
) -> tuple[dict[int, list[dict[str, Any]]], bool]:
    """Matches for every output: recorded ones, plus fresh ones computed for the rest.

    Returns (matches, all recorded). A read-only case gets its missing matches computed
    here and shown, but they are not recorded.
    """
    todo, _ = _stale(case, campaign)
    known = {k: v.matches for k, v in recorded_matches(case, campaign.id).items()}
    if todo:
        known.update(match_outputs(case, todo))
    return known, not todo


def _work_titles(case: Case) -> dict[int, dict[str, str]]:
    return {
        int(i): {"title": str(t), "registration": str(r)}
        for i, t, r in case.conn.execute("SELECT id, title, registration FROM works")
    }


def campaign_progress(case: Case, campaign: store.Campaign) -> dict[str, Any]:
    counts = store.try_counts(case, campaign.id)
    finished = counts["done"] + counts["failed"]
    return {
        "planned": campaign.planned,
        "done": counts["done"],
        "failed": counts["failed"],
        "remaining": campaign.planned - finished,
        "complete": finished >= campaign.planned,
    }


def _report_matches(
    case: Case, campaign: store.Campaign, with_matches: bool, compute_missing: bool
) -> tuple[dict[int, list[dict[str, Any]]], bool]:
    """Matches per output item and whether all of them are recorded (not computed now)."""
    if not with_matches:
        return {}, False
    if compute_missing:
        return current_matches(case, campaign)
    matches = {k: v.matches for k, v in recorded_matches(case, campaign.id).items()}
    return matches, not _stale(case, campaign)[0]


def _prompt_rows(campaign: store.Campaign) -> list[dict[str, Any]]:
    """One empty summary row per prompt, in the prompt file's order."""
    return [
        {
            "prompt_index": index,
            "number": index + 1,
            "prompt": entry.prompt,
            "negative_prompt": entry.negative_prompt,
            "tries_planned": campaign.tries,
            "tries_done": 0,
            "tries_failed": 0,
            "tries_remaining": campaign.tries,
            "outputs": 0,
            "output_items": [],
            "matches": {band: 0 for band in BANDS},
            "outputs_matching": 0,
            "best_match": None,
        }
        for index, entry in enumerate(campaign.prompts)
    ]


def _count_output(
    row: dict[str, Any],
    item_id: int,
    found: list[dict[str, Any]],
    titles: dict[int, dict[str, str]],
) -> None:
    """Count one output in its prompt's row: its band, and the row's best match so far."""
    row["outputs"] += 1
    row["output_items"].append(item_id)
    band = best_band(found)
    if band is not None:
        row["matches"][band] += 1
    if band not in MATCHING_BANDS:
        return
    row["outputs_matching"] += 1
    top = found[0]
    best = row["best_match"]
    if best is None or top["score"] > best["score"]:
        row["best_match"] = {
            **top,
            "item_id": item_id,
            "title": titles.get(int(top["work_id"]), {}).get("title", ""),
        }


def _totals(campaign: store.Campaign, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "prompts": len(rows),
        "tries_planned": campaign.planned,
        "tries_done": sum(r["tries_done"] for r in rows),
        "tries_failed": sum(r["tries_failed"] for r in rows),
        "outputs": sum(r["outputs"] for r in rows),
        "outputs_matching": sum(r["outputs_matching"] for r in rows),
        "matches": {band: sum(r["matches"][band] for r in rows) for band in BANDS},
    }


def _campaign_header(campaign: store.Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "profile": campaign.profile,
        "endpoint": campaign.endpoint,
        "model": campaign.model,
        "parameters": campaign.parameters,
        "tries": campaign.tries,
        "prompts_sha256": campaign.prompts_sha256,
        "prompts_file": campaign.facts.get("prompts_file"),
        "credential_fingerprint_sha256": campaign.facts.get("credential_fingerprint_sha256"),
    }


def campaign_report(
    case: Case,
    campaign: store.Campaign,
    *,
    with_matches: bool = True,
    compute_missing: bool = True,
) -> dict[str, Any]:
    """The per-prompt summary of one campaign (JSON-ready).

    ``compute_missing=False`` uses recorded matches only (cheap enough for a GUI thread);
    outputs without a recorded match then count in no band.
    """
    tries = case.conn.execute(
        "SELECT prompt_index, status FROM campaign_tries WHERE campaign_id = ?", (campaign.id,)
    ).fetchall()
    outputs = store.campaign_outputs(case, campaign.id)
    matches, recorded = _report_matches(case, campaign, with_matches, compute_missing)
    titles = _work_titles(case)
    rows = _prompt_rows(campaign)
    for prompt_index, status in tries:
        row = rows[int(prompt_index)]
        row["tries_done" if status == "done" else "tries_failed"] += 1
        row["tries_remaining"] -= 1
    for out in outputs:
        _count_output(rows[out.prompt_index], out.item_id, matches.get(out.item_id, []), titles)
    return {
        "campaign": _campaign_header(campaign),
        "progress": campaign_progress(case, campaign),
        "works": [
            {
                "work_id": w.id,
                "item_id": w.item_id,
                "title": w.title,
                "registration": w.registration,
            }
            for w in current_works(case)
        ],
        "matching": {
            "engine": ENGINE,
            "all_recorded": recorded,
            "bands": dict(BAND_SENTENCES),
            "matching_bands": list(MATCHING_BANDS),
        },
        "prompts": rows,
        "totals": _totals(campaign, rows),
    }


def campaigns_status(case: Case) -> list[dict[str, Any]]:
    """Every campaign of the case with its progress, oldest first."""
    out = []
    for campaign in store.list_campaigns(case):
        created = case.conn.execute(
            "SELECT at_utc FROM events WHERE seq = ?", (campaign.seq,)
        ).fetchone()
        last = case.conn.execute(
            "SELECT MAX(e.at_utc) FROM campaign_tries t JOIN events e ON e.seq = t.seq"
            " WHERE t.campaign_id = ?",
            (campaign.id,),
        ).fetchone()
        out.append(
            {
                "id": campaign.id,
                "name": campaign.name,
                "profile": campaign.profile,
                "endpoint": campaign.endpoint,
                "model": campaign.model,
                "prompts": len(campaign.prompts),
                "tries": campaign.tries,
                "prompts_file": campaign.facts.get("prompts_file"),
                "prompts_sha256": campaign.prompts_sha256,
                "created_at": created[0] if created else None,
                "last_try_at": last[0] if last else None,
                **campaign_progress(case, campaign),
            }
        )
    return out


# -- text rendering ---------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text + " " * (width - display_width(text))
    out, used = "", 0
    for c in text:
        w = display_width(c)
        if used + w > width - 1:
            break
        out += c
        used += w
    return out + "…" + " " * (width - used - 1)


def render_report(report: dict[str, Any]) -> str:
    c = report["campaign"]
    p = report["progress"]
    lines = [
        f"Campaign {c['id']}: {c['name']}",
        f"  {c['profile']} at {c['endpoint']}" + (f", model {c['model']}" if c["model"] else ""),
        f"  prompts file {c['prompts_file']} (SHA-256 {c['prompts_sha256'][:16]}…), {c['tries']} tries each",
        f"  tries: {p['done']} done, {p['failed']} failed, {p['remaining']} remaining of {p['planned']}",
        f"  works compared: {len(report['works'])}"
        + (
            ""
            if report["matching"]["all_recorded"]
            else " (some matches computed now, not yet recorded)"
        ),
        "",
        "   #  "
        + clip("prompt", 36)
        + "  tries  done  fail  outputs  high  medium  low  best match",
    ]
    for row in report["prompts"]:
        best = row["best_match"]
        best_text = f"{best['title'][:28]} ({best['band']}, {best['score']:.2f})" if best else "-"
        lines.append(
            f"{row['number']:>4}  {clip(row['prompt'], 36)}  {row['tries_planned']:>5}  {row['tries_done']:>4}"
            f"  {row['tries_failed']:>4}  {row['outputs']:>7}  {row['matches']['high']:>4}"
            f"  {row['matches']['medium']:>6}  {row['matches']['low']:>3}  {best_text}"
        )
    t = report["totals"]
    lines += [
        "",
        f"Total: {t['prompts']} prompts, {t['tries_done']} of {t['tries_planned']} tries done, {t['tries_failed']} failed, "
        f"{t['outputs']} outputs, {t['outputs_matching']} matching a work "
        f"(high {t['matches']['high']}, medium {t['matches']['medium']}, low {t['matches']['low']}).",
    ]
    return "\n".join(lines)


def render_status(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "The case has no prompt campaign."
    lines = []
    for r in rows:
        state = "finished" if r["complete"] else "unfinished"
        lines.append(
            f"{r['id']:>4}  {state:<10}  {r['done']:>5} done  {r['failed']:>4} failed  {r['remaining']:>5} remaining"
            f" of {r['planned']:<6} {r['profile']:<7} {r['endpoint']}  {r['name']}"
        )
    return "\n".join(lines)
