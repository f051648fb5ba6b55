"""The first-page crop (issue #16): a synthetic screenshot with coloured boxes at known places,
so the region the crop must hold is known; and a real export of a page capture that recorded
no element positions, whose exhibit states why it shows no crop."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from app.capture import store
from app.core.case import Case
from app.report import crop
from tests.report.conftest import export

RED, GREEN, BLUE = (220, 0, 0), (0, 160, 0), (0, 0, 220)


def _shot(path: Path, size: tuple[int, int], boxes: list[tuple[tuple[int, ...], tuple]]) -> Path:
    """A white screenshot with filled rectangles (left, top, right, bottom) in colours."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for rect, colour in boxes:
        draw.rectangle(rect, fill=colour)
    image.save(path)
    return path


def _facts(scale: float = 1.0) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, int]]:
    """Page-capture facts for a 1000 CSS px wide page with two output images and a decoy, the
    submit report's prompt field, and the submit button's box (CSS px)."""
    capture_facts = {
        "document_layout": {"width": 1000, "height": 2000, "device_pixel_ratio": scale},
        "page_size": [1000, 2000],
        "images": [
            {
                "url": "https://gen.test/out/0.png",
                "box": {"x": 100, "y": 400, "width": 200, "height": 200},
            },
            {
                "url": "https://gen.test/out/1.png",
                "box": {"x": 350, "y": 400, "width": 200, "height": 200},
            },
            {
                "url": "https://gen.test/trending.png",
                "box": {"x": 100, "y": 1500, "width": 300, "height": 300},
            },
            {"url": "https://gen.test/hidden.png"},  # not laid out: no box
        ],
    }
    fields = [
        {"tag": "input", "id": "seed", "value": "7", "box": {"x": 700, "y": 100, "width": 80, "height": 30}},
        {"tag": "textarea", "id": "prompt", "value": "a cat", "box": {"x": 100, "y": 100, "width": 500, "height": 80}},
    ]  # fmt: skip
    return capture_facts, fields, {"x": 100, "y": 250, "width": 120, "height": 40}


OUTPUTS = ["https://gen.test/out/0.png", "https://gen.test/out/1.png"]


def test_the_crop_holds_the_prompt_field_the_button_and_the_outputs_and_nothing_else(
    tmp_path: Path,
) -> None:
    capture_facts, fields, button = _facts()
    path = _shot(
        tmp_path / "shot.png",
        (1000, 2000),
        [
            ((100, 100, 599, 179), RED),  # prompt field
            ((100, 250, 219, 289), GREEN),  # button
            ((100, 400, 299, 599), BLUE),  # output 0
            ((350, 400, 549, 599), BLUE),  # output 1
            ((100, 1500, 399, 1799), (0, 0, 0)),  # the decoy (not an output)
        ],
    )
    inputs = crop.inputs_from_facts(
        capture_facts, prompt_fields=fields, trigger_box=button, output_urls=OUTPUTS
    )
    assert [b.what for b in inputs.boxes] == ["prompt", "submit", "output", "output"]
    got, reason = crop.crop_screenshot(path, "ab" * 32, inputs)
    assert reason is None and got is not None and got.image is not None
    pad = crop.PAD_CSS
    assert got.plan.region == (100 - pad, 100 - pad, 600 + pad, 600 + pad)
    assert got.plan.held == ("prompt", "submit", "output", "output")
    assert got.image.size == (500 + 2 * pad, 500 + 2 * pad)
    colours = {c for _, c in got.image.getcolors(1 << 20)}
    assert {RED, GREEN, BLUE} <= colours and (0, 0, 0) not in colours
    # each box lies wholly inside: its corners, moved into the crop, keep their colour
    assert got.image.getpixel((pad, pad)) == RED
    assert got.image.getpixel((pad + 499, pad + 79)) == RED
    assert got.image.getpixel((pad + 449, pad + 499)) == BLUE
    caption = got.caption(lambda en, zh: f"{en} / {zh}", "3.4")
    assert (
        f"pixels x {100 - pad}–{600 + pad - 1}, y {100 - pad}–{600 + pad - 1} of 1000 × 2000"
        in caption
    )
    assert "the prompt field, the button that submitted it and 2 output images" in caption
    assert "提示词输入框、提交按钮、2张生成图片" in caption


def test_sizes_in_the_facts_are_checked_against_the_real_image(tmp_path: Path) -> None:
    """The facts say 1000 CSS px; the screenshot is 2000 px wide (a 2x display): the region is
    scaled to the real pixels, and clamped to the image's edges."""
    capture_facts, fields, _ = _facts(2.0)
    fields[1]["box"] = {"x": 0, "y": 0, "width": 500, "height": 80}  # at the very top-left
    path = _shot(
        tmp_path / "shot2x.png",
        (2000, 1400),  # clipped: shorter than the document
        [((0, 0, 999, 159), RED), ((200, 800, 599, 1199), BLUE), ((700, 800, 1099, 1199), BLUE)],
    )
    inputs = crop.inputs_from_facts(capture_facts, prompt_fields=fields, output_urls=OUTPUTS)
    got, reason = crop.crop_screenshot(path, "cd" * 32, inputs)
    assert reason is None and got is not None and got.image is not None
    assert got.plan.px_per_css == 2.0
    assert got.plan.region == (0, 0, (550 + crop.PAD_CSS) * 2, (600 + crop.PAD_CSS) * 2)
    assert got.image.getpixel((0, 0)) == RED and got.image.getpixel((1099, 1199)) == BLUE
    # a box below the screenshot's clipped bottom is left out of the region
    capture_facts["images"][0]["box"] = {"x": 100, "y": 5000, "width": 200, "height": 200}
    inputs = crop.inputs_from_facts(capture_facts, prompt_fields=fields, output_urls=OUTPUTS)
    got, _ = crop.crop_screenshot(path, "cd" * 32, inputs, cut=False)
    assert got is not None and got.image is None and got.plan.held == ("prompt", "output")


