"""The archive package: natives, manifests, tokens, custody log and instructions, as a folder and a zip.

It is what the court or the other side receives beside the filing, and it must be checkable
without Proofshot: ``sha256sum -c SHA256SUMS`` for every file, ``openssl ts -verify`` for
every token, a dozen lines of stock Python (printed in VERIFY.txt) for the custody chain.
Natives are copied from the object store and re-hashed while copied; a file whose hash no
longer matches its record is refused rather than packed.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core import attest, custody
from app.core.case import Case
from app.core.digests import sha256_copy, sha256_file_sized
from app.core.errors import ProofshotError
from app.report import declarations, notice
from app.report.model import Bundle, Exhibit, GenerationView, ItemView

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
SHA256SUMS = "SHA256SUMS"
MANIFEST_FILES = (MANIFEST_JSON, MANIFEST_CSV, SHA256SUMS)
CUSTODY_LOG = "custody-log.jsonl"
BUNDLE_JSON = "bundle.json"
MANIFEST_FORMAT = "proofshot-bundle-manifest/2"
"""Format 2: the archive carries ``anchor/`` (format 1 bundles had no sealed list of files)."""
ANCHOR_DIR = "anchor"
ANCHOR_EVENTS = "anchor/events.jsonl"
ANCHOR_README = "anchor/ANCHOR.txt"

_STORED_TYPES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".webp",
    ".gif",
    ".pdf",
    ".zip",
    ".wacz",
    ".mp4",
    ".webm",
    ".tsr",
)
CHUNK = 1 << 20


@dataclass
class ArchiveEntry:
    path: str
    size: int
    sha256: str
    role: str
    exhibit: int | None = None
    item: str | None = None
    item_id: int | None = None
    sha512: str | None = None
    sm3: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        return data


@dataclass
class ArchiveOutput:
    folder: Path
    zip_path: Path
    entries: list[ArchiveEntry] = field(default_factory=list)
    manifest_sha256: str = ""
    zip_sha256: str = ""


def _hash_file(path: Path) -> tuple[str, int]:
    """What the archive wrote itself: a symlink in its place would be refused, not followed."""
    return sha256_file_sized(path, follow_symlinks=False, chunk_size=CHUNK)


def _copy_hashed(src: Path, dst: Path) -> tuple[str, int]:
    dst.parent.mkdir(parents=True, exist_ok=True)
    return sha256_copy(src, dst, chunk_size=CHUNK)


def write_custody_log(case: Case, head_seq: int, path: Path, *, after: int = 0) -> None:
    """The log's entries after ``after`` up to ``head_seq``, one per line, payload as its exact hashed text."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for row in case.conn.execute(
            "SELECT seq, at_utc, actor, action, item_id, payload, prev_hash, hash FROM events"
            " WHERE seq > ? AND seq <= ? ORDER BY seq",
            (after, head_seq),
        ):
            line = {
                "seq": row[0],
                "at_utc": row[1],
                "actor": row[2],
                "action": row[3],
                "item_id": row[4],
                "payload": row[5],
                "prev_hash": row[6],
                "hash": row[7],
            }
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def bundle_json(bundle: Bundle) -> dict[str, Any]:
    """The bundle model as data: which native is which exhibit item, with which tokens."""
    return {
        "format": "proofshot-bundle/2",
        "case_title": bundle.case_title,
        "case_id": bundle.case_id,
        "head_seq": bundle.head_seq,
        "head_hash": bundle.head_hash,
        "document_date": bundle.doc_date,
        "tool": bundle.tool,
        "code_sha256": bundle.code_hash,
        "options": bundle.options.as_dict(),
        "verification_at_export": bundle.verification,
        "exhibits": [_exhibit_json(ex) for ex in bundle.exhibits],
        "prompts": [p.__dict__ for p in bundle.prompts],
        "withdrawn": bundle.withdrawn,
    }


