"""One quiz session: ask, grade, record, give feedback; the same loop for the interactive and the plain mode.

Each answer is recorded (committed) the moment it is graded, so Ctrl-C, end of input or a crash loses nothing
that was answered. The loop never exits the process itself: it returns a Summary saying how the session ended.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from grader import answers, srs
from grader.answers import Response
from grader.quiz import Outcome, Presented, Summary, TimeUp

HINT = "\0hint"  # what QuizIO.ask returns when the learner asks for a hint (same value as quiz_prompts.HINT)


class QuizIO(Protocol):
    def show_intro(self, text: str) -> None: ...
    def show_question(self, p: Presented, index: int, total: int, remaining: float | None) -> None: ...
    def ask(self, p: Presented, *, hints_left: int, deadline: float | None) -> Response | str: ...
    def show_hint(self, hint: str, n: int, total: int) -> None: ...
    def show_no_hint(self, message: str) -> None: ...
    def ask_rating(self, p: Presented, response: Response) -> int: ...
    def show_feedback(self, o: Outcome) -> None: ...
    def next_question(self) -> None: ...
    def show_time_up(self, unanswered: int) -> None: ...
    def show_review_item(self, n: int, o: Outcome, *, pending: bool) -> None: ...


@dataclass(frozen=True, slots=True)
class Plan:
    mode: str
    seed: int
    items: list[Presented]
    time_limit_s: float | None = None


def grade(o: Outcome, response: Response) -> None:
    q = o.question
    o.response = response
    o.graded = answers.check(q, response)
    o.rating = srs.rating_for(q.type, o.graded.correct, o.hints, response.rating)


def run(plan: Plan, io: QuizIO, record: Callable[[Outcome], None], clock=time.monotonic) -> Summary:
    """Run the session; `record` stores one graded outcome (it must commit before returning)."""
    summary = Summary(plan.mode, plan.seed, planned=len(plan.items))
    exam = plan.mode == "exam"
    start = clock()
    deadline = start + plan.time_limit_s if plan.time_limit_s else None
    io.show_intro(intro(plan))
    try:
        for i, p in enumerate(plan.items):
            if deadline is not None and clock() >= deadline:
                raise TimeUp
            o = _ask_one(p, i, len(plan.items), io, deadline, exam, clock)
            if o.graded is not None:
                record(o)  # before it counts: an answer interrupted while being saved was not given
            summary.outcomes.append(o)
            if not exam:
                io.show_feedback(o)
                if i + 1 < len(plan.items):
                    io.next_question()
    except TimeUp:
        summary.ended = "time_up"
        rest = [Outcome(p) for p in plan.items[len(summary.outcomes) :]]
        summary.outcomes += rest
        try:
            for o in rest:
                record(o)  # the summary says they count as wrong: so do --mistakes, stats and the reviews
            io.show_time_up(len(rest))
        except KeyboardInterrupt:  # still a summary, and exit 130, as anywhere else in the session
            summary.ended = "interrupted"
    except EOFError:
        summary.ended = "end_of_input"
    except KeyboardInterrupt:
        summary.ended = "interrupted"
    if exam and summary.ended in ("completed", "time_up"):
        _review(summary, io, record)
    summary.elapsed_s = clock() - start
    return summary


def intro(plan: Plan) -> str:
    n = len(plan.items)
    what = f"{n} question{'s' if n != 1 else ''}"
    if plan.mode == "exam":
        total = int(plan.time_limit_s or 0)
        minutes, seconds = divmod(total, 60)
        each = f" (about {total // n} s a question)" if n > 1 else ""
        return (
            f"Exam: {what}, {minutes}:{seconds:02d} in total{each}, no hints, feedback at the end. "
            "Unanswered questions count as wrong."
        )
    label = {"practice": "Practice", "review": "Review", "mistakes": "Mistakes"}[plan.mode]
    return f"{label}: {what}. Every answer is saved as you give it; Ctrl-C stops with a summary."


def _ask_one(
    p: Presented, index: int, total: int, io: QuizIO, deadline: float | None, exam: bool, clock
) -> Outcome:
    q = p.question
    o = Outcome(p)
    io.show_question(p, index, total, None if deadline is None else deadline - clock())
    started = clock()
    hints = () if exam else q.hints  # interview conditions: no hints in an exam
    while True:
        got = io.ask(p, hints_left=len(hints) - o.hints, deadline=deadline)
        if got == HINT:  # `?` always answers and never submits (issue 10, point 9)
            if o.hints < len(hints):
                o.hints += 1
                io.show_hint(hints[o.hints - 1], o.hints, len(hints))
            else:
                io.show_no_hint(no_hint_message(exam, len(hints)))
            continue
        if isinstance(got, Response):
            break
    o.duration_s = clock() - started
    if q.type == "explain":
        if exam:
            o.response = got  # rated in the review, once the model answer may be shown
            return o
        if got.rating is None:  # plain mode reads the rating as the answer itself
            got = replace(got, rating=io.ask_rating(p, got))
    grade(o, got)
    return o


def no_hint_message(exam: bool, total: int) -> str:
    if exam:
        return "No hints in an exam: answer as you would in the interview."
    if total == 0:
        return "This question has no hints."
    return f"No more hints: you have seen all {total}."


def _review(summary: Summary, io: QuizIO, record: Callable[[Outcome], None]) -> None:
    """After an exam: every question with the right answer; explain answers are self-rated now."""
    try:
        for n, o in enumerate(summary.outcomes, 1):
            pending = o.question.type == "explain" and o.graded is None and o.response is not None
            io.show_review_item(n, o, pending=pending)
            if pending:
                grade(o, replace(o.response, rating=io.ask_rating(o.presented, o.response)))
                record(o)
                io.show_feedback(o)
    except EOFError:
        summary.ended = "end_of_input"
    except KeyboardInterrupt:
        summary.ended = "interrupted"


def comes_back(o: Outcome, now: datetime | None = None) -> str:
    """The line shown after each answer: when this question returns for review (issue 10, point 2)."""
    if o.next_due is None:
        return ""
    return f"This question comes back for review {srs.when(o.next_due, now or datetime.now(UTC))}."


def recorder(store, *, mode: str, session: str) -> Callable[[Outcome], None]:
    """A `record` callback that appends the answer to the progress store and reschedules its card."""
    from grader.progress import Answer

    def record(o: Outcome) -> None:
        q = o.question
        if o.graded is None:  # not answered before an exam's time ran out: a wrong answer, back soon
            o.rating = srs.AGAIN
        card = store.record_answer(
            Answer(
                question_id=q.id,
                topic=q.topic,
                qtype=q.type,
                answer=answers.describe(q, o.response) if o.response else "(not answered: time ran out)",
                correct=o.correct,
                score=o.graded.score if o.graded else 0.0,
                rating=o.rating,
                hints=o.hints,
                duration_s=round(o.duration_s, 3),
                mode=mode,
                session=session,
            )
        )
        o.next_due = card.due

    return record
