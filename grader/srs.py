"""Spaced repetition: which FSRS rating an answer earns, and the card's next state (fsrs>=6.3,<7).

fsrs is imported inside `review` only: choosing and showing the first question never needs it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

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


def _scheduler(fuzz: bool):
    from fsrs import Scheduler

    if fuzz not in _schedulers:
        _schedulers[fuzz] = Scheduler(enable_fuzzing=fuzz)
    return _schedulers[fuzz]


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
