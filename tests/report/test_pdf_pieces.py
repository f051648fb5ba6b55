"""Issue #17: the pieces the filing PDF's renderer was split into, each on its own over the
demo case's bundle model: the render context, the cover and index, the exhibit pages, the
chart, the appendices and the value formatting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reportlab.platypus import Paragraph, Table

from app.report.flowables import EvidenceImage, PageRecorder
from app.report.model import Bundle, ExportOptions, build_bundle, work_title_zh
from app.report.pdf import Renderer
from app.report.pdf_appendix import AppendixPages
from app.report.pdf_chart import chart
from app.report.pdf_context import bates
from app.report.pdf_exhibit import ExhibitPages
from app.report.pdf_front import FrontPages
from app.report.pdf_values import c2pa_text, labels_text, provenance_findings_text, value_text
from tests.report.builders import build_demo_case


@pytest.fixture(scope="module", params=["en", "en+zh"])
def renderer(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Renderer]:
    root = tmp_path_factory.mktemp(f"pieces-{request.param}")
    case = build_demo_case(root / "case.proofshot")["case"]
    bundle: Bundle = build_bundle(case, ExportOptions(lang=request.param), register={})
    yield Renderer(bundle, case.objects.path_for, root / "work")
    case.close()


def _text(flowables: list[Any]) -> str:
    """The text of paragraphs, also inside tables and nested lists, in order."""
    out: list[str] = []
    for f in flowables:
        if isinstance(f, Paragraph):
            out.append(f.getPlainText())
        elif isinstance(f, Table):
            for row in f._cellvalues:
                out.append(_text([c for c in row]))
        elif isinstance(f, list | tuple):
            out.append(_text(list(f)))
        elif isinstance(f, str):
            out.append(f)
        elif hasattr(f, "_content"):
            out.append(_text(f._content))
    return "\n".join(out)


def test_the_context_heads_sections_and_states_sources_in_the_bundles_languages(
    renderer: Renderer,
) -> None:
    ctx = renderer.ctx
    assert ctx.bundle is renderer.bundle and ctx.width == renderer.width
    assert (
        _text(ctx.heading("appendix-custody")) == renderer.section_by_key["appendix-custody"].title
    )
    for section in renderer.sections:  # one lookup of sections, shared by renderer and context
        assert renderer.section_by_key[section.key] is ctx.section_by_key[section.key] is section
        assert _text(renderer.heading(section.key)) == section.title
    ex = renderer.bundle.exhibits[-1]
    story = renderer.story_for(ex.key, PageRecorder())
    assert _text(story[1:]) == _text(renderer.exhibit(ex))
    ex = next(e for e in renderer.bundle.exhibits if e.source_zh)
    if ctx.lang.zh:
        assert ctx.source_text(ex) == f"{ex.source}\n{ex.source_zh}"
    else:
        assert ctx.source_text(ex) == ex.source
    assert bates("PS", 27) == "PS000027"


def test_front_pages_give_page_ranges_with_volumes_only_when_split(renderer: Renderer) -> None:
    pages = {"exhibit-1": (4, 5), "summary": (3, 3)}
    one = FrontPages(renderer.ctx, pages, [{"number": 1, "first": 1, "last": 40}])
    assert one._page_text("exhibit-1") == "4–5" and one._page_text("summary") == "3"
    assert one._page_text("missing") == "—"
    two = FrontPages(
        renderer.ctx,
        pages,
        [
            {"number": 1, "first": 1, "last": 4, "exhibits": "1"},
            {"number": 2, "first": 5, "last": 9, "exhibits": "2"},
        ],
    )
    assert two._page_text("exhibit-1").startswith("4–5 (vol. 1)")
    story = two.story(PageRecorder())
    text = _text(story)
    assert "PS000005 – PS000009" in text  # the volumes table on the cover
    rows, demonstratives = two._index_rows()
    assert [r[0] for r in rows if r[0]] == [
        str(e.number) for e in renderer.bundle.exhibits if not e.demonstrative
    ]
    assert len(demonstratives) == sum(e.demonstrative for e in renderer.bundle.exhibits)
    counts = dict(two._cover_rows())
    exhibits = counts[renderer.lang.t("Exhibits", "证据数量")]
    assert len(demonstratives) == 1 and "(and 1 demonstrative)" in exhibits  # singular


def test_exhibit_pages_list_the_file_its_metadata_and_its_picture(renderer: Renderer) -> None:
    pages = ExhibitPages(renderer.ctx)
    ex = next(e for e in renderer.bundle.exhibits if e.generations)
    view = next(v for v in ex.items if v.is_image)
    rows = dict(pages._file_rows(view))
    assert _text([rows["SHA-256"]]) == view.item.sha256
    assert ("SM3" in rows) == renderer.lang.zh
    provenance = [k for k, _ in pages._provenance_rows(view)]
    assert any("C2PA" in k for k in provenance) and any("AI" in k for k in provenance)
    images = pages.images(view)
    assert isinstance(images[0], EvidenceImage)
    assert images[0].img_width <= renderer.width and images[0].img_height <= renderer.height / 2
    whole = _text(pages.exhibit(ex))
    assert ex.generations[0].prompt in whole


def test_the_chart_page_is_marked_demonstrative_and_lists_its_elements(
    renderer: Renderer,
) -> None:
    ex = next(e for e in renderer.bundle.exhibits if e.chart is not None)
    text = _text(chart(renderer.ctx, ex))
    assert "DEMONSTRATIVE" in text and "Star-shaped chest emblem" in text
    assert renderer.chart(ex)[0].__class__ is Table  # the renderer's own name still works


def test_appendix_pages_describe_each_custody_entry_and_hash_every_file(
    renderer: Renderer,
) -> None:
    pages = AppendixPages(renderer.ctx)
    rows = pages._custody_rows()
    assert len(rows) == len(renderer.bundle.log)
    first = renderer.bundle.log[0]
    assert rows[0][0] == str(first.seq) and rows[0][-1] == f"{first.hash[:32]}\n{first.hash[32:]}"
    manifest = _text(pages.manifest())
    assert all(v.item.sha256 in manifest for v in renderer.bundle.item_views())


def test_values_print_scalars_plainly_and_nested_values_as_sorted_json(
    renderer: Renderer,
) -> None:
    assert value_text(None) == "—" and value_text(0.123456) == "0.1235"
    assert value_text({"b": 1, "a": [2]}) == '{"a": [2], "b": 1}'
    lang = renderer.lang
    assert c2pa_text({}, lang).startswith("none found")
    assert "signer: Acme" in c2pa_text(
        {"signer": "Acme", "actions": [{"action": "c2pa.created"}]}, lang
    )
    assert labels_text([], lang).startswith("none found")
    findings = provenance_findings_text(
        {"c2pa": {"verdict": "invalid", "verdict_reasons": ["hash mismatch"]}}
    )
    assert findings == "C2PA verdict: invalid\n- hash mismatch"


@pytest.mark.parametrize("lang", ["en", "zh", "en+zh"])
def test_a_chart_is_named_in_each_bundle_language_and_the_typed_title_is_quoted_in_chinese(
    tmp_path: Path, lang: str
) -> None:
    """Issue #16: a Chinese bundle is fully Chinese. The typed chart title is the operator's
    words: the zh heading names the chart from recorded facts and quotes the title beneath."""
    built = build_demo_case(tmp_path / "case.proofshot")
    case = built["case"]
    bundle = build_bundle(case, ExportOptions(lang=lang), register={})
    renderer = Renderer(bundle, case.objects.path_for, tmp_path / "work")
    ex = next(e for e in bundle.exhibits if e.chart is not None)
    text = _text(chart(renderer.ctx, ex))
    typed = ex.chart.title
    zh_name = f"比对图：证据{ex.chart.output_exhibit}与《{work_title_zh(ex.work)}》"
    assert typed and typed.isascii()
    if lang == "en":
        assert typed in text and "比对图" not in text
    elif lang == "zh":
        assert zh_name in text and f"操作者所题标题：“{typed}”" in text
        assert f"《{ex.work.title}》" not in text or ex.work.title == work_title_zh(ex.work)
    else:
        assert f"{typed} / {zh_name}" in text
    case.close()


def test_the_band_is_the_tools_classification_and_a_recorded_band_that_disagrees_is_stated() -> (
    None
):
    from app.compare import scoring
    from app.report.demonstratives import band_text
    from app.report.pdf_styles import Lang

    en = Lang("en").t
    zh = Lang("zh").t
    agreeing = band_text("high", scoring.HIGH_AT + 0.01, en)
    assert (
        agreeing.startswith("Proofshot's classification “high”") and "as recorded" not in agreeing
    )
    assert "reproduces" not in agreeing  # no opinion words on paper
    old = band_text("high", 0.83, en)
    assert "The band “high” is as recorded when the chart was saved" in old
    assert "the score 0.83 falls in “medium”" in old
    assert "得分0.83属于“中”" in band_text("high", 0.83, zh)
    assert "as recorded" not in band_text("high", None, en)  # no score recorded: nothing to compare


def test_custody_actions_and_actors_stay_inside_their_columns() -> None:
    """Every action name the code logs prints on one line inside the Action column (smaller
    when it must), and an actor's name too wide for its column wraps instead of running over."""
    import re

    from reportlab.platypus import Paragraph

    from app.report.fonts import SANS, register_fonts
    from app.report.pdf_appendix import CUSTODY_WIDTHS, _action_cell, _fits
    from app.report.pdf_styles import Styles

    register_fonts()
    styles = Styles()
    app_dir = Path(__file__).resolve().parents[2] / "app"
    actions = set()
    for source in app_dir.rglob("*.py"):
        actions |= set(re.findall(r'"([a-z]+\.[a-z]+(?:-[a-z]+)+)"', source.read_text("utf-8")))
    actions |= {"item.operator-prompt-added", "item.ocr-prompt-confirmed"}  # the longest two
    assert len(actions) > 15
    column = CUSTODY_WIDTHS[3]
    for action in actions:
        cell = _action_cell(action, styles)
        if isinstance(cell, str):
            assert _fits(cell, column), action
            continue
        assert isinstance(cell, Paragraph)
        cell.wrap(column - 4, 100)
        assert len(cell.blPara.lines) == 1, action
        assert cell.style.fontName == SANS and cell.style.fontSize >= 4.0
    assert not _fits("Alexandra Montgomery-Smith", CUSTODY_WIDTHS[2])


