"""The platform notice: a separate, unstamped DRAFT for the rights holder to review and sign.

It is not evidence and not part of the Bates-numbered filing. It names only outputs shown to
match (accusing the wrong images is a DMCA §512(f) risk), by the rule printed in it: the user
flagged them (tag ``flagged``), a comparison chart pairs them with a work in a positive band,
or Proofshot's ``match`` ranking rates them ``high`` against a work. Each is identified the way
the platform can find it (its URL on the platform, job id, generation time), never by a path
on the user's computer. The English text carries the DMCA §512(c)(3)(A) elements, the Chinese
text the Civil Code art. 1195 elements; both cite the complaint duties of the Interim
Measures for Generative AI Services (arts. 14–15) and carry the same date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate

from app.core.case import Case
from app.core.errors import ProofshotError
from app.duties.rules import ABSENT, NOT_CHECKED, PARTIAL, PRESENT
from app.report import duties as duties_report
from app.report.declarations import BLANK, Block, blocks_to_text
from app.report.fonts import CJK, SANS_BOLD
from app.report.model import Bundle, short

FLAG_TAGS = ("flagged",)
"""Tags by which a user flags an output for the notice."""
MATCH_BAND = "high"

SELECTION_RULE_EN = (
    "Selection rule: this notice lists only outputs that the user flagged (tag “flagged”), "
    "that a comparison chart pairs with a work in a positive band, or that Proofshot's "
    "`match` ranking rates “high” against a work. That ranking is the tool's measurement of "
    "similarity, not an expert opinion."
)
SELECTION_RULE_ZH = (
    "选取规则：本通知仅列出用户标记为“flagged”的生成图片、比对图认定与权利作品相似的生成图片，"
    "或Proofshot的match排序评为“high”（高）的生成图片。该排序系本工具的相似度测量结果，并非专家意见。"
)


@dataclass
class NoticeOutput:
    item_id: int
    label: str
    sha256: str
    platform_url: str | None
    job_id: str | None
    generated_at: str | None
    prompt: str | None
    reasons_en: list[str] = field(default_factory=list)
    reasons_zh: list[str] = field(default_factory=list)
    work_ids: list[int] = field(default_factory=list)


Ranking = Mapping[int, Sequence[Mapping[str, Any]]]
"""item id -> works ranked by ``match`` (dicts with work_id, title, band)."""


def output_candidates(bundle: Bundle) -> list[int]:
    """Item ids of exhibited outputs: generation outputs, files carrying a prompt or an AI
    label (C2PA, IPTC digital source type, TC260), and anything the user flagged."""
    ids: list[int] = []
    for ex in bundle.exhibits:
        for gen in ex.generations:
            ids += [i for i in gen.outputs if i not in ids]
        for view in ex.items:
            prov = view.item.provenance if isinstance(view.item.provenance, dict) else {}
            ai = prov.get("prompt") or prov.get("ai_labels")
            if (ai or set(FLAG_TAGS) & set(view.tags)) and view.item.id not in ids:
                ids.append(view.item.id)
    return ids


def select_outputs(bundle: Bundle, ranking: Ranking | None = None) -> list[NoticeOutput]:
    """The outputs the notice may name, each with the reasons it meets the rule."""
    views = {v.item.id: v for v in bundle.item_views()}
    gens = {i: g for ex in bundle.exhibits for g in ex.generations for i in g.outputs}
    charts = [ex.chart for ex in bundle.exhibits if ex.chart is not None]
    chosen: list[NoticeOutput] = []
    for item_id in output_candidates(bundle):
        view = views.get(item_id)
        if view is None:
            continue
        item, gen = view.item, gens.get(item_id)
        facts = item.source_facts if isinstance(item.source_facts, dict) else {}
        prov = item.provenance if isinstance(item.provenance, dict) else {}
        url = item.source if item.source.startswith(("http://", "https://")) else None
        out = NoticeOutput(
            item_id,
            view.label,
            item.sha256,
            url,
            (gen.job_id if gen is not None else None) or facts.get("job_id"),
            (gen.returned_at if gen is not None else None) or facts.get("received_at"),
            (gen.prompt if gen is not None else None) or prov.get("prompt"),
        )
        if set(FLAG_TAGS) & set(view.tags):
            out.reasons_en.append("flagged by the user")
            out.reasons_zh.append("用户标记")
        for chart in charts:
            if chart.item_id == item_id and chart.positive:
                out.reasons_en.append(
                    f"comparison chart beside Exhibit {chart.work_exhibit} (band {chart.band})"
                )
                out.reasons_zh.append(f"与证据{chart.work_exhibit}的比对图（{chart.band}）")
                out.work_ids.append(chart.work_id)
        for entry in (ranking or {}).get(item_id, [])[:3]:
            if str(entry.get("band")) == MATCH_BAND:
                out.reasons_en.append(f"`match` rates it high against “{entry.get('title')}”")
                out.reasons_zh.append(f"match评为与《{entry.get('title')}》高度相似")
                out.work_ids.append(int(entry["work_id"]))
        if out.reasons_en:
            chosen.append(out)
    return chosen


def match_ranking(
    case: Case, item_ids: Sequence[int]
) -> tuple[dict[int, list[dict[str, Any]]], str]:
    """Run ``match`` on the candidate outputs; (ranking, note) — the note says if it could not."""
    if not item_ids:
        return {}, ""
    from app.compare.case_matching import match_case  # heavy: loaded only for a notice

    try:
        results = match_case(case, list(item_ids), workers=1)
    except ProofshotError as exc:
        return {}, f"`match` was not run: {exc}"
    ranking: dict[int, list[dict[str, Any]]] = {}
    for result in results:
        record = result.as_dict()
        ranking[int(record["item_id"])] = list(record.get("matches") or [])
    return ranking, ""


def notice_date(bundle: Bundle) -> str:
    """One date for both languages: the UTC date of the last logged event."""
    return bundle.document_time.strftime("%Y-%m-%d")


def _timestamps(bundle: Bundle, *, zh: bool) -> str:
    d = bundle.declaration
    if d.item_tokens:
        if zh:
            return f"证据文件以SHA-256标识，并由{'、'.join(d.tsa_names)}签发可信时间戳。"
        return (
            f"The exhibits are identified by SHA-256 and timestamped by {', '.join(d.tsa_names)}."
        )
    if zh:
        return "证据文件以SHA-256标识；未取得可信时间戳。"
    return "The exhibits are identified by SHA-256; no trusted timestamp was obtained for them."


def _works(bundle: Bundle, outputs: Sequence[NoticeOutput]) -> list[Any]:
    named = {w for o in outputs for w in o.work_ids}
    works = [ex for ex in bundle.exhibits if ex.kind == "work" and ex.work is not None]
    chosen = [ex for ex in works if ex.work is not None and ex.work.id in named]
    return chosen or works


def _platform(bundle: Bundle) -> str:
    cover = bundle.cover
    if cover.get("platform_name"):
        return cover["platform_name"]
    hosts = [s.host for s in bundle.declaration.sites if s.host]
    return hosts[0] if hosts else ""


def _duty_blocks(bundle: Bundle, *, zh: bool) -> list[Block]:
    """The platform-duty findings (complaint channel, labels, filtering …) the notice cites."""
    lines = duties_report.notice_lines(bundle, zh=zh)
    if not lines:
        return []
    head = (
        "平台义务（见证据材料附录“平台义务”）"
        if zh
        else "Platform duties (see the Platform duties appendix of the filing)"
    )
    return [Block("heading", head), *(Block("para", line) for line in lines)]


def _notice_duties(bundle: Bundle) -> list[Any]:
    """The checklists the letter cites: the addressed platform's, else every platform's."""
    found = list(bundle.duties or [])
    platform = _platform(bundle).lower()
    mine = [pd for pd in found if pd.platform == platform]
    return mine or found


def _cite(f: Any, bundle: Bundle, *, zh: bool) -> str:
    """“observed 2026-…, Exhibit 3.2” for a finding (dates and exhibits it rests on)."""
    refs = duties_report.exhibit_refs(f.exhibits, bundle.item_exhibit, zh=zh)
    dates = duties_report._dates(f)
    return f"观察日期{dates}，证据{refs}" if zh else f"observed {dates}, Exhibit {refs}"


def _quoted(prompts: Sequence[str], *, zh: bool) -> str:
    shown = [f"“{short(p, 80)}”" for p in prompts[:5]]
    more = len(prompts) - len(shown)
    if more > 0:
        shown.append(f"另{more}条" if zh else f"{more} more")
    return ("、" if zh else ", ").join(shown)


def duty_sentences(f: Any, bundle: Bundle, *, zh: bool) -> str | None:
    """One letter sentence stating a recorded finding; None when it was not checked."""
    if f.finding == NOT_CHECKED:
        return None
    cite = _cite(f, bundle, zh=zh)
    sh = f.shares or {}
    if f.duty == "complaint":
        return {
            (PRESENT, False): "Our records show a complaint or report channel linked from the "
            f"generation page ({cite}); we ask that this notice be handled through it.",
            (PARTIAL, False): "Our records show a page presented as the complaint channel, but "
            f"no link to it from the generation page ({cite}).",
            (ABSENT, False): "Our records show no complaint or report channel reachable from the "
            f"generation page: its links were searched and none leads to one ({cite}).",
            (
                PRESENT,
                True,
            ): f"我方记录显示，生成页面载有投诉举报渠道的链接（{cite}），请通过该渠道处理本通知。",
            (
                PARTIAL,
                True,
            ): f"我方记录显示，存在被作为投诉渠道的页面，但生成页面上未见通往该页面的链接（{cite}）。",
            (
                ABSENT,
                True,
            ): f"我方记录显示，从生成页面无法到达任何投诉或举报渠道：已检索该页面全部链接，均不指向投诉举报渠道（{cite}）。",
        }.get((f.finding, zh))
    if f.duty == "terms":
        return {
            (PRESENT, False): "Our records show terms of service warning users about "
            f"infringement ({cite}).",
            (PARTIAL, False): "Our records show a warning to users about infringement only in "
            f"part: no captured terms page carries one, or it is only on the generation page ({cite}).",
            (ABSENT, False): "Our records show no warning to users about infringement: no terms "
            f"page is linked from the generation page and its text holds none ({cite}).",
            (PRESENT, True): f"我方记录显示，用户协议载有侵权风险提示（{cite}）。",
            (
                PARTIAL,
                True,
            ): f"我方记录显示，侵权风险提示仅部分存在：所捕获的用户协议页面未载有该提示，或仅见于生成页面（{cite}）。",
            (
                ABSENT,
                True,
            ): f"我方记录显示，未见对用户的侵权风险提示：生成页面未载有用户协议链接，其文字中亦无该提示（{cite}）。",
        }.get((f.finding, zh))
    if f.duty == "explicit-label":
        n, d = int(sh.get("outputs_with_visible_label", 0)), int(sh.get("outputs_checked", 0))
        if zh:
            return f"我方记录显示，所检查的{d}个生成图片中，{n}个显示可见的AI生成标识（{cite}）。"
        return (
            f"Our records show a visible AI-generated label with {n} of the {d} outputs "
            f"checked ({cite})."
        )
    if f.duty == "implicit-label":
        n, d = int(sh.get("any", 0)), int(sh.get("outputs", 0))
        if zh:
            return (
                f"我方记录显示，{d}个生成文件中，{n}个在元数据中含隐式标识"
                f"（TC260 AIGC、IPTC DigitalSourceType或C2PA）（{cite}）。"
            )
        return (
            f"Our records show an implicit AI label in the metadata (TC260 AIGC, IPTC "
            f"DigitalSourceType or C2PA) of {n} of the {d} output files ({cite})."
        )
    if f.duty == "keyword-filter":
        d, n = int(sh.get("prompts", 0)), int(sh.get("refused", 0))
        generated = list(sh.get("generated_prompts") or [])
        if zh:
            text = f"我方记录显示，含权利作品名称的{d}条不同提示词中，{n}条被拒绝"
            if generated:
                text += f"，其余均生成了图片：{_quoted(generated, zh=True)}"
            return text + f"（{cite}）。"
        text = f"Our records show that {n} of {d} distinct prompts naming the work were refused"
        if generated:
            text += f"; images were generated for {_quoted(generated, zh=False)}"
        return text + f" ({cite})."
    return None


def _duty_letter(bundle: Bundle, *, zh: bool) -> list[Block]:
    """The letter's paragraph stating the platform-duty findings (recorded ones only)."""
    many = len(_notice_duties(bundle)) > 1
    paras: list[Block] = []
    for pd in _notice_duties(bundle):
        said = [s for f in pd.current() if (s := duty_sentences(f, bundle, zh=zh))]
        if not said:
            continue
        if many:
            said.insert(0, f"{pd.platform}：" if zh else f"{pd.platform}:")
        paras.append(Block("para", ("" if zh else " ").join(said)))
    if not paras:
        return []
    head = "平台义务的履行情况" if zh else "The platform's duties as our records show them"
    return [Block("heading", head), *paras]


