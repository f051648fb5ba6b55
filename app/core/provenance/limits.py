"""Caps on what the provenance extractor reads and keeps, and helpers that apply them.

Every byte the extractor looks at comes from a file we do not control, and the result is
stored in the case and hashed into the custody log. So two kinds of limit apply:

* *parse* limits bound memory and time while reading (a 50 MB zTXt "bomb" must not be
  inflated, a million-chunk PNG must not be walked forever);
* *store* limits bound the size of the dict we hand back, so one hostile file cannot bloat
  the case database or the custody log.

Values are cut, never silently: callers record what was truncated.
"""

from __future__ import annotations

import math
from typing import Any

#: Largest single stored text value (UTF-8 bytes). Longer values are cut and flagged.
MAX_TEXT_VALUE_BYTES = 256 * 1024

#: Largest single metadata item (decompressed text chunk, EXIF blob, XMP packet) that is
#: read and parsed at all. Large enough for big ComfyUI workflow graphs, small enough that
#: a bomb is refused after a bounded amount of work.
MAX_PARSE_BYTES = 8 * 1024 * 1024

#: Total metadata bytes read or inflated during one extraction.
MAX_TOTAL_PARSE_BYTES = 32 * 1024 * 1024

#: Total text kept in ``png_text`` across all chunks; later chunks keep only their length.
MAX_PNG_TEXT_STORED_BYTES = 2 * 1024 * 1024

#: Text chunks recorded per PNG; a file with more is reported and the rest ignored.
MAX_TEXT_CHUNKS = 256

#: Container chunks/segments walked before giving up (guards against pathological files).
MAX_CONTAINER_ENTRIES = 100_000

#: Strings nested inside parsed JSON (C2PA assertions, NovelAI comments) are cut shorter.
MAX_NESTED_TEXT_BYTES = 16 * 1024

#: Total text kept from one piece of nested JSON (a NovelAI comment, InvokeAI metadata).
MAX_NESTED_TOTAL_BYTES = 256 * 1024

#: Items kept per list/dict inside sanitised nested JSON, and nesting depth.
MAX_NESTED_ITEMS = 200
MAX_NESTED_DEPTH = 12

#: Items kept in summary lists (ComfyUI text encoders, C2PA actions, ingredients...).
MAX_SUMMARY_ITEMS = 64

#: Total text kept across the ComfyUI text-encoder summaries, and across EXIF fields.
MAX_SECTION_TEXT_BYTES = 1024 * 1024

#: Errors kept; a file that produces more is reported with one closing line.
MAX_ERRORS = 100


def cap_text(value: str, limit: int = MAX_TEXT_VALUE_BYTES) -> tuple[str, bool]:
    """Cut ``value`` to at most ``limit`` UTF-8 bytes on a character boundary.

    Returns the (possibly shortened) text and whether it was cut. Lone surrogates, which
    JSON escapes in hostile input can produce, are replaced so the result always encodes.
    """
    try:
        encoded = value.encode("utf-8")
    except UnicodeEncodeError:
        encoded = value.encode("utf-8", "replace")
        value = encoded.decode("utf-8")
    if len(encoded) <= limit:
        return value, False
    return encoded[:limit].decode("utf-8", "ignore"), True


class ParseBudget:
    """Running total of metadata bytes read in one extraction, so many small items cannot
    add up to an unbounded amount of memory."""

    def __init__(self, total: int = MAX_TOTAL_PARSE_BYTES) -> None:
        self.remaining = total

    def take(self, amount: int) -> bool:
        """Reserve ``amount`` bytes; False (and nothing reserved) when the budget is spent."""
        if amount > self.remaining:
            return False
        self.remaining -= amount
        return True


class Truncations:
    """Collects the result paths of values that were cut, for ``result["truncated"]``."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def add(self, path: str) -> None:
        if path not in self.paths:
            self.paths.append(path)


def json_safe(
    value: Any, path: str, truncations: Truncations, limit: int = MAX_NESTED_TOTAL_BYTES
) -> Any:
    """Return a JSON-serialisable, size-bounded copy of parsed JSON-like data.

    Parsed hostile JSON can hold NaN/Infinity, lone surrogates, megabyte strings, huge
    arrays or deep nesting; none of that may reach the stored, hashed result. The copy
    holds at most about ``limit`` bytes of text; anything cut marks ``path`` truncated.
    """
    state = _SafeCopy(limit)
    copied = state.copy(value, 0)
    if state.cut:
        truncations.add(path)
    return copied


class _SafeCopy:
    def __init__(self, limit: int) -> None:
        self.remaining = limit
        self.cut = False

    def _text(self, value: str, limit: int) -> str:
        text, cut = cap_text(value, max(0, min(limit, self.remaining)))
        self.remaining -= len(text.encode("utf-8")) + 2
        self.cut = self.cut or cut
        return text

    def copy(self, value: Any, depth: int) -> Any:
        self.remaining -= 8
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value if value.bit_length() <= 256 else self._text(str(value), 128)
        if isinstance(value, float):
            return value if math.isfinite(value) else repr(value)
        if isinstance(value, str):
            return self._text(value, MAX_NESTED_TEXT_BYTES)
        if isinstance(value, bytes | bytearray):
            return {"hex": self._text(bytes(value).hex(), MAX_NESTED_TEXT_BYTES)}
        if depth >= MAX_NESTED_DEPTH:
            self.cut = True
            return "[omitted: nested too deep]"
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for index, (key, item) in enumerate(value.items()):
                if index >= MAX_NESTED_ITEMS or self.remaining <= 0:
                    self.cut = True
                    break
                out[self._text(str(key), 256)] = self.copy(item, depth + 1)
            return out
        if isinstance(value, list | tuple):
            items: list[Any] = []
            for index, item in enumerate(value):
                if index >= MAX_NESTED_ITEMS or self.remaining <= 0:
                    self.cut = True
                    break
                items.append(self.copy(item, depth + 1))
            return items
        return self._text(repr(value), MAX_NESTED_TEXT_BYTES)
