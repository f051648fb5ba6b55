"""The compare workspace (offscreen Qt): ranked works, linked zoom, overlay, swipe,
difference, matched points, and the element chart saved as a superseding record -- the
workspace with its two units (PairViewer, ChartEditor) wired together, on the demo case.
Each unit alone: tests/gui/test_pair_viewer.py and tests/gui/test_chart_editor.py."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.compare import case_matching as cm
from app.compare import works
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from app.core.verify import verify_case
from app.demo.case_builder import build_demo_case
from app.gui.compare import CompareWorkspace, ImagePanel
from app.gui.session import CaseSession

pytestmark = pytest.mark.qt

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PORTRAIT_OUTPUT = 11  # gen_07_portrait_red.png in the demo case (the 11th file of demo.json)
PORTRAIT_WORK = 3


@pytest.fixture(autouse=True)
def _shared_cache(
    _isolated_user_dirs: None,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    """The demo images' features are computed once for the whole run (cached by hash)."""
    path = tmp_path_factory.getbasetemp() / "compare-demo-cache"
    path.mkdir(exist_ok=True)
    monkeypatch.setenv("PROOFSHOT_CACHE_DIR", str(path))
    cm.forget_libraries()
    yield
    cm.forget_libraries()


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "Demo.proofshot"
    build_demo_case(path).close()
    return path


def open_workspace(
    qtbot: QtBot, path: Path, sessions: list[CaseSession], *, read_only: bool = False
) -> CompareWorkspace:
    session = CaseSession(path, read_only=read_only)
    sessions.append(session)
    workspace = CompareWorkspace(session)
    qtbot.addWidget(workspace)
    workspace.resize(1440, 900)
    workspace.show()
    qtbot.waitExposed(workspace)
    wait_idle(qtbot, workspace)
    return workspace


def wait_idle(qtbot: QtBot, workspace: CompareWorkspace) -> None:
    qtbot.waitUntil(lambda: not workspace.busy, timeout=60_000)


def show(qtbot: QtBot, workspace: CompareWorkspace, item: int, work: int | None = None) -> dict:
    with qtbot.waitSignal(workspace.compared, timeout=60_000) as blocker:
        workspace.show_item(item, work)
    wait_idle(qtbot, workspace)
    assert workspace.current_pair()[0] == item
    return blocker.args[0]


def drag(
    qtbot: QtBot, panel: ImagePanel, start: tuple[float, float], end: tuple[float, float]
) -> None:
    """Press, move and release on a panel at two points given as fractions of its image."""
    viewport = panel.viewport()
    a = panel.mapFromScene(panel.fraction_to_scene(*start))
    b = panel.mapFromScene(panel.fraction_to_scene(*end))
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)


def save_screenshot(workspace: CompareWorkspace, name: str, tmp_path: Path) -> Path:
    """Grab the workspace; also into docs/screenshots when PROOFSHOT_SAVE_SCREENSHOTS is set."""
    QApplication.processEvents()  # let the layout settle, as it would on screen
    image = workspace.grab().toImage()
    target = tmp_path / f"{name}.png"
    assert image.save(str(target))
    if os.environ.get("PROOFSHOT_SAVE_SCREENSHOTS"):
        assert image.save(str(SCREENSHOTS / f"{name}.png"))
    return target


def test_the_work_picker_is_ranked_by_the_engine_and_the_metrics_are_explained(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession]
) -> None:
    workspace = open_workspace(qtbot, demo_path, sessions)
    with qtbot.waitSignal(workspace.ranked, timeout=60_000) as ranked:
        workspace.show_item(PORTRAIT_OUTPUT)
    wait_idle(qtbot, workspace)
    ranking = ranked.args[0]
    assert ranking.item_id == PORTRAIT_OUTPUT and ranking.flagged
    assert workspace.work_combo.itemData(0) == PORTRAIT_WORK
    assert workspace.work_combo.itemText(0).startswith(f"{ranking.best.score:.2f} high")
    assert workspace.current_pair() == (PORTRAIT_OUTPUT, PORTRAIT_WORK)
    assert "HIGH" in workspace.band_label.text()
    text = workspace.metrics_view.toPlainText()
    assert "distinctive points match after alignment" in text and "SSIM" in text
    assert "Likely match" in workspace.status_label.text()
    assert workspace.viewer.original_panel.has_image() and workspace.viewer.output_panel.has_image()
    assert "Starlume — Portrait" in workspace.viewer.original_caption.text()
    # Choosing another work compares that pair instead.
    with qtbot.waitSignal(workspace.compared, timeout=60_000) as compared:
        workspace.work_combo.setCurrentIndex(1)
    assert compared.args[0]["work_id"] == workspace.work_combo.itemData(1)
    assert "LOW" in workspace.band_label.text()


