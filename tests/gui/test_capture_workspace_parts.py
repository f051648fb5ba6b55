"""The capture workspace's parts, each built on its own: the toolbar, the notice line, the
generations panel (over a real case with stored generations) and the capture thread.

The whole workspace (browser, recorder, demo site) is driven in
tests/capture/test_capture_workspace.py; these tests pin what each part shows and asks for.
"""

from __future__ import annotations

import io
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from pytestqt.qtbot import QtBot

from app.capture import store
from app.capture.generations import GenerationEvent, OutputImage
from app.core.case import Case
from app.gui.browser.access import GuiRelay, StandaloneAccess
from app.gui.browser.capture_thread import CaptureThread
from app.gui.browser.generations_panel import (
    GenerationsPanel,
    binding_label,
    corrections_html,
    short_time,
)
from app.gui.browser.toolbar import RECORDING_STYLE, CaptureToolbar, NoticeBar
from app.gui.i18n import qm_path

PROMPT = "生成星光侠, 长发 <b>not bold</b>"


def png(color: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "PNG")
    return buf.getvalue()


def event(colors: list[str], job: str) -> GenerationEvent:
    return GenerationEvent(
        prompt=PROMPT,
        negative_prompt="模糊",
        parameters={"seed": 1},
        request_url="http://127.0.0.1/api/generate",
        job_id=job,
        submitted_at=1_700_000_000.0,
        returned_at=1_700_000_001.5,
        binding="same-response",
        outputs=[
            OutputImage(png(c), f"http://127.0.0.1/images/{job}/{i}.png", "same-response", 1.0, {})
            for i, c in enumerate(colors)
        ],
        facts={"prompt_source": "json:prompt"},
    )


@pytest.fixture
def generations_case(tmp_path: Path) -> tuple[Path, list[int], list[int]]:
    """Two generations (two outputs, then one); the first confirmed by the operator."""
    path = tmp_path / "Gen.proofshot"
    with Case.create(path, operator="Ada Analyst") as case:
        first, outputs = store.store_generation(case, event(["red", "blue"], "j1"), session_id="s")
        second, _ = store.store_generation(case, event(["green"], "j2"), session_id="s")
        store.correct_generation(case, first, "confirm", "checked")
    return path, [first, second], outputs


# -- toolbar and notice ---------------------------------------------------------------------


def test_toolbar_enables_marks_and_shows_recording(qtbot: QtBot) -> None:
    bar = CaptureToolbar()
    qtbot.addWidget(bar)
    assert [bar.mark_box.itemData(i) for i in range(bar.mark_box.count())][:2] == ["", "terms"]
    assert not bar.mark_box.isEnabled()

    bar.set_controls(usable=False, recording=False, can_mark=False)
    assert not bar.record_button.isEnabled() and not bar.capture_button.isEnabled()
    assert not bar.account.isEnabled()
    bar.set_controls(usable=True, recording=True, can_mark=True)
    assert bar.record_button.isEnabled() and bar.capture_button.isEnabled()
    assert not bar.account.isEnabled()  # the account is fixed while a session records
    assert bar.mark_box.isEnabled()
    bar.set_controls(usable=True, recording=False, can_mark=False)
    assert bar.account.isEnabled() and not bar.mark_box.isEnabled()

    bar.set_recording_look(True)
    assert bar.record_button.text() == "■ Stop recording"
    assert bar.record_button.styleSheet() == RECORDING_STYLE
    bar.set_recording_look(False)
    assert bar.record_button.text() == "● Record" and bar.record_button.styleSheet() == ""

    bar.set_history(can_go_back=False, can_go_forward=True)
    assert not bar.back_button.isEnabled() and bar.forward_button.isEnabled()


def test_toolbar_asks_to_load_and_to_mark_and_unchecks_record_quietly(qtbot: QtBot) -> None:
    bar = CaptureToolbar()
    qtbot.addWidget(bar)
    bar.set_address("  https://ai.example/  ")
    with qtbot.waitSignal(bar.loadRequested) as load:
        bar.go_button.click()
    assert load.args == ["  https://ai.example/  "]  # the workspace strips it

    home = bar.mark_box.findData("home")
    with qtbot.waitSignal(bar.markChosen) as marked:
        bar.mark_box.activated.emit(home)
    assert marked.args == ["home"] and bar.mark_box.currentIndex() == 0
    with qtbot.assertNotEmitted(bar.markChosen):
        bar.mark_box.activated.emit(0)  # the "Mark last capture as…" heading

    toggles: list[bool] = []
    bar.record_button.setEnabled(True)
    bar.record_button.setChecked(True)
    bar.record_button.toggled.connect(toggles.append)
    bar.uncheck_record_quietly()
    assert not bar.record_button.isChecked() and toggles == []


