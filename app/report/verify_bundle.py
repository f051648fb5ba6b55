"""Check an exported bundle offline: a folder, its zip, or a PDF on its own.

A bundle is INTACT only when every file is covered by something nobody holding the bundle
can recompute: the ``export.created`` entry in ``anchor/events.jsonl`` lists every file
(path, size, SHA-256), it chains on from the archived custody log, and a seal token over its
hash verifies against a trust anchor from *outside* the bundle (``--ca-file``, the user's
settings, the OS trust store; never a certificate shipped in the bundle or the token). When
the files agree with that list but no seal anchors it, the verdict is INTACT, UNANCHORED
(exit 2): anyone could have rewritten files and list together. Anything else is NOT INTACT
with each problem named: changed, missing and added files, a re-chained custody log (the
cover's or ``bundle.json``'s log head is not the archive's), a removed exhibit, a replaced
PDF (or one carrying JavaScript or attachments), deleted tokens, a seal made long after the
export time it seals.

Reading is bounded whatever the input: files are streamed through fixed buffers, opened
with ``O_NOFOLLOW | O_NONBLOCK`` after an ``lstat`` (symlinks, FIFOs and devices are named,
never opened); zip members are refused above a decompression ratio and their streams capped;
manifests and other files read whole are capped in size. A zip whose directory cannot be
read is one sentence and exit 7. A PDF is opened once and handed, as that open file, to each
PDF library, which parses it once; a signed PDF's attachments are decoded here with a cap
(plain Flate or unfiltered only), so a compression bomb is named, never inflated whole.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning

from app.core import custody
from app.core.attest import seal_manifest, token_file_stem
from app.core.canonical import canonical_json
from app.core.digests import open_regular, sha256_stream
from app.core.errors import ProofshotError
from app.core.trust import load_trust
from app.core.tsa import MAX_CLOCK_OFFSET, parse_timestamp_response, verify_timestamp
from app.report.archive import (
    ANCHOR_DIR,
    ANCHOR_EVENTS,
    ANCHOR_README,
    BUNDLE_JSON,
    CUSTODY_LOG,
    MANIFEST_CSV,
    MANIFEST_FILES,
    MANIFEST_JSON,
    SHA256SUMS,
    seal_token_stem,
)

CHUNK = 1 << 20
MAX_SMALL_FILE = 16 << 20
"""Manifests, bundle.json, token files: read whole and parsed, so capped (a 50,000-item
manifest is about 15 MB; parsed, it stays well inside the 200 MB the verifier may use)."""
MAX_LOG_LINE = 16 << 20
MAX_ENTRIES = 200_000
"""Files in a folder or members in a zip."""
MAX_RATIO = 200
"""A zip member may inflate to at most this many times its compressed size (beyond 1 MB)."""
RATIO_FLOOR = 1 << 20
SEAL_WINDOW = dt.timedelta(hours=1)
"""The export seals itself within seconds; a seal made later than this after the export time
it seals means that time cannot be believed (a re-made export, backdated)."""
EXIT_OK = 0
EXIT_PROBLEMS = 2
EXIT_CORRUPT = 7

INTACT = "INTACT"
UNANCHORED = "INTACT, UNANCHORED"
NOT_INTACT = "NOT INTACT"
NOT_VERIFIED = "NOT VERIFIED"

_NATIVE_NAME = re.compile(r"-([0-9a-f]{64})(\.[A-Za-z0-9]+)?$")
_ITEMS_LINE = re.compile(r"^([0-9a-f]{64})  item-(\d+)$")
_COVER_HEAD = re.compile(r"(?:entry(\d+),hash:?|保管日志第(\d+)条，哈希值[:：]?)([0-9a-f]{64})")
_EXHIBIT_DIR = re.compile(r"^natives/exhibit-(\d+)/")


@dataclass
class Finding:
    code: str
    message: str


@dataclass
class BundleReport:
    path: str
    kind: str
    ok: bool = True
    verdict: str = ""
    anchored: bool = False
    files_checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    seals: list[dict[str, Any]] = field(default_factory=list)
    chain: dict[str, Any] = field(default_factory=dict)
    signatures: list[dict[str, Any]] = field(default_factory=list)
    attachments: int = 0
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    trust: list[str] = field(default_factory=list)
    exit_code: int = EXIT_OK
    _seen: set[str] = field(default_factory=set, init=False, repr=False)
    """The problem sentences already named, so each is named once."""

    def problem(self, text: str, code: str = "problem") -> None:
        if text not in self._seen:
            self._seen.add(text)
            self.problems.append(text)
            self.findings.append(Finding(code, text))
        self.ok = False

    def has(self, code: str) -> bool:
        return any(f.code == code for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        data["findings"] = [f.__dict__ for f in self.findings]
        return data


class _Refused(Exception):
    """A file that is not read: not a regular file, too large, a bomb, or damaged."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# -- trust anchors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustAnchors:
    """Root certificates from outside the bundle: one PEM certificate each, and where it came from."""

    pems: tuple[bytes, ...] = ()
    sources: tuple[str, ...] = ()

    def for_token(self, tsr: bytes) -> list[bytes]:
        """The anchors that could end this token's chain (by its certificates' names)."""
        try:
            certs = [
                x509.load_pem_x509_certificate(p) for p in parse_timestamp_response(tsr).certs_pem
            ]
        except (ProofshotError, ValueError):
            return list(self.pems)
        if not certs:  # the token names no certificate: any anchor might be its signer's
            return list(self.pems)
        names = {c.subject for c in certs} | {c.issuer for c in certs}
        return [pem for pem, cert in self._loaded() if cert.subject in names]

    def source_of(self, subject: str) -> str | None:
        for (_, cert), source in zip(self._loaded(), self._sources(), strict=True):
            if cert.subject.rfc4514_string() == subject:
                return source
        return None

    def _loaded(self) -> list[tuple[bytes, x509.Certificate]]:
        return _load_each(self.pems)

    def _sources(self) -> tuple[str, ...]:
        if len(self.sources) == len(self.pems):
            return self.sources
        return tuple(self.sources[0] if self.sources else "" for _ in self.pems)

    def summary(self) -> list[str]:
        return list(dict.fromkeys(self.sources))


