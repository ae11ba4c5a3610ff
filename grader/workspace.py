"""Where the learner's kata files live: data_home()/workspace/<slug>/solution.py (or a folder they chose)."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.errors import DojoError, UsageError
from grader.models import Kata
from grader.paths import data_home

FILE_NAME = "solution.py"


def default_file(slug: str) -> Path:
    return data_home() / "workspace" / slug / FILE_NAME


def start(kata: Kata, folder: Path | None = None) -> tuple[Path, bool]:
    """Copy the starter to the workspace; keep an existing copy (the learner's work). Returns (path, created)."""
    target = (folder / FILE_NAME) if folder is not None else default_file(kata.slug)
    if target.exists():
        return target, False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kata.starter_path, target)
    except OSError as e:
        raise DojoError(f"cannot create {target}: {e.strerror}") from None
    return target, True


def resolve(kata: Kata, file: Path | None) -> Path:
    """The file to check: the one given, or the workspace copy (which must exist)."""
    path = file if file is not None else default_file(kata.slug)
    if not path.is_file():
        if file is None:
            raise UsageError(
                f"no workspace copy of '{kata.slug}' yet", hint=f"Run `dojo kata start {kata.slug}` first."
            )
        raise UsageError(f"no such file: {path}")
    return path


def reset(kata: Kata) -> Path:
    """Overwrite the workspace copy with the starter again."""
    target = default_file(kata.slug)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kata.starter_path, target)
    return target
