"""`dojo interview`: a mock screening round. Pure planning and scoring here (no I/O, no UI); the command in
grader/commands/interview.py runs it.

A round is what a phone screen looks like: a few questions across topics under one clock, one of them to explain
in your own words, then one kata to code in your own editor, then a scorecard per topic: what was strong, what
to review, and the commands that do it. The questions run as an exam (no hints, feedback at the end), so the
answers and the kata attempts land in progress like any other.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from grader.models import Kata, Question
from grader.quiz import Summary, first_words

DEFAULT_MINUTES = 45
DEFAULT_QUESTIONS = 8  # one of them an explain question
QUIZ_SHARE = 0.4  # of the round's time for the questions; the kata gets the rest, and whatever they leave
MIN_SECONDS_PER_QUESTION = 30
MAX_QUIZ_SHARE = 0.7  # however many questions, the kata keeps some of the round
STRONG = 0.75  # a topic at or above this share of the points is strong


@dataclass(frozen=True)
class Round:
    questions: list[Question]
    kata: Kata | None
    total_s: float
    quiz_s: float
    seed: int


def plan(
    questions: Sequence[Question],
    katas: Sequence[Kata],
    statuses: Mapping[str, str],
    *,
    minutes: float = DEFAULT_MINUTES,
    count: int = DEFAULT_QUESTIONS,
    seed: int,
    kata: Kata | None = None,
) -> Round:
    """Questions spread across topics (round robin over shuffled topics), the explain question last, and the
    kata to do next (or the one asked for)."""
    rng = random.Random(seed)
    explain = sorted((q for q in questions if q.type == "explain"), key=lambda q: q.id)
    others = [q for q in questions if q.type != "explain"]
    chosen = _across_topics(others, max(0, count - (1 if explain else 0)), rng)
    if explain:
        chosen.append(rng.choice(explain))
    if kata is None:
        from grader.workspace import next_kata

        kata = next_kata(katas, dict(statuses))
    total = max(60.0, minutes * 60)
    quiz = total
    if kata is not None:
        quiz = min(max(MIN_SECONDS_PER_QUESTION * len(chosen), total * QUIZ_SHARE), total * MAX_QUIZ_SHARE)
    return Round(chosen, kata, total, quiz, seed)


def _across_topics(questions: Sequence[Question], count: int, rng: random.Random) -> list[Question]:
    by_topic: dict[str, list[Question]] = {}
    for q in sorted(questions, key=lambda q: q.id):
        by_topic.setdefault(q.topic, []).append(q)
    for qs in by_topic.values():
        rng.shuffle(qs)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    out: list[Question] = []
    while len(out) < count and any(by_topic.values()):
        for t in topics:
            if by_topic[t] and len(out) < count:
                out.append(by_topic[t].pop())
    return out


@dataclass
class KataResult:
    slug: str
    title: str
    topics: tuple[str, ...]
    verdict: str = "skipped"  # a grader verdict, or skipped (never graded)
    checks: int = 0

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"


@dataclass
class TopicLine:
    topic: str
    asked: int = 0
    score: float = 0.0
    kata: str = ""  # the kata's verdict when it belongs to this topic
    missed: list[str] = field(default_factory=list)  # first words of the questions missed

    @property
    def share(self) -> float:
        points = self.asked + (1 if self.kata else 0)
        got = self.score + (1 if self.kata == "passed" else 0)
        return got / points if points else 0.0

    @property
    def strong(self) -> bool:
        return self.share >= STRONG


@dataclass
class Scorecard:
    topics: list[TopicLine]
    questions_asked: int
    questions_score: float
    kata: KataResult | None
    ended: str
    elapsed_s: float
    minutes: float

    @property
    def strong(self) -> list[TopicLine]:
        return [t for t in self.topics if t.strong]

    @property
    def review(self) -> list[TopicLine]:
        return [t for t in self.topics if not t.strong]

    def to_dict(self) -> dict:
        return {
            "minutes": self.minutes,
            "elapsed_s": round(self.elapsed_s, 1),
            "ended": self.ended,
            "questions": {"asked": self.questions_asked, "score": round(self.questions_score, 3)},
            "kata": None
            if self.kata is None
            else {"slug": self.kata.slug, "verdict": self.kata.verdict, "checks": self.kata.checks},
            "topics": {
                t.topic: {
                    "asked": t.asked,
                    "score": round(t.score, 3),
                    "kata": t.kata or None,
                    "share": round(t.share, 3),
                    "strong": t.strong,
                    "missed": t.missed,
                }
                for t in self.topics
            },
        }


def score(summary: Summary, kata: KataResult | None, *, elapsed_s: float, minutes: float) -> Scorecard:
    """Per topic: the points from its questions (unanswered ones count as wrong, as in an exam) and the kata's
    pass or miss for each topic the kata belongs to."""
    lines: dict[str, TopicLine] = {}
    for o in summary.outcomes:
        t = lines.setdefault(o.question.topic, TopicLine(o.question.topic))
        t.asked += 1
        t.score += o.graded.score if o.graded else 0.0
        if not o.correct:
            t.missed.append(first_words(o.question))
    if kata is not None:
        for topic in kata.topics:
            lines.setdefault(topic, TopicLine(topic)).kata = kata.verdict
    ordered = sorted(lines.values(), key=lambda t: (-t.share, t.topic))
    return Scorecard(
        ordered,
        len(summary.outcomes),
        sum(o.graded.score for o in summary.outcomes if o.graded),
        kata,
        summary.ended,
        elapsed_s,
        minutes,
    )


def review_commands(card: Scorecard, command) -> list[tuple[str, str]]:
    """(what, command) for each thing to review, weakest first; `command` builds a runnable command line."""
    out: list[tuple[str, str]] = []
    for t in sorted(card.review, key=lambda t: (t.share, t.topic)):
        if t.asked:
            out.append((f"questions on {t.topic}", command("quiz", "--topic", t.topic)))
    k = card.kata
    if k is not None and not k.passed:
        verb = "hint" if k.checks else "start"
        out.append((f"the kata {k.slug}", command("kata", verb, k.slug)))
    if any(t.missed for t in card.topics):
        out.append(("the questions you missed, again", command("quiz", "--mistakes")))
    return out


def topics_of(questions: Iterable[Question]) -> list[str]:
    return sorted({q.topic for q in questions})
