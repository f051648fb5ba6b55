"""Labelled facts for the filing PDF (issue #16).

A facts record is a JSON tree written by the capture and generation code. On paper every fact
gets a label in the bundle's language(s) and a formatted value; nested details that no reader
needs on paper (lists of records, deep trees) are summarised and referenced to the archive file
that holds them in full. No key path (``images[0].naturalHeight``) is ever printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

# key -> (English label, Chinese label)
LABELS: dict[str, tuple[str, str]] = {
    "server_ip": ("Server IP address", "服务器IP地址"),
    "operator": ("Operator", "操作人"),
    "account": ("Account used", "使用的账号"),
    "tls": ("TLS certificate", "TLS证书"),
    "subject": ("Subject", "主体"),
    "issuer": ("Issuer", "签发者"),
    "not_before": ("Valid from", "有效期起"),
    "not_after": ("Valid until", "有效期至"),
    "sha256": ("SHA-256", "SHA-256"),
    "fingerprint_sha256": ("Certificate SHA-256", "证书SHA-256"),
    "protocol": ("Protocol", "协议"),
    "cipher": ("Cipher", "加密套件"),
    "user_agent": ("Browser user agent", "浏览器标识"),
    "viewport": ("Viewport", "视口尺寸"),
    "width": ("Width", "宽度"),
    "height": ("Height", "高度"),
    "natural_width": ("Image width", "图片宽度"),
    "natural_height": ("Image height", "图片高度"),
    "images": ("Images on the page", "页面中的图片"),
    "page_submits": ("Form submissions", "表单提交"),
    "fields": ("Form fields", "表单字段"),
    "downloads": ("Downloads", "下载"),
    "popups": ("Pop-up windows", "弹出窗口"),
    "redacted": ("Redacted", "已遮蔽"),
    "redacted_headers": ("Redacted headers", "已遮蔽的请求头"),
    "timing_ms": ("Timing (ms)", "耗时（毫秒）"),
    "truncated": ("Truncated", "已截断"),
    "clipped": ("Clipped", "已裁切"),
    "navigated_during_capture": ("Navigated during capture", "取证期间发生跳转"),
    "finished_early": ("Finished early", "提前结束"),
    "failure": ("Failure", "失败原因"),
    "problem": ("Problem", "问题"),
    "outputs": ("Outputs", "输出"),
    "missing_outputs": ("Missing outputs", "缺失的输出"),
    "candidates": ("Candidates", "候选项"),
    "as_typed": ("As typed", "输入原文"),
    "event_stream": ("Event stream", "事件流"),
    "event_stream_messages": ("Event-stream messages", "事件流消息数"),
    "stream_received_bytes": ("Stream bytes received", "接收的流字节数"),
    "negative_prompt_source": ("Negative prompt taken from", "反向提示词来源"),
    "body_source": ("Body taken from", "正文来源"),
    "body_note": ("Note on the body", "正文说明"),
    "response_note": ("Note on the response", "响应说明"),
    "instrument": ("Instrument", "文书"),
    "licence_chain": ("Licence chain", "授权链"),
    "ai_label": ("AI-generated content label", "人工智能生成内容标识"),
    "tc260_label": ("AI-generated content label (TC260)", "人工智能生成内容标识（TC260）"),
    "model": ("Model", "模型"),
    "seed": ("Seed", "随机种子"),
    "steps": ("Steps", "步数"),
    "sampler": ("Sampler", "采样器"),
    "platform": ("Platform", "平台"),
    "url": ("URL", "网址"),
    "method": ("Method", "请求方法"),
    "status": ("Status", "状态"),
    "note": ("Note", "说明"),
    "source": ("Source", "来源"),
    "value": ("Value", "值"),
    "title_zh": ("Chinese title", "中文名称"),
    "created": ("Created", "创作完成日期"),
    "first_published": ("First published", "首次发表日期"),
    "work_type": ("Type of work", "作品类别"),
    "registration_authority": ("Registration authority", "登记机关"),
    "licensee": ("Licensee", "被许可人"),
    "browser": ("Browser", "浏览器"),
    "os": ("Operating system", "操作系统"),
    "browser_engine": ("Browser engine", "浏览器引擎"),
    "proxy": ("Proxy", "代理"),
    "clock_offset_seconds": ("Clock offset (seconds)", "时钟偏差（秒）"),
    "dns": ("DNS answers", "域名解析结果"),
    "document_layout": (
        "Page size when captured (CSS pixels)",
        "取证时的页面尺寸（CSS像素）",
    ),
    "device_pixel_ratio": ("Device pixel ratio", "设备像素比"),
    "box": ("Position on the page (CSS pixels)", "在页面中的位置（CSS像素）"),
    "target_box": ("Position of the submit control", "提交控件的位置"),
    "trigger_box": ("Position of the submit control", "提交控件的位置"),
    "x": ("Left", "左边距"),
    "y": ("Top", "上边距"),
}

_SMALL_DICT = 6
_SCALAR_LIST = 12
MAX_ROWS = 40


def humanize(key: str) -> str:
    """``naturalHeight`` / ``natural_height`` -> ``Natural height``."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(key)).replace("_", " ").replace("-", " ")
    words = " ".join(words.split()).lower()
    return words[:1].upper() + words[1:] if words else "—"


