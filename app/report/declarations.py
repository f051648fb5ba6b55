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

import re
from dataclasses import dataclass

from app.core.records import ClockCheck
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
    problems = "; ".join(_problem_text(bundle, p) for p in v.get("problems", [])[:20])
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
    problems = "；".join(_problem_text(bundle, p, zh=True) for p in v.get("problems", [])[:20])
    return f"不完整——发现{len(v.get('problems', []))}个问题：{problems}"


# -- facts in words ----------------------------------------------------------------------------

METHODS_EN = {
    "file-import": "imported from files already on the operator's computer",
    "work-import": "imported as the rights holder's original work or licence document",
    "demo-import": "imported from the bundled demonstration files",
    "browser-capture": "captured from the page in Proofshot's built-in browser",
    "browser-recording": "recorded from the built-in browser's network traffic as the platform served them",
    "browser-download": "saved as the built-in browser downloaded them",
    "screen-capture": "grabbed from the operator's screen",
    "environment-record": "recorded by the tool as the environment record of a capture session",
    "api-campaign": "received from the platform's programming interface in a prompt campaign",
    "devtools-response": "recorded from the browser's network traffic as the platform served them",
    "devtools-dom": "read from the page as the browser rendered it",
    "browser-screenshot": "screenshots taken by the built-in browser",
    "wacz-writer": "packaged as a web archive (WACZ) of the session's traffic",
    "screen-recording": "recorded as a video of the session",
}
METHODS_ZH = {
    "file-import": "从操作人计算机上已有的文件导入",
    "work-import": "作为权利作品或授权文件导入",
    "demo-import": "从随附演示文件导入",
    "browser-capture": "通过本工具内置浏览器对页面取证",
    "browser-recording": "从内置浏览器的网络通信中按平台实际传输的内容记录",
    "browser-download": "按内置浏览器下载的原样保存",
    "screen-capture": "截取操作人屏幕",
    "environment-record": "由本工具在取证会话开始时记录的运行环境",
    "api-campaign": "在批量提示词任务中从平台接口接收",
    "devtools-response": "从浏览器网络通信中按平台实际传输的内容记录",
    "devtools-dom": "读取浏览器渲染的页面",
    "browser-screenshot": "由内置浏览器截图",
    "wacz-writer": "将会话通信打包为网页存档（WACZ）",
    "screen-recording": "录制会话视频",
}
CAPTURE_METHODS = {
    "browser-capture",
    "browser-recording",
    "browser-download",
    "environment-record",
    "api-campaign",
    "devtools-response",
    "devtools-dom",
    "browser-screenshot",
    "wacz-writer",
    "screen-recording",
}


def methods_en(methods: list[str]) -> str:
    return "; ".join(f"{METHODS_EN.get(m, m)} (“{m}”)" for m in methods) or "none recorded"


def methods_zh(methods: list[str]) -> str:
    return "；".join(f"{METHODS_ZH.get(m, m)}（{m}）" for m in methods) or "未记录"


def _item_ref_en(bundle: Bundle, item_id: int) -> str:
    """One reference style on paper, the exhibit item label the exhibit pages, the captions and
    the hash manifest use ("item 4.6" / "文件4.6"); a file outside the exhibits is named as
    the custody log names it."""
    label = bundle.item_exhibit.get(item_id)
    return f"item {label}" if label else f"custody-log file {item_id} (not exhibited)"


def _item_ref_zh(bundle: Bundle, item_id: int) -> str:
    label = bundle.item_exhibit.get(item_id)
    return f"文件{label}" if label else f"保管日志文件{item_id}（未作为证据）"


def _items_list(bundle: Bundle, ids: list[int], limit: int = 40) -> str:
    text = ", ".join(_item_ref_en(bundle, i) for i in ids[:limit])
    return text + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _problem_text(bundle: Bundle, problem: dict[str, object], zh: bool = False) -> str:
    """A verification problem with its ``item N`` (a case item id) replaced by the label."""
    ref = _item_ref_zh if zh else _item_ref_en
    message = str(problem.get("message", ""))
    return re.sub(r"\bitem (\d+)\b", lambda m: ref(bundle, int(m.group(1))), message)


def _items_list_zh(bundle: Bundle, ids: list[int], limit: int = 40) -> str:
    text = "、".join(_item_ref_zh(bundle, i) for i in ids[:limit])
    return text + ("等" if len(ids) > limit else "")