def _exhibit_json(ex: Exhibit) -> dict[str, Any]:
    """One exhibit: its titles and purpose, what it shows (capture, work, chart), its items."""
    return {
        "number": ex.number,
        "kind": ex.kind,
        "title": ex.title,
        "title_zh": ex.title_zh,
        "source": ex.source,
        "purpose": ex.purpose,
        "purpose_zh": ex.purpose_zh,
        "demonstrative": ex.demonstrative,
        "capture": None
        if ex.capture is None
        else {
            "id": ex.capture.id,
            "requested_url": ex.capture.requested_url,
            "final_url": ex.capture.final_url,
            "title": ex.capture.title,
            "started_at": ex.capture.started_at,
            "ended_at": ex.capture.ended_at,
            "marks": ex.capture.marks,
            "facts": ex.capture.facts,
        },
        "generations": [_generation_json(g) for g in ex.generations],
        "work": None
        if ex.work is None
        else {
            "id": ex.work.id,
            "title": ex.work.title,
            "owner": ex.work.owner,
            "registration": ex.work.registration,
            "registration_date": ex.work.registration_date,
            "facts": ex.work.facts,
        },
        "chart": None
        if ex.chart is None
        else {
            "id": ex.chart.id,
            "title": ex.chart.title,
            "metrics": ex.chart.metrics,
            "elements": ex.chart.elements,
        },
        "items": [_item_json(v) for v in ex.items],
    }


def _generation_json(g: GenerationView) -> dict[str, Any]:
    """One generation event of an exhibit: prompt, request, job, outputs and their binding."""
    return {
        "id": g.id,
        "prompt": g.prompt,
        "negative_prompt": g.negative_prompt,
        "request_url": g.request_url,
        "job_id": g.job_id,
        "submitted_at": g.submitted_at,
        "returned_at": g.returned_at,
        "outputs": g.outputs,
        "parameters": g.parameters,
        "binding": g.binding,
        "facts": g.facts,
    }


def _item_json(v: ItemView) -> dict[str, Any]:
    """One exhibit item: its label, native file name, digests, acquisition and token stems."""
    return {
        "label": v.label,
        "item_id": v.item.id,
        "role": v.role,
        "native": v.native_name,
        "kind": v.item.kind,
        "media_type": v.item.media_type,
        "size": v.item.size,
        "sha256": v.item.sha256,
        "sha512": v.item.sha512,
        "sm3": v.item.sm3,
        "acquired_at": v.item.acquired_at,
        "source": v.item.source,
        "tokens": [t.file_stem for t in v.tokens],
    }


CHAIN_CHECK_PY = """import hashlib, json, os, sys
prev, n = "0" * 64, 0
files = [f for f in ("custody-log.jsonl", "anchor/events.jsonl") if os.path.exists(f)]
lines = (line for f in files for line in open(f, encoding="utf-8"))
for n, line in enumerate(lines, start=1):
    e = json.loads(line)
    header = json.dumps([e["seq"], e["at_utc"], e["actor"], e["action"], e["item_id"], e["prev_hash"]],
                        sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(header.encode() + b"\\n" + e["payload"].encode()).hexdigest()
    if e["seq"] != n or e["prev_hash"] != prev or digest != e["hash"]:
        sys.exit(f"custody log broken at entry {e['seq']}")
    prev = e["hash"]
print(f"custody log intact: {n} entries, head {prev}")"""


