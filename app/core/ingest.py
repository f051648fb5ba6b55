"""Ingest: hash while storing, identify, extract provenance, record the item and its event.

Work is split so both cores are used: :func:`prepare_file` / :func:`prepare_bytes` (reading,
three digests, fsync, media sniffing, provenance) run in worker threads and touch no database;
:func:`commit_prepared` places objects under their final names and writes rows and events in
one transaction on the thread that owns the case.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from app.core import items as items_mod
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.identity import tool_description
from app.core.media import MediaInfo, sniff
from app.core.objects import ObjectStore, StagedObject
from app.core.provenance import case_trust_anchors, extract_provenance


def display_path(path: str | os.PathLike[str]) -> str:
    """A file name as text, even when the bytes are not valid UTF-8 (kept as \\x escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


def local_offset_now() -> str:
    now = datetime.now().astimezone()
    offset = now.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}" if offset else "+00:00"


@dataclass(frozen=True)
class Acquisition:
    """How an item came into the case: what it is and where it came from."""

    kind: str = "imported-file"
    method: str = "file-import"
    source: str = ""
    source_facts: dict[str, Any] = field(default_factory=dict)
    parent_id: int | None = None
    operator: str | None = None


@dataclass
class PreparedItem:
    staged: StagedObject
    media: MediaInfo
    provenance: dict[str, Any]
    acquisition: Acquisition
    acquired_at: str
    local_offset: str


@dataclass(frozen=True)
class IngestResult:
    item_id: int
    sha256: str
    duplicate: bool
    source: str


def _prepare(objects: ObjectStore, stream: BinaryIO, acquisition: Acquisition) -> PreparedItem:
    staged = objects.stage(stream)
    acquired_at = datetime.now(UTC).isoformat(timespec="microseconds")
    offset = local_offset_now()
    try:
        media = sniff(staged.temp_path, staged.head)
        provenance = extract_provenance(
            staged.temp_path, media.media_type, trust_anchors=case_trust_anchors(objects.root)
        )
    except BaseException:
        objects.discard(staged)
        raise
    return PreparedItem(staged, media, provenance, acquisition, acquired_at, offset)


def prepare_bytes(objects: ObjectStore, data: bytes, acquisition: Acquisition) -> PreparedItem:
    return _prepare(objects, io.BytesIO(data), acquisition)


class RefusedFile(ProofshotError):
    """A file that could not be read at all; it is reported, the rest of the import goes on."""


def file_source_facts(path: Path, st: os.stat_result) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "path": display_path(os.path.abspath(path)),
        "name": display_path(path.name),
        "size_on_disk": st.st_size,
        "mtime_claimed": _iso(st.st_mtime),
        "ctime_claimed": _iso(st.st_ctime),
        "note": "File-system times are as claimed by the source disk, not proven.",
    }
    if path.is_symlink():
        facts["symlink_target"] = display_path(os.readlink(path))
    return facts


def prepare_file(objects: ObjectStore, path: Path, acquisition: Acquisition) -> PreparedItem:
    """Read one file into the store. Raises :class:`RefusedFile` with the reason it cannot."""
    shown = display_path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise RefusedFile(f"{shown}: {_os_reason(exc)}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise RefusedFile(
            f"{shown}: not a regular file (a device, pipe or socket), so it was not read."
        )
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, errors mapped
    except OSError as exc:
        raise RefusedFile(f"{shown}: {_os_reason(exc)}") from exc
    with handle:
        facts = {**file_source_facts(path, st), **acquisition.source_facts}
        acq = Acquisition(
            acquisition.kind,
            acquisition.method,
            acquisition.source or facts["path"],
            facts,
            acquisition.parent_id,
            acquisition.operator,
        )
        try:
            return _prepare(objects, handle, acq)
        except OSError as exc:
            # A read error mid-file (bad sector, vanished network share); store errors are
            # already turned into StorageFullError / CaseReadOnlyError by the object store.
            raise RefusedFile(f"{shown}: {_os_reason(exc)}") from exc


