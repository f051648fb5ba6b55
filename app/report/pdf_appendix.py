"""The appendices of the filing PDF: the environment report, the custody log, the hash
manifest, and the declarations and letters laid out from their blocks.

Split out of :class:`app.report.pdf.Renderer` (issue #17).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from app.report import declarations
from app.report.custody_text import ChangeDescriber
from app.report.facts_labels import fact_rows
from app.report.flowables import KeepTable, grid_table, kv_table
from app.report.fonts import MONO, SANS, register_fonts
from app.report.model import utc_text
from app.report.pdf_context import Pages
from app.report.pdf_styles import INK, RULE, SHADE, P, Styles

MAX_TABLE_ROWS_INLINE = 400
TABLE_BLOCK_ROWS = 300


class AppendixPages(Pages):
    """Builds the flowables of the appendices."""

    def environment(self) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = self.ctx.heading("appendix-environment")
        if not self.bundle.environment:
            out.append(
                P(
                    t(
                        "No environment report is among the exhibits. The export environment follows.",
                        "证据中没有单独的取证环境报告。以下为导出时的运行环境。",
                    ),
                    s.body,
                )
            )
        for label, data in self.bundle.environment:
            out.append(
                P(t(f"Environment report, item {label}", f"取证环境报告（文件{label}）"), s.h2)
            )
            rows = fact_rows(data, t, f"item {label}", limit=10_000)
            out.append(kv_table(rows[:MAX_TABLE_ROWS_INLINE] or [("—", "—")], s, self.width, 170))
            if len(rows) > MAX_TABLE_ROWS_INLINE:
                out.append(
                    P(
                        t(
                            f"{len(rows) - MAX_TABLE_ROWS_INLINE} more entries are in the native file.",
                            f"其余{len(rows) - MAX_TABLE_ROWS_INLINE}项见原始文件。",
                        ),
                        s.small,
                    )
                )
        out.append(P(t("At export", "导出时"), s.h2))
        v = self.bundle.verification
        verdict = (
            (t("intact", "完整") if v.get("intact") else t("NOT INTACT", "不完整"))
            if v
            else t("not run", "未执行")
        )
        rows2: list[tuple[str, Any]] = [
            (t("Tool", "工具"), self.bundle.tool),
            (t("Code SHA-256", "程序代码SHA-256"), P(self.bundle.code_hash, s.mono)),
            (t("Case id", "案件标识"), self.bundle.case_id),
            (
                t("Custody log head", "保管日志最新条目"),
                f"#{self.bundle.head_seq}\n{self.bundle.head_hash}",
            ),
            (t("Case state as of", "案件状态时间"), self.lang.time(self.bundle.doc_date)),
            (
                t("Verification at export", "导出时校验"),
                f"{verdict}: {v.get('events', 0)} events, {v.get('objects_checked', 0)} objects re-hashed"
                if v
                else verdict,
            ),
        ]
        for problem in (v.get("problems") or [])[:50]:
            rows2.append((t("Problem", "问题"), problem.get("message", "")))
        for note in (v.get("notes") or [])[:20]:
            rows2.append((t("Note", "说明"), note))
        out.append(kv_table(rows2, s, self.width, 170))
        return out

    def custody(self) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = self.ctx.heading("appendix-custody")
        out.append(
            P(
                t(
                    "Each entry's hash is SHA-256 over canonical_json([seq, at_utc, actor, action, item_id, prev_hash]), "
                    "a newline and the entry's payload; each entry names the hash of the one before. The complete log, "
                    "payloads included, is custody-log.jsonl in the archive.",
                    "每条记录的哈希值 = SHA-256（canonical_json([序号, 时间, 操作人, 操作, 文件编号, 前一哈希]) + 换行 + 记录内容）；"
                    "每条记录包含前一条记录的哈希值。含完整内容的日志见归档包custody-log.jsonl。",
                ),
                s.small,
            )
        )
        out.append(Spacer(1, 4))
        w = self.width
        widths = list(CUSTODY_WIDTHS)
        widths.insert(5, w - sum(CUSTODY_WIDTHS))
        header = [
            t("No.", "序号"),
            t("Time (UTC)", "时间（UTC）"),
            t("Actor", "操作人"),
            t("Action", "操作"),
            t("Item no.", "文件编号"),
            t("What changed", "变更内容"),
            t("Entry hash (SHA-256)", "本条记录哈希值（SHA-256）"),
        ]
        rows = self._custody_rows()
        style = TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, _CUSTODY_FONT),
                ("FONT", (6, 1), (6, -1), MONO, 5.2),
                ("GRID", (0, 0), (-1, -1), 0.3, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
        # ReportLab copies a table's remaining rows at every page break, so one table of
        # 100,000 entries costs quadratic time; blocks of a few hundred rows do not.
        for start in range(0, max(1, len(rows)), TABLE_BLOCK_ROWS):
            block = rows[start : start + TABLE_BLOCK_ROWS]
            data = [[P(h, s.cell_key) for h in header], *block]
            table = KeepTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
            table.setStyle(style)
            out.append(table)
        return out

    def _custody_rows(self) -> list[list[Any]]:
        """One row per custody-log entry: what changed in words, its hash on two lines."""
        s, t = self.styles, self.lang.t
        rows: list[list[Any]] = []
        fonts = register_fonts()
        changes = ChangeDescriber(t)
        for line in self.bundle.log:
            change = changes.describe(line.action, line.payload)
            actor = line.actor
            actor_cell: Any = (
                actor
                if _fits(actor, CUSTODY_WIDTHS[2]) and all(ord(c) in fonts.sans for c in actor)
                else P(actor, s.tiny)
            )
            action_cell = _action_cell(line.action, s)
            rows.append(
                [
                    str(line.seq),
                    utc_text(line.at_utc)[:19],
                    actor_cell,
                    action_cell,
                    "" if line.item_id is None else str(line.item_id),
                    P(change, s.tiny) if change else "",
                    f"{line.hash[:32]}\n{line.hash[32:]}",
                ]
            )
        return rows

    def manifest(self) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = self.ctx.heading("appendix-manifest")
        out.append(
            P(
                t(
                    "Every exhibited file with its size and SHA-256 value (computed when it was acquired and recomputed at export). "
                    "The archive's SHA256SUMS checks them with `sha256sum -c SHA256SUMS`.",
                    "每个证据文件的大小及SHA-256值（取得时计算、导出时重新计算）。可在归档包中运行 `sha256sum -c SHA256SUMS` 校验。",
                ),
                s.small,
            )
        )
        out.append(Spacer(1, 4))
        w = self.width
        rows: list[list[Any]] = []
        for view in self.bundle.item_views():
            digest = view.item.sha256 + (f"\nSM3 {view.item.sm3}" if self.lang.zh else "")
            rows.append(
                [
                    view.label,
                    f"{view.item.media_type}\n{view.item.kind}",
                    f"{view.item.size:,}",
                    P(digest, s.mono),
                ]
            )
        header = [
            t("Item", "文件"),
            t("Type", "类型"),
            t("Bytes", "字节"),
            t("SHA-256", "SHA-256" + (" / SM3" if self.lang.zh else "")),
        ]
        for start in range(0, max(1, len(rows)), TABLE_BLOCK_ROWS):
            out.append(
                grid_table(
                    header,
                    rows[start : start + TABLE_BLOCK_ROWS],
                    [34, 96, 56, w - 186],
                    s,
                    cell_style=s.small,
                )
            )
        if self.bundle.withdrawn:
            out.append(
                P(t("Withdrawn items (not exhibited)", "已撤回的文件（未作为证据提交）"), s.h3)
            )
            for entry in self.bundle.withdrawn:
                out.append(
                    P(
                        t(
                            f"Item {entry['item_id']}: {entry['reason']} ({entry['actor']}, {utc_text(entry['at_utc'])})",
                            f"文件{entry['item_id']}：{entry['reason']}（{entry['actor']}，{utc_text(entry['at_utc'])}）",
                        ),
                        s.small,
                    )
                )
        return out

    def blocks(self, blocks: Iterable[declarations.Block], *, cjk: bool = False) -> list[Flowable]:
        """Lay out a declaration or letter; ``cjk`` wraps lines between any two characters,
        except inside a hash, which gets a line of its own (see :func:`hashes_on_own_lines`)."""
        base = self.styles
        s = Styles.cjk(base) if cjk else base
        out: list[Flowable] = []
        for block in blocks:
            if cjk and block.kind in ("para", "numbered"):
                block = declarations.Block(block.kind, hashes_on_own_lines(block.text))
            if block.kind == "title":
                out.append(P(block.text, s.h1))
            elif block.kind == "subtitle":
                out.append(P(block.text, s.small))
                out.append(Spacer(1, 6))
            elif block.kind == "heading":
                out.append(P(block.text, s.h3))
            elif block.kind == "numbered":
                out.append(
                    P(
                        block.text,
                        ParagraphStyle(
                            "num", parent=s.body, leftIndent=14, firstLineIndent=-14, spaceAfter=4
                        ),
                    )
                )
            elif block.kind == "signature":
                rows = [[P(label, s.cell_key), P(value, s.cell)] for label, value in block.fields]
                table = Table(rows, colWidths=[150, self.width - 150], hAlign="LEFT")
                jurat = [out.pop()] if out and isinstance(out[-1], Paragraph) else []
                table.setStyle(
                    TableStyle(
                        [
                            ("FONT", (0, 0), (-1, -1), SANS, 8),
                            ("LINEBELOW", (1, 0), (1, -1), 0.6, INK),
                            ("TOPPADDING", (0, 0), (-1, -1), 10),
                        ]
                    )
                )
                out.append(KeepTogether([*jurat, Spacer(1, 10), table]))
            else:
                out.append(P(block.text, ParagraphStyle("bp", parent=s.body, spaceAfter=4)))
        return out


_HASH_RUN = re.compile(r"((?:SHA-256|SHA-512|SM3)\s*[：:]?\s*)?([0-9a-fA-F]{32,})([，。；、）)]?)")


def hashes_on_own_lines(text: str) -> str:
    """Give each hash in a Chinese statement (with its algorithm name and the punctuation
    after it) a line of its own, 64 hex digits a line, so a reader compares whole digests
    set one under the other. (:class:`app.report.pdf_cjk.CJKParagraph` no longer breaks
    inside a hash in any case; this keeps the statement's layout.)"""

    def own_line(m: re.Match[str]) -> str:
        digits = m.group(2)
        chunks = "\n".join(digits[i : i + 64] for i in range(0, len(digits), 64))
        return f"\n{m.group(1) or ''}{chunks}{m.group(3)}\n"

    out = _HASH_RUN.sub(own_line, text)
    return re.sub(r"\n{2,}", "\n", out).strip("\n")


CUSTODY_WIDTHS = (29, 72, 48, 88, 25, 108)
"""The custody table's fixed columns (no., time, actor, action, item no., entry hash); "what
changed" takes the rest of the line."""
_CUSTODY_FONT = 6.3
_CELL_PADDING = 4.0


def _fits(text: str, column: float, size: float = _CUSTODY_FONT) -> bool:
    return stringWidth(text, SANS, size) <= column - _CELL_PADDING


def _action_cell(action: str, s: Styles) -> Any:
    """An action name whole on one line (it is an identifier: never wrapped inside), in a
    smaller size when the column is too narrow for it at the table's size."""
    column = CUSTODY_WIDTHS[3]
    if _fits(action, column):
        return action
    if not action.isascii():
        return P(action, s.tiny)
    size = max(
        4.0, _CUSTODY_FONT * (column - _CELL_PADDING) / stringWidth(action, SANS, _CUSTODY_FONT)
    )
    return Paragraph(
        action.replace("&", "&amp;").replace("<", "&lt;"),
        ParagraphStyle(
            "custody-action", parent=s.tiny, fontName=SANS, fontSize=size, leading=size + 1.5
        ),
    )
