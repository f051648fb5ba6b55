"""What a study found: rates with intervals per prompt and per arm, the controls, agreement.

One model (``study_report``, JSON-ready) that the CLI, the GUI and the bundle render. Every
figure carries the items it counts (``items``) and those it counts as positive
(``positive_items``), and every output names the custody event that recorded its match
(``match_seq``) and the review rows behind its answers, so a number in a filing can be traced
back to evidence.

Definitions (also in docs/study.md):

* an output *matches* (tool) when the engine put it in one of the protocol's matching bands
  against a candidate work; against a control work it is a *decoy match*;
* the reproduction rate of a prompt or arm is matching outputs / outputs;
* the human rate is outputs the primary reviewer (the first to answer) called *similar* /
  outputs that reviewer answered (*unsure* counts as not similar);
* the control-prompt false-match rate is matching outputs / outputs of the control arm; the
  control-work false-match rate is outputs with a decoy match / all outputs;
* tool/human agreement compares "matches" with *similar* and "does not" with *not similar*
  (outputs answered *unsure* are left out), as a 2x2 table and Cohen's kappa; inter-rater
  agreement is Cohen's kappa of the first two reviewers over the outputs both answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.capture.campaigns import store as campaign_store
from app.capture.campaigns.report import current_matches, record_matches, recorded_matches
from app.capture.study import stats
from app.capture.study.protocol import ARMS, TEST_ARMS
from app.capture.study.review import blind_set, latest_reviews, reviewers_in_order
from app.capture.study.study import (
    ProtocolVersion,
    Study,
    StudyRun,
    first_request_time,
    predates,
    protocol_versions,
    study_runs,
    token_time,
)
from app.compare.scoring import BANDS
from app.core.case import Case


def record_study_matches(case: Case, study: Study, *, actor: str | None = None) -> int:
    """Record fresh matches for outputs not yet matched against the current works."""
    done = 0
    for run in study_runs(case, study.id):
        done += record_matches(
            case, campaign_store.get_campaign(case, run.campaign_id), actor=actor
        )
    return done


def _best(matches: Sequence[dict[str, Any]], work_ids: Sequence[int]) -> str | None:
    bands = [m.get("band") for m in matches if int(m.get("work_id", -1)) in work_ids]
    for band in BANDS:
        if band in bands:
            return band
    return None


def _figure(outputs: list[dict[str, Any]], positive: str, method: str) -> dict[str, Any]:
    hits = [o for o in outputs if o[positive]]
    fig = stats.proportion(len(hits), len(outputs), method)
    fig["items"] = [o["item_id"] for o in outputs]
    fig["positive_items"] = [o["item_id"] for o in hits]
    return fig


def _human(outputs: list[dict[str, Any]], reviewer: str | None, method: str) -> dict[str, Any]:
    answered = [o for o in outputs if reviewer and reviewer in o["reviews"]]
    similar = [o for o in answered if o["reviews"][reviewer]["answer"] == "similar"]
    fig = stats.proportion(len(similar), len(answered), method)
    fig["reviewer"] = reviewer
    fig["items"] = [o["item_id"] for o in answered]
    fig["positive_items"] = [o["item_id"] for o in similar]
    fig["review_ids"] = [o["reviews"][reviewer]["id"] for o in answered] if reviewer else []
    return fig


def _run_row(case: Case, run: StudyRun, version: ProtocolVersion, campaign: Any) -> dict[str, Any]:
    """One platform run: its plan, its counts, and whether the protocol's token came first."""
    stamped = token_time(case, version.item_id)
    first = first_request_time(case, campaign.id)
    counts = campaign_store.try_counts(case, campaign.id)
    return {
        "campaign_id": campaign.id,
        "protocol_version": version.version,
        "platform_index": run.platform_index,
        "platform": version.protocol.platforms[run.platform_index].as_dict(),
        "planned": campaign.planned,
        "done": counts["done"],
        "failed": counts["failed"],
        "protocol_token_time": stamped,
        "first_request_at": first,
        "token_predates_first_request": predates(stamped, first),
        "schedule_item_id": campaign.facts.get("prompts_item_id"),
    }


