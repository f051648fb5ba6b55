"""Check an exported bundle offline: a folder, its zip, or a signed archive PDF.

Nothing is trusted that can be recomputed: every file against the manifests (and the three
manifests against one another), every timestamp token against the manifest it signs and the
chain shipped beside it, every native's hash against the token manifest that names it, the
custody log's hash chain and the seals over it, and every PDF signature with pyHanko. Each
changed, missing or added file is named. The case itself is never needed.

What cannot be established offline is said as a note, not hidden: whether a TSA root or the
signer's certificate deserves trust is for the reader to compare with what the TSA or the
signer publishes.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import pikepdf
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from app.core import custody
from app.core.canonical import canonical_json
from app.core.tsa import verify_timestamp
from app.report.archive import (
    CUSTODY_LOG,
    MANIFEST_CSV,
    MANIFEST_FILES,
    MANIFEST_JSON,
    SHA256SUMS,
)

CHUNK = 1 << 20
_NATIVE_NAME = re.compile(r"-([0-9a-f]{64})(\.[A-Za-z0-9]+)?$")
_ITEMS_LINE = re.compile(r"^([0-9a-f]{64})  item-(\d+)$")


@dataclass
class BundleReport:
    path: str
    kind: str
    ok: bool = True
    files_checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    chain: dict[str, Any] = field(default_factory=dict)
    signatures: list[dict[str, Any]] = field(default_factory=list)
    attachments: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.problems.append(text)
        self.ok = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# -- sources ------------------------------------------------------------------------------------


class _Source:
    """A bundle's files by relative POSIX path, wherever they live."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        with self.open(name) as handle:
            return handle.read()

    def has(self, name: str) -> bool:
        return name in set(self.names())

    def sha256(self, name: str) -> tuple[str, int]:
        h = hashlib.sha256()
        size = 0
        with self.open(name) as handle:
            while chunk := handle.read(CHUNK):
                h.update(chunk)
                size += len(chunk)
        return h.hexdigest(), size


class _Folder(_Source):
    def __init__(self, root: Path) -> None:
        self.root = root
        self._names = sorted(
            p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()
        )

    def names(self) -> list[str]:
        return self._names

    def open(self, name: str) -> IO[bytes]:
        return open(self.root / name, "rb")


class _Zip(_Source):
    def __init__(self, path: Path, report: BundleReport) -> None:
        self.zf = zipfile.ZipFile(path)
        entries = [i for i in self.zf.infolist() if not i.is_dir()]
        self.map: dict[str, zipfile.ZipInfo] = {}
        tops = {
            PurePosixPath(i.filename).parts[0] for i in entries if PurePosixPath(i.filename).parts
        }
        strip = len(tops) == 1 and all(len(PurePosixPath(i.filename).parts) > 1 for i in entries)
        for info in entries:
            name = info.filename
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or "\\" in name:
                report.problem(
                    f"The zip holds an entry with an unsafe path: {name!r}; it was not read."
                )
                continue
            rel = "/".join(parts[1:]) if strip else name
            self.map[rel] = info

    def names(self) -> list[str]:
        return sorted(self.map)

    def open(self, name: str) -> IO[bytes]:
        return self.zf.open(self.map[name])


class _Memory(_Source):
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def names(self) -> list[str]:
        return sorted(self.files)

    def open(self, name: str) -> IO[bytes]:
        return io.BytesIO(self.files[name])


# -- checks --------------------------------------------------------------------------------------


