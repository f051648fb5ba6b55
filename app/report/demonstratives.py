"""Wording for demonstrative comparison charts (issue #16).

Measured facts in neutral words, in every bundle language; the band is named as the tool's
classification, with the thresholds and the calibration set it was chosen on. No opinion words
("strong evidence", "reproduces"): what the tool measured, not what it concludes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.compare import scoring

T = Callable[[str, str], str]

METRIC_NAMES: dict[str, tuple[str, str]] = {
    "keypoints": ("Distinctive points", "特征点"),
    "inlier_ratio": ("Agreeing point matches", "一致的点匹配比例"),
    "ssim": ("Structural similarity (SSIM)", "结构相似度（SSIM）"),
    "palette": ("Dominant colours", "主色差异"),
    "colour_hash": ("Colour-distribution hash", "颜色分布哈希"),
    "phash": ("Perceptual hash", "感知哈希"),
    "perceptual hash": ("Perceptual hash", "感知哈希"),
    "dhash": ("Difference hash", "差异哈希"),
    "region_share": ("Matched region", "匹配区域"),
}


def metric_name(name: str, t: T) -> str:
    known = METRIC_NAMES.get(name) or METRIC_NAMES.get(name.replace("_", " "))
    if known:
        return t(*known)
    readable = name.replace("_", " ").strip().capitalize() or "—"
    return t(readable, f"指标：{readable}")


def _num(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def measured(name: str, value: Any, details: Mapping[str, Any] | None, t: T) -> str:
    """What was measured, as a plain statement in the bundle language(s)."""
    v = _num(value)
    d = details if isinstance(details, Mapping) else {}
    if v is None:
        return t("not measured", "未测量")
    if name == "keypoints":
        share = _num(d.get("region_share"))
        one = round(v) == 1
        en = f"{v:.0f} distinctive point{'' if one else 's'} agree{'s' if one else ''} after alignment"
        zh = f"对齐后{v:.0f}个特征点一致"
        if share is not None:
            en += f"; the matched region covers {share:.0%} of the original"
            zh += f"；匹配区域占原作品的{share:.0%}"
        return t(en + ".", zh + "。")
    if name == "inlier_ratio":
        return t(
            f"{v:.0%} of the tentative point matches agree with one alignment.",
            f"初步点匹配中有{v:.0%}符合同一对齐变换。",
        )
    if name == "ssim":
        return t(
            f"SSIM {v:.2f} in the aligned region (1 = identical pixels).",
            f"对齐区域内结构相似度为{v:.2f}（1表示像素完全相同）。",
        )
    if name == "palette":
        return t(
            f"The dominant colours differ by an average ΔE of {v:.1f}.",
            f"主色平均色差ΔE为{v:.1f}。",
        )
    if name in ("colour_hash", "phash", "dhash"):
        return t(
            f"The hashes differ in {v:.0f} bits.",
            f"两个哈希值相差{v:.0f}位。",
        )
    return t(f"Measured value {v:.4g}.", f"测量值为{v:.4g}。")


def band_text(band: str, score: Any, t: T) -> str:
    """The band as the tool's classification, with its thresholds and calibration figures."""
    s = _num(score)
    names = {"high": ("high", "高"), "medium": ("medium", "中"), "low": ("low", "低")}
    en_band, zh_band = names.get(band, (band, band))
    score_en = f"score {s:.2f}; " if s is not None else ""
    score_zh = f"得分{s:.2f}；" if s is not None else ""
    cal = scoring.CALIBRATION_SET
    return t(
        f"Proofshot's classification “{en_band}” ({score_en}“high” from {scoring.HIGH_AT:.2f}, "
        f"“medium” from {scoring.MEDIUM_AT:.2f}). The thresholds were chosen on the tool's "
        f"synthetic calibration set ({cal['works']} works, {cal['copies']} altered copies, "
        f"{cal['unrelated']} unrelated images; {cal['pairs']:,} compared pairs), on which no "
        f"unrelated pair reached {scoring.HIGH_AT:.2f}.",
        f"Proofshot的分级为“{zh_band}”（{score_zh}不低于{scoring.HIGH_AT:.2f}为“高”，"
        f"不低于{scoring.MEDIUM_AT:.2f}为“中”）。阈值依据本工具的合成校准集确定（{cal['works']}件作品、"
        f"{cal['copies']}件改动副本、{cal['unrelated']}张无关图片，共{cal['pairs']:,}对比对），"
        f"该校准集中无关图片对的得分均未达到{scoring.HIGH_AT:.2f}。",
    ) + _band_disagreement(band, s, names, t)


def _band_disagreement(
    band: str, score: float | None, names: dict[str, tuple[str, str]], t: T
) -> str:
    """The recorded band is what the chart recorded when it was saved; when this version's
    thresholds put the recorded score in another band, both are stated, neither is hidden."""
    if score is None or band not in names:
        return ""
    now = scoring.band_for(score)
    if now == band:
        return ""
    return " " + t(
        f"The band “{names[band][0]}” is as recorded when the chart was saved; under the "
        f"thresholds above the score {score:.2f} falls in “{names[now][0]}”.",
        f"“{names[band][1]}”为比对图保存时记录的分级；按上述阈值，得分{score:.2f}属于“{names[now][1]}”。",
    )
