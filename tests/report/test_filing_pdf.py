"""The filing PDF, checked the way a clerk's software and a reader would check it.

One bilingual export of the demo case (with a hostile prompt) is made per module; the tests
read it with pypdf, poppler (pdffonts, pdftotext, pdftoppm) and qpdf.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.report.builders import HOSTILE_PROMPT
from tests.report.conftest import Exported, export, make_case, pdftotext
from tests.tsa_server import TsaServer


@pytest.fixture(scope="module")
def bilingual(
    tmp_path_factory: pytest.TempPathFactory, module_tsa: TsaServer
) -> Iterator[Exported]:
    root = tmp_path_factory.mktemp("filing")
    ids = make_case(root / "case.proofshot", module_tsa, hostile=True)
    result = export(
        root / "case.proofshot", root / "out", module_tsa, lang="en+zh", profile="filing"
    )
    yield Exported(root / "case.proofshot", root / "out", result, ids, module_tsa.url)


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory, module_tsa: TsaServer) -> Iterator[Exported]:
    root = tmp_path_factory.mktemp("filing-zh")
    ids = make_case(root / "case.proofshot", module_tsa)
    result = export(
        root / "case.proofshot",
        root / "out",
        module_tsa,
        lang="zh",
        profile="filing",
        paper="a4",
        bates_prefix="ZJ-",
    )
    yield Exported(root / "case.proofshot", root / "out", result, ids, module_tsa.url)


def _page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def _squash(text: str) -> str:
    """pypdf breaks lines where the font changes; compare without white space."""
    return re.sub(r"\s+", "", text)


def test_filing_profile_writes_one_volume_and_no_archive(bilingual: Exported) -> None:
    assert len(bilingual.result.filing) == 1
    assert bilingual.result.archive_folder is None
    assert bilingual.pdf.is_file()
    assert len(PdfReader(bilingual.pdf).pages) == bilingual.result.pages


def test_every_page_carries_an_exhibit_label_and_consecutive_bates_number(
    bilingual: Exported,
) -> None:
    texts = _page_texts(bilingual.pdf)
    assert len(texts) > 10
    for number, text in enumerate(texts, start=1):
        assert f"PS{number:06d}" in text, f"page {number} lacks its Bates number"
        first_line = text.strip().splitlines()[0] if text.strip() else ""
        assert re.search(r"Exhibit \d+|PDX-\d+|Cover|Exhibit index|Appendix|Summary", text), (
            first_line
        )


def test_exhibit_pages_are_labelled_with_their_own_exhibit(bilingual: Exported) -> None:
    texts = _page_texts(bilingual.pdf)
    index = next(i for i, t in enumerate(texts) if "Exhibit4/证据4—" in _squash(t))
    assert "Exhibit4/证据4" in _squash(texts[index])
    assert "Exhibit4/证据4" in _squash(texts[index + 1])
    assert "Exhibit5/证据5" not in _squash(texts[index + 1])


def test_outline_has_a_bookmark_for_every_exhibit_and_appendix(bilingual: Exported) -> None:
    reader = PdfReader(bilingual.pdf)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    exhibits = [t for t in titles if re.match(r"(Exhibit|PDX-)\s?\d+ ", t)]
    assert len(exhibits) == bilingual.result.exhibits
    assert any("Appendix C" in t for t in titles)
    assert any("Declaration" in t for t in titles)
    assert any("取证过程说明" in t for t in titles)
    assert titles[0].startswith("Cover")


def test_every_font_is_embedded_and_no_base14_font_is_used(bilingual: Exported) -> None:
    out = subprocess.run(
        ["pdffonts", str(bilingual.pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = out.strip().splitlines()[2:]
    assert rows, "pdffonts listed no fonts"
    for row in rows:
        assert " yes yes yes " in row, f"font not embedded as a subset with ToUnicode: {row}"
        assert "Helvetica" not in row and "Times" not in row and "Courier" not in row


def test_chinese_prompt_and_labels_are_searchable_text(bilingual: Exported) -> None:
    text = pdftotext(bilingual.pdf)
    assert "生成星光侠" in text
    assert "取证过程说明" in text
    assert "北京时间" in text


def test_qpdf_finds_no_structural_errors(bilingual: Exported) -> None:
    result = subprocess.run(["qpdf", "--check", str(bilingual.pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_filing_pdf_has_no_javascript_attachments_encryption_or_links(bilingual: Exported) -> None:
    raw = bilingual.pdf.read_bytes()
    with pikepdf.open(bilingual.pdf) as pdf:
        assert not pdf.is_encrypted
        assert len(pdf.attachments) == 0
        assert "/OpenAction" not in pdf.Root
        assert "/AA" not in pdf.Root
        names = pdf.Root.get("/Names")
        assert names is None or ("/JavaScript" not in names and "/EmbeddedFiles" not in names)
        for page in pdf.pages:
            assert "/Annots" not in page.obj, (
                "the filing PDF should hold no link or other annotation"
            )
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/Launch" not in raw


def test_metadata_and_pdfa_identification_are_set(bilingual: Exported) -> None:
    with pikepdf.open(bilingual.pdf) as pdf:
        info = pdf.docinfo
        assert "Starlume v. Lumagen" in str(info["/Title"])
        assert str(info["/Author"]) == "Alice Analyst"
        assert str(info["/Creator"]).startswith("Proofshot")
        assert str(info["/CreationDate"]).startswith("D:")
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert meta["pdfaid:conformance"] == "B"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1"
        assert int(intent.DestOutputProfile.N) == 3
        assert str(pdf.Root.Lang) == "en-US"


def test_hostile_prompt_is_printed_literally_without_markup_effects(bilingual: Exported) -> None:
    text = pdftotext(bilingual.pdf)
    assert '<font color="red" size="40">BIG</font>' in text
    assert "&amp;" in text  # the literal five characters, not an ampersand
    assert '<a href="javascript:alert(1)">' in text
    assert "⟨U+202E⟩" in text and "⟨U+0007⟩" in text  # invisible controls shown by code
    assert "U+1F600" in text  # a character beyond the embedded fonts is named, not dropped
    assert "W" * 40 in text.replace("\n", "")  # a long unbroken run wraps instead of vanishing
    assert HOSTILE_PROMPT.endswith("生成星光侠")


def test_capture_exhibit_states_urls_times_ip_tls_hashes_and_tokens(bilingual: Exported) -> None:
    text = pdftotext(bilingual.pdf).replace("\n", " ")
    for expected in (
        "https://lumagen.example/create",
        "2025-03-01 08:00:00 UTC",
        "203.0.113.7",
        "lumagen.example",
        "*.lumagen.example",  # the certificate's names: the host alone is already in the URL
        "Demo Issuing CA R1",
        "alice@lumagen",
        "TLS 1.3 / AES_128_GCM",
        "SM3",
        "Proofshot Test TSA A",
        "genTime",
        "job-0042",
        "lowres, blurry",
        "AUTOMATIC1111/Forge",
        "none found",
        "trainedAlgorithmicMedia",
    ):
        assert expected in text, expected


def test_comparison_chart_is_marked_demonstrative_with_numbered_elements(
    bilingual: Exported,
) -> None:
    texts = _page_texts(bilingual.pdf)
    chart = "\n".join(t for t in texts if "PDX-1(Demonstrative)" in _squash(t))
    assert "DEMONSTRATIVE" in chart and "Numbered elements" in chart
    assert "Star-shaped chest emblem" in chart
    assert "Silver helmet with crest <b>&</b>" in chart
    # measured facts in neutral words, in both languages; the band is the tool's classification
    assert "The two images are the same picture at a glance." not in chart
    squashed = _squash(chart)
    assert "Proofshot'sclassification“high”" in squashed and "Proofshot的分级为“高”" in squashed
    assert "6,600comparedpairs" in squashed and "共6,600对比对" in squashed
    assert "Perceptualhash/感知哈希" in squashed and "Distinctivepoints/特征点" in squashed
    for opinion in ("strong evidence", "reproduces", "inlier_ratio"):
        assert opinion not in chart
    assert "国作登字-2023-F-00012345" in chart


def test_declarations_carry_the_jurat_and_the_article_93_points(bilingual: Exported) -> None:
    text = pdftotext(bilingual.pdf)
    assert "28 U.S.C. § 1746" in text
    assert "902(13)" in text and "902(14)" in text
    assert "I declare under penalty of perjury" in text
    assert "Executed on" in text
    squashed = _squash(text)
    assert "第九十三条" in squashed
    for n in "一二三四五六七":  # every factor, numbered as in the rule
        assert f"（{n}）" in squashed and f"第九十三条第一款第（{n}）项" in squashed, n
    assert "清洁性检查" in squashed and "第九十四条" in squashed
    assert "说明人（签名）" in text


def test_summary_table_counts_tries_outputs_and_matches_per_prompt(bilingual: Exported) -> None:
    texts = _page_texts(bilingual.pdf)
    summary = _squash(next(t for t in texts if "Summary by prompt" in t and "Tries" in t))
    assert "Starlumeherostanding,studiolighting" in summary
    # the captured generation: one try, two outputs, one charted as matching, and the tool's
    # ranking as its own column
    row = summary.split("生成星光侠", 1)[1]
    assert row.startswith("121"), row[:40]
    # the imported file's prompt was never charted: "not assessed", never 0
    loose = summary.split("Starlumeherostanding,studiolighting", 1)[1]
    assert loose.startswith("11notassessed"), loose[:40]


def test_chinese_profile_index_has_the_five_chinese_columns(chinese: Exported) -> None:
    texts = _page_texts(chinese.pdf)
    index = next(t for t in texts if "证据目录" in t and "序号" in t)
    for header in ("序号", "证据名称", "来源", "证明对象", "页码"):
        assert header in index
    assert "ZJ-000002" in index
    with pikepdf.open(chinese.pdf) as pdf:
        assert str(pdf.Root.Lang) == "zh-CN"
        width, height = float(pdf.pages[0].mediabox[2]), float(pdf.pages[0].mediabox[3])
    assert (round(width), round(height)) == (595, 842)  # A4


def _render(pdf: Path, page: int, folder: Path) -> Image.Image:
    prefix = folder / f"page-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    return Image.open(f"{prefix}.png").convert("RGB")


def _ink(image: Image.Image) -> float:
    grey = np.asarray(image.convert("L"))
    return float((grey < 128).mean())


def test_rendered_pages_show_text_images_and_callouts(bilingual: Exported, tmp_path: Path) -> None:
    texts = _page_texts(bilingual.pdf)
    cover = _render(bilingual.pdf, 1, tmp_path)
    assert 0.005 < _ink(cover) < 0.5
    chart_page = next(i for i, t in enumerate(texts, start=1) if "Numbered elements" in t)
    chart = _render(bilingual.pdf, chart_page, tmp_path)
    rgb = np.asarray(chart).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    pink = int(((r > 180) & (g < 80) & (b > 60) & (b < 140)).sum())
    blue = int(((r < 60) & (g > 80) & (g < 130) & (b > 160)).sum())
    assert pink > 30 and blue > 30, "the numbered callouts were not drawn on both images"
    declaration_page = next(
        i for i, t in enumerate(texts, start=1) if "取证过程说明" in t and "一、取证主体" in t
    )
    page = _render(bilingual.pdf, declaration_page, tmp_path)
    assert _ink(page) > 0.01