def _checked_clock(bundle: Bundle) -> tuple[str, ClockCheck] | None:
    """The first environment record whose clock was checked, with its label, if any."""
    for label, env in bundle.declaration.environments:
        if env.clock_checked and env.clock is not None:
            return label, env.clock
    return None


def _clock_en(bundle: Bundle) -> str:
    """Whether this computer's clock was checked, from the environment records only."""
    if (done := _checked_clock(bundle)) is not None:
        label, c = done
        return (
            f"which was checked against the timestamp authority {c.tsa_name or c.tsa_url} at the "
            f"start of the capture session (offset {c.offset_seconds} seconds; environment "
            f"record {label})"
        )
    return "which was not checked against any trusted time source"


def _clock_zh(bundle: Bundle) -> str:
    if (done := _checked_clock(bundle)) is not None:
        label, c = done
        return (
            f"该时钟已在取证会话开始时与时间戳机构{c.tsa_name or c.tsa_url}核对"
            f"（偏差{c.offset_seconds}秒，见环境记录{label}）"
        )
    return "该时钟未与任何可信时间源核对"


def timestamp_sentence_en(bundle: Bundle) -> str:
    """What the timestamps show, or that there are none: never a token that does not exist."""
    d = bundle.declaration
    if d.item_tokens:
        text = (
            f"RFC 3161 timestamp tokens from independent timestamp authorities "
            f"({', '.join(d.tsa_names)}) attest that the digests existed at the times stated in "
            f"each token ({d.item_tokens} token(s) over exhibited files)."
        )
        if d.unattested:
            text += (
                f" No trusted timestamp was obtained for {_items_list(bundle, d.unattested)}; "
                f"their acquisition time rests on this computer's clock, {_clock_en(bundle)}."
            )
    else:
        text = (
            "No trusted timestamp was obtained for any exhibited file; the acquisition times "
            f"stated rest on this computer's clock, {_clock_en(bundle)}."
        )
    if d.seals:
        last = max(d.seals, key=lambda t: t.sealed_seq or 0)
        text += (
            f" The custody log was sealed {len(d.seals)} time(s) with a trusted timestamp, last "
            f"at entry {last.sealed_seq} ({last.tsa_name or last.tsa_url}, genTime "
            f"{utc_text(last.gen_time)})."
        )
    else:
        text += (
            " The custody log was not sealed with a trusted timestamp; its integrity rests on its "
            "hash chain alone, which a person with access to the case could recompute."
        )
    if d.failed_timestamp_attempts:
        text += f" {d.failed_timestamp_attempts} timestamp request(s) failed and were logged."
    return text


def timestamp_sentence_zh(bundle: Bundle) -> str:
    d = bundle.declaration
    if d.item_tokens:
        text = (
            f"文件哈希值由可信时间戳机构（{'、'.join(d.tsa_names)}）签发的RFC 3161时间戳固定，"
            f"共{d.item_tokens}个覆盖证据文件的时间戳。"
        )
        if d.unattested:
            text += (
                f"{_items_list_zh(bundle, d.unattested)}未取得可信时间戳，其取得时间仅依据本机时钟，"
                f"{_clock_zh(bundle)}。"
            )
    else:
        text = (
            f"本证据包中的文件均未取得可信时间戳，所载取得时间仅依据本机时钟，{_clock_zh(bundle)}。"
        )
    if d.seals:
        last = max(d.seals, key=lambda t: t.sealed_seq or 0)
        text += (
            f"保管日志共{len(d.seals)}次以可信时间戳封存，最近一次封存至第{last.sealed_seq}条"
            f"（{last.tsa_name or last.tsa_url}，北京时间{beijing_text(last.gen_time)}）。"
        )
    else:
        text += "保管日志未以可信时间戳封存，其完整性仅依赖哈希链，能够接触本案数据的人可以重新计算该哈希链。"
    return text


