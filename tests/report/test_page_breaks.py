"""Issue #16 gaps: chart captions wrap and are never cut; tables and headings keep together so
no page ends on a heading, a table header or a lone row, and no page carries only a last row."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reportlab.lib.pagesizes import A4, letter
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from app.report.fonts import SANS_BOLD, runs_width
from app.report.pdf import Styles, caption_lines, grid_table, hashes_on_own_lines, kv_table

LONG = (
    "Output (Exhibit 12, file 12.3) — registration VA 2-345-678, 2024-03-01, "
    "Starlume Studios Character Design Sheet, front view, hero stance, colour edition"
)


def test_a_long_caption_is_wrapped_whole_at_word_boundaries() -> None:
    lines = caption_lines(LONG, 230)
    assert len(lines) > 2
    assert " ".join(lines) == LONG  # every word kept, nothing replaced by an ellipsis
    assert all("…" not in line for line in lines)
    assert all(runs_width(line, SANS_BOLD, 8) <= 230 for line in lines)
    zh = caption_lines("生成图片（证据12，文件12.3）" * 6, 230)
    assert "".join(zh) == "生成图片（证据12，文件12.3）" * 6


def test_hashes_in_cjk_text_get_lines_of_their_own() -> None:
    digest = "ab" * 32
    text = f"文件4.1：取得于2025-03-01，SHA-256 {digest}，SM3 {'cd' * 32}，4096字节。"
    lines = hashes_on_own_lines(text).split("\n")
    assert lines == [
        "文件4.1：取得于2025-03-01，",
        f"SHA-256 {digest}，",
        f"SM3 {'cd' * 32}，",
        "4096字节。",
    ]


def _pages(pdf: Path) -> list[list[str]]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [[ln.strip() for ln in p.splitlines() if ln.strip()] for p in text.split("\f")[:-1]]


def _build(path: Path, pagesize: tuple[float, float], filler: float, rows: int) -> list[list[str]]:
    s = Styles()
    width = pagesize[0] - 144
    story = [
        Spacer(1, filler),
        Paragraph("Heading before the table", s.h2),
        grid_table(
            ["No.", "Row"],
            [[str(n), f"row number {n} of the table"] for n in range(1, rows + 1)],
            [40, width - 40],
            s,
        ),
        Paragraph("Facts", s.h3),
        kv_table([(f"Fact {n}", f"value {n}") for n in range(1, rows + 1)], s, width),
    ]
    SimpleDocTemplate(str(path), pagesize=pagesize).build(story)
    return _pages(path)


def test_no_page_ends_on_a_heading_or_a_lone_row_and_none_holds_only_a_last_row(
    tmp_path: Path,
) -> None:
    for pagesize in (letter, A4):
        frame = pagesize[1] - 144 - 12  # the frame padding
        # sweep the space left before the heading, so that every break point is tried
        for filler in range(int(frame) - 120, int(frame) - 4, 6):
            pages = _build(tmp_path / "t.pdf", pagesize, filler, 3)
            for number, lines in enumerate(pages, start=1):
                if not lines:
                    continue
                last = lines[-1]
                assert last not in ("Heading before the table", "Facts", "No. Row"), (
                    pagesize,
                    filler,
                    number,
                    lines,
                )
                # a table row alone at the bottom, its header or heading just above it
                if last.startswith("1 row number 1"):
                    raise AssertionError((pagesize, filler, number, lines))
                if last == "Fact 1 value 1":
                    raise AssertionError((pagesize, filler, number, lines))


def _check(pages: list[list[str]], rows: int, where: object) -> None:
    for number, lines in enumerate(pages, start=1):
        squashed = [" ".join(ln.split()) for ln in lines]
        if not squashed and number == 1:
            continue  # the first page held only the (invisible) filler
        assert squashed, (where, number, "blank page")
        # a page ending on a heading, or on a table header and one row under it
        assert squashed[-1] not in ("Heading before the table", "Facts", "No. Row"), where
        if len(squashed) >= 2 and squashed[-2] in ("No. Row", "Facts"):
            raise AssertionError((where, number, squashed[-3:]))
        # a page holding only the last row of a table (and its repeated header)
        body = [ln for ln in squashed if ln != "No. Row"]
        assert body not in (
            [f"{rows} row number {rows} of the table"],
            [f"Fact {rows} value {rows}"],
        ), (where, number, squashed)


def test_a_long_table_never_leaves_a_lone_row_at_a_page_bottom_or_top(tmp_path: Path) -> None:
    s = Styles()
    for pagesize in (letter, A4):
        width = pagesize[0] - 144
        frame = pagesize[1] - 144 - 12
        # the bottom: a table longer than a page starting with just room for one row
        for filler in range(int(frame) - 80, int(frame) - 4, 4):
            pages = _build(tmp_path / "t.pdf", pagesize, filler, 70)
            _check(pages, 70, (pagesize, filler))
        # the top: tables of every length, so that one of them spills a single row
        for rows in range(40, 52):
            path = tmp_path / "u.pdf"
            grid = grid_table(
                ["No.", "Row"],
                [[str(n), f"row number {n} of the table"] for n in range(1, rows + 1)],
                [40, width - 40],
                s,
            )
            facts = kv_table([(f"Fact {n}", f"value {n}") for n in range(1, rows + 1)], s, width)
            for table in (grid, facts):
                SimpleDocTemplate(str(path), pagesize=pagesize).build([table])
                _check(_pages(path), rows, (pagesize, rows))


def test_a_chart_figure_grows_with_its_caption_and_stays_within_the_page() -> None:
    from app.report.model import ChartView
    from app.report.pdf import ChartFigure

    chart = ChartView(1, "Hero stance compared", 1, 2, {}, [])

    def objects(sha: str) -> Path:
        raise FileNotFoundError(sha)

    short = ChartFigure(None, None, chart, objects, 468, 250, ("Original", "Output"))
    long = ChartFigure(None, None, chart, objects, 468, 250, (LONG, LONG))
    assert long.wrap(468, 700)[1] > short.wrap(468, 700)[1] == 250
    assert " ".join(long.caption_lines[0]) == LONG
    huge = ChartFigure(None, None, chart, objects, 468, 250, (LONG * 40, "x"))
    assert huge.wrap(468, 700)[1] <= 2 * 250
