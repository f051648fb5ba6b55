"""Issue #16 on a real capture: a headless capture of the demo site records where the prompt
field, its submit button and the output images were (document CSS px), and the exported
bundle opens the page-capture exhibit with a legible crop of that region."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.core.case import Case
from app.demo.site import DemoSite
from tests.report.conftest import export
from tests.report.test_capture_to_bundle import capture_demo

pytestmark = pytest.mark.qt


def _captures(case_path: Path) -> dict[str, dict[str, Any]]:
    with Case.open(case_path, read_only=True) as case:
        rows = case.conn.execute("SELECT kind, facts FROM captures").fetchall()
        gens = [json.loads(f) for (f,) in case.conn.execute("SELECT facts FROM generations")]
    return {**{kind: json.loads(facts) for kind, facts in rows}, "generation": gens[0]}


def _inside(box: dict[str, int], region: tuple[int, ...], scale: float) -> bool:
    x0, y0, x1, y1 = region
    return (
        box["x"] * scale >= x0
        and box["y"] * scale >= y0
        and (box["x"] + box["width"]) * scale <= x1 + 1
        and (box["y"] + box["height"]) * scale <= y1 + 1
    )


def test_capture_records_boxes_and_the_bundle_opens_with_a_legible_crop(
    demo_site: DemoSite, case_path: Path, tmp_path: Path
) -> None:
    result = capture_demo(case_path, demo_site.url, "生成星光侠, 长发")
    assert result["ok"]
    (click,) = [s for s in result["steps"] if s["step"] == "click"]
    facts = _captures(case_path)
    page, session, gen = facts["page"], facts["session"], facts["generation"]

    layout = page["document_layout"]
    assert layout["width"] >= 800 and layout["height"] >= 600 and layout["device_pixel_ratio"] > 0
    outputs = [i for i in page["images"] if "/images/job_" in i["url"]]
    assert len(outputs) == 2
    for image in page["images"]:
        box = image["box"]
        assert (box["width"], box["height"]) == (image["shownWidth"], image["shownHeight"])
        assert box["x"] >= 0 and box["x"] + box["width"] <= layout["width"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= layout["height"]

    (submit,) = [s for s in session["page_submits"] if s["kind"] == "click"]
    (prompt,) = [f for f in submit["fields"] if f["id"] == "prompt"]
    assert submit["target_box"] == click["box"]  # the page's report and the script agree
    assert gen["as_typed"]["fields"][0]["box"] == prompt["box"]
    assert gen["as_typed"]["trigger_box"] == click["box"]
    # the demo page's order, top to bottom: prompt field, Generate button, outputs
    assert prompt["box"]["y"] + prompt["box"]["height"] <= click["box"]["y"]
    assert click["box"]["y"] + click["box"]["height"] <= min(o["box"]["y"] for o in outputs)

    for lang, paper in (("en", "letter"), ("zh", "a4"), ("en+zh", "letter")):
        pdf = export(
            case_path, tmp_path / f"out-{lang}", None, lang=lang, paper=paper, profile="filing"
        ).filing[0]
        pages = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")
        marker = "像素范围x" if lang == "zh" else "Crop of the full-page screenshot"
        (number,) = [n for n, p in enumerate(pages, start=1) if marker in p]
        first = " ".join(pages[number - 1].split())
        # the crop opens the page-capture exhibit: its heading is on the same page
        assert ("网页取证" if lang == "zh" else "Web capture:") in first
        assert re.search(r"(Exhibit \d+, page 1 of|证据\d+第1页)", first), first[-200:]
        found = re.search(r"x (\d+)–(\d+)[,、] ?y (\d+)–(\d+)", first)
        assert found, first
        region = tuple(int(v) for v in found.groups())
        x0, x1, y0, y1 = region
        for box in [prompt["box"], click["box"], *(o["box"] for o in outputs)]:
            assert _inside(box, (x0, y0, x1, y1), 1.0), (box, region)
        if lang != "zh":
            assert (
                "holding the prompt field, the button that submitted it and 2 output images"
                in first
            )
        if lang != "en":
            # Chinese lines may break between any two characters: compare without spaces
            assert "包含提示词输入框、提交按钮、2张生成图片" in "".join(first.split())
        listing = subprocess.run(
            ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        on_page = [line.split() for line in listing if int(line.split()[0]) == number]
        crops = [c for c in on_page if (int(c[3]), int(c[4])) == (x1 - x0 + 1, y1 - y0 + 1)]
        assert crops, (number, on_page, region)
        ppi = float(crops[0][12])
        # 16 CSS px (1 screenshot px each at this DPR) print at >= 7 pt
        assert 16 * 72 / ppi >= 7.0, ppi