def _verify_token(
    tsr: bytes, data: bytes, *, expected_nonce: int | None, ca_pems: Sequence[bytes]
) -> Any:
    """:func:`app.core.tsa.verify_timestamp`, quiet about odd certificates of an OS store."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return verify_timestamp(tsr, data, expected_nonce=expected_nonce, ca_pems=ca_pems)


@functools.lru_cache(maxsize=64)
def _load_each(pems: tuple[bytes, ...]) -> list[tuple[bytes, x509.Certificate]]:
    out = []
    for pem in pems:
        for cert in _split_pems(pem):
            out.append((pem, cert))
    return out


def _split_pems(data: bytes) -> list[x509.Certificate]:
    """Every readable certificate of a PEM blob, skipping any ``cryptography`` warns about."""
    certs = []
    end = b"-----END CERTIFICATE-----"
    for block in data.split(end):
        start = block.find(b"-----BEGIN CERTIFICATE-----")
        if start < 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                certs.append(x509.load_pem_x509_certificate(block[start:] + end + b"\n"))
            except Exception:  # malformed, or deprecated (negative serials): not an anchor
                continue
    return certs


def trust_anchors(ca_files: Sequence[Path] = (), *, system: bool = True) -> TrustAnchors:
    """``--ca-file`` files, the user's trusted roots, and (unless off) the OS trust store.

    The same store ``proofshot verify`` uses (:func:`app.core.trust.load_trust`): never the
    case's, the bundle's or the token's own certificates.
    """
    store = load_trust(list(ca_files), system=system)
    return TrustAnchors(tuple(a.pem for a in store.anchors), tuple(a.source for a in store.anchors))


# -- sources ------------------------------------------------------------------------------------


class _Capped(io.RawIOBase):
    """A zip member stream that stops when it inflates beyond the allowed ratio."""

    def __init__(self, inner: IO[bytes], name: str, compressed: int) -> None:
        self.inner = inner
        self.name_ = name
        self.limit = max(RATIO_FLOOR, MAX_RATIO * max(compressed, 1))
        self.seen = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.inner.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise _Refused(
                "damaged", f"{self.name_} is damaged inside the zip ({exc}); it was not checked."
            ) from exc
        self.seen += len(data)
        if self.seen > self.limit:
            raise _Refused(
                "zip-bomb",
                f"{self.name_} inflates more than {MAX_RATIO} times its compressed size (a zip bomb); reading stopped.",
            )
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


class _Source:
    """A bundle's files by relative POSIX path, wherever they live; every read bounded."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def size(self, name: str) -> int:
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        raise NotImplementedError

    def has(self, name: str) -> bool:
        return name in self._set()

    def refuse(self, name: str) -> None:
        """Raise :class:`_Refused` for a file that must not be read at all (zip bombs)."""

    def _set(self) -> set[str]:
        cached: set[str] | None = getattr(self, "_name_set", None)
        if cached is None:
            cached = set(self.names())
            self._name_set = cached
        return cached

    def read(self, name: str, cap: int = MAX_SMALL_FILE) -> bytes:
        size = self.size(name)
        if size > cap:
            raise _Refused(
                "too-large",
                f"{name} is {size:,} bytes, more than the {cap:,} a file read whole may be; it was not read.",
            )
        parts: list[bytes] = []
        got = 0
        with self.open(name) as handle:
            while got <= cap and (chunk := handle.read(min(CHUNK, cap + 1 - got))):
                parts.append(chunk)
                got += len(chunk)
        data = b"".join(parts)
        if len(data) > cap:
            raise _Refused("too-large", f"{name} is larger than {cap:,} bytes; it was not read.")
        return data

    def lines(self, name: str) -> Iterator[bytes]:
        with self.open(name) as raw:
            handle = io.BufferedReader(raw, CHUNK) if isinstance(raw, io.RawIOBase) else raw
            while True:
                line = handle.readline(MAX_LOG_LINE + 1)
                if not line:
                    return
                if len(line) > MAX_LOG_LINE:
                    raise _Refused(
                        "too-large", f"{name} has a line longer than {MAX_LOG_LINE:,} bytes."
                    )
                yield line

    def sha256(self, name: str) -> tuple[str, int]:
        with self.open(name) as handle:
            return sha256_stream(handle, CHUNK)

    @contextlib.contextmanager
    def open_pdf(self, name: str) -> Iterator[_PdfFile]:
        """The PDF ``name`` opened once for the PDF libraries, which need to seek: a member
        of a zip is streamed (capped) into an anonymous temporary file first."""
        with tempfile.TemporaryFile(prefix="proofshot-verify-") as copy:
            with self.open(name) as src:
                shutil.copyfileobj(src, copy, CHUNK)
            pdf = _PdfFile(copy, name)
            try:
                yield pdf
            finally:
                pdf.close()