def test_a_region_larger_than_a_page_is_cut_and_says_so(tmp_path: Path) -> None:
    capture_facts, fields, _ = _facts()
    capture_facts["images"][1]["box"] = {"x": 100, "y": 1600, "width": 200, "height": 200}
    path = _shot(tmp_path / "tall.png", (1000, 2000), [])
    inputs = crop.inputs_from_facts(capture_facts, prompt_fields=fields, output_urls=OUTPUTS)
    got, _ = crop.crop_screenshot(path, "ef" * 32, inputs, max_css=(900, 700), cut=False)
    assert got is not None and got.plan.trimmed
    left, top, right, bottom = got.plan.region
    assert (right - left, bottom - top) == (500 + 2 * crop.PAD_CSS, 700)
    assert got.plan.held == ("prompt", "output")  # the second output is beyond the cut
    assert "cut to what one page holds" in got.caption(lambda en, zh: en)


def test_no_boxes_no_targets_outside_and_unreadable_each_state_a_reason(tmp_path: Path) -> None:
    path = _shot(tmp_path / "plain.png", (800, 600), [])
    bare = crop.inputs_from_facts({"page_size": [800, 600], "images": [{"url": "x"}]})
    assert crop.crop_screenshot(path, "", bare) == (None, crop.NO_POSITIONS)
    assert crop.NO_POSITIONS[0] == "This capture recorded no element positions; no crop is shown."
    capture_facts, _, _ = _facts()
    no_target = crop.inputs_from_facts(capture_facts, output_urls=["https://other.test/x.png"])
    assert crop.crop_screenshot(path, "", no_target) == (None, crop.NO_TARGETS)
    far = crop.inputs_from_facts(
        {"page_size": [800, 600]},
        prompt_fields=[{"tag": "textarea", "box": {"x": 10, "y": 900, "width": 50, "height": 50}}],
    )
    assert crop.crop_screenshot(path, "", far) == (None, crop.OUTSIDE)
    hostile = crop.inputs_from_facts(
        {"page_size": [800, 600]},
        prompt_fields=[
            {"tag": "textarea", "box": {"x": "nan", "y": 0, "width": 5, "height": 5}},
            {"tag": "textarea", "box": {"x": 0, "y": 0, "width": -5, "height": 5}},
        ],
    )
    assert hostile.boxes == () and crop.crop_screenshot(path, "", hostile)[1] == crop.NO_TARGETS
    (tmp_path / "junk.png").write_bytes(b"not a png")
    assert crop.crop_screenshot(tmp_path / "junk.png", "", far) == (None, crop.UNREADABLE)


def test_a_screenshot_over_60_megapixels_is_refused_before_decoding(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    Image.new("1", (8000, 7600)).save(big)  # 60.8 MP, a small file
    capture_facts, fields, _ = _facts()
    capture_facts["document_layout"]["width"] = 8000
    inputs = crop.inputs_from_facts(capture_facts, prompt_fields=fields)
    t0 = time.monotonic()
    assert crop.crop_screenshot(big, "", inputs) == (None, crop.UNREADABLE)
    assert time.monotonic() - t0 < 1.0


def test_held_words_in_both_languages() -> None:
    assert crop.held_words(["prompt", "output"]) == (
        "the prompt field and one output image",
        "提示词输入框、1张生成图片",
    )
    assert crop.held_words([]) == ("no recorded element", "无记录的元素")


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (240, 240, 240)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_capture_that_recorded_no_positions_states_the_reason_on_its_exhibit(
    tmp_path: Path, lang: str
) -> None:
    """A page capture stored the way captures were before boxes were recorded: the export
    shows no crop and the exhibit's first page says why."""
    case_path = tmp_path / "Old.proofshot"
    Case.create(case_path, title="Older capture", operator="Ada Analyst").close()
    url = "http://127.0.0.1:9/"
    facts = {"page_url": url, "title": "Old page", "page_size": [1200, 900], "images": []}
    with Case.open(case_path) as case:
        store.store_capture(
            case,
            kind="page",
            requested_url=url,
            final_url=url,
            title="Old page",
            started_at=time.time() - 5,
            ended_at=time.time(),
            facts=facts,
            parts=[
                store.Part(
                    "screenshot-full",
                    _png((1200, 900)),
                    "screenshot",
                    url,
                    {**facts, "captured_size": [1200, 900]},
                )
            ],
        )
    result = export(case_path, tmp_path / "out", None, lang=lang, profile="filing")
    pages = subprocess.run(
        ["pdftotext", "-layout", str(result.filing[0]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\f")
    reason = crop.NO_POSITIONS[0] if lang == "en" else crop.NO_POSITIONS[1]
    heading = "Web capture" if lang == "en" else "网页取证"
    (first,) = [p for p in pages if heading in p and "—" in p and reason[:20] in p]
    assert " ".join(reason.split()) in " ".join(first.split()).replace("。 ", "。")
    assert "Crop of the full-page screenshot" not in "".join(pages)