def _check_files(src: _Source, report: BundleReport) -> dict[str, dict[str, Any]]:
    """Manifest against files; the three manifests against one another. Returns the entries."""
    present = set(src.names())
    if MANIFEST_JSON not in present:
        report.problem("manifest.json is missing, so no file can be checked against it.")
        return {}
    try:
        manifest = json.loads(src.read(MANIFEST_JSON).decode("utf-8"))
        entries = {str(e["path"]): e for e in manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        report.problem(f"manifest.json cannot be read ({exc}).")
        return {}
    if SHA256SUMS in present:
        sums: dict[str, str] = {}
        for line in src.read(SHA256SUMS).decode("utf-8", "replace").splitlines():
            if line.strip():
                digest, _, path = line.partition("  ")
                sums[path.lstrip("*")] = digest
        for path in sorted(set(sums) | set(entries)):
            if sums.get(path) != (entries.get(path) or {}).get("sha256"):
                report.problem(f"SHA256SUMS and manifest.json disagree about {path}.")
    else:
        report.problem("SHA256SUMS is missing.")
    if MANIFEST_CSV in present:
        rows = list(csv.DictReader(io.StringIO(src.read(MANIFEST_CSV).decode("utf-8", "replace"))))
        csv_map = {r.get("path", ""): (r.get("sha256"), r.get("size")) for r in rows}
        for path in sorted(set(csv_map) | set(entries)):
            entry = entries.get(path)
            if entry is None or csv_map.get(path) != (entry.get("sha256"), str(entry.get("size"))):
                report.problem(f"manifest.csv and manifest.json disagree about {path}.")
    else:
        report.problem("manifest.csv is missing.")
    for path, entry in sorted(entries.items()):
        if path not in present:
            report.missing.append(path)
            report.problem(f"Missing: {path} is listed in the manifest but not in the bundle.")
            continue
        digest, size = src.sha256(path)
        report.files_checked += 1
        if digest != entry.get("sha256") or size != entry.get("size"):
            report.changed.append(path)
            report.problem(f"Changed: {path} no longer matches its SHA-256 in the manifest.")
    for path in sorted(present - set(entries) - set(MANIFEST_FILES)):
        report.added.append(path)
        report.problem(f"Added: {path} is in the bundle but not in the manifest.")
    return entries


def _read_log(src: _Source, report: BundleReport) -> list[custody.Event]:
    if not src.has(CUSTODY_LOG):
        report.problem("custody-log.jsonl is missing, so the custody chain cannot be checked.")
        return []
    events = []
    for number, line in enumerate(src.read(CUSTODY_LOG).decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            e = json.loads(line)
            payload = (
                e["payload"] if isinstance(e["payload"], str) else canonical_json(e["payload"])
            )
            events.append(
                custody.Event(
                    int(e["seq"]),
                    e["at_utc"],
                    e["actor"],
                    e["action"],
                    e["item_id"],
                    payload,
                    e["prev_hash"],
                    e["hash"],
                )
            )
        except (ValueError, KeyError, TypeError):
            report.problem(f"custody-log.jsonl line {number} cannot be read.")
    return events


def _check_chain(
    src: _Source, report: BundleReport, manifest: dict[str, Any] | None
) -> list[custody.Event]:
    events = _read_log(src, report)
    if not events:
        return events
    count, problems = custody.check_chain(iter(events))
    for problem in problems:
        report.problem(problem.message)
    head = events[-1]
    report.chain = {
        "entries": count,
        "head_seq": head.seq,
        "head_hash": head.hash,
        "intact": not problems,
    }
    if manifest and (manifest.get("head_seq"), manifest.get("head_hash")) != (head.seq, head.hash):
        report.problem("The custody log does not end at the head the manifest names.")
    return events


def _case_id(events: list[custody.Event]) -> str:
    if not events:
        return ""
    try:
        return str(json.loads(events[0].payload)["facts"].get("case_id", ""))
    except (ValueError, KeyError, AttributeError):
        return ""


def _item_hashes(events: list[custody.Event]) -> dict[int, str]:
    out: dict[int, str] = {}
    for event in events:
        if event.action != "item.added":
            continue
        try:
            for row in json.loads(event.payload).get("records", {}).get("items", []):
                out[int(row["id"])] = str(row["sha256"])
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return out


def _check_tokens(
    src: _Source,
    report: BundleReport,
    entries: dict[str, dict[str, Any]],
    events: list[custody.Event],
) -> list[bytes]:
    """Every token offline; natives against their token manifests; seals against the log."""
    names = set(src.names())
    roots: list[bytes] = []
    if "tokens/tokens.json" not in names:
        report.notes.append("The bundle holds no timestamp tokens.")
        return roots
    try:
        index = json.loads(src.read("tokens/tokens.json").decode("utf-8"))
    except ValueError:
        report.problem("tokens/tokens.json cannot be read.")
        return roots
    by_event = {e.seq: e.hash for e in events}
    case_id = _case_id(events)
    manifests: dict[str, dict[int, str]] = {}
    for token in index.get("tokens", []):
        stem = str(token.get("name", ""))
        files = {ext: f"tokens/{stem}{ext}" for ext in (".tsr", ".txt", ".chain.pem", ".ca.pem")}
        if not (files[".tsr"] in names and files[".txt"] in names):
            report.problem(f"Token {stem}: its .tsr or .txt file is missing.")
            continue
        data = src.read(files[".txt"])
        ca = src.read(files[".ca.pem"]) if files[".ca.pem"] in names else b""
        anchors = [ca] if ca.strip() else []
        roots.extend(anchors)
        result = verify_timestamp(
            src.read(files[".tsr"]), data, expected_nonce=None, ca_pems=anchors
        )
        hard = [
            p for p, c in zip(result.problems, result.codes, strict=True) if c not in ("no-anchor",)
        ]
        entry = {
            "name": stem,
            "purpose": token.get("purpose"),
            "ok": not hard,
            "gen_time": result.gen_time.isoformat() if result.gen_time else None,
            "tsa": result.tsa_name,
            "serial": result.serial_hex,
            "problems": result.problems,
        }
        report.tokens.append(entry)
        for text in hard:
            report.problem(f"Token {stem}: {text}")
        if not anchors:
            report.notes.append(
                f"Token {stem}: no root certificate is in the bundle; compare the TSA's certificate with the one it publishes."
            )
        text = data.decode("utf-8", "replace")
        if token.get("purpose") == "items":
            manifests[stem] = {
                int(m.group(2)): m.group(1) for m in map(_ITEMS_LINE.match, text.splitlines()) if m
            }
        elif token.get("purpose") == "seal":
            fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
            try:
                seq = int(fields.get("head-seq", "0"))
            except ValueError:
                seq = 0
            if events and seq in by_event:
                if by_event[seq] != fields.get("head-hash") or (
                    case_id and fields.get("case-id") != case_id
                ):
                    report.problem(
                        f"Token {stem}: the sealed log head (entry {seq}) does not match the custody log."
                    )
            elif events and seq > events[-1].seq:
                report.notes.append(
                    f"Token {stem} seals entry {seq}, beyond the log in this bundle."
                )
    mapping = index.get("items", {})
    log_hashes = _item_hashes(events)
    for path, entry in entries.items():
        if entry.get("role") != "native" or entry.get("item_id") is None:
            continue
        item_id = int(entry["item_id"])
        sha = entry.get("sha256")
        if log_hashes and log_hashes.get(item_id) != sha:
            report.problem(
                f"{path}: the custody log records a different SHA-256 for item {item_id}."
            )
        stems = mapping.get(str(item_id), [])
        if not stems:
            report.notes.append(f"{path}: item {item_id} has no trusted timestamp.")
        for stem in stems:
            if manifests.get(stem, {}).get(item_id) != sha:
                report.problem(
                    f"{path}: its SHA-256 is not the one token {stem} attests for item {item_id}."
                )
    return roots


def _certs(pems: Iterable[bytes]) -> list[asn1_x509.Certificate]:
    out = []
    for blob in pems:
        for _, _, der in asn1_pem.unarmor(blob, multiple=True):
            out.append(asn1_x509.Certificate.load(der))
    return out


@contextlib.contextmanager
def _quiet_pyhanko() -> Any:
    """pyHanko logs a traceback when a signer's chain ends at an untrusted root; we report it."""
    logger = logging.getLogger("pyhanko")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _check_pdf_signatures(
    data: bytes, name: str, report: BundleReport, tsa_roots: list[bytes]
) -> int:
    """Validate every signature in a PDF; the last must cover the whole file."""
    with _quiet_pyhanko():
        return _check_pdf_signatures_loud(data, name, report, tsa_roots)


def _check_pdf_signatures_loud(
    data: bytes, name: str, report: BundleReport, tsa_roots: list[bytes]
) -> int:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        report.problem(f"{name} cannot be read as a PDF ({type(exc).__name__}).")
        return 0
    roots = _certs(tsa_roots)
    for index, emb in enumerate(signatures):
        entry: dict[str, Any] = {"file": name, "field": emb.field_name}
        try:
            status = validate_pdf_signature(
                emb,
                signer_validation_context=ValidationContext(trust_roots=[], allow_fetching=False),
                ts_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False),
            )
        except (SignatureValidationError, ValueError) as exc:
            report.problem(f"{name}: signature {emb.field_name} could not be validated ({exc}).")
            report.signatures.append({**entry, "ok": False})
            continue
        ts = status.timestamp_validity
        last = index == len(signatures) - 1
        coverage = str(status.coverage.name) if status.coverage is not None else ""
        entry.update(
            intact=bool(status.intact),
            valid=bool(status.valid),
            coverage=coverage,
            signer=status.signing_cert.subject.human_friendly,
            signer_sha256=hashlib.sha256(status.signing_cert.dump()).hexdigest(),
            timestamp=None if ts is None else ts.timestamp.isoformat(),
            timestamp_ok=bool(ts is not None and ts.intact and ts.valid),
        )
        problems = []
        if not (status.intact and status.valid):
            problems.append("the signed bytes were altered or the signature is invalid")
        if last and coverage != "ENTIRE_FILE":
            problems.append("bytes were added after the last signature")
        if ts is None:
            problems.append("it has no signature timestamp (PAdES B-T needs one)")
        elif not (ts.intact and ts.valid):
            problems.append("its signature timestamp does not verify")
        entry["ok"] = not problems
        report.signatures.append(entry)
        for text in problems:
            report.problem(f"{name}: signature {emb.field_name}: {text}.")
        report.notes.append(
            f"{name}: signed by {entry['signer']} (certificate SHA-256 {entry['signer_sha256']}); "
            "whether that certificate is trusted is for the reader to establish."
        )
    return len(signatures)


def _attachments(data: bytes) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for name, spec in pdf.attachments.items():
            out[str(name)] = spec.get_file().read_bytes()
    return out


# -- entry points ---------------------------------------------------------------------------------


def _verify_tree(src: _Source, report: BundleReport) -> None:
    entries = _check_files(src, report)
    manifest = None
    if src.has(MANIFEST_JSON):
        try:
            manifest = json.loads(src.read(MANIFEST_JSON).decode("utf-8"))
        except ValueError:
            manifest = None
    events = _check_chain(src, report, manifest)
    roots = _check_tokens(src, report, entries, events)
    for name in src.names():
        if name.lower().endswith(".pdf") and (name not in report.changed):
            data = src.read(name)
            if b"/ByteRange" in data:
                _check_pdf_signatures(data, name, report, roots)


def _verify_pdf(path: Path, report: BundleReport) -> None:
    data = path.read_bytes()
    attachments: dict[str, bytes] = {}
    try:
        attachments = _attachments(data)
    except Exception as exc:
        report.problem(f"{path.name} cannot be read as a PDF ({type(exc).__name__}).")
        return
    report.attachments = len(attachments)
    roots = []
    if attachments:
        mem = _Memory(attachments)
        for name, blob in sorted(attachments.items()):
            match = _NATIVE_NAME.search(name)
            if name.startswith("natives/") and match:
                report.files_checked += 1
                if hashlib.sha256(blob).hexdigest() != match.group(1):
                    report.changed.append(name)
                    report.problem(f"Attachment {name} does not match the SHA-256 in its name.")
        events = _check_chain(mem, report, None) if mem.has(CUSTODY_LOG) else []
        entries = {}
        if mem.has("bundle.json"):
            try:
                model = json.loads(mem.read("bundle.json").decode("utf-8"))
                for ex in model.get("exhibits", []):
                    for item in ex.get("items", []):
                        entries[item["native"]] = {
                            "role": "native",
                            "item_id": item["item_id"],
                            "sha256": item["sha256"],
                        }
            except (ValueError, KeyError, TypeError):
                report.problem("The attached bundle.json cannot be read.")
        roots = _check_tokens(
            mem, report, {k: v for k, v in entries.items() if k in attachments}, events
        )
    count = _check_pdf_signatures(data, path.name, report, roots)
    if count:
        return
    sums = _find_sums(path)
    if sums is None:
        report.problem(
            f"{path.name} carries no signature, and no SHA256SUMS beside it lists it: nothing in it can be checked. "
            "Check it against the archive's SHA256SUMS."
        )
        return
    root, expected = sums
    digest = hashlib.sha256(data).hexdigest()
    report.files_checked += 1
    if digest != expected:
        report.changed.append(path.name)
        report.problem(f"Changed: {path.name} does not match its SHA-256 in {root / SHA256SUMS}.")
    else:
        report.notes.append(f"{path.name} matches its SHA-256 in {root / SHA256SUMS}.")


def _find_sums(path: Path) -> tuple[Path, str] | None:
    resolved = path.resolve()
    for parent in list(resolved.parents)[:4]:
        sums = parent / SHA256SUMS
        if sums.is_file():
            rel = resolved.relative_to(parent).as_posix()
            for line in sums.read_text("utf-8", "replace").splitlines():
                digest, _, name = line.partition("  ")
                if name == rel:
                    return parent, digest
    return None


def verify_bundle(path: Path | str) -> BundleReport:
    """Check a bundle folder, a bundle zip or a (signed) PDF; ``ok`` only when everything holds."""
    path = Path(path)
    if path.is_dir():
        report = BundleReport(str(path), "folder")
        _verify_tree(_Folder(path), report)
    elif path.is_file() and zipfile.is_zipfile(path):
        report = BundleReport(str(path), "zip")
        _verify_tree(_Zip(path, report), report)
    elif path.is_file() and path.read_bytes()[:5] == b"%PDF-":
        report = BundleReport(str(path), "pdf")
        _verify_pdf(path, report)
    else:
        report = BundleReport(str(path), "unknown")
        report.problem(f"{path} is not a bundle folder, a bundle zip or a PDF.")
    return report
