"""Which build made a record: version plus a SHA-256 over the application's own code.

Every item and report names the tool that acquired it. Run from source or from an installed
package, the code hash covers the ``app`` package's Python sources. In a frozen (PyInstaller
one-folder) build it covers every file of the bundle: the executable, the Python archive
holding our code, Qt, QtWebEngine and the resources.

A bundle with QtWebEngine is hundreds of megabytes, far too much to hash at every start. So
the build writes ``build-identity.json`` beside the bundled modules: the SHA-256 of every
file, and the bundle hash over those (the same construction as for sources: sorted relative
paths, each followed by its file's digest). At run time :func:`code_sha256` reads that one
small file; :func:`verify_code`, run on request (``proofshot --version --verbose``), re-hashes
the bundle and says whether the files on disk are still the ones the build listed. Two
machines running the same build report the same hash.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import APP_NAME, __version__
from app.core.digests import sha256_file

_APP_ROOT = Path(__file__).resolve().parents[1]

MANIFEST_NAME = "build-identity.json"
MANIFEST_FORMAT = "proofshot-build-identity/1"


# -- hashing a tree ---------------------------------------------------------------------------


def _file_digest(path: Path) -> bytes:
    return bytes.fromhex(sha256_file(path))


def _entry_digest(path: Path) -> bytes:
    """A file's SHA-256; for a symlink, a hash of where it points (it is never followed).

    macOS app bundles link ``Contents/Frameworks`` entries into ``Contents/Resources``;
    following them would hash the same bytes twice and make the result depend on the walk.
    """
    if path.is_symlink():
        return hashlib.sha256(b"symlink\0" + os.readlink(path).encode("utf-8")).digest()
    return _file_digest(path)


def combine_digests(entries: dict[str, str]) -> str:
    """The tree hash: SHA-256 over (relative path, NUL, file digest) in sorted path order.

    Covering the paths as well as the bytes means a rename changes the hash as much as an
    edit does.
    """
    outer = hashlib.sha256()
    for rel in sorted(entries):
        outer.update(rel.encode("utf-8") + b"\0")
        outer.update(bytes.fromhex(entries[rel]))
    return outer.hexdigest()


def _is_skipped(rel: str, skip: tuple[str, ...]) -> bool:
    return any(rel == s or (s.endswith("/") and rel.startswith(s)) for s in skip)


def tree_digests(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """``{relative posix path: sha256 hex}`` for every file and symlink under ``root``.

    ``skip`` holds relative paths, or prefixes ending in ``/``, left out on purpose (the
    manifest itself; on macOS the code-signature seal written after it).
    """
    entries: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        # A symlink to a directory is listed in dirnames but not descended into; hash the link.
        names = list(filenames) + [d for d in dirnames if (here / d).is_symlink()]
        for name in names:
            path = here / name
            rel = path.relative_to(root).as_posix()
            if not _is_skipped(rel, skip):
                entries[rel] = _entry_digest(path).hex()
    return entries


# -- the build manifest -----------------------------------------------------------------------


def write_build_manifest(
    manifest_dir: Path,
    bundle_root: Path,
    *,
    unhashed: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Hash a built bundle and write ``build-identity.json`` into ``manifest_dir``.

    Run by the PyInstaller spec right after it collects the bundle, and again by
    ``packaging/build_identity.py`` after code signing (signing rewrites executables).
    ``unhashed`` maps skipped paths (or ``dir/`` prefixes) to why they are skipped; the
    verifier honours the same list, so the skip is visible rather than silent.
    """
    manifest_dir = manifest_dir.resolve()
    bundle_root = bundle_root.resolve()
    manifest_path = manifest_dir / MANIFEST_NAME
    manifest_rel = manifest_path.relative_to(bundle_root).as_posix()
    unhashed = dict(unhashed or {})
    skip = (manifest_rel, *unhashed)
    files = tree_digests(bundle_root, skip)
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "name": APP_NAME,
        "version": __version__,
        "bundle_sha256": combine_digests(files),
        "source_sha256": source_sha256(),
        "root": os.path.relpath(bundle_root, manifest_dir).replace(os.sep, "/"),
        "unhashed": unhashed,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **(extra or {}),
        "files": files,
    }
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n", "utf-8")
    os.replace(tmp, manifest_path)
    return manifest


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def _meipass() -> Path:
    return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))


def manifest_path() -> Path | None:
    """Where this frozen build's manifest is; ``None`` when running from source."""
    return _meipass() / MANIFEST_NAME if _frozen() else None


@functools.cache
def build_manifest() -> dict[str, Any] | None:
    """The frozen build's manifest, or ``None`` (from source, or a build made without one)."""
    path = manifest_path()
    return None if path is None else read_manifest(path)


# -- the public identity ----------------------------------------------------------------------


def _source_files() -> list[Path]:
    return sorted(p for p in _APP_ROOT.rglob("*.py") if "__pycache__" not in p.parts)


@functools.cache
def source_sha256() -> str:
    """Hash of the ``app`` package's Python sources (paths and contents)."""
    entries = {p.relative_to(_APP_ROOT).as_posix(): _file_digest(p).hex() for p in _source_files()}
    return combine_digests(entries)


def code_scope() -> str:
    """What :func:`code_sha256` covers, in words a report can print beside it."""
    if not _frozen():
        return "app package sources"
    if build_manifest() is not None:
        return "frozen bundle (every file, hashed at build time; see build-identity.json)"
    return "frozen bundle (every file, hashed at start: no build manifest)"


