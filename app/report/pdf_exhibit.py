"""The pages of an exhibit: its purpose and source, the work, the capture, each generation and
every item with its facts and pictures.

Split out of :class:`app.report.pdf.Renderer` (issue #17). A comparison chart's exhibit goes on
to :mod:`app.report.pdf_chart`; pictures too tall for a page are sliced (:func:`slice_rows`)
and screenshots repeated at a legible scale (:func:`app.report.flowables.legible_tiles`).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from app.report import pdf_chart
from app.report.crop import crop_story
from app.report.facts_labels import break_path, fact_rows, facts_text
from app.report.flowables import EvidenceImage, balanced_spans, kv_table, legible_tiles
from app.report.fonts import SANS
from app.report.images import probe
from app.report.model import (
    Exhibit,
    GenerationView,
    ItemView,
    beijing_text,
    kind_en,
    kind_zh,
    marks_zh,
    utc_text,
    work_title_zh,
)
from app.report.pdf_context import Pages
from app.report.pdf_styles import ARCHIVE_REF, INK, P
from app.report.pdf_values import c2pa_text, labels_text, provenance_findings_text, value_text


class ExhibitPages(Pages):
    """Builds the flowables of one exhibit."""

    def exhibit(self, ex: Exhibit) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = []
        label = t(ex.label_en, ex.label_zh)
        title = ex.title if self.lang.en else ex.title_zh
        out.append(P(f"{label} — {title}", s.h1))
        if self.lang.en and self.lang.zh:
            out.append(P(ex.title_zh, s.h3))
        purpose = (
            f"{ex.purpose} / {ex.purpose_zh}"
            if (self.lang.en and self.lang.zh)
            else (ex.purpose_zh if self.lang.zh else ex.purpose)
        )
        source = self.ctx.source_text(ex)
        out.append(
            kv_table(
                [(t("Offered to show", "证明对象"), purpose), (t("Source", "来源"), source)],
                s,
                self.width,
            )
        )
        out.append(Spacer(1, 6))
        out += crop_story(  # a page capture opens with its prompt-and-outputs crop (#16)
            ex,
            self.bundle,
            self.objects,
            self.width,
            self.height * 0.6,
            lambda path, w, h, box: EvidenceImage(
                path, w, h, crop=box, placeholder=self.layout_only, styles=s, t=t
            ),
            lambda text, style: P(text, getattr(s, style)),
            t,
        )
        if ex.chart is not None:
            out += pdf_chart.chart(self.ctx, ex)
            return out
        if ex.work is not None:
            out += self.work(ex)
        if ex.capture is not None:
            out += self.capture(ex)
        for gen in ex.generations:
            out += self.generation(gen)
        for view in ex.items:
            out += self.item(view)
        return out

    def work(self, ex: Exhibit) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        w = ex.work
        assert w is not None
        rows: list[tuple[str, Any]] = [
            (t("Title", "作品名称"), t(w.title, work_title_zh(w))),
            (t("Owner or licensor", "权利人"), w.owner or "—"),
            (t("Registration", "登记号"), w.registration or "—"),
            (t("Registration date", "登记日期"), w.registration_date or "—"),
        ]
        rows += fact_rows(w.facts, t, ARCHIVE_REF, skip=("title_zh",))
        docs = [v.label for v in ex.items if v.role.startswith("licence-document")]
        rows.append(
            (
                t("Licence-chain documents", "授权链文件"),
                ", ".join(docs) or t("none in the case", "无"),
            )
        )
        return [P(t("The work", "作品信息"), s.h2), kv_table(rows, s, self.width)]

    def capture(self, ex: Exhibit) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        cap = ex.capture
        assert cap is not None
        offset = ex.items[0].item.local_offset if ex.items else "+00:00"
        rows: list[tuple[str, Any]] = [
            (t("Requested URL", "请求网址"), cap.requested_url),
            (t("Final URL", "最终网址"), cap.final_url),
            (t("Page title", "页面标题"), cap.title or "—"),
            (t("Capture started", "取证开始"), self.lang.time(cap.started_at, offset)),
            (t("Capture ended", "取证结束"), self.lang.time(cap.ended_at, offset)),
            (t("Capture kind", "取证类型"), cap.kind),
        ]
        if cap.marks:
            rows.append(
                (
                    t("Platform page role", "平台页面类别"),
                    t(", ".join(cap.marks), marks_zh(cap.marks)),
                )
            )
        none = t("not recorded", "未记录")
        rows.append((t("Operator", "操作人"), ", ".join(cap.operators) or none))
        rows.append((t("Site account used", "使用的网站账号"), cap.site_account or none))
        net, tls = cap.network, cap.network.tls if cap.network is not None else None
        if net is not None:
            rows.append(
                (
                    t("Connection recorded on", "网络信息记录于"),
                    t(
                        f"the exchange that delivered {net.url or cap.final_url}",
                        f"传输{net.url or cap.final_url}的同一网络连接",
                    ),
                )
            )
        ip = net.remote_ip if net is not None else None
        port = net.remote_port if net is not None else None
        rows.append(
            (
                t("Server IP address", "服务器IP地址"),
                f"{ip}" + (f" (port {port})" if port else "") if ip else none,
            )
        )
        if tls is None:
            rows.append((t("TLS (same connection)", "TLS（同一连接）"), none))
        else:
            for label, value in (
                (
                    t("TLS protocol / cipher", "TLS协议/加密套件"),
                    " / ".join(x for x in (tls.protocol, tls.cipher) if x),
                ),
                (t("TLS certificate subject", "TLS证书主体"), tls.subject),
                (t("TLS certificate issuer", "TLS证书颁发者"), tls.issuer),
                (
                    t("TLS certificate valid", "TLS证书有效期"),
                    " – ".join(x for x in (tls.valid_from, tls.valid_to) if x),
                ),
                (t("TLS certificate names (SAN)", "TLS证书备用名称"), ", ".join(tls.san or [])),
            ):
                rows.append((label, value or none))
        facts = dict(cap.record.extra)
        for key in ("server_ip", "tls", "account", "operator", "site_account", "document"):
            facts.pop(key, None)
        for key in ("session_id", "target_url", "page_url", "exchanges", "problems"):
            value = getattr(cap.record, key)
            if value is not None:
                facts[key] = value
        # a fact the rows above already print is said once (bundle.json keeps every fact)
        if facts.get("page_url") in (cap.final_url, cap.requested_url):
            facts.pop("page_url")
        if cap.title and facts.get("title") == cap.title:
            facts.pop("title")
        rows += fact_rows(facts, t, ARCHIVE_REF, limit=60)
        out: list[Flowable] = [P(t("Capture", "取证记录"), s.h2), kv_table(rows, s, self.width)]
        return out

    def generation(self, gen: GenerationView) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        out: list[Flowable] = [
            P(
                t(f"Generation {gen.id}: the prompt as sent", f"生成记录{gen.id}：提交的提示词"),
                s.h2,
            )
        ]
        prompt_box = Table(
            [[P(gen.prompt, s.prompt)]], colWidths=[self.width], splitInRow=1, hAlign="LEFT"
        )
        prompt_box.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), SANS, 8),
                    ("BOX", (0, 0), (-1, -1), 1.0, INK),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f7f7f2")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        out.append(prompt_box)
        out.append(Spacer(1, 4))
        outputs = ", ".join(
            f"{self.bundle.item_exhibit.get(i, f'item {i}')}" for i in gen.outputs
        ) or t("none", "无")
        rows: list[tuple[str, Any]] = [
            (t("Negative prompt", "反向提示词"), gen.negative_prompt or "—"),
            (t("Parameters", "参数"), facts_text(gen.parameters, t, ARCHIVE_REF) or "—"),
            (t("Request URL", "请求地址"), gen.request_url or "—"),
            (t("Job id", "任务编号"), gen.job_id or "—"),
            (t("Submitted", "提交时间"), self.lang.time(gen.submitted_at)),
            (t("Returned", "返回时间"), self.lang.time(gen.returned_at)),
            (
                t("Binding of prompt to outputs", "提示词与输出的关联"),
                facts_text(gen.binding, t, ARCHIVE_REF) or "—",
            ),
            (t("Outputs (exhibit items)", "生成的图片（证据编号）"), outputs),
        ]
        if gen.campaign:
            rows.append(
                (t("Campaign / try", "批量任务/次数"), f"{gen.campaign} / {gen.try_number}")
            )
        rows += fact_rows(gen.facts, t, ARCHIVE_REF)
        for c in gen.corrections:
            rows.append(
                (
                    t("Later correction", "后续更正"),
                    t(
                        f"event {c.get('seq')}: {c.get('action')}: {c.get('value')} (the prompt above is unchanged, as captured)",
                        f"日志{c.get('seq')}：{c.get('action')}：{c.get('value')}（上方提示词保持取证时原样）",
                    ),
                )
            )
        out.append(kv_table(rows, s, self.width))
        return out

    def item(self, view: ItemView) -> list[Flowable]:
        s, t = self.styles, self.lang.t
        item = view.item
        role = view.role.split(":")[0]
        head = f"{view.label} — {t(kind_en(item.kind), kind_zh(item.kind))}"
        if role not in ("item", item.kind):
            head += f" ({role})"
        images = self.images(view)
        if images:
            out: list[Flowable] = [KeepTogether([P(head, s.h2), *images[:2]]), *images[2:]]
        else:
            out = [CondPageBreak(120), P(head, s.h2)]
        rows = self._file_rows(view)
        rows += self._provenance_rows(view)
        rows += self._annotation_rows(view)
        out.append(kv_table(rows, s, self.width))
        return out

    def _file_rows(self, view: ItemView) -> list[tuple[str, Any]]:
        """The file itself: where it is in the archive, its kind, size, hashes and how it came."""
        s, t = self.styles, self.lang.t
        item = view.item
        rows: list[tuple[str, Any]] = [
            (t("File in the archive", "归档包中的文件"), P(break_path(view.native_name), s.mono)),
            (t("Type", "类型"), f"{item.media_type} ({item.kind})"),
            (t("Size", "大小"), t(f"{item.size:,} bytes", f"{item.size:,} 字节")),
        ]
        if item.width and item.height:
            rows.append((t("Dimensions", "尺寸"), f"{item.width} × {item.height} px"))
        rows.append(("SHA-256", P(item.sha256, s.mono)))
        if self.lang.zh:
            rows.append(("SM3", P(item.sm3, s.mono)))
        rows += [
            (t("Acquired", "取得时间"), self.lang.time(item.acquired_at, item.local_offset)),
            (t("Operator", "操作人"), item.operator or "—"),
            (t("Method", "取得方式"), item.method),
            (t("Tool", "工具及版本"), item.tool),
            (t("Source", "来源"), item.source or "—"),
        ]
        if item.parent_id is not None:
            rows.append(
                (
                    t("Derived from", "派生自"),
                    self.bundle.item_exhibit.get(item.parent_id, f"item {item.parent_id}"),
                )
            )
        rows.append((t("Trusted timestamps", "可信时间戳"), self._tokens(view)))
        return rows

    def _provenance_rows(self, view: ItemView) -> list[tuple[str, Any]]:
        """What the file's own metadata says: prompt, generator, C2PA, AI labels, conflicts."""
        t = self.lang.t
        item = view.item
        prov = item.provenance if isinstance(item.provenance, dict) else {}
        rows: list[tuple[str, Any]] = []
        if prov.get("prompt"):
            rows.append(
                (t("Prompt in the file's metadata", "文件元数据中的提示词"), prov.get("prompt"))
            )
        if prov.get("negative_prompt"):
            rows.append(
                (
                    t("Negative prompt (metadata)", "反向提示词（元数据）"),
                    prov.get("negative_prompt"),
                )
            )
        if prov.get("generator") or prov.get("parameters"):
            rows.append(
                (
                    t("Generator and parameters", "生成器及参数"),
                    " — ".join(
                        x
                        for x in (
                            value_text(prov.get("generator") or ""),
                            facts_text(prov.get("parameters") or {}, t, ARCHIVE_REF),
                        )
                        if x
                    ),
                )
            )
        if item.media_type.startswith("image/"):
            rows.append(
                (t("C2PA manifest", "C2PA内容凭证"), c2pa_text(prov.get("c2pa"), self.lang))
            )
            rows.append(
                (t("AI labels", "AI生成标识"), labels_text(prov.get("ai_labels"), self.lang))
            )
            if prov.get("absent"):
                rows.append(
                    (
                        t("Looked for, not found", "查找但未发现"),
                        ", ".join(map(str, prov["absent"])),
                    )
                )
        findings = provenance_findings_text(prov)
        if findings:
            rows.append((t("Conflicts and C2PA verdict", "记录冲突及C2PA结论"), findings))
        if prov.get("errors"):
            rows.append(
                (t("Metadata problems", "元数据问题"), "; ".join(map(str, prov["errors"][:10])))
            )
        return rows

    def _annotation_rows(self, view: ItemView) -> list[tuple[str, Any]]:
        """Media notes, the text layer, tags, notes and corrections added to the item."""
        t = self.lang.t
        item = view.item
        rows: list[tuple[str, Any]] = []
        if item.media_notes:
            rows.append((t("Media notes", "媒体说明"), "; ".join(map(str, item.media_notes[:10]))))
        if view.is_image and item.id in self.bundle.ocr:
            from app.report.ocr_layer import fact_text

            rows.append(
                (
                    t("Text layer", "文字层"),
                    fact_text(self.bundle.ocr[item.id], self.lang.zh),
                )
            )
        if view.tags:
            rows.append((t("Tags", "标签"), ", ".join(view.tags)))
        for note in view.notes:
            rows.append(
                (t("Note", "备注"), f"{note['text']} — {note['actor']}, {utc_text(note['at_utc'])}")
            )
        for note in view.corrections:
            rows.append(
                (
                    t("Correction", "更正"),
                    f"{note['text']} — {note['actor']}, {utc_text(note['at_utc'])}",
                )
            )
        return rows

    def _tokens(self, view: ItemView) -> str:
        t = self.lang.t
        if not view.tokens:
            return t("none: time not yet attested", "无：取得时间尚未经可信时间戳确认")
        parts = []
        for tok in view.tokens:
            parts.append(
                f"{tok.tsa_name or tok.tsa_url} — genTime {utc_text(tok.gen_time)}"
                + (f"（北京时间 {beijing_text(tok.gen_time)}）" if self.lang.zh else "")
                + f" — serial {tok.serial} — policy {tok.policy_oid} — {tok.file_stem}.tsr"
            )
        return "\n".join(parts)

    def images(self, view: ItemView) -> list[Flowable]:
        """The item's picture (see :class:`ExhibitPictures`)."""
        return ExhibitPictures(self.ctx).images(view)