def _site_sentences_en(bundle: Bundle) -> list[str]:
    """Site-to-operator facts, capture by capture: only what each capture's connection shows."""
    out = []
    for site in bundle.declaration.sites:
        host = site.host or "an unnamed host"
        sentences = []
        for c in site.connections[:6]:
            text = f"The capture of {c['page']} recorded, on the exchange that delivered {c['exchange']},"
            text += (
                f" the server IP address {c['ip']}" + (f" (port {c['port']})" if c["port"] else "")
                if c["ip"]
                else " no server IP address"
            )
            tls = c["tls"] or {}
            if tls.get("subject") or tls.get("issuer"):
                text += (
                    " and a TLS certificate"
                    + (f" naming {tls['subject']}" if tls.get("subject") else "")
                    + (f" issued by {tls['issuer']}" if tls.get("issuer") else "")
                    + (f" ({tls['protocol']})" if tls.get("protocol") else "")
                )
            else:
                text += "; no TLS certificate was recorded on it"
            sentences.append(text + ".")
        if site.unconnected:
            sentences.append(
                f"No server IP address or TLS certificate was recorded for the capture(s) of "
                f"{', '.join(site.unconnected[:6])}."
            )
        if site.accounts:
            sentences.append(
                f"The site {host} was used under the account(s) {', '.join(site.accounts)}."
            )
        else:
            sentences.append(f"No site account is recorded for the captures of {host}.")
        if site.marks:
            sentences.append(
                f"Pages captured from {host} include its {', '.join(site.marks)} page(s)."
            )
        out.append(" ".join(sentences))
    return out


def declaration_en(bundle: Bundle) -> list[Block]:
    """The 28 U.S.C. § 1746 declaration: opening, numbered paragraphs, oath, signature."""
    blocks = _opening_en(bundle)
    numbered = _acquisition_paras_en(bundle)
    numbered.append(_verification_para_en(bundle))
    numbered.append(_custody_para_en(bundle))
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
    d = bundle.declaration
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


def _opening_en(bundle: Bundle) -> list[Block]:
    """Title, the statutes it is made under, the court and caption if given, "I, …, declare"."""
    declarant = _or_blank(bundle.declaration.declarant, "name")
    cover = bundle.cover
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
    return blocks


def _acquisition_paras_en(bundle: Bundle) -> list[str]:
    """Paragraphs 1–4: who I am, how the files were acquired, why the process is accurate, the data."""
    d = bundle.declaration
    role = _or_blank(d.declarant_role, "role and qualification")
    operators = (
        f"operators recorded in the custody log: {', '.join(d.operators)}"
        if d.operators
        else "no operator is recorded for these files in the custody log"
    )
    return [
        f"I am {role}. I am over eighteen years of age. I have personal knowledge of the facts "
        "stated here: the acquisition of the evidence described below was carried out by me or "
        f"under my direction ({operators}).",
        f"Between {utc_text(d.first_acquired)} and {utc_text(d.last_acquired)} (times from this "
        f"computer's clock) the files in {_exhibit_range(bundle)} were acquired with "
        f"{', '.join(d.tools) or bundle.tool}, by these methods: {methods_en(d.methods)}. As each "
        "file was received, the tool computed its SHA-256, SHA-512 and SM3 digests while writing "
        "it to a store that names every file by its SHA-256 value, made the stored copy "
        "read-only, and recorded the file, its source, its time of acquisition and its digests "
        "in an append-only custody log. Every log entry contains the SHA-256 hash of the entry "
        "before it. Stored files are never rewritten; tags, notes and corrections are separate "
        "records that point at them."
        + (
            " Every exhibited file was imported from a file already on the computer: the tool "
            "saw no network exchange for them and recorded no environment for their origin."
            if d.imported_only
            else ""
        ),
        "The process produces an accurate result because (a) the digests are computed from the "
        "bytes as they were written, before any person handled them; (b) any change to a stored "
        "file or to the log changes a recomputed hash and is reported. "
        + timestamp_sentence_en(bundle),
        f"The data are identified in the hash manifest (Appendix C) by exhibit, file name, size "
        f"in bytes and SHA-256 value: {d.exhibit_item_count} file(s) in {len(bundle.exhibits)} "
        "exhibit(s). The same files are in the archive package, named by exhibit and SHA-256.",
    ]


