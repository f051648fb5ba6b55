"""The blind review panel: outputs beside the works, no prompt, arm or score; answers are
insert-only rows with the reviewer and the time (offscreen Qt, loopback API and TSA)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.capture.study import freeze, init_study, parse_protocol, run_study
from app.core import attest
from app.core.case import Case
from app.gui.session import CaseSession
from app.gui.study import StudyReviewPanel
from tests.study.helpers import (
    CREDENTIAL,
    PROMPTS,
    add_study_works,
    fast_settings,
    protocol_toml,
    study_server,
)
from tests.tsa_server import TsaServer

pytestmark = pytest.mark.qt


def test_blind_review_shows_no_prompt_arm_or_score_and_records_each_answer(
    qtbot: QtBot, tmp_path: Path, tsa_server: TsaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    path = tmp_path / "Review.proofshot"
    with study_server() as server, Case.create(path, title="Review", operator="Op") as case:
        add_study_works(case, tmp_path)
        attest.add_trust_anchors(case, tsa_server.ca_pem)
        data = protocol_toml(server.url, tries=1)
        study = init_study(case, parse_protocol(data), data, "p.toml")
        assert freeze(case, study).token_time
        assert run_study(case, study, lambda u, n: CREDENTIAL, fast_settings()).complete
    session = CaseSession(path)
    panel = StudyReviewPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    panel.reviewer.setText("Rita Reviewer")
    panel.start_button.click()
    forbidden = [text for _, text in PROMPTS.values()] + [
        "named",
        "descriptive",
        "control",
        "high",
        "medium",
        "low",
        "score",
    ]
    answers = ["similar", "not_similar", "unsure", "similar", "not_similar"]
    for n, answer in enumerate(answers):
        assert panel.current is not None
        shown = " ".join(panel.visible_texts()).lower()
        assert panel.current.label in " ".join(panel.visible_texts())
        for word in forbidden:
            assert word.lower() not in shown, word
        assert not panel.output_image.pixmap().isNull()
        assert panel.works_box.count() == 2  # the two candidate works beside the output
        panel.note.setText("cape" if answer == "similar" else "")
        panel.buttons[answer].click()
        qtbot.waitUntil(lambda n=n: panel.done == n + 1, timeout=10000)
    assert panel.current is None and "5" in panel.status.text()
    rows = session.view.conn.execute(
        "SELECT reviewer, answer, note, reviewed_at FROM study_reviews ORDER BY id"
    ).fetchall()
    assert [r[1] for r in rows] == answers
    assert {r[0] for r in rows} == {"Rita Reviewer"} and all(r[3] for r in rows)
    assert rows[0][2] == "cape"
    # Starting again as the same reviewer: nothing left; a second reviewer gets all five.
    panel.start_button.click()
    assert panel.current is None
    panel.reviewer.setEnabled(True)
    panel.reviewer.setText("Sam Second")
    panel.start_button.click()
    assert panel.current is not None and len(panel.queue) == 4
    session.close()


def test_review_pictures_are_decoded_scaled_in_the_pool_with_a_placeholder_meanwhile(
    qtbot: QtBot, tmp_path: Path, tsa_server: TsaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No full-size decode on the GUI thread: a grey square first, the scaled picture later."""
    import threading

    from app.gui.study import review_panel

    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    path = tmp_path / "Pictures.proofshot"
    with study_server() as server, Case.create(path, title="Pictures", operator="Op") as case:
        add_study_works(case, tmp_path)
        attest.add_trust_anchors(case, tsa_server.ca_pem)
        data = protocol_toml(server.url, tries=1)
        study = init_study(case, parse_protocol(data), data, "p.toml")
        assert freeze(case, study).token_time
        assert run_study(case, study, lambda u, n: CREDENTIAL, fast_settings()).complete
    decoded_on: list[threading.Thread] = []
    release = threading.Event()
    real = review_panel.decode_limited

    def held_decode(source: Path, max_side: int) -> object:
        decoded_on.append(threading.current_thread())
        release.wait(10)  # hold the pool until the placeholder has been seen
        return real(source, max_side)

    monkeypatch.setattr(review_panel, "decode_limited", held_decode)
    session = CaseSession(path)
    panel = StudyReviewPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    panel.reviewer.setText("Rita Reviewer")
    panel.start_button.click()
    assert panel.current is not None
    placeholder = panel.output_image.pixmap().toImage()
    assert panel.output_image.property("loading") is True
    assert placeholder.width() == review_panel.IMAGE_SIDE
    assert placeholder.pixelColor(5, 5) == review_panel.PLACEHOLDER_COLOUR
    release.set()
    qtbot.waitUntil(lambda: panel.output_image.property("loading") is False, timeout=10000)
    shown = panel.output_image.pixmap()
    assert not shown.isNull() and max(shown.width(), shown.height()) <= review_panel.IMAGE_SIDE
    assert shown.toImage().pixelColor(5, 5) != review_panel.PLACEHOLDER_COLOUR
    assert len(decoded_on) == 3  # the output and its two works
    assert all(t is not threading.main_thread() for t in decoded_on)
    # A picture over the pixel limit is refused with a sentence, not decoded.
    monkeypatch.setattr(
        review_panel, "decode_limited", lambda source, side: real(source, side, max_pixels=10)
    )
    panel.buttons["unsure"].click()
    qtbot.waitUntil(lambda: panel.done == 1, timeout=10000)
    qtbot.waitUntil(lambda: panel.output_image.property("loading") is False, timeout=10000)
    assert "too large" in panel.output_image.text()
    session.pool.wait(10)
    session.close()
