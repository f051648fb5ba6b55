"""One retry-delay rule for the attester and for prompt campaigns (app.core.backoff)."""

from __future__ import annotations

import random

from app.core import attest, backoff


def test_delays_double_from_the_first_up_to_the_ceiling() -> None:
    assert [backoff.delay(n, 30.0, 3600.0) for n in range(0, 9)] == [
        0.0, 30.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 3600.0,
    ]  # fmt: skip


def test_jitter_stays_between_half_and_all_of_the_delay() -> None:
    rng = random.Random(7)
    values = [backoff.delay(3, 1.0, 100.0, rng=rng) for _ in range(200)]
    assert all(2.0 <= v <= 4.0 for v in values)
    assert len(set(values)) > 100


def test_the_attesters_backoff_is_the_same_rule_and_resets_on_success() -> None:
    assert attest.Backoff is backoff.Backoff
    b = backoff.Backoff(first=30.0, ceiling=100.0)
    assert [b.record(False) for _ in range(4)] == [30.0, 60.0, 100.0, 100.0]
    assert b.record(True) == 0.0 and b.failures == 0