def _verification_para_en(bundle: Bundle) -> str:
    """The re-verification at export: not done, intact (a 902(14) certification), or not intact."""
    if not bundle.verification:
        return (
            "The stored files and the custody log were not re-verified when this bundle was "
            "made, so this declaration does not state that the files match the values recorded "
            "at acquisition."
        )
    if bundle.verification.get("intact"):
        return (
            f"On {utc_text(bundle.doc_date)} (the time of the last custody-log entry covered by "
            f"this bundle, entry {bundle.head_seq}) the tool recomputed the digest of every stored "
            f"file and every custody-log hash. The result was {_verification_en(bundle)}. Under "
            "Federal Rule of Evidence 902(14), identical hash values identify each exhibit's "
            "native file as an exact copy of the data acquired."
        )
    return (
        f"On {utc_text(bundle.doc_date)} the tool recomputed the digest of every stored file "
        f"and every custody-log hash. The result was {_verification_en(bundle)}. The files "
        "concerned cannot be certified under Federal Rule of Evidence 902(14) as exact copies."
    )


def _custody_para_en(bundle: Bundle) -> str:
    """The custody log, derived files, and that the printed pages are renderings of the natives."""
    d = bundle.declaration
    return (
        "The custody log (Appendix B; complete, with every entry's content, in the archive as "
        "custody-log.jsonl) records every acquisition, annotation, timestamp and export. "
        + (
            f"{d.derived_items} exhibited file(s) were derived from other files (such as a crop "
            "or a converted frame) and name their parent. "
            if d.derived_items
            else "No exhibited file was converted or derived from another. "
        )
        + "The printed pages of this bundle are renderings of the native files for reading; the "
        "native files themselves are the evidence."
    )


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
        else:
            line += "，未取得可信时间戳"
        parts.append(line)
    if len(ex.items) > 6:
        parts.append(f"其余{len(ex.items) - 6}个文件见附录C哈希清单")
    return "；".join(parts) + "。"


ZH_NUMERALS = "一二三四五六七八九十"


def _zh_number(n: int) -> str:
    if n <= 10:
        return ZH_NUMERALS[n - 1]
    if n < 20:
        return "十" + ZH_NUMERALS[n - 11]
    return str(n)


def environment_zh(bundle: Bundle) -> str:
    """Factor (一): the hardware/software environment, from the environment records only."""
    d = bundle.declaration
    if not d.environments:
        if d.imported_only:
            return (
                "本证据包中的文件均系从已有文件导入，取证时未记录操作系统、浏览器、代理、hosts、DNS、"
                "服务器IP地址、TLS证书或时钟偏差等运行环境信息；导出时本工具的名称、版本及代码哈希见附录A。"
            )
        return (
            "本证据包中未包含取证会话的环境记录，故不对取证时的操作系统、代理、hosts、DNS及时钟偏差作出陈述；"
            "导出时本工具的名称、版本及代码哈希见附录A。"
        )
    parts = []
    for label, env in d.environments[:3]:
        os_text = " ".join(
            str((env.os or {}).get(k, "")) for k in ("system", "release", "machine")
        ).strip()
        app = env.application or {}
        browser = env.browser or {}
        parts.append(
            f"环境记录{label}（记录于北京时间{beijing_text(env.taken_at)}）载明：操作系统"
            f"{os_text or '未记录'}；浏览器内核{browser.get('engine') or '未记录'}；取证工具"
            f"{app.get('name') or bundle.tool}{(' ' + str(app.get('version'))) if app.get('version') else ''}"
        )
    return "；".join(parts) + f"。本次导出所用程序代码SHA-256为{bundle.code_hash}。"


def clean_check_zh(bundle: Bundle) -> list[str]:
    """清洁性检查: clock, proxy, hosts, DNS, browser profile — each from the record or 'not recorded'."""
    out = []
    for label, env in bundle.declaration.environments[:3]:
        lines = [f"环境记录{label}："]
        c = env.clock
        if c is not None and c.checked:
            lines.append(
                f"时钟：已与时间戳机构{c.tsa_name or c.tsa_url}核对，偏差{c.offset_seconds}秒"
                + ("，在允许范围内" if c.within_tolerance else "，超出允许范围")
            )
        else:
            reason = c.reason if c is not None and c.reason else "未记录"
            lines.append(f"时钟：未与可信时间源核对（{reason}）")
        proxies = env.proxies_in_use()
        if proxies is None:
            lines.append("代理：未记录")
        else:
            lines.append("代理：" + ("、".join(proxies) if proxies else "未设置代理"))
        hosts = env.hosts_overrides()
        if hosts is None:
            lines.append("hosts文件：未记录或无法读取")
        else:
            lines.append(
                "hosts文件："
                + (
                    "存在指向目标网站的条目：" + "、".join(hosts)
                    if hosts
                    else "无指向目标网站的条目"
                )
            )
        answers = env.dns_answers
        lines.append(
            "DNS解析：" + ("、".join(answers) if answers else "未记录或解析失败")
            if answers is not None
            else "DNS解析：未记录或解析失败"
        )
        lines.append(f"浏览器配置：{env.browser_profile or '未记录'}")
        out.append("；".join(lines[1:]).join([lines[0], "。"]))
    return out