# VERIFY.txt's fixed steps; :func:`verify_text` adds the facts of this archive around them.
VERIFY_EN_STEPS = (
    "Run every command from this folder (the one holding this file).",
    "",
    "1. Every file is listed with its SHA-256 in SHA256SUMS (and, with sizes and roles, in",
    "   manifest.json and manifest.csv). Check them all; each line must say OK:",
    "",
    "     sha256sum -c SHA256SUMS",
    "",
    "   A file that was changed shows FAILED; a missing one shows 'No such file'. Any file",
    "   present here but not listed in SHA256SUMS was added after export.",
    "",
    "2. Trusted timestamps (RFC 3161). tokens/ holds each token (.tsr), the manifest it signs",
    "   (.txt), the TSA certificate chain (.chain.pem) and root (.ca.pem). For each token:",
    "",
    "     cd tokens",
    "     openssl ts -verify -data token-NNNN-HOST.txt -in token-NNNN-HOST.tsr \\",
    "         -CAfile token-NNNN-HOST.ca.pem -untrusted token-NNNN-HOST.chain.pem",
    "     openssl ts -reply -in token-NNNN-HOST.tsr -text   # genTime, serial, policy, TSA",
    "",
    "   tokens/VERIFY.txt lists the exact command for every token. An item's SHA-256 (the",
    "   hash in its file name under natives/) must be a line of its token's .txt file:",
    "",
    "     grep SHA256_OF_THE_NATIVE tokens/token-*.txt",
    "",
    "   The .ca.pem files come from the bundle: they prove nothing by themselves. Replace",
    "   them with the root certificate the TSA publishes (or compare fingerprints) first.",
    "",
    "3. The custody log (custody-log.jsonl): each entry's hash is SHA-256 over",
    "   canonical_json([seq, at_utc, actor, action, item_id, prev_hash]) + newline + payload,",
    "   and each entry names the hash of the one before. Recompute it with stock Python 3:",
    "",
    *("     " + line for line in CHAIN_CHECK_PY.splitlines()),
    "",
)
VERIFY_EN_ANCHOR = (
    "4. The anchor (anchor/, written after everything else). anchor/events.jsonl continues",
    "   custody-log.jsonl: its entries link on from the log's last hash (the same Python",
    "   check works on the two files joined). Its export.created entry lists every file of this",
    "   archive outside anchor/ with size and SHA-256 (the PDFs, bundle.json and the manifests",
    "   included); the seal tokens anchor/seal-*.tsr timestamp that entry's hash (their .txt",
    "   names it as head-hash). Verify each against the TSA's root as published by the TSA:",
    "",
    "     cd anchor",
    "     openssl ts -verify -data seal-NNNN-HOST.txt -in seal-NNNN-HOST.tsr \\",
    "         -CAfile TSA_ROOT.pem -untrusted seal-NNNN-HOST.chain.pem",
    "",
    "   anchor/ANCHOR.txt names the tokens; with no seal token the archive is UNANCHORED: its",
    "   files agree with a list nothing outside the exporting computer fixed in time.",
    "",
)
VERIFY_ZH_STEPS = (
    "请在本文件所在目录下运行以下命令。",
    "",
    "1. 全部文件及其SHA-256值列于SHA256SUMS（含大小及类别的清单见manifest.json和",
    "   manifest.csv）。逐一核验，每行均应显示OK：",
    "",
    "     sha256sum -c SHA256SUMS",
    "",
    "   被修改的文件显示FAILED，缺失的文件显示“No such file”；目录中存在但SHA256SUMS",
    "   未列出的文件为导出后添加的文件。",
    "",
    "2. 可信时间戳（RFC 3161）：tokens目录中有每个时间戳（.tsr）、其签署的清单（.txt）、",
    "   时间戳机构证书链（.chain.pem）及根证书（.ca.pem）。对每个时间戳运行：",
    "",
    "     cd tokens",
    "     openssl ts -verify -data token-NNNN-HOST.txt -in token-NNNN-HOST.tsr \\",
    "         -CAfile token-NNNN-HOST.ca.pem -untrusted token-NNNN-HOST.chain.pem",
    "     openssl ts -reply -in token-NNNN-HOST.tsr -text   # 显示签发时间、序列号、策略及机构",
    "",
    "   每个原始文件的SHA-256（natives目录下文件名中的哈希值）应为对应时间戳清单.txt中的一行：",
    "",
    "     grep 原始文件的SHA256 tokens/token-*.txt",
    "",
    "   请将.ca.pem与时间戳机构公布的根证书比对。",
    "",
    "3. 保管日志（custody-log.jsonl）：每条记录的哈希值 = SHA-256（canonical_json([序号, 时间,",
    "   操作人, 操作, 文件编号, 前一哈希]) + 换行 + 记录内容），且每条记录包含前一条记录的",
    "   哈希值。可用上文英文部分第3项的Python 3代码重新计算。",
    "",
    "4. 时间锚定（anchor目录，最后写入）：anchor/events.jsonl接续custody-log.jsonl；其中",
    "   export.created记录列出本归档包anchor目录以外全部文件的大小及SHA-256；anchor/seal-*.tsr",
    "   为该记录哈希值的可信时间戳，请用时间戳机构自行公布的根证书（TSA_ROOT.pem）核验：",
    "",
    "     cd anchor",
    "     openssl ts -verify -data seal-NNNN-HOST.txt -in seal-NNNN-HOST.tsr \\",
    "         -CAfile TSA_ROOT.pem -untrusted seal-NNNN-HOST.chain.pem",
    "",
    "   无时间戳的归档包为“未锚定”：其文件与清单一致，但清单的时间未经第三方固定。",
    "",
)


