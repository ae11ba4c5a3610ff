"""Checking and scoring answers to all seven question types, and parsing plain-mode answer lines. Pure: no I/O.

A `Response` holds what the learner answered in the question's own terms (original choice or item indexes), so
the display order (shuffled per session) never leaks into checking or into the progress store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from grader.models import CHOICE_TYPES, Question

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
EXPLAIN_SCORES = {1: 0.0, 2: 0.5, 3: 1.0, 4: 1.0}
TRUE_FALSE = ("True", "False")
HINT_WORDS = ("?", "h", "hint")
_TRUE_WORDS = {"t", "true", "y", "yes"}
_FALSE_WORDS = {"f", "false", "n", "no"}


@dataclass(frozen=True, slots=True)
class Response:
    """A learner's answer. `picked`: choice indexes (choice types) or item indexes in the learner's order
    (ordering); `value`: true_false; `text`: short_answer or explain; `rating`: explain's self-rating 1-4."""

    picked: tuple[int, ...] = ()
    value: bool | None = None
    text: str | None = None
    rating: int | None = None


@dataclass(frozen=True, slots=True)
class Graded:
    correct: bool
    score: float  # 0..1; below 1 and above 0 is partial credit
    detail: str = ""  # what was right and what was not, when there is more to say than the verdict
    feedback: tuple[str, ...] = ()  # per-choice feedback the learner should read, in display-independent order
    rating: int | None = None  # explain: the self-rating

    @property
    def partial(self) -> bool:
        return not self.correct and self.score > 0

    @property
    def verdict(self) -> str:
        if self.rating is not None:
            return f"Rated {RATINGS[self.rating]}"
        return "Correct" if self.correct else "Partly right" if self.partial else "Wrong"

    @property
    def headline(self) -> str:
        return f"{self.verdict}: {self.detail}." if self.detail else f"{self.verdict}."


