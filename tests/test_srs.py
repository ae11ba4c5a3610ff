"""FSRS scheduling (grader/srs.py): the rating an answer earns and what it does to the card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grader import srs
from grader.srs import AGAIN, EASY, GOOD, HARD, rating_for

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("qtype", "correct", "hints", "self_rating", "expected"),
    [
        ("single_choice", False, 0, None, AGAIN),
        ("single_choice", False, 2, None, AGAIN),
        ("multiple_choice", True, 1, None, HARD),
        ("short_answer", True, 0, None, GOOD),
        ("ordering", True, 0, None, GOOD),
        ("explain", True, 0, EASY, EASY),
        ("explain", False, 0, AGAIN, AGAIN),
        ("explain", True, 1, HARD, HARD),
    ],
)
def test_rating_for(qtype, correct, hints, self_rating, expected):
    assert rating_for(qtype, correct, hints, self_rating) == expected


def test_explain_needs_a_self_rating():
    with pytest.raises(ValueError):
        rating_for("explain", True, 0, None)


def test_card_id_is_stable_and_fits_int64():
    a = srs.card_id_for("gil-counter-race")
    assert a == srs.card_id_for("gil-counter-race") != srs.card_id_for("gil-counter-race-2")
    assert 0 <= a < 2**63


def _after(*ratings: int, start: datetime = NOW) -> srs.CardState:
    card, now = None, start
    for r in ratings:
        card = srs.review(card, card_id=7, rating=r, now=now, fuzz=False)
        now = card.due
    return card


def test_new_card_is_reviewed_with_the_given_card_id_and_time():
    card = srs.review(None, card_id=42, rating=GOOD, now=NOW, fuzz=False)
    assert card.card_id == 42
    assert card.last_review == NOW
    assert card.due > NOW


def test_again_brings_a_card_back_sooner_than_good_and_good_sooner_than_easy():
    again, hard, good, easy = (srs.review(None, card_id=1, rating=r, now=NOW, fuzz=False) for r in (1, 2, 3, 4))
    assert again.due < good.due < easy.due
    assert again.due <= hard.due <= good.due
    assert again.due - NOW <= timedelta(minutes=10)


def test_intervals_grow_with_successive_good_reviews():
    card = _after(GOOD, GOOD, GOOD)
    assert card.state == 2  # Review
    longer = srs.review(card, card_id=7, rating=GOOD, now=card.due, fuzz=False)
    assert longer.due - card.due > card.due - card.last_review


def test_a_lapse_after_learning_sends_the_card_to_relearning():
    card = _after(GOOD, GOOD, GOOD)
    lapsed = srs.review(card, card_id=7, rating=AGAIN, now=card.due, fuzz=False)
    assert lapsed.state == 3  # Relearning
    assert lapsed.due - card.due <= timedelta(minutes=10)


def test_without_fuzz_scheduling_is_deterministic():
    assert _after(GOOD, GOOD, GOOD, GOOD) == _after(GOOD, GOOD, GOOD, GOOD)


def test_a_right_first_answer_comes_back_in_days_a_wrong_one_in_ten_minutes():
    """Issue 10, point 2: every answer, right or wrong, came back in about 10 minutes."""
    right = srs.review(None, card_id=1, rating=GOOD, now=NOW, fuzz=False)
    wrong = srs.review(None, card_id=2, rating=AGAIN, now=NOW, fuzz=False)
    assert right.due - NOW >= timedelta(days=1)
    assert wrong.due - NOW == timedelta(minutes=10)
    # A card saved by the old scheduler in its second learning step still gets a sensible next due.
    old = srs.CardState(3, 1, 1, 2.3, 5.0, NOW, NOW - timedelta(minutes=1))
    assert srs.review(old, card_id=3, rating=GOOD, now=NOW, fuzz=False).due - NOW >= timedelta(days=1)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=-5), "now"),
        (timedelta(seconds=20), "in 1 min"),
        (timedelta(minutes=10), "in 10 min"),
        (timedelta(hours=5), "in 5 h"),
        (timedelta(days=4, hours=1), "in 4 days"),
    ],
)
def test_when_a_review_comes_back_reads_naturally(delta, text):
    assert srs.when(NOW + delta, NOW) == text