def _keyword_finding(bundle: Bundle) -> Any:
    """The keyword-filtering finding the arts. 14–15 request rests on (None if unchecked)."""
    for pd in _notice_duties(bundle):
        for f in pd.current():
            if f.duty == "keyword-filter" and f.finding != NOT_CHECKED:
                return f
    return None


def _filter_request(bundle: Bundle, *, zh: bool) -> str:
    """What the arts. 14–15 request adds from the keyword-filtering finding."""
    f = _keyword_finding(bundle)
    if f is None:
        return ""
    cite = _cite(f, bundle, zh=zh)
    generated = list((f.shares or {}).get("generated_prompts") or [])
    refused = list((f.shares or {}).get("refused_prompts") or [])
    if generated:
        return (
            f"我方记录显示，以下含权利作品名称的提示词未被拒绝并生成了图片：{_quoted(generated, zh=True)}"
            f"（{cite}），请对其采取关键词过滤措施。"
            if zh
            else f" Our records show that these prompts naming the work were not refused and "
            f"produced images: {_quoted(generated, zh=False)} ({cite}); filter them."
        )
    return (
        f"我方记录显示，提示词{_quoted(refused, zh=True)}已被拒绝（{cite}），请保持并扩展该过滤措施。"
        if zh
        else f" Our records show that the prompts {_quoted(refused, zh=False)} were refused "
        f"({cite}); keep that filtering in place and extend it to other prompts naming the work."
    )


