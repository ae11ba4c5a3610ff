"""Load one kata folder (katas/<slug>/) into a Kata, and check its Python files parse."""

from __future__ import annotations

from pathlib import Path

from grader import bankcache
from grader.checks import Problems, check_mapping, loc, parse_file, strs
from grader.models import Kata
from grader.schema import KATA_FIELDS

KATA_FILES = ("kata.yaml", "prompt.md", "starter.py", "solution.py", "test_kata.py")


def load_kata(folder: Path, problems: Problems) -> Kata | None:
    missing = [name for name in KATA_FILES if not (folder / name).is_file()]
    for name in missing:
        problems.add(folder / name, 1, 1, f"kata '{folder.name}' is missing required file {name}")
    if "kata.yaml" in missing:
        return None
    path = folder / "kata.yaml"
    cached = bankcache.get(path)
    if isinstance(cached, Kata) and not missing:
        return cached
    before = len(problems)
    root = parse_file(path, problems)
    if root is None:
        return None
    f = check_mapping(root, KATA_FIELDS, path, problems, "kata.yaml")
    if f is None:
        return None
    if "slug" in f and f["slug"].value != folder.name:
        problems.at(path, f["slug"], f"slug '{f['slug'].value}' must match the folder name '{folder.name}'")
    if "hints" in f and len(f["hints"].value) < 3:
        problems.at(
            path,
            f["hints"],
            f"a kata needs at least 3 hints, from a nudge to nearly the answer; has {len(f['hints'].value)}",
        )
    if any(spec.required and spec.name not in f for spec in KATA_FIELDS):
        return None
    kata = Kata(
        slug=f["slug"].value,
        title=f["title"].value,
        difficulty=f["difficulty"].value,
        topics=strs(f["topics"]),
        requires_python=f["requires_python"].value.strip(),
        time_limit_s=float(f["time_limit_s"].value),
        memory_limit_mb=f["memory_limit_mb"].value,
        hints=strs(f["hints"]),
        path=folder,
        where=loc(path, root),
        field_where={k: loc(path, v) for k, v in f.items()},
    )
    if len(problems) == before:
        bankcache.put(path, kata)
    return kata


def python_problem(path: Path) -> tuple[int, int, str] | None:
    """(line, col, message) when a kata's Python file does not parse, else None."""
    import ast

    try:
        ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError as e:
        return (e.lineno or 1, e.offset or 1, f"Python syntax error: {e.msg}")
    except (OSError, ValueError) as e:
        return (1, 1, f"cannot read as Python: {e}")
    return None


def check_python(katas: list[Kata], problems: Problems) -> None:
    for k in katas:
        for f in (k.starter_path, k.solution_path, k.test_path, *k.wrong_paths):
            problem = python_problem(f) if f.is_file() else None
            if problem:
                problems.add(f, *problem)
