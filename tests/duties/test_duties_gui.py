"""The Duties view over a real capture of the demo site: checklist shown, check recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.demo.site import DemoSite
from tests.duties.test_duties_demo import generate

pytestmark = pytest.mark.qt


def test_duties_view_shows_the_checklist_and_records_a_check(
    qtbot: QtBot, demo_site: DemoSite, case_path: Path, tmp_path: Path
) -> None:
    from app.core.case import Case
    from app.gui.duties import DutiesView
    from app.gui.session import CaseSession

    generate(demo_site, case_path, "生成星光侠", "#results img")
    session = CaseSession(case_path)
    try:
        view = DutiesView(session)
        qtbot.addWidget(view)
        view.resize(1200, 520)
        view.show()
        view.refresh()
        qtbot.waitUntil(lambda: view.tree.topLevelItemCount() == 5, timeout=20000)
        host = demo_site.url.split("//")[1]
        assert view.platform.currentText() == host
        rows = {
            view.tree.topLevelItem(i).data(0, 0x0100): view.tree.topLevelItem(i).text(1)
            for i in range(5)
        }
        assert rows == {
            "complaint": "present",
            "terms": "not checked",  # linked from the page, not captured
            "explicit-label": "partial",
            "implicit-label": "partial",
            "keyword-filter": "absent",  # the one prompt was generated, nothing refused
        }
        view.grab().save(str(tmp_path / "duties-view.png"))
        view.record_check()
        qtbot.waitUntil(lambda: "1 recorded" in view.status.text(), timeout=20000)
        with Case.open(case_path, read_only=True) as case:
            (row,) = case.conn.execute("SELECT platform, findings FROM duty_checks").fetchall()
        assert row[0] == host
        assert {f["duty"]: f["finding"] for f in json.loads(row[1])} == rows
    finally:
        session.close()