def notice_en(bundle: Bundle, outputs: Sequence[NoticeOutput], note: str = "") -> list[Block]:
    """The DMCA-style notice: (ii) the works, (iii) the material, duties, (iv)–(vi), what we ask."""
    works = _works(bundle, outputs)
    blocks = _opening_en(bundle, outputs, note)
    blocks += _works_en(works)
    blocks += _material_en(outputs)
    blocks.append(Block("para", _timestamps(bundle, zh=False)))
    blocks += _duty_letter(bundle, zh=False)
    blocks += _duty_blocks(bundle, zh=False)
    blocks += _closing_en(bundle, works)
    return blocks


def _opening_en(bundle: Bundle, outputs: Sequence[NoticeOutput], note: str) -> list[Block]:
    """Title, the draft warning, addressee, channel, date, the selection rule and its count."""
    cover = bundle.cover
    platform = _platform(bundle)
    candidates = len(output_candidates(bundle))
    return [
        Block("title", "DRAFT — NOTICE OF INFRINGING AI-GENERATED CONTENT"),
        Block(
            "subtitle",
            "Draft prepared by Proofshot from the case record, for review and signature by the "
            "rights holder or its authorised agent. Not evidence; not part of the filing.",
        ),
        Block(
            "para",
            f"To: {cover.get('platform_operator') or BLANK + ' [platform operator]'}"
            + (f", operator of {platform}" if platform else ""),
        ),
        Block(
            "para",
            f"Sent through: {cover.get('platform_contact') or BLANK + ' [designated agent / complaint channel]'}",
        ),
        Block("para", f"Date: {notice_date(bundle)}"),
        Block("para", SELECTION_RULE_EN + (f" {note}" if note else "")),
        Block(
            "para",
            f"{len(outputs)} of {candidates} exhibited output(s) meet this rule"
            + ("; the others are not named here." if candidates > len(outputs) else "."),
        ),
    ]


