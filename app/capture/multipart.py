"""``multipart/form-data`` bodies split into their parts, in one place.

Two readers need the same parsing: redaction (:func:`app.capture.redaction.redact_multipart`)
replaces the values of credential fields and must put every other byte back as it was; prompt
detection (:func:`app.capture.prompt_finding.find_prompt`) reads the text fields' values.
Both go through :func:`split_form_data`, which keeps the body's pieces so that a caller can
join them again unchanged.

The parsing is deliberately plain: the boundary named by the ``Content-Type`` (any case,
quoted or not), the body split on ``--boundary``, each piece's head and value parted at the
first blank line; a piece with no blank line (the preamble, the closing ``--``) or a file
part (``filename=`` in its head) is no field; a field's name is the ``name="..."`` of its
``Content-Disposition`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_PART_NAME = re.compile(rb'name="([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True)
class FormField:
    """One non-file field of a form body: where it lies and what it holds."""

    index: int
    """Its piece in :attr:`FormData.pieces`."""
    name: str
    head: bytes
    """The part's headers, up to (not including) the blank line."""
    value: bytes
    """Everything after the blank line up to the next delimiter (its CRLF included)."""

    def text(self) -> str:
        """The value as text: trailing line ends (and dashes) trimmed, decoded leniently."""
        return self.value.rstrip(b"\r\n-").decode("utf-8", "replace")


@dataclass
class FormData:
    """A form body split on its delimiter: ``delimiter.join(pieces)`` is the body again."""

    delimiter: bytes
    pieces: list[bytes]
    fields: list[FormField]

    def join(self) -> bytes:
        return self.delimiter.join(self.pieces)


def split_form_data(body: bytes, content_type: str) -> FormData | None:
    """The body's pieces and its named non-file fields; None when the type names no
    boundary."""
    match = _BOUNDARY.search(content_type)
    if match is None:
        return None
    delimiter = b"--" + match.group(1).strip().encode("latin-1")
    pieces = body.split(delimiter)
    fields: list[FormField] = []
    for index, piece in enumerate(pieces):
        head, sep, value = piece.partition(b"\r\n\r\n")
        if not sep or b"filename=" in head.lower():
            continue
        disposition = next(
            (ln for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-disposition")),
            b"",
        )
        found = _PART_NAME.search(disposition)
        if found is None:
            continue
        fields.append(FormField(index, found.group(1).decode("utf-8", "replace"), head, value))
    return FormData(delimiter, pieces, fields)
