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
from typing import Any

from app.capture.campaigns import store as campaign_store
from app.capture.campaigns.report import current_matches, record_matches, recorded_matches
from app.capture.study import stats
from app.capture.study.protocol import ARMS, TEST_ARMS
from app.capture.study.review import blind_set, latest_reviews, reviewers_in_order
from app.capture.study.study import (
    Study,
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


def study_report(case: Case, study: Study) -> dict[str, Any]:
    versions = protocol_versions(case, study.id)
    by_version = {v.id: v for v in versions}
    runs = study_runs(case, study.id)
    reviews = latest_reviews(case, study.id)
    reviewers = reviewers_in_order(case, study.id)
    primary = reviewers[0] if reviewers else None
    labels = {b.item_id: b.label for b in blind_set(case, study)} if versions else {}
    current = versions[-1] if versions else None
    interval = current.protocol.interval if current else "wilson"
    outputs: list[dict[str, Any]] = []
    run_rows: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    all_recorded = True
    for run in runs:
        version = by_version[run.protocol_id]
        campaign = campaign_store.get_campaign(case, run.campaign_id)
        matches, recorded = current_matches(case, campaign)
        all_recorded = all_recorded and recorded
        seqs = {k: v.seq for k, v in recorded_matches(case, campaign.id).items()}
        stamped = token_time(case, version.item_id)
        first = first_request_time(case, campaign.id)
        counts = campaign_store.try_counts(case, campaign.id)
        run_rows.append(
            {
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
        )
        for p, _status, error in case.conn.execute(
            "SELECT prompt_index, status, error FROM campaign_tries"
            " WHERE campaign_id = ? AND status = 'failed'",
            (campaign.id,),
        ):
            entry = run.schedule[int(p)]
            failed.append({"campaign_id": campaign.id, **entry, "error": error})
        bands = version.protocol.matching_bands
        for o in campaign_store.campaign_outputs(case, campaign.id):
            entry = run.schedule[o.prompt_index]
            found = matches.get(o.item_id, [])
            tool_band = _best(found, version.work_ids)
            decoy_band = _best(found, version.control_work_ids)
            outputs.append(
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
    control_rows = [o for o in outputs if o["arm"] == "control"]
    test_rows = [o for o in outputs if o["arm"] in TEST_ARMS]
    controls = {
        "control_prompts": _figure(control_rows, "tool_match", interval),
        "control_works": _figure(outputs, "decoy_match", interval),
        "control_prompts_human_similar": _human(control_rows, primary, interval),
    }
    # tool vs primary reviewer
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
    tool_human = {
        **stats.cohens_kappa(pairs),
        "table": table,
        "reviewer": primary,
        "items": agreement_items,
    }
    inter = {"reviewers": reviewers[:2], **stats.cohens_kappa([])}
    if len(reviewers) >= 2:
        a, b = reviewers[0], reviewers[1]
        both = [o for o in outputs if a in o["reviews"] and b in o["reviews"]]
        inter = {
            "reviewers": [a, b],
            **stats.cohens_kappa(
                [(o["reviews"][a]["answer"], o["reviews"][b]["answer"]) for o in both]
            ),
            "items": [o["item_id"] for o in both],
        }
    pairs_dev: list[tuple[str, str]] = []  # (English, Chinese)
    for v in versions[1:]:
        pairs_dev.append(
            (
                f"Protocol amended to version {v.version}: {v.reason}",
                f"实验方案修订为第{v.version}版：{v.reason}",
            )
        )
    for r in run_rows:
        cid = r["campaign_id"]
        if r["first_request_at"] and r["protocol_token_time"] is None:
            pairs_dev.append(
                (
                    f"Campaign {cid}: the protocol had no trusted timestamp when the first request was sent.",
                    f"批量任务{cid}：发送首次请求时实验方案尚无可信时间戳。",
                )
            )
        if r["token_predates_first_request"] is False:
            pairs_dev.append(
                (
                    f"Campaign {cid}: the protocol's trusted time does not predate the first request.",
                    f"批量任务{cid}：实验方案的可信时间并不早于首次请求。",
                )
            )
        if r["failed"]:
            pairs_dev.append(
                (
                    f"Campaign {cid}: {r['failed']} request(s) failed after retries.",
                    f"批量任务{cid}：{r['failed']}次请求经重试后仍失败。",
                )
            )
        missing = r["planned"] - r["done"] - r["failed"]
        if missing > 0:
            pairs_dev.append(
                (
                    f"Campaign {cid}: {missing} request(s) not yet made.",
                    f"批量任务{cid}：尚有{missing}次请求未发送。",
                )
            )
    if current is not None:
        planned_reviewers = current.protocol.reviewers
        if len(reviewers) < planned_reviewers:
            pairs_dev.append(
                (
                    f"The review plan asks for {planned_reviewers} reviewer(s); {len(reviewers)} answered.",
                    f"评审方案要求{planned_reviewers}名评审人，实际{len(reviewers)}名作答。",
                )
            )
        unreviewed = [o["label"] for o in outputs if not o["reviews"]]
        if unreviewed:
            pairs_dev.append(
                (
                    f"{len(unreviewed)} output(s) not reviewed by anyone.",
                    f"{len(unreviewed)}张生成图片无人评审。",
                )
            )
    deviations = [en for en, _ in pairs_dev]
    deviations_zh = [zh for _, zh in pairs_dev]
    return {
        "study": {"id": study.id, "name": study.name},
        "protocol": {
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
            "seed": current.protocol.seed if current else None,
            "tries": current.protocol.tries if current else None,
            "engine": current.protocol.engine if current else None,
            "matching_bands": list(current.protocol.matching_bands) if current else [],
            "interval": interval,
            "confidence": stats.CONFIDENCE,
            "review_plan": current.protocol.review_plan if current else "",
            "prompts": [p.as_dict() for p in current.protocol.prompts] if current else [],
            "works": list(current.protocol.works) if current else [],
            "control_works": list(current.protocol.control_works) if current else [],
            "platforms": [p.as_dict() for p in current.protocol.platforms] if current else [],
        },
        "runs": run_rows,
        "outputs": outputs,
        "per_prompt": per_prompt,
        "per_arm": per_arm,
        "test_outputs": len(test_rows),
        "controls": controls,
        "tool_human_agreement": tool_human,
        "inter_rater": inter,
        "reviewers": reviewers,
        "failed_tries": failed,
        "deviations": deviations,
        "deviations_zh": deviations_zh,
        "matches_recorded": all_recorded,
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
