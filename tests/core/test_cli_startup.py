"""The command line starts fast (#17): parsing loads argparse and light constants only.

Each ``app/cli/<domain>.py`` registers its commands without importing its domain; a handler
imports what it needs when it runs. These tests read ``python -X importtime`` (which names
every module a process imports) rather than timing anything, and check that every handler,
with the imports it makes on use, still resolves.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import __version__
from app.cli import COMMANDS, build_parser

REPO = Path(__file__).resolve().parents[2]
CLI_DIR = REPO / "app" / "cli"

# Heavy, and needed by a few commands only: none of them may load to parse a command line.
HEAVY = ("cv2", "numpy", "reportlab", "pyhanko", "PIL", "app.report.model", "app.compare")


def _imported(*argv: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``python -X importtime -m app ARGV`` and name every module it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "app", *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    names = [
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    assert "app.cli" in names, done.stderr[-2000:]  # the output is what we think it is
    return done, names


def _heavy(names: list[str]) -> list[str]:
    return sorted(n for n in names if any(n == h or n.startswith(h + ".") for h in HEAVY))


def test_version_loads_no_domain_module() -> None:
    done, names = _imported("--version")
    assert done.returncode == 0 and done.stdout == f"proofshot {__version__}\n"
    assert _heavy(names) == []
    assert "app.core.case" not in names and "app.core.identity" not in names


@pytest.mark.parametrize("argv", [["verify", "--help"], ["export", "--help"], ["--help"]])
def test_help_loads_no_domain_module(argv: list[str]) -> None:
    done, names = _imported(*argv)
    assert done.returncode == 0 and done.stdout.startswith("usage: proofshot")
    assert _heavy(names) == []
    assert "app.capture.campaigns" not in names and "app.core.case" not in names


def test_a_command_still_loads_what_it_needs(tmp_path: Path) -> None:
    """The other side: running ``list`` does load the case store (the heavy list is not
    merely never imported by this harness)."""
    done, names = _imported("list", str(tmp_path / "Missing.proofshot"))
    assert done.returncode == 3, done.stderr[-2000:]
    assert "app.core.case" in names and "app.core.items" in names


def _subparsers(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, Any]]:
    """(command path, its parser) for every command and sub-action, nested."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{path} {name}".strip(), sub
                yield from _subparsers(sub, f"{path} {name}")


def test_every_registered_handler_is_callable() -> None:
    parser = build_parser()
    seen = dict(_subparsers(parser, ""))
    assert {"init", "verify", "works add", "campaign run", "study review", "export"} <= set(seen)
    for path, sub in seen.items():
        handler = sub.get_default("handler")
        assert callable(handler), f"proofshot {path}: handler {handler!r}"
    assert set(COMMANDS) == {p for p in seen if " " not in p}
    assert all(callable(h) for h in COMMANDS.values())


def _deferred_imports() -> Iterator[tuple[str, str, str]]:
    """(cli module, imported module, name) for each import made inside a function."""
    for path in sorted(CLI_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and node.module:
                    for alias in node.names:
                        yield path.stem, node.module, alias.name
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        yield path.stem, alias.name, ""


def test_every_import_a_handler_makes_on_use_resolves() -> None:
    """A handler's imports run only when it runs; a renamed domain function must fail here,
    not in a user's hands."""
    found = list(_deferred_imports())
    assert len(found) > 40 and ("compare", "app.compare.case_matching", "match_case") in found
    broken = []
    for cli_module, module, name in found:
        try:
            imported = importlib.import_module(module)
            if name and not hasattr(imported, name):
                importlib.import_module(f"{module}.{name}")  # a submodule: from pkg import mod
        except ImportError as exc:
            broken.append(f"app.cli.{cli_module}: from {module} import {name}: {exc}")
    assert broken == []


def test_the_constants_moved_for_the_parser_are_still_where_they_were() -> None:
    from app.capture.campaigns.profiles import PROFILE_NAMES
    from app.core.ocr import DEFAULT_LANGUAGES
    from app.duties.checks import KEYWORDS_SETTING
    from app.report.model import COVER_KEYS, LANGS, PAPERS, PROFILES

    assert PROFILES == ("filing", "archive", "both") and LANGS == ("en", "zh", "en+zh")
    assert PAPERS == ("letter", "a4") and PROFILE_NAMES == ("openai", "generic", "demo")
    assert DEFAULT_LANGUAGES[0] == "chi_sim" and KEYWORDS_SETTING == "duties.keywords"
    assert COVER_KEYS[0] == "caption" and "platform_url" in COVER_KEYS
