"""Blind review: each study output shown beside the candidate work(s), and nothing else.

The review set is every output of the study's runs, in an order shuffled with the study's
seed and the reviewer's name, each under a neutral label (``O001``…) that is the output's
place in a seed-shuffled list — never its prompt, its arm, its try or the tool's score.
Answers are insert-only ``study_reviews`` rows with the reviewer and the time; a later answer
by the same reviewer to the same output is a new row, and the latest one counts.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.capture.campaigns import store as campaign_store
from app.capture.study.protocol import ANSWERS
from app.capture.study.study import Study, StudyStateError, protocol_versions, study_runs
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.digests import read_capped
from app.core.errors import ProofshotError


class AnswersFileError(ProofshotError):
    exit_code = 2


@dataclass(frozen=True)
class BlindItem:
    """What a reviewer is shown: a label, the output image and the candidate works."""

    label: str
    item_id: int
    sha256: str
    work_item_ids: tuple[int, ...]
    work_titles: tuple[str, ...]


def blind_set(case: Case, study: Study, reviewer: str | None = None) -> list[BlindItem]:
    """The outputs to review; shuffled per reviewer when ``reviewer`` is given."""
    outputs: list[tuple[int, str]] = []
    for run in study_runs(case, study.id):
        for o in campaign_store.campaign_outputs(case, run.campaign_id):
            outputs.append((o.item_id, o.sha256))
    outputs = sorted(dict.fromkeys(outputs))
    versions = protocol_versions(case, study.id)
    if not versions:
        raise StudyStateError("The study's protocol is not frozen yet.")
    seed = versions[0].protocol.seed
    labelled = list(outputs)
    random.Random(f"{seed}:labels").shuffle(labelled)
    work_ids = versions[-1].work_ids
    works = {
        int(w): (int(i), str(t))
        for w, i, t in case.conn.execute("SELECT id, item_id, title FROM works")
    }
    items = [
        BlindItem(
            f"O{n:03d}",
            item_id,
            sha,
            tuple(works[w][0] for w in work_ids if w in works),
            tuple(works[w][1] for w in work_ids if w in works),
        )
        for n, (item_id, sha) in enumerate(labelled, start=1)
    ]
    if reviewer is not None:
        random.Random(f"{seed}:review:{reviewer}").shuffle(items)
    return items


def latest_reviews(case: Case, study_id: int) -> dict[str, dict[int, dict[str, Any]]]:
    """reviewer -> item id -> the reviewer's latest answer (``id, answer, note, reviewed_at``)."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    rows = case.conn.execute(
        "SELECT id, item_id, reviewer, answer, note, reviewed_at FROM study_reviews"
        " WHERE study_id = ? ORDER BY id",
        (study_id,),
    )
    for rid, item_id, reviewer, answer, note, at in rows:
        out.setdefault(str(reviewer), {})[int(item_id)] = {
            "id": int(rid),
            "answer": str(answer),
            "note": str(note),
            "reviewed_at": str(at),
        }
    return out


def reviewers_in_order(case: Case, study_id: int) -> list[str]:
    """Reviewers by their first answer: the first is the primary reviewer."""
    rows = case.conn.execute(
        "SELECT reviewer, MIN(id) FROM study_reviews WHERE study_id = ? GROUP BY reviewer"
        " ORDER BY MIN(id)",
        (study_id,),
    )
    return [str(r) for r, _ in rows]


def record_reviews(
    case: Case,
    study: Study,
    reviewer: str,
    answers: Iterable[tuple[int, str, str]],
    *,
    via: str = "gui",
) -> int:
    """Insert one review row per (item id, answer, note); returns how many were recorded."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise AnswersFileError("A review needs the reviewer's name.")
    allowed = {b.item_id for b in blind_set(case, study)}
    rows = list(answers)
    for item_id, answer, _ in rows:
        if answer not in ANSWERS:
            raise AnswersFileError(f"The answer {answer!r} is not one of {', '.join(ANSWERS)}.")
        if item_id not in allowed:
            raise AnswersFileError(f"Item {item_id} is not an output of this study.")
    if not rows:
        return 0
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with case.transaction():
        first = case.next_id("study_reviews")
        records = [
            {
                "id": first + i,
                "study_id": study.id,
                "item_id": item_id,
                "reviewer": reviewer,
                "answer": answer,
                "note": note,
                "reviewed_at": now,
                "facts": canonical_json({"via": via, "blind": True}),
            }
            for i, (item_id, answer, note) in enumerate(rows)
        ]
        case.log(
            "study.reviewed",
            facts={"study_id": study.id, "reviewer": reviewer, "answers": len(records), "via": via},
            records={"study_reviews": records},
            actor=reviewer,
        )
    return len(rows)


MAX_ANSWERS_BYTES = 16 << 20  # one short answer and note per blinded output


def load_answers(case: Case, study: Study, path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    """Read a scripted review: ``{"reviewer": "...", "answers": [{"output": LABEL-or-SHA256,
    "answer": "similar|not_similar|unsure", "note": "..."}]}``."""
    try:
        doc = json.loads(read_capped(path, MAX_ANSWERS_BYTES).decode("utf-8"))
    except OSError as exc:
        raise AnswersFileError(
            f"The answers file {path} cannot be read ({exc.strerror or exc})."
        ) from exc
    except ValueError as exc:
        raise AnswersFileError(f"The answers file {path} cannot be read as JSON ({exc}).") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("answers"), list):
        raise AnswersFileError(f"The answers file {path} needs 'reviewer' and an 'answers' list.")
    by_key: dict[str, int] = {}
    for b in blind_set(case, study):
        by_key[b.label] = b.item_id
        by_key[b.sha256] = b.item_id
    out = []
    for i, a in enumerate(doc["answers"], start=1):
        if not isinstance(a, dict) or str(a.get("output")) not in by_key:
            raise AnswersFileError(
                f"Answer {i} of {path} names no output of this study (give its label or SHA-256)."
            )
        out.append((by_key[str(a["output"])], str(a.get("answer")), str(a.get("note") or "")))
    return str(doc.get("reviewer") or ""), out
