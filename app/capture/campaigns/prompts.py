"""Prompt lists: the prompts of a campaign, read verbatim from a text or CSV file.

A court counts what *these exact prompts* produced, so a prompt is never normalised: no
trimming, no Unicode normalisation, no case change. Only the line ending is removed. The
SHA-256 of the file's bytes identifies the list, which is how an interrupted campaign is
found again when the same file is run a second time.

Text files: one prompt per line, UTF-8 (a BOM is allowed); blank lines and lines whose first
non-blank character is ``#`` are skipped (write ``\\#`` to start a prompt with ``#``).
CSV files (``.csv``): a header row with a ``prompt`` column and optionally
``negative_prompt``; cells may span lines.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.digests import read_capped
from app.core.errors import ProofshotError

MAX_PROMPTS = 100_000
_LINE_END = re.compile(r"\r\n|\n|\r")
MAX_PROMPT_CHARS = 32_000
# The file itself: 64 MiB holds 100,000 prompts of 160 CJK characters each, twice over.
MAX_PROMPT_FILE_BYTES = 64 << 20


class PromptFileError(ProofshotError):
    """The prompt file cannot be used; the message names the file and the line."""

    exit_code = 2


@dataclass(frozen=True)
class PromptEntry:
    """One prompt as written in the list, with its optional negative prompt."""

    prompt: str
    negative_prompt: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "negative_prompt": self.negative_prompt}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PromptEntry:
        negative = data.get("negative_prompt")
        return cls(str(data["prompt"]), None if negative in (None, "") else str(negative))


@dataclass(frozen=True)
class PromptList:
    entries: tuple[PromptEntry, ...]
    sha256: str
    """SHA-256 of the file's bytes: the identity of the list for resuming."""
    source_name: str
    data: bytes
    """The file as read, so the case can keep the list itself as evidence."""
    file_format: str


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PromptFileError(
            f"The prompt file {name} is not UTF-8 text (line {line} holds bytes that are not UTF-8); save it as UTF-8 and try again."
        ) from exc


def _check(prompt: str, name: str, where: str) -> None:
    if len(prompt) > MAX_PROMPT_CHARS:
        raise PromptFileError(
            f"The prompt on {where} of {name} is longer than {MAX_PROMPT_CHARS} characters."
        )


def parse_text(text: str, name: str) -> list[PromptEntry]:
    entries: list[PromptEntry] = []
    # Only CR/LF end a line: str.splitlines() would also split on U+2028 and other
    # separators that may legitimately sit inside a prompt.
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if not line.strip():
            continue
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        if stripped.startswith("\\#"):
            line = line.replace("\\#", "#", 1)
        _check(line, name, f"line {number}")
        entries.append(PromptEntry(line))
    return entries


def parse_csv(text: str, name: str) -> list[PromptEntry]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise PromptFileError(f"The CSV file {name} cannot be read: {exc}.") from exc
    columns = [h.strip().lower() for h in header]
    if "prompt" not in columns:
        raise PromptFileError(
            f"The CSV file {name} has no 'prompt' column in its header row (found: {', '.join(header) or 'nothing'})."
        )
    p_col = columns.index("prompt")
    n_col = columns.index("negative_prompt") if "negative_prompt" in columns else None
    entries: list[PromptEntry] = []
    try:
        for row in reader:
            prompt = row[p_col] if p_col < len(row) else ""
            if not prompt.strip():
                continue
            negative = row[n_col] if n_col is not None and n_col < len(row) else ""
            _check(prompt, name, f"row {reader.line_num}")
            entries.append(PromptEntry(prompt, negative or None))
    except csv.Error as exc:
        raise PromptFileError(
            f"The CSV file {name} cannot be read near line {reader.line_num}: {exc}."
        ) from exc
    return entries


def parse_prompts(data: bytes, name: str, file_format: str | None = None) -> PromptList:
    """Parse prompt-list bytes; ``file_format`` is ``text`` or ``csv`` (default: by name)."""
    fmt = file_format or ("csv" if name.lower().endswith(".csv") else "text")
    text = _decode(data, name)
    entries = parse_csv(text, name) if fmt == "csv" else parse_text(text, name)
    if not entries:
        raise PromptFileError(f"The prompt file {name} holds no prompts.")
    if len(entries) > MAX_PROMPTS:
        raise PromptFileError(
            f"The prompt file {name} holds {len(entries)} prompts; at most {MAX_PROMPTS} are allowed."
        )
    return PromptList(tuple(entries), hashlib.sha256(data).hexdigest(), name, data, fmt)


def load_prompts(path: Path | str, file_format: str | None = None) -> PromptList:
    path = Path(path)
    try:
        data = read_capped(path, MAX_PROMPT_FILE_BYTES)
    except OSError as exc:
        raise PromptFileError(
            f"The prompt file {path} cannot be read ({exc.strerror or exc})."
        ) from exc
    return parse_prompts(data, path.name, file_format)
