"""Save PNGs of the main views for the README: ``screenshots.py CASE OUTDIR``.

Works on a copy of CASE (verification and the like write custody events; the demo case is
left as it was), with throw-away settings and thumbnail folders, under any Qt platform
(``make screenshots`` uses ``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

WORK = Path(tempfile.mkdtemp(prefix="proofshot-shots-"))
os.environ["PROOFSHOT_CONFIG_DIR"] = str(WORK / "config")
os.environ["PROOFSHOT_CACHE_DIR"] = str(WORK / "cache")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PROOFSHOT_TSA_URLS", "")  # no network: the status bar shows the queue
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")  # root: app adds --no-sandbox

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.config import save_settings  # noqa: E402
from app.core import items  # noqa: E402
from app.core.case import Case  # noqa: E402
from app.gui.application import AppController, create_application  # noqa: E402
from app.gui.evidence_view import EvidencePane  # noqa: E402
from app.gui.main_window import MainWindow  # noqa: E402
from app.gui.start_window import remember_case  # noqa: E402

SIZE = (1440, 900)


def settle(app: QApplication, seconds: float, until: Callable[[], bool] | None = None) -> None:
    """Run the event loop until ``until()`` holds (or ``seconds`` pass), then paint."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if until is not None and until():
            break
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path}")


def idle(window: MainWindow) -> bool:
    return (
        not window.session.writer.busy and not window.session.pool.busy and window.thumbnails.idle
    )


def item_with_prompt(case_path: Path) -> int | None:
    """The first item whose file carries a generator prompt, preferably in Chinese."""
    with Case.open(case_path, read_only=True) as case:
        best = None
        for item in items.list_items(case, limit=500):
            prompt = item.provenance.get("prompt")
            if prompt:
                if any("\u4e00" <= ch <= "\u9fff" for ch in prompt):
                    return item.id
                best = best or item.id
        return best


def tamper_with_one_object(case_path: Path) -> int | None:
    """Append bytes to the original of the last item (the copy only); returns its id."""
    with Case.open(case_path, read_only=True) as case:
        found = items.list_items(case, order="i.id DESC", limit=1)
        if not found:
            return None
        target = case.objects.path_for(found[0].sha256)
    os.chmod(target, 0o644)
    with open(target, "ab") as handle:
        handle.write(b"altered after acquisition")
    return found[0].id


def save_workspaces(app: QApplication, window: MainWindow, case_path: Path, out: Path) -> None:
    """The capture browser on the local demo AI site, the compare board and the export dialog.

    Saved under names of their own (``workspace-*.png``, ``export-dialog.png``) so the PNGs
    other scripts make (``capture.png``, ``compare-*.png``, ``bundle-*.png``) are left alone.
    """
    from app.demo.site import DemoSite

    site = DemoSite()
    url = site.start()
    try:
        window.workspaces.setCurrentWidget(window.capture)
        workspace = window.capture.ensure_built()
        loaded: list[bool] = []
        workspace.pane.loadFinished.connect(loaded.append)  # type: ignore[attr-defined]
        # Its first (marker) page must finish, or a load asked for meanwhile can be lost.
        settle(app, 30.0, lambda: bool(loaded))
        workspace.load(url + "/")  # type: ignore[attr-defined]
        settle(app, 30.0, lambda: len(loaded) >= 2)
        settle(app, 3.0)
        workspace.pane.request_repaint()  # type: ignore[attr-defined]
        settle(app, 1.0)
        save(window, out, "workspace-capture")
    finally:
        site.stop()

    output = first_output(case_path)
    if output is not None:
        window.workspaces.setCurrentWidget(window.compare)
        window.compare.show_item(output)
        settle(app, 30.0, lambda: idle(window) and not window.compare.busy)
        settle(app, 1.0)
        save(window, out, "workspace-compare")

    window.show_evidence(EvidencePane.GRID)
    dialog = window.export_bundle()
    if dialog is not None:
        dialog.language.setCurrentIndex(dialog.language.findData("en+zh"))
        settle(app, 0.5)
        settle(app, 30.0, lambda: idle(window) and dialog.preview.rowCount() > 0)
        settle(app, 0.5)
        save(dialog, out, "export-dialog")
        dialog.close()