def test_custody_numbers_and_times_fit_their_columns() -> None:
    from app.report.fonts import register_fonts
    from app.report.pdf_appendix import CUSTODY_WIDTHS, _fits

    register_fonts()
    assert _fits("2026-12-07 22:52:27", CUSTODY_WIDTHS[1])
    assert _fits("100000", CUSTODY_WIDTHS[0]) and _fits("99999", CUSTODY_WIDTHS[4])


def _drawn(image: EvidenceImage, path: Path) -> str:
    """``image`` drawn alone on a page, and the page's text as pdftotext reads it."""
    import subprocess

    from reportlab.pdfgen.canvas import Canvas

    pdf = path.with_suffix(".pdf")
    canvas = Canvas(str(pdf), invariant=1)
    image.drawOn(canvas, 50, 300)
    canvas.showPage()
    canvas.save()
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_an_ocr_layer_lies_over_a_drawn_picture_and_a_damaged_one_does_not_stop_the_page(
    tmp_path: Path,
) -> None:
    from PIL import Image

    from app.core.ocr import OcrLine
    from app.report.flowables import clear_decoded
    from app.report.ocr_layer import TextLayer

    layer = TextLayer((OcrLine("Hello OCR words", (10, 10, 200, 20), 95.0),), "t", "1", 1, 1)
    good = tmp_path / "good.png"
    Image.new("RGB", (400, 300), "white").save(good)
    clear_decoded()
    assert "Hello OCR words" in _drawn(EvidenceImage(good, 200, 150, text_layer=layer), good)
    cropped = EvidenceImage(good, 200, 75, crop=(0, 0, 400, 150), text_layer=layer)
    assert "Hello OCR words" in _drawn(cropped, tmp_path / "cropped.png")
    below = EvidenceImage(good, 200, 75, crop=(0, 150, 400, 300), text_layer=layer)
    assert "Hello OCR words" not in _drawn(below, tmp_path / "below.png")
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not a picture" * 20)
    clear_decoded()
    text = _drawn(EvidenceImage(damaged, 200, 150, text_layer=layer), damaged)
    assert "could not be drawn" in text and "Hello OCR words" not in text
    clear_decoded()