def test_linked_zoom_and_pan_keep_the_same_spot_of_the_character_in_both_views(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession]
) -> None:
    workspace = open_workspace(qtbot, demo_path, sessions)
    record = show(qtbot, workspace, PORTRAIT_OUTPUT, PORTRAIT_WORK)
    left, right = workspace.viewer.original_panel, workspace.viewer.output_panel
    left.zoom_by(2.0)
    left.horizontalScrollBar().setValue(left.horizontalScrollBar().value() + 40)
    centre = workspace.viewer.map_point("original", left.centre_stored())
    rx, ry = right.centre_stored()
    tolerance = 3 / right.screen_per_stored()  # a few screen pixels
    assert abs(rx - centre[0]) <= tolerance and abs(ry - centre[1]) <= tolerance
    scale = record["alignment"]["scale"]  # output pixels per original pixel
    assert right.screen_per_stored() == pytest.approx(left.screen_per_stored() / scale, rel=0.02)
    # Unlinked, the other view stays where it was.
    workspace.viewer.sync_check.setChecked(False)
    before = right.centre_stored()
    left.zoom_by(1.5)
    assert right.centre_stored() == pytest.approx(before)


def test_overlay_swipe_and_difference_show_the_output_aligned_on_the_original(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession], tmp_path: Path
) -> None:
    workspace = open_workspace(qtbot, demo_path, sessions)
    show(qtbot, workspace, PORTRAIT_OUTPUT, PORTRAIT_WORK)
    blend = workspace.viewer.blend_view
    workspace.set_mode("overlay")
    assert workspace.viewer.stack.currentWidget() is workspace.viewer.blend_widget
    assert workspace.viewer.amount_slider.isVisible()
    workspace.viewer.amount_slider.setValue(30)
    assert blend.warped_item is not None and blend.warped_item.opacity() == pytest.approx(0.3)
    assert "engine's alignment" in workspace.viewer.blend_caption.text()
    save_screenshot(workspace, "compare-overlay", tmp_path)
    workspace.set_mode("swipe")
    workspace.viewer.amount_slider.setValue(40)
    assert blend.warped_item.opacity() == 1.0
    width = blend.scene().sceneRect().width()
    clip = blend.warped_item.parentItem().boundingRect()
    assert clip.left() == pytest.approx(0.4 * width, abs=1.0)
    # Clicking in the view moves the divider and the slider follows.
    viewport = blend.viewport()
    point = blend.mapFromScene(0.7 * width, 10)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    assert workspace.viewer.amount_slider.value() == pytest.approx(70, abs=2)
    workspace.set_mode("difference")
    assert blend.difference_item is not None and blend.difference_item.isVisible()
    assert not blend.warped_item.parentItem().isVisible()
    assert "Mean difference" in workspace.viewer.blend_caption.text()
    grab = save_screenshot(workspace, "compare-difference", tmp_path)
    assert Image.open(grab).getextrema()[0][1] > 100  # not a blank picture
    # Overlay keeps its own opacity after the swipe moved.
    workspace.set_mode("overlay")
    assert workspace.viewer.amount_slider.value() == 30


def test_matched_points_and_the_lines_joining_them_are_shown_on_demand(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession]
) -> None:
    workspace = open_workspace(qtbot, demo_path, sessions)
    record = show(qtbot, workspace, PORTRAIT_OUTPUT, PORTRAIT_WORK)
    overlay = workspace.viewer.link_overlay
    assert not overlay.isVisible()
    workspace.viewer.points_check.setChecked(True)
    workspace.grab()  # paints the overlay
    assert overlay.isVisible() and overlay.drawn > 0
    assert len(overlay.pairs) == min(80, len(record["alignment"]["points_original"]))
    workspace.viewer.points_check.setChecked(False)
    assert not overlay.isVisible()


