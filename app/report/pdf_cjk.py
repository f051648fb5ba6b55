"""Line breaking for paragraphs that hold Chinese (issue #16).

ReportLab offers two ways to wrap a paragraph and neither suits mixed Chinese and Latin text.
Its default wrap breaks at spaces, so a Chinese sentence (which has none) is one long "word"
that ``splitLongWords`` cuts wherever the line is full, inside a Latin word too ("使用Proo" /
"fshot制作", "htt" / "ps://…"). Its ``wordWrap='CJK'`` cuts between any two characters and only
backs off from a Latin word as far as half a line. :class:`CJKParagraph` wraps instead at the
places a reader expects: between two Chinese characters (honouring the characters that may
not start or end a line), at spaces, and inside a Latin run only after a URL or path
separator. A run with no such place (a hash, an identifier) stays whole unless it alone is
wider than the line, and only then is it cut: at a camel-case joint if it has one, else where
the line is full.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import FragLine, ParaLines, imgNormV, imgVRange

_FUZZ = 1e-6
CJK_FROM = 0x2E80
"""Code points from here on (CJK radicals, punctuation, kana, ideographs, full-width forms)
count as East Asian: a line may break on either side of them."""
CANNOT_START = ALL_CANNOT_START + "，；：！？）》〉」』】〕”’…-"
"""ReportLab's (Japanese) list, the Chinese full-width punctuation that closes a phrase, and a
hyphen (which joins the parts of an identifier such as 国作登字-2023-F-00012345)."""
CANNOT_END = ALL_CANNOT_END + "“‘《〈「『【〔（"
"""ReportLab's list and the Chinese brackets and quotes that open one."""
_AFTER_ALWAYS = "/?&=#|;,"
"""In a Latin run, a line may break after these (URL and path separators, list commas)."""


class Glyph(str):
    """One character of a paragraph with the fragment (font, size, colour) it is set in and
    its width; ReportLab's ``cjkU`` but with widths cached per font and size."""

    frag: Any
    width: float

    def __new__(cls, value: str, frag: Any) -> Glyph:
        self = str.__new__(cls, value)
        self.frag = frag
        if hasattr(frag, "cbDefn"):
            self.width = getattr(frag.cbDefn, "width", 0)
        else:
            self.width = _width(value, frag.fontName, frag.fontSize)
        return self


@functools.lru_cache(maxsize=8192)
def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def _bounds(frag: Any, calc_bounds: bool) -> tuple[float, float]:
    """Ascent and descent of a fragment (of its inline image, when ``calc_bounds``)."""
    cb = getattr(frag, "cbDefn", None) if calc_bounds else None
    if getattr(cb, "width", 0):
        descent, ascent = imgVRange(imgNormV(cb.height, frag.fontSize), cb.valign, frag.fontSize)
        return ascent, descent
    return getAscentDescent(frag.fontName, frag.fontSize)


def make_line(
    glyphs: Sequence[Any], max_width: float, used: float, line_break: bool, calc_bounds: bool
) -> Any:
    """A ReportLab line of ``glyphs``, one word per run set in the same fragment (ReportLab's
    ``makeCJKParaLine``, grouping runs by fragment identity instead of comparing per glyph)."""
    words: list[Any] = []
    runs: list[list[Any]] = []
    for g in glyphs:
        if runs and runs[-1][0].frag is g.frag:
            runs[-1].append(g)
        else:
            runs.append([g])
    size = ascent = descent = 0.0
    for run in runs:
        frag = run[0].frag
        a, d = _bounds(frag, calc_bounds)
        size, ascent, descent = max(size, frag.fontSize), max(ascent, a), min(descent, d)
        word = frag.clone()
        word.text = "".join(run)
        words.append(word)
    return FragLine(
        kind=1,
        extraSpace=max_width - used,
        wordCount=1,
        words=words,
        fontSize=size,
        ascent=ascent,
        descent=descent,
        maxWidth=max_width,
        currentWidth=used,
        lineBreak=line_break,
    )


def has_cjk(text: str) -> bool:
    """True when ``text`` holds an East Asian character."""
    return any(ord(ch) >= CJK_FROM for ch in text)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ord(ch[0]) >= CJK_FROM


def _is_space(ch: str) -> bool:
    return bool(ch) and (ch.isspace() or unicodedata.category(ch[0]) == "Zs")


@functools.lru_cache(maxsize=65536)
def may_break(before: str, after: str) -> bool:
    """May a line end after ``before`` and the next one start with ``after``?"""
    if not before or not after or _is_space(after):
        return False
    if _is_space(before):
        return True
    if after in CANNOT_START or before in CANNOT_END:
        return False
    if _is_cjk(before) or _is_cjk(after):
        return True
    if before in _AFTER_ALWAYS:
        return not (before == "/" and after == "/")
    if before in ".:":  # a domain's dot, a scheme's colon; never between digits
        return after.isalpha()
    return False


