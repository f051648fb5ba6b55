"""Parse AUTOMATIC1111 / Forge "parameters" text into prompt, negative prompt and settings.

The format is: prompt lines; optionally a line starting ``Negative prompt:`` (the negative
prompt may continue over several lines); then one settings line of ``Key: value`` pairs
separated by commas, where a value containing commas is double-quoted JSON-style. The
prompt is returned exactly as stored: only the structural line breaks are removed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

NEGATIVE_PREFIX = "Negative prompt:"

# One "Key: value" pair of the settings line. Keys are words with spaces, dashes, slashes
# and dots ("CFG scale", "Hires upscale", "Lora hashes"); a value is either a quoted string
# (which may hold commas and escaped quotes) or anything up to the next comma.
_PAIR = re.compile(r'\s*(\w[\w \-/.+()]{0,80}?)\s*:\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)')
# Settings lines are a few KiB; a longer last line is prompt text, and not scanning it keeps
# the regex work linear on hostile input.
_MAX_SETTINGS_LINE = 64 * 1024

# A1111 settings keys mapped to our parameter names; everything else goes to "other".
_KNOWN_KEYS = {
    "Steps": "steps",
    "Sampler": "sampler",
    "CFG scale": "cfg_scale",
    "Seed": "seed",
    "Size": "size",
    "Model hash": "model_hash",
    "Model": "model",
}
# Keys differ in capitalisation between writers (ComfyUI image-saver writes "CFG Scale"), so
# they are matched case-insensitively.
_KNOWN_KEYS_FOLDED = {key.lower(): name for key, name in _KNOWN_KEYS.items()}
_KNOWN_KEYS_FOLDED["schedule type"] = "scheduler"
# The hires pass of a txt2img run; its settings are kept apart from the base pass.
_HIRES_KEYS = {
    "hires upscale": "upscale",
    "hires steps": "steps",
    "hires upscaler": "upscaler",
    "hires resize": "resize",
    "hires sampler": "sampler",
    "hires cfg scale": "cfg_scale",
    "hires checkpoint": "model",
    "hires prompt": "prompt",
    "hires negative prompt": "negative_prompt",
}
_MIN_SETTINGS_PAIRS = 3
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_SIZE = re.compile(r"(\d+)\s*x\s*(\d+)")


@dataclass
class A1111Parameters:
    """The parsed text; ``settings`` keeps every pair verbatim, in order."""

    prompt: str
    negative_prompt: str | None
    settings: list[tuple[str, str]] = field(default_factory=list)


def parse_a1111(text: str) -> A1111Parameters:
    """Split parameters text into prompt / negative prompt / settings pairs."""
    lines = text.split("\n")
    settings: list[tuple[str, str]] = []
    if lines:
        pairs = _settings_pairs(lines[-1])
        if len(pairs) >= _MIN_SETTINGS_PAIRS:
            settings = pairs
            lines = lines[:-1]
    prompt_lines: list[str] = []
    negative_lines: list[str] | None = None
    for line in lines:
        if negative_lines is None and line.startswith(NEGATIVE_PREFIX):
            first = line[len(NEGATIVE_PREFIX) :]
            negative_lines = [first[1:] if first.startswith(" ") else first]
        elif negative_lines is not None:
            negative_lines.append(line)
        else:
            prompt_lines.append(line)
    negative = "\n".join(negative_lines) if negative_lines is not None else None
    return A1111Parameters("\n".join(prompt_lines), negative, settings)


def looks_like_a1111(text: str) -> bool:
    """True when the text ends with an A1111 settings line (used for non-dedicated fields
    such as an XMP description, where we must not guess)."""
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    pairs = _settings_pairs(last)
    return len(pairs) >= _MIN_SETTINGS_PAIRS and pairs[0][0] == "Steps"


def _settings_pairs(line: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if len(line) > _MAX_SETTINGS_LINE:
        return pairs
    for match in _PAIR.finditer(line):
        key, value = match.group(1).strip(), match.group(2).strip()
        if not key:
            continue
        pairs.append((key, _unquote(value)))
    return pairs


def _unquote(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value[1:-1]
        return decoded if isinstance(decoded, str) else value
    return value


def number(value: str) -> int | float | str:
    """An int or finite float when ``value`` is exactly a number, else the string itself."""
    text = value.strip()
    if _INT.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python's int-parsing limit
            return value
    if _FLOAT.fullmatch(text):
        return float(text)
    return value


def settings_to_parameters(settings: list[tuple[str, str]]) -> dict[str, Any]:
    """Map the settings pairs to the common ``parameters`` shape."""
    parameters: dict[str, Any] = {}
    other: dict[str, str] = {}
    hires: dict[str, Any] = {}
    folded = {key.lower() for key, _ in settings}
    for key, value in settings:
        lowered = key.lower()
        if lowered in _HIRES_KEYS:
            hires[_HIRES_KEYS[lowered]] = (
                number(value) if lowered in ("hires upscale", "hires steps") else value
            )
            continue
        if lowered == "denoising strength" and folded & {"hires upscale", "hires upscaler"}:
            hires["denoise"] = number(value)
            continue
        name = _KNOWN_KEYS_FOLDED.get(lowered)
        if name is None or name in parameters:
            other.setdefault(key, value)
            continue
        if name in ("steps", "seed", "cfg_scale"):
            parameters[name] = number(value)
        else:
            parameters[name] = value
        if name == "size":
            size = _SIZE.fullmatch(value.strip())
            if size:
                parameters["width"], parameters["height"] = int(size[1]), int(size[2])
    if hires:
        parameters["hires"] = hires
    parameters["other"] = other
    return parameters
