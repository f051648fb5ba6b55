"""The inspector shows conflicting generator records, further prompts and C2PA verdicts
with their reasons, on real corpus files imported through the core into a real case."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.case import Case
from app.core.ingest import Acquisition, add_file
from app.gui.qt_compat import guard_singletons
from tests.gui.helpers import wait_idle

guard_singletons()

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"
FILES = [
    "sd-metadata/reduced/comfyui-comfy-image-saver.png",  # item 1: conflict
    "c2pa-python/XCA.jpg",  # item 2: Invalid with a reason
    "sd-metadata/reduced/novelai-full-3char.png",  # item 3: character prompts
    "sd-metadata/gemini_3.1pro.png",  # item 4: AI origin in the parent manifest
]


@pytest.fixture
def controller(qtbot: QtBot) -> Iterator[object]:
    from app.gui.application import AppController, create_application

    app, languages = create_application()
    ctl = AppController(app, languages)
    qtbot.addWidget(ctl.start)
    yield ctl
    ctl.close_case(show_start=False)
    ctl.start.close()


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "Prov.proofshot"
    with Case.create(path, title="Provenance", operator="Alice Analyst") as case:
        for name in FILES:
            add_file(case, CORPUS / name, Acquisition(source=f"corpus:{name}"))
    return path


def _details(window: object, item_id: int) -> str:
    assert window.evidence.select_item(item_id)  # type: ignore[attr-defined]
    return window.inspector.prov_details.text()  # type: ignore[attr-defined]


def test_inspector_shows_conflicts_prompts_and_c2pa_reasons(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    assert controller.open_case(case_path)  # type: ignore[attr-defined]
    window = controller.window  # type: ignore[attr-defined]
    qtbot.waitExposed(window)
    wait_idle(qtbot, window)

    conflict = _details(window, 1)
    assert "Conflicting records" in conflict
    assert "png:parameters" in conflict and "unknown" in conflict
    assert "placeholder" in conflict  # the rule is stated
    assert window.inspector.prompt_edit.toPlainText().startswith("general, masterpiece")

    invalid = _details(window, 2)
    assert "Verdict: Invalid" in invalid
    assert "assertion.dataHash.mismatch" in invalid

    characters = _details(window, 3)
    assert "Further prompts" in characters
    assert "character" in characters and "kagamine rin" in characters

    gemini = _details(window, 4)
    assert "Verdict: Valid" in gemini
    assert "not on the trust list" in gemini
    assert "AI origin stated in an ingredient manifest" in gemini
    assert "trainedAlgorithmicMedia" in gemini
    shots = os.environ.get("PROOFSHOT_SHOTS")
    if shots:  # for a human look at the panel's text: PROOFSHOT_SHOTS=/some/dir
        from PySide6.QtWidgets import QLabel

        for name, text in (("c2pa", gemini), ("conflict", conflict), ("invalid", invalid)):
            label = QLabel(text)
            label.setWordWrap(True)
            label.setFixedWidth(460)
            label.adjustSize()
            label.grab().save(str(Path(shots) / f"inspector-{name}.png"))
