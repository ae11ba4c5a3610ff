"""The quiz engine: filters, selection by mode, seeded order and shuffling, session results. Pure: no I/O.

A session is reproducible: the same pool, seed and count give the same questions, in the same order, with the
same choice order. Only what the pool is depends on the learner's history (--review: due; --mistakes: wrong).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from grader.answers import TRUE_FALSE, Graded, Response
from grader.errors import UnknownItemError, UsageError
from grader.models import CHOICE_TYPES, DIFFICULTIES, Question

MODES = ("practice", "review", "mistakes", "exam")
DEFAULT_COUNT = 10
EXAM_SECONDS_PER_QUESTION = 60


class TimeUp(Exception):
    """An exam's time limit passed while a question was open."""


@dataclass(frozen=True, slots=True)
class History:
    """What the progress store knows about one question."""

    attempts: int
    correct: int
    last_correct: bool
    due: datetime | None  # FSRS due time (UTC); None before the first review


@dataclass(frozen=True, slots=True)
class Presented:
    """A question as shown in this session: `order` maps display position to original choice or item index."""

    question: Question
    order: tuple[int, ...] = ()

    @property
    def options(self) -> list[str]:
        q = self.question
        if q.type in CHOICE_TYPES:
            return [q.choices[i].text for i in self.order]
        if q.type == "ordering":
            return [q.answer[i] for i in self.order]
        if q.type == "true_false":
            return list(TRUE_FALSE)
        return []


def parse_difficulty(raw: str) -> int:
    names = {v: k for k, v in DIFFICULTIES.items()}
    word = raw.strip().casefold()
    if word in names:
        return names[word]
    if word.isdigit() and int(word) in DIFFICULTIES:
        return int(word)
    raise UsageError(f"unknown difficulty '{raw}'; use 1 (easy), 2 (medium) or 3 (hard)")


def filter_questions(
    questions: Sequence[Question],
    *,
    topics: Iterable[str] = (),
    tags: Iterable[str] = (),
    difficulties: Iterable[int] = (),
    python: tuple[int, int] | None = None,
) -> list[Question]:
    """Questions in any of `topics`, with any of `tags`, at any of `difficulties` (an empty filter allows all),
    whose answer holds on Python `python` (None: any). Topics and tags match without regard to case.
    An unknown topic or tag raises UnknownItemError listing the valid ones."""
    known_topics = sorted({q.topic for q in questions})
    known_tags = sorted({t for q in questions for t in q.tags})
    topics = {_known(t, known_topics, "topic") for t in topics}
    tags = {_known(t, known_tags, "tag") for t in tags}
    difficulties = set(difficulties)
    if python is not None:
        questions = [q for q in questions if q.python is None or holds_on(q.python, python)]
    return [
        q
        for q in questions
        if (not topics or q.topic in topics)
        and (not tags or tags.intersection(q.tags))
        and (not difficulties or q.difficulty in difficulties)
    ]


_CLAUSE = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(\d+)\.(\d+)\s*$")
_COMPARE = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


def holds_on(spec: str, version: tuple[int, int]) -> bool:
    """Whether the `python` range `spec` admits the feature version `version`, as grader.versions.admits says.

    Ranges made of plain `OP X.Y` clauses (all the bank uses) are compared here directly: importing `packaging`
    costs about 30 ms, a tenth of the time to the first question. Anything else goes to grader.versions.
    """
    clauses = [_CLAUSE.match(c) for c in spec.split(",")]
    if all(clauses):
        return all(_COMPARE[m[1]](version, (int(m[2]), int(m[3]))) for m in clauses)
    from grader.versions import admits

    return admits(spec, version)


def _known(word: str, known: list[str], kind: str) -> str:
    """`word` as the bank spells it (`GIL` -> `gil`), or UnknownItemError with the closest ones."""
    folded = {k.casefold(): k for k in known}
    if word.casefold() in folded:
        return folded[word.casefold()]
    plural = "Topics" if kind == "topic" else "Tags"
    close = _close(word.casefold(), known)
    if len(known) > 30:
        # A few hundred tags listed in full bury the answer: the closest ones, or where to look instead.
        from grader.invocation import command

        elsewhere = f"Filter by topic instead: `{command('topics')}` lists them."
        raise UnknownItemError(f"no {kind} '{word}'", hint=close or elsewhere)
    raise UnknownItemError(f"no {kind} '{word}'. {plural}: {', '.join(known) or 'none'}", hint=close)


def _close(word: str, known: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, known, n=3)
    return f"Did you mean: {', '.join(close)}?" if close else None


def pool_for(
    mode: str, questions: Sequence[Question], history: Mapping[str, History], now: datetime
) -> list[Question]:
    """The questions a mode draws from, in a stable order before shuffling."""
    if mode == "review":
        due = [q for q in questions if (h := history.get(q.id)) and h.due is not None and h.due <= now]
        return sorted(due, key=lambda q: (history[q.id].due, q.id))
    if mode == "mistakes":
        return [q for q in questions if (h := history.get(q.id)) and not h.last_correct]
    return list(questions)


