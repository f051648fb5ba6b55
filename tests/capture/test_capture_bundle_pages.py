"""Issue #16 on a real capture: a headless capture of the demo site, exported in en, zh and
en+zh (letter and A4); no page shows a record key path, a raw record key or a bare sliver."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from app.demo.site import DemoSite
from tests.report.conftest import export
from tests.report.test_capture_to_bundle import capture_demo

pytestmark = pytest.mark.qt

KEY_PATH = re.compile(r"\w\[\d+\]|\[\d+\]\.\w|\b\w+\.\w+\[\d+\]")


def test_captured_site_bundle_pages_are_labelled_and_have_content(
    demo_site: DemoSite, case_path: Path, tmp_path: Path
) -> None:
    assert capture_demo(case_path, demo_site.url, "生成星光侠, 长发")["ok"]
    for lang, paper in (
        ("en", "letter"),
        ("en", "a4"),
        ("zh", "a4"),
        ("zh", "letter"),
        ("en+zh", "letter"),
        ("en+zh", "a4"),
    ):
        out = tmp_path / f"out-{lang}-{paper}"
        result = export(case_path, out, None, lang=lang, paper=paper, profile="filing")
        pdf = result.filing[0]
        text = subprocess.run(
            ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        pages = text.split("\f")[:-1]
        assert len(pages) > 5
        for number, page in enumerate(pages, start=1):
            assert not KEY_PATH.search(page), (lang, number, KEY_PATH.search(page))
            for raw in ("naturalHeight", "naturalWidth", "page_submits"):
                assert raw not in page, (lang, number, raw)
        if lang == "en":
            assert "Captured URL: " + demo_site.url in text
            # a fact the capture table already prints (final URL, page title) is said once
            assert "\nPage url " not in text and "\nTitle Lumagen" not in text
        elif lang == "en+zh":
            assert "Captured URL / 取证网址：" + demo_site.url in text
        layout = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")[:-1]
        listing = subprocess.run(
            ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        images = {int(line.split()[0]) for line in listing if line.split()}
        previous: set[str] = set()
        for number, page in enumerate(layout, start=1):
            lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
            body = [x for x in lines[1:-2] if "page " not in x and "页，共" not in x]
            fresh = [
                x
                for x in body
                if x not in previous and len(x.replace(" ", "")) >= 25 and "URL" not in x
            ]
            assert number in images or fresh, (lang, number, body)
            previous = set(body)
