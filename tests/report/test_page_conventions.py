"""Issue #16, page conventions: every page of a web capture carries the captured URL, the
capture time with zones, the operator, the tool and code hash, and exhibit page x of y; the
stamp names the party and case number; the cover keeps the Court line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.report.conftest import export, make_case
from tests.tsa_server import TsaServer


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")]


@pytest.mark.parametrize(
    ("lang", "paper"),
    [
        ("en", "letter"),
        ("en", "a4"),
        ("zh", "a4"),
        ("zh", "letter"),
        ("en+zh", "letter"),
        ("en+zh", "a4"),
    ],
)
def test_capture_pages_carry_url_time_operator_tool_and_page_x_of_y(
    tmp_path: Path, module_tsa: TsaServer, lang: str, paper: str
) -> None:
    make_case(tmp_path / "case.proofshot", module_tsa)
    result = export(
        tmp_path / "case.proofshot",
        tmp_path / "out",
        module_tsa,
        lang=lang,
        paper=paper,
        profile="filing",
        cover={"party": "plaintiff", "case_number": "1:25-cv-0042"},
    )
    pages = _pages(result.filing[0])
    size = subprocess.run(
        ["pdfinfo", str(result.filing[0])], capture_output=True, text=True, check=True
    ).stdout
    assert ("595.276 x 841.89" in size) if paper == "a4" else ("612 x 792" in size), size
    if lang == "en+zh":
        stamp = "Plaintiff's Exhibit 4, Case No. 1:25-cv-0042 / 原告证据4（案号：1:25-cv-0042）"
        capture = [p for p in pages if stamp in p]
        assert capture
        for n, text in enumerate(capture, start=1):
            # both languages, every fact whole: nothing of the header cut with "…"
            assert "Captured URL / 取证网址：https://lumagen.example/create" in text
            assert "Captured / 取证时间 2025-03-01 08:00:00 UTC (" in text
            assert "by / 操作人 Alice Analyst" in text
            assert "(code SHA-256 / 程序代码SHA-256 " in text
            assert f"page {n} of {len(capture)} / 证据4第{n}页，共{len(capture)}页" in text
        assert "Court" in pages[0] and "法院" in pages[0]
    elif lang == "en":
        capture = [p for p in pages if "Exhibit 4, Case No. 1:25-cv-0042" in p]
        assert capture and all("Plaintiff's Exhibit 4" in p for p in capture)
        for n, text in enumerate(capture, start=1):
            assert "Captured URL: https://lumagen.example/create" in text
            assert "Captured 2025-03-01 08:00:00 UTC (" in text
            assert "by Alice Analyst" in text
            assert "code SHA-256" in text
            assert f"page {n} of {len(capture)}" in text
        assert "Court: not stated" in pages[0]
    else:
        capture = [p for p in pages if "原告证据4（案号：1:25-cv-0042）" in p]
        assert capture
        for n, text in enumerate(capture, start=1):
            assert "取证网址：https://lumagen.example/create" in text
            assert "操作人 Alice Analyst" in text
            assert f"第{n}页，共{len(capture)}页" in text
        assert "法院：未填写" in pages[0]


def test_full_page_screenshots_are_repeated_at_a_legible_scale_in_tiles(
    tmp_path: Path, module_tsa: TsaServer
) -> None:
    make_case(tmp_path / "case.proofshot", module_tsa)
    result = export(tmp_path / "case.proofshot", tmp_path / "out", module_tsa, profile="filing")
    pdf = result.filing[0]
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    images = [line.split() for line in listing]
    # the demo screenshots are 1440 px wide: fitted to the page they print at 206 ppi
    # (16 px text at 5.6 pt); their tiles must print at <= 164.6 ppi (16 px at >= 7 pt)
    for height in ("720", "1180"):
        tiles = [i for i in images if i[4] == height and i[3] != "1440"]
        assert tiles, f"no legible tiles for the 1440 × {height} screenshot"
        assert all(float(i[12]) <= 72 / (7 / 16) + 0.5 for i in tiles), tiles
        assert sum(int(i[3]) for i in tiles) >= 1440  # every column shown (with overlap)
    pages = _pages(pdf)
    continued = [p for p in pages if "Continued — part" in p]
    assert continued and all(
        re.search(r"pixel columns \d+–\d+, rows \d+–\d+", p) for p in continued
    )
