"""Paper, colours, languages and paragraph styles of the filing PDF.

Everything a page of the bundle is laid out with: the paper sizes and margins, the palette,
:class:`Lang` (English, Chinese or both for every label), :class:`Styles` (the paragraph
styles) and :func:`P`, the one way untrusted text becomes a paragraph. Split out of
:mod:`app.report.pdf` (issue #17) so the flowables and the page builders share them without
importing the renderer.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from app.report.fonts import CJK, MONO, SANS, SANS_BOLD, markup, register_fonts
from app.report.model import beijing_text, local_text, utc_text
from app.report.pdf_cjk import CJKParagraph, has_cjk

PAPER = {"letter": LETTER, "a4": A4}
MARGIN_X = 54.0
MARGIN_TOP = 66.0
MARGIN_BOTTOM = 54.0
INK = colors.HexColor("#1a1a1a")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eeeeee")
ALERT = colors.HexColor("#b00020")
CALLOUT = colors.HexColor("#d81b60")
CALLOUT_B = colors.HexColor("#1565c0")


class Lang:
    """Chooses English, Chinese or both for every label."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.en = lang in ("en", "en+zh")
        self.zh = lang in ("zh", "en+zh")

    def t(self, en: str, zh: str) -> str:
        if self.en and self.zh:
            return f"{en} / {zh}"
        return zh if self.zh else en

    def time(self, value: str | None, offset: str = "+00:00") -> str:
        """UTC and the recorded local zone; Beijing time added in the Chinese profile."""
        text = f"{utc_text(value)} ({local_text(value, offset)})"
        if self.zh:
            text += f"；北京时间 {beijing_text(value)}"
        return text


class Styles:
    def __init__(self) -> None:
        register_fonts()
        base = {"fontName": SANS, "textColor": INK, "splitLongWords": 1}
        self.body = ParagraphStyle("body", fontSize=9, leading=12, **base)
        self.small = ParagraphStyle("small", fontSize=7.5, leading=9.5, **base)
        self.tiny = ParagraphStyle("tiny", fontSize=6.5, leading=8, **base)
        self.cell = ParagraphStyle("cell", fontSize=8, leading=10, **base)
        self.cell_key = ParagraphStyle(
            "cellkey", fontSize=8, leading=10, fontName=SANS_BOLD, textColor=INK
        )
        self.mono = ParagraphStyle(
            "mono", fontSize=7, leading=9, fontName=MONO, textColor=INK, splitLongWords=1
        )
        self.h1 = ParagraphStyle(
            "h1",
            fontSize=15,
            leading=19,
            fontName=SANS_BOLD,
            textColor=INK,
            spaceAfter=4,
            keepWithNext=1,
        )
        self.h2 = ParagraphStyle(
            "h2",
            keepWithNext=1,
            fontSize=11,
            leading=14,
            fontName=SANS_BOLD,
            textColor=INK,
            spaceBefore=8,
            spaceAfter=3,
        )
        self.h3 = ParagraphStyle(
            "h3",
            keepWithNext=1,
            fontSize=9.5,
            leading=12,
            fontName=SANS_BOLD,
            textColor=INK,
            spaceBefore=6,
            spaceAfter=2,
        )
        self.title = ParagraphStyle(
            "title",
            fontSize=22,
            leading=28,
            fontName=SANS_BOLD,
            alignment=TA_CENTER,
            textColor=INK,
            spaceAfter=10,
        )
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.prompt = ParagraphStyle("prompt", fontSize=10, leading=14, **base)
        self.alert = ParagraphStyle(
            "alert",
            fontSize=9.5,
            leading=12.5,
            fontName=SANS_BOLD,
            textColor=ALERT,
            splitLongWords=1,
        )

    @staticmethod
    def cjk(base: Styles) -> Styles:
        """A copy whose paragraph styles wrap Chinese text between characters."""
        copy = Styles.__new__(Styles)
        for name, style in vars(base).items():
            clone = ParagraphStyle(f"{name}-cjk", parent=style)
            clone.wordWrap = "CJK"
            setattr(copy, name, clone)
        return copy


def P(text: object, style: ParagraphStyle, *, raw: bool = False) -> Paragraph:
    """A paragraph of untrusted text; ``raw`` only for markup this module wrote itself.

    Text holding Chinese or a URL (or laid out in a CJK style) is a :class:`CJKParagraph`,
    which breaks lines between Chinese characters, at spaces and at URL separators, never
    inside a Latin word or a hash (issue #16)."""
    base = style.fontName if style.fontName in (SANS, SANS_BOLD, MONO, CJK) else SANS
    value = "" if text is None else str(text)
    body = value if raw else markup(text, base=base)
    if style.wordWrap == "CJK" or has_cjk(value) or "://" in value:
        return CJKParagraph(body, style)
    return Paragraph(body, style)


ARCHIVE_REF = "bundle.json"
"""The archive file that holds every fact in full (nested details are referenced to it)."""