class ExhibitPictures(Pages):
    """An item's picture: fitted, sliced when too tall, and a screenshot at a legible scale."""

    def images(self, view: ItemView) -> list[Flowable]:
        """The item's picture: fitted to the frame, or in slices when it is too tall for a
        page; a screenshot then again at a legible scale."""
        s = self.styles
        item = view.item
        if not view.is_image or not item.width or not item.height:
            return []
        scale = min(1.0, self.width / float(item.width))
        tall = float(item.height) * scale > self.height * 0.9
        out, note = self._sliced(view, scale) if tall else self._fitted(view, scale)
        out.append(P(note, s.small))
        out.append(Spacer(1, 4))
        if view.role.startswith("screenshot") or item.kind == "screenshot":
            out += self._legible(view)
        return out

    def _image(self, view: ItemView, w: float, h: float, **options: Any) -> EvidenceImage:
        item = view.item
        return EvidenceImage(
            self.objects(item.sha256),
            w,
            h,
            placeholder=self.layout_only,
            styles=self.styles,
            text_layer=self.bundle.ocr.get(item.id),
            t=self.lang.t,
            **options,
        )

    def _fitted(self, view: ItemView, scale: float) -> tuple[list[Flowable], str]:
        """The whole picture at most half the frame high, with the note saying its scale."""
        item = view.item
        scale = min(scale, self.height * 0.5 / float(item.height))
        path = self.objects(item.sha256)
        image = self._image(
            view,
            item.width * scale,
            item.height * scale,
            passthrough=None if self.layout_only else probe(path, item.media_type),
            key=item.sha256,
        )
        note = self.lang.t(
            f"Shown at {scale * 100:.0f}% of its natural size of {item.width} × {item.height} pixels; the native file is listed above.",
            f"按原始尺寸{item.width} × {item.height}像素的{scale * 100:.0f}%显示；原始文件见上表。",
        )
        return [image], note

    def _sliced(self, view: ItemView, scale: float) -> tuple[list[Flowable], str]:
        """A picture too tall for one page, fitted to the width in consecutive slices."""
        s, t = self.styles, self.lang.t
        item = view.item
        spans = slice_rows(item.height, max(1, int(self.height * 0.88 / scale)))
        count = len(spans)
        out: list[Flowable] = []
        for index, (top, bottom) in enumerate(spans):
            out.append(
                self._image(
                    view,
                    item.width * scale,
                    (bottom - top) * scale,
                    crop=(0, top, item.width, bottom),
                )
            )
            out.append(
                P(
                    t(
                        f"Part {index + 1} of {count} (pixel rows {top}–{bottom - 1})",
                        f"第{index + 1}部分，共{count}部分（像素行{top}–{bottom - 1}）",
                    ),
                    s.tiny,
                )
            )
        note = t(
            f"A tall image of {item.width} × {item.height} pixels, shown at {scale * 100:.0f}% in {count} consecutive parts; the native file is listed above.",
            f"长图，原始尺寸{item.width} × {item.height}像素，按{scale * 100:.0f}%分{count}部分连续显示；原始文件见上表。",
        )
        return out, note

    def _legible(self, view: ItemView) -> list[Flowable]:
        """A screenshot again, in tiles at a legible scale (nothing when it already is)."""
        s = self.styles
        item = view.item

        def tile(w: float, h: float, crop: tuple[int, int, int, int]) -> Flowable:
            return self._image(view, w, h, crop=crop)

        return legible_tiles(
            item.width,
            item.height,
            self.width,
            self.height,
            tile,
            lambda text, style: P(text, getattr(s, style)),
            self.lang.t,
        )


def slice_rows(height_px: int, slice_px: int) -> list[tuple[int, int]]:
    """Pixel rows (top, bottom) of the consecutive slices of a picture ``height_px`` tall, each
    at most ``slice_px`` rows and all of about the same height (no last sliver on its own page)."""
    return balanced_spans(height_px, slice_px)
