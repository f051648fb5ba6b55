"""ChartEditor alone: elements, drafts kept across pairs, saving through the writer, read-only.

A real case (tests.gui.helpers.build_case) with two of its pictures registered as works; the
pair requests come from the core, the comparison record is a small one written here (the
editor only keeps its metrics). No workspace and no pictures: what the editor announces for
the pictures' owner is collected from its signals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.compare import works
from app.compare.case_matching import pair_request
from app.core.case import Case
from app.gui.compare.chart_editor import ChartEditor
from app.gui.session import CaseSession

RECORD = {"engine": "test", "score": 0.8, "band": "high", "metrics": [], "notes": []}
REGION = {"shape": "rect", "x": 0.1, "y": 0.1, "w": 0.3, "h": 0.2}


@pytest.fixture
def works_case(case_path: Path) -> Path:
    with Case.open(case_path) as case:
        works.add_work(case, 1, title="First work")
        works.add_work(case, 2, title="Second work")
    return case_path


def _editor(
    qtbot: QtBot, path: Path, sessions: list[CaseSession], *, read_only: bool = False
) -> ChartEditor:
    session = CaseSession(path, read_only=read_only)
    sessions.append(session)
    editor = ChartEditor(session)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _open(editor: ChartEditor, item: int, work: int) -> None:
    editor.open_pair(pair_request(editor.session.view, item, work))
    editor.set_record(dict(RECORD))


def test_new_elements_ask_for_the_side_view_and_marking_and_regions_fill_them(
    qtbot: QtBot, works_case: Path, sessions: list[CaseSession]
) -> None:
    editor = _editor(qtbot, works_case, sessions)
    wanted: list[bool] = []
    marking: list[tuple[bool, str]] = []
    drawn: list[tuple[list[dict[str, Any]], Any]] = []
    editor.side_view_wanted.connect(lambda: wanted.append(True))
    editor.marking_changed.connect(lambda on, shape: marking.append((on, shape)))
    editor.elements_changed.connect(lambda elements, row: drawn.append((elements, row)))
    assert not editor.new_element_button.isEnabled()  # no pair yet
    _open(editor, 5, 1)
    assert (
        "Item #5" in editor.title_edit.text() and "No chart saved yet" in editor.chart_status.text()
    )
    editor.new_element("Crest")
    assert wanted == [True] and marking[-1] == (True, "rect")
    editor.set_shape("arrow")
    assert marking[-1] == (True, "arrow")
    editor.add_region("original", REGION)
    assert editor.element_model.region(0, "original") == REGION
    assert drawn[-1][0][0]["description"] == "Crest" and drawn[-1][1] == 0
    editor.set_marking_enabled(False)  # e.g. the viewer left side-by-side
    assert marking[-1] == (False, "arrow") and not editor.mark_button.isEnabled()


def test_a_chart_is_saved_through_the_writer_and_a_second_save_supersedes_it(
    qtbot: QtBot, works_case: Path, sessions: list[CaseSession]
) -> None:
    editor = _editor(qtbot, works_case, sessions)
    _open(editor, 5, 1)
    assert not editor.save_button.isEnabled()
    editor.new_element("Visor")
    editor.add_region("output", REGION)
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(editor.saved, timeout=15_000) as saved:
        assert editor.save()
    first = saved.args[0]
    qtbot.waitUntil(lambda: not editor.busy_saving)
    assert "Saved as chart" in editor.chart_status.text() and not editor.save_button.isEnabled()
    editor.new_element("Fins")
    with qtbot.waitSignal(editor.saved, timeout=15_000) as saved_again:
        assert editor.save()
    qtbot.waitUntil(lambda: not editor.busy_saving)
    assert f"replacing chart {first}" in editor.chart_status.text()
    with Case.open(works_case, read_only=True) as case:
        (chart,) = works.list_charts(case, item_id=5)
        assert chart.id == saved_again.args[0] and chart.supersedes == first
        assert [e["description"] for e in chart.elements] == ["Visor", "Fins"]
        assert chart.metrics["band"] == "high"


def test_unsaved_edits_survive_a_look_at_another_pair_and_a_saved_chart_comes_back(
    qtbot: QtBot, works_case: Path, sessions: list[CaseSession]
) -> None:
    with Case.open(works_case) as case:
        works.save_chart(case, work_id=2, item_id=6, title="Saved one", metrics={"band": "low"},
                         elements=[{"description": "Moon", "original": REGION}])  # fmt: skip
    editor = _editor(qtbot, works_case, sessions)
    _open(editor, 5, 1)
    editor.new_element("Draft element")
    editor.title_edit.setText("My draft")
    _open(editor, 6, 2)
    assert editor.title_edit.text() == "Saved one" and editor.element_model.rowCount() == 1
    assert not editor.save_button.isEnabled()
    _open(editor, 5, 1)
    assert editor.element_model.description(0) == "Draft element"
    assert editor.title_edit.text() == "My draft" and editor.save_button.isEnabled()


def test_descriptions_are_required_and_read_only_cases_cannot_save(
    qtbot: QtBot, works_case: Path, sessions: list[CaseSession]
) -> None:
    editor = _editor(qtbot, works_case, sessions)
    _open(editor, 5, 1)
    failures: list[str] = []
    editor.failed.connect(failures.append)
    editor.add_region("original", REGION)  # an element without a description
    assert not editor.save() and "no description" in editor.chart_status.text()
    assert failures and "no description" in failures[0]
    reader = _editor(qtbot, works_case, sessions, read_only=True)
    _open(reader, 5, 1)
    reader.new_element("Visor")
    assert not reader.save_button.isEnabled() and not reader.save()
    assert "read-only" in reader.save_button.toolTip()
    with Case.open(works_case, read_only=True) as case:
        assert works.list_charts(case) == []
