"""Issue #16: Latin words, URLs and hashes in Chinese text are never split by a line break, and
a tall screenshot is sliced evenly so no last sliver stands alone on a page."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate

from app.report.flowables import balanced_spans, legible_tiles
from app.report.pdf import P, Styles
from app.report.pdf_cjk import CJKParagraph, break_points, may_break
from app.report.pdf_exhibit import slice_rows

RUN = re.compile(r"[A-Za-z0-9_]+")


def split_identifiers(pages: list[str]) -> list[tuple[int, str, str]]:
    """Line pairs whose end and start join into a Latin run printed whole elsewhere in the
    document while one of the two halves never is: a word, URL part or hash split by a break.
    ``pages`` is ``pdftotext -raw`` output split at form feeds. Numbers (neighbouring table
    cells) and camel-case joints (the one place a word wider than its column may be cut) do
    not count."""
    whole: set[str] = set()
    for page in pages:
        for line in (line.strip() for line in page.splitlines()):
            whole.update(
                m.group() for m in RUN.finditer(line) if m.start() > 0 and m.end() < len(line)
            )  # runs that touch no line end, so no break can have cut them
    found = []
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for a, b in itertools.pairwise(lines):
            tail, head = re.search(r"[A-Za-z0-9_]+$", a), re.match(r"[A-Za-z0-9_]+", b)
            if not (tail and head):
                continue
            joined = tail.group() + head.group()
            if joined.isdigit():
                continue  # two numbers of neighbouring cells, not a word
            if tail.group()[-1].islower() and head.group()[0].isupper():
                continue  # a camel-case joint: where a word wider than its column is cut
            if joined in whole and not (tail.group() in whole and head.group() in whole):
                found.append((number, a[-30:], b[:30]))
    return found


def _raw_pages(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout.split("\f")


def test_break_opportunities_fall_between_chinese_characters_spaces_and_url_separators() -> None:
    text = "根据证据4使用Proofshot制作"
    starts = {text[i:] for i in break_points(text)}
    assert "Proofshot制作" in starts and "制作" in starts
    assert not any(s.startswith(("roofshot", "ofshot", "shot")) for s in starts)
    url = "网页：https://lumagen.example/create?x=1"
    cuts = [url[:i] for i in break_points(url)]
    assert "网页：" in cuts and "网页：https://" in cuts and "网页：https://lumagen." in cuts
    assert "网页：htt" not in cuts and "网页：https:/" not in cuts
    assert break_points("ab" * 32) == []  # a hash has none
    assert not may_break("证", "，")  # a comma never starts a line
    assert not may_break("（", "证")  # an opening bracket never ends one
    assert not may_break("1", ".") and not may_break("3", "5")
    assert break_points("登记号国作登字-2023-F-00012345")[-1] == len("登记号")  # ids whole


def _lines(paragraph: Paragraph, width: float) -> list[str]:
    paragraph.wrap(width, 1000)
    return [
        "".join(w.text for w in line.words).strip()
        for line in paragraph.blPara.lines  # type: ignore[attr-defined]
    ]


def test_a_cjk_paragraph_keeps_latin_words_and_hashes_whole() -> None:
    s = Styles()
    text = "演示材料是使用Proofshot制作的说明辅助材料，网址https://lumagen.example/create，" * 3
    para = P(text, s.small)
    assert isinstance(para, CJKParagraph)
    for width in (60, 90, 140, 200):
        lines = _lines(P(text, s.small), width)
        assert "".join(lines) == text  # nothing lost or added
        for a, b in itertools.pairwise(lines):
            ends = a[-1:] + b[:1]
            assert not (ends.isascii() and ends.isalnum()), (width, a, b)
    digest = "0123456789abcdef" * 4
    lines = _lines(P(f"SHA-256值为{digest}，大小4096字节。", s.small), 300)
    assert any(digest in line for line in lines)
    # a run wider than the line is still shown whole, cut only where the line is full
    lines = _lines(P(f"哈希{digest}", s.small), 80)
    assert "".join(lines) == f"哈希{digest}" and len(lines) > 2
    # ... or at a camel-case joint when it has one
    label = "标识：IPTC DigitalSourceType、C2PA"
    for width in (50, 62):
        lines = _lines(P(label, s.small), width)
        assert "Type、C2PA" in lines and "".join(lines) == label.replace(" ", "")
        for a, b in itertools.pairwise(lines):
            at_space = f"{a} {b}" in label
            assert at_space or (a[-1].islower() and b[0].isupper()), lines


def test_english_text_without_urls_keeps_reportlabs_own_wrap() -> None:
    s = Styles()
    assert type(P("Shown at 44% of its natural size", s.small)) is Paragraph
    assert isinstance(P("see https://example.org/a/b", s.small), CJKParagraph)


def test_cjk_paragraph_splits_over_pages(tmp_path: Path) -> None:
    s = Styles()
    text = "使用Proofshot制作的说明，网址https://lumagen.example/create。" * 120
    pdf = tmp_path / "long.pdf"
    SimpleDocTemplate(str(pdf), pagesize=A4).build([P(text, s.body)])
    pages = _raw_pages(pdf)
    assert len([p for p in pages if p.strip()]) >= 2
    assert split_identifiers(pages) == []
    assert re.sub(r"\s+", "", "".join(pages)) == re.sub(r"\s+", "", text)


def test_the_checker_finds_a_split_word() -> None:
    pages = ["工具为Proofshot。\n根据证据1使用Proo\nfshot制作\nhttps://lumagen.example/term\ns x"]
    found = split_identifiers(pages)
    assert [f[1][-4:] for f in found] == ["Proo"]


@pytest.mark.parametrize(
    ("total", "step", "overlap"),
    [(1181, 1180, 0), (2400, 1180, 0), (5000, 1300, 0), (3000, 1259, 48), (1440, 1152, 48)],
)
def test_spans_are_even_cover_everything_and_keep_their_overlap(
    total: int, step: int, overlap: int
) -> None:
    spans = balanced_spans(total, step, overlap)
    assert spans[0][0] == 0 and spans[-1][1] == total
    assert all(end - start <= step for start, end in spans)
    assert all(end - start >= step / 4 for start, end in spans)  # no sliver
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end - start == overlap
    fill = -(-(total - overlap) // (step - overlap))
    assert len(spans) == max(1, fill)  # as few as filling each page would take


def test_a_short_screenshot_is_one_slice_and_a_tall_one_has_no_sliver() -> None:
    assert slice_rows(700, 1180) == [(0, 700)]
    rows = slice_rows(1180 * 2 + 20, 1180)  # filling pages would leave 20 rows alone
    assert len(rows) == 3 and min(b - a for a, b in rows) > 1180 / 4


def test_legible_tiles_label_their_even_pixel_ranges() -> None:
    captions: list[str] = []
    sizes: list[tuple[float, float]] = []

    def image(w: float, h: float, crop: tuple[int, int, int, int]) -> object:
        sizes.append((w, h))
        return Paragraph("x", Styles().tiny)

    legible_tiles(
        1440,
        4000,
        504,
        672,
        image,  # type: ignore[arg-type]
        lambda text, style: captions.append(text) or Paragraph("x", Styles().tiny),
        lambda en, zh: en,
    )
    heights = [h for _, h in sizes]
    assert max(heights) - min(heights) < 2  # even rows: no last strip
    assert any("rows 0–" in c for c in captions) and any("–3999" in c for c in captions)


def test_a_registration_number_with_a_chinese_prefix_is_one_identifier() -> None:
    """国作登字-2023-F-00012345: a line may start before it, never inside it (the CJK rule
    alone would allow a break between 登 and 字)."""
    from app.report.pdf_cjk import break_points

    text = "登记号国作登字-2023-F-00012345，权利人"
    starts = break_points(text)
    number = text.index("国")
    assert number in starts
    assert not [i for i in starts if number < i < text.index("，")]
    assert text.index("记") in starts  # the text before it still breaks between characters