def test_elements_drawn_on_each_picture_are_saved_as_a_chart_and_a_new_save_supersedes_it(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession], tmp_path: Path
) -> None:
    workspace = open_workspace(qtbot, demo_path, sessions)
    record = show(qtbot, workspace, PORTRAIT_OUTPUT, PORTRAIT_WORK)
    assert not workspace.chart.save_button.isEnabled()  # nothing to save yet
    workspace.chart.new_element("Star-core emblem on the chest")
    assert workspace.chart.mark_button.isChecked()
    drag(qtbot, workspace.viewer.original_panel, (0.38, 0.72), (0.62, 0.97))
    drag(qtbot, workspace.viewer.output_panel, (0.40, 0.74), (0.60, 0.98))
    workspace.chart.new_element("Visor eyes")
    workspace.chart.set_shape("ellipse")
    drag(qtbot, workspace.viewer.original_panel, (0.25, 0.38), (0.75, 0.55))
    drag(qtbot, workspace.viewer.output_panel, (0.27, 0.40), (0.73, 0.56))
    workspace.chart.new_element("Crest fins")
    workspace.chart.set_shape("arrow")
    drag(qtbot, workspace.viewer.original_panel, (0.10, 0.08), (0.30, 0.24))
    drag(qtbot, workspace.viewer.output_panel, (0.12, 0.10), (0.32, 0.26))
    model = workspace.chart.element_model
    assert model.rowCount() == 3
    chest = model.region(0, "original")
    assert chest == {"shape": "rect", "x": pytest.approx(0.38, abs=0.01),
                     "y": pytest.approx(0.72, abs=0.01), "w": pytest.approx(0.24, abs=0.01),
                     "h": pytest.approx(0.25, abs=0.01)}  # fmt: skip
    arrow = model.region(2, "output")
    assert arrow["shape"] == "arrow" and arrow["w"] > 0 and arrow["h"] > 0
    assert workspace.viewer.original_panel.element_count() == 3
    workspace.chart.mark_button.setChecked(False)
    save_screenshot(workspace, "compare-side-by-side", tmp_path)
    workspace.viewer.points_check.setChecked(True)
    save_screenshot(workspace, "compare-matched-points", tmp_path)
    workspace.viewer.points_check.setChecked(False)
    assert workspace.chart.save_button.isEnabled()
    with qtbot.waitSignal(workspace.chart_saved, timeout=30_000) as saved:
        qtbot.mouseClick(workspace.chart.save_button, Qt.MouseButton.LeftButton)
    first = saved.args[0]
    wait_idle(qtbot, workspace)
    assert "Saved as chart" in workspace.chart.chart_status.text()
    assert not workspace.chart.save_button.isEnabled()
    with Case.open(demo_path, read_only=True) as case:
        (chart,) = works.list_charts(case, item_id=PORTRAIT_OUTPUT)
        assert chart.id == first and chart.work_id == PORTRAIT_WORK
        assert [e["description"] for e in chart.elements] == [
            "Star-core emblem on the chest", "Visor eyes", "Crest fins"]  # fmt: skip
        assert [e["n"] for e in chart.elements] == [1, 2, 3]
        assert chart.elements[1]["original"]["shape"] == "ellipse"
        assert chart.metrics["band"] == "high" and chart.metrics["score"] == record["score"]
        assert len(chart.metrics["metrics"]) == 7
    # Edit and save again: a new chart that supersedes the first.
    workspace.chart.element_table.setCurrentIndex(model.index(1, 1))
    workspace.chart.delete_element()
    with qtbot.waitSignal(workspace.chart_saved, timeout=30_000) as saved_again:
        assert workspace.save_chart()
    wait_idle(qtbot, workspace)
    second = saved_again.args[0]
    assert f"replacing chart {first}" in workspace.chart.chart_status.text()
    with Case.open(demo_path, read_only=True) as case:
        (chart,) = works.list_charts(case, item_id=PORTRAIT_OUTPUT)
        assert chart.id == second and chart.supersedes == first and len(chart.elements) == 2
        actions = [r[0] for r in case.conn.execute("SELECT action FROM events ORDER BY seq")]
        assert actions[-2:] == ["chart.saved", "chart.revised"]
        assert verify_case(case).intact  # the evidence is untouched


