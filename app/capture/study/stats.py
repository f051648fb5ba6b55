"""Interval estimates and agreement, from SciPy (ADR 0013).

A proportion's 95 % interval is the Wilson score interval or the exact Clopper–Pearson
interval, both as ``scipy.stats.binomtest(k, n).proportion_ci`` computes them. Cohen's kappa is
the textbook formula (observed agreement against agreement expected by chance from each
rater's own marginals); it is a few lines, written out here so every step can be checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

CONFIDENCE = 0.95
_SCIPY_METHOD = {"wilson": "wilson", "exact": "exact"}


def proportion(k: int, n: int, method: str = "wilson") -> dict[str, Any]:
    """``{k, n, rate, low, high, method}``; rate and bounds are None when n is 0."""
    if n <= 0:
        return {"k": k, "n": n, "rate": None, "low": None, "high": None, "method": method}
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=CONFIDENCE, method=_SCIPY_METHOD[method])
    return {
        "k": k,
        "n": n,
        "rate": k / n,
        "low": float(ci.low),
        "high": float(ci.high),
        "method": method,
    }


def cohens_kappa(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Agreement of two raters over the same subjects: ``{n, observed, expected, kappa}``.

    kappa is None when there are no pairs, or when chance agreement is already 1 (both raters
    gave one and the same answer to everything: agreement is then not informative).
    """
    n = len(pairs)
    if n == 0:
        return {"n": 0, "observed": None, "expected": None, "kappa": None}
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in set(first) | set(second)) / (n * n)
    kappa = None if expected >= 1.0 else (observed - expected) / (1.0 - expected)
    return {"n": n, "observed": observed, "expected": expected, "kappa": kappa}
