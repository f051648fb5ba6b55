"""Write or check a built bundle's ``build-identity.json`` from outside the bundle.

The PyInstaller spec writes the manifest right after it collects the bundle. Code signing
then rewrites executables (Authenticode on Windows, ``codesign`` on macOS), so a signed
release must write it again *after* signing, or the app's own check would report every
signed file as changed:

    python packaging/build_identity.py write dist/proofshot            # Linux, Windows
    python packaging/build_identity.py write --macos dist/Proofshot.app   # see macos/README.md
    python packaging/build_identity.py verify dist/proofshot           # re-hash and compare

``verify`` is the same check as ``proofshot --self-test`` runs inside the bundle, for a
machine where Python is at hand but the bundle's own binary should not be trusted to check
itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.identity import (  # needs the repository on sys.path first
    MANIFEST_NAME,
    verify_manifest,
    write_build_manifest,
)

MACOS_UNHASHED = {
    "_CodeSignature/": "Apple's code-signature seal, written after this manifest; "
    "check it with `codesign --verify --deep --strict`",
    "MacOS/": "the launcher is signed last, with the seal; same check",
    "CodeResources": "the notarisation ticket, stapled after signing",
    f"Resources/{MANIFEST_NAME}": "this manifest (linked from Frameworks/)",
}


def _layout(bundle: Path, macos: bool) -> tuple[Path, Path]:
    """(folder the app reads the manifest from, bundle root) for a built bundle."""
    if macos:
        contents = bundle / "Contents"
        return contents / "Frameworks", contents
    return bundle / "_internal", bundle


def build_facts(commit: str = "") -> dict[str, str]:
    """Where and with what the bundle was built, recorded beside its hashes."""
    return {
        "platform": sys.platform,
        "machine": platform.machine(),
        "python": platform.python_version(),
        "commit": commit,
    }


def write(bundle: Path, macos: bool = False, commit: str = "") -> dict[str, object]:
    """Hash a built bundle (a one-folder build, or a macOS .app) and write its manifest."""
    manifest_dir, root = _layout(bundle, macos)
    extra = build_facts(commit)
    if not macos:
        return write_build_manifest(manifest_dir, root, extra=extra)
    # Data files belong in Resources/ (codesign refuses non-code in Frameworks/); the app
    # finds the manifest in sys._MEIPASS, which is Frameworks/, through a relative link.
    link = manifest_dir / MANIFEST_NAME
    if link.is_symlink() or link.exists():
        link.unlink()  # not part of what is hashed: the verifier skips the manifest it reads
    manifest = write_build_manifest(
        root / "Resources", root, unhashed=MACOS_UNHASHED, extra=extra
    )  # "root" comes out as "..", right from Frameworks/ too
    os.symlink(f"../Resources/{MANIFEST_NAME}", link)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    w = sub.add_parser("write", help="(re)write the manifest of a built bundle")
    w.add_argument("bundle", type=Path, help="dist/proofshot, or dist/Proofshot.app with --macos")
    w.add_argument("--macos", action="store_true", help="the bundle is a signed .app")
    w.add_argument("--commit", default=os.environ.get("PROOFSHOT_BUILD_COMMIT", ""))
    v = sub.add_parser("verify", help="re-hash a built bundle against its manifest")
    v.add_argument("bundle", type=Path)
    v.add_argument("--macos", action="store_true")
    args = parser.parse_args(argv)
    manifest_dir, _root = _layout(args.bundle, args.macos)
    if args.action == "write":
        manifest = write(args.bundle, args.macos, args.commit)
        files = manifest["files"]
        print(
            f"{manifest_dir / MANIFEST_NAME}: {len(files)} files, bundle sha256 {manifest['bundle_sha256']}"
        )  # type: ignore[arg-type]
        return 0
    check = verify_manifest(manifest_dir / MANIFEST_NAME)
    print(f"bundle sha256 {check.code_sha256}: {check.summary()}")
    for label, paths in (
        ("changed", check.changed),
        ("missing", check.missing),
        ("unexpected", check.unexpected),
    ):
        for path in paths:
            print(f"  {label}: {path}")
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
