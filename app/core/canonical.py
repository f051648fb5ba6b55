"""Canonical JSON: the one byte form of every record that is hashed into the custody log."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    """Serialise with sorted keys, no insignificant white space, UTF-8 text kept as is.

    The custody log hashes these exact bytes, so the form must never depend on dict order or
    platform. NaN and infinity are refused: they have no JSON spelling.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_bytes(value: Any) -> bytes:
    return canonical_json(value).encode("utf-8")
