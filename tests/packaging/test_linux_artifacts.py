"""The Linux packaging pieces that run without a full build: the AppImage runtime, the
tarball's install.sh, the packaging scripts and the self-test (from source)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import PACKAGING, REPO

RUNTIME_DIR = PACKAGING / "linux" / "appimage-runtime"
STATIC_LIBS = (
    "libsquashfuse_ll.a",
    "libfuse3.a",
    "libzstd.a",
    "liblzma.a",
    "liblz4.a",
    "liblzo2.a",
)


def _have_runtime_toolchain() -> bool:
    libdir = Path(f"/usr/lib/{os.uname().machine}-linux-gnu")
    return (
        shutil.which("gcc") is not None
        and shutil.which("mksquashfs") is not None
        and all((libdir / lib).exists() for lib in STATIC_LIBS)
    )


needs_runtime_toolchain = pytest.mark.skipif(
    not _have_runtime_toolchain(),
    reason="gcc, squashfs-tools and the static libraries of scripts/package.sh are not installed",
)


@pytest.fixture(scope="module")
def appimage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny AppImage made exactly as scripts/package.sh makes Proofshot's."""
    work = tmp_path_factory.mktemp("appimage")
    runtime = work / "runtime"
    subprocess.run([str(RUNTIME_DIR / "build.sh"), str(runtime)], check=True, capture_output=True)
    appdir = work / "AppDir"
    (appdir / "usr" / "lib").mkdir(parents=True)
    (appdir / "AppRun").write_text(
        '#!/bin/sh\necho "APPDIR=$APPDIR"\necho "APPIMAGE=$APPIMAGE"\necho "ARGS=$*"\n'
        'cat "$APPDIR/usr/lib/data.txt"\n'
    )
    (appdir / "AppRun").chmod(0o755)
    (appdir / "usr" / "lib" / "data.txt").write_text("payload from the squashfs\n")
    (appdir / "usr" / "lib" / "big.bin").write_bytes(os.urandom(3 << 20))
    os.symlink("data.txt", appdir / "usr" / "lib" / "link.txt")
    squashfs = work / "image.squashfs"
    subprocess.run(
        ["mksquashfs", str(appdir), str(squashfs), "-noappend", "-all-root", "-comp", "zstd",
         "-quiet", "-no-progress", "-mkfs-time", "0", "-all-time", "0"],
        check=True, capture_output=True,
        env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
    )  # fmt: skip
    image = work / "Test-x86_64.AppImage"
    image.write_bytes(runtime.read_bytes() + squashfs.read_bytes())
    image.chmod(0o755)
    return image


@needs_runtime_toolchain
def test_runtime_is_a_type2_appimage_whose_squashfs_starts_where_the_elf_ends(
    appimage: Path,
) -> None:
    head = appimage.read_bytes()[:16]
    assert head[:4] == b"\x7fELF"
    assert head[8:11] == b"AI\x02"
    offset = int(
        subprocess.run(
            [str(appimage), "--appimage-offset"], capture_output=True, text=True, check=True
        ).stdout
    )
    with appimage.open("rb") as fh:
        fh.seek(offset)
        assert fh.read(4) == b"hsqs"  # the squashfs superblock magic


@needs_runtime_toolchain
def test_runtime_extracts_files_and_symlinks(appimage: Path, tmp_path: Path) -> None:
    subprocess.run([str(appimage), "--appimage-extract"], cwd=tmp_path, check=True)
    root = tmp_path / "squashfs-root"
    assert (root / "usr/lib/data.txt").read_text() == "payload from the squashfs\n"
    assert (root / "usr/lib/big.bin").stat().st_size == 3 << 20
    assert os.readlink(root / "usr/lib/link.txt") == "data.txt"
    assert os.access(root / "AppRun", os.X_OK)