class AnswerError(ValueError):
    """A plain-mode line that is not an answer; `reason` is shown before asking again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize(text: str) -> str:
    """Short answers match ignoring case, surrounding space (and backticks) and runs of inner space."""
    return " ".join(text.strip().strip("`").split()).casefold()


def check(q: Question, r: Response) -> Graded:
    if q.type in ("single_choice", "predict_output"):
        return _check_single(q, r.picked)
    if q.type == "multiple_choice":
        return _check_multiple(q, r.picked)
    if q.type == "true_false":
        return _check_true_false(q, r.value)
    if q.type == "short_answer":
        return _check_short(q, r.text or "")
    if q.type == "ordering":
        return _check_ordering(q, r.picked)
    if q.type == "explain":
        return _check_explain(r.rating)
    raise ValueError(f"unknown question type {q.type!r}")


def _check_single(q: Question, picked: Sequence[int]) -> Graded:
    if len(picked) != 1 or not 0 <= picked[0] < len(q.choices):
        raise ValueError(f"{q.id}: pick exactly one of {len(q.choices)} choices, got {picked!r}")
    choice = q.choices[picked[0]]
    fb = (choice.feedback,) if choice.feedback else ()
    if choice.correct:
        return Graded(True, 1.0, feedback=fb)
    return Graded(False, 0.0, feedback=fb)


def _check_multiple(q: Question, picked: Sequence[int]) -> Graded:
    chosen = set(picked)
    if any(not 0 <= i < len(q.choices) for i in chosen):
        raise ValueError(f"{q.id}: choice index out of range in {picked!r}")
    right = set(q.correct_indexes)
    hits, wrong, missed = len(chosen & right), len(chosen - right), len(right - chosen)
    # Each wrong pick cancels a right one, so ticking every box scores nothing.
    score = max(0.0, (hits - wrong) / len(right))
    fb = tuple(
        c.feedback for i, c in enumerate(q.choices) if c.feedback and (i in chosen or (c.correct and i in right))
    )
    if chosen == right:
        return Graded(True, 1.0, f"all {len(right)} right choices and nothing else", fb)
    parts = [f"{hits} of {len(right)} right choices"]
    if wrong:
        parts.append(f"{wrong} wrong pick{'s' if wrong > 1 else ''}")
    if missed:
        parts.append(f"{missed} missed")
    return Graded(False, score, f"{', '.join(parts)} (score {score:.0%})", fb)


def _check_true_false(q: Question, value: bool | None) -> Graded:
    if value is None:
        raise ValueError(f"{q.id}: a true_false answer must be True or False")
    if value == q.answer:
        return Graded(True, 1.0)
    return Graded(False, 0.0)


def _check_short(q: Question, text: str) -> Graded:
    accepted = {normalize(a) for a in q.answer}
    if normalize(text) in accepted:
        return Graded(True, 1.0)
    mine = code_tokens(text)
    if mine is not None and any(mine == code_tokens(a) for a in q.answer):
        return Graded(True, 1.0)
    return Graded(False, 0.0)


_LAYOUT_TOKENS = frozenset({"NEWLINE", "NL", "INDENT", "DEDENT", "ENDMARKER", "COMMENT"})


def code_tokens(text: str) -> tuple[str, ...] | None:
    """`text` as Python's tokenizer reads it, spacing and comments dropped, or None when it is not Python.

    `await  asyncio.sleep( 0 )` and `await asyncio.sleep(0)` give the same tokens; `awaitasyncio.sleep(0)`
    does not (one name, not two). String literals compare by value ('a' == "a"), case included.
    """
    import io
    import tokenize

    source = text.strip().strip("`").strip()
    if not source:
        return None
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source + "\n").readline):
            kind = tokenize.tok_name[tok.type]
            if kind in _LAYOUT_TOKENS:
                continue
            if kind == "ERRORTOKEN" and not tok.string.isspace():
                return None
            # Case is ignored as in `normalize` (short answers always were), except inside string literals.
            out.append(_string_value(tok.string) if kind == "STRING" else tok.string.casefold())
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return tuple(t for t in out if not t.isspace())


def _string_value(token: str) -> str:
    import ast

    try:
        return repr(ast.literal_eval(token))
    except (ValueError, SyntaxError):
        return token


def _check_ordering(q: Question, order: Sequence[int]) -> Graded:
    n = len(q.answer)
    if sorted(order) != list(range(n)):
        raise ValueError(f"{q.id}: an ordering answer must use each of the {n} items once, got {order!r}")
    if list(order) == list(range(n)):
        return Graded(True, 1.0)
    # Credit the longest run already in the right relative order: one misplaced item costs one item, not all.
    keep = _longest_increasing(order)
    score = (keep - 1) / (n - 1) if n > 1 else 0.0
    in_place = sum(1 for pos, item in enumerate(order) if pos == item)
    return Graded(
        False,
        score,
        f"{in_place} of {n} in the right place, {keep} of {n} in the right relative order (score {score:.0%})",
    )


def _longest_increasing(seq: Sequence[int]) -> int:
    import bisect

    tails: list[int] = []
    for x in seq:
        i = bisect.bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)


def _check_explain(rating: int | None) -> Graded:
    if rating not in RATINGS:
        raise ValueError(f"an explain answer needs a self-rating 1-4, got {rating!r}")
    # Again means "I could not explain it"; Hard still counts as recalled (as in FSRS), for half the credit.
    return Graded(rating >= 2, EXPLAIN_SCORES[rating], rating=rating)


def choice_marks(q: Question, picked: Sequence[int]) -> list[str]:
    """Per original choice: 'right' (picked, correct), 'wrong' (picked, not correct), 'missed' (correct, not
    picked) or '' (neither)."""
    chosen = set(picked)
    marks = []
    for i, c in enumerate(q.choices):
        if i in chosen:
            marks.append("right" if c.correct else "wrong")
        else:
            marks.append("missed" if c.correct else "")
    return marks


def describe(q: Question, r: Response) -> str:
    """The answer in words, for the progress store and the summary."""
    if q.type in CHOICE_TYPES:
        return " | ".join(q.choices[i].text for i in r.picked)
    if q.type == "true_false":
        return str(r.value)
    if q.type == "ordering":
        return " > ".join(q.answer[i] for i in r.picked)
    if q.type == "explain":
        text = (r.text or "").strip()
        return f"[{RATINGS.get(r.rating or 0, '?')}] {text}".strip()
    return r.text or ""


def correct_answer(q: Question) -> str:
    """The right answer in words (shown after a wrong answer and in the exam review)."""
    if q.type in CHOICE_TYPES:
        return " | ".join(c.text for c in q.choices if c.correct)
    if q.type == "true_false":
        return str(q.answer)
    if q.type == "ordering":
        return " > ".join(q.answer)
    if q.type == "short_answer":
        return q.answer[0]
    return q.answer


# --- plain mode: one answer per line (DESIGN section 3, contract) ---------------------------------------------


def is_hint_request(line: str) -> bool:
    return line.strip().casefold() in HINT_WORDS


def _numbers(line: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,;]+", line.strip()) if p]
    if not parts:
        raise AnswerError("type the number of your answer")
    try:
        return [int(p) for p in parts]
    except ValueError:
        bad = next(p for p in parts if not p.lstrip("-").isdigit())
        raise AnswerError(f"'{bad}' is not a number; answer with the numbers shown") from None


def _in_range(nums: list[int], n: int) -> None:
    bad = [x for x in nums if not 1 <= x <= n]
    if bad:
        raise AnswerError(f"{bad[0]} is out of range; choose from 1 to {n}")


def parse_plain(q: Question, order: Sequence[int], line: str) -> Response:
    """Parse one plain-mode line. `order` maps display position (0-based) to the original choice or item index.
    Raises AnswerError with a short reason when the line is not an answer."""
    if q.type in ("single_choice", "predict_output"):
        nums = _numbers(line)
        if len(nums) != 1:
            raise AnswerError("choose exactly one number")
        _in_range(nums, len(order))
        return Response(picked=(order[nums[0] - 1],))
    if q.type == "multiple_choice":
        nums = _numbers(line)
        _in_range(nums, len(order))
        return Response(picked=tuple(sorted({order[x - 1] for x in nums})))
    if q.type == "true_false":
        word = line.strip().casefold()
        if word in _TRUE_WORDS or word == "1":
            return Response(value=True)
        if word in _FALSE_WORDS or word == "2":
            return Response(value=False)
        raise AnswerError("answer 1 (True) or 2 (False)")
    if q.type == "ordering":
        nums = _numbers(line)
        n = len(order)
        _in_range(nums, n)
        if len(set(nums)) != len(nums):
            raise AnswerError("each item once, please: a number appears twice")
        # Items left out follow in the order shown, so "3,1" is enough when the rest is already right.
        nums += [x for x in range(1, n + 1) if x not in nums]
        return Response(picked=tuple(order[x - 1] for x in nums))
    if q.type == "short_answer":
        if not line.strip():
            raise AnswerError("type your answer")
        return Response(text=line.strip())
    if q.type == "explain":
        return Response(text=line.strip())
    raise ValueError(f"unknown question type {q.type!r}")


def parse_rating(line: str) -> int:
    word = line.strip().casefold()
    for n, name in RATINGS.items():
        if word in (str(n), name.casefold()):
            return n
    raise AnswerError("rate yourself 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