def test_notice_bar_shows_html_and_opens_its_link_once(qtbot: QtBot) -> None:
    notice = NoticeBar()
    qtbot.addWidget(notice)
    assert notice.isHidden()
    notice.show_notice('Pop-up blocked. <a href="https://ai.example/x">Open here</a>')
    assert not notice.isHidden() and "Open here" in notice.text()
    with qtbot.waitSignal(notice.linkOpened) as opened:
        notice.linkActivated.emit("https://ai.example/x")
    assert opened.args == ["https://ai.example/x"] and notice.isHidden()


def test_toolbar_and_panel_keep_the_capture_workspace_translations(
    qtbot: QtBot, case_path: Path
) -> None:
    translator = QTranslator()
    assert translator.load(str(qm_path("zh_CN")))
    app = QCoreApplication.instance()
    app.installTranslator(translator)
    access = StandaloneAccess(case_path)
    try:
        bar = CaptureToolbar()
        qtbot.addWidget(bar)
        panel = GenerationsPanel(access)
        qtbot.addWidget(panel)
        assert bar.capture_button.text() == "立即取证"
        assert panel.confirm_button.text() == "确认关联"
        assert binding_label("none") != "no images came back"
    finally:
        app.removeTranslator(translator)
        access.close()


# -- generations panel ----------------------------------------------------------------------


def test_panel_on_an_empty_case_says_so_and_offers_no_review(qtbot: QtBot, case_path: Path) -> None:
    access = StandaloneAccess(case_path)
    try:
        panel = GenerationsPanel(access)
        qtbot.addWidget(panel)
        panel.refresh()
        assert panel.generation_list.count() == 0 and panel.selected_generation_id() is None
        assert "No generation recorded yet" in panel.generation_facts.text()
        assert not any(b.isEnabled() for b in panel.review_buttons())
        assert panel.problem_list.isHidden() and panel.problem_title.isHidden()
        panel.show_problems(["prompt 1 had no generation", "image x was not bound"])
        assert not panel.problem_list.isHidden() and panel.problem_list.count() == 2
        assert panel.problem_list.item(0).text() == "⚠ prompt 1 had no generation"
        panel.show_problems([])
        assert panel.problem_list.isHidden()
    finally:
        access.close()


def test_panel_lists_generations_newest_first_with_outputs_and_review(
    qtbot: QtBot, generations_case: tuple[Path, list[int], list[int]]
) -> None:
    path, (first, second), outputs = generations_case
    access = StandaloneAccess(path)
    try:
        panel = GenerationsPanel(access)
        qtbot.addWidget(panel)
        panel.refresh()
        rows = [panel.generation_list.item(r) for r in range(panel.generation_list.count())]
        assert [r.data(Qt.ItemDataRole.UserRole) for r in rows] == [second, first]
        assert panel.selected_generation_id() == second  # the newest, when nothing was chosen
        assert "✓" in rows[1].text() and "✓" not in rows[0].text()

        panel.refresh(select_id=first)
        assert panel.selected_generation_id() == first
        assert panel.prompt_view.toPlainText() == PROMPT  # verbatim, markup and all
        facts = panel.generation_facts.text()
        assert "Sent to: http://127.0.0.1/api/generate" in facts
        assert "&lt;b&gt;" not in facts and "Negative prompt: 模糊" in facts
        assert "Bound by: the prompt's own response named these images" in facts
        assert "Job id: j1" in facts and "2023-11-14 22:13:20 UTC" in facts
        assert panel.output_list.count() == 2
        ids = [
            panel.output_list.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(panel.output_list.count())
        ]
        assert ids == outputs and not panel.output_list.item(0).icon().isNull()
        assert "confirmed the binding “checked”" in panel.corrections_view.text()
        assert all(b.isEnabled() for b in panel.review_buttons())

        panel.refresh()  # keeps the chosen generation
        assert panel.selected_generation_id() == first
        panel.refresh(select_id=second)
        assert panel.corrections_view.text() == "Not yet reviewed by the operator."
    finally:
        access.close()