def verify_text(bundle: Bundle, signed_name: str | None, filing_names: list[str]) -> str:
    """VERIFY.txt in English and Chinese, with the exact commands."""
    lines = [
        "HOW TO CHECK THIS ARCHIVE / 如何核验本归档包",
        "=" * 60,
        "",
        f"Case: {bundle.case_title} ({bundle.case_id})",
        f"Custody log head: entry {bundle.head_seq}, hash {bundle.head_hash}",
        f"Exported with {bundle.tool} (code SHA-256 {bundle.code_hash})",
        *(["", "WARNING / 警告:", *note] if (note := bundle.anchoring_note()) else []),
        "",
        "ENGLISH",
        "-------",
    ]
    lines += _verify_en(bundle, signed_name, filing_names)
    lines += [
        "中文",
        "----",
    ]
    lines += _verify_zh(signed_name)
    return "\n".join(lines) + "\n"


def _verify_en(bundle: Bundle, signed_name: str | None, filing_names: list[str]) -> list[str]:
    """The English steps: hashes, tokens, log (and its seal), anchor, signed PDF, one command."""
    seal = next((t for t in reversed(bundle.tokens) if t.purpose == "seal"), None)
    lines = list(VERIFY_EN_STEPS)
    if seal is not None:
        lines += [
            f"   The log is sealed at entry {seal.sealed_seq} (hash {seal.sealed_hash}) by token",
            f"   {seal.file_stem}.tsr from {seal.tsa_name or seal.tsa_url}, genTime {seal.gen_time}.",
            "",
        ]
    lines += VERIFY_EN_ANCHOR
    n = 5
    if signed_name:
        lines += [
            f"{n}. The signed archive PDF {signed_name} (PAdES B-T, PDF/A-3 with the natives attached):",
            "",
            f"     pdfsig {signed_name}",
            f"     pyhanko sign validate --pretty-print {signed_name}",
            "",
            "   Attached files can be listed with `pdfdetach -list` and saved with",
            "   `pdfdetach -saveall`; each name ends in the file's SHA-256.",
            "",
        ]
        n += 1
    lines += [
        f"{n}. With Proofshot installed, everything above in one command:",
        "",
        "     proofshot verify-bundle .        (or the .zip, or a signed PDF)",
        "",
        "The filing PDF(s): " + (", ".join(filing_names) or "none"),
        "",
    ]
    return lines


def _verify_zh(signed_name: str | None) -> list[str]:
    """The Chinese steps: hashes, tokens, log, anchor, signed PDF, one command."""
    lines = list(VERIFY_ZH_STEPS)
    n = 5
    if signed_name:
        lines += [
            f"{n}. 已签名的归档PDF {signed_name}（PAdES B-T签名，PDF/A-3，附原始文件）：",
            "",
            f"     pdfsig {signed_name}",
            "",
        ]
        n += 1
    lines += [
        f"{n}. 如已安装Proofshot，可用一条命令完成上述全部核验：",
        "",
        "     proofshot verify-bundle .",
        "",
    ]
    return lines


def write_archive(
    case: Case,
    bundle: Bundle,
    folder: Path,
    zip_path: Path,
    *,
    filing_pdfs: Iterable[Path],
    signed_pdf: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    cancel_check: Callable[[], None] | None = None,
    make_zip: bool = True,
) -> ArchiveOutput:
    """Write the archive folder, its manifests and (unless ``make_zip`` is off) a reproducible zip.

    The export turns ``make_zip`` off: it lists and seals the folder first, adds ``anchor/``
    (:func:`write_anchor`) and zips afterwards, so the zip carries the anchor.
    """
    folder.mkdir(parents=True, exist_ok=True)
    entries = _copy_natives(case, bundle, folder, progress, cancel_check)
    filing_names = []
    for pdf in filing_pdfs:
        rel = f"filing/{pdf.name}"
        sha, size = _copy_hashed(pdf, folder / rel)
        entries.append(ArchiveEntry(rel, size, sha, "filing-pdf"))
        filing_names.append(rel)
    signed_name = None
    if signed_pdf is not None:
        signed_name = f"signed/{signed_pdf.name}"
        sha, size = _copy_hashed(signed_pdf, folder / signed_name)
        entries.append(ArchiveEntry(signed_name, size, sha, "signed-pdf"))
    tokens_dir = folder / "tokens"
    attest.export_tokens(case, tokens_dir)
    for path in sorted(tokens_dir.iterdir()):
        sha, size = _hash_file(path)
        entries.append(ArchiveEntry(f"tokens/{path.name}", size, sha, "timestamp"))
    entries += _write_texts(case, bundle, folder, signed_name, filing_names)
    entries.sort(key=lambda e: e.path)
    manifest_bytes = _write_manifests(bundle, folder, entries)
    output = ArchiveOutput(folder, zip_path, entries, hashlib.sha256(manifest_bytes).hexdigest())
    if make_zip:
        write_zip(folder, zip_path, bundle.document_time.timetuple()[:6])
        output.zip_sha256 = _hash_file(zip_path)[0]
    return output


