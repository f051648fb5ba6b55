"""PairViewer alone: the pictures of one pair in four views, linked zoom, points, regions.

A real pair built here: an original and the same picture at half size as the output, with
the alignment the engine would report for it (output -> original homography ``2x``, scale
0.5), decoded and blended by the real imaging code; no case, no engine run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.compare.case_matching import PairRequest
from app.gui.compare.pair_viewer import PairViewer, loaded_pair


@pytest.fixture
def pair(tmp_path: Path) -> tuple[PairRequest, dict]:
    original = Image.new("RGB", (400, 300), (240, 200, 160))
    draw = ImageDraw.Draw(original)
    draw.ellipse((120, 60, 280, 220), fill=(30, 60, 200))
    draw.rectangle((20, 20, 80, 80), fill=(200, 30, 30))
    original.save(tmp_path / "original.png")
    original.resize((200, 150)).save(tmp_path / "output.png")
    request = PairRequest(
        item_id=7,
        item_sha256="ab" * 32,
        item_path=tmp_path / "output.png",
        work_id=2,
        work_item_id=1,
        work_title="Blue Moon",
        work_registration="REG-1",
        work_sha256="cd" * 32,
        work_path=tmp_path / "original.png",
    )
    points_original = [[50.0, 50.0], [200.0, 140.0], [350.0, 250.0]]
    record = {
        "score": 0.99,
        "band": "high",
        "alignment": {
            "homography": [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]],
            "scale": 0.5,
            "points_original": points_original,
            "points_candidate": [[x / 2, y / 2] for x, y in points_original],
        },
    }
    return request, record


def _viewer(qtbot: QtBot, pair: tuple[PairRequest, dict]) -> PairViewer:
    viewer = PairViewer()
    qtbot.addWidget(viewer)
    viewer.resize(1000, 600)
    viewer.show()
    qtbot.waitExposed(viewer)
    request, record = pair
    viewer.set_request(request)
    assert (
        "Blue Moon" in viewer.original_caption.text() and "REG-1" in viewer.original_caption.text()
    )
    viewer.show_loaded(loaded_pair(request, record))
    return viewer


def test_the_pictures_are_shown_and_points_map_through_the_alignment(
    qtbot: QtBot, pair: tuple[PairRequest, dict]
) -> None:
    viewer = _viewer(qtbot, pair)
    assert viewer.original_panel.has_image() and viewer.output_panel.has_image()
    assert viewer.original_panel.stored_size == (400, 300)
    assert viewer.output_panel.stored_size == (200, 150)
    assert viewer.map_point("original", (100.0, 60.0)) == pytest.approx((50.0, 30.0))
    assert viewer.map_point("output", (50.0, 30.0)) == pytest.approx((100.0, 60.0))
    assert "item #7" in viewer.output_caption.text()


def test_linked_zoom_keeps_the_same_spot_and_unlinked_does_not(
    qtbot: QtBot, pair: tuple[PairRequest, dict]
) -> None:
    viewer = _viewer(qtbot, pair)
    left, right = viewer.original_panel, viewer.output_panel
    left.zoom_by(2.0)
    left.horizontalScrollBar().setValue(left.horizontalScrollBar().value() + 30)
    expected = viewer.map_point("original", left.centre_stored())
    tolerance = 3 / right.screen_per_stored()
    assert right.centre_stored() == pytest.approx(expected, abs=tolerance)
    assert right.screen_per_stored() == pytest.approx(left.screen_per_stored() * 2, rel=0.02)
    viewer.sync_check.setChecked(False)
    before = right.centre_stored()
    left.zoom_by(1.5)
    assert right.centre_stored() == pytest.approx(before)


def test_modes_switch_views_keep_their_own_amounts_and_are_announced(
    qtbot: QtBot, pair: tuple[PairRequest, dict]
) -> None:
    viewer = _viewer(qtbot, pair)
    seen: list[str] = []
    viewer.mode_changed.connect(seen.append)
    viewer.set_mode("overlay")
    assert viewer.stack.currentWidget() is viewer.blend_widget
    viewer.amount_slider.setValue(25)
    assert viewer.blend_view.warped_item.opacity() == pytest.approx(0.25)
    assert "engine's alignment" in viewer.blend_caption.text()
    viewer.set_mode("swipe")
    assert viewer.amount_slider.value() == 50
    viewer.set_mode("difference")
    assert not viewer.amount_slider.isVisible() and "Mean difference" in viewer.blend_caption.text()
    viewer.set_mode("overlay")
    assert viewer.amount_slider.value() == 25
    viewer.set_mode("side")
    assert viewer.stack.currentWidget() is viewer.pair_widget and viewer.sync_check.isVisible()
    assert seen == ["overlay", "swipe", "difference", "overlay", "side"]
    with pytest.raises(ValueError):
        viewer.set_mode("sideways")


def test_matched_points_are_shown_on_demand(qtbot: QtBot, pair: tuple[PairRequest, dict]) -> None:
    viewer = _viewer(qtbot, pair)
    assert not viewer.link_overlay.isVisible()
    viewer.points_check.setChecked(True)
    viewer.grab()
    assert viewer.link_overlay.isVisible() and len(viewer.link_overlay.pairs) == 3
    assert viewer.link_overlay.drawn > 0


def test_a_region_dragged_while_marking_is_announced_and_elements_are_drawn(
    qtbot: QtBot, pair: tuple[PairRequest, dict]
) -> None:
    viewer = _viewer(qtbot, pair)
    regions: list[tuple[str, dict]] = []
    viewer.region_drawn.connect(lambda side, region: regions.append((side, region)))
    viewer.set_marking(True, "ellipse")
    panel = viewer.output_panel
    viewport = panel.viewport()
    a = panel.mapFromScene(panel.fraction_to_scene(0.2, 0.2))
    b = panel.mapFromScene(panel.fraction_to_scene(0.6, 0.5))
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)
    assert len(regions) == 1
    side, region = regions[0]
    assert side == "output" and region["shape"] == "ellipse"
    assert region["x"] == pytest.approx(0.2, abs=0.01) and region["w"] == pytest.approx(
        0.4, abs=0.01
    )
    viewer.set_elements([{"description": "Moon", "output": region}], 0)
    assert viewer.output_panel.element_count() == 1 and viewer.original_panel.element_count() == 0


def test_the_split_units_keep_their_chinese_translations(qtbot: QtBot, case_path: Path) -> None:
    """Moving strings to PairViewer/ChartEditor moved their translations' context too."""
    from PySide6.QtCore import QCoreApplication, QTranslator

    from app.gui.compare.chart_editor import ChartEditor
    from app.gui.crash import CrashDialog
    from app.gui.i18n import qm_path
    from app.gui.session import CaseSession

    translator = QTranslator()
    assert translator.load(str(qm_path("zh_CN")))
    app = QCoreApplication.instance()
    app.installTranslator(translator)
    try:
        viewer = PairViewer()
        qtbot.addWidget(viewer)
        session = CaseSession(case_path)
        chart = ChartEditor(session)
        qtbot.addWidget(chart)
        crash = CrashDialog("details", Path("/tmp/proofshot.log"))
        qtbot.addWidget(crash)
        assert viewer.mode_buttons["side"].text() == "并排"
        assert viewer.points_check.text() == "匹配点"
        assert (
            chart.save_button.text() != "Save chart"
            and chart.title() != "Comparison chart (demonstrative)"
        )
        assert crash.copy_button.text() == "复制详细信息"
    finally:
        app.removeTranslator(translator)
    session.close()