def select(
    mode: str,
    questions: Sequence[Question],
    history: Mapping[str, History],
    *,
    count: int,
    seed: int,
    now: datetime,
    fresh_first: bool = False,
) -> list[Question]:
    """Pick up to `count` questions for `mode`. Review keeps the most overdue first (ties shuffled); the other
    modes shuffle. `fresh_first` (practice without an explicit seed) puts never-answered questions first."""
    pool = pool_for(mode, questions, history, now)
    rng = random.Random(seed)
    if mode == "review":
        keyed = [(history[q.id].due, rng.random(), q) for q in pool]
        chosen = [q for _, _, q in sorted(keyed, key=lambda t: (t[0], t[1]))]
    else:
        chosen = sorted(pool, key=lambda q: q.id)
        rng.shuffle(chosen)
        if fresh_first:
            chosen.sort(key=lambda q: q.id in history)  # stable: keeps the shuffled order within each group
    return chosen[:count]


def first_words(q: Question, width: int = 48) -> str:
    """The start of a question's prompt, as a learner recognises it in a list ("What does gather return…"):
    Markdown marks removed, cut at a word boundary to fit `width` characters."""

    text = " ".join(re.sub(r"`+|\*\*", "", q.prompt).split())  # not `_`: it is in names
    if len(text) < 32 and q.code:
        # "What does this print?" names no question: its code's first telling line does.
        lines = [line.strip() for line in q.code.splitlines()]
        telling = [line for line in lines if line and not line.startswith(("import ", "from ", "#"))]
        if telling:
            text += " " + telling[0]
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if text[width - 1] != " " and " " in cut:  # the cut fell inside a word: drop that word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def present(q: Question, seed: int) -> Presented:
    """Shuffle choices (authors tend to write the right one first) and ordering items (never already sorted)."""
    rng = random.Random(f"{seed}:{q.id}")
    if q.type in CHOICE_TYPES:
        order = list(range(len(q.choices)))
        rng.shuffle(order)
        return Presented(q, tuple(order))
    if q.type == "ordering":
        n = len(q.answer)
        order = list(range(n))
        while n > 1 and order == sorted(order):
            rng.shuffle(order)
        return Presented(q, tuple(order))
    return Presented(q)


@dataclass(slots=True)
class Outcome:
    presented: Presented
    response: Response | None = None  # None: not answered (time ran out, or the session ended)
    graded: Graded | None = None
    hints: int = 0
    duration_s: float = 0.0
    rating: int | None = None  # the FSRS rating recorded
    next_due: datetime | None = None  # when the question comes back for review (set once recorded)

    @property
    def question(self) -> Question:
        return self.presented.question

    @property
    def correct(self) -> bool:
        return self.graded is not None and self.graded.correct


@dataclass(slots=True)
class TopicScore:
    answered: int = 0
    correct: int = 0
    score: float = 0.0


@dataclass(slots=True)
class Summary:
    mode: str
    seed: int
    planned: int
    outcomes: list[Outcome] = field(default_factory=list)
    ended: str = "completed"  # completed | interrupted | end_of_input | time_up
    elapsed_s: float = 0.0

    @property
    def answered(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.graded is not None]

    @property
    def correct(self) -> int:
        return sum(o.correct for o in self.outcomes)

    @property
    def score(self) -> float:
        return sum(o.graded.score for o in self.answered)

    @property
    def counted(self) -> list[Outcome]:
        """What the score is out of: answered questions, plus unanswered ones when an exam's time ran out."""
        return self.outcomes if self.mode == "exam" else self.answered

    def per_topic(self) -> dict[str, TopicScore]:
        out: dict[str, TopicScore] = {}
        for o in self.counted:
            t = out.setdefault(o.question.topic, TopicScore())
            t.answered += 1
            t.correct += o.correct
            t.score += o.graded.score if o.graded else 0.0
        return dict(sorted(out.items()))

    @property
    def missed(self) -> list[Outcome]:
        return [o for o in self.counted if not o.correct]

    def to_dict(self) -> dict:
        """The JSON shape of `dojo quiz --json`."""
        counted = self.counted
        return {
            "mode": self.mode,
            "seed": self.seed,
            "ended": self.ended,
            "asked": len(self.outcomes),
            "planned": self.planned,
            "answered": len(self.answered),
            "correct": self.correct,
            "total": len(counted),
            "score": round(float(self.score), 3),
            "percent": round(100 * self.score / len(counted), 1) if counted else 0.0,
            "elapsed_s": round(self.elapsed_s, 1),
            "topics": {
                k: {"answered": v.answered, "correct": v.correct, "score": round(v.score, 3)}
                for k, v in self.per_topic().items()
            },
            "missed": [
                {
                    "id": o.question.id,
                    "first_words": first_words(o.question, 60),
                    "topic": o.question.topic,
                    "answered": o.graded is not None,
                    "score": round(o.graded.score, 3) if o.graded else 0.0,
                }
                for o in self.missed
            ],
            "questions": [
                {
                    "id": o.question.id,
                    "type": o.question.type,
                    "correct": o.correct,
                    "score": round(o.graded.score, 3) if o.graded else 0.0,
                    "hints": o.hints,
                    "rating": o.rating,
                    "duration_s": round(o.duration_s, 1),
                }
                for o in self.outcomes
            ],
        }