def corroboration_zh(bundle: Bundle) -> str:
    """Art. 94: self-collected evidence has no presumption; say what corroborates it."""
    d = bundle.declaration
    support = []
    if d.item_tokens:
        support.append(f"可信时间戳机构（{'、'.join(d.tsa_names)}）签发的{d.item_tokens}个时间戳")
    if d.seals:
        support.append(f"{len(d.seals)}个封存保管日志的时间戳")
    text = (
        "本证据系当事人自行取证所得，并非由中立第三方平台提供、亦非在正常业务活动中形成或经公证保存，"
        "不适用《最高人民法院关于民事诉讼证据的若干规定》第九十四条的推定。"
    )
    if support:
        text += "佐证其真实性的有：" + "、".join(support) + "；"
    else:
        text += "本证据包中没有可信时间戳或日志封存佐证其形成时间；"
    text += "本证据未经公证，亦未提交第三方存证平台保存（本工具未记录任何此类事实）。"
    return text


def declaration_zh(bundle: Bundle) -> list[Block]:
    """取证过程说明: the art. 93 factors one by one, the clean check, art. 94, the steps, the sites."""
    d = bundle.declaration
    declarant = _or_blank(d.declarant, "姓名")
    role = _or_blank(d.declarant_role, "身份")
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
    operators = "、".join(d.operators)
    sections: list[tuple[str, list[str]]] = [
        (
            "取证主体与方法",
            [
                f"本次取证由{operators or declarant}操作完成，使用的取证工具为"
                f"{'、'.join(d.tools) or bundle.tool}（程序代码SHA-256：{bundle.code_hash}）。"
                f"取证方法：{methods_zh(d.methods)}。"
            ],
        ),
        (
            "依第九十三条逐项说明",
            [
                f"（{ZH_NUMERALS[i]}）{title}（第九十三条第一款第（{ZH_NUMERALS[i]}）项）：{text}"
                for i, (title, text) in enumerate(_factors_zh(bundle))
            ],
        ),
        (
            "清洁性检查",
            clean_check_zh(bundle)
            or [
                "本证据包中没有取证会话的环境记录，未记录时钟、代理、hosts、DNS及浏览器配置的检查结果。"
            ],
        ),
        ("第九十四条：自行取证的佐证", [corroboration_zh(bundle)]),
        ("取证步骤与内容（时间均为北京时间）", _steps_zh(bundle)),
    ]
    if d.sites:
        sections.append(("网站与运营者的关联", _site_lines_zh(bundle)))
    for number, (heading, paras) in enumerate(sections, start=1):
        blocks.append(Block("heading", f"{_zh_number(number)}、{heading}"))
        for para in paras:
            blocks.append(Block("para", para))
    blocks.append(Block("para", "本人保证以上说明内容真实、准确、完整。"))
    blocks.append(
        Block(
            "signature",
            "",
            (("说明人（签名）", BLANK), ("姓名", d.declarant or BLANK), ("日期", BLANK)),
        )
    )
    return blocks


