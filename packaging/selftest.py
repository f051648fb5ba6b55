"""``proofshot --self-test``: check an installed bundle without opening a case.

What it proves, each as a named check with a pass/fail line:

- ``identity``: the bundle's files still match the build's ``build-identity.json``
  (re-hashes every file; a changed, missing or added file fails);
- ``resources``: the fonts, translations, icons and demo data the app looks for are there;
- ``window``: the app's own start window opens (the real ``AppController``);
- ``webengine``: a QWebEngineView renders a page in a separate QtWebEngineProcess and runs
  JavaScript, with ICU data loaded (a Chinese month name formats correctly);
- ``export`` (with ``--export``): the demo case exported to a filing PDF and an archive
  package that the offline verifier accepts;
- ``keyring``: which OS keychain backend is active (reported, never a failure: a headless
  machine has none, and the app then says so itself).

Qt's critical and fatal messages fail the run; its warnings are listed. The window stays up
for ``--seconds`` so start-up work that runs after the first paint gets a chance to fail.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_STARTED = time.monotonic()

# Resource folders the running app looks up (relative to the bundle's module root, which is
# sys._MEIPASS when frozen and the repository when run from source).
RESOURCE_DIRS = (
    "resources/fonts",
    "resources/translations",
    "resources/icons",
    "resources/demo",
    "app/demo/static",
)

PROBE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>proofshot-self-test</title>
</head><body><p id="p">Proofshot 自检</p></body></html>"""

# Runs inside the renderer: the title proves the page loaded, the month name proves ICU data
# (icudtl.dat) is present, the arithmetic proves V8 runs.
PROBE_SCRIPT = """JSON.stringify({
  title: document.title,
  text: document.getElementById('p').textContent,
  month: new Intl.DateTimeFormat('zh-CN', {month: 'long'}).format(new Date(2024, 0, 15)),
  sum: [1, 2, 3, 4].reduce((a, b) => a + b, 0),
  agent: navigator.userAgent
})"""


