"""Embedded fonts and the one function that turns untrusted text into safe Paragraph markup.

Courts' e-filing systems reject PDFs with unembedded fonts, so every glyph comes from a
TrueType file shipped in ``resources/fonts`` (DejaVu Sans for Latin, Greek, Cyrillic, Hebrew
and Arabic; Droid Sans Fallback for Chinese). ReportLab has no font fallback of its own, so
:func:`markup` picks the font per character and wraps runs in ``<font>`` tags.

Everything printed from a case (prompts, URLs, notes, titles) is hostile until proven
otherwise: ReportLab's Paragraph parses ``<font``, ``<a href``, ``&`` entities and more.
:func:`markup` escapes it all, and makes invisible or reordering characters (C0/C1
controls, bidi overrides, lone surrogates) and characters no embedded font can draw visible
as ``⟨U+XXXX⟩``, so what is printed is what was stored, letter for letter.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"

SANS = "PS-Sans"
SANS_BOLD = "PS-Sans-Bold"
MONO = "PS-Mono"
CJK = "PS-CJK"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    CJK: "DroidSansFallbackFull.ttf",
}

# Characters that change how neighbouring text is shown without being seen themselves:
# bidi embeddings, overrides and isolates, and marks that could hide a reordering.
_BIDI_CONTROLS = {0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
MAX_LONG_TEXT = 200_000
"""A longer value is cut (and says so): a 10 MB prompt would make a 5,000-page exhibit."""


@dataclass(frozen=True)
class FontSet:
    """The registered fonts and the characters each can draw."""

    sans: frozenset[int]
    bold: frozenset[int]
    mono: frozenset[int]
    cjk: frozenset[int]


@functools.cache
def register_fonts() -> FontSet:
    """Register the bundled TrueType fonts with ReportLab once per process."""
    cmaps: dict[str, frozenset[int]] = {}
    for name, filename in _FILES.items():
        path = FONT_DIR / filename
        if not path.is_file():
            raise FileNotFoundError(
                f"The font {filename} is missing from {FONT_DIR}; the Proofshot install is incomplete."
            )
        font = TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        cmaps[name] = frozenset(font.face.charToGlyph)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(SANS, bold, italic, SANS_BOLD if bold else SANS)
            addMapping(MONO, bold, italic, MONO)
            addMapping(CJK, bold, italic, CJK)
    return FontSet(cmaps[SANS], cmaps[SANS_BOLD], cmaps[MONO], cmaps[CJK])


def _escape_char(ch: str) -> str:
    if ch == "&":
        return "&amp;"
    if ch == "<":
        return "&lt;"
    if ch == ">":
        return "&gt;"
    if ch == '"':
        return "&quot;"
    return ch


def _visible_code(code: int) -> str:
    return f"\u27e8U+{code:04X}\u27e9"


def is_hidden(code: int) -> bool:
    """True for characters that must be shown as a code point rather than printed."""
    if 0xD800 <= code <= 0xDFFF:
        return True
    if code > 0xFFFF:
        # ReportLab's subsets write a wrong ToUnicode entry for characters beyond the BMP
        # (the extracted text would show another character), so they are shown by code.
        return True
    if code in _BIDI_CONTROLS:
        return True
    category = unicodedata.category(chr(code))
    return category in ("Cc", "Cs", "Co", "Cn") or code in (0xFEFF, 0xFFFE, 0xFFFF)


def markup(
    text: object,
    *,
    base: str = SANS,
    limit: int = MAX_LONG_TEXT,
    keep_newlines: bool = True,
) -> str:
    """Paragraph markup that prints ``text`` literally, in fonts that can draw each character.

    ``base`` is the font the surrounding style uses (sans, bold or mono); characters it lacks
    fall back to the CJK font, and characters neither has become ``⟨U+XXXX⟩``. Newlines become
    line breaks; every other control character is shown by its code point.
    """
    fonts = register_fonts()
    value = "" if text is None else str(text)
    cut = len(value) > limit
    if cut:
        value = value[:limit]
    own = {SANS: fonts.sans, SANS_BOLD: fonts.bold, MONO: fonts.mono, CJK: fonts.cjk}[base]
    parts: list[str] = []
    run_font = base
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        body = "".join(run)
        parts.append(body if run_font == base else f'<font face="{run_font}">{body}</font>')
        run.clear()

    for ch in value:
        code = ord(ch)
        if ch == "\n" and keep_newlines:
            flush()
            parts.append("<br/>")
            continue
        if ch == "\r":
            continue
        if is_hidden(code):
            font, piece = (base if 0x27E8 in own else SANS), _visible_code(code)
        elif code in own or ch == " ":
            font, piece = base, _escape_char(ch)
        elif code in fonts.cjk:
            font, piece = CJK, _escape_char(ch)
        elif code in fonts.sans:
            font, piece = SANS, _escape_char(ch)
        else:
            font, piece = (base if 0x27E8 in own else SANS), _visible_code(code)
        if font != run_font:
            flush()
            run_font = font
        run.append(piece)
    flush()
    result = "".join(parts)
    if cut:
        result += f" <i>[… cut after {limit:,} characters; the full text is in the native file]</i>"
    return result


def plain(text: object, *, limit: int = 10_000) -> str:
    """Text for places that take no markup (canvas strings, bookmarks, metadata).

    The same visible-code rule as :func:`markup`, without escaping or font runs.
    """
    value = "" if text is None else str(text)
    value = value[:limit]
    out = []
    for ch in value:
        code = ord(ch)
        if ch in "\r\n\t":
            out.append(" ")
        elif is_hidden(code):
            out.append(_visible_code(code))
        else:
            out.append(ch)
    return "".join(out)


def font_for_plain(text: str, base: str = SANS) -> list[tuple[str, str]]:
    """Split plain text into (font, text) runs for drawing on a canvas."""
    fonts = register_fonts()
    own = {SANS: fonts.sans, SANS_BOLD: fonts.bold, MONO: fonts.mono, CJK: fonts.cjk}[base]
    runs: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        font = base if (code in own or ch == " ") else CJK if code in fonts.cjk else base
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def draw_runs(canvas: object, x: float, y: float, text: str, base: str, size: float) -> float:
    """Draw plain text at (x, y) with per-character font fallback; returns the width drawn."""
    width = 0.0
    for font, piece in font_for_plain(text, base):
        canvas.setFont(font, size)  # type: ignore[attr-defined]
        canvas.drawString(x + width, y, piece)  # type: ignore[attr-defined]
        width += pdfmetrics.stringWidth(piece, font, size)
    return width


def runs_width(text: str, base: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(p, f, size) for f, p in font_for_plain(text, base))