_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _what(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def safe_open(path: Path) -> IO[bytes]:
    """Open a regular file for reading without following a symlink or blocking on a FIFO.

    The one hostile-input open of the project (:func:`app.core.digests.open_regular`:
    ``O_NOFOLLOW | O_NONBLOCK``, then ``fstat``), its refusal turned into a named sentence.
    """
    try:
        return open_regular(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise _Refused(
                    "unsafe", f"{path.name} is a symbolic link; it was not followed."
                ) from exc
            if not stat.S_ISREG(mode):
                raise _Refused("unsafe", f"{path.name} is {_what(mode)}; it was not read.") from exc
        raise _Refused("unreadable", f"{path.name} cannot be opened ({exc.strerror}).") from exc


class _Folder(_Source):
    def __init__(self, root: Path, report: BundleReport) -> None:
        self.root = root
        self._names: list[str] = []
        self._sizes: dict[str, int] = {}
        stack = [("", root)]
        while stack:
            rel, folder = stack.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = rel + entry.name
                    st = entry.stat(follow_symlinks=False)
                    if stat.S_ISDIR(st.st_mode):
                        stack.append((name + "/", Path(entry.path)))
                    elif stat.S_ISREG(st.st_mode):
                        self._names.append(name)
                        self._sizes[name] = st.st_size
                    else:
                        report.unsafe.append(name)
                        report.problem(
                            f"Unsafe: {name} is {_what(st.st_mode)}; it was not opened.", "unsafe"
                        )
                    if len(self._names) + len(report.unsafe) > MAX_ENTRIES:
                        raise _Refused(
                            "too-many", f"The folder holds more than {MAX_ENTRIES:,} entries."
                        )
        self._names.sort()

    def names(self) -> list[str]:
        return self._names

    def size(self, name: str) -> int:
        return self._sizes[name]

    def open(self, name: str) -> IO[bytes]:
        return safe_open(self.root / name)

    @contextlib.contextmanager
    def open_pdf(self, name: str) -> Iterator[_PdfFile]:
        # Opened once, here, without following a link: a file swapped for a link or FIFO
        # since the walk is refused, and no library reopens it by path afterwards.
        with _PdfFile.opened(self.root / name, name) as pdf:
            yield pdf


class _Zip(_Source):
    def __init__(self, path: Path, report: BundleReport) -> None:
        self.handle = safe_open(path)
        try:
            self.zf = zipfile.ZipFile(self.handle)
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            self.handle.close()
            raise _Refused(
                "damaged-zip",
                f"{path.name} is a damaged zip: its directory cannot be read ({exc}); nothing in it was checked.",
            ) from exc
        if len(infos) > MAX_ENTRIES:
            self.close()
            raise _Refused("too-many", f"The zip holds more than {MAX_ENTRIES:,} members.")
        entries = [i for i in infos if not i.is_dir()]
        self.map: dict[str, zipfile.ZipInfo] = {}
        parts_of = [PurePosixPath(i.filename).parts for i in entries]
        tops = {p[0] for p in parts_of if p}
        strip = len(tops) == 1 and all(len(p) > 1 for p in parts_of)
        for info, parts in zip(entries, parts_of, strict=True):
            name = info.filename
            if name.startswith("/") or ".." in parts or "\\" in name or ":" in name:
                report.problem(
                    f"Unsafe: the zip holds an entry with an unsafe path: {name!r}; it was not read.",
                    "unsafe",
                )
                continue
            rel = "/".join(parts[1:]) if strip else name
            if stat.S_IFMT(info.external_attr >> 16) not in (0, stat.S_IFREG):
                report.unsafe.append(rel)
                report.problem(
                    f"Unsafe: {rel} is {_what(info.external_attr >> 16)} inside the zip; it was not read.",
                    "unsafe",
                )
                continue
            if rel in self.map:
                report.problem(f"The zip holds {rel} twice; which one counts is ambiguous.")
                continue
            self.map[rel] = info

    def names(self) -> list[str]:
        return sorted(self.map)

    def size(self, name: str) -> int:
        return self.map[name].file_size

    def refuse(self, name: str) -> None:
        info = self.map[name]
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Refused(
                "zip-bomb",
                f"{name} claims to inflate from {info.compress_size:,} to {info.file_size:,} bytes "
                f"(over {MAX_RATIO} times; a zip bomb); it was not read.",
            )

    def open(self, name: str) -> IO[bytes]:
        info = self.map[name]
        self.refuse(name)
        try:
            inner = self.zf.open(info)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
            raise _Refused("damaged", f"{name} cannot be read from the zip ({exc}).") from exc
        return _Capped(inner, name, info.compress_size)  # type: ignore[return-value]

    def close(self) -> None:
        self.zf.close()
        self.handle.close()


class _Memory(_Source):
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def names(self) -> list[str]:
        return sorted(self.files)

    def size(self, name: str) -> int:
        return len(self.files[name])

    def open(self, name: str) -> IO[bytes]:
        return io.BytesIO(self.files[name])


# -- reading ------------------------------------------------------------------------------------


def _event_from(line: bytes | str) -> custody.Event:
    e = json.loads(line)
    payload = e["payload"] if isinstance(e["payload"], str) else canonical_json(e["payload"])
    return custody.Event(
        int(e["seq"]),
        str(e["at_utc"]),
        str(e["actor"]),
        str(e["action"]),
        e["item_id"],
        payload,
        str(e["prev_hash"]),
        str(e["hash"]),
    )


@dataclass
class _Log:
    """What the verifier keeps of a custody log it streamed (never the whole log)."""

    entries: int = 0
    head_seq: int = 0
    head_hash: str = custody.GENESIS_HASH
    case_id: str = ""
    intact: bool = True
    item_hashes: dict[int, str] = field(default_factory=dict)
    tokens: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (stem, seq)


def _records(event: custody.Event) -> dict[str, Any]:
    try:
        records = json.loads(event.payload).get("records", {})
    except (ValueError, AttributeError):
        return {}
    return records if isinstance(records, dict) else {}


def _scan_log(src: _Source, report: BundleReport) -> _Log | None:
    if not src.has(CUSTODY_LOG):
        report.problem(
            "custody-log.jsonl is missing, so the custody chain cannot be checked.", "missing"
        )
        return None
    log = _Log()
    bad_lines: list[int] = []

    def events() -> Iterator[custody.Event]:
        for number, line in enumerate(src.lines(CUSTODY_LOG), start=1):
            if not line.strip():
                continue
            try:
                event = _event_from(line)
            except (ValueError, KeyError, TypeError):
                bad_lines.append(number)
                continue
            if event.seq == 1:
                with contextlib.suppress(ValueError, KeyError, AttributeError, TypeError):
                    log.case_id = str(json.loads(event.payload)["facts"].get("case_id", ""))
            if len(log.item_hashes) + len(log.tokens) > MAX_ENTRIES:
                raise _Refused(
                    "too-large",
                    f"custody-log.jsonl records more than {MAX_ENTRIES:,} items and tokens; "
                    "it was not checked further.",
                )
            if event.action == "item.added":
                for row in _records(event).get("items", []) or []:
                    with contextlib.suppress(KeyError, TypeError, ValueError):
                        log.item_hashes[int(row["id"])] = str(row["sha256"])
            for row in _records(event).get("tokens", []) or []:
                with contextlib.suppress(KeyError, TypeError, ValueError):
                    log.tokens[int(row["id"])] = (
                        token_file_stem(int(row["id"]), str(row["tsa_url"])),
                        event.seq,
                    )
            log.head_seq, log.head_hash = event.seq, event.hash
            yield event

    try:
        count, problems = custody.check_chain(events())
    except _Refused as exc:
        report.problem(exc.message, exc.code)
        count, problems = log.entries, [custody.ChainProblem(log.head_seq, exc.message)]
    for number in bad_lines[:5]:
        report.problem(f"custody-log.jsonl line {number} cannot be read.", "chain-broken")
    for problem in problems[:20]:
        report.problem(problem.message, "chain-broken")
    log.entries = count
    log.intact = not problems and not bad_lines
    report.chain = {
        "entries": count,
        "head_seq": log.head_seq,
        "head_hash": log.head_hash,
        "intact": log.intact,
    }
    return log


def _read_json(src: _Source, name: str, report: BundleReport) -> Any:
    if not src.has(name):
        return None
    try:
        return json.loads(src.read(name).decode("utf-8"))
    except _Refused as exc:
        report.problem(exc.message, exc.code)
    except (ValueError, UnicodeDecodeError) as exc:
        report.problem(f"{name} cannot be read ({exc}).")
    return None


def _manifest_entries(
    src: _Source, report: BundleReport, manifest: Any
) -> dict[str, dict[str, Any]]:
    """manifest.json's entries, cross-checked with SHA256SUMS and manifest.csv."""
    if manifest is None:
        if not src.has(MANIFEST_JSON):
            report.problem("manifest.json is missing.", "missing")
        return {}
    try:
        entries = {str(e["path"]): e for e in manifest["files"]}
    except (KeyError, TypeError) as exc:
        report.problem(f"manifest.json cannot be read ({exc}).")
        return {}
    try:
        if src.has(SHA256SUMS):
            sums: dict[str, str] = {}
            for line in src.read(SHA256SUMS).decode("utf-8", "replace").splitlines():
                if line.strip():
                    digest, _, path = line.partition("  ")
                    sums[path.lstrip("*")] = digest
            for path in sorted(set(sums) | set(entries)):
                if sums.get(path) != (entries.get(path) or {}).get("sha256"):
                    report.problem(f"SHA256SUMS and manifest.json disagree about {path}.")
        else:
            report.problem("SHA256SUMS is missing.", "missing")
        if src.has(MANIFEST_CSV):
            text = src.read(MANIFEST_CSV).decode("utf-8", "replace")
            rows = csv.DictReader(io.StringIO(text))
            csv_map = {r.get("path", ""): (r.get("sha256"), r.get("size")) for r in rows}
            for path in sorted(set(csv_map) | set(entries)):
                entry = entries.get(path)
                if entry is None or csv_map.get(path) != (
                    entry.get("sha256"),
                    str(entry.get("size")),
                ):
                    report.problem(f"manifest.csv and manifest.json disagree about {path}.")
        else:
            report.problem("manifest.csv is missing.", "missing")
    except _Refused as exc:
        report.problem(exc.message, exc.code)
    return entries


def _anchor_events(src: _Source, report: BundleReport) -> list[custody.Event] | None:
    if not src.has(ANCHOR_EVENTS):
        return None
    events = []
    try:
        for number, line in enumerate(src.lines(ANCHOR_EVENTS), start=1):
            if line.strip():
                try:
                    events.append(_event_from(line))
                except (ValueError, KeyError, TypeError):
                    report.problem(f"{ANCHOR_EVENTS} line {number} cannot be read.")
            if number > 10_000:
                report.problem(f"{ANCHOR_EVENTS} holds more entries than an export writes.")
                break
    except _Refused as exc:
        report.problem(exc.message, exc.code)
    return events


# -- PDFs ---------------------------------------------------------------------------------------


class _PdfView(io.RawIOBase):
    """One library's own read position over a PDF handle that several libraries share.

    The handle is opened once (no symlink followed, a regular file); each library gets a view
    that seeks before every read, so one library moving the shared offset cannot confuse
    another, and nothing reopens the file by path (no swap between check and open).
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.pos = 0
        self.end = handle.seek(0, io.SEEK_END)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.end}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, buffer: Any) -> int:
        self.handle.seek(self.pos)
        got = self.handle.readinto(buffer)
        self.pos += got or 0
        return got or 0

    def close(self) -> None:  # the shared handle belongs to the _PdfFile
        super().close()


class _PdfFile:
    """A PDF opened once and parsed at most once by each library (pikepdf, pypdf, pyHanko).

    A library that fails to parse it raises the same exception each time it is asked again,
    without a second parse.
    """

    def __init__(self, handle: IO[bytes], name: str) -> None:
        self.handle = handle
        self.name = name
        self._parsed: dict[str, Any] = {}
        self._views: list[IO[bytes]] = []

    @classmethod
    @contextlib.contextmanager
    def opened(cls, path: Path, name: str | None = None) -> Iterator[_PdfFile]:
        """A PDF on disk, opened through :func:`safe_open` (refused if a link, FIFO or device)."""
        with safe_open(path) as handle:
            pdf = cls(handle, name or path.name)
            try:
                yield pdf
            finally:
                pdf.close()

    def view(self) -> IO[bytes]:
        view = io.BufferedReader(_PdfView(self.handle), CHUNK)
        self._views.append(view)
        return view

    def _once(self, library: str, parse: Any) -> Any:
        if library not in self._parsed:
            try:
                self._parsed[library] = parse(self.view())
            except Exception as exc:  # a hostile PDF breaks each parser in its own way
                self._parsed[library] = exc
        found = self._parsed[library]
        if isinstance(found, Exception):
            raise found
        return found

    def pikepdf(self) -> Any:
        import pikepdf

        return self._once("pikepdf", pikepdf.open)

    def pypdf(self) -> Any:
        from pypdf import PdfReader

        return self._once("pypdf", lambda view: PdfReader(view, strict=False))

    def pyhanko(self) -> Any:
        from pyhanko.pdf_utils.reader import PdfFileReader

        return self._once("pyhanko", lambda view: PdfFileReader(view, strict=False))

    def sha256(self) -> str:
        view = self.view()
        return sha256_stream(view, CHUNK)[0]

    def close(self) -> None:
        parsed = self._parsed.get("pikepdf")
        if parsed is not None and not isinstance(parsed, Exception):
            parsed.close()
        for view in self._views:
            view.close()


def _pdf_text_first_page(pdf: _PdfFile) -> str:
    try:
        reader = pdf.pypdf()
        return reader.pages[0].extract_text() or "" if reader.pages else ""
    except Exception:  # a hostile PDF may break the text extractor in many ways
        return ""


def cover_head(pdf: _PdfFile | Path) -> tuple[int, str] | None:
    """The custody-log head the cover prints ("custody log entry N, hash H"), if any."""
    if isinstance(pdf, Path):
        with _PdfFile.opened(pdf) as opened:
            return cover_head(opened)
    text = re.sub(r"\s+", "", _pdf_text_first_page(pdf))
    match = _COVER_HEAD.search(text)
    if match is None:
        return None
    return int(match.group(1) or match.group(2)), match.group(3)


def active_content(pdf: _PdfFile, *, attachments_allowed: bool) -> list[str]:
    """JavaScript, launch actions and attachments: a filing PDF from Proofshot has none."""
    import pikepdf

    found: list[str] = []
    try:
        doc = pdf.pikepdf()
        names = doc.Root.get("/Names")
        if names is not None and "/JavaScript" in names:
            found.append("document-level JavaScript")
        if "/OpenAction" in doc.Root or "/AA" in doc.Root:
            found.append("an action run on opening")
        if not attachments_allowed:
            found += [f"an attached file {name!r}" for name in list(doc.attachments)[:10]]
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary):
                kind = obj.get("/S")
                if kind in (pikepdf.Name.JavaScript, pikepdf.Name.Launch) or "/JS" in obj:
                    found.append(f"a {str(kind or '/JavaScript').lstrip('/')} action")
                    break
    except Exception as exc:  # pikepdf raises its own and qpdf's errors
        return [f"a structure that cannot be read ({type(exc).__name__})"]
    return list(dict.fromkeys(found))


def _certs(pems: Iterable[bytes]) -> list[asn1_x509.Certificate]:
    out = []
    for blob in pems:
        with contextlib.suppress(ValueError):
            for _, _, der in asn1_pem.unarmor(blob, multiple=True):
                out.append(asn1_x509.Certificate.load(der))
    return out


@contextlib.contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs a traceback when a signer's chain ends at an untrusted root; we report it."""
    logger = logging.getLogger("pyhanko")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _check_pdf_signatures(
    pdf: _PdfFile, name: str, report: BundleReport, anchors: TrustAnchors
) -> int:
    """Validate every signature in a PDF; the last must cover the whole file. Returns how many."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    with _quiet_pyhanko():
        try:
            signatures = list(pdf.pyhanko().embedded_signatures)
        except Exception as exc:
            report.problem(f"{name} cannot be read as a PDF ({type(exc).__name__}).")
            return 0
        roots = _certs(anchors.pems)
        for index, emb in enumerate(signatures):
            entry: dict[str, Any] = {"file": name, "field": emb.field_name}
            try:
                status = validate_pdf_signature(
                    emb,
                    signer_validation_context=ValidationContext(
                        trust_roots=[], allow_fetching=False
                    ),
                    ts_validation_context=ValidationContext(
                        trust_roots=roots, allow_fetching=False
                    ),
                )
            except (SignatureValidationError, ValueError) as exc:
                report.problem(
                    f"{name}: signature {emb.field_name} could not be validated ({exc})."
                )
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
                timestamp_trusted=bool(ts is not None and ts.intact and ts.valid and ts.trusted),
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
                report.problem(f"{name}: signature {emb.field_name}: {text}.", "signature")
            report.notes.append(
                f"{name}: signed by {entry['signer']} (certificate SHA-256 {entry['signer_sha256']}); "
                "whether that certificate is trusted is for the reader to establish."
            )
            if ts is not None and not entry["timestamp_trusted"] and entry["timestamp_ok"]:
                report.notes.append(
                    f"{name}: the signature timestamp does not chain to a trusted root "
                    "(give the TSA's root with --ca-file)."
                )
        return len(signatures)


# -- checks -------------------------------------------------------------------------------------


class _Checker:
    """One pass over a bundle tree: files, lists and logs here; the anchor, tokens and PDFs in
    the module functions below, which it hands itself to.

    Each PDF is opened once (through :meth:`pdf`) and stays open for the whole pass, so the
    cover read for the log head and the active-content and signature checks share one parse
    per library.
    """

    def __init__(self, src: _Source, report: BundleReport, anchors: TrustAnchors) -> None:
        self.src = src
        self.report = report
        self.anchors = anchors
        self.digests: dict[str, tuple[str, int] | None] = {}
        self.pdfs: dict[str, _PdfFile] = {}
        self._open = contextlib.ExitStack()

    def digest(self, name: str) -> tuple[str, int] | None:
        if name not in self.digests:
            try:
                self.digests[name] = self.src.sha256(name)
                self.report.files_checked += 1
            except _Refused as exc:
                self.report.problem(exc.message, exc.code)
                self.digests[name] = None
        return self.digests[name]

    def read(self, name: str) -> bytes | None:
        try:
            return self.src.read(name)
        except _Refused as exc:
            self.report.problem(exc.message, exc.code)
            return None

    def pdf(self, name: str) -> _PdfFile:
        """The PDF ``name``, opened on first use and kept open until :meth:`run` ends."""
        if name not in self.pdfs:
            self.pdfs[name] = self._open.enter_context(self.src.open_pdf(name))
        return self.pdfs[name]

    # -- the pieces

    def run(self) -> None:
        with self._open:
            self._run()

    def _run(self) -> None:
        src, report = self.src, self.report
        manifest = _read_json(src, MANIFEST_JSON, report)
        manifest_entries = _manifest_entries(src, report, manifest)
        anchor_events = _anchor_events(src, report)
        export_event = next((e for e in anchor_events or [] if e.action == "export.created"), None)
        facts: dict[str, Any] = {}
        if export_event is not None:
            with contextlib.suppress(ValueError, AttributeError):
                facts = json.loads(export_event.payload).get("facts", {}) or {}
        sealed_list = _sealed_list(facts) if export_event is not None else None
        log = _scan_log(src, report)
        anchor_files = _check_anchor(self, anchor_events, export_event, log, manifest)
        reference = sealed_list if sealed_list is not None else manifest_entries
        if sealed_list is not None:  # roles and item ids from manifest.json, hashes from the seal
            for path, entry in sealed_list.items():
                known = manifest_entries.get(path, {})
                entry.update({k: known[k] for k in ("role", "item_id") if k in known})
        skip = anchor_files | (set() if sealed_list is not None else set(MANIFEST_FILES))
        self._check_files(reference, skip, sealed=sealed_list is not None)
        self._check_heads(log, manifest, facts, reference)
        _check_item_tokens(self, reference, log)
        _check_pdfs(self, reference)

    def _check_files(
        self, reference: dict[str, dict[str, Any]], skip: set[str], *, sealed: bool
    ) -> None:
        report, present = self.report, set(self.src.names())
        what = "the sealed export list" if sealed else "manifest.json"
        for path, entry in sorted(reference.items()):
            if path not in present:
                if path in report.unsafe:
                    continue
                report.missing.append(path)
                code = "tokens-deleted" if path.startswith("tokens/") else "missing"
                label = "Tokens deleted" if code == "tokens-deleted" else "Missing"
                report.problem(f"{label}: {path} is listed in {what} but not in the bundle.", code)
                continue
            try:
                self.src.refuse(path)
            except _Refused as exc:
                report.problem(exc.message, exc.code)
                continue
            if self.src.size(path) != entry.get("size"):  # changed; no need to read it
                got: tuple[str, int] | None = ("", self.src.size(path))
            else:
                got = self.digest(path)
            if got is None:
                continue
            if got != (entry.get("sha256"), entry.get("size")):
                report.changed.append(path)
                report.problem(
                    f"Changed: {path} no longer matches its SHA-256 in {what}.", "changed"
                )
        for path in sorted(present - set(reference) - skip):
            report.added.append(path)
            report.problem(f"Added: {path} is in the bundle but not in {what}.", "added")
            try:
                self.src.refuse(path)
            except _Refused as exc:
                report.problem(exc.message, exc.code)
        removed = sorted(
            {m.group(1) for p in report.missing if (m := _EXHIBIT_DIR.match(p))}
            - {m.group(1) for p in present if (m := _EXHIBIT_DIR.match(p))}
        )
        for number in removed:
            report.problem(
                f"Removed exhibit: every file of exhibit {int(number)} (natives/exhibit-{number}/) "
                f"is listed in {what} but gone from the bundle.",
                "removed-exhibit",
            )
        for path in report.changed:
            if path.lower().endswith(".pdf"):
                report.problem(
                    f"Replaced PDF: {path} is not the PDF the export listed.", "replaced-pdf"
                )

    def _check_heads(
        self,
        log: _Log | None,
        manifest: Any,
        facts: dict[str, Any],
        reference: dict[str, dict[str, Any]],
    ) -> None:
        if log is None or not log.entries:
            return
        report = self.report
        head = (log.head_seq, log.head_hash)
        claims: list[tuple[str, tuple[int, str]]] = []
        if isinstance(manifest, dict) and manifest.get("head_hash"):
            claims.append(("manifest.json", (manifest.get("head_seq"), manifest.get("head_hash"))))
        model = _read_json(self.src, BUNDLE_JSON, report)
        if isinstance(model, dict) and model.get("head_hash"):
            claims.append((BUNDLE_JSON, (model.get("head_seq"), model.get("head_hash"))))
        if facts.get("bundle_head_hash"):
            claims.append(
                ("the export entry", (facts.get("bundle_head_seq"), facts.get("bundle_head_hash")))
            )
        for name in sorted(reference):
            if name.startswith("filing/") and name.lower().endswith(".pdf") and self.src.has(name):
                with contextlib.suppress(_Refused):
                    printed = cover_head(self.pdf(name))
                    if printed is not None:
                        claims.append((f"the cover of {name}", printed))
        for where, claimed in claims:
            if tuple(claimed) != head:
                report.problem(
                    f"Re-chained log: {where} names custody log entry {claimed[0]}, hash {claimed[1]}, "
                    f"but custody-log.jsonl ends at entry {head[0]}, hash {head[1]}.",
                    "rechained-log",
                )
        if isinstance(model, dict) and facts.get("exhibits") is not None:
            shown = len(model.get("exhibits") or [])
            if shown < int(facts["exhibits"]):
                report.problem(
                    f"Removed exhibit: the export recorded {facts['exhibits']} exhibits, bundle.json lists {shown}.",
                    "removed-exhibit",
                )


# -- the anchor: its chain and the seal tokens over the export ----------------------------------


def _check_anchor(
    ck: _Checker,
    events: list[custody.Event] | None,
    export_event: custody.Event | None,
    log: _Log | None,
    manifest: Any,
) -> set[str]:
    """The anchor's chain and seal tokens. Returns the anchor's own file names."""
    report, src = ck.report, ck.src
    own = {n for n in (ANCHOR_EVENTS, ANCHOR_README) if src.has(n)}
    fmt = str((manifest or {}).get("format", "")) if isinstance(manifest, dict) else ""
    if events is None:
        if fmt.endswith("/1"):
            report.not_checked.append(
                "This bundle predates anchored exports (manifest format 1): no sealed list of "
                "its files exists, so the PDFs and bundle.json are covered by nothing."
            )
        else:
            report.problem(
                f"{ANCHOR_EVENTS} is missing: the export's sealed list of files was removed, "
                "so nothing can show these are the files exported.",
                "anchor-missing",
            )
        return own
    if export_event is None:
        report.problem(
            f"{ANCHOR_EVENTS} holds no export.created entry, so no list of files can be checked.",
            "anchor-missing",
        )
        return own
    if log is not None and events:
        _check_anchor_chain(report, events, log)
    case_id = log.case_id if log is not None else ""
    expected_manifest = seal_manifest(case_id, export_event.seq, export_event.hash)
    export_time = _parse_time(export_event.at_utc)
    for event in events:
        if event.action != "log.sealed" or event.seq <= export_event.seq:
            continue
        for record in _records(event).get("tokens", []) or []:
            own |= _check_seal(ck, record, export_event, expected_manifest, export_time)
    trusted = [s for s in report.seals if s.get("trusted") and s.get("ok")]
    if trusted:
        report.anchored = True
    elif not report.seals:
        report.not_checked.append(
            "No seal token over the export is in anchor/ (none was obtained at export, or it "
            "was removed): nothing outside the exporting computer fixes this list of files."
        )
    extra = sorted(n for n in src.names() if n.startswith(ANCHOR_DIR + "/") and n not in own)
    for name in extra:
        report.added.append(name)
        report.problem(f"Added: {name} is not part of the export's anchor.", "added")
    return own


def _check_anchor_chain(report: BundleReport, events: list[custody.Event], log: _Log) -> None:
    """The anchor's entries must follow on from the archived custody log, each hash intact."""
    _, problems = custody.check_chain(iter(events), after=(log.head_seq, log.head_hash))
    if problems:
        report.problem(
            f"Re-chained log: entry {problems[0].seq} of {ANCHOR_EVENTS} does not follow on from "
            f"custody-log.jsonl (entry {log.head_seq}) or was altered: one of the two was rewritten.",
            "rechained-log",
        )


def _hard_and_trusted(result: Any) -> tuple[list[str], bool]:
    """A token check's problems that are not about trust, and whether it chains to a trusted root."""
    hard = [
        p
        for p, c in zip(result.problems, result.codes, strict=True)
        if c not in ("no-anchor", "untrusted")
    ]
    return hard, not any(c in ("no-anchor", "untrusted") for c in result.codes)


def _anchor_of(result: Any, anchors: TrustAnchors, trusted: bool) -> dict[str, Any]:
    """The trusted root a token chains to and where that root came from (None when untrusted)."""
    found = bool(result.chain and trusted)
    return {
        "anchor": result.chain[-1] if found else None,
        "anchor_source": anchors.source_of(result.chain[-1]) if found else None,
    }


def _check_seal(
    ck: _Checker,
    record: dict[str, Any],
    export_event: custody.Event,
    expected_manifest: str,
    export_time: dt.datetime | None,
) -> set[str]:
    """One seal record of the anchor: its token files present, the ones recorded, and valid."""
    report, src = ck.report, ck.src
    try:
        stem = seal_token_stem(int(record["id"]), str(record["tsa_url"]))
    except (KeyError, TypeError, ValueError):
        report.problem(f"A seal entry in {ANCHOR_EVENTS} names no token.")
        return set()
    names = {f"{ANCHOR_DIR}/{stem}{ext}" for ext in (".tsr", ".txt", ".chain.pem")}
    tsr_name, txt_name = f"{ANCHOR_DIR}/{stem}.tsr", f"{ANCHOR_DIR}/{stem}.txt"
    entry: dict[str, Any] = {"name": stem, "ok": False, "trusted": False}
    report.seals.append(entry)
    if record.get("sealed_hash") != export_event.hash:
        return names  # a seal of another entry; not the export's anchor
    if not (src.has(tsr_name) and src.has(txt_name)):
        report.problem(
            f"Tokens deleted: the seal token {stem} recorded in {ANCHOR_EVENTS} is not in anchor/.",
            "tokens-deleted",
        )
        return names
    tsr, txt = ck.read(tsr_name), ck.read(txt_name)
    if tsr is None or txt is None:
        return names
    try:
        recorded = base64.b64decode(str(record.get("response_b64", "")))
    except ValueError:
        recorded = b""
    if tsr != recorded:
        report.problem(f"{tsr_name} is not the token its seal entry records.", "tokens-replaced")
    if txt.decode("utf-8", "replace") != expected_manifest:
        report.problem(
            f"{txt_name} does not seal the export entry {export_event.seq} of this case.",
            "seal-mismatch",
        )
    _judge_seal(ck, entry, tsr, expected_manifest, export_event, export_time)
    return names


def _judge_seal(
    ck: _Checker,
    entry: dict[str, Any],
    tsr: bytes,
    expected_manifest: str,
    export_event: custody.Event,
    export_time: dt.datetime | None,
) -> None:
    """Verify a seal token against outside roots and its time against the export's."""
    report, stem = ck.report, entry["name"]
    # Only roots from outside the bundle: the .chain.pem beside the token is never trusted.
    result = _verify_token(
        tsr,
        expected_manifest.encode("utf-8"),
        expected_nonce=None,
        ca_pems=ck.anchors.for_token(tsr),
    )
    hard, trusted = _hard_and_trusted(result)
    entry.update(
        ok=not hard,
        trusted=trusted and not hard,
        gen_time=result.gen_time.isoformat() if result.gen_time else None,
        tsa=result.tsa_name,
        serial=result.serial_hex,
        **_anchor_of(result, ck.anchors, trusted),
        problems=result.problems,
    )
    for text in hard:
        report.problem(f"Seal {stem}: {text}", "token-invalid")
    if not trusted and not hard:
        report.notes.append(
            f"Untrusted: seal {stem} verifies, but its certificate chain ends at "
            f"'{result.chain[-1] if result.chain else '?'}', which is not a trusted root "
            "(OS trust store, settings, --ca-file); it anchors nothing."
        )
    if result.gen_time is not None and export_time is not None and not hard:
        late = result.gen_time - export_time
        if late > SEAL_WINDOW:
            entry["ok"] = entry["trusted"] = False
            report.problem(
                f"Seal {stem} was made {late.total_seconds() / 3600:.1f} h after the export time "
                f"its entry records ({export_event.at_utc}); that time cannot be believed.",
                "seal-late",
            )
        elif late < -MAX_CLOCK_OFFSET:
            report.notes.append(
                f"Seal {stem}: the exporting computer's clock ran {-late.total_seconds():.0f} s ahead of the TSA."
            )


# -- the items' tokens ------------------------------------------------------------------------


def _check_item_tokens(
    ck: _Checker, reference: dict[str, dict[str, Any]], log: _Log | None
) -> None:
    """Every token the log records is present; each verifies; natives match what they attest."""
    report, src = ck.report, ck.src
    names = set(src.names())
    if log is not None:
        for _token_id, (stem, seq) in sorted(log.tokens.items()):
            if f"tokens/{stem}.tsr" not in names:
                report.problem(
                    f"Tokens deleted: token {stem}, recorded in custody-log.jsonl entry {seq}, is not in tokens/.",
                    "tokens-deleted",
                )
    index = _read_json(src, "tokens/tokens.json", report) if "tokens/tokens.json" in names else None
    manifests: dict[str, dict[int, str]] = {}
    for token in (index or {}).get("tokens", []) if isinstance(index, dict) else []:
        stem = str(token.get("name", ""))
        tsr_name, txt_name = f"tokens/{stem}.tsr", f"tokens/{stem}.txt"
        if not (tsr_name in names and txt_name in names):
            report.problem(
                f"Tokens deleted: token {stem}'s .tsr or .txt file is missing.",
                "tokens-deleted",
            )
            continue
        tsr, data = ck.read(tsr_name), ck.read(txt_name)
        if tsr is None or data is None:
            continue
        _check_item_token(ck, token, stem, tsr, data)
        text = data.decode("utf-8", "replace")
        if token.get("purpose") == "items":
            manifests[stem] = {
                int(m.group(2)): m.group(1) for m in map(_ITEMS_LINE.match, text.splitlines()) if m
            }
    mapping = (index or {}).get("items", {}) if isinstance(index, dict) else {}
    _check_native_attestations(
        report, reference, log, mapping if isinstance(mapping, dict) else {}, manifests
    )


def _check_item_token(
    ck: _Checker, token: dict[str, Any], stem: str, tsr: bytes, data: bytes
) -> None:
    """One item token verified over its text against outside roots; its entry in the report."""
    report = ck.report
    result = _verify_token(tsr, data, expected_nonce=None, ca_pems=ck.anchors.for_token(tsr))
    hard, trusted = _hard_and_trusted(result)
    report.tokens.append(
        {
            "name": stem,
            "purpose": token.get("purpose"),
            "ok": not hard,
            "trusted": trusted and not hard,
            **_anchor_of(result, ck.anchors, trusted),
            "gen_time": result.gen_time.isoformat() if result.gen_time else None,
            "tsa": result.tsa_name,
            "serial": result.serial_hex,
            "problems": result.problems,
        }
    )
    for text in hard:
        report.problem(f"Token {stem}: {text}", "token-invalid")
    if not trusted and not hard:
        report.notes.append(
            f"Untrusted: token {stem} chains to '{result.chain[-1] if result.chain else '?'}', "
            "not a trusted root; the time it states is not established."
        )


def _check_native_attestations(
    report: BundleReport,
    reference: dict[str, dict[str, Any]],
    log: _Log | None,
    mapping: dict[str, Any],
    manifests: dict[str, dict[int, str]],
) -> None:
    """Each native's SHA-256 is the one the custody log records and its tokens attest."""
    log_hashes = log.item_hashes if log is not None else {}
    for path, entry in sorted(reference.items()):
        if entry.get("role") != "native" or entry.get("item_id") is None:
            continue
        item_id = int(entry["item_id"])
        sha = entry.get("sha256")
        if log_hashes and log_hashes.get(item_id) != sha:
            report.problem(
                f"{path}: the custody log records a different SHA-256 for item {item_id}.",
                "changed",
            )
        stems = mapping.get(str(item_id), [])
        if not stems:
            report.notes.append(f"{path}: item {item_id} has no trusted timestamp of its own.")
        for stem in stems:
            if manifests.get(stem, {}).get(item_id) != sha:
                report.problem(
                    f"{path}: its SHA-256 is not the one token {stem} attests for item {item_id}.",
                    "changed",
                )


# -- the bundle's PDFs --------------------------------------------------------------------------


def _check_pdfs(ck: _Checker, reference: dict[str, dict[str, Any]]) -> None:
    """Filing and signed PDFs carry no active content; a signed PDF's signatures validate."""
    report = ck.report
    for name in ck.src.names():
        if not name.lower().endswith(".pdf") or name in report.unsafe:
            continue
        role = (reference.get(name) or {}).get("role") or (
            "filing-pdf"
            if name.startswith("filing/")
            else "signed-pdf"
            if name.startswith("signed/")
            else ""
        )
        if role not in ("filing-pdf", "signed-pdf"):
            continue
        try:
            pdf = ck.pdf(name)
            for what in active_content(pdf, attachments_allowed=role == "signed-pdf"):
                report.problem(
                    f"Replaced PDF: {name} carries {what}; a PDF Proofshot writes carries none.",
                    "replaced-pdf",
                )
            if role == "signed-pdf" and name not in report.changed:
                _check_pdf_signatures(pdf, name, report, ck.anchors)
        except _Refused as exc:
            report.problem(exc.message, exc.code)


def _sealed_list(facts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for entry in facts.get("files") or []:
        if isinstance(entry, dict) and str(entry.get("path", "")).startswith("archive/"):
            out[str(entry["path"])[len("archive/") :]] = entry
    return out


def _parse_time(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# -- a PDF alone --------------------------------------------------------------------------------

MAX_ATTACHMENT = MAX_SMALL_FILE * 4
"""An attachment kept to be read (custody log, bundle.json, tokens) decodes to at most this;
natives are only hashed, streamed, so they are bounded by the ratio alone."""


def _filters(stream: Any) -> list[str]:
    """A stream's /Filter as a list of names (a single name, an array, or none)."""
    import pikepdf

    found = stream.get("/Filter")
    if found is None:
        return []
    if isinstance(found, pikepdf.Array):
        return [str(f) for f in found]
    return [str(found)]


def _decoded(stream: Any, name: str, limit: int) -> Iterator[bytes]:
    """An embedded file's bytes, decoded in chunks, stopping past ``limit`` decoded bytes.

    pikepdf decodes a stream whole, and a compression bomb's declared size is whatever its
    author wrote; so only unfiltered and plain FlateDecode streams are decoded, here, through
    ``zlib.decompressobj`` with ``max_length``. Anything else is refused by name.
    """
    filters, parms = _filters(stream), stream.get("/DecodeParms")
    if filters not in ([], ["/FlateDecode"]) or (parms is not None and len(parms) > 0):
        raise _Refused(
            "attachment-filter",
            f"Attachment {name} is encoded with {' '.join(filters) or 'parameters'} the verifier "
            "does not decode; it was not checked.",
        )
    raw = memoryview(stream.read_raw_bytes())
    by_ratio = max(RATIO_FLOOR, MAX_RATIO * max(len(raw), 1))
    why = (
        f"more than {MAX_RATIO} times its {len(raw):,} compressed bytes: a compression bomb"
        if by_ratio <= limit
        else "more than an attachment read whole may be"
    )
    limit = min(limit, by_ratio)
    inflate = zlib.decompressobj() if filters else None
    total = 0
    try:
        for start in range(0, len(raw), CHUNK):
            piece: bytes = bytes(raw[start : start + CHUNK])
            while piece:
                out = inflate.decompress(piece, CHUNK) if inflate else piece
                piece = inflate.unconsumed_tail if inflate else b""
                total += len(out)
                if total > limit:
                    break
                yield out
            if total > limit:
                break
        rest = inflate.flush() if inflate is not None and total <= limit else b""
        total += len(rest)
        if total > limit:
            raise _Refused(
                "attachment-bomb",
                f"Attachment {name} inflates beyond {limit:,} bytes ({why}); reading stopped.",
            )
        if rest:
            yield rest
    except zlib.error as exc:
        raise _Refused("damaged", f"Attachment {name} cannot be decoded ({exc}).") from exc


def _attachments(pdf: _PdfFile, report: BundleReport) -> tuple[dict[str, bytes], dict[str, str]]:
    """The signed PDF's attachments: small ones read (custody log, bundle.json, tokens), natives
    only hashed. Returns (name → bytes, native name → SHA-256); a refused one is a problem."""
    kept: dict[str, bytes] = {}
    hashed: dict[str, str] = {}
    for name, spec in pdf.pikepdf().attachments.items():
        name = str(name)
        try:
            stream = spec.get_file().obj
            if name.startswith("natives/") and _NATIVE_NAME.search(name):
                digest = hashlib.sha256()
                for chunk in _decoded(stream, name, limit=1 << 62):
                    digest.update(chunk)
                hashed[name] = digest.hexdigest()
            else:
                kept[name] = b"".join(_decoded(stream, name, limit=MAX_ATTACHMENT))
        except _Refused as exc:
            report.problem(exc.message, exc.code)
        except Exception as exc:  # a broken file specification: pikepdf raises its own errors
            report.problem(f"Attachment {name} cannot be read ({type(exc).__name__}).", "damaged")
    return kept, hashed


def _verify_pdf(path: Path, report: BundleReport, anchors: TrustAnchors) -> None:
    """A PDF given alone: its signatures, active content, cover and (if signed) its attachments."""
    with _PdfFile.opened(path) as pdf:
        digest = pdf.sha256()
        report.files_checked = 1
        report.notes.append(f"{path.name}: SHA-256 {digest}.")
        count = _check_pdf_signatures(pdf, path.name, report, anchors)
        if report.problems and not count:
            return  # not readable as a PDF
        for what in active_content(pdf, attachments_allowed=count > 0):
            report.problem(
                f"Replaced PDF: {path.name} carries {what}; a PDF Proofshot writes carries none.",
                "replaced-pdf",
            )
        printed = cover_head(pdf)
        if printed is not None:
            report.notes.append(
                f"Its cover names custody log entry {printed[0]}, hash {printed[1]}."
            )
        if count:
            _check_attached_bundle(pdf, printed, report, anchors)
            return
    report.not_checked += [
        "Whether these are the bytes that were exported: no archive was given. Run verify-bundle on "
        f"the archive folder or zip; its anchor/events.jsonl must list SHA-256 {digest} for this PDF.",
        "When it existed: it carries no signature or timestamp of its own.",
    ]


def _check_attached_bundle(
    pdf: _PdfFile,
    printed: tuple[int, str] | None,
    report: BundleReport,
    anchors: TrustAnchors,
) -> None:
    """A signed PDF's attachments checked as a small bundle: natives against their names,
    the attached custody log against the cover, the items' tokens against bundle.json."""
    attachments, natives = _attachments(pdf, report)
    report.attachments = len(attachments) + len(natives)
    checker = _Checker(_Memory(attachments), report, anchors)
    for name, sha in sorted(natives.items()):
        match = _NATIVE_NAME.search(name)
        report.files_checked += 1
        if match is not None and sha != match.group(1):
            report.changed.append(name)
            report.problem(f"Attachment {name} does not match the SHA-256 in its name.", "changed")
    log = _scan_log(checker.src, report) if CUSTODY_LOG in attachments else None
    if log is not None and printed is not None and printed != (log.head_seq, log.head_hash):
        report.problem(
            f"Re-chained log: the cover names entry {printed[0]}, hash {printed[1]}, but the attached "
            f"custody log ends at entry {log.head_seq}, hash {log.head_hash}.",
            "rechained-log",
        )
    entries: dict[str, dict[str, Any]] = {}
    model = _read_json(checker.src, BUNDLE_JSON, report)
    with contextlib.suppress(KeyError, TypeError, AttributeError):
        for ex in (model or {}).get("exhibits", []):
            for item in ex.get("items", []):
                if item["native"] in attachments or item["native"] in natives:
                    entries[item["native"]] = {
                        "role": "native",
                        "item_id": item["item_id"],
                        "sha256": item["sha256"],
                    }
    _check_item_tokens(checker, entries, log)
    if all(s.get("timestamp_trusted") and s.get("ok") for s in report.signatures):
        report.anchored = True


# -- entry point --------------------------------------------------------------------------------


def _finish(report: BundleReport) -> BundleReport:
    if report.kind == "pdf" and not report.signatures:
        report.verdict = NOT_INTACT if report.problems else NOT_VERIFIED
    elif report.problems:
        report.verdict = NOT_INTACT
    else:
        report.verdict = INTACT if report.anchored else UNANCHORED
    report.ok = report.verdict == INTACT
    if report.exit_code == EXIT_OK:
        report.exit_code = EXIT_OK if report.ok else EXIT_PROBLEMS
    return report


def _magic(path: Path) -> bytes:
    """The first bytes of ``path``, read once to tell a PDF from a zip."""
    with safe_open(path) as handle:
        return handle.read(5)


def verify_bundle(path: Path | str, *, anchors: TrustAnchors | None = None) -> BundleReport:
    """Check a bundle folder, a bundle zip or a PDF; ``ok`` (exit 0) only for INTACT.

    ``anchors`` are the trust anchors for timestamp tokens; by default the user's trusted
    roots and the OS trust store (see :func:`trust_anchors`). Nothing in the bundle is
    ever trusted as a root.
    """
    path = Path(path)
    anchors = anchors if anchors is not None else trust_anchors()
    report = BundleReport(str(path), "unknown", trust=anchors.summary())
    try:
        st = path.lstat()
    except OSError as exc:
        report.problem(f"{path} cannot be read ({exc.strerror}).")
        report.exit_code = 3
        return _finish(report)
    try:
        if stat.S_ISDIR(st.st_mode):
            report.kind = "folder"
            _Checker(_Folder(path, report), report, anchors).run()
        elif not stat.S_ISREG(st.st_mode):
            report.problem(
                f"{path} is {_what(st.st_mode)}, not a bundle; it was not opened.", "unsafe"
            )
        elif (head := _magic(path)) == b"%PDF-":
            report.kind = "pdf"
            _verify_pdf(path, report, anchors)
        elif head.startswith(b"PK") or path.suffix.lower() == ".zip":
            report.kind = "zip"
            source = _Zip(path, report)
            try:
                _Checker(source, report, anchors).run()
            finally:
                source.close()
        else:
            report.problem(f"{path} is not a bundle folder, a bundle zip or a PDF.")
    except _Refused as exc:
        report.problem(exc.message, exc.code)
        if exc.code == "damaged-zip":
            report.exit_code = EXIT_CORRUPT
    except OSError as exc:
        report.problem(
            f"{exc.filename or path} cannot be read ({exc.strerror or exc}); the check stopped there."
        )
    return _finish(report)