def _failed_tries(case: Case, run: StudyRun, campaign_id: int) -> list[dict[str, Any]]:
    """The run's failed tries, each with its schedule entry and error."""
    rows = case.conn.execute(
        "SELECT prompt_index, status, error FROM campaign_tries"
        " WHERE campaign_id = ? AND status = 'failed'",
        (campaign_id,),
    )
    return [
        {"campaign_id": campaign_id, **run.schedule[int(p)], "error": error}
        for p, _status, error in rows
    ]


def _output_rows(
    case: Case,
    run: StudyRun,
    version: ProtocolVersion,
    campaign: Any,
    matches: dict[int, list[dict[str, Any]]],
    labels: dict[int, str],
    reviews: dict[str, dict[int, Any]],
) -> list[dict[str, Any]]:
    """Every output of one run: its schedule entry, tool and decoy bands, match event, reviews."""
    seqs = {k: v.seq for k, v in recorded_matches(case, campaign.id).items()}
    bands = version.protocol.matching_bands
    out = []
    for o in campaign_store.campaign_outputs(case, campaign.id):
        entry = run.schedule[o.prompt_index]
        found = matches.get(o.item_id, [])
        tool_band = _best(found, version.work_ids)
        decoy_band = _best(found, version.control_work_ids)
        out.append(
            {
                "label": labels.get(o.item_id, ""),
                "item_id": o.item_id,
                "sha256": o.sha256,
                "generation_id": o.generation_id,
                "campaign_id": campaign.id,
                "protocol_version": version.version,
                "platform_index": run.platform_index,
                "prompt_id": entry["prompt_id"],
                "arm": entry["arm"],
                "try": entry["try"],
                "order": o.prompt_index + 1,
                "tool_band": tool_band,
                "tool_match": tool_band in bands,
                "decoy_band": decoy_band,
                "decoy_match": decoy_band in bands,
                "match_seq": seqs.get(o.item_id),
                "reviews": {r: a[o.item_id] for r, a in reviews.items() if o.item_id in a},
            }
        )
    return out


@dataclass
class _Runs:
    """What the study's runs hold: one row per run, every output, every failed try."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    all_recorded: bool = True


def _collect_runs(
    case: Case,
    study: Study,
    versions: list[ProtocolVersion],
    labels: dict[int, str],
    reviews: dict[str, dict[int, Any]],
) -> _Runs:
    by_version = {v.id: v for v in versions}
    found = _Runs()
    for run in study_runs(case, study.id):
        version = by_version[run.protocol_id]
        campaign = campaign_store.get_campaign(case, run.campaign_id)
        matches, recorded = current_matches(case, campaign)
        found.all_recorded = found.all_recorded and recorded
        found.rows.append(_run_row(case, run, version, campaign))
        found.failed += _failed_tries(case, run, campaign.id)
        found.outputs += _output_rows(case, run, version, campaign, matches, labels, reviews)
    return found


def _per_prompt(
    versions: list[ProtocolVersion],
    current: ProtocolVersion | None,
    outputs: list[dict[str, Any]],
    primary: str | None,
    interval: str,
) -> list[dict[str, Any]]:
    """Tool and human rates per prompt of each version (older versions only with outputs)."""
    per_prompt = []
    seen: set[tuple[int, str]] = set()
    for version in versions:
        for p in version.protocol.prompts:
            key = (version.version, p.id)
            rows = [
                o
                for o in outputs
                if o["protocol_version"] == version.version and o["prompt_id"] == p.id
            ]
            if key in seen or (not rows and version is not current):
                continue
            seen.add(key)
            per_prompt.append(
                {
                    "protocol_version": version.version,
                    "prompt_id": p.id,
                    "arm": p.arm,
                    "prompt": p.text,
                    "tool": _figure(rows, "tool_match", interval),
                    "human": _human(rows, primary, interval),
                }
            )
    return per_prompt


def _per_arm(
    outputs: list[dict[str, Any]], primary: str | None, interval: str
) -> list[dict[str, Any]]:
    per_arm = []
    for arm in ARMS:
        rows = [o for o in outputs if o["arm"] == arm]
        per_arm.append(
            {
                "arm": arm,
                "tool": _figure(rows, "tool_match", interval),
                "human": _human(rows, primary, interval),
            }
        )
    return per_arm


def _tool_human(outputs: list[dict[str, Any]], primary: str | None) -> dict[str, Any]:
    """The tool's match against the primary reviewer's answer: a 2x2 table and kappa."""
    pairs: list[tuple[str, str]] = []
    table = {
        "match_similar": 0,
        "match_not_similar": 0,
        "no_match_similar": 0,
        "no_match_not_similar": 0,
    }
    agreement_items = []
    for o in outputs:
        answer = o["reviews"].get(primary, {}).get("answer") if primary else None
        if answer not in ("similar", "not_similar"):
            continue
        tool = "similar" if o["tool_match"] else "not_similar"
        pairs.append((tool, answer))
        table[("match_" if o["tool_match"] else "no_match_") + answer] += 1
        agreement_items.append(o["item_id"])
    return {
        **stats.cohens_kappa(pairs),
        "table": table,
        "reviewer": primary,
        "items": agreement_items,
    }


def _inter_rater(outputs: list[dict[str, Any]], reviewers: list[str]) -> dict[str, Any]:
    """Cohen's kappa of the first two reviewers over the outputs both answered."""
    if len(reviewers) < 2:
        return {"reviewers": reviewers[:2], **stats.cohens_kappa([])}
    a, b = reviewers[0], reviewers[1]
    both = [o for o in outputs if a in o["reviews"] and b in o["reviews"]]
    return {
        "reviewers": [a, b],
        **stats.cohens_kappa(
            [(o["reviews"][a]["answer"], o["reviews"][b]["answer"]) for o in both]
        ),
        "items": [o["item_id"] for o in both],
    }


