"""Issue #16, labelled facts: read every page of the demo bundle as a reader would and find no
record key path (``images[0].naturalHeight``) and no identifier split by a line break."""

from __future__ import annotations

import functools
import itertools
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import attest
from app.core.tsa import TsaConfig
from app.report.facts_labels import fact_rows, label
from tests.report.builders import DEMO, add_capture, add_file, build_demo_case
from tests.report.conftest import export
from tests.report.test_pdf_wrap_and_slices import split_identifiers
from tests.tsa_server import TsaServer

NESTED_FACTS = {
    "server_ip": "203.0.113.9",
    "operator": "Alice Analyst",
    "tls": {
        "subject": "CN=lumagen.example",
        "issuer": "CN=Demo CA",
        "fingerprint_sha256": "cd" * 32,
    },
    "images": [
        {"src": "https://lumagen.example/media/1.png", "naturalWidth": 1024, "naturalHeight": 768},
        {"src": "https://lumagen.example/media/2.png", "naturalWidth": 512, "naturalHeight": 512},
    ],
    "page_submits": [{"form": "create", "fields": [{"name": "prompt", "aria": "Prompt box"}]}],
    "licence_chain": [{"instrument": "Licence agreement 2024-03", "from": "Starlume", "to": "X"}],
    "ai_label": {"implicit": {"Label": "1", "ContentProducer": "Lumagen"}, "explicit": None},
    "empty_note": "",
}
KEY_PATH = re.compile(r"\w\[\d+\]|\[\d+\]\.\w|\b\w+\.\w+\[\d+\]")
RAW_KEYS = ("naturalHeight", "naturalWidth", "page_submits", "licence_chain", "empty_note")


