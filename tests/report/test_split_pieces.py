"""The pieces the long report functions were split into (issue 17), each on its own.

The whole outputs are covered elsewhere (statements, notice, archive and filing tests); here
each piece is called directly and shown to hold its own rule: the declaration is exactly its
paragraph groups in order, VERIFY.txt numbers its steps by whether a signed PDF is there, the
methods appendix is written from a fixed set of study facts, and so on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.report import archive, declarations, notice
from app.report.declarations import Block
from app.report.model import Bundle, ExportOptions, TokenInfo, _sites, build_bundle
from app.report.study_section import _MethodsFacts, methods_blocks
from tests.report.builders import build_demo_case


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    ids = build_demo_case(tmp_path_factory.mktemp("pieces") / "demo.proofshot")
    case = ids["case"]
    try:
        yield build_bundle(case, ExportOptions(lang="en+zh"))
    finally:
        case.close()


# -- declarations ------------------------------------------------------------------------------


def test_the_english_declaration_is_its_paragraph_groups_in_order(bundle: Bundle) -> None:
    blocks = declarations.declaration_en(bundle)
    opening = declarations._opening_en(bundle)
    assert blocks[: len(opening)] == opening
    numbered = [b.text for b in blocks if b.kind == "numbered"]
    groups = [
        *declarations._acquisition_paras_en(bundle),
        declarations._verification_para_en(bundle),
        declarations._custody_para_en(bundle),
    ]
    assert len(groups) == 6
    assert numbered[:6] == [f"{n}. {text}" for n, text in enumerate(groups, start=1)]
    assert numbered[-1].startswith(f"{len(numbered)}. A capture made on the operator's own")
    assert blocks[-1].kind == "signature"


def test_the_verification_paragraph_certifies_an_exact_copy_only_when_intact(
    bundle: Bundle,
) -> None:
    def para(verification: dict[str, Any]) -> str:
        return declarations._verification_para_en(
            dataclasses.replace(bundle, verification=verification)
        )

    assert "were not re-verified" in para({})
    intact = para({"intact": True, "events": 12, "objects_checked": 7})
    assert "identify each exhibit's native file as an exact copy" in intact
    assert "12 custody-log entries" in intact
    broken = para({"intact": False, "problems": []})
    assert "cannot be certified" in broken
    assert "exact copy of the data acquired" not in broken


def test_the_chinese_declaration_lists_all_seven_factors_and_one_step_per_exhibit(
    bundle: Bundle,
) -> None:
    factors = declarations._factors_zh(bundle)
    assert len(factors) == 7
    assert factors[0][0] == "计算机系统的硬件、软件环境是否完整、可靠"
    steps = declarations._steps_zh(bundle)
    shown = [ex for ex in bundle.exhibits if ex.kind != "chart"]
    assert len(steps) == 1 + len(shown)
    assert steps[0].startswith("取证自")
    text = blocks_text(declarations.declaration_zh(bundle))
    for i, (title, _) in enumerate(factors):
        assert f"（{declarations.ZH_NUMERALS[i]}）{title}" in text


def test_site_lines_name_every_connection_or_its_absence(bundle: Bundle) -> None:
    lines = declarations._site_lines_zh(bundle)
    connections = sum(len(site.connections[:6]) for site in bundle.declaration.sites)
    assert sum("同一连接上记录" in line for line in lines) == connections
    for site in bundle.declaration.sites:
        assert any(site.host in line and "网站账号" in line for line in lines)


def blocks_text(blocks: list[Block]) -> str:
    return declarations.blocks_to_text(blocks)


# -- model: sites ------------------------------------------------------------------------------


def test_sites_are_one_per_host_and_a_capture_seen_twice_adds_nothing(bundle: Bundle) -> None:
    captured = [ex for ex in bundle.exhibits if ex.capture is not None]
    assert captured, "the demo case has web captures"
    once = _sites(captured)
    assert [s.host for s in once] == sorted({s.host for s in once})
    assert _sites(captured + captured) == once
    assert once == bundle.declaration.sites


# -- notice ------------------------------------------------------------------------------------


def test_notice_parts_say_what_is_missing_when_there_is_nothing_to_list() -> None:
    works = notice._works_en([])
    assert [b.kind for b in works] == ["heading", "para"]
    assert works[1].text.endswith("[the work, its owner and registration]")
    material = notice._material_en([])
    assert material[0].text == "(iii) The material and where to find it"
    assert material[1].text.startswith("No output meets the selection rule")


def test_the_english_notice_is_its_parts_in_order(bundle: Bundle) -> None:
    outputs = notice.select_outputs(bundle)
    blocks = notice.notice_en(bundle, outputs)
    opening = notice._opening_en(bundle, outputs, "")
    works = notice._works(bundle, outputs)
    assert blocks[: len(opening)] == opening
    rest = blocks[len(opening) :]
    assert rest[: len(notice._works_en(works))] == notice._works_en(works)
    closing = notice._closing_en(bundle, works)
    assert blocks[-len(closing) :] == closing
    assert closing[0].text == "(iv) Contact details of the complaining party"


# -- archive -----------------------------------------------------------------------------------


def _numbered_steps(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:2] in {f"{n}." for n in range(1, 8)}]


def test_verify_text_numbers_the_signed_pdf_step_only_when_there_is_one(bundle: Bundle) -> None:
    plain = archive.verify_text(bundle, None, ["filing/a.pdf"])
    signed = archive.verify_text(bundle, "signed/a-signed.pdf", ["filing/a.pdf"])
    en_plain, zh_plain = plain.split("\n中文\n")
    en_signed, zh_signed = signed.split("\n中文\n")
    assert _numbered_steps(en_plain)[-1].startswith("5. With Proofshot installed")
    assert _numbered_steps(en_signed)[-2].startswith("5. The signed archive PDF signed/a-signed")
    assert _numbered_steps(en_signed)[-1].startswith("6. With Proofshot installed")
    assert _numbered_steps(zh_plain)[-1].startswith("5. 如已安装Proofshot")
    assert _numbered_steps(zh_signed)[-1].startswith("6. 如已安装Proofshot")
    assert "The filing PDF(s): filing/a.pdf" in en_plain
    assert all(line in plain for line in archive.VERIFY_EN_STEPS if line)
    assert all(line in plain for line in archive.VERIFY_ZH_STEPS if line)


def test_verify_text_states_the_seal_only_when_the_log_is_sealed(bundle: Bundle) -> None:
    unsealed = dataclasses.replace(bundle, tokens=[t for t in bundle.tokens if t.purpose != "seal"])
    assert "The log is sealed at entry" not in archive.verify_text(unsealed, None, [])
    seal = TokenInfo(
        7, "seal", "CN=Test TSA", "http://127.0.0.1:9/tsr", "2026-12-07T10:00:00Z", "07",
        "1.2.3", 41, "c" * 64,
    )  # fmt: skip
    sealed = dataclasses.replace(bundle, tokens=[*unsealed.tokens, seal])
    text = archive.verify_text(sealed, None, [])
    assert f"   The log is sealed at entry 41 (hash {'c' * 64}) by token" in text
    assert f"   {seal.file_stem}.tsr from CN=Test TSA, genTime 2026-12-07T10:00:00Z." in text


def test_bundle_json_is_one_entry_per_exhibit_with_its_items(bundle: Bundle) -> None:
    data = archive.bundle_json(bundle)
    assert [e["number"] for e in data["exhibits"]] == [ex.number for ex in bundle.exhibits]
    for entry, ex in zip(data["exhibits"], bundle.exhibits, strict=True):
        assert [i["label"] for i in entry["items"]] == [v.label for v in ex.items]
        assert [i["sha256"] for i in entry["items"]] == [v.item.sha256 for v in ex.items]
        assert len(entry["generations"]) == len(ex.generations)
    json.dumps(data)  # plain data only


def test_manifests_list_the_entries_and_return_the_json_bytes(
    bundle: Bundle, tmp_path: Path
) -> None:
    entries = [
        archive.ArchiveEntry("b.txt", 3, "b" * 64, "letter"),
        archive.ArchiveEntry("a/n.png", 5, "a" * 64, "native", 1, "1.1", 9),
    ]
    raw = archive._write_manifests(bundle, tmp_path, entries)
    assert (tmp_path / archive.MANIFEST_JSON).read_bytes() == raw
    manifest = json.loads(raw)
    assert [f["path"] for f in manifest["files"]] == ["b.txt", "a/n.png"]
    assert manifest["head_hash"] == bundle.head_hash
    sums = (tmp_path / archive.SHA256SUMS).read_text("utf-8").splitlines()
    assert sums == [f"{'b' * 64}  b.txt", f"{'a' * 64}  a/n.png"]
    csv_lines = (tmp_path / archive.MANIFEST_CSV).read_text("utf-8").splitlines()
    assert csv_lines[2] == f"a/n.png,5,{'a' * 64},native,1,1.1,9"
    assert hashlib.sha256(raw).hexdigest() != hashlib.sha256(b"").hexdigest()


# -- study methods appendix --------------------------------------------------------------------


def _fig(k: int, n: int, low: float, high: float) -> dict[str, Any]:
    return {"k": k, "n": n, "rate": k / n, "low": low, "high": high}


STUDY: dict[str, Any] = {
    "protocol": {
        "platforms": [{"profile": "demo", "endpoint": "http://127.0.0.1:1/api"}],
        "works": ["Starlume"],
        "control_works": ["Harbour"],
        "prompts": [{"arm": "named"}, {"arm": "named"}, {"arm": "descriptive"}, {"arm": "control"}],
        "tries": 3,
        "seed": 1807,
        "versions": [{"version": 1, "protocol_sha256": "ab" * 32, "token_time": ""}],
        "engine": "proofshot-sim-2",
        "matching_bands": ["high", "very high"],
        "interval": "wilson",
    },
    "per_arm": [
        {"arm": "named", "tool": _fig(3, 6, 0.2, 0.8)},
        {"arm": "descriptive", "tool": _fig(1, 3, 0.05, 0.7)},
    ],
    "controls": {
        "control_prompts": _fig(0, 3, 0.0, 0.5),
        "control_works": _fig(1, 12, 0.01, 0.35),
    },
    "tool_human_agreement": {"kappa": 0.5, "n": 9},
    "inter_rater": {"kappa": None, "n": 0},
    "outputs": [{}] * 12,
    "deviations": [],
    "deviations_zh": [],
}


def test_methods_facts_count_prompts_per_arm_and_take_the_first_version() -> None:
    facts = _MethodsFacts.of(STUDY)
    assert facts.counts == {"named": 2, "descriptive": 1, "control": 1}
    assert facts.first["version"] == 1
    assert facts.n_out == 12
    assert set(facts.arms) == {"named", "descriptive"}


def test_methods_appendix_is_written_from_the_study_facts_in_both_languages() -> None:
    en = methods_blocks(STUDY, "en")
    zh = methods_blocks(STUDY, "zh")
    assert [k for k, _ in en] == ["heading", "body"] * 4
    assert [k for k, _ in zh] == ["heading", "body"] * 4
    assert en[0][1] == "1. What was tested"
    assert zh[0][1] == "一、测试内容"
    assert "(2 prompt(s))" in en[1][1] and "12 output(s) were received" in en[1][1]
    assert "but not timestamped by a TSA" in en[3][1]
    assert (
        "Named prompts: 3/6 = 50.0 % of outputs matched (95 % interval 20.0 – 80.0 %)" in en[5][1]
    )
    assert "kappa 0.50 (n = 9); between reviewers: kappa — (n = 0)" in en[5][1]
    assert en[7][1].endswith("No deviation from the protocol was recorded.")
    assert "（2条）" in zh[1][1] and "共得到12张图片" in zh[1][1]
    assert "但未取得可信时间戳" in zh[3][1]
    assert "点名提示词的相似比例为3/6 = 50.0 %（95%区间20.0 – 80.0 %）" in zh[5][1]
    assert zh[7][1].endswith("未记录偏离方案之处。")