def _run_deviations(r: dict[str, Any]) -> list[tuple[str, str]]:
    """(English, Chinese) deviations of one run: untimed protocol, failures, requests missing."""
    cid = r["campaign_id"]
    found: list[tuple[str, str]] = []
    if r["first_request_at"] and r["protocol_token_time"] is None:
        found.append(
            (
                f"Campaign {cid}: the protocol had no trusted timestamp when the first request was sent.",
                f"批量任务{cid}：发送首次请求时实验方案尚无可信时间戳。",
            )
        )
    if r["token_predates_first_request"] is False:
        found.append(
            (
                f"Campaign {cid}: the protocol's trusted time does not predate the first request.",
                f"批量任务{cid}：实验方案的可信时间并不早于首次请求。",
            )
        )
    if r["failed"]:
        found.append(
            (
                f"Campaign {cid}: {r['failed']} request(s) failed after retries.",
                f"批量任务{cid}：{r['failed']}次请求经重试后仍失败。",
            )
        )
    missing = r["planned"] - r["done"] - r["failed"]
    if missing > 0:
        found.append(
            (
                f"Campaign {cid}: {missing} request(s) not yet made.",
                f"批量任务{cid}：尚有{missing}次请求未发送。",
            )
        )
    return found


def _deviations(
    versions: list[ProtocolVersion],
    runs: _Runs,
    current: ProtocolVersion | None,
    reviewers: list[str],
) -> list[tuple[str, str]]:
    """Every departure from the protocol, (English, Chinese): amendments, runs, review."""
    found = [
        (
            f"Protocol amended to version {v.version}: {v.reason}",
            f"实验方案修订为第{v.version}版：{v.reason}",
        )
        for v in versions[1:]
    ]
    for r in runs.rows:
        found += _run_deviations(r)
    if current is None:
        return found
    planned_reviewers = current.protocol.reviewers
    if len(reviewers) < planned_reviewers:
        found.append(
            (
                f"The review plan asks for {planned_reviewers} reviewer(s); {len(reviewers)} answered.",
                f"评审方案要求{planned_reviewers}名评审人，实际{len(reviewers)}名作答。",
            )
        )
    unreviewed = [o["label"] for o in runs.outputs if not o["reviews"]]
    if unreviewed:
        found.append(
            (
                f"{len(unreviewed)} output(s) not reviewed by anyone.",
                f"{len(unreviewed)}张生成图片无人评审。",
            )
        )
    return found