def _texts(pdf: Path) -> list[str]:
    """``pdftotext -raw`` of ``pdf``, one string a page: read once per file state (the
    module's bundles are read by several tests each, and never change)."""
    stat = pdf.stat()
    return list(_pdftotext_raw(str(pdf), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=16)
def _pdftotext_raw(pdf: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    out = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return tuple(out.stdout.split("\f"))


@pytest.fixture(
    scope="module",
    params=[
        ("en", "letter"),
        ("en", "a4"),
        ("zh", "a4"),
        ("zh", "letter"),
        ("en+zh", "letter"),
        ("en+zh", "a4"),
    ],
)
def bundle(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    module_tsa: TsaServer,
) -> Iterator[tuple[str, Path, list[str]]]:
    lang, paper = request.param
    root = tmp_path_factory.mktemp(f"facts-{lang}-{paper}")
    ids = build_demo_case(root / "case.proofshot")
    case = ids["case"]
    shot = add_file(
        case,
        DEMO / "screenshots/lumagen_create_page.png",
        "screenshot",
        "browser-screenshot",
        "https://lumagen.example/create?again=1",
    )
    add_capture(
        case,
        "https://lumagen.example/create?again=1",
        "Again",
        [(shot, "screenshot-full")],
        facts=NESTED_FACTS,
    )
    hashes = [r[0] for r in case.conn.execute("SELECT sha256 FROM items")]
    attest.add_trust_anchors(case, module_tsa.ca_pem)
    attest.attest_pending(case, [TsaConfig(module_tsa.url)])
    case.close()
    result = export(root / "case.proofshot", root / "out", module_tsa, lang=lang, paper=paper)
    pdfs = sorted((root / "out").rglob("*.pdf"))
    assert pdfs, result
    yield lang, pdfs[0], hashes


def test_no_key_path_or_raw_record_key_on_any_page(bundle: tuple[str, Path, list[str]]) -> None:
    lang, pdf, _ = bundle
    pages = _texts(pdf)
    assert len(pages) > 5
    for number, text in enumerate(pages, start=1):
        assert not KEY_PATH.search(text), (lang, number, KEY_PATH.search(text))
        for key in RAW_KEYS:
            assert key not in text, (lang, number, key)


def test_nested_facts_are_labelled_and_referenced_to_the_archive(
    bundle: tuple[str, Path, list[str]],
) -> None:
    lang, pdf, _ = bundle
    text = "".join(_texts(pdf))
    squashed = re.sub(r"\s+", "", text)
    if "en" in lang:
        assert "Imagesonthepage" in squashed
        assert "2entries,recordedinfullinbundle.json" in squashed
    if "zh" in lang:
        assert "页面中的图片" in squashed
        assert "共2项，完整内容见bundle.json" in squashed


def test_no_identifier_is_split_by_a_line_break(bundle: tuple[str, Path, list[str]]) -> None:
    lang, pdf, hashes = bundle
    text = "".join(_texts(pdf))
    lines = text.splitlines()
    joined = {a.rstrip()[-12:] + b.lstrip()[:12] for a, b in itertools.pairwise(lines)}
    for digest in hashes:
        for pair in joined:
            # a break inside a hash: the two line ends together hold 12+ hex of it
            if re.fullmatch(r"[0-9a-f]{12,}", pair) and pair in digest:
                pytest.fail(f"{lang}: SHA-256 {digest[:12]}… split across lines")
    words = {"naturalHeigh", "instru", "licence_cha"}
    for a in lines:
        assert a.rstrip() not in words
    # every page, the index and Chinese cells included: no Latin word, URL part or hash cut
    # where ReportLab's long-word split fell ("Proo" / "fshot", "htt" / "ps://…")
    assert split_identifiers(_texts(pdf)) == [], lang


def test_fact_rows_have_labels_in_each_language_and_no_empty_rows() -> None:
    en = fact_rows(NESTED_FACTS, lambda e, z: e, "bundle.json")
    zh = fact_rows(NESTED_FACTS, lambda e, z: z, "bundle.json")
    assert all("." not in k and "[" not in k for k, _ in en + zh)
    assert "Empty note" not in dict(en)
    assert dict(en)["Images on the page"] == "2 entries, recorded in full in bundle.json"
    assert dict(zh)["页面中的图片"] == "共2项，完整内容见bundle.json"
    assert label("naturalHeight", lambda e, z: e) == "Image height"
    assert json.dumps(dict(en)).count("{") == 1  # no raw JSON objects in values


def test_a_list_of_only_empty_values_gives_no_row() -> None:
    rows = fact_rows({"outputs": ["", None], "operator": "A"}, lambda e, z: e, "bundle.json")
    assert rows == [("Operator", "A")]
    # ... and inside a small record: no "None", no label with nothing after it
    rows = fact_rows(
        {"dns": {"host": "h.example", "answers": [None, "203.0.113.7"], "cnames": ["", None]}},
        lambda e, z: e,
        "bundle.json",
    )
    assert rows == [("DNS answers", "Answers: 203.0.113.7; Host: h.example")]


def _pages_with_images(pdf: Path) -> set[int]:
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return {int(line.split()[0]) for line in listing if line.split()}


def test_every_page_has_real_content(bundle: tuple[str, Path, list[str]]) -> None:
    """No page carries only a repeated table header, a table border or a sliver of a row:
    each has an image or a line of body text not already on the page before."""
    lang, pdf, _ = bundle
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = out.split("\f")[:-1]
    images = _pages_with_images(pdf)
    previous: set[str] = set()
    for number, text in enumerate(pages, start=1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        # the stamp: label (first line), page x of y, case title and Bates (last lines)
        body = [line for line in lines[1:-2] if "page " not in line and "页，共" not in line]
        fresh = [
            line
            for line in body
            if line not in previous and len(line.replace(" ", "")) >= 25 and "URL" not in line
        ]
        assert number in images or fresh, (lang, number, body)
        previous = set(body)


def test_chinese_bundle_is_chinese_and_english_bundle_english(
    bundle: tuple[str, Path, list[str]],
) -> None:
    lang, pdf, _ = bundle
    text = "".join(_texts(pdf))
    if lang == "zh":
        assert "权利作品：《星光侠·英雄站姿（角色设计正面图）》" in re.sub(r"\s+", "", text)
        assert "Starlume — Hero Stance" not in text.replace("\n", " ").split("作品名称")[0]
        for english in ("Exhibit ", "Original work:", "Work type", "Images on the page"):
            assert english not in text, english
    if lang == "en":
        for chinese in ("证据", "作品名称", "记录项"):
            assert chinese not in text, chinese


def test_custody_appendix_names_its_columns_and_says_what_changed(
    bundle: tuple[str, Path, list[str]],
) -> None:
    lang, pdf, _ = bundle
    squashed = re.sub(r"\s+", "", "".join(_texts(pdf)))
    if "en" in lang:
        assert "Entryhash(SHA-256)" in squashed and "Whatchanged" in squashed
        assert "tag“starlume”addedtoitem" in squashed
        assert "settingtitleset" in squashed
    if lang == "zh":
        assert "本条记录哈希值（SHA-256）" in squashed and "变更内容" in squashed
        assert "添加标签“starlume”" in squashed


def test_chart_purposes_name_the_work_whole(bundle: tuple[str, Path, list[str]]) -> None:
    """Issue #16: chart titles and purposes wrap; the work's title is never cut with "…"."""
    lang, pdf, _ = bundle
    squashed = re.sub(r"\s+", "", "".join(_texts(pdf)))
    if "en" in lang:
        assert "shareswith“Starlume—HeroStance(characterdesign,frontview)”" in squashed
    if "zh" in lang:
        assert "演示生成图片与权利作品《星光侠·英雄站姿（角色设计正面图）》" in squashed
    assert "frontv…" not in squashed


def test_a_small_record_holding_records_is_summarised_not_printed_raw() -> None:
    rows = fact_rows({"tls": {"chain": [{"naturalHeight": 3}]}}, lambda e, z: e, "bundle.json")
    assert rows == [("TLS certificate", "1 field, recorded in full in bundle.json")]
    nested = {"a": [{"x": 1}], "b": [{"y": 2}]}
    rows = fact_rows({"tls": nested}, lambda e, z: e, "bundle.json")
    assert rows == [("TLS certificate", "2 fields, recorded in full in bundle.json")]