_CODE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]{1,4}(?:-[0-9A-Za-z]+)+")
"""A registration or case number whose Chinese prefix is joined to its code by hyphens
(国作登字-2023-F-00012345): one identifier, so no line starts inside it."""


def held(text: str) -> frozenset[int]:
    """Indexes inside identifiers (:data:`_CODE`) where a line must not start."""
    return frozenset(i for m in _CODE.finditer(text) for i in range(m.start() + 1, m.end()))


def break_points(text: str) -> list[int]:
    """The indexes ``i`` of ``text`` where a line may start (``text[i]`` opens the line)."""
    inside = held(text)
    return [i for i in range(1, len(text)) if i not in inside and may_break(text[i - 1], text[i])]


def _is_line_break(u: Any) -> bool:
    return hasattr(u.frag, "lineBreak")


def _forced_cut(glyphs: Sequence[Any], start: int, end: int) -> int:
    """Where to cut a run wider than the whole line: at its last camel-case joint
    ("DigitalSource|Type") if it has one, else where the line is full."""
    for k in range(end - 1, start, -1):
        if str(glyphs[k - 1]).islower() and str(glyphs[k]).isupper():
            return k
    return end


def split_glyphs(glyphs: Sequence[Any], max_widths: Sequence[float], calc_bounds: bool) -> Any:
    """Lines of ``glyphs`` (:class:`Glyph`) broken by :func:`may_break`: each line ends at the
    last place a break may fall before it is full (or, for a run wider than the line, at
    :func:`_forced_cut`); a ``<br/>`` ends a line at once."""
    lines: list[Any] = []
    start = i = 0
    used = 0.0
    last_ok = -1
    inside = held("".join(str(g) for g in glyphs))

    def ok(k: int) -> bool:
        return k not in inside and may_break(glyphs[k - 1], glyphs[k])

    def max_width() -> float:
        return max_widths[min(len(lines), len(max_widths) - 1)]

    def emit(end: int, line_break: bool) -> None:
        stop = end
        while stop - 1 > start and _is_space(glyphs[stop - 1]):
            stop -= 1  # a line does not end in spaces
        width = sum(g.width for g in glyphs[start:stop])
        limit = max_width()
        lines.append(make_line(glyphs[start:stop], limit, width, line_break, calc_bounds))

    while i < len(glyphs):
        g = glyphs[i]
        if _is_line_break(g):
            emit(i + 1, True)
            start = i = i + 1
            used, last_ok = 0.0, -1
            continue
        if i > start and ok(i):
            last_ok = i
        if used + g.width > max_width() + _FUZZ and i > start:
            cut = last_ok if last_ok > start else _forced_cut(glyphs, start, i)
            emit(cut, False)
            start = cut
            while start < i and _is_space(glyphs[start]):
                start += 1
            if start == i and _is_space(g):
                start = i = i + 1
            used = sum(x.width for x in glyphs[start:i])
            last_ok = max(
                (k for k in range(start + 1, i) if ok(k)),
                default=-1,
            )
            continue
        used += g.width
        i += 1
    if start < len(glyphs):
        emit(len(glyphs), False)
    return ParaLines(kind=1, lines=lines)


def _frag_text(frag: Any) -> str:
    text = getattr(frag, "text", "")
    return text if isinstance(text, str) else text.decode("utf8")


class CJKParagraph(Paragraph):
    """A paragraph that breaks its lines by :func:`may_break` (see the module's docstring)."""

    _glyphs: list[Any] | None = None
    _last: tuple[tuple[float, ...], Any] | None = None

    def _break(self, max_widths: Any) -> Any:
        if not isinstance(max_widths, list | tuple):
            max_widths = [max_widths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the second part of a split paragraph keeps its lines
        self.height = 0
        key = tuple(max_widths)
        if self._last is not None and self._last[0] == key:
            return self._last[1]  # tables wrap a cell again and again at the same width
        if self._glyphs is None:
            self._glyphs = [
                Glyph(ch, frag) for frag in self.frags for ch in (_frag_text(frag) or [""])
            ]
        if not self._glyphs:
            return super().breakLines(max_widths)
        auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        result = split_glyphs(self._glyphs, list(max_widths), auto not in ("", "off"))
        self._last = (key, result)
        return result

    def breakLines(self, width: Any) -> Any:
        return self._break(width)

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        return self._break(maxWidths)
