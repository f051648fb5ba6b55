"""The verdict types of ``verify``: a list of named problems, and notes that are not problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.custody import GENESIS_HASH


@dataclass(frozen=True)
class Problem:
    code: str  # missing-object, altered-object, chain-broken, altered-row, row-without-event, ...
    message: str
    item_id: int | None = None
    seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "item_id": self.item_id,
            "seq": self.seq,
        }


@dataclass
class VerifyReport:
    intact: bool = True
    events: int = 0
    items: int = 0
    objects_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    head_hash: str = GENESIS_HASH
    # Named warnings (code, message, item_id): worth a look, but not a broken case.
    warnings: list[dict[str, Any]] = field(default_factory=list)
    # Per token: which trust anchor (from outside the case) its chain ended at, or none.
    tokens: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, code: str, message: str, item_id: int | None = None) -> None:
        self.warnings.append({"code": code, "message": message, "item_id": item_id})

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.intact = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "events": self.events,
            "items": self.items,
            "objects_checked": self.objects_checked,
            "head_hash": self.head_hash,
            "problems": [p.as_dict() for p in self.problems],
            "notes": self.notes,
            "warnings": self.warnings,
            "tokens": self.tokens,
        }
