"""Searchable filing: screenshot exhibits carry an invisible OCR text layer; the image is unchanged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.pdfgen import canvas as rl_canvas

from app.core import ocr
from app.core.case import Case
from app.core.verify import verify_case
from app.demo.case_builder import build_demo_case
from app.report.export import ExportJob
from app.report.fonts import register_fonts
from app.report.model import ExportOptions
from app.report.ocr_layer import TextLayer
from app.report.pdf import EvidenceImage
from tests.core.ocr_shots import SHOTS, render


def _pdftotext(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def _squash(text: str) -> str:
    return "".join(text.split())


def test_demo_filing_has_a_searchable_layer_on_each_screenshot(tmp_path: Path) -> None:
    build_demo_case(tmp_path / "demo.proofshot").close()
    before = ExportJob(
        tmp_path / "demo.proofshot", ExportOptions(out=tmp_path / "before", profile="filing")
    ).run()
    with Case.open(tmp_path / "demo.proofshot") as case:
        shots = [
            int(r[0]) for r in case.conn.execute("SELECT id FROM items WHERE kind = 'screenshot'")
        ]
        assert len(shots) >= 2
        hashes = dict(case.conn.execute("SELECT id, sha256 FROM items").fetchall())
        ocr.OcrJob(case, shots).run()
        records = ocr.latest(case, shots)
    result = ExportJob(
        tmp_path / "demo.proofshot", ExportOptions(out=tmp_path / "after", profile="filing")
    ).run()
    assert result.intact
    [pdf] = result.filing
    text = _squash(_pdftotext(pdf))
    old_text = _squash(_pdftotext(before.filing[0]))
    for item_id in shots:
        lines = sorted((ln.text for ln in records[item_id].lines), key=len, reverse=True)[:5]
        assert lines
        for line in lines:
            assert _squash(line) in text, line
        # The screenshot-only words are new: before OCR the filing did not hold them.
        assert any(_squash(line) not in old_text for line in lines)
    assert text.count("machine-recognisedtext(OCR") == len(shots)
    qpdf = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert qpdf.returncode == 0, qpdf.stdout + qpdf.stderr
    with Case.open(tmp_path / "demo.proofshot", read_only=True) as case:
        assert verify_case(case).intact
        assert dict(case.conn.execute("SELECT id, sha256 FROM items").fetchall()) == hashes


def _one_page(path: Path, image: Path, layer: TextLayer | None, crop=None) -> None:
    register_fonts()
    canv = rl_canvas.Canvas(str(path), pagesize=(700, 420), invariant=True)
    flow = EvidenceImage(image, 640, 360, crop=crop, text_layer=layer)
    flow.drawOn(canv, 30, 30)
    canv.showPage()
    canv.save()


def _pixels(pdf: Path) -> np.ndarray:
    prefix = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-singlefile", str(pdf), str(prefix)], check=True
    )
    return np.asarray(Image.open(f"{prefix}.png").convert("RGB"))


def test_text_layer_is_invisible_and_at_the_recognised_place(tmp_path: Path) -> None:
    shot = SHOTS[2]  # English: "Prompt: an astronaut riding a red horse on Mars"
    image = tmp_path / "shot.png"
    render(shot).save(image)
    recognition = ocr.recognise(image)
    layer = TextLayer(tuple(recognition.lines), "tesseract", "5", 1, 1)
    _one_page(tmp_path / "plain.pdf", image, None)
    _one_page(tmp_path / "layer.pdf", image, layer)
    assert np.array_equal(_pixels(tmp_path / "plain.pdf"), _pixels(tmp_path / "layer.pdf"))
    assert "astronaut" not in _pdftotext(tmp_path / "plain.pdf")
    assert "an astronaut riding a red horse on Mars" in _pdftotext(tmp_path / "layer.pdf")
    # The words sit where the image shows them: pdftotext's box for "astronaut" lies over
    # the recognised line's box scaled to the drawn image (1920 px -> 640 pt, offset 30).
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(tmp_path / "layer.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(ln for ln in recognition.lines if "astronaut" in ln.text)
    word = next(w for w in bbox.splitlines() if ">astronaut<" in w)
    x_min = float(word.split('xMin="')[1].split('"')[0])
    y_min = float(word.split('yMin="')[1].split('"')[0])
    scale = 640 / 1920
    assert 30 + line.box[0] * scale - 2 <= x_min <= 30 + (line.box[0] + line.box[2]) * scale
    top = 420 - 30 - 360 + line.box[1] * scale  # the page's y grows downwards in pdftotext
    assert top - 6 <= y_min <= top + line.box[3] * scale
    # A tall image's slice carries only its own lines.
    _one_page(tmp_path / "slice.pdf", image, layer, crop=(0, 0, 1920, 150))
    sliced = _pdftotext(tmp_path / "slice.pdf")
    assert "ChatGPT" in sliced and "astronaut" not in sliced
