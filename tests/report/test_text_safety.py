"""Untrusted text becomes Paragraph markup that prints every character literally and safely."""

from __future__ import annotations

import io
import subprocess
import sys

from pypdf import PdfReader
from reportlab.platypus import Paragraph, SimpleDocTemplate

from app.report.fonts import CJK, FONT_DIR, SANS, markup, plain, register_fonts
from app.report.pdf import Styles
from tests.report.builders import REPO


def _render(text: str) -> str:
    styles = Styles()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=1, initialFontName=SANS).build(
        [Paragraph(markup(text), styles.body)]
    )
    return "".join(page.extract_text() or "" for page in PdfReader(buffer).pages)


def test_markup_escapes_reportlab_tags_and_entities() -> None:
    result = markup('<font size=40>x</font> & &amp; <a href="javascript:1">y</a> <br/>')
    assert "<font size" not in result and "<a href" not in result
    assert "&lt;font size=40&gt;x&lt;/font&gt; &amp; &amp;amp;" in result
    assert "&quot;javascript:1&quot;" in result


def test_control_bidi_and_unpaired_surrogates_are_shown_by_code_point() -> None:
    result = plain("a\x00b\x1bc\u202ed\ud800e\ufefff")
    assert result == "a⟨U+0000⟩b⟨U+001B⟩c⟨U+202E⟩d⟨U+D800⟩e⟨U+FEFF⟩f"


def test_newlines_become_line_breaks_and_other_controls_do_not() -> None:
    assert markup("one\ntwo\tthree") == "one<br/>two⟨U+0009⟩three"


def test_chinese_runs_switch_to_the_cjk_font() -> None:
    result = markup("prompt: 生成星光侠!")
    assert f'<font face="{CJK}">生成星光侠</font>' in result
    assert result.startswith("prompt: ")


def test_characters_beyond_the_fonts_are_named_not_dropped() -> None:
    assert "⟨U+1F984⟩" in markup("unicorn 🦄")
    assert "⟨U+1F600⟩" in markup("😀")


def test_very_long_values_are_cut_with_a_note() -> None:
    result = markup("x" * 500, limit=100)
    assert result.startswith("x" * 100 + " ")
    assert "cut after 100 characters" in result


def test_hostile_text_renders_to_the_same_characters_in_the_pdf() -> None:
    text = '<b>not bold</b> & <font color="red">not red</font> ' + "Z" * 200
    extracted = _render(text).replace("\n", "")
    assert '<b>not bold</b> & <font color="red">not red</font>' in extracted
    assert "Z" * 200 in extracted


def test_bundled_fonts_have_their_licence_files_and_cover_the_index_headers() -> None:
    fonts = register_fonts()
    assert all(ord(c) in fonts.cjk for c in "序号证据名称来源证明对象页码取证过程说明")
    names = {p.name for p in FONT_DIR.iterdir()}
    assert {"DroidSansFallbackFull.ttf", "DejaVuSans.ttf", "LICENSE-DejaVu.txt"} <= names
    assert any(n.startswith("LICENSE-DroidSansFallback") for n in names)
    for ttf in FONT_DIR.glob("*.ttf"):
        assert ttf.read_bytes()[:4] == b"\x00\x01\x00\x00", (
            f"{ttf.name} is not a TrueType (glyf) font"
        )


def test_the_report_package_never_loads_qt() -> None:
    code = (
        "import sys, app.cli.bundle, app.report.export, app.report.verify_bundle, "
        "app.report.signing, app.report.pdf\n"
        "assert not any(m.startswith(('PySide6', 'PyQt')) for m in sys.modules), 'Qt loaded'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