def _works_en(works: list[Any]) -> list[Block]:
    """(ii) Each copyrighted work with its owner, registration and exhibit, or a blank to fill."""
    blocks = [Block("heading", "(ii) The copyrighted work(s)")]
    for ex in works:
        w = ex.work
        assert w is not None
        blocks.append(
            Block(
                "para",
                f"“{w.title}”, owned by {w.owner or BLANK}, registration "
                f"{w.registration or BLANK} of {w.registration_date or BLANK} (Exhibit {ex.number}).",
            )
        )
    if not works:
        blocks.append(Block("para", f"{BLANK} [the work, its owner and registration]"))
    return blocks


def _material_en(outputs: Sequence[NoticeOutput]) -> list[Block]:
    """(iii) Each selected output: where it is, its job id, prompt, hash and why it is listed."""
    blocks = [Block("heading", "(iii) The material and where to find it")]
    for o in outputs:
        blocks.append(
            Block(
                "para",
                f"Output {o.label}: "
                + (f"at {o.platform_url}" if o.platform_url else "platform URL not recorded")
                + (f"; job id {o.job_id}" if o.job_id else "; no job id recorded")
                + (f"; generated {o.generated_at}" if o.generated_at else "")
                + (f"; prompt “{short(o.prompt, 200)}”" if o.prompt else "")
                + f"; SHA-256 {o.sha256}. Listed because: {'; '.join(o.reasons_en)}.",
            )
        )
    if not outputs:
        blocks.append(
            Block(
                "para",
                "No output meets the selection rule; flag or chart the outputs concerned before "
                "sending a notice.",
            )
        )
    return blocks


