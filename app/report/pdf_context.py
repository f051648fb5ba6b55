"""What every page builder of the filing PDF shares: the render context.

:class:`app.report.pdf.Renderer` makes one :class:`RenderContext` and hands it to the page
builders split out of it (issue #17): the cover and index (:mod:`app.report.pdf_front`), the
exhibit pages (:mod:`app.report.pdf_exhibit`), the comparison charts
(:mod:`app.report.pdf_chart`) and the appendices (:mod:`app.report.pdf_appendix`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.platypus import Flowable

from app.report.model import Bundle, Exhibit
from app.report.pdf_styles import Lang, P, Styles


@dataclass
class Section:
    """A run of pages with one label: the cover, the index, an exhibit, an appendix."""

    key: str
    label_en: str
    label_zh: str
    title: str
    exhibit: int | None = None
    demonstrative: bool = False


@dataclass
class RenderContext:
    """The bundle, its language and styles, and the frame every page builder lays out into."""

    bundle: Bundle
    objects: Callable[[str], Path]
    lang: Lang
    styles: Styles
    width: float
    height: float
    layout_only: bool = False
    sections: list[Section] = field(default_factory=list)
    section_by_key: dict[str, Section] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.section_by_key = {s.key: s for s in self.sections}

    def heading(self, key: str) -> list[Flowable]:
        """The section's title as its page heading."""
        return [P(self.section_by_key[key].title, self.styles.h1)]

    def source_text(self, ex: Exhibit) -> str:
        """证据来源 / Source: the Chinese wording where Chinese is printed, both when bilingual."""
        if not ex.source_zh or not self.lang.zh:
            return ex.source
        return ex.source_zh if not self.lang.en else f"{ex.source}\n{ex.source_zh}"


class Pages:
    """Base of the page builders: the context's fields under the names the builders use."""

    def __init__(self, ctx: RenderContext) -> None:
        self.ctx = ctx
        self.bundle = ctx.bundle
        self.objects = ctx.objects
        self.lang = ctx.lang
        self.styles = ctx.styles
        self.width = ctx.width
        self.height = ctx.height
        self.layout_only = ctx.layout_only


def bates(prefix: str, number: int) -> str:
    """The Bates number of sequence ``number``: the prefix and six digits."""
    return f"{prefix}{number:06d}"