def test_panel_asks_for_corrections_it_does_not_write(
    qtbot: QtBot, generations_case: tuple[Path, list[int], list[int]]
) -> None:
    path, (first, _second), outputs = generations_case
    access = StandaloneAccess(path)
    try:
        panel = GenerationsPanel(access)
        qtbot.addWidget(panel)
        panel.refresh(select_id=first)
        with qtbot.waitSignal(panel.correctionRequested) as confirm:
            panel.confirm_button.click()
        assert confirm.args == ["confirm", ""]
        with qtbot.waitSignal(panel.message) as message:
            panel.remove_button.click()  # no output chosen yet
        assert message.args == ["Select the output to remove first."]
        panel.output_list.setCurrentRow(1)
        with qtbot.waitSignal(panel.correctionRequested) as remove:
            panel.remove_button.click()
        assert remove.args == ["remove-output", str(outputs[1])]
        dialog = panel._note_clicked()
        with qtbot.waitSignal(panel.correctionRequested) as note:
            dialog.textValueSelected.emit("typed twice")
        assert note.args == ["prompt-note", "typed twice"]
        with qtbot.assertNotEmitted(panel.correctionRequested):
            dialog.textValueSelected.emit("   ")
        dialog.close()
        add = panel._add_clicked()
        with qtbot.waitSignal(panel.correctionRequested) as added:
            add.intValueSelected.emit(42)
        assert added.args == ["add-output", "42"]
        add.close()
        # Nothing was written: the panel only asks.
        assert len(store.list_generations(access.view)[0].corrections) == 1
    finally:
        access.close()


def test_review_text_helpers() -> None:
    assert short_time(None) == "–"
    assert short_time("2026-12-07T22:10:00.123456Z") == "2026-12-07 22:10:00 UTC"
    assert binding_label("time-window").endswith("please review")
    assert binding_label("something-new") == "something-new"


# -- capture thread -------------------------------------------------------------------------


def test_capture_thread_delivers_results_and_errors_on_the_gui_thread(qtbot: QtBot) -> None:
    relay = GuiRelay()
    errors: list[tuple[BaseException, str]] = []
    thread = CaptureThread(relay, lambda exc: errors.append((exc, threading.current_thread().name)))
    try:
        results: list[tuple[Any, str]] = []

        def work(x: int) -> tuple[int, str]:
            return x * 2, threading.current_thread().name

        future = thread.run(
            work, lambda r: results.append((r, threading.current_thread().name)), 21
        )
        qtbot.waitUntil(lambda: bool(results), timeout=5000)
        (value, worker), gui = results[0]
        assert value == 42 and worker.startswith("capture") and gui == "MainThread"
        assert future.result() == (42, worker)

        def boom() -> None:
            raise ValueError("the page went away")

        thread.run(boom, lambda _r: None)
        qtbot.waitUntil(lambda: bool(errors), timeout=5000)
        assert str(errors[0][0]) == "the page went away" and errors[0][1] == "MainThread"

        # The worker asks the GUI thread for something only Qt objects know, and waits.
        asked: Future[str] = thread.submit(
            lambda: thread.ask_gui(lambda: threading.current_thread().name, timeout=5)
        )
        CaptureThread.wait_pumping(asked, 5000)  # the GUI thread must keep turning meanwhile
        assert asked.result(timeout=0) == "MainThread"
    finally:
        thread.shutdown()


def test_corrections_html_lists_each_review_line() -> None:
    reviewed = store.GenerationView(
        id=1,
        capture_id=None,
        prompt="p",
        negative_prompt=None,
        parameters={},
        request_url="http://127.0.0.1/",
        job_id=None,
        submitted_at=None,
        returned_at=None,
        binding="none",
        facts={},
        recorded_outputs=[],
        outputs=[],
        corrections=[
            {"at_utc": "2026-12-07T10:00:00Z", "actor": "Ada", "action": "confirm", "value": ""},
            {
                "at_utc": "2026-12-07T10:01:00Z",
                "actor": "Ada",
                "action": "prompt-note",
                "value": "<i>x</i>",
            },
        ],
        confirmed=True,
    )
    text = corrections_html(reviewed)
    assert text.startswith("Operator review (kept beside the record):<br>")
    assert "2026-12-07 10:00:00 UTC · Ada · confirmed the binding" in text
    assert "noted on the prompt “&lt;i&gt;x&lt;/i&gt;”" in text