def _factors_zh(bundle: Bundle) -> list[tuple[str, str]]:
    """The seven factors of art. 93 (1) as (factor, what this bundle shows for it)."""
    d = bundle.declaration
    operators = "、".join(d.operators)
    failed = (
        f"取证期间共有{d.failed_timestamp_attempts}次时间戳请求失败，均已记入保管日志。"
        if d.failed_timestamp_attempts
        else "保管日志中没有时间戳请求失败的记录。"
    )
    return [
        ("计算机系统的硬件、软件环境是否完整、可靠", environment_zh(bundle)),
        (
            "计算机系统是否处于正常运行状态，或者不处于正常运行状态时对电子数据的生成、存储、传输是否有影响",
            f"导出时（北京时间{beijing_text(bundle.doc_date)}）对本案全部数据进行了校验，结果为"
            f"{_verification_zh(bundle)}。{failed}",
        ),
        (
            "计算机系统是否具备有效的防止出错的监测、核查手段",
            "每个文件在写入存储时即同时计算SHA-256、SHA-512及SM3（GB/T 32905-2016）哈希值；"
            "保管日志为只增不改的哈希链，每一条目均包含前一条目的哈希值，任何增删改均会在校验时被发现。"
            + timestamp_sentence_zh(bundle),
        ),
        (
            "电子数据是否被完整地保存、传输、提取，保存、传输、提取的方法是否可靠",
            "取得方法："
            + methods_zh(d.methods)
            + "。原始文件按其SHA-256哈希值命名存储，写入后设为只读，"
            "从不改写；标签、备注、更正均作为单独记录保存。归档包内附原始文件（按证据编号及哈希值命名）、"
            "哈希清单（可用sha256sum -c校验）、时间戳（如有）及其证书链、完整保管日志，可在不使用本工具的"
            "情况下离线核验。本证据包的打印页面系由原始文件直接生成的打印件。",
        ),
        (
            "电子数据是否在正常的往来活动中形成和存储",
            "本证据系为维权目的由当事人自行取证形成和存储，并非在正常业务往来中形成；其形成过程记录于保管日志。",
        ),
        (
            "保存、传输、提取电子数据的主体是否适当",
            (f"取证操作人为{operators}" if operators else "保管日志中未记录取证操作人")
            + f"；每一次取得、标注、时间戳及导出均记入保管日志（共{bundle.head_seq}条，见附录B），"
            "记录操作人及时间。",
        ),
        (
            "影响电子数据完整性和可靠性的其他因素",
            (
                f"{d.derived_items}个证据文件系由其他文件派生（如裁剪或转换），均注明其来源文件。"
                if d.derived_items
                else "证据文件均未经转换或派生。"
            )
            + "本次取证在操作人自己的计算机上进行，证明的是平台在上述时间向该计算机提供的内容，"
            "不能证明平台向其他用户提供的内容或平台内部保存的数据。",
        ),
    ]


def _steps_zh(bundle: Bundle) -> list[str]:
    """取证步骤: the period of acquisition, then one line per exhibit (charts left out)."""
    d = bundle.declaration
    shown = [ex for ex in bundle.exhibits if ex.kind != "chart"]
    steps = [
        f"取证自{beijing_text(d.first_acquired)}开始，至{beijing_text(d.last_acquired)}结束（依本机时钟），"
        f"共取得{d.exhibit_item_count}个文件，编为{len(bundle.exhibits)}份证据。各证据如下："
    ]
    steps += [_exhibit_line_zh(bundle, ex) for ex in shown[:200]]
    if len(shown) > 200:
        steps.append(f"其余{len(shown) - 200}份证据的文件及哈希值见附录C。")
    return steps


def _site_lines_zh(bundle: Bundle) -> list[str]:
    """网站与运营者的关联: per site, the connections (IP, TLS), accounts and marked pages."""
    site_lines: list[str] = []
    for site in bundle.declaration.sites:
        for c in site.connections[:6]:
            tls = c["tls"] or {}
            text = f"对{c['page']}的取证中，在传输{c['exchange']}的同一连接上记录"
            text += f"服务器IP地址{c['ip']}" if c["ip"] else "未记录服务器IP地址"
            text += (
                f"，TLS证书主体{tls.get('subject') or '未记录'}，颁发者{tls.get('issuer') or '未记录'}"
                if tls
                else "，未记录TLS证书"
            )
            site_lines.append(text + "。")
        if site.unconnected:
            site_lines.append(
                f"对{'、'.join(site.unconnected[:6])}的取证未记录服务器IP地址及TLS证书。"
            )
        site_lines.append(
            f"{site.host}的网站账号：{'、'.join(site.accounts)}。"
            if site.accounts
            else f"未记录在{site.host}使用的网站账号。"
        )
        if site.marks:
            site_lines.append(f"取得了{site.host}的{marks_zh(site.marks)}页面。")
    return site_lines


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