def test_a_saved_chart_comes_back_when_the_pair_is_opened_again(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession]
) -> None:
    with Case.open(demo_path) as case:
        works.save_chart(case, work_id=PORTRAIT_WORK, item_id=PORTRAIT_OUTPUT, title="Portrait chart",
                         metrics={"band": "high"},
                         elements=[{"description": "Visor", "original": {"shape": "rect", "x": 0.3,
                                    "y": 0.3, "w": 0.2, "h": 0.1}}])  # fmt: skip
    workspace = open_workspace(qtbot, demo_path, sessions)
    show(qtbot, workspace, PORTRAIT_OUTPUT, PORTRAIT_WORK)
    assert workspace.chart.title_edit.text() == "Portrait chart"
    assert (
        workspace.chart.element_model.rowCount() == 1
        and workspace.chart.element_model.description(0) == "Visor"
    )
    assert (
        workspace.viewer.original_panel.element_count() == 1
        and workspace.viewer.output_panel.element_count() == 0
    )
    assert not workspace.chart.save_button.isEnabled()
    # Unsaved edits survive a look at another pair.
    workspace.chart.new_element("Crest")
    show(qtbot, workspace, 5)
    show(qtbot, workspace, PORTRAIT_OUTPUT, PORTRAIT_WORK)
    assert workspace.chart.element_model.rowCount() == 2 and workspace.chart.save_button.isEnabled()


def test_every_element_needs_a_description_before_the_chart_is_saved(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession]
) -> None:
    workspace = open_workspace(qtbot, demo_path, sessions)
    show(qtbot, workspace, PORTRAIT_OUTPUT, PORTRAIT_WORK)
    workspace.chart.mark_button.setChecked(True)
    drag(qtbot, workspace.viewer.original_panel, (0.2, 0.2), (0.4, 0.4))  # creates an element
    assert workspace.chart.element_model.rowCount() == 1
    assert not workspace.save_chart()
    assert "no description" in workspace.chart.chart_status.text()
    with Case.open(demo_path, read_only=True) as case:
        assert works.list_charts(case) == []


def test_a_read_only_case_shows_comparisons_but_cannot_save_charts(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession]
) -> None:
    workspace = open_workspace(qtbot, demo_path, sessions, read_only=True)
    show(qtbot, workspace, PORTRAIT_OUTPUT, PORTRAIT_WORK)
    workspace.chart.new_element("Visor")
    assert not workspace.chart.save_button.isEnabled() and not workspace.save_chart()
    assert "read-only" in workspace.chart.save_button.toolTip()


def test_an_output_that_cannot_be_compared_shows_the_reason_not_a_score(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession]
) -> None:
    with Case.open(demo_path) as case:
        flat = io.BytesIO()
        Image.new("RGB", (300, 200), (90, 90, 200)).save(flat, "PNG")
        item = add_bytes(case, flat.getvalue(), Acquisition(source="https://ai.example/flat.png"))
    workspace = open_workspace(qtbot, demo_path, sessions)
    with qtbot.waitSignal(workspace.compared, timeout=60_000) as compared:
        workspace.show_item(item.item_id, 1)
    wait_idle(qtbot, workspace)
    assert compared.args[0]["score"] is None
    assert workspace.band_label.text() == "CANNOT COMPARE"
    assert "No score" in workspace.band_sentence.text()
    assert "flat colour" in workspace.metrics_view.toPlainText()
    assert "cannot be compared" in workspace.status_label.text()
    assert "Aligned points" not in workspace.metrics_view.toPlainText()


def test_a_case_without_works_says_how_to_add_them_and_compares_nothing(
    qtbot: QtBot, case_path: Path, sessions: list[CaseSession]
) -> None:
    workspace = open_workspace(qtbot, case_path, sessions)
    assert workspace.item_combo.count() > 0
    assert workspace.work_combo.count() == 0
    assert "no original works" in workspace.status_label.text()
    assert workspace.current_record() is None and not workspace.save_chart()


def test_the_workspace_reads_the_case_only_once_it_is_shown(
    qtbot: QtBot, demo_path: Path, sessions: list[CaseSession]
) -> None:
    session = CaseSession(demo_path)
    sessions.append(session)
    workspace = CompareWorkspace(session)
    qtbot.addWidget(workspace)
    assert workspace.item_combo.count() == 0 and not workspace.busy
    with qtbot.waitSignal(workspace.compared, timeout=60_000):
        workspace.show()
    wait_idle(qtbot, workspace)
    assert workspace.item_combo.count() >= 14 and workspace.current_record() is not None
