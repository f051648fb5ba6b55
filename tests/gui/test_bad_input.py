"""Cases that cannot be opened for changes: one clear dialog, and nothing written."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.core import schema
from app.core.case import Case
from app.core.verify import verify_case
from tests.core.helpers import png_bytes, write
from tests.core.mounts import remount_read_only, tmpfs
from tests.gui.helpers import REPO, build_case, wait_idle


def _fingerprint(path: Path) -> dict[str, str]:
    """Every file of the case folder and its SHA-256: "nothing written" made checkable."""
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture
def holder(case_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another Proofshot process holding the case open for writing."""
    code = (
        "import sys\nfrom app.core.case import Case\n"
        "case = Case.open(sys.argv[1])\nprint('ready', flush=True)\nsys.stdin.read()\ncase.close()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(case_path)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield proc
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)


def test_missing_case_folder_shows_a_clear_dialog(
    controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    missing = tmp_path / "Gone.proofshot"
    controller.show_start()
    assert not controller.open_case(missing)
    box = controller.last_message
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.objectName() == "openCaseError"
    assert "No Proofshot case found" in box.text() and str(missing) in box.text()
    assert "removable drive" in box.informativeText()
    assert controller.window is None
    assert not missing.exists()  # nothing created


def test_case_locked_by_another_proofshot_is_refused_and_can_open_read_only(
    controller: object, qtbot: QtBot, case_path: Path, holder: subprocess.Popen[str]
) -> None:
    before = _fingerprint(case_path)
    controller.show_start()
    assert not controller.open_case(case_path)
    box = controller.last_message
    assert box.objectName() == "openCaseReadOnlyOffer"
    assert "open in another Proofshot" in box.text()
    assert "Nothing was written" in box.informativeText()
    assert _fingerprint(case_path) == before
    box.button(QMessageBox.StandardButton.Open).click()
    window = controller.window
    assert window is not None and window.session.read_only
    assert window.model.rowCount() == 6
    assert not window.act_import_files.isEnabled()
    assert not window.act_capture_region.isEnabled()
    assert "READ-ONLY" in window.status_mode.text()
    window.evidence.select_item(1)
    assert not window.inspector.tag_input.isEnabled()
    wait_idle(qtbot, window)
    assert _fingerprint(case_path) == before


def test_case_from_a_newer_schema_is_refused_without_writing(
    controller: object, qtbot: QtBot, case_path: Path
) -> None:
    conn = sqlite3.connect(case_path / "case.sqlite")
    conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION + 3}")
    conn.commit()
    conn.close()
    before = _fingerprint(case_path)
    controller.show_start()
    assert not controller.open_case(case_path)
    box = controller.last_message
    assert box.objectName() == "openCaseError"
    assert "newer Proofshot" in box.text()
    assert "Nothing was changed" in box.informativeText()
    assert controller.window is None
    assert _fingerprint(case_path) == before


def test_case_on_read_only_media_offers_read_only_and_verifies_without_logging(
    controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "media", "16m") as mount:
        path = build_case(mount / "Ro.proofshot", count=3)
        remount_read_only(mount)
        before = _fingerprint(path)
        controller.show_start()
        assert not controller.open_case(path)
        box = controller.last_message
        assert box.objectName() == "openCaseReadOnlyOffer"
        assert "read-only" in box.text()
        box.button(QMessageBox.StandardButton.Open).click()
        window = controller.window
        assert window is not None and window.session.read_only
        window.verify_case()
        qtbot.waitUntil(lambda: window.verification.last_report is not None, timeout=20000)
        assert window.verification.last_report.intact
        assert "not logged" in window.verification.result_dialog.details.text()
        controller.close_case(show_start=False)
        assert _fingerprint(path) == before


def test_a_folder_that_is_not_a_case_database_is_reported_as_damaged(
    controller: object, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "Bad.proofshot"
    path.mkdir()
    (path / "case.sqlite").write_bytes(b"not a database" * 64)
    controller.show_start()
    assert not controller.open_case(path)
    assert "cannot be read" in controller.last_message.text()
    assert (path / "case.sqlite").read_bytes() == b"not a database" * 64


def test_closing_the_window_while_an_import_runs_keeps_the_case_consistent(
    controller: object, qtbot: QtBot, case_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    for i in range(40):
        write(folder / f"{i:03}.png", png_bytes((i, 200, 30), (50, 40)))
    assert controller.open_case(case_path)
    controller.window.imports.import_paths([folder])
    controller.close_case()  # cancels, waits for the writer, then closes
    with Case.open(case_path) as case:
        assert verify_case(case).intact
