"""Desktop integration files: .desktop, AppStream, icons, and the Windows/macOS installer inputs."""

from __future__ import annotations

import configparser
import plistlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from app import __version__
from tests.packaging.conftest import PACKAGING

LINUX = PACKAGING / "linux"
ICONS = PACKAGING / "icons"


def _desktop_file(layout: ModuleType) -> Path:
    return LINUX / f"{layout.APP_ID}.desktop"


def _metainfo(layout: ModuleType) -> Path:
    return LINUX / f"{layout.APP_ID}.metainfo.xml"


def test_desktop_entry_launches_the_bundle_binary_with_the_app_icon(layout: ModuleType) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(_desktop_file(layout), encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == layout.EXECUTABLE
    assert entry["Icon"] == layout.APP_ID
    assert (ICONS / "hicolor" / "256x256" / "apps" / f"{layout.APP_ID}.png").is_file()
    assert (ICONS / "hicolor" / "scalable" / "apps" / f"{layout.APP_ID}.svg").is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_entry_passes_desktop_file_validate(layout: ModuleType) -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(_desktop_file(layout))], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_appstream_metadata_names_the_app_its_launcher_and_this_version(
    layout: ModuleType,
) -> None:
    root = ET.parse(_metainfo(layout)).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == layout.APP_ID
    assert root.findtext("launchable") == _desktop_file(layout).name
    assert root.find("provides/binary").text == layout.EXECUTABLE  # type: ignore[union-attr]
    latest = root.find("releases/release")
    assert latest is not None and latest.get("version") == __version__, (
        "add a <release> for the new version to the AppStream metadata"
    )


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_appstream_metadata_passes_appstreamcli_validate(layout: ModuleType) -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(_metainfo(layout))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_icon_set_has_every_size_at_its_named_size() -> None:
    folders = sorted((ICONS / "hicolor").glob("*x*/apps/*.png"))
    sizes = set()
    for png in folders:
        side = int(png.parts[-3].split("x")[0])
        with Image.open(png) as image:
            assert image.size == (side, side), png
            assert image.mode == "RGBA"
        sizes.add(side)
    assert {16, 32, 48, 64, 128, 256, 512} <= sizes


def test_windows_and_macos_icons_carry_the_sizes_their_shells_use() -> None:
    with Image.open(ICONS / "proofshot.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ICONS / "proofshot.icns") as icns:
        assert icns.size[0] >= 512


def test_inno_setup_script_installs_the_executables_the_spec_builds() -> None:
    iss = (PACKAGING / "windows" / "proofshot.iss").read_text("utf-8")
    spec = (PACKAGING / "proofshot.spec").read_text("utf-8")
    windows_exes = set(re.findall(r'_exe\("([^"]+)", console=', spec))
    assert windows_exes == {"Proofshot", "proofshot-cli"}
    for exe in windows_exes:
        assert f"{{#BundleDir}}\\{exe}.exe" in iss
    assert "_internal\\*" in iss and "recursesubdirs" in iss
    icon = re.search(r"^SetupIconFile=(.+)$", iss, re.M)
    assert icon is not None
    assert (PACKAGING / "windows" / icon.group(1).strip().replace("\\", "/")).resolve().is_file()
    bundle = re.search(r'#define BundleDir "(.+)"', iss)
    assert bundle is not None
    assert bundle.group(1).replace("\\", "/") == "../../dist/proofshot"
    assert re.search(r"^AppId=\{\{[0-9A-F-]{36}\}$", iss, re.M)


def test_macos_entitlements_allow_only_what_webengine_and_python_need() -> None:
    with (PACKAGING / "macos" / "entitlements.plist").open("rb") as fh:
        entitlements = plistlib.load(fh)
    assert entitlements == {
        "com.apple.security.cs.allow-jit": True,
        "com.apple.security.cs.allow-unsigned-executable-memory": True,
        "com.apple.security.cs.disable-library-validation": True,
    }
