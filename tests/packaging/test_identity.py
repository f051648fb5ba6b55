"""The build identity: the code hash a frozen bundle reports, and the check behind it.

A frozen bundle is simulated the way PyInstaller presents one to the app: ``sys.frozen`` set
and ``sys._MEIPASS`` naming the bundle's internal folder. The files, the manifest and the
hashing are real.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from app import __version__
from app.core import identity


def _make_bundle(root: Path) -> Path:
    """A small one-folder bundle: launcher, internal folder, nested data, a symlink."""
    (root / "_internal" / "PySide6" / "Qt" / "lib").mkdir(parents=True)
    (root / "_internal" / "resources" / "fonts").mkdir(parents=True)
    (root / "proofshot").write_bytes(b"\x7fELF launcher with the app's archive")
    (root / "_internal" / "libpython3.11.so.1.0").write_bytes(b"python runtime")
    (root / "_internal" / "PySide6" / "Qt" / "lib" / "libQt6Core.so.6").write_bytes(b"qt core")
    (root / "_internal" / "resources" / "fonts" / "DejaVuSans.ttf").write_bytes(b"font bytes")
    os.symlink("libQt6Core.so.6", root / "_internal" / "PySide6" / "Qt" / "lib" / "libQt6Core.so")
    return root


@pytest.fixture
def frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    bundle = _make_bundle(tmp_path / "proofshot")
    identity.write_build_manifest(bundle / "_internal", bundle)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle / "_internal"), raising=False)
    identity.code_sha256.cache_clear()
    identity.build_manifest.cache_clear()
    yield bundle
    identity.code_sha256.cache_clear()
    identity.build_manifest.cache_clear()


def _manifest(bundle: Path) -> dict[str, object]:
    return json.loads((bundle / "_internal" / identity.MANIFEST_NAME).read_text("utf-8"))


def test_source_hash_covers_the_app_sources_by_path_and_content() -> None:
    app_root = Path(identity.__file__).resolve().parents[1]
    outer = hashlib.sha256()
    for path in sorted(p for p in app_root.rglob("*.py") if "__pycache__" not in p.parts):
        outer.update(path.relative_to(app_root).as_posix().encode() + b"\0")
        outer.update(hashlib.sha256(path.read_bytes()).digest())
    assert identity.code_sha256() == identity.source_sha256() == outer.hexdigest()
    facts = identity.runtime_facts()
    assert facts["code_sha256"] == outer.hexdigest()
    assert facts["frozen"] == "false"
    assert facts["version"] == __version__
    assert facts["code_scope"] == "app package sources"


def test_tool_description_names_version_and_code_hash_prefix() -> None:
    assert identity.tool_description() == (
        f"Proofshot {__version__} (code sha256 {identity.code_sha256()[:16]})"
    )


def test_source_check_recomputes_and_matches() -> None:
    check = identity.verify_code()
    assert check.ok
    assert check.files_checked > 50
    assert check.recomputed_sha256 == identity.code_sha256()


def test_manifest_lists_every_bundle_file_and_the_bundle_hash(tmp_path: Path) -> None:
    bundle = _make_bundle(tmp_path / "b")
    manifest = identity.write_build_manifest(bundle / "_internal", bundle)
    files = manifest["files"]
    assert set(files) == {
        "proofshot",
        "_internal/libpython3.11.so.1.0",
        "_internal/PySide6/Qt/lib/libQt6Core.so.6",
        "_internal/PySide6/Qt/lib/libQt6Core.so",
        "_internal/resources/fonts/DejaVuSans.ttf",
    }
    assert (
        files["proofshot"] == hashlib.sha256(b"\x7fELF launcher with the app's archive").hexdigest()
    )
    assert manifest["bundle_sha256"] == identity.combine_digests(files)
    assert manifest["version"] == __version__
    assert manifest["root"] == ".."
    assert manifest["source_sha256"] == identity.source_sha256()


def test_bundle_hash_is_the_same_for_the_same_files_and_changes_on_rename(tmp_path: Path) -> None:
    first = identity.write_build_manifest(
        _make_bundle(tmp_path / "a") / "_internal", tmp_path / "a"
    )
    second = identity.write_build_manifest(
        _make_bundle(tmp_path / "b") / "_internal", tmp_path / "b"
    )
    assert first["bundle_sha256"] == second["bundle_sha256"]
    font = tmp_path / "b" / "_internal" / "resources" / "fonts" / "DejaVuSans.ttf"
    font.rename(font.with_name("Other.ttf"))
    third = identity.write_build_manifest(tmp_path / "b" / "_internal", tmp_path / "b")
    assert third["bundle_sha256"] != first["bundle_sha256"]


def test_frozen_build_reports_the_manifest_hash(frozen_bundle: Path) -> None:
    recorded = _manifest(frozen_bundle)["bundle_sha256"]
    assert identity.code_sha256() == recorded
    facts = identity.runtime_facts()
    assert facts["frozen"] == "true"
    assert facts["code_sha256"] == recorded
    assert "build-identity.json" in facts["code_scope"]
    assert facts["source_sha256"] == identity.source_sha256()
    assert facts["build_time"].endswith("Z")
    assert identity.tool_description().endswith(f"(code sha256 {str(recorded)[:16]})")


def test_frozen_start_reads_the_manifest_instead_of_hashing_the_bundle(
    frozen_bundle: Path,
) -> None:
    # A file changed after the build does not change the reported hash at start-up (nothing
    # is hashed then); the on-request check is what notices it.
    (frozen_bundle / "_internal" / "libpython3.11.so.1.0").write_bytes(b"patched")
    assert identity.code_sha256() == _manifest(frozen_bundle)["bundle_sha256"]
    check = identity.verify_code()
    assert not check.ok
    assert check.changed == ["_internal/libpython3.11.so.1.0"]
    assert check.summary().startswith("FAILED: 1 changed")


def test_frozen_check_passes_on_an_untouched_bundle(frozen_bundle: Path) -> None:
    check = identity.verify_code()
    assert check.ok, check.summary()
    assert check.files_checked == 5
    assert check.summary().startswith("ok: 5 files re-hashed")
    report = identity.version_report(verify=True)
    assert report["code_check"].startswith("ok")
    assert report["code_recomputed_sha256"] == report["code_sha256"]


def test_frozen_check_reports_missing_and_planted_files(frozen_bundle: Path) -> None:
    (frozen_bundle / "_internal" / "resources" / "fonts" / "DejaVuSans.ttf").unlink()
    (frozen_bundle / "_internal" / "libevil.so").write_bytes(b"planted")
    check = identity.verify_code()
    assert not check.ok
    assert check.missing == ["_internal/resources/fonts/DejaVuSans.ttf"]
    assert check.unexpected == ["_internal/libevil.so"]


def test_frozen_check_notices_a_manifest_edited_to_match_nothing(frozen_bundle: Path) -> None:
    path = frozen_bundle / "_internal" / identity.MANIFEST_NAME
    manifest = json.loads(path.read_text("utf-8"))
    manifest["bundle_sha256"] = "0" * 64
    path.write_text(json.dumps(manifest), "utf-8")
    identity.code_sha256.cache_clear()
    identity.build_manifest.cache_clear()
    assert not identity.verify_code().ok


def test_frozen_build_without_manifest_hashes_its_files_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = _make_bundle(tmp_path / "nomanifest")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle / "_internal"), raising=False)
    identity.code_sha256.cache_clear()
    identity.build_manifest.cache_clear()
    try:
        expected = identity.combine_digests(identity.tree_digests(bundle / "_internal"))
        assert identity.code_sha256() == expected
        assert "no build manifest" in identity.code_scope()
        assert identity.verify_code().ok
    finally:
        identity.code_sha256.cache_clear()
        identity.build_manifest.cache_clear()


def test_build_identity_tool_writes_and_verifies_a_one_folder_bundle(
    tmp_path: Path, build_identity: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _make_bundle(tmp_path / "proofshot")
    assert build_identity.main(["write", str(bundle), "--commit", "abc123"]) == 0
    manifest = _manifest(bundle)
    assert manifest["commit"] == "abc123"
    assert manifest["platform"] == sys.platform
    assert build_identity.main(["verify", str(bundle)]) == 0
    (bundle / "proofshot").write_bytes(b"signed later, manifest not rewritten")
    assert build_identity.main(["verify", str(bundle)]) == 1
    assert "changed: proofshot" in capsys.readouterr().out


def _make_macos_app(app: Path) -> Path:
    contents = app / "Contents"
    (contents / "MacOS").mkdir(parents=True)
    (contents / "Frameworks" / "PySide6").mkdir(parents=True)
    (contents / "Resources" / "resources").mkdir(parents=True)
    (contents / "MacOS" / "proofshot").write_bytes(b"launcher")
    (contents / "Info.plist").write_bytes(b"<plist/>")
    (contents / "Frameworks" / "libpython3.11.dylib").write_bytes(b"python")
    (contents / "Resources" / "resources" / "demo.json").write_bytes(b"{}")
    os.symlink("../Resources/resources", contents / "Frameworks" / "resources")
    return app


def test_build_identity_tool_on_a_signed_macos_app_skips_only_the_seal(
    tmp_path: Path, build_identity: ModuleType
) -> None:
    app = _make_macos_app(tmp_path / "Proofshot.app")
    assert build_identity.main(["write", "--macos", str(app)]) == 0
    link = app / "Contents" / "Frameworks" / identity.MANIFEST_NAME
    assert link.is_symlink() and identity.read_manifest(link) is not None
    assert "_CodeSignature/" in identity.read_manifest(link)["unhashed"]
    assert identity.verify_manifest(link).ok
    # What the final codesign and the stapler write afterwards is named in the manifest...
    (app / "Contents" / "_CodeSignature").mkdir()
    (app / "Contents" / "_CodeSignature" / "CodeResources").write_bytes(b"seal")
    (app / "Contents" / "MacOS" / "proofshot").write_bytes(b"launcher + signature")
    (app / "Contents" / "CodeResources").write_bytes(b"ticket")
    assert identity.verify_manifest(link).ok
    # ...and anything else that changes still fails.
    (app / "Contents" / "Frameworks" / "libpython3.11.dylib").write_bytes(b"swapped")
    check = identity.verify_manifest(link)
    assert not check.ok
    assert check.changed == ["Frameworks/libpython3.11.dylib"]
