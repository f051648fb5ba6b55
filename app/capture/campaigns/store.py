"""Campaign rows in the case: defining a campaign, finding it again, reading its tries.

Rows are only ever inserted through ``case.log(..., records=...)`` inside a transaction, so
the custody log carries each one and ``verify`` can check it. A campaign is never changed
after it is created; its progress is the set of ``campaign_tries`` rows, one per finished
try (done or finally failed), which is why a resumed run never repeats one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.capture.campaigns.prompts import PromptEntry
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.errors import ProofshotError


class CampaignNotFoundError(ProofshotError):
    exit_code = 3


class CampaignMismatchError(ProofshotError):
    """An unfinished campaign uses this prompt list with other settings."""

    exit_code = 2


@dataclass(frozen=True)
class Campaign:
    id: int
    seq: int
    name: str
    profile: str
    endpoint: str
    model: str | None
    parameters: dict[str, Any]
    prompts: tuple[PromptEntry, ...]
    tries: int
    facts: dict[str, Any]

    @property
    def planned(self) -> int:
        return len(self.prompts) * self.tries

    @property
    def prompts_sha256(self) -> str:
        return str(self.facts.get("prompts_sha256", ""))

    def identity(self) -> tuple[Any, ...]:
        """What must be equal for a run to continue this campaign rather than start one."""
        return (
            self.prompts_sha256,
            self.profile,
            self.endpoint,
            self.model,
            self.tries,
            canonical_json(self.parameters),
            canonical_json(self.facts.get("profile_config")),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "profile": self.profile,
            "endpoint": self.endpoint,
            "model": self.model,
            "parameters": self.parameters,
            "prompts": [p.as_dict() for p in self.prompts],
            "tries": self.tries,
            "facts": self.facts,
        }


_COLUMNS = "id, seq, name, profile, endpoint, model, parameters, prompts, tries, facts"


def _from_row(row: Iterable[Any]) -> Campaign:
    cid, seq, name, profile, endpoint, model, parameters, prompts, tries, facts = row
    return Campaign(
        int(cid),
        int(seq),
        str(name),
        str(profile),
        str(endpoint),
        None if model is None else str(model),
        json.loads(parameters),
        tuple(PromptEntry.from_dict(p) for p in json.loads(prompts)),
        int(tries),
        json.loads(facts),
    )


def list_campaigns(case: Case) -> list[Campaign]:
    rows = case.conn.execute(f"SELECT {_COLUMNS} FROM campaigns ORDER BY id").fetchall()
    return [_from_row(r) for r in rows]


def get_campaign(case: Case, campaign_id: int) -> Campaign:
    row = case.conn.execute(
        f"SELECT {_COLUMNS} FROM campaigns WHERE id = ?", (campaign_id,)
    ).fetchone()
    if row is None:
        raise CampaignNotFoundError(f"The case has no campaign {campaign_id}.")
    return _from_row(row)


def latest_campaign(case: Case) -> Campaign:
    row = case.conn.execute(f"SELECT {_COLUMNS} FROM campaigns ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        raise CampaignNotFoundError("The case has no prompt campaign yet.")
    return _from_row(row)


def finished_tries(case: Case, campaign_id: int) -> set[tuple[int, int]]:
    """(prompt index, try number) of every try that has its row."""
    rows = case.conn.execute(
        "SELECT prompt_index, try_number FROM campaign_tries WHERE campaign_id = ?",
        (campaign_id,),
    )
    return {(int(p), int(t)) for p, t in rows}


def try_counts(case: Case, campaign_id: int) -> dict[str, int]:
    rows = case.conn.execute(
        "SELECT status, COUNT(*) FROM campaign_tries WHERE campaign_id = ? GROUP BY status",
        (campaign_id,),
    )
    counts = {"done": 0, "failed": 0}
    counts.update({str(s): int(n) for s, n in rows})
    return counts


def is_finished(case: Case, campaign: Campaign) -> bool:
    return len(finished_tries(case, campaign.id)) >= campaign.planned


def unfinished_with_prompts(case: Case, prompts_sha256: str) -> list[Campaign]:
    return [
        c
        for c in list_campaigns(case)
        if c.prompts_sha256 == prompts_sha256 and not is_finished(case, c)
    ]


def create_campaign(
    case: Case,
    *,
    name: str,
    profile: str,
    endpoint: str,
    model: str | None,
    parameters: dict[str, Any],
    prompts: Iterable[PromptEntry],
    tries: int,
    facts: dict[str, Any],
    actor: str | None = None,
) -> Campaign:
    entries = tuple(prompts)
    with case.transaction():
        cid = case.next_id("campaigns")
        row = {
            "id": cid,
            "name": name,
            "profile": profile,
            "endpoint": endpoint,
            "model": model,
            "parameters": canonical_json(parameters),
            "prompts": canonical_json([p.as_dict() for p in entries]),
            "tries": int(tries),
            "facts": canonical_json(facts),
        }
        event = case.log(
            "campaign.created",
            facts={
                "campaign_id": cid,
                "name": name,
                "prompts": len(entries),
                "tries": int(tries),
                "prompts_sha256": facts.get("prompts_sha256"),
            },
            records={"campaigns": [row]},
            actor=actor,
        )
    return Campaign(
        cid, event.seq, name, profile, endpoint, model, parameters, entries, int(tries), facts
    )


@dataclass(frozen=True)
class OutputRow:
    """One stored output of a campaign, with the try and prompt it answers."""

    item_id: int
    sha256: str
    prompt_index: int
    try_number: int
    generation_id: int


def campaign_outputs(case: Case, campaign_id: int) -> list[OutputRow]:
    rows = case.conn.execute(
        "SELECT o.item_id, i.sha256, t.prompt_index, t.try_number, t.generation_id"
        " FROM campaign_tries t JOIN generation_outputs o ON o.generation_id = t.generation_id"
        " JOIN items i ON i.id = o.item_id"
        " WHERE t.campaign_id = ? ORDER BY t.prompt_index, t.try_number, o.item_id",
        (campaign_id,),
    )
    return [OutputRow(int(a), str(b), int(c), int(d), int(e)) for a, b, c, d, e in rows]