@functools.cache
def code_sha256() -> str:
    """SHA-256 over the app's own code: the sources, or every file of a frozen bundle.

    Cheap in a frozen build with a manifest (one small JSON read); :func:`verify_code`
    checks that the files still match it.
    """
    if not _frozen():
        return source_sha256()
    manifest = build_manifest()
    if manifest is not None:
        return str(manifest["bundle_sha256"])
    # A frozen build without a manifest (built with another spec): hash what is there.
    return combine_digests(tree_digests(_meipass()))


@dataclass
class CodeCheck:
    """The result of re-hashing the app's code against what its build recorded."""

    ok: bool
    scope: str
    code_sha256: str
    recomputed_sha256: str
    files_checked: int
    seconds: float
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    unhashed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for ``--version --verbose`` and for logs."""
        if self.ok:
            return f"ok: {self.files_checked} files re-hashed in {self.seconds:.1f} s match"
        parts = []
        for label, paths in (
            ("changed", self.changed),
            ("missing", self.missing),
            ("unexpected", self.unexpected),
        ):
            if paths:
                parts.append(f"{len(paths)} {label} (e.g. {paths[0]})")
        if not parts:
            parts.append("the recomputed bundle hash differs from the recorded one")
        return "FAILED: " + "; ".join(parts)

    def as_facts(self) -> dict[str, str]:
        return {"code_check": self.summary(), "code_recomputed_sha256": self.recomputed_sha256}


def read_manifest(path: Path) -> dict[str, Any] | None:
    """A build manifest's contents, or ``None`` when it is missing, unreadable or foreign."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None
    return data


def verify_manifest(path: Path, reported: str | None = None) -> CodeCheck:
    """Re-hash the bundle a manifest describes and compare, file by file.

    ``path`` may be a symlink (macOS links it from ``Contents/Frameworks``); the bundle root
    is resolved from where the manifest was found. ``reported`` is the hash the running app
    has been putting in its records; by default the manifest's own ``bundle_sha256``.
    """
    started = time.monotonic()
    manifest = read_manifest(path)
    if manifest is None:
        raise ValueError(f"{path} is not a Proofshot build manifest")
    root = (path.parent / str(manifest.get("root", ".."))).resolve()
    recorded_hash = str(manifest.get("bundle_sha256", ""))
    reported = recorded_hash if reported is None else reported
    unhashed = {str(k): str(v) for k, v in dict(manifest.get("unhashed") or {}).items()}
    own = (path.parent.resolve() / path.name).relative_to(root).as_posix()
    skip = (own, *unhashed)
    recorded: dict[str, str] = {
        str(k): str(v) for k, v in dict(manifest.get("files") or {}).items()
    }
    actual = tree_digests(root, skip)
    recomputed = combine_digests(actual)
    changed = sorted(p for p in recorded.keys() & actual.keys() if recorded[p] != actual[p])
    missing = sorted(recorded.keys() - actual.keys())
    unexpected = sorted(actual.keys() - recorded.keys())
    ok = (
        not (changed or missing or unexpected)
        and recomputed == reported == recorded_hash
        and combine_digests(recorded) == recorded_hash
    )
    return CodeCheck(
        ok=ok,
        scope="frozen bundle (every file, hashed at build time; see build-identity.json)",
        code_sha256=reported,
        recomputed_sha256=recomputed,
        files_checked=len(actual),
        seconds=time.monotonic() - started,
        changed=changed,
        missing=missing,
        unexpected=unexpected,
        unhashed=unhashed,
    )


def verify_code() -> CodeCheck:
    """Re-hash the app's code now and compare it with the recorded identity.

    From source there is nothing recorded to compare with, so this recomputes the source
    hash (uncached) and compares it with the one this process has been reporting. In a
    frozen build it re-hashes every file of the bundle against the build manifest: a
    changed, missing or added file (a planted library, say) fails the check.
    """
    started = time.monotonic()
    reported = code_sha256()
    path = manifest_path()
    if path is not None and build_manifest() is not None:
        return verify_manifest(path, reported)
    if _frozen():
        entries = tree_digests(_meipass())
    else:
        entries = {
            p.relative_to(_APP_ROOT).as_posix(): _file_digest(p).hex() for p in _source_files()
        }
    recomputed = combine_digests(entries)
    return CodeCheck(
        ok=recomputed == reported,
        scope=code_scope(),
        code_sha256=reported,
        recomputed_sha256=recomputed,
        files_checked=len(entries),
        seconds=time.monotonic() - started,
    )


def tool_name() -> str:
    return f"{APP_NAME} {__version__}"


def tool_description() -> str:
    """The one-line identity stored on every item: name, version, code hash prefix."""
    return f"{tool_name()} (code sha256 {code_sha256()[:16]})"


def runtime_facts() -> dict[str, str]:
    """The identity and runtime written into every environment record and report."""
    facts = {
        "tool": tool_name(),
        "version": __version__,
        "code_sha256": code_sha256(),
        "code_scope": code_scope(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "frozen": str(_frozen()).lower(),
    }
    manifest = build_manifest()
    if manifest is not None:
        facts["build_time"] = str(manifest.get("built_at", ""))
        facts["source_sha256"] = str(manifest.get("source_sha256", ""))
    return facts


def version_report(verify: bool = True) -> dict[str, str]:
    """What ``proofshot --version --verbose`` prints: the facts, and the check when asked."""
    facts = runtime_facts()
    if verify:
        facts.update(verify_code().as_facts())
    return facts
