"""The dependency direction of DESIGN section 1: cli -> ui -> core. The core never imports the UI libraries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "grader"
UI_LIBS = {"typer", "questionary", "rich", "prompt_toolkit", "click"}
# Entry points and UI: allowed to import the UI libraries and grader.ui.
EDGE = {"cli.py", "launch.py", "quiz_lane.py", "__main__.py"}
CORE = sorted(p for p in PKG.rglob("*.py") if p.parent == PKG and p.name not in EDGE and "_bank" not in p.parts)


def imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_module_imports_no_ui(path: Path):
    bad = {
        n
        for n in imported(path)
        if n.split(".")[0] in UI_LIBS or n.startswith(("grader.ui", "grader.commands", "grader.cli"))
    }
    assert not bad, f"grader/{path.name} is core and must not import {sorted(bad)}"


def test_the_core_list_is_not_empty():
    assert {"bank.py", "quiz.py", "runner.py", "progress.py", "katakit.py"} <= {p.name for p in CORE}
