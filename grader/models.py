"""Frozen dataclasses for the bank: questions, topics and katas, each remembering where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "predict_output",
    "ordering",
    "explain",
)
CHOICE_TYPES = ("single_choice", "multiple_choice", "predict_output")
DIFFICULTIES = {1: "easy", 2: "medium", 3: "hard"}


@dataclass(frozen=True, slots=True)
class Location:
    path: Path
    line: int  # 1-based
    col: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: str
    topic: str
    difficulty: int
    prompt: str
    explanation: str
    references: tuple[str, ...]
    tags: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()
    code: str | None = None
    choices: tuple[Choice, ...] = ()
    answer: Any = None  # bool | tuple[str, ...] | str, by type
    rubric: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    # PEP 440 specifier set (">=3.12", ">=3.11,<3.14"): the Python versions on which the marked answer holds.
    # None means every supported version. grader.versions.applies_to() decides for one version.
    python: str | None = None
    where: Location | None = None
    field_where: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    @property
    def correct_indexes(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    title: str
    path: Path
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Kata:
    slug: str
    title: str
    difficulty: int
    topics: tuple[str, ...]
    requires_python: str
    time_limit_s: float
    memory_limit_mb: int
    hints: tuple[str, ...]
    path: Path  # the kata folder
    where: Location | None = None
    field_where: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    @property
    def prompt_path(self) -> Path:
        return self.path / "prompt.md"

    @property
    def starter_path(self) -> Path:
        return self.path / "starter.py"

    @property
    def solution_path(self) -> Path:
        return self.path / "solution.py"

    @property
    def test_path(self) -> Path:
        return self.path / "test_kata.py"

    @property
    def wrong_paths(self) -> tuple[Path, ...]:
        return tuple(sorted((self.path / "wrong").glob("*.py")))


@dataclass(frozen=True, slots=True)
class Bank:
    topics: tuple[Topic, ...]
    katas: tuple[Kata, ...]
    roots: tuple[Path, ...] = ()

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for t in self.topics for q in t.questions)

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    def kata(self, slug: str) -> Kata | None:
        return next((k for k in self.katas if k.slug == slug), None)