def _norm(key: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(key)).replace("-", "_").lower()


def label(key: str, t: Callable[[str, str], str]) -> str:
    """The fact's label in the bundle language(s); unknown keys get a readable English name
    (and, in Chinese, the generic 记录项 with that name)."""
    known = LABELS.get(_norm(key))
    if known:
        return t(*known)
    name = humanize(key)
    return t(name, f"记录项：{name}")


def _scalar(value: Any, t: Callable[[str, str], str]) -> str:
    if isinstance(value, bool):
        return t("yes", "是") if value else t("no", "否")
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _few_scalars(value: Any) -> bool:
    return isinstance(value, list) and len(value) <= 3 and all(_is_scalar(v) for v in value)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def format_value(value: Any, t: Callable[[str, str], str], archive_ref: str) -> str | None:
    """A value as a reader sees it, or None when the value is empty (no empty rows)."""
    if _empty(value):
        return None
    if _is_scalar(value):
        return _scalar(value, t)
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        shown = [_scalar(v, t) for v in value[:_SCALAR_LIST] if not _empty(v)]
        more = len(value) - _SCALAR_LIST
        text = ", ".join(shown)
        if more > 0:
            text += t(
                f" and {more} more (see {archive_ref})", f"等，另有{more}项（见{archive_ref}）"
            )
        return text or None
    if (
        isinstance(value, dict)
        and len(value) <= _SMALL_DICT
        and all(_is_scalar(v) or _few_scalars(v) for v in value.values())
    ):
        parts = []
        for k in sorted(value, key=str):
            v = value[k]
            if _is_scalar(v):
                shown = "" if _empty(v) else _scalar(v, t)
            else:  # a short list: its empty values left out, as in a list of scalars
                shown = ", ".join(_scalar(x, t) for x in v if not _empty(x))  # type: ignore[union-attr]
            if shown:
                parts.append(f"{label(k, t)}: {shown}")
        return "; ".join(parts) or None
    count = len(value) if isinstance(value, list | dict) else 1
    if isinstance(value, list):
        noun = "entry" if count == 1 else "entries"
    else:  # a record: its count is of its named fields
        noun = "field" if count == 1 else "fields"
    return t(
        f"{count} {noun}, recorded in full in {archive_ref}",
        f"共{count}项，完整内容见{archive_ref}",
    )


def fact_rows(
    facts: Any,
    t: Callable[[str, str], str],
    archive_ref: str,
    *,
    skip: tuple[str, ...] = (),
    limit: int = MAX_ROWS,
) -> list[tuple[str, str]]:
    """(label, value) rows of a facts record's top level; never a key path, never an empty
    row. Anything beyond ``limit`` rows is referenced to ``archive_ref``."""
    if isinstance(facts, str):
        try:
            facts = json.loads(facts)
        except ValueError:
            return [(t("Recorded facts", "记录信息"), facts)] if facts else []
    if not isinstance(facts, dict):
        value = format_value(facts, t, archive_ref)
        return [(t("Recorded facts", "记录信息"), value)] if value else []
    rows: list[tuple[str, str]] = []
    keys = [k for k in sorted(facts, key=str) if k not in skip]
    for key in keys:
        value = format_value(facts[key], t, archive_ref)
        if value is not None:
            rows.append((label(key, t), value))
    if len(rows) > limit:
        more = len(rows) - limit
        rows = rows[:limit]
        rows.append(
            (
                t("More facts", "其他记录信息"),
                t(f"{more} more, recorded in {archive_ref}", f"另有{more}项，见{archive_ref}"),
            )
        )
    return rows


def facts_text(value: Any, t: Callable[[str, str], str], archive_ref: str) -> str:
    """A facts record as one readable line (labelled, no key paths)."""
    if isinstance(value, str):
        return value
    return "; ".join(f"{k}: {v}" for k, v in fact_rows(value, t, archive_ref))


def break_path(name: str, width: int = 60) -> str:
    """A long archive path with a line break after its last folder, so a hash in the file
    name is never split across lines (the break falls on a path boundary)."""
    if len(name) <= width or "/" not in name:
        return name
    head, _, tail = name.rpartition("/")
    return f"{head}/\n{tail}"
