"""What the bundle carries, checked from the lists the PyInstaller spec builds from."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

from tests.packaging.conftest import PACKAGING, REPO


def _dest_files(layout: ModuleType) -> set[str]:
    return {f"{dest}/{Path(src).name}" for src, dest in layout.datas()}


def test_every_data_folder_exists_and_ships_files(layout: ModuleType) -> None:
    for folder in layout.DATA_FOLDERS:
        assert (REPO / folder.source).is_dir(), folder.source
        assert folder.files(), f"{folder.source} would ship nothing"


def test_bundle_carries_fonts_with_licences_translations_icons_demo_and_site(
    layout: ModuleType,
) -> None:
    shipped = _dest_files(layout)
    assert "resources/fonts/DejaVuSans.ttf" in shipped
    assert "resources/fonts/LICENSE-DejaVu.txt" in shipped
    assert "resources/translations/proofshot_zh_CN.qm" in shipped
    assert not any(name.endswith(".ts") for name in shipped), "translation sources stay out"
    assert "resources/icons/proofshot.svg" in shipped
    assert "resources/demo/demo.json" in shipped
    assert "app/demo/static/index.html" in shipped
    assert not any("__pycache__" in name for name in shipped)


def test_resource_folders_the_app_looks_up_are_the_ones_shipped(layout: ModuleType) -> None:
    # The app finds resources relative to its modules, which PyInstaller puts under
    # sys._MEIPASS exactly as in the repository: so the destinations must mirror the sources.
    from app.demo import case_builder, site
    from app.report import fonts

    dests = {folder.dest for folder in layout.DATA_FOLDERS}
    for looked_up in (fonts.FONT_DIR, case_builder.RESOURCES, site.STATIC_DIR):
        assert Path(looked_up).relative_to(REPO).as_posix() in dests
    for folder in layout.DATA_FOLDERS:
        assert folder.dest == folder.source


def _qt_modules_imported_by_app() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "app").rglob("*.py"):
        found.update(re.findall(r"PySide6\.(Qt\w+)", path.read_text("utf-8")))
    return found


def test_excludes_keep_every_qt_module_the_app_imports(layout: ModuleType) -> None:
    imported = _qt_modules_imported_by_app()
    assert imported, "the scan found no Qt imports at all"
    assert imported <= set(layout.QT_MODULES_USED), imported - set(layout.QT_MODULES_USED)
    excluded = set(layout.pyside6_excludes())
    assert not {f"PySide6.{m}" for m in imported} & excluded


def test_excludes_drop_qt_modules_nothing_uses(layout: ModuleType) -> None:
    excluded = set(layout.excludes())
    for unused in ("Qt3DCore", "QtQuick3D", "QtMultimedia", "QtDesigner", "QtCharts", "QtQml"):
        assert f"PySide6.{unused}" in excluded
    assert "tkinter" in excluded


def test_keep_data_file_drops_only_unused_qt_languages(layout: ModuleType) -> None:
    keep = layout.keep_data_file
    base = "PySide6/Qt/translations/"
    assert keep(base + "qtwebengine_locales/en-US.pak")
    assert keep(base + "qtwebengine_locales/zh-CN.pak")
    assert not keep(base + "qtwebengine_locales/de.pak")
    assert keep(base + "qtbase_zh_CN.qm")
    assert keep(base + "qtbase_en.qm")
    assert not keep(base + "qtbase_fr.qm")
    assert keep("PySide6/Qt/resources/qtwebengine_resources.pak")
    assert keep("resources/translations/proofshot_zh_CN.qm")
    assert keep("PySide6\\Qt\\translations\\qtwebengine_locales\\en-US.pak")


def test_ui_languages_match_the_languages_the_app_ships(layout: ModuleType) -> None:
    # app.gui.i18n.LANGUAGES needs Qt to import; read the shipped catalogues instead.
    shipped = {
        p.stem.removeprefix("proofshot_") for p in (REPO / "resources/translations").glob("*.qm")
    }
    assert shipped <= set(layout.UI_LANGUAGES)
    source = (REPO / "app/gui/i18n.py").read_text("utf-8")
    for lang in layout.UI_LANGUAGES:
        assert f'"{lang}"' in source


def test_spec_is_valid_python_and_builds_from_the_layout() -> None:
    text = (PACKAGING / "proofshot.spec").read_text("utf-8")
    compile(text, "proofshot.spec", "exec")
    for needle in (
        "layout.datas(ROOT)",
        "layout.excludes()",
        "layout.keep_data_file",
        'collect_submodules("app"',
        "launcher.py",
        "build_identity.write",
        "upx=False",
    ):
        assert needle in text, needle