def _os_reason(exc: OSError) -> str:

    reasons = {
        errno.ENOENT: "the file no longer exists (or a link points nowhere).",
        errno.EACCES: "permission denied.",
        errno.EPERM: "permission denied.",
        errno.ELOOP: "a symbolic link loop.",
        errno.EISDIR: "is a directory.",
        errno.EIO: "the device reported a read error.",
    }
    return reasons.get(exc.errno or 0, f"could not be read ({exc.strerror or exc}).")


def _item_record(case: Case, prepared: PreparedItem, item_id: int) -> dict[str, Any]:
    acq = prepared.acquisition
    d = prepared.staged.digests
    return {
        "id": item_id,
        "kind": acq.kind,
        "sha256": d.sha256,
        "sha512": d.sha512,
        "sm3": d.sm3,
        "size": d.size,
        "media_type": prepared.media.media_type,
        "width": prepared.media.width,
        "height": prepared.media.height,
        "acquired_at": prepared.acquired_at,
        "local_offset": prepared.local_offset,
        "operator": acq.operator if acq.operator is not None else case.operator,
        "method": acq.method,
        "tool": tool_description(),
        "source": acq.source,
        "source_facts": canonical_json(acq.source_facts),
        "parent_id": acq.parent_id,
        "provenance": canonical_json(prepared.provenance),
        "media_notes": canonical_json(list(prepared.media.notes)),
    }


def commit_prepared(
    case: Case, prepared: Sequence[PreparedItem], *, tags: Iterable[str] = ()
) -> list[IngestResult]:
    """Place the objects, then record items (or duplicates) and tags in one transaction."""
    tag_list = [t.strip() for t in tags if t.strip()]
    placed: list[PreparedItem] = []
    try:
        for p in prepared:
            case.objects.place(p.staged, sync_dir=False)
            placed.append(p)
        case.objects.sync_dirs([p.staged.digests.sha256 for p in placed])
    except BaseException:
        for p in prepared[len(placed) :]:
            case.objects.discard(p.staged)
        raise
    results: list[IngestResult] = []
    with case.transaction():
        for p in placed:
            sha = p.staged.digests.sha256
            existing = items_mod.find_by_sha256(case.conn, sha)
            actor = p.acquisition.operator or case.operator or "unknown operator"
            if existing is not None:
                case.log(
                    "item.duplicate-seen",
                    item_id=existing,
                    facts={
                        "sha256": sha,
                        "source": p.acquisition.source,
                        "source_facts": p.acquisition.source_facts,
                        "method": p.acquisition.method,
                        "seen_at": p.acquired_at,
                    },
                    actor=actor,
                )
                results.append(IngestResult(existing, sha, True, p.acquisition.source))
                item_id = existing
            else:
                item_id = case.next_id("items")
                case.log(
                    "item.added",
                    item_id=item_id,
                    facts={"sha256": sha},
                    records={"items": [_item_record(case, p, item_id)]},
                    actor=actor,
                )
                results.append(IngestResult(item_id, sha, False, p.acquisition.source))
            current = items_mod.tags_by_item(case, [item_id]).get(item_id, [])
            for tag in tag_list:
                if tag in current:
                    continue
                case.log(
                    "item.tagged",
                    item_id=item_id,
                    facts={"value": tag},
                    records={
                        "annotations": [items_mod.annotation_record(case, item_id, "tag", tag)]
                    },
                    actor=actor,
                )
                current.append(tag)
    return results


def add_bytes(
    case: Case, data: bytes, acquisition: Acquisition, *, tags: Iterable[str] = ()
) -> IngestResult:
    """Store bytes acquired in-process (a capture, a screenshot, an API answer) as one item."""
    return commit_prepared(case, [prepare_bytes(case.objects, data, acquisition)], tags=tags)[0]


def add_file(
    case: Case, path: Path, acquisition: Acquisition, *, tags: Iterable[str] = ()
) -> IngestResult:
    return commit_prepared(case, [prepare_file(case.objects, path, acquisition)], tags=tags)[0]
