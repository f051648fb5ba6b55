"""The duties checked, their names (en/zh) and the rules each relates to, in neutral words."""

from __future__ import annotations

from dataclasses import dataclass

PRESENT = "present"
PARTIAL = "partial"
ABSENT = "absent"
NOT_CHECKED = "not checked"
FINDINGS = (PRESENT, PARTIAL, ABSENT, NOT_CHECKED)
"""``partial``: present on some of the outputs (or pages) checked and not on others."""

FINDING_ZH = {PRESENT: "有", PARTIAL: "部分有", ABSENT: "未见", NOT_CHECKED: "未检查"}


@dataclass(frozen=True)
class Duty:
    key: str
    name_en: str
    name_zh: str
    rules_en: str
    rules_zh: str


DUTIES: tuple[Duty, ...] = (
    Duty(
        "complaint",
        "Complaint / report channel reachable from the generation page",
        "生成页面可达的投诉举报渠道",
        "Interim Measures for Generative AI Services (2023), art. 15",
        "《生成式人工智能服务管理暂行办法》第十五条",
    ),
    Duty(
        "terms",
        "Terms of service and user warnings about infringement",
        "用户协议及侵权风险提示",
        "Interim Measures for Generative AI Services (2023), arts. 9, 10 and 14",
        "《生成式人工智能服务管理暂行办法》第九条、第十条、第十四条",
    ),
    Duty(
        "explicit-label",
        "Explicit (visible) AI labels on outputs and on the page",
        "显式标识（输出图片及页面上可见的AI生成标识）",
        "Interim Measures art. 12; Measures for Labelling AI-Generated Synthetic Content "
        "(2025), art. 4; GB 45438-2025",
        "《生成式人工智能服务管理暂行办法》第十二条；《人工智能生成合成内容标识办法》第四条；"
        "GB 45438-2025",
    ),
    Duty(
        "implicit-label",
        "Implicit labels in output files (TC260 AIGC, IPTC DigitalSourceType, C2PA)",
        "隐式标识（文件元数据中的TC260 AIGC、IPTC DigitalSourceType、C2PA）",
        "Measures for Labelling AI-Generated Synthetic Content (2025), art. 5; GB 45438-2025",
        "《人工智能生成合成内容标识办法》第五条；GB 45438-2025",
    ),
    Duty(
        "keyword-filter",
        "Keyword filtering: prompts naming the work refused",
        "关键词过滤：含权利作品名称的提示词是否被拒绝",
        "Interim Measures for Generative AI Services (2023), art. 14",
        "《生成式人工智能服务管理暂行办法》第十四条",
    ),
)
DUTY_BY_KEY = {d.key: d for d in DUTIES}

KEYWORDS_SETTING = "duties.keywords"
"""Case setting: comma-separated names of the work that prompts are checked for."""
