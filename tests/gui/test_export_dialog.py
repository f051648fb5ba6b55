"""The export dialog: its preview lists the bundle's exhibits and Export writes the bundle.

The demo-like case from ``tests/report/builders.py`` is exported through the dialog's own
path (options from its widgets, the job on the session's writer thread, progress, summary).
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.report.model import ExportOptions, build_bundle
from tests.gui.helpers import wait_idle
from tests.report.builders import build_demo_case


def _demo_case(tmp_path: Path) -> Path:
    path = tmp_path / "Demo.proofshot"
    build_demo_case(path)["case"].close()
    return path


def test_export_dialog_previews_the_exhibits_and_exports_a_filing_pdf_logged_in_custody(
    controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    path = _demo_case(tmp_path)
    assert controller.open_case(path)  # type: ignore[attr-defined]
    window = controller.window  # type: ignore[attr-defined]
    wait_idle(qtbot, window)
    dialog = window.export_bundle()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.preview.rowCount() > 0, timeout=30000)
    expected = build_bundle(window.session.view, ExportOptions())
    assert dialog.preview.rowCount() == len(expected.exhibits)
    assert dialog.preview.item(0, 2).text() == expected.exhibits[0].title
    assert dialog.export_button.isEnabled()

    dialog.profile.setCurrentIndex(dialog.profile.findData("filing"))
    dialog.paper.setCurrentIndex(dialog.paper.findData("a4"))
    dialog.bates.setText("STAR")
    with qtbot.waitSignal(dialog.exported, timeout=120000) as blocker:
        assert dialog.start_export() is not None
        assert dialog.progress is not None
    result = blocker.args[0]
    assert result.filing and all(p.suffix == ".pdf" and p.stat().st_size > 0 for p in result.filing)
    assert dialog.progress is None
    assert isinstance(dialog.summary, QMessageBox)
    assert dialog.summary.findChild(object, "exportOpenFolder") is not None
    assert dialog.output_folder(result) == result.filing[0].parent.parent
    wait_idle(qtbot, window)
    row = window.session.view.conn.execute(
        "SELECT payload FROM events WHERE action = 'export.created' ORDER BY seq DESC"
    ).fetchone()
    assert row is not None
    facts = json.loads(row[0])["facts"]
    assert facts["options"]["profile"] == "filing"
    assert facts["options"]["paper"] == "a4"
    assert facts["options"]["bates_prefix"] == "STAR"
    assert any(f["path"].endswith(".pdf") for f in facts["files"])
    dialog.summary.close()
    dialog.close()


def test_export_dialog_refuses_an_invalid_bates_prefix_with_the_core_sentence(
    controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    path = _demo_case(tmp_path)
    assert controller.open_case(path)  # type: ignore[attr-defined]
    window = controller.window  # type: ignore[attr-defined]
    dialog = window.export_bundle()
    qtbot.waitUntil(lambda: dialog.preview.rowCount() > 0, timeout=30000)
    dialog.bates.setText("no spaces allowed")
    dialog.refresh_preview()
    qtbot.waitUntil(lambda: bool(dialog.preview_error), timeout=10000)
    assert "Bates prefix" in dialog.preview_error
    assert not dialog.export_button.isEnabled()
    assert dialog.start_export() is None
    wait_idle(qtbot, window)
    count = window.session.view.conn.execute(
        "SELECT COUNT(*) FROM events WHERE action = 'export.created'"
    ).fetchone()[0]
    assert count == 0
    window.findChild(QMessageBox).close()
    dialog.close()
