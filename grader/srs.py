"""Spaced repetition: which FSRS rating an answer earns, and the card's next state (fsrs>=6.3,<7).

fsrs is imported inside `review` only: choosing and showing the first question never needs it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def rating_for(qtype: str, correct: bool, hints_used: int, self_rating: int | None = None) -> int:
    """Wrong -> Again; right after a hint -> Hard; right -> Good; `explain` -> the learner's own rating.

    A partly right multiple_choice answer is not right: it is reviewed again soon (Again).
    """
    if qtype == "explain":
        if self_rating not in (AGAIN, HARD, GOOD, EASY):
            raise ValueError(f"explain needs a self-rating 1-4, got {self_rating!r}")
        return self_rating
    if not correct:
        return AGAIN
    return HARD if hints_used else GOOD


def card_id_for(question_id: str) -> int:
    """A stable card id derived from the question id (same on every machine), positive and within int64."""
    return int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:8], "big") >> 1


@dataclass(frozen=True, slots=True)
class CardState:
    """What the store keeps per question; mirrors fsrs.Card field by field."""

    card_id: int
    state: int  # fsrs.State: 1 Learning, 2 Review, 3 Relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


_schedulers: dict[bool, object] = {}

# One short learning step instead of fsrs's (1 min, 10 min): a quiz answer is graded, not self-judged, so a right
# first answer graduates at once (back in days), while a wrong one comes back in 10 minutes. With two steps every
# answer, right or wrong, came back within minutes, and `stats` showed a pile of "due today" that was not due yet.
LEARNING_STEPS = (timedelta(minutes=10),)


def _scheduler(fuzz: bool):
    from fsrs import Scheduler

    if fuzz not in _schedulers:
        _schedulers[fuzz] = Scheduler(enable_fuzzing=fuzz, learning_steps=LEARNING_STEPS)
    return _schedulers[fuzz]


def when(due: datetime, now: datetime) -> str:
    """When a review is due, as a learner reads it: "now", "in 10 min", "in 5 h", "tomorrow", "in 4 days"."""
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "now"
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return f"in {minutes} min"
    hours = round(seconds / 3600)
    if hours < 24:
        return f"in {hours} h"
    days = (due.astimezone().date() - now.astimezone().date()).days
    if days <= 1:
        return "tomorrow"
    if days < 60:
        return f"in {days} days"
    return f"on {due.astimezone():%Y-%m-%d}"


def review(card: CardState | None, *, card_id: int, rating: int, now: datetime, fuzz: bool = True) -> CardState:
    """The card after one review at `now` (timezone-aware UTC). `card` None means a new card."""
    from fsrs import Card, Rating, State

    if card is None:
        c = Card(card_id=card_id, due=now)
    else:
        c = Card(
            card_id=card.card_id,
            state=State(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        )
    new, _log = _scheduler(fuzz).review_card(c, Rating(rating), review_datetime=now)
    return CardState(
        card_id=new.card_id,
        state=int(new.state),
        step=new.step,
        stability=new.stability,
        difficulty=new.difficulty,
        due=new.due,
        last_review=new.last_review,
    )
