"""The draft platform notice states the recorded duty findings in its letter text (#20)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.duties.checks import Finding, PlatformDuties, Round
from app.duties.rules import ABSENT, DUTIES, NOT_CHECKED, PARTIAL
from app.report.model import ExportOptions, build_bundle
from app.report.notice import notice_en, notice_zh
from tests.report.builders import build_demo_case


def _checklist(findings: dict[str, Finding], host: str = "lumagen.example") -> PlatformDuties:
    rows = [
        findings.get(d.key) or Finding(d.key, NOT_CHECKED, "not checked", "未检查") for d in DUTIES
    ]
    return PlatformDuties(host, [Round(1, 0, 99, 1, "2026-12-01T09:00:00Z", rows)], [], [], [])


def _text(blocks: list[Any]) -> str:
    return " ".join(" ".join(b.text.split()) for b in blocks)


def _bundle(tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    ids = build_demo_case(tmp_path / "c.proofshot")
    bundle = build_bundle(ids["case"], ExportOptions(lang="en+zh"))
    return bundle, ids


def test_the_letter_cites_recorded_findings_with_date_and_exhibit(tmp_path: Path) -> None:
    bundle, ids = _bundle(tmp_path)
    page, out1, out2 = ids["out1"], ids["out1"], ids["out2"]
    label1, label2 = bundle.item_exhibit[out1], bundle.item_exhibit[out2]
    bundle.duties = [
        _checklist(
            {
                "complaint": Finding("complaint", ABSENT, "", "", ["2026-11-30T10:00:00Z"], [page]),
                "keyword-filter": Finding(
                    "keyword-filter",
                    PARTIAL,
                    "",
                    "",
                    ["2026-11-30T10:05:00Z", "2026-12-01T08:00:00Z"],
                    [out2],
                    {
                        "prompts": 2,
                        "refused": 1,
                        "refused_prompts": ["生成星光侠"],
                        "generated_prompts": ["a mountain lake, 星光侠 style"],
                    },
                ),
            }
        )
    ]
    en = _text(notice_en(bundle, []))
    zh = _text(notice_zh(bundle, []))
    letter = en[en.index("The platform's duties as our records show them") :]
    assert (
        "Our records show no complaint or report channel reachable from the generation page"
        in letter
    )
    assert f"(observed 2026-11-30, Exhibit {label1})" in letter
    assert "1 of 2 distinct prompts naming the work were refused" in letter
    assert f"observed 2026-11-30 – 2026-12-01, Exhibit {label2}" in letter
    # the arts. 14–15 request rests on the keyword-filtering finding
    request = en[en.index("2. As Articles 14 and 15") :]
    assert "were not refused and produced images: “a mountain lake, 星光侠 style”" in request
    assert f"Exhibit {label2}" in request.split("3. Preserve")[0]
    # the Chinese half states the same findings
    assert "我方记录显示，从生成页面无法到达任何投诉或举报渠道" in zh
    assert f"观察日期2026-11-30，证据{label1}" in zh
    zh_request = zh[zh.index("2. 依照《生成式人工智能服务管理暂行办法》第十四条") :]
    assert "未被拒绝并生成了图片：“a mountain lake, 星光侠 style”" in zh_request
    assert f"证据{label2}" in zh_request
    # unchecked duties are not claimed either way
    for unchecked in ("terms of service", "visible AI-generated label", "implicit AI label"):
        assert unchecked not in letter
    for unchecked in ("用户协议", "可见的AI生成标识", "隐式标识"):
        assert unchecked not in zh[zh.index("平台义务的履行情况") :]
    ids["case"].close()


def test_nothing_is_claimed_when_no_duty_was_checked(tmp_path: Path) -> None:
    bundle, ids = _bundle(tmp_path)
    bundle.duties = [_checklist({})]
    en = _text(notice_en(bundle, []))
    zh = _text(notice_zh(bundle, []))
    assert "Our records show" not in en and "The platform's duties" not in en
    assert "我方记录显示" not in zh and "平台义务的履行情况" not in zh
    # the request stays the generic one, with no finding behind it
    assert "filter the prompts listed, and handle this complaint" in en
    ids["case"].close()


def test_a_filter_seen_working_is_asked_to_stay(tmp_path: Path) -> None:
    bundle, ids = _bundle(tmp_path)
    bundle.duties = [
        _checklist(
            {
                "keyword-filter": Finding(
                    "keyword-filter",
                    "present",
                    "",
                    "",
                    ["2026-12-02T08:00:00Z"],
                    [ids["out2"]],
                    {
                        "prompts": 1,
                        "refused": 1,
                        "refused_prompts": ["生成星光侠"],
                        "generated_prompts": [],
                    },
                )
            }
        )
    ]
    en = _text(notice_en(bundle, []))
    assert "1 of 1 distinct prompts naming the work were refused" in en
    assert "images were generated for" not in en
    assert "the prompts “生成星光侠” were refused" in en and "keep that filtering" in en
    zh = _text(notice_zh(bundle, []))
    assert "提示词“生成星光侠”已被拒绝" in zh
    ids["case"].close()
