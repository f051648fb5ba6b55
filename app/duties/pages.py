"""What a captured page says: its text, its links, the outputs it shows and their labels.

Read from the page's DOM snapshot (``dom-html``) or, failing that, the HTML part of its
MHTML archive. Nothing here guesses from pixels: a visible label on the *image itself*
needs OCR of the output, which is a separate derived record built elsewhere. The hook for
it is :data:`EXPLICIT_LABEL_READERS` (see :func:`output_label_from_readers`).
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

AI_LABEL_RE = re.compile(
    r"AI[\s-]*生成|人工智能生成|由\s*AI\s*生成|AI[\s-]*generated|generated\s+by\s+AI|AIGC",
    re.IGNORECASE,
)
COMPLAINT_RE = re.compile(
    r"投诉|举报|侵权通知|complain|report\s+(?:abuse|content|infring)|infringement\s+notice",
    re.IGNORECASE,
)
TERMS_RE = re.compile(r"用户协议|服务协议|服务条款|terms\s+of\s+(?:service|use)|\bterms\b", re.I)
WARNING_RE = re.compile(
    r"侵犯[^。.]{0,20}(?:著作权|知识产权|权利)|侵权|infring|copyright|trademark", re.IGNORECASE
)

MAX_PAGE_BYTES = 20_000_000
"""Pages larger than this are not parsed (the finding says the page was not read)."""


@dataclass
class Figure:
    """An element grouping an image with its caption/badge (``<figure>``)."""

    images: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class PageText:
    url: str
    text: str
    links: list[tuple[str, str]]  # (absolute href, link text)
    images: list[str]  # absolute src of every <img>
    figures: list[Figure]
    outside_figures: str = ""

    def complaint_links(self) -> list[tuple[str, str]]:
        return [(h, t) for h, t in self.links if COMPLAINT_RE.search(t) or "complain" in h.lower()]

    def terms_links(self) -> list[tuple[str, str]]:
        return [(h, t) for h, t in self.links if TERMS_RE.search(t) or "/terms" in h.lower()]

    def ai_label_text(self) -> str | None:
        """A visible AI label on the page as a whole (outside the per-output figures)."""
        found = AI_LABEL_RE.search(self.page_text_outside_figures())
        return _around(self.page_text_outside_figures(), found) if found else None

    def warning_text(self, *, ignore: re.Pattern[str] | None = None) -> str | None:
        """A warning about infringement in the page text (``ignore``: sentences to skip)."""
        for found in WARNING_RE.finditer(self.text):
            sentence = _around(self.text, found)
            if ignore is None or not ignore.search(sentence):
                return sentence
        return None

    def page_text_outside_figures(self) -> str:
        return self.outside_figures

    def label_for_image(self, url: str) -> tuple[bool, str | None]:
        """(shown on the page, visible label next to it) for an output's URL."""
        target = _norm(url)
        for fig in self.figures:
            if any(_norm(src) == target for src in fig.images):
                found = AI_LABEL_RE.search(fig.text)
                return True, (_around(fig.text, found) if found else None)
        return any(_norm(src) == target for src in self.images), None


def _norm(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}?{parts.query}" if parts.query else parts.netloc + parts.path


_BOUNDARY = re.compile(r"[。！？!?|·]|\.\s")


def _around(text: str, match: re.Match[str], width: int = 70) -> str:
    """The sentence around a match (cut at sentence marks, at most ``width`` either side)."""
    start = max(0, match.start() - width)
    before = text[start : match.start()]
    cuts = list(_BOUNDARY.finditer(before))
    if cuts:
        before = before[cuts[-1].end() :]
    after = text[match.end() : match.end() + width]
    cut = _BOUNDARY.search(after)
    if cut:
        after = after[: cut.start() + 1]
    return " ".join((before + match.group(0) + after).split())


_BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "header",
        "footer",
        "nav",
        "main",
        "form",
        "label",
        "button",
        "textarea",
        "select",
        "option",
        "figure",
        "figcaption",
        "table",
        "tr",
        "td",
        "th",
        "br",
        "article",
        "aside",
    ]
)


