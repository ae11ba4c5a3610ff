"""How to write a `dojo` command so that it runs as printed in the shell the learner started us from.

Every command the app suggests (summaries, `kata start`, hints, errors) goes through `command(...)`:
- started through `uv run` inside the project: `uv run dojo ...` (`uv run --project DIR dojo ...` when the
  shell's folder is outside the project, where a bare `uv run` would not find it);
- `dojo` on PATH is this very installation: `dojo ...`;
- otherwise: `python -m grader ...` with the interpreter that runs us now.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from functools import lru_cache
from pathlib import Path


def _quote(parts: tuple[str, ...]) -> str:
    return " ".join(shlex.quote(p) for p in parts)


def _uv_project() -> Path | None:
    """The project folder when we run under `uv run` (uv sets UV and UV_RUN_RECURSION_DEPTH for its children)."""
    if not (os.environ.get("UV") and os.environ.get("UV_RUN_RECURSION_DEPTH")):
        return None
    venv = os.environ.get("VIRTUAL_ENV")
    if not venv:
        return None
    root = Path(venv).resolve().parent
    return root if (root / "pyproject.toml").is_file() else None


def _dojo_on_path_is_us() -> bool:
    found = shutil.which("dojo")
    if not found:
        return False
    # A console script lives beside the interpreter it was installed for.
    return Path(found).resolve().parent == Path(sys.executable).resolve().parent or (
        Path(found).parent == Path(sys.executable).parent
    )


@lru_cache(maxsize=1)
def prefix() -> str:
    """The words that start a dojo command in the learner's shell."""
    project = _uv_project()
    if project is not None:
        try:
            inside = Path.cwd().resolve().is_relative_to(project)
        except OSError:
            inside = False
        return "uv run dojo" if inside else f"uv run --project {shlex.quote(str(project))} dojo"
    if _dojo_on_path_is_us():
        return "dojo"
    python = sys.executable or "python3"
    on_path = shutil.which(Path(python).name)
    if on_path and Path(on_path).resolve() == Path(python).resolve():
        python = Path(python).name
    return f"{shlex.quote(python)} -m grader"


def command(*args: str) -> str:
    """`command("quiz", "--mistakes")` -> `uv run dojo quiz --mistakes` (or what works in this shell)."""
    return f"{prefix()} {_quote(args)}".rstrip()
