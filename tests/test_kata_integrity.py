"""Grader integrity (issue 9): sly submissions of a few dozen lines never pass; honest unusual ones always do.

Each file under tests/fixtures/cheats/<slug>/ is a cheat aimed at that kata of the built-in bank: a first docstring
line names the trick. Each file under tests/fixtures/honest/<slug>/ is a correct solution written differently from
the reference. Graded for real, like a learner's file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.bank import load_bank
from grader.paths import builtin_bank
from grader.runner import grade

HERE = Path(__file__).parent / "fixtures"
CHEATS = sorted((HERE / "cheats").glob("*/*.py"))
HONEST = sorted((HERE / "honest").glob("*/*.py"))
# A timing kata's honest solution may come out inconclusive on a busy machine: the speed could not be judged,
# which is not a wrong verdict. It must never be too_slow or failed.
HONEST_OK = {"passed", "inconclusive"}


def _kata(slug: str):
    return load_bank([builtin_bank()]).kata(slug)


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.stem}"


@pytest.mark.slow
@pytest.mark.parametrize("path", CHEATS, ids=_id)
def test_a_cheat_never_passes(path: Path) -> None:
    if "[root]" in path.read_text(encoding="utf-8").splitlines()[0] and os.geteuid() != 0:
        pytest.skip("only a grader running as root keeps the bank out of the learner's reach (README)")
    v = grade(_kata(path.parent.name), path)
    assert v.verdict != "passed", f"{_id(path)} got passed: {v.message}"
    assert v.verdict != "inconclusive", f"{_id(path)} got inconclusive (a cheat must be refused): {v.message}"


@pytest.mark.slow
@pytest.mark.parametrize("path", HONEST, ids=_id)
def test_an_honest_unusual_solution_passes(path: Path) -> None:
    v = grade(_kata(path.parent.name), path)
    assert v.verdict in HONEST_OK, f"{_id(path)} got {v.verdict}: {v.message}"


def test_the_fixtures_say_what_they_try() -> None:
    for path in CHEATS + HONEST:
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first.startswith('"""') and len(first) > 12, f"{_id(path)}: start with a docstring naming the trick"