def _copy_natives(
    case: Case,
    bundle: Bundle,
    folder: Path,
    progress: Callable[[str, int, int], None] | None,
    cancel_check: Callable[[], None] | None,
) -> list[ArchiveEntry]:
    """Copy every exhibit item's stored file as its native, re-hashing it on the way."""
    entries: list[ArchiveEntry] = []
    views = list(bundle.item_views())
    total = len(views)
    for n, view in enumerate(views, start=1):
        if cancel_check is not None:
            cancel_check()
        dst = folder / view.native_name
        if dst.exists():  # the same item twice in one exhibit cannot happen; be safe anyway
            continue
        sha, size = _copy_hashed(case.objects.path_for(view.item.sha256), dst)
        if sha != view.item.sha256:
            raise ProofshotError(
                f"Item {view.item.id}'s stored file no longer matches the SHA-256 recorded at acquisition; "
                "run `proofshot verify` and resolve it before exporting."
            )
        ex_number = int(view.label.split(".")[0])
        entries.append(
            ArchiveEntry(
                view.native_name,
                size,
                sha,
                "native",
                ex_number,
                view.label,
                view.item.id,
                view.item.sha512,
                view.item.sm3,
            )
        )
        if progress is not None and (n % 25 == 0 or n == total):
            progress("Copying natives", n, total)
    return entries


