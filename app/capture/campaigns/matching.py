"""Match campaign outputs against the case's original works with the similarity engine.

This module is the one place a campaign calls ``app.compare``; :func:`match_outputs` is the
seam to rewire if the engine's entry points change. It delegates to the case-level matcher
:func:`app.compare.case_matching.match_case` (the same one ``proofshot match`` and the
compare view use): features cached by hash, the works' hash index kept between calls, and
:func:`app.compare.batch.match_batch`, which ranks the shortlisted works of each output with
the calibrated :func:`~app.compare.comparison.compare`.

Bands are the engine's: ``high`` (strong evidence of reproduction), ``medium`` (a likely
match for a person to review) and ``low`` (no reliable evidence). An output "matches" a work
when its band is high or medium, as the engine's batch flags it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.compare import case_matching
from app.compare.cache import FeatureCache
from app.compare.comparison import ENGINE_VERSION
from app.compare.scoring import BANDS
from app.core.case import Case

MATCHING_BANDS = ("high", "medium")
"""Bands that count as a match in a campaign summary (the engine's "flagged")."""
TOP = 10
ENGINE = {"engine": ENGINE_VERSION, "bands": list(BANDS), "matching_bands": list(MATCHING_BANDS)}


@dataclass(frozen=True)
class WorkInForce:
    """A campaign's view of a current work (not :class:`app.compare.works.Work`, the full record)."""

    id: int
    item_id: int
    title: str
    registration: str
    sha256: str


def current_works(case: Case) -> list[WorkInForce]:
    """The works in force: not superseded by a later edit, backed by an item not withdrawn."""
    rows = case.conn.execute(
        "SELECT w.id, w.item_id, w.title, w.registration, i.sha256 FROM works w"
        " JOIN items i ON i.id = w.item_id"
        " WHERE w.id NOT IN (SELECT supersedes FROM works WHERE supersedes IS NOT NULL)"
        " AND w.item_id NOT IN (SELECT item_id FROM withdrawals) ORDER BY w.id"
    ).fetchall()
    return [WorkInForce(int(a), int(b), str(c), str(d), str(e)) for a, b, c, d, e in rows]


def feature_cache() -> FeatureCache:
    return case_matching.feature_cache()


def match_outputs(
    case: Case, item_ids: Iterable[int], *, workers: int = 2
) -> dict[int, list[dict[str, Any]]]:
    """For each item, the works it was compared with: ``[{work_id, score, band}]``, best first.

    An item that cannot be compared (not decodable, featureless) maps to an empty list, as
    does every item when the case has no works. Call on the thread that owns ``case``; the
    engine spreads the image work over ``workers`` threads.
    """
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    result: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids or not current_works(case):
        return result
    for found in case_matching.match_case(case, ids, workers=workers, top=TOP):
        result[found.item_id] = [
            {"work_id": m.work_id, "score": round(m.score, 4), "band": m.band}
            for m in found.matches
        ]
    return result


def best_band(matches: Sequence[dict[str, Any]]) -> str | None:
    """The strongest band among an output's comparisons (None when it was not compared)."""
    for band in BANDS:
        if any(m.get("band") == band for m in matches):
            return band
    return None
