"""Declarations and the platform complaint letter, filled from the logged facts.

Each document is a list of plain-text :class:`Block` s: the filing PDF lays them out (escaping
every character), and the archive writes the letter as text. Nothing here states a fact the
case does not hold: missing facts become blanks for the declarant to fill in by hand, and
limits of a client-side capture are said plainly.

* English: a declaration under 28 U.S.C. § 1746 that also serves as the written
  certification FRE 902(13) and 902(14) call for, with the elements the standards page lists
  (qualification, personal knowledge, process and why it is accurate, data identified,
  hashes at capture and at export, custody and conversions, site-to-operator facts, jurat).
* Chinese: 取证过程说明, taking the factors of art. 93 of the SPC Provisions on Evidence
  in Civil Procedure point by point, with times in Beijing time.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.report.model import (
    Bundle,
    Exhibit,
    beijing_text,
    marks_zh,
    short,
    utc_text,
)

BLANK = "________________________"


@dataclass(frozen=True)
class Block:
    kind: str  # title | subtitle | heading | para | numbered | mono | signature
    text: str
    fields: tuple[tuple[str, str], ...] = ()


def _or_blank(value: str, hint: str = "") -> str:
    value = (value or "").strip()
    if value:
        return value
    return f"{BLANK}{f' [{hint}]' if hint else ''}"


def _exhibit_range(bundle: Bundle) -> str:
    count = len(bundle.exhibits)
    return "none" if count == 0 else ("Exhibit 1" if count == 1 else f"Exhibits 1–{count}")


def _verification_en(bundle: Bundle) -> str:
    v = bundle.verification
    if not v:
        return "verification at export was not run"
    if v.get("intact"):
        return (
            f"intact: {v.get('events', 0)} custody-log entries recomputed and linked, "
            f"{v.get('objects_checked', 0)} stored files re-hashed, every value matching the "
            "value recorded at acquisition"
        )
    problems = "; ".join(p.get("message", "") for p in v.get("problems", [])[:20])
    return f"NOT intact — {len(v.get('problems', []))} problem(s): {problems}"


def _verification_zh(bundle: Bundle) -> str:
    v = bundle.verification
    if not v:
        return "导出时未执行校验"
    if v.get("intact"):
        return (
            f"完整：重新计算并核对保管日志条目{v.get('events', 0)}条，重新计算哈希值的文件"
            f"{v.get('objects_checked', 0)}个，均与取得时记录的数值一致"
        )
    problems = "；".join(p.get("message", "") for p in v.get("problems", [])[:20])
    return f"不完整——发现{len(v.get('problems', []))}个问题：{problems}"


def _site_sentences_en(bundle: Bundle) -> list[str]:
    out = []
    for site in bundle.declaration.sites:
        parts = [f"The pages at {site.host or 'an unnamed host'} ({', '.join(site.urls[:4])})"]
        if site.server_ips:
            parts.append(f"were served from IP address(es) {', '.join(site.server_ips[:6])}")
        else:
            parts.append("were captured (no server IP address was recorded)")
        sentence = " ".join(parts) + "."
        for tls in site.tls[:3]:
            subject = tls.get("subject") or tls.get("subject_cn") or "an unnamed subject"
            issuer = tls.get("issuer") or "an unnamed issuer"
            fingerprint = tls.get("fingerprint_sha256") or tls.get("sha256") or ""
            sentence += (
                f" The TLS certificate presented on the capture's own connection was issued to "
                f"{subject} by {issuer}"
                + (f" (SHA-256 fingerprint {fingerprint})" if fingerprint else "")
                + "."
            )
        if site.marks:
            sentence += (
                f" Pages captured from the site include its {', '.join(site.marks)} page(s)."
            )
        out.append(sentence)
    return out


def declaration_en(bundle: Bundle) -> list[Block]:
    d = bundle.declaration
    cover = bundle.cover
    declarant = _or_blank(d.declarant, "name")
    role = _or_blank(d.declarant_role, "role and qualification")
    v_sentence = _verification_en(bundle)
    blocks = [
        Block("title", f"DECLARATION OF {declarant.upper()}"),
        Block(
            "subtitle",
            "under 28 U.S.C. § 1746, and certification of electronic records under Federal Rules "
            "of Evidence 902(13) and 902(14)",
        ),
    ]
    if cover.get("caption") or cover.get("court"):
        blocks.append(
            Block("para", " — ".join(x for x in (cover.get("court"), cover.get("caption")) if x))
        )
    blocks.append(Block("para", f"I, {declarant}, declare as follows:"))
    numbered = [
        f"I am {role}. I am over eighteen years of age. I have personal knowledge of the facts "
        "stated here: the acquisition of the evidence described below was carried out by me or "
        f"under my direction (operators recorded in the custody log: {', '.join(d.operators) or 'none recorded'}).",
        f"Between {utc_text(d.first_acquired)} and {utc_text(d.last_acquired)} the files in "
        f"{_exhibit_range(bundle)} were acquired with {', '.join(d.tools) or bundle.tool}, by "
        f"the methods recorded for each file ({', '.join(d.methods) or 'none recorded'}). As each "
        "file was received, the tool computed its SHA-256, SHA-512 and SM3 digests while writing "
        "it to a store that names every file by its SHA-256 value, made the stored copy "
        "read-only, and recorded the file, its source, its time of acquisition and its digests "
        "in an append-only custody log. Every log entry contains the SHA-256 hash of the entry "
        "before it. Stored files are never rewritten; tags, notes and corrections are separate "
        "records that point at them.",
        "The process produces an accurate result because (a) the digests are computed from the "
        "bytes as they were written, before any person handled them; (b) RFC 3161 timestamp "
        f"tokens from independent timestamp authorities ({', '.join(d.tsa_names) or 'none'}) "
        f"attest that the digests existed at the times stated in each token ({d.item_tokens} "
        f"token(s) over exhibited files, {len(d.seals)} over the custody log); and (c) any "
        "change to a stored file or to the log changes a recomputed hash and is reported.",
        f"The data are identified in the hash manifest (Appendix C) by exhibit, file name, size "
        f"in bytes and SHA-256 value: {d.exhibit_item_count} file(s) in {len(bundle.exhibits)} "
        "exhibit(s). The same files are in the archive package, named by exhibit and SHA-256.",
        f"On {utc_text(bundle.doc_date)} (the time of the last custody-log entry covered by this "
        f"bundle, entry {bundle.head_seq}) the tool recomputed the digest of every stored file "
        f"and every custody-log hash. The result was {v_sentence}. Under Federal Rule of Evidence "
        "902(14), identical hash values identify each exhibit's native file as an exact copy of "
        "the data acquired.",
        (
            "Every exhibited file carries at least one trusted timestamp."
            if not d.unattested
            else "The following item(s) had not received a trusted timestamp at export, so their "
            "acquisition time rests on the local clock alone: "
            + ", ".join(f"item {i} ({bundle.item_exhibit.get(i, '—')})" for i in d.unattested[:40])
            + ("…" if len(d.unattested) > 40 else "")
            + "."
        )
        + (
            f" {d.failed_timestamp_attempts} timestamp request(s) failed and were logged."
            if d.failed_timestamp_attempts
            else ""
        ),
        "The custody log (Appendix B; complete, with every entry's content, in the archive as "
        "custody-log.jsonl) records every acquisition, annotation, timestamp and export. "
        + (
            f"{d.derived_items} exhibited file(s) were derived from other files (such as a crop "
            "or a converted frame) and name their parent. "
            if d.derived_items
            else "No exhibited file was converted or derived from another. "
        )
        + "The printed pages of this bundle are renderings of the native files for reading; the "
        "native files themselves are the evidence.",
    ]
    numbered += _site_sentences_en(bundle) or [
        "No web page captures are among the exhibits, so no server address or TLS certificate "
        "ties them to a site operator."
    ]
    numbered.append(
        "A capture made on the operator's own computer shows what the platform delivered to "
        "that computer at the stated times. It does not show what the platform delivered to "
        "others or keeps on its own systems."
    )
    for n, text in enumerate(numbered, start=1):
        blocks.append(Block("numbered", f"{n}. {text}"))
    blocks.append(
        Block(
            "para",
            "I declare under penalty of perjury under the laws of the United States of America "
            "that the foregoing is true and correct.",
        )
    )
    blocks.append(
        Block(
            "signature",
            "",
            (
                ("Executed on", BLANK),
                ("At (city, state/country)", BLANK),
                ("Signature", BLANK),
                ("Name", d.declarant or BLANK),
                ("Title / role", d.declarant_role or BLANK),
            ),
        )
    )
    return blocks


def _exhibit_line_zh(bundle: Bundle, ex: Exhibit) -> str:
    parts = [f"证据{ex.number}：{ex.title_zh}"]
    if ex.capture is not None:
        parts.append(
            f"取证时间{beijing_text(ex.capture.started_at)}至{beijing_text(ex.capture.ended_at)}（北京时间）"
        )
        parts.append(f"网址{ex.capture.final_url or ex.capture.requested_url}")
    for gen in ex.generations[:3]:
        parts.append(f"提示词“{short(gen.prompt, 200)}”")
    for view in ex.items[:6]:
        item = view.item
        line = (
            f"文件{view.label}：取得于{beijing_text(item.acquired_at)}，"
            f"SHA-256 {item.sha256}，SM3 {item.sm3}，{item.size}字节"
        )
        if view.tokens:
            t = view.tokens[0]
            line += f"，时间戳机构{t.tsa_name or t.tsa_url}，序列号{t.serial}，时间{beijing_text(t.gen_time)}"
        parts.append(line)
    if len(ex.items) > 6:
        parts.append(f"其余{len(ex.items) - 6}个文件见附录C哈希清单")
    return "；".join(parts) + "。"


def declaration_zh(bundle: Bundle) -> list[Block]:
    d = bundle.declaration
    declarant = _or_blank(d.declarant, "姓名")
    role = _or_blank(d.declarant_role, "身份")
    env_labels = [bundle.item_exhibit.get(i, "") for i in d.environment_items]
    blocks = [
        Block("title", "取证过程说明"),
        Block(
            "subtitle",
            "（依照《最高人民法院关于民事诉讼证据的若干规定》第九十三条所列因素逐项说明）",
        ),
    ]
    if bundle.cover.get("caption"):
        blocks.append(Block("para", f"案件：{bundle.cover['caption']}"))
    blocks.append(Block("para", f"说明人：{declarant}（{role}）"))
    sections = [
        (
            "一、取证主体",
            f"本次取证由{('、'.join(d.operators)) or declarant}操作完成，使用的取证工具为"
            f"{'、'.join(d.tools) or bundle.tool}（程序代码SHA-256：{bundle.code_hash}）。"
            f"取证方法：{'、'.join(d.methods) or '未记录'}。",
        ),
        (
            "二、计算机系统的硬件、软件环境是否完整、可靠（第九十三条第一款第（一）项）",
            "取证所用计算机的操作系统、浏览器内核、工具名称、版本及代码哈希、代理设置、hosts文件、"
            "DNS解析结果、服务器IP地址、TLS证书以及与可信时间源的时钟偏差，均在取证时自动记录"
            + (
                f"，见证据{'、'.join(x for x in env_labels if x)}及附录A。"
                if any(env_labels)
                else "；本证据包中未包含单独的环境报告，导出时的运行环境见附录A。"
            ),
        ),
        (
            "三、系统是否处于正常运行状态（第（二）项）",
            f"导出时（北京时间{beijing_text(bundle.doc_date)}）对本案全部数据进行了校验，结果为"
            f"{_verification_zh(bundle)}。"
            + (
                f"取证期间共有{d.failed_timestamp_attempts}次时间戳请求失败，均已记入保管日志并重试。"
                if d.failed_timestamp_attempts
                else "取证期间未发生时间戳请求失败。"
            ),
        ),
        (
            "四、是否具备有效的防止出错的监测、核查手段（第（三）项）",
            "每个文件在写入存储时即同时计算SHA-256、SHA-512及SM3（国家密码行业标准GB/T 32905-2016）"
            "哈希值；保管日志为只增不改的哈希链，每一条目均包含前一条目的哈希值，任何增删改均会在"
            "校验时被发现；文件哈希值由可信时间戳机构"
            f"（{'、'.join(d.tsa_names) or '无'}）签发的RFC 3161时间戳固定，共{d.item_tokens}个"
            f"覆盖文件的时间戳及{len(d.seals)}个覆盖保管日志的时间戳。"
            + (
                ""
                if not d.unattested
                else f"另有{len(d.unattested)}个文件在导出时尚未取得可信时间戳，其取得时间仅依据本机时钟。"
            ),
        ),
        (
            "五、电子数据是否被完整地保存、传输、提取（第（四）项）",
            "原始文件按其SHA-256哈希值命名存储，写入后设为只读，从不改写；标签、备注、更正均作为"
            "单独记录保存。归档包内附原始文件（按证据编号及哈希值命名）、哈希清单（可用sha256sum -c"
            "校验）、时间戳及其证书链、完整保管日志，可在不使用本工具的情况下离线核验。"
            "本证据包的打印页面系由原始文件直接生成的打印件。",
        ),
        (
            "六、保存、传输、提取的主体是否适当（第（五）项）",
            f"全部操作由{('、'.join(d.operators)) or declarant}完成，每一次取得、标注、时间戳及导出"
            f"均记入保管日志（共{bundle.head_seq}条，见附录B），记录操作人及北京时间。",
        ),
        (
            "七、取证步骤与内容（时间均为北京时间）",
            f"取证自{beijing_text(d.first_acquired)}开始，至{beijing_text(d.last_acquired)}结束，"
            f"共取得{d.exhibit_item_count}个文件，编为{len(bundle.exhibits)}份证据。各证据如下：",
        ),
    ]
    for heading, text in sections:
        blocks.append(Block("heading", heading))
        blocks.append(Block("para", text))
    shown = [ex for ex in bundle.exhibits if ex.kind != "chart"]
    for ex in shown[:200]:
        blocks.append(Block("para", _exhibit_line_zh(bundle, ex)))
    if len(shown) > 200:
        blocks.append(Block("para", f"其余{len(shown) - 200}份证据的文件及哈希值见附录C。"))
    if d.sites:
        blocks.append(Block("heading", "八、网站与运营者的关联"))
        for site in d.sites:
            text = f"{site.host}（{'、'.join(site.urls[:4])}）"
            text += (
                f"的服务器IP地址为{'、'.join(site.server_ips[:6])}"
                if site.server_ips
                else "未记录服务器IP地址"
            )
            for tls in site.tls[:3]:
                text += f"；同一连接上的TLS证书颁发给{tls.get('subject') or '未记载'}，颁发者{tls.get('issuer') or '未记载'}"
            if site.marks:
                text += f"；取得了该网站的{marks_zh(site.marks)}页面"
            blocks.append(Block("para", text + "。"))
    blocks.append(Block("heading", "九、局限说明"))
    blocks.append(
        Block(
            "para",
            "本次取证在操作人自己的计算机上进行，证明的是平台在上述时间向该计算机提供的内容，"
            "不能证明平台向其他用户提供的内容或平台内部保存的数据。",
        )
    )
    blocks.append(Block("para", "本人保证以上说明内容真实、准确、完整。"))
    blocks.append(
        Block(
            "signature",
            "",
            (("说明人（签名）", BLANK), ("姓名", d.declarant or BLANK), ("日期", BLANK)),
        )
    )
    return blocks


def _owners(bundle: Bundle) -> list[str]:
    return sorted(
        {
            ex.work.owner
            for ex in bundle.exhibits
            if ex.work is not None and ex.work.owner and ex.kind == "work"
        }
    )


def _output_exhibits(bundle: Bundle) -> list[Exhibit]:
    return [
        ex
        for ex in bundle.exhibits
        if ex.generations
        or (
            ex.kind in ("capture", "item", "generation")
            and any(
                v.item.provenance.get("prompt")
                for v in ex.items
                if isinstance(v.item.provenance, dict)
            )
        )
    ]


def complaint_en(bundle: Bundle) -> list[Block]:
    cover = bundle.cover
    platform = cover.get("platform_name") or (
        bundle.declaration.sites[0].host if bundle.declaration.sites else ""
    )
    owners = _owners(bundle)
    blocks = [
        Block("title", "NOTICE OF INFRINGING AI-GENERATED CONTENT"),
        Block(
            "para",
            f"To: {_or_blank(cover.get('platform_operator', ''), 'platform operator')}"
            + (f", operator of {platform}" if platform else ""),
        ),
        Block(
            "para",
            f"Sent through: {_or_blank(cover.get('platform_contact', ''), 'complaint channel or address')}",
        ),
        Block("para", f"Date: {utc_text(bundle.doc_date)[:10]}"),
        Block(
            "para",
            f"We write on behalf of {', '.join(owners) or _or_blank(cover.get('parties', ''), 'rights holder')}, "
            "who own(s) or hold(s) exclusive rights in the works listed below. Your service produced "
            "images that reproduce those works when users entered the prompts listed below. The "
            "evidence, with hashes and trusted timestamps, is in the exhibit bundle referred to.",
        ),
        Block("heading", "Works concerned"),
    ]
    works = [ex for ex in bundle.exhibits if ex.kind == "work" and ex.work is not None]
    for ex in works:
        w = ex.work
        assert w is not None
        blocks.append(
            Block(
                "para",
                f"Exhibit {ex.number}: “{w.title}”, owner {w.owner or '—'}, registration "
                f"{w.registration or '—'} of {w.registration_date or '—'}.",
            )
        )
    if not works:
        blocks.append(Block("para", "(No original work is among the exhibits.)"))
    blocks.append(Block("heading", "Content produced by your service"))
    listed = 0
    for ex in _output_exhibits(bundle)[:100]:
        prompts = [g.prompt for g in ex.generations] or [
            str(v.item.provenance.get("prompt"))
            for v in ex.items
            if v.item.provenance.get("prompt")
        ]
        hashes = ", ".join(v.item.sha256 for v in ex.items[:3])
        blocks.append(
            Block(
                "para",
                f"Exhibit {ex.number}: prompt “{short(prompts[0], 200) if prompts else '—'}”; "
                f"source {short(ex.source, 120)}; SHA-256 {hashes}.",
            )
        )
        listed += 1
    if not listed:
        blocks.append(Block("para", "(See the exhibit index.)"))
    charts = [ex for ex in bundle.exhibits if ex.kind == "chart"]
    if charts:
        blocks.append(
            Block(
                "para",
                "Comparison charts (Exhibits "
                + ", ".join(str(ex.number) for ex in charts[:30])
                + ") show the shared elements side by side.",
            )
        )
    blocks += [
        Block("heading", "We ask you to"),
        Block("numbered", "1. remove the images listed above and any copies on your service;"),
        Block(
            "numbered",
            "2. take effective measures so that your service stops generating images that "
            "reproduce these works, including for the prompts listed;",
        ),
        Block(
            "numbered",
            "3. preserve the logs, prompts and outputs relating to these requests; and",
        ),
        Block("numbered", "4. confirm in writing, within seven days, what you have done."),
        Block(
            "signature",
            "",
            (("Sender", cover.get("prepared_by") or BLANK), ("Signature", BLANK), ("Date", BLANK)),
        ),
    ]
    return blocks


def complaint_zh(bundle: Bundle) -> list[Block]:
    cover = bundle.cover
    platform = cover.get("platform_name") or (
        bundle.declaration.sites[0].host if bundle.declaration.sites else ""
    )
    owners = _owners(bundle)
    blocks = [
        Block("title", "侵权投诉通知书"),
        Block(
            "para",
            f"致：{_or_blank(cover.get('platform_operator', ''), '平台运营者')}"
            + (f"（{platform}的运营者）" if platform else ""),
        ),
        Block(
            "para", f"投诉渠道：{_or_blank(cover.get('platform_contact', ''), '投诉入口或地址')}"
        ),
        Block("para", f"日期：{beijing_text(bundle.doc_date)[:11]}"),
        Block(
            "para",
            f"我方代表{('、'.join(owners)) or _or_blank(cover.get('parties', ''), '权利人')}，就下列作品享有著作权或独占性权利。"
            "用户在贵平台输入下列提示词后，贵平台生成的图片复制了上述作品。相关证据（含哈希值及可信时间戳）见所附证据包。",
        ),
        Block("heading", "一、权利作品"),
    ]
    for ex in bundle.exhibits:
        if ex.kind == "work" and ex.work is not None:
            w = ex.work
            blocks.append(
                Block(
                    "para",
                    f"证据{ex.number}：《{w.title}》，权利人{w.owner or '—'}，登记号{w.registration or '—'}，登记日期{w.registration_date or '—'}。",
                )
            )
    blocks.append(Block("heading", "二、贵平台生成的内容"))
    for ex in _output_exhibits(bundle)[:100]:
        prompts = [g.prompt for g in ex.generations] or [
            str(v.item.provenance.get("prompt"))
            for v in ex.items
            if v.item.provenance.get("prompt")
        ]
        hashes = "、".join(v.item.sha256 for v in ex.items[:3])
        blocks.append(
            Block(
                "para",
                f"证据{ex.number}：提示词“{short(prompts[0], 200) if prompts else '—'}”；来源{short(ex.source, 120)}；SHA-256 {hashes}。",
            )
        )
    blocks += [
        Block("heading", "三、请求"),
        Block("numbered", "1. 删除上述图片及其在贵平台上的全部副本；"),
        Block("numbered", "2. 采取有效措施，停止生成复制上述作品的图片，包括针对上述提示词；"),
        Block("numbered", "3. 保存与上述请求相关的日志、提示词及生成结果；"),
        Block("numbered", "4. 于七日内书面告知处理结果。"),
        Block(
            "signature",
            "",
            (("投诉人", cover.get("prepared_by") or BLANK), ("签名", BLANK), ("日期", BLANK)),
        ),
    ]
    return blocks


def blocks_to_text(blocks: list[Block]) -> str:
    """The letter as plain text for the archive (and for pasting into a web form)."""
    lines: list[str] = []
    for block in blocks:
        if block.kind == "signature":
            lines.append("")
            lines += [f"{label}: {value}" for label, value in block.fields]
        elif block.kind in ("title", "heading"):
            lines += ["", block.text, ""]
        else:
            lines.append(block.text)
    return "\n".join(lines).strip() + "\n"