@needs_runtime_toolchain
def test_runtime_runs_apprun_from_an_extracted_copy_without_fuse(
    appimage: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "APPIMAGE_EXTRACT_AND_RUN": "1", "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [str(appimage), "one", "two"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "ARGS=one two" in result.stdout
    assert f"APPIMAGE={appimage}" in result.stdout
    assert "payload from the squashfs" in result.stdout
    assert f"APPDIR={tmp_path}/appimage_extracted_proofshot_" in result.stdout


@needs_runtime_toolchain
@pytest.mark.skipif(
    not (os.path.exists("/dev/fuse") and (os.geteuid() == 0 or shutil.which("fusermount3"))),
    reason="FUSE is not available",
)
def test_runtime_mounts_the_image_runs_apprun_and_unmounts(appimage: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [str(appimage), "arg"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert f"APPDIR={tmp_path}/.mount_Proofshot" in result.stdout
    assert "payload from the squashfs" in result.stdout
    # The FUSE server leaves when the app does: no mount point stays behind.
    for _ in range(50):
        if not list(tmp_path.glob(".mount_*")):
            break
        subprocess.run(["sleep", "0.1"], check=True)
    assert not list(tmp_path.glob(".mount_*"))


def test_install_script_installs_and_uninstalls_within_the_given_folders(tmp_path: Path) -> None:
    tree = tmp_path / "Proofshot-0.1.0-linux-x86_64"
    program = tree / "lib" / "proofshot"
    program.mkdir(parents=True)
    (program / "proofshot").write_text("#!/bin/sh\necho proofshot 0.1.0\n")
    (program / "proofshot").chmod(0o755)
    (tree / "share" / "applications").mkdir(parents=True)
    (tree / "share" / "metainfo").mkdir(parents=True)
    shutil.copy(
        PACKAGING / "linux" / "org.proofshot.Proofshot.desktop", tree / "share/applications"
    )
    shutil.copy(
        PACKAGING / "linux" / "org.proofshot.Proofshot.metainfo.xml", tree / "share/metainfo"
    )
    shutil.copytree(PACKAGING / "icons" / "hicolor", tree / "share" / "icons" / "hicolor")
    shutil.copy(PACKAGING / "linux" / "install.sh", tree / "install.sh")
    prefix, bindir, datadir = tmp_path / "opt", tmp_path / "bin", tmp_path / "share"
    (prefix / "lib" / "other-app").mkdir(parents=True)  # must survive install and uninstall
    args = ["--prefix", str(prefix), "--bindir", str(bindir), "--datadir", str(datadir)]
    subprocess.run(["sh", str(tree / "install.sh"), *args], check=True, capture_output=True)
    out = subprocess.run([str(bindir / "proofshot")], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "proofshot 0.1.0"
    desktop = (datadir / "applications" / "org.proofshot.Proofshot.desktop").read_text()
    assert f"Exec={prefix}/lib/proofshot/proofshot %f" in desktop
    assert (datadir / "icons/hicolor/256x256/apps/org.proofshot.Proofshot.png").is_file()
    subprocess.run(
        ["sh", str(tree / "install.sh"), *args, "--uninstall"], check=True, capture_output=True
    )
    assert not (prefix / "lib" / "proofshot").exists()
    assert not (bindir / "proofshot").exists()
    assert not (datadir / "applications" / "org.proofshot.Proofshot.desktop").exists()
    assert (prefix / "lib" / "other-app").is_dir()


@pytest.mark.parametrize(
    ("shell", "script"),
    [
        ("bash", "scripts/package.sh"),
        ("bash", "scripts/package_check.sh"),
        ("bash", "packaging/linux/appimage-runtime/build.sh"),
        ("sh", "packaging/linux/install.sh"),
        ("sh", "packaging/linux/AppRun"),
    ],
)
def test_packaging_scripts_parse_and_are_executable(shell: str, script: str) -> None:
    path = REPO / script
    assert os.access(path, os.X_OK), f"chmod +x {script}"
    result = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_self_test_without_window_checks_sources_resources_and_an_export() -> None:
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "selftest.py"), "--no-window", "--export", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["identity"]["ok"] and checks["identity"]["detail"]["check"].startswith("ok")
    assert checks["resources"]["detail"]["files"]["resources/fonts"] >= 2
    export = checks["export"]
    assert export["ok"] and export["detail"]["filing_pdfs"] >= 1
    assert "zip" in export["detail"]["verified"]


@pytest.mark.qt
def test_self_test_opens_the_start_window_and_renders_a_page_in_webengine() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if os.geteuid() == 0:
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"  # Chromium's sandbox refuses root
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "selftest.py"), "--seconds", "0.2", "--timeout", "90"],
        capture_output=True,
        text=True,
        timeout=150,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "PASS window" in result.stdout
    assert "PASS webengine" in result.stdout
    assert "icu_month_zh=一月" in result.stdout
    assert "SELF-TEST PASSED" in result.stdout