def _closing_en(bundle: Bundle, works: list[Any]) -> list[Block]:
    """(iv) contact details, (v) good faith, (vi) accuracy and authority, the requests, signature."""
    cover = bundle.cover
    owners = sorted({ex.work.owner for ex in works if ex.work and ex.work.owner})
    return [
        Block("heading", "(iv) Contact details of the complaining party"),
        Block(
            "para",
            f"Name: {cover.get('prepared_by') or BLANK}; on behalf of: "
            f"{', '.join(owners) or cover.get('parties') or BLANK}; address: {BLANK}; "
            f"telephone: {BLANK}; e-mail: {BLANK}.",
        ),
        Block("heading", "(v) Good faith"),
        Block(
            "para",
            "I have a good faith belief that use of the material in the manner complained of is "
            "not authorized by the copyright owner, its agent, or the law.",
        ),
        Block("heading", "(vi) Accuracy and authority"),
        Block(
            "para",
            "The information in this notification is accurate, and under penalty of perjury, I am "
            "authorized to act on behalf of the owner of an exclusive right that is allegedly "
            "infringed.",
        ),
        Block("heading", "What we ask"),
        Block("numbered", "1. Remove or disable access to the material listed above."),
        Block(
            "numbered",
            "2. As Articles 14 and 15 of the PRC Interim Measures for the Administration of "
            "Generative Artificial Intelligence Services (2023) require of a provider: stop "
            "generating and transmitting such content, rectify the model (for example by "
            "optimisation training) and filter the prompts listed, and handle this complaint "
            "through your complaint mechanism promptly." + _filter_request(bundle, zh=False),
        ),
        Block("numbered", "3. Preserve the logs, prompts and outputs relating to these requests."),
        Block(
            "signature",
            "",
            (
                ("(i) Signature", BLANK),
                ("Name", cover.get("prepared_by") or BLANK),
                ("Date", notice_date(bundle)),
            ),
        ),
    ]


