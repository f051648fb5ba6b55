"""The house keeps rooms one can read in a sitting: no class over 400 lines and no function
over 80 in ``app/``, unless its docstring says why, in a sentence beginning "Long because ".

Sizes are counted as ``ast`` gives them (from ``def``/``class`` to the last line, docstring
and comments included). A reason is for a unit whose split would scatter what reads best
whole (a linear declaration template, a state machine under one lock); everything else is
split along its seams. ``make lint`` runs this file too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
CLASS_LIMIT = 400
FUNCTION_LIMIT = 80
MARKER = "Long because "


def oversized(root: Path = APP) -> list[str]:
    """Every class or function over its limit whose docstring gives no reason."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                limit = CLASS_LIMIT
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                limit = FUNCTION_LIMIT
            else:
                continue
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            if size > limit and MARKER not in (ast.get_docstring(node) or ""):
                where = path.relative_to(root.parent)
                found.append(f"{where}:{node.lineno} {node.name} ({size} lines > {limit})")
    return found


def test_no_unit_is_over_its_size_without_a_reason() -> None:
    found = oversized()
    assert not found, "split these, or say why at their top:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("def f():\n" + "    x = 1\n" * 80, 1),
        ("def f():\n" + "    x = 1\n" * 79, 0),
        ('def f():\n    """Long because it is one template."""\n' + "    x = 1\n" * 90, 0),
        ('def f():\n    """Long, but no reason given."""\n' + "    x = 1\n" * 90, 1),
        ("class C:\n" + "    x = 1\n" * 400, 1),
    ],
)
def test_the_check_itself_counts_and_reads_reasons(
    tmp_path: Path, body: str, expected: int
) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "m.py").write_text(body, "utf-8")
    assert len(oversized(package)) == expected
