"""What each custody-log entry changed, in words (issue #16): the appendix says "tag
“evidence” added", "setting operator: Alice → Bob", not only the action's name."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

T = Callable[[str, str], str]


def _short(value: Any, limit: int = 80) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ChangeDescriber:
    """Reads the log in order, remembering settings so a change shows old → new."""

    def __init__(self, t: T) -> None:
        self.t = t
        self.settings: dict[str, str] = {}

    def describe(self, action: str, payload: str) -> str:
        t = self.t
        try:
            data = json.loads(payload) if payload else {}
        except ValueError:
            return ""
        records = data.get("records") if isinstance(data, dict) else None
        records = records if isinstance(records, dict) else {}
        parts: list[str] = []
        for row in records.get("settings") or []:
            key, value = str(row.get("key", "")), _short(row.get("value", ""), 60)
            old = self.settings.get(key)
            self.settings[key] = value
            if old is None:
                parts.append(t(f"setting {key} set to “{value}”", f"设置{key}为“{value}”"))
            else:
                parts.append(
                    t(f"setting {key}: “{old}” → “{value}”", f"设置{key}：“{old}”→“{value}”")
                )
        for row in records.get("annotations") or []:
            kind, value = row.get("kind"), _short(row.get("value", ""), 60)
            item = row.get("item_id")
            if kind == "tag":
                parts.append(
                    t(f"tag “{value}” added to item {item}", f"文件{item}添加标签“{value}”")
                )
            elif kind == "untag":
                parts.append(
                    t(f"tag “{value}” removed from item {item}", f"文件{item}移除标签“{value}”")
                )
            elif kind:
                parts.append(
                    t(f"{kind} on item {item}: “{value}”", f"文件{item}的{kind}：“{value}”")
                )
        for row in records.get("items") or []:
            digest = str(row.get("sha256", ""))[:16]
            parts.append(
                t(
                    f"item {row.get('id')} added ({row.get('size')} bytes, SHA-256 {digest}…)",
                    f"新增文件{row.get('id')}（{row.get('size')}字节，SHA-256 {digest}…）",
                )
            )
        for row in records.get("withdrawals") or []:
            parts.append(t(f"item {row.get('item_id')} withdrawn", f"文件{row.get('item_id')}撤回"))
        tokens = len(records.get("tokens") or [])
        if tokens:
            parts.append(t(f"{tokens} timestamp token(s) stored", f"保存{tokens}个时间戳"))
        numbered = records.get("exhibit_register") or []
        if numbered:
            parts.append(
                t(f"{len(numbered)} exhibit number(s) assigned", f"分配{len(numbered)}个证据编号")
            )
        others = [k for k in records if records[k] and k not in _HANDLED]
        for table in others[:3]:
            en, zh = _TABLE_WORDS.get(table, (table.replace("_", " "), table.replace("_", " ")))
            count = len(records[table])
            parts.append(t(f"{count} {en} record(s) added", f"新增{zh}记录{count}条"))
        return "; ".join(parts)


_TABLE_WORDS = {
    "captures": ("capture", "取证"),
    "capture_items": ("capture file", "取证文件"),
    "capture_marks": ("page-role mark", "页面类别标记"),
    "generations": ("generation", "生成记录"),
    "generation_outputs": ("generation output", "生成输出"),
    "generation_corrections": ("correction", "更正"),
    "works": ("work", "作品"),
    "work_documents": ("licence document", "授权文件"),
    "charts": ("comparison chart", "比对图"),
    "attestations": ("timestamp attestation", "时间戳证明"),
    "ocr_results": ("OCR", "文字识别"),
}

_HANDLED = {"settings", "annotations", "items", "withdrawals", "tokens", "exhibit_register"}