def _write_texts(
    case: Case, bundle: Bundle, folder: Path, signed_name: str | None, filing_names: list[str]
) -> list[ArchiveEntry]:
    """The custody log, bundle.json, the notice letters and VERIFY.txt, each as an entry."""
    write_custody_log(case, bundle.head_seq, folder / CUSTODY_LOG)
    (folder / BUNDLE_JSON).write_text(
        json.dumps(bundle_json(bundle), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        "utf-8",
    )
    letters = folder / "letters"
    letters.mkdir(exist_ok=True)
    if bundle.options.english:
        (letters / "platform-notice-en.txt").write_text(
            declarations.blocks_to_text(notice.notice_en(bundle, notice.select_outputs(bundle))),
            "utf-8",
        )
    if bundle.options.chinese:
        (letters / "platform-notice-zh.txt").write_text(
            declarations.blocks_to_text(notice.notice_zh(bundle, notice.select_outputs(bundle))),
            "utf-8",
        )
    (folder / "VERIFY.txt").write_text(verify_text(bundle, signed_name, filing_names), "utf-8")
    entries: list[ArchiveEntry] = []
    for rel, role in (
        (CUSTODY_LOG, "custody-log"),
        (BUNDLE_JSON, "bundle-model"),
        ("VERIFY.txt", "instructions"),
        *((f"letters/{p.name}", "letter") for p in sorted(letters.iterdir())),
    ):
        sha, size = _hash_file(folder / rel)
        entries.append(ArchiveEntry(rel, size, sha, role))
    return entries


def _write_manifests(bundle: Bundle, folder: Path, entries: list[ArchiveEntry]) -> bytes:
    """manifest.json, manifest.csv and SHA256SUMS for the sorted entries; the JSON's bytes."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "case_id": bundle.case_id,
        "case_title": bundle.case_title,
        "head_seq": bundle.head_seq,
        "head_hash": bundle.head_hash,
        "document_date": bundle.doc_date,
        "tool": bundle.tool,
        "files": [e.as_dict() for e in entries],
    }
    manifest_bytes = (
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    (folder / MANIFEST_JSON).write_bytes(manifest_bytes)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "size", "sha256", "role", "exhibit", "item", "item_id"])
    for e in entries:
        writer.writerow(
            [e.path, e.size, e.sha256, e.role, e.exhibit or "", e.item or "", e.item_id or ""]
        )
    (folder / MANIFEST_CSV).write_text(buffer.getvalue(), "utf-8")
    (folder / SHA256SUMS).write_text("".join(f"{e.sha256}  {e.path}\n" for e in entries), "utf-8")
    return manifest_bytes


def seal_token_stem(token_id: int, tsa_url: str) -> str:
    return "seal-" + attest.token_file_stem(token_id, tsa_url).removeprefix("token-")


def write_anchor(case: Case, folder: Path, bundle_head_seq: int, export_seq: int) -> list[str]:
    """``anchor/``: the log entries after the archived log (``export.created`` and its seals) and the seal tokens.

    Returns the stems of the seal tokens written. Nothing here is listed in ``export.created``
    (it cannot be: it holds that entry); ``verify-bundle`` checks it by recomputing the chain
    from the archived log's head and by verifying the tokens against trust anchors of its own.
    """
    anchor = folder / ANCHOR_DIR
    anchor.mkdir(parents=True, exist_ok=True)
    head_seq = custody.head(case.conn)[0]
    write_custody_log(case, head_seq, folder / ANCHOR_EVENTS, after=bundle_head_seq)
    export_hash = case.conn.execute(
        "SELECT hash FROM events WHERE seq = ?", (export_seq,)
    ).fetchone()[0]
    stems = []
    rows = case.conn.execute(
        "SELECT id, tsa_url, tsa_name, gen_time, manifest, response_b64, chain_pem FROM tokens"
        " WHERE purpose = 'seal' AND sealed_seq = ? AND sealed_hash = ? ORDER BY id",
        (export_seq, export_hash),
    ).fetchall()
    lines = [
        "ANCHOR OF THIS ARCHIVE / 本归档包的时间锚定",
        "=" * 60,
        "",
        f"events.jsonl holds the custody-log entries after entry {bundle_head_seq} (the last entry of",
        f"custody-log.jsonl): entry {export_seq} is export.created, which lists every file of this",
        "archive outside anchor/ with its size and SHA-256; the entries after it seal it.",
        "",
    ]
    for tid, tsa_url, tsa_name, gen_time, manifest, resp_b64, chain_pem in rows:
        stem = seal_token_stem(int(tid), str(tsa_url))
        (anchor / f"{stem}.tsr").write_bytes(base64.b64decode(resp_b64))
        (anchor / f"{stem}.txt").write_bytes(str(manifest).encode("utf-8"))
        (anchor / f"{stem}.chain.pem").write_text(str(chain_pem or ""), "ascii")
        stems.append(stem)
        lines += [
            f"{stem}.tsr: {tsa_name or tsa_url}, genTime {gen_time}, seals entry {export_seq}",
            f"  openssl ts -verify -data {stem}.txt -in {stem}.tsr -CAfile TSA_ROOT.pem -untrusted {stem}.chain.pem",
            "",
        ]
    if not stems:
        lines += [
            "NOT ANCHORED: no timestamp authority sealed the export, so nothing outside the",
            "exporting computer fixes this list of files in time. verify-bundle reports INTACT, UNANCHORED.",
            "未锚定：导出时未取得可信时间戳，verify-bundle核验结果为“完整，未锚定”。",
            "",
        ]
    lines += [
        "TSA_ROOT.pem is the root certificate the TSA publishes, obtained from the TSA itself,",
        "never from this archive. proofshot verify-bundle --ca-file TSA_ROOT.pem does all of this.",
    ]
    (folder / ANCHOR_README).write_text("\n".join(lines) + "\n", "utf-8")
    return stems


def write_zip(folder: Path, zip_path: Path, date_time: tuple[int, ...]) -> None:
    """A zip of the folder under its own name, byte-identical for the same content."""
    stamp = tuple(max(v, lo) for v, lo in zip(date_time, (1980, 1, 1, 0, 0, 0), strict=True))
    root = folder.name
    tmp = zip_path.with_suffix(zip_path.suffix + ".part")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
        for path in files:
            rel = path.relative_to(folder).as_posix()
            info = zipfile.ZipInfo(f"{root}/{rel}", date_time=stamp)  # type: ignore[arg-type]
            info.create_system = 3
            info.external_attr = 0o644 << 16
            stored = rel.lower().endswith(_STORED_TYPES)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with (
                open(path, "rb") as src,
                zf.open(info, "w", force_zip64=path.stat().st_size > (1 << 31)) as dst,
            ):
                shutil.copyfileobj(src, dst, CHUNK)
    os.replace(tmp, zip_path)
