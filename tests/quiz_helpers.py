"""Helpers for the quiz tests: the fixture bank (one question of each type) and the environment to run it."""

from __future__ import annotations

from pathlib import Path

from grader.bank import load_bank
from grader.models import Bank, Question

QUIZ_BANK = Path(__file__).resolve().parent / "fixtures" / "quiz_bank"


def fixture_bank() -> Bank:
    return load_bank([QUIZ_BANK])


def questions() -> dict[str, Question]:
    return {q.id: q for q in fixture_bank().questions}


def quiz_env(env: dict[str, str]) -> dict[str, str]:
    """Only the fixture bank: the built-in one is being edited by others while the tests run."""
    return {**env, "DOJO_NO_BUILTIN": "1", "DOJO_BANK": str(QUIZ_BANK)}