def test_page_headers_read_the_chosen_zone_from_settings_once_per_bundle(
    renderer: Renderer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.report import page_template

    reads: list[int] = []

    def settings() -> dict[str, Any]:
        reads.append(1)
        return {"display_timezone": "Asia/Tokyo"}

    monkeypatch.setattr(page_template, "load_settings", settings)
    tokyo = Renderer(renderer.bundle, renderer.objects, tmp_path)
    assert len(reads) == 1
    captures = [ex.key for ex in renderer.bundle.exhibits if ex.capture is not None]
    assert captures
    sections = captures * 3
    spans = page_template.section_spans(sections)
    for page in range(1, len(sections) + 1):
        lines = page_template.page_lines(tokyo, sections, page, spans)
        assert any("+09:00 Asia/Tokyo" in line for line in lines.header), lines
    assert len(reads) == 1, "the settings were read again for a page"
    monkeypatch.setattr(page_template, "load_settings", lambda: {})
    plain = Renderer(renderer.bundle, renderer.objects, tmp_path)
    header = page_template.page_lines(plain, sections, 1, spans).header
    assert not any("Asia/Tokyo" in line for line in header), header


def test_a_picture_declaring_too_many_pixels_is_not_decoded_and_the_note_says_why(
    tmp_path: Path,
) -> None:
    """A decompression bomb in the case (12,000 × 12,000 px of one colour, a few KB on disk,
    below Pillow's own bomb limit) costs a header read: the page shows a note with its size in
    the bundle's language."""
    import resource

    from PIL import Image

    from app.report.flowables import MAX_DRAW_PIXELS, clear_decoded

    bomb = tmp_path / "bomb.png"
    Image.MAX_IMAGE_PIXELS = None  # only to write the bomb; restored below
    try:
        Image.new("1", (12_000, 12_000)).save(bomb, optimize=True)
    finally:
        Image.MAX_IMAGE_PIXELS = 89_478_485
    assert 2 * 89_478_485 > 12_000 * 12_000 > MAX_DRAW_PIXELS and bomb.stat().st_size < 5_000_000
    clear_decoded()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    zh = EvidenceImage(bomb, 200, 150, t=lambda en, zh: zh)
    text = _drawn(zh, tmp_path / "zh.png")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert "此图像无法绘制（12000×12000px）" in "".join(text.split())
    assert grown_mb < 200  # decoded as RGB it would be 432 MB
    clear_decoded()


def test_a_could_not_draw_note_wraps_inside_its_box_in_both_languages() -> None:
    from app.report.flowables import caption_lines
    from app.report.fonts import SANS, register_fonts, runs_width

    register_fonts()
    text = (
        "This image could not be drawn (12000 × 12000 px); see the native file. / "
        "此图像无法绘制（12000 × 12000 px），请查看原始文件。"
    )
    for width in (120.0, 188.0, 388.0):
        lines = caption_lines(text, width, SANS, 8)
        assert len(lines) > 1
        assert all(runs_width(line, SANS, 8) <= width for line in lines), lines
        assert "".join("".join(lines).split()) == "".join(text.split())
    assert caption_lines("short", 388.0, SANS, 8) == ["short"]