class _Parser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.text: list[str] = []
        self.outside: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.images: list[str] = []
        self.figures: list[Figure] = []
        self._link: tuple[str, list[str]] | None = None
        self._figure_stack: list[tuple[Figure, list[str]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in _BLOCKS:
            self._break()
        if tag in ("script", "style", "template"):
            self._skip += 1
        elif tag == "a":
            self._link = (urljoin(self.base, a.get("href", "")), [])
        elif tag == "img":
            src = urljoin(self.base, a.get("src", ""))
            self.images.append(src)
            for fig, _ in self._figure_stack:
                fig.images.append(src)
            if a.get("alt"):
                self._add_text(a["alt"], alt=True)
                self._break()
        elif tag == "figure":
            self._figure_stack.append((Figure(), []))

    def _break(self) -> None:
        """A block boundary: sentences never run across it ("|" in the joined text)."""
        self.text.append(" | ")
        if not self._figure_stack:
            self.outside.append(" | ")
        for _, words in self._figure_stack:
            words.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._break()
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._link is not None:
            href, words = self._link
            self.links.append((href, " ".join(" ".join(words).split())))
            self._link = None
        elif tag == "figure" and self._figure_stack:
            fig, words = self._figure_stack.pop()
            fig.text = _squeeze(" ".join(words))
            self.figures.append(fig)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._add_text(data)

    def _add_text(self, data: str, *, alt: bool = False) -> None:
        if not alt:
            self.text.append(data)
            if not self._figure_stack:
                self.outside.append(data)
        if self._link is not None:
            self._link[1].append(data)
        for _, words in self._figure_stack:
            words.append(data)


def parse_html(html: str, url: str) -> PageText:
    parser = _Parser(url)
    parser.feed(html)
    parser.close()
    return PageText(
        url,
        _squeeze(" ".join(parser.text)),
        parser.links,
        parser.images,
        parser.figures,
        _squeeze(" ".join(parser.outside)),
    )


def _squeeze(text: str) -> str:
    """Whitespace collapsed, runs of block marks collapsed to one."""
    return re.sub(r"(?:\s*\|\s*)+", " | ", " ".join(text.split())).strip(" |")


def html_from_mhtml(data: bytes) -> str | None:
    """The first text/html part of an MHTML archive."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            content: Any = part.get_content()
            return content if isinstance(content, str) else None
    return None


def page_from_capture(
    read: Callable[[str, int], bytes | None], items: list[dict[str, Any]], url: str
) -> tuple[PageText | None, int | None]:
    """The page text of a capture, and the item id it was read from (DOM first, then MHTML).

    ``read(sha256, limit)`` returns the object's bytes, or None when it holds more than
    ``limit`` bytes: a case may come from the other side, so a page is never read past the cap.
    """
    by_role = {i["role"]: i for i in items}
    for role in ("dom-html", "mhtml"):
        item = by_role.get(role)
        if item is None:
            continue
        data = read(item["sha256"], MAX_PAGE_BYTES)
        if data is None:
            continue
        html = data.decode("utf-8", "replace") if role == "dom-html" else html_from_mhtml(data)
        if html is not None:
            return parse_html(html, url), int(item["item_id"])
    return None, None


# -- extension point: visible labels read from the output image itself ----------------------

ExplicitLabelReader = Callable[[Any, int], str | None]
EXPLICIT_LABEL_READERS: list[ExplicitLabelReader] = []
"""Readers of a visible AI label *on an output image* (``(case, item_id) -> text | None``).

A reader returns the label text it found, ``""`` when it read the image and found none, and
``None`` when it did not read that image. :func:`ocr_label` (the OCR derived record,
``ocr_results``) is registered by default; other readers may be appended.
"""


def ocr_label(case: Any, item_id: int) -> str | None:
    """The AI label in the output's newest OCR record: text, "" (read, none), None (no OCR)."""
    from app.core import ocr  # the OCR derived record; absent in older cases

    record = ocr.latest(case, [item_id]).get(item_id)
    if record is None:
        return None
    text = " ".join(record.text.split())
    found = AI_LABEL_RE.search(text)
    return _around(text, found) if found else ""


EXPLICIT_LABEL_READERS.append(ocr_label)


def output_label_from_readers(case: Any, item_id: int) -> str | None:
    """The first answer of the readers: label text, "" (read, no label) or None (not read)."""
    answer: str | None = None
    for reader in EXPLICIT_LABEL_READERS:
        text = reader(case, item_id)
        if text:
            return text
        if text == "":
            answer = ""
    return answer
