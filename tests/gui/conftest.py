"""Fixtures for the window tests: real cases built through the core, a controller per test.

Qt warnings fail these tests (pytest-qt ``qt_log_level_fail``), except the offscreen
platform's notes that it cannot raise windows or pass size hints to a window manager.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.gui.qt_compat import guard_singletons
from tests.gui.helpers import build_case

guard_singletons()  # before any widget exists; see app/gui/qt_compat.py

OFFSCREEN_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
    r"QFont::setPointSizeF: Point size <= 0",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    return build_case(tmp_path / "Gui.proofshot")


@pytest.fixture
def controller(qtbot: QtBot) -> Iterator[object]:
    from app.gui.application import AppController, create_application

    app, languages = create_application()
    ctl = AppController(app, languages)
    qtbot.addWidget(ctl.start)
    yield ctl
    ctl.close_case(show_start=False)
    languages.apply("en")
    ctl.start.close()
