"""Each conditional sentence of the declarations, both ways: with its fact, and without it.

The bundle model is built straight from cases made by the real writers (no export), and the
declarations are read as the plain text the PDF prints.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core import attest
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from app.core.problems import Problem, VerifyReport
from app.core.tsa import TsaConfig
from app.core.verify import verify_case
from app.report.declarations import blocks_to_text, declaration_en, declaration_zh
from app.report.model import ExportOptions, build_bundle
from tests.report.builders import (
    DEMO,
    add_capture,
    add_file,
    build_demo_case,
    environment_record,
)
from tests.tsa_server import TsaServer, pki_for

NO_CLAIMS = (
    "RFC 3161 timestamp tokens from",
    "attest that the digests existed",
    "The custody log was sealed",
)


def _texts(case: Case, verification: VerifyReport | None = None) -> tuple[str, str]:
    bundle = build_bundle(case, ExportOptions(lang="en+zh"), verification)
    en = " ".join(blocks_to_text(declaration_en(bundle)).split())
    zh = "".join(blocks_to_text(declaration_zh(bundle)).split())
    return en, zh


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[dict[str, Any]]:
    ids = build_demo_case(tmp_path / "demo.proofshot")
    yield ids
    ids["case"].close()


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TsaServer]:
    with TsaServer(pki_for("A"), tmp_path_factory.mktemp("tsa")) as server:
        yield server


def _imported_only(tmp_path: Path, operator: str = "Dana") -> Case:
    case = Case.create(tmp_path / "imp.proofshot", title="Imported", operator=operator)
    add_file(
        case,
        DEMO / "generated/gen_09_standing.jpg",
        "imported-file",
        "file-import",
        "/x.jpg",
        ["exhibit"],
    )
    return case


# -- timestamps ---------------------------------------------------------------------------------


def test_without_any_token_no_timestamp_is_claimed_and_the_absence_is_stated(
    demo: dict[str, Any],
) -> None:
    en, zh = _texts(demo["case"])
    for claim in NO_CLAIMS:
        assert claim not in en, claim
    assert "No trusted timestamp was obtained for any exhibited file" in en
    assert "rest on this computer's clock" in en
    assert "本证据包中的文件均未取得可信时间戳" in zh
    assert "可信时间戳机构（无）" not in zh


def test_with_tokens_the_tsa_is_named_and_late_items_are_listed_as_unattested(
    demo: dict[str, Any], tsa: TsaServer
) -> None:
    case = demo["case"]
    attest.add_trust_anchors(case, tsa.ca_pem)
    attest.attest_pending(case, [TsaConfig(tsa.url)])
    late = add_bytes(
        case,
        b"late screenshot bytes",
        Acquisition(kind="screenshot", method="screen-capture", source="screen"),
        tags=["group-1"],
    ).item_id
    en, zh = _texts(case)
    assert "RFC 3161 timestamp tokens from independent timestamp authorities" in en
    assert "Proofshot Test TSA A" in en
    # one reference style (issue #16, declaration ¶6): the exhibit item label as the manifest
    # prints it ("item 4.1"), never the case's item id beside it ("item 7 (4.1)")
    label = build_bundle(case, ExportOptions(lang="en+zh")).item_exhibit.get(late)
    ref = f"item {label}" if label else f"custody-log file {late} (not exhibited)"
    ref_zh = f"文件{label}" if label else f"保管日志文件{late}（未作为证据）"
    assert f"No trusted timestamp was obtained for {ref}" in en
    assert f"item {late} " not in en and f"item {late}," not in en
    assert not re.search(r"item \d+ \(", en)
    assert f"{ref_zh}未取得可信时间戳" in zh
    assert "No trusted timestamp was obtained for any exhibited file" not in en
    assert "签发的RFC3161时间戳固定" in zh and "未取得可信时间戳，其取得时间仅依据本机时钟" in zh


def test_a_sealed_log_is_stated_and_an_unsealed_one_is_said_to_rest_on_its_chain(
    demo: dict[str, Any], tsa: TsaServer
) -> None:
    case = demo["case"]
    en, zh = _texts(case)
    assert "The custody log was not sealed with a trusted timestamp" in en
    assert "保管日志未以可信时间戳封存" in zh
    attest.seal_log(case, [TsaConfig(tsa.url)], ca_pems=[tsa.ca_pem])
    en, zh = _texts(case)
    assert "The custody log was sealed 1 time(s) with a trusted timestamp" in en
    assert "not sealed" not in en
    assert "保管日志共1次以可信时间戳封存" in zh


def test_the_clock_is_said_checked_only_when_the_environment_record_checked_it(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    en, zh = _texts(demo["case"])
    assert "which was checked against the timestamp authority Proofshot Test TSA A" in en
    assert "offset 0.4 seconds" in en and "偏差0.4秒" in zh
    case = Case.create(tmp_path / "clock.proofshot", title="Clock", operator="Dana")
    env = add_bytes(
        case,
        json.dumps(environment_record(clock_checked=False)).encode(),
        Acquisition(kind="environment", method="environment-record", source="proofshot"),
    ).item_id
    add_capture(case, "https://lumagen.example/create", "Create", [(env, "environment")])
    en, zh = _texts(case)
    case.close()
    assert "which was not checked against any trusted time source" in en
    assert "checked against the timestamp authority" not in en
    assert "该时钟未与任何可信时间源核对" in zh
    assert "时钟：未与可信时间源核对（notimestampauthorityisconfigured）" in zh


# -- verification and FRE 902(14) ---------------------------------------------------------------


def test_902_14_exact_copy_is_certified_only_after_an_intact_verification(
    demo: dict[str, Any],
) -> None:
    case = demo["case"]
    en, _ = _texts(case)
    assert "were not re-verified when this bundle was made" in en
    assert "identical hash values identify" not in en
    en, zh = _texts(case, verify_case(case))
    assert "Under Federal Rule of Evidence 902(14), identical hash values identify" in en
    broken = VerifyReport()
    broken.add(Problem("altered-object", "item 3 no longer matches its SHA-256", item_id=3))
    en, zh = _texts(case, broken)
    assert "cannot be certified under Federal Rule of Evidence 902(14)" in en
    assert "identical hash values identify" not in en
    assert "不完整" in zh
    label = build_bundle(case, ExportOptions(lang="en+zh")).item_exhibit.get(3)
    assert "item 3 " not in en
    if label:
        assert f"item {label} no longer matches its SHA-256" in en
        assert f"文件{label}nolongermatches" in zh.replace(" ", "")
    else:
        assert "custody-log file 3 (not exhibited) no longer matches" in en


# -- sites, accounts, operators ---------------------------------------------------------------


def test_server_ip_and_tls_are_stated_per_capture_only_where_recorded(
    demo: dict[str, Any],
) -> None:
    en, zh = _texts(demo["case"])
    assert (
        "The capture of https://lumagen.example/create recorded, on the exchange that "
        "delivered https://lumagen.example/media/1.png, the server IP address 203.0.113.7 "
        "(port 443) and a TLS certificate naming lumagen.example issued by Demo Issuing CA R1"
    ) in en
    assert (
        "No server IP address or TLS certificate was recorded for the capture(s) of "
        "https://lumagen.example/terms"
    ) in en
    assert "服务器IP地址203.0.113.7" in zh and "对https://lumagen.example/terms的取证未记录" in zh


def test_the_site_account_is_stated_when_recorded_and_its_absence_otherwise(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    en, zh = _texts(demo["case"])
    assert "used under the account(s) alice@lumagen" in en and "网站账号：alice@lumagen" in zh
    case = Case.create(tmp_path / "acct.proofshot", title="Acct", operator="Dana")
    shot = add_file(
        case, DEMO / "screenshots/lumagen_trending.png", "screenshot", "browser-capture", "u"
    )
    add_capture(
        case, "https://other.example/", "Other", [(shot, "screenshot-full")], facts={}, kind="page"
    )
    en, zh = _texts(case)
    case.close()
    assert "No site account is recorded for the captures of other.example" in en
    assert "used under the account" not in en
    assert "未记录在other.example使用的网站账号" in zh


def test_imported_files_are_not_said_to_have_an_environment_record(tmp_path: Path) -> None:
    case = _imported_only(tmp_path)
    en, zh = _texts(case)
    case.close()
    assert "Every exhibited file was imported from a file already on the computer" in en
    assert "imported from files already on the operator's computer (“file-import”)" in en
    assert "均在取证时自动记录" not in zh
    assert "均系从已有文件导入，取证时未记录" in zh
    assert "本证据包中没有取证会话的环境记录" in zh  # 清洁性检查, stated as absent
    assert "No web page captures are among the exhibits" in en


def test_captured_files_with_an_environment_get_the_clean_environment_check(
    demo: dict[str, Any],
) -> None:
    en, zh = _texts(demo["case"])
    assert "Every exhibited file was imported" not in en
    assert "清洁性检查" in zh
    for fact in ("代理：未设置代理", "hosts文件：无指向目标网站的条目", "DNS解析：203.0.113.7"):
        assert fact in zh, fact
    assert "浏览器配置：off-the-record(inmemory" in zh


def test_article_93_factors_are_all_present_in_order_and_headings_do_not_skip(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    for case in (demo["case"], _imported_only(tmp_path)):
        _, zh = _texts(case)
        positions = [zh.index(f"第九十三条第一款第（{n}）项") for n in "一二三四五六七"]
        assert positions == sorted(positions)
        headings = [zh.find(f"{n}、") for n in "一二三四五"]
        assert all(p >= 0 for p in headings) and headings == sorted(headings)
        assert "第九十四条" in zh and "不适用" in zh


def test_operators_are_named_or_their_absence_is_stated(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    en, zh = _texts(demo["case"])
    assert "operators recorded in the custody log: Alice Analyst" in en
    assert "取证操作人为AliceAnalyst" in zh
    case = _imported_only(tmp_path, operator="")
    en, zh = _texts(case)
    case.close()
    assert "no operator is recorded for these files in the custody log" in en
    assert "保管日志中未记录取证操作人" in zh


def test_failed_timestamp_requests_are_stated_only_when_logged(demo: dict[str, Any]) -> None:
    case = demo["case"]
    en, zh = _texts(case)
    assert "timestamp request(s) failed" not in en
    assert "保管日志中没有时间戳请求失败的记录" in zh
    attest.attest_pending(case, [TsaConfig("http://127.0.0.1:9/tsr")])  # nothing listens there
    en, zh = _texts(case)
    assert "timestamp request(s) failed and were logged" in en
    assert "次时间戳请求失败，均已记入保管日志" in zh


def test_derived_files_are_stated_only_when_exhibited(demo: dict[str, Any]) -> None:
    case = demo["case"]
    en, zh = _texts(case)
    assert "No exhibited file was converted or derived from another" in en
    assert "证据文件均未经转换或派生" in zh
    add_bytes(
        case,
        (DEMO / "generated/gen_01_starlume.png").read_bytes()[:-1] + b"\x00",
        Acquisition(kind="derived", method="crop", source="crop", parent_id=demo["out1"]),
        tags=["group-1"],
    )
    en, zh = _texts(case)
    assert "1 exhibited file(s) were derived from other files" in en
    assert "1个证据文件系由其他文件派生" in zh


def test_the_clock_sentence_names_the_first_environment_that_checked_it() -> None:
    from types import SimpleNamespace

    from app.core.records import EnvironmentRecord
    from app.report.declarations import _clock_en, _clock_zh

    unchecked = EnvironmentRecord.from_dict(environment_record(clock_checked=False))
    checked = EnvironmentRecord.from_dict(environment_record())
    bundle: Any = SimpleNamespace(
        declaration=SimpleNamespace(environments=[("E-1", unchecked), ("E-2", checked)])
    )
    assert _clock_en(bundle).endswith("(offset 0.4 seconds; environment record E-2)")
    assert "见环境记录E-2" in _clock_zh(bundle)
    bundle.declaration.environments = [("E-1", unchecked)]
    assert _clock_en(bundle) == "which was not checked against any trusted time source"