def _protocol_summary(
    case: Case, versions: list[ProtocolVersion], current: ProtocolVersion | None, interval: str
) -> dict[str, Any]:
    """The protocol's versions (with their trusted times) and the current version's terms."""
    cp = current.protocol if current else None
    return {
        "current_version": current.version if current else None,
        "versions": [
            {
                "version": v.version,
                "item_id": v.item_id,
                "protocol_sha256": v.protocol.sha256,
                "frozen_seq": v.seq,
                "token_time": token_time(case, v.item_id),
                "reason": v.reason,
                "work_ids": v.work_ids,
                "control_work_ids": v.control_work_ids,
            }
            for v in versions
        ],
        "seed": cp.seed if cp else None,
        "tries": cp.tries if cp else None,
        "engine": cp.engine if cp else None,
        "matching_bands": list(cp.matching_bands) if cp else [],
        "interval": interval,
        "confidence": stats.CONFIDENCE,
        "review_plan": cp.review_plan if cp else "",
        "prompts": [p.as_dict() for p in cp.prompts] if cp else [],
        "works": list(cp.works) if cp else [],
        "control_works": list(cp.control_works) if cp else [],
        "platforms": [p.as_dict() for p in cp.platforms] if cp else [],
    }


def study_report(case: Case, study: Study) -> dict[str, Any]:
    """The study's whole result as one JSON-ready model (see the module's definitions)."""
    versions = protocol_versions(case, study.id)
    reviews = latest_reviews(case, study.id)
    reviewers = reviewers_in_order(case, study.id)
    primary = reviewers[0] if reviewers else None
    labels = {b.item_id: b.label for b in blind_set(case, study)} if versions else {}
    current = versions[-1] if versions else None
    interval = current.protocol.interval if current else "wilson"
    runs = _collect_runs(case, study, versions, labels, reviews)
    outputs = runs.outputs
    control_rows = [o for o in outputs if o["arm"] == "control"]
    deviations = _deviations(versions, runs, current, reviewers)
    return {
        "study": {"id": study.id, "name": study.name},
        "protocol": _protocol_summary(case, versions, current, interval),
        "runs": runs.rows,
        "outputs": outputs,
        "per_prompt": _per_prompt(versions, current, outputs, primary, interval),
        "per_arm": _per_arm(outputs, primary, interval),
        "test_outputs": len([o for o in outputs if o["arm"] in TEST_ARMS]),
        "controls": {
            "control_prompts": _figure(control_rows, "tool_match", interval),
            "control_works": _figure(outputs, "decoy_match", interval),
            "control_prompts_human_similar": _human(control_rows, primary, interval),
        },
        "tool_human_agreement": _tool_human(outputs, primary),
        "inter_rater": _inter_rater(outputs, reviewers),
        "reviewers": reviewers,
        "failed_tries": runs.failed,
        "deviations": [en for en, _ in deviations],
        "deviations_zh": [zh for _, zh in deviations],
        "matches_recorded": runs.all_recorded,
    }


def study_status(case: Case, study: Study) -> dict[str, Any]:
    versions = protocol_versions(case, study.id)
    runs = []
    for run in study_runs(case, study.id):
        campaign = campaign_store.get_campaign(case, run.campaign_id)
        counts = campaign_store.try_counts(case, campaign.id)
        runs.append(
            {
                "campaign_id": campaign.id,
                "protocol_version": next(v.version for v in versions if v.id == run.protocol_id),
                "platform_index": run.platform_index,
                "planned": campaign.planned,
                **counts,
                "complete": counts["done"] + counts["failed"] >= campaign.planned,
            }
        )
    reviews = latest_reviews(case, study.id)
    outputs = len(blind_set(case, study)) if versions else 0
    return {
        "study": {"id": study.id, "name": study.name},
        "frozen": bool(versions),
        "versions": [
            {
                "version": v.version,
                "item_id": v.item_id,
                "token_time": token_time(case, v.item_id),
                "reason": v.reason,
            }
            for v in versions
        ],
        "runs": runs,
        "outputs": outputs,
        "reviews": {r: len(a) for r, a in reviews.items()},
    }