def first_output(case_path: Path) -> int | None:
    """The first generated image in the case that is not an original work."""
    with Case.open(case_path, read_only=True) as case:
        for item in items.list_items(case, limit=100):
            if item.kind == "imported-file":
                return item.id
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    source, out = Path(argv[0]), Path(argv[1])
    if not (source / "case.sqlite").is_file():
        print(f"No Proofshot case at {source}; build one first (make demo).", file=sys.stderr)
        shutil.rmtree(WORK, ignore_errors=True)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    case_path = WORK / source.name
    shutil.copytree(source, case_path, ignore=shutil.ignore_patterns("case.lock", "exports"))
    save_settings({"operator": "Alice Analyst", "organisation": "Acme Legal"})
    remember_case(case_path)

    app, languages = create_application()
    controller = AppController(app, languages)
    controller.start.resize(900, 560)
    controller.show_start()
    settle(app, 0.5)
    save(controller.start, out, "start-screen")

    if not controller.open_case(case_path):
        raise SystemExit(f"cannot open {case_path}")
    window = controller.window
    assert window is not None
    window.resize(*SIZE)
    settle(app, 1.0)
    settle(app, 20.0, lambda: idle(window))
    save(window, out, "grid")

    target = item_with_prompt(case_path)
    if target is not None:
        window.evidence.select_item(target)
        settle(app, 10.0, lambda: idle(window))
        save(window, out, "inspector-prompt")

    window.show_evidence(EvidencePane.TABLE)
    settle(app, 10.0, lambda: idle(window))
    save(window, out, "table")
    window.show_evidence(EvidencePane.GRID)

    window.verify_case()
    settle(app, 60.0, lambda: window.verification.last_report is not None)
    dialog = window.verification.result_dialog
    if dialog is not None:
        settle(app, 0.5)
        save(dialog, out, "verify-result")
        dialog.close()
    # Tamper with one original in this throw-away copy to show what "broken" looks like.
    victim = tamper_with_one_object(case_path)
    if victim is not None:
        window.verification.last_report = None
        window.verify_case()
        settle(app, 60.0, lambda: window.verification.last_report is not None)
        if window.verification.result_dialog is not None:
            settle(app, 0.5)
            save(window.verification.result_dialog, out, "verify-broken")
            window.verification.result_dialog.close()

    save_workspaces(app, window, case_path, out)

    window.show_custody_log()
    window.custody.table.selectRow(0)
    settle(app, 0.5)
    save(window, out, "custody-log")

    settings = controller.open_settings(window)
    settle(app, 0.5)
    save(settings, out, "settings")
    settings.tabs.setCurrentIndex(1)
    settle(app, 0.3)
    save(settings, out, "settings-trusted-time")
    settings.reject()

    controller.set_language("zh_CN")
    window.show_evidence(EvidencePane.GRID)
    if target is not None:
        window.evidence.select_item(target)
    settle(app, 10.0, lambda: idle(window) and window.workspaces.tabText(0) == "证据")
    save(window, out, "chinese-ui")
    controller.start.resize(900, 560)
    controller.show_start()
    settle(app, 0.5)
    save(controller.start, out, "start-screen-zh")
    controller.set_language("en")

    window.captures.delay_ms = 0
    window.captures.start("full-screen")
    settle(app, 5.0, lambda: window.captures.dialog is not None)
    if window.captures.dialog is not None:
        window.captures.dialog.prompt.setPlainText("生成奥特曼 (typed in by hand)")
        settle(app, 0.3)
        save(window.captures.dialog, out, "capture-dialog")
        window.captures.dialog.reject()

    controller.close_case(show_start=False)
    controller.start.close()
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