def notice_zh(bundle: Bundle, outputs: Sequence[NoticeOutput], note: str = "") -> list[Block]:
    cover = bundle.cover
    platform = _platform(bundle)
    works = _works(bundle, outputs)
    owners = sorted({ex.work.owner for ex in works if ex.work and ex.work.owner})
    blocks = [
        Block("title", "侵权通知书（草稿）"),
        Block(
            "subtitle",
            "本草稿由Proofshot依据案件记录生成，须经权利人或其授权代理人审阅并签署后方可发出；"
            "本文件不是证据，亦不属于提交的证据材料。",
        ),
        Block(
            "para",
            f"致：{cover.get('platform_operator') or BLANK + '［平台运营者］'}"
            + (f"（{platform}的运营者）" if platform else ""),
        ),
        Block("para", f"投诉渠道：{cover.get('platform_contact') or BLANK + '［投诉入口或地址］'}"),
        Block("para", f"日期：{notice_date(bundle)}"),
        Block("para", SELECTION_RULE_ZH + (f"（{note}）" if note else "")),
        Block("heading", "一、权利人的真实身份信息（《民法典》第一千一百九十五条）"),
        Block(
            "para",
            f"权利人：{'、'.join(owners) or cover.get('parties') or BLANK}；统一社会信用代码或身份证件号码："
            f"{BLANK}；住所：{BLANK}；联系人：{cover.get('prepared_by') or BLANK}；联系电话：{BLANK}；"
            f"电子邮箱：{BLANK}。",
        ),
        Block("heading", "二、权利作品"),
    ]
    for ex in works:
        w = ex.work
        assert w is not None
        blocks.append(
            Block(
                "para",
                f"《{w.title}》，权利人{w.owner or BLANK}，登记号{w.registration or BLANK}，"
                f"登记日期{w.registration_date or BLANK}（证据{ex.number}）。",
            )
        )
    blocks.append(Block("heading", "三、构成侵权的初步证据及侵权内容的位置"))
    for o in outputs:
        blocks.append(
            Block(
                "para",
                f"生成图片{o.label}："
                + (f"平台网址{o.platform_url}" if o.platform_url else "未记录平台网址")
                + (f"；任务编号{o.job_id}" if o.job_id else "；未记录任务编号")
                + (f"；生成时间{o.generated_at}" if o.generated_at else "")
                + (f"；提示词“{short(o.prompt, 200)}”" if o.prompt else "")
                + f"；SHA-256 {o.sha256}。列入理由：{'；'.join(o.reasons_zh)}。",
            )
        )
    if not outputs:
        blocks.append(Block("para", "没有生成图片符合选取规则；发出通知前请先标记或比对相关图片。"))
    blocks.append(Block("para", _timestamps(bundle, zh=True) + "详见所附证据材料。"))
    blocks += _duty_letter(bundle, zh=True)
    blocks += _duty_blocks(bundle, zh=True)
    blocks += [
        Block("heading", "四、请求"),
        Block("numbered", "1. 删除或屏蔽上述内容；"),
        Block(
            "numbered",
            "2. 依照《生成式人工智能服务管理暂行办法》第十四条、第十五条，停止生成、停止传输上述内容，"
            "采取模型优化训练等措施进行整改，对上述提示词采取关键词过滤措施，并通过投诉处理机制及时处理本投诉。"
            + _filter_request(bundle, zh=True),
        ),
        Block("numbered", "3. 保存与上述请求相关的日志、提示词及生成结果。"),
        Block("para", "本人保证本通知内容真实，并对通知错误造成的后果依法承担责任。"),
        Block(
            "signature",
            "",
            (
                ("权利人或代理人（签名/盖章）", BLANK),
                ("姓名", cover.get("prepared_by") or BLANK),
                ("日期", notice_date(bundle)),
            ),
        ),
    ]
    return blocks


def write_notice(
    bundle: Bundle,
    folder: Path,
    *,
    objects: Callable[[str], Path],
    ranking: Ranking | None = None,
    note: str = "",
) -> list[Path]:
    """Write ``DRAFT-platform-notice.pdf`` and its text files into ``folder`` (unstamped)."""
    from app.report.pdf import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, Renderer

    folder.mkdir(parents=True, exist_ok=True)
    outputs = select_outputs(bundle, ranking)
    written: list[Path] = []
    parts: list[tuple[list[Block], bool]] = []
    if bundle.options.english:
        parts.append((notice_en(bundle, outputs, note), False))
        path = folder / "DRAFT-platform-notice-en.txt"
        path.write_text(blocks_to_text(parts[-1][0]), "utf-8")
        written.append(path)
    if bundle.options.chinese:
        parts.append((notice_zh(bundle, outputs, note), True))
        path = folder / "DRAFT-platform-notice-zh.txt"
        path.write_text(blocks_to_text(parts[-1][0]), "utf-8")
        written.append(path)
    renderer = Renderer(bundle, objects, folder, layout_only=True)
    story: list[Any] = []
    for index, (blocks, cjk) in enumerate(parts):
        if index:
            story.append(PageBreak())
        story += renderer.blocks(blocks, cjk=cjk)
    pdf_path = folder / "DRAFT-platform-notice.pdf"

    def draft_mark(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        top = doc.pagesize[1] - 30
        canvas.setFont(SANS_BOLD, 9)
        english = "DRAFT — not evidence, not part of the filing"
        canvas.drawString(doc.leftMargin, top, english)
        canvas.setFont(CJK, 9)
        canvas.drawString(
            doc.leftMargin + canvas.stringWidth(english, SANS_BOLD, 9) + 8,
            top,
            "草稿——非证据，不属于提交材料",
        )
        canvas.restoreState()

    doc = BaseDocTemplate(
        str(pdf_path),
        pagesize=renderer.page_size,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        invariant=1,
        title="DRAFT platform notice",
        creator=bundle.tool,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        renderer.width,
        renderer.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=draft_mark)])
    doc.build(story)
    written.append(pdf_path)
    return written
