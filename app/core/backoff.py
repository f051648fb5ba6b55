"""Retry delays, the one implementation: doubling from a first delay up to a ceiling.

Used by the background attester (:class:`Backoff`, 30 s doubling to an hour, reset by a
success) and by prompt campaigns (:func:`delay` per attempt, with optional jitter so that
many retries do not arrive together).
"""

from __future__ import annotations

import random


def delay(attempt: int, first: float, ceiling: float, *, rng: random.Random | None = None) -> float:
    """The wait before retry number ``attempt`` (1 = the first retry); 0 for ``attempt`` < 1.

    With ``rng`` the delay is jittered to between half and all of itself.
    """
    if attempt < 1:
        return 0.0
    base = min(ceiling, first * 2 ** (attempt - 1))
    return base * (0.5 + rng.random() / 2) if rng is not None else base


class Backoff:
    """Retry delays for an offline TSA: 30 s doubling to an hour, reset by a success."""

    def __init__(self, first: float = 30.0, ceiling: float = 3600.0) -> None:
        self.first = first
        self.ceiling = ceiling
        self.failures = 0

    def next_delay(self) -> float:
        return delay(self.failures, self.first, self.ceiling)

    def record(self, success: bool) -> float:
        self.failures = 0 if success else self.failures + 1
        return self.next_delay()
