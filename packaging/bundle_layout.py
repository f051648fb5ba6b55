"""What the Proofshot desktop bundle carries and what it leaves out, in one place.

The PyInstaller spec (``packaging/proofshot.spec``) builds from these lists, and the fast
tests in ``tests/packaging`` read the same lists, so "the bundle ships the fonts" is checked
without running a multi-minute build. Paths are relative to the repository root, and the
destinations mirror the source tree because the app finds its resources relative to its own
modules (``Path(__file__).parents[2] / "resources"``), which PyInstaller places under
``sys._MEIPASS`` exactly as they sit in the repository.

This file is not a Python package module (``packaging`` would shadow the PyPI package of that
name); the spec and the tests load it by path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

APP_ID = "org.proofshot.Proofshot"
"""Reverse-DNS id: the .desktop file name, the AppStream id and the macOS bundle id."""

EXECUTABLE = "proofshot"
"""The binary inside the bundle folder (``proofshot.exe`` on Windows)."""

BUNDLE_NAME = "proofshot"
"""The one-folder bundle's directory name under ``dist/``."""


@dataclass(frozen=True)
class DataFolder:
    """A source folder copied into the bundle, with the file patterns that matter."""

    source: str
    dest: str
    why: str
    patterns: tuple[str, ...] = ("*",)
    recursive: bool = True

    def files(self, root: Path = REPO_ROOT) -> list[Path]:
        """The files this entry ships, sorted, so a build is reproducible file for file."""
        base = root / self.source
        found: set[Path] = set()
        for pattern in self.patterns:
            matches = base.rglob(pattern) if self.recursive else base.glob(pattern)
            found.update(p for p in matches if p.is_file() and "__pycache__" not in p.parts)
        return sorted(found)


DATA_FOLDERS: tuple[DataFolder, ...] = (
    DataFolder(
        "resources/fonts",
        "resources/fonts",
        "The PDF report embeds these fonts (Latin and CJK); their licence files travel with them.",
        patterns=("*.ttf", "*.ttc", "*.otf", "*.txt", "*.md"),
    ),
    DataFolder(
        "resources/translations",
        "resources/translations",
        "Compiled Qt translations of the interface (the .ts sources stay in the repository).",
        patterns=("*.qm",),
    ),
    DataFolder(
        "resources/icons",
        "resources/icons",
        "The window icon (SVG plus PNG fallbacks).",
        patterns=("*.svg", "*.png"),
    ),
    DataFolder(
        "resources/demo",
        "resources/demo",
        "The bundled demo case: `proofshot demo CASE` builds it from these files.",
    ),
    DataFolder(
        "app/demo/static",
        "app/demo/static",
        "The demo AI site's pages, served on 127.0.0.1 by `proofshot demo-site`.",
    ),
)

QT_MODULES_USED: tuple[str, ...] = (
    "QtCore",
    "QtGui",
    "QtWidgets",
    "QtNetwork",
    "QtWebEngineCore",
    "QtWebEngineWidgets",
    "QtDBus",  # screen capture through the XDG desktop portal on Wayland
    # Imported by the QtWebEngine bindings themselves (checked: importing
    # QtWebEngineWidgets loads exactly these plus the four above).
    "QtWebChannel",
    "QtPrintSupport",
)
"""PySide6 modules the app imports (directly or through the bindings of those it imports)."""

OTHER_EXCLUDES: tuple[str, ...] = (
    # Never imported by the app; some are pulled in by optional imports in dependencies.
    "tkinter",
    "_tkinter",
    "matplotlib",
    "IPython",
    "pytest",
    "_pytest",
    "pytestqt",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "sphinx",
    "setuptools",
    "pip",
    "app.demo.build_resources",  # a developer tool that regenerates resources/demo
)


UI_LANGUAGES: tuple[str, ...] = ("en", "zh_CN")
"""The interface languages the app ships (``app.gui.i18n.LANGUAGES``); Qt's own
translations and Chromium's locale packs are kept for these only."""

WEBENGINE_LOCALES: tuple[str, ...] = ("en-US", "zh-CN")
"""Chromium locale packs kept (``qtwebengine_locales/*.pak``): en-US is Chromium's fallback
for every other locale, zh-CN serves the Chinese interface. The other 50 packs are 40 MB."""

_QT_TRANSLATIONS = "PySide6/Qt/translations/"


def keep_data_file(dest: str) -> bool:
    """Whether a data file PyInstaller's hooks collected stays in the bundle.

    ``dest`` is its path inside the bundle. Only Qt translation catalogues and Chromium locale
    packs for languages the app does not offer are dropped; everything else is kept.
    """
    dest = dest.replace("\\", "/")
    if not dest.startswith(_QT_TRANSLATIONS):
        return True
    name = dest.rsplit("/", 1)[-1]
    if "/qtwebengine_locales/" in dest:
        return name.removesuffix(".pak") in WEBENGINE_LOCALES
    if name.endswith(".qm"):
        stem = name.removesuffix(".qm")
        return any(stem.endswith("_" + lang) for lang in UI_LANGUAGES)
    return True


def pyside6_excludes(pyside_dir: Path | None = None) -> list[str]:
    """Every PySide6 extension module the app does not use, as ``PySide6.X`` names.

    Qt ships 60-odd binding modules (Qt3D, QtQuick3D, Multimedia, Designer, Charts…). The
    bundle keeps only :data:`QT_MODULES_USED`; the shared libraries those need (QtQuick and
    QtQml for WebEngine, QtSvg for the icon plug-in) still arrive through PyInstaller's
    binary dependency analysis, which follows what the kept libraries link against.
    """
    if pyside_dir is None:
        import PySide6  # the build environment's PySide6; only the spec and tests call this

        pyside_dir = Path(PySide6.__file__).parent
    names = {
        p.name.split(".", 1)[0] for p in pyside_dir.glob("Qt*.*") if p.suffix in {".so", ".pyd"}
    }
    return sorted(f"PySide6.{n}" for n in names if n not in QT_MODULES_USED)


def excludes() -> list[str]:
    """All module excludes for the spec: unused Qt bindings plus :data:`OTHER_EXCLUDES`."""
    return [*pyside6_excludes(), *OTHER_EXCLUDES]


def datas(root: Path = REPO_ROOT) -> list[tuple[str, str]]:
    """``(source file, destination folder)`` pairs in the form PyInstaller's ``datas`` wants."""
    pairs: list[tuple[str, str]] = []
    for folder in DATA_FOLDERS:
        base = root / folder.source
        for file in folder.files(root):
            dest = Path(folder.dest) / file.parent.relative_to(base)
            pairs.append((str(file), dest.as_posix()))
    return pairs
