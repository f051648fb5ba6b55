"""The house keeps its shape: the import-linter contracts in pyproject.toml hold.

``lint-imports`` (import-linter) checks the layers ``cli -> gui -> report | demo -> capture ->
compare -> core -> config`` (no ignored imports) and that core, capture, compare, report and config import no Qt.
``make lint`` runs the same command.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _lint_imports(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe), "--no-cache", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_the_import_contracts_are_kept() -> None:
    done = _lint_imports()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_the_contracts_say_what_the_house_promises() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    contracts = {c["id"]: c for c in config["contracts"]}
    assert contracts["layers"]["layers"][:2] == ["app.cli", "app.gui"]
    assert not any(c.get("ignore_imports") for c in contracts.values())  # no exceptions left
    assert contracts["layers"]["layers"][-2:] == ["app.core", "app.config"]
    no_qt = contracts["no-qt"]
    assert {"app.core", "app.capture", "app.compare", "app.report"} <= set(no_qt["source_modules"])
    assert "PySide6" in no_qt["forbidden_modules"]


def test_a_core_module_importing_qt_would_break_the_contract(tmp_path: Path) -> None:
    """The same contracts over a copy of the package with one bad import: lint-imports fails."""
    import shutil

    shutil.copytree(REPO / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    bad = tmp_path / "app" / "core" / "zz_bad.py"
    bad.write_text("from app.gui import messages  # noqa\nimport PySide6.QtCore  # noqa\n")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode != 0
    assert "app.core.zz_bad -> app.gui.messages" in done.stdout
    assert "app.core is not allowed to import PySide6" in done.stdout
