"""The platform notice is a separate unstamped DRAFT that names only outputs shown to match."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import items as items_mod
from app.core.case import Case
from app.report.model import ExportOptions, build_bundle
from app.report.notice import notice_en, notice_zh, select_outputs
from tests.report.builders import build_demo_case
from tests.report.conftest import Exported, export, make_case, pdftotext


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    root = tmp_path_factory.mktemp("notice")
    ids = make_case(root / "case.proofshot", None)
    result = export(root / "case.proofshot", root / "out", None, lang="en+zh", profile="both")
    yield Exported(root / "case.proofshot", root / "out", result, ids, "")


def test_the_notice_is_a_separate_draft_and_not_in_the_bates_numbered_filing(
    exported: Exported,
) -> None:
    filing = pdftotext(exported.pdf)
    assert "NOTICE OF INFRINGING" not in filing and "侵权通知书" not in filing
    draft = exported.out / "notice" / "DRAFT-platform-notice.pdf"
    text = pdftotext(draft)
    assert "DRAFT — NOTICE OF INFRINGING AI-GENERATED CONTENT" in text
    assert "侵权通知书（草稿）" in text
    assert not re.search(r"PS\d{6}", text), "the draft notice must carry no Bates number"
    assert "DRAFT — not evidence, not part of the filing" in text


def test_the_notice_has_the_statutory_elements_and_one_date_in_both_languages(
    exported: Exported,
) -> None:
    folder = exported.out / "notice"
    en = (folder / "DRAFT-platform-notice-en.txt").read_text("utf-8")
    zh = (folder / "DRAFT-platform-notice-zh.txt").read_text("utf-8")
    for element in (
        "(i) Signature",
        "(ii) The copyrighted work",
        "(iii) The material and where to find it",
        "(iv) Contact details",
        "good faith belief",
        "under penalty of perjury, I am authorized",
        "Articles 14 and 15 of the PRC Interim Measures",
        "Selection rule:",
    ):
        assert element in en, element
    for element in (
        "初步证据",
        "真实身份信息",
        "第一千一百九十五条",
        "第十四条、第十五条",
        "选取规则",
    ):
        assert element in zh, element
    dates_en = set(re.findall(r"Date: (\d{4}-\d{2}-\d{2})", en))
    dates_zh = set(re.findall(r"日期[：:]\s*(\d{4}-\d{2}-\d{2})", zh))
    assert len(dates_en) == 1 and dates_en == dates_zh


def test_the_notice_claims_no_timestamp_without_one_and_names_no_local_path(
    exported: Exported,
) -> None:
    en = (exported.out / "notice" / "DRAFT-platform-notice-en.txt").read_text("utf-8")
    assert "no trusted timestamp was obtained" in en
    assert "trusted timestamps" not in en
    assert "/evidence/" not in en  # files are named by platform URL, job id and hash
    assert "https://lumagen.example/media/1.png; job id job-0042" in en


def test_only_flagged_charted_or_high_ranked_outputs_are_named(tmp_path: Path) -> None:
    ids = build_demo_case(tmp_path / "c.proofshot")
    case: Case = ids["case"]
    bundle = build_bundle(case, ExportOptions(lang="en+zh"))
    chosen = {o.item_id: o for o in select_outputs(bundle)}
    assert set(chosen) == {ids["out1"]}  # charted, positive band; no ranking given
    assert "comparison chart" in chosen[ids["out1"]].reasons_en[0]
    ranking = {ids["labelled"]: [{"work_id": ids["works"][1], "title": "W", "band": "high"}]}
    ranking[ids["out2"]] = [{"work_id": ids["works"][0], "title": "W", "band": "low"}]
    chosen = {o.item_id for o in select_outputs(bundle, ranking)}
    assert chosen == {ids["out1"], ids["labelled"]}  # low band stays out
    items_mod.add_tag(case, [ids["out2"]], "flagged")
    bundle = build_bundle(case, ExportOptions(lang="en+zh"))
    chosen = {o.item_id for o in select_outputs(bundle)}
    assert chosen == {ids["out1"], ids["out2"]}
    text = " ".join(b.text for b in notice_en(bundle, select_outputs(bundle)))
    assert "flagged by the user" in text
    assert "一千一百九十五" in " ".join(b.text for b in notice_zh(bundle, []))
    case.close()


def test_the_draft_pdf_passes_qpdf(exported: Exported) -> None:
    draft = exported.out / "notice" / "DRAFT-platform-notice.pdf"
    result = subprocess.run(["qpdf", "--check", str(draft)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