def module_root() -> Path:
    """Where the app's modules and resources live: the bundle's internal folder, or the repo."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parents[1]


class Report:
    """Named checks with a verdict and detail; printed as text or JSON."""

    def __init__(self) -> None:
        self.checks: list[dict[str, Any]] = []
        self.qt_messages: list[dict[str, str]] = []

    def add(self, name: str, ok: bool, detail: Any) -> None:
        self.checks.append({"check": name, "ok": ok, "detail": detail})

    @property
    def ok(self) -> bool:
        fatal = any(m["level"] in {"critical", "fatal"} for m in self.qt_messages)
        return all(c["ok"] for c in self.checks) and not fatal

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": self.checks, "qt_messages": self.qt_messages}

    def text(self) -> str:
        lines = []
        for c in self.checks:
            detail = c["detail"]
            if isinstance(detail, dict):
                detail = ", ".join(f"{k}={v}" for k, v in detail.items())
            lines.append(f"{'PASS' if c['ok'] else 'FAIL'} {c['check']}: {detail}")
        for m in self.qt_messages:
            lines.append(f"qt {m['level']}: {m['message']}")
        lines.append("SELF-TEST PASSED" if self.ok else "SELF-TEST FAILED")
        return "\n".join(lines)


def check_identity(report: Report) -> None:
    from app.core.identity import verify_code, version_report

    facts = version_report(verify=False)
    check = verify_code()
    report.add(
        "identity",
        check.ok,
        {
            "version": facts["version"],
            "code_sha256": facts["code_sha256"],
            "scope": facts["code_scope"],
            "check": check.summary(),
        },
    )


def check_resources(report: Report) -> None:
    root = module_root()
    counts = {}
    missing = []
    for rel in RESOURCE_DIRS:
        folder = root / rel
        files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
        counts[rel] = len(files)
        if not files:
            missing.append(rel)
    detail: dict[str, Any] = {"files": counts}
    if missing:
        detail["missing"] = missing
    report.add("resources", not missing, detail)


def check_export(report: Report) -> None:
    """Build the demo case, export its court bundle and verify the archive, in a temp folder.

    The whole report path of the installed build: the demo data, ReportLab with the bundled
    fonts, pikepdf, the archive package and the offline verifier. No timestamp authority is
    asked (``tsas=[]``), so this runs offline and sends nothing anywhere.
    """
    from app.demo.case_builder import build_demo_case
    from app.report.export import ExportJob
    from app.report.model import ExportOptions
    from app.report.verify_bundle import UNANCHORED, verify_bundle

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="proofshot-self-test-") as tmp:
        case_path = Path(tmp) / "SelfTest.proofshot"
        with build_demo_case(case_path, operator="Proofshot self-test"):
            pass
        options = ExportOptions(out=Path(tmp) / "export")
        result = ExportJob(case_path, options, tsas=[], actor="Proofshot self-test").run()
        pdfs_ok = bool(result.filing) and all(p.read_bytes()[:5] == b"%PDF-" for p in result.filing)
        checked = [verify_bundle(t) for t in (result.archive_folder, result.archive_zip) if t]
        # No TSA is asked here, so the best verdict is INTACT, UNANCHORED: the files agree
        # with the export's list, and nothing outside the bundle anchors it.
        ok = (
            result.intact
            and pdfs_ok
            and bool(checked)
            and all(c.verdict == UNANCHORED and not c.problems for c in checked)
        )
        detail: dict[str, Any] = {
            "exhibits": result.exhibits,
            "pages": result.pages,
            "filing_pdfs": len(result.filing),
            "verified": ", ".join(
                f"{c.kind} ({c.files_checked} files): {c.verdict}" for c in checked
            ),
            "seconds": round(time.monotonic() - started, 1),
        }
        problems = [p for c in checked for p in c.problems]
        if problems:
            detail["problems"] = problems[:5]
        report.add("export", ok, detail)


def check_keyring(report: Report) -> None:
    try:
        import keyring

        backend = keyring.get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
    except Exception as exc:  # reported, not fatal: see the module docstring
        name = f"unavailable ({exc})"
    report.add("keyring", True, {"backend": name})


def run_qt_checks(
    report: Report, seconds: float, timeout: float, screenshots: Path | None = None
) -> None:
    """Open the real start window and a QWebEngineView; wait for both, then linger."""
    # QtWebEngine must be imported before the QApplication exists.
    import shiboken6
    from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
    from PySide6.QtWebEngineWidgets import QWebEngineView

    levels = {
        QtMsgType.QtDebugMsg: "debug",
        QtMsgType.QtInfoMsg: "info",
        QtMsgType.QtWarningMsg: "warning",
        QtMsgType.QtCriticalMsg: "critical",
        QtMsgType.QtFatalMsg: "fatal",
    }

    def on_message(kind: QtMsgType, context: object, message: str) -> None:
        level = levels.get(kind, "warning")
        if level in {"warning", "critical", "fatal"}:
            report.qt_messages.append({"level": level, "message": message})

    qInstallMessageHandler(on_message)

    from app.gui.application import AppController, create_application

    app, languages = create_application([])
    controller = AppController(app, languages)
    controller.show_start()
    window_seconds = time.monotonic() - _STARTED
    shown = controller.start.isVisible()
    report.add(
        "window",
        shown,
        {"title": controller.start.windowTitle(), "seconds_since_start": round(window_seconds, 2)},
    )

    profile = QWebEngineProfile()  # no storage name: off the record, nothing written to disk
    view = QWebEngineView()
    page = QWebEnginePage(profile, view)
    view.setPage(page)
    view.resize(640, 400)
    view.show()
    outcome: dict[str, Any] = {}

    def finish() -> None:
        app.quit()

    def on_script(result: object) -> None:
        outcome["script"] = result
        outcome["renderer_pid"] = page.renderProcessPid()
        outcome["seconds_since_start"] = round(time.monotonic() - _STARTED, 2)
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)
            controller.start.grab().save(str(screenshots / "start-window.png"))
            view.grab().save(str(screenshots / "webengine-view.png"))
        QTimer.singleShot(int(seconds * 1000), finish)

    def on_loaded(ok: bool) -> None:
        outcome["loaded"] = ok
        if not ok:
            finish()
            return
        page.runJavaScript(PROBE_SCRIPT, 0, on_script)

    page.loadFinished.connect(on_loaded)
    page.setHtml(PROBE_PAGE)
    QTimer.singleShot(int(timeout * 1000), finish)
    app.exec()

    script: dict[str, Any] = {}
    if isinstance(outcome.get("script"), str):
        try:
            script = json.loads(outcome["script"])
        except ValueError:
            script = {}
    web_ok = (
        outcome.get("loaded") is True
        and script.get("title") == "proofshot-self-test"
        and script.get("text") == "Proofshot 自检"
        and script.get("month") == "一月"
        and script.get("sum") == 10
        and int(outcome.get("renderer_pid") or 0) > 0
    )
    detail: dict[str, Any] = {
        "loaded": outcome.get("loaded"),
        "renderer_pid": outcome.get("renderer_pid"),
        "icu_month_zh": script.get("month"),
        "seconds_since_start": outcome.get("seconds_since_start"),
    }
    if not web_ok:
        detail["script_result"] = outcome.get("script")
    report.add("webengine", web_ok, detail)
    # The page must go before its profile, or Qt warns that the profile outlived nothing.
    controller.start.close()
    shiboken6.delete(page)
    shiboken6.delete(view)
    shiboken6.delete(profile)


CHECKS: tuple[Callable[[Report], None], ...] = (check_identity, check_resources, check_keyring)


def run_self_test(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="proofshot --self-test", description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="keep the window up this long")
    parser.add_argument("--timeout", type=float, default=60.0, help="give up on Qt after this")
    parser.add_argument("--no-window", action="store_true", help="skip the window and WebEngine")
    parser.add_argument(
        "--export",
        action="store_true",
        help="also build the demo case, export its bundle and verify it (takes a while)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--screenshot", type=Path, metavar="DIR", help="save the window and the page as PNGs"
    )
    args = parser.parse_args(argv)
    report = Report()
    checks = [*CHECKS, check_export] if args.export else list(CHECKS)
    for check in checks:
        try:
            check(report)
        except Exception as exc:  # a broken bundle must give a report, not a traceback
            report.add(check.__name__.removeprefix("check_"), False, f"{type(exc).__name__}: {exc}")
    if not args.no_window:
        try:
            run_qt_checks(report, args.seconds, args.timeout, args.screenshot)
        except Exception as exc:
            report.add("qt", False, f"{type(exc).__name__}: {exc}")
    sys.stdout.write(
        (json.dumps(report.as_dict(), indent=2, ensure_ascii=False) if args.json else report.text())
        + "\n"
    )
    sys.stdout.flush()
    return 0 if report.ok else 1


if __name__ == "__main__":
    # From source: `python packaging/selftest.py` checks the development tree the same way.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(run_self_test(sys.argv[1:]))
