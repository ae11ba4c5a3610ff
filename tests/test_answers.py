"""Checking, scoring and plain-mode parsing of every question type (grader/answers.py)."""

from __future__ import annotations

import pytest
from quiz_helpers import questions

from grader import answers
from grader.answers import AnswerError, Response, check, parse_plain, parse_rating

Q = questions()


def test_fixture_bank_has_one_question_of_each_type():
    from grader.models import QUESTION_TYPES

    assert sorted(q.type for q in Q.values()) == sorted(QUESTION_TYPES)


@pytest.mark.parametrize(
    ("qid", "response", "correct", "score"),
    [
        ("fx-single", Response(picked=(0,)), True, 1.0),
        ("fx-single", Response(picked=(1,)), False, 0.0),
        ("fx-predict", Response(picked=(0,)), True, 1.0),
        ("fx-predict", Response(picked=(2,)), False, 0.0),
        ("fx-true-false", Response(value=False), True, 1.0),
        ("fx-true-false", Response(value=True), False, 0.0),
        ("fx-short", Response(text="asyncio.to_thread"), True, 1.0),
        ("fx-short", Response(text="run_in_executor"), False, 0.0),
        ("fx-ordering", Response(picked=(0, 1, 2, 3)), True, 1.0),
        ("fx-ordering", Response(picked=(3, 2, 1, 0)), False, 0.0),
        ("fx-explain", Response(text="", rating=1), False, 0.0),
        ("fx-explain", Response(text="x", rating=2), True, 0.5),
        ("fx-explain", Response(text="x", rating=3), True, 1.0),
        ("fx-explain", Response(text="x", rating=4), True, 1.0),
    ],
)
def test_check_each_type(qid, response, correct, score):
    g = check(Q[qid], response)
    assert (g.correct, g.score) == (correct, score)


@pytest.mark.parametrize(
    ("picked", "correct", "score"),
    [
        ((0, 1), True, 1.0),  # exactly the right ones
        ((0,), False, 0.5),  # one of two: half credit
        ((1, 3), False, 0.0),  # one right, one wrong: they cancel
        ((0, 1, 2), False, 0.5),  # both right, one wrong
        ((0, 1, 2, 3), False, 0.0),  # ticking everything earns nothing
        ((2,), False, 0.0),
    ],
)
def test_multiple_choice_partial_credit(picked, correct, score):
    g = check(Q["fx-multiple"], Response(picked=picked))
    assert (g.correct, g.score) == (correct, score)
    assert g.partial == (0 < score < 1)


def test_multiple_choice_detail_and_feedback():
    g = check(Q["fx-multiple"], Response(picked=(0, 2)))
    assert "1 of 2 right choices" in g.detail and "1 wrong pick" in g.detail and "1 missed" in g.detail
    # Feedback of the wrong pick and of the missed right choice, both worth reading.
    assert any("generator" in f for f in g.feedback)
    assert any("Tasks are futures" in f for f in g.feedback)


def test_single_choice_shows_the_picked_choices_feedback():
    assert check(Q["fx-single"], Response(picked=(1,))).feedback == ("That one guards imports only.",)


@pytest.mark.parametrize("text", ["to_thread", "  TO_THREAD ", "`asyncio.to_thread`", "Asyncio.To_Thread"])
def test_short_answer_ignores_case_space_and_backticks(text):
    assert check(Q["fx-short"], Response(text=text)).correct


@pytest.mark.parametrize("text", ["to thread", "asyncio.to_thread()", "thread"])
def test_short_answer_rejects_other_text(text):
    assert not check(Q["fx-short"], Response(text=text)).correct


def test_ordering_credits_the_longest_run_in_relative_order():
    # One item moved from the front to the back: 3 of 4 still in order -> (3-1)/(4-1).
    g = check(Q["fx-ordering"], Response(picked=(1, 2, 3, 0)))
    assert not g.correct
    assert g.score == pytest.approx(2 / 3)
    assert "0 of 4 in the right place" in g.detail


def test_malformed_responses_are_programming_errors():
    with pytest.raises(ValueError):
        check(Q["fx-single"], Response(picked=(0, 1)))
    with pytest.raises(ValueError):
        check(Q["fx-ordering"], Response(picked=(0, 0, 1, 2)))
    with pytest.raises(ValueError):
        check(Q["fx-explain"], Response(text="x"))


def test_choice_marks():
    assert answers.choice_marks(Q["fx-multiple"], (0, 2)) == ["right", "missed", "wrong", ""]


def test_describe_and_correct_answer():
    q = Q["fx-ordering"]
    assert answers.describe(q, Response(picked=(1, 0, 2, 3))).startswith("the awaiting coroutine suspends > ")
    assert answers.correct_answer(q).startswith("the task is scheduled > ")
    assert answers.describe(Q["fx-explain"], Response(text="because", rating=3)) == "[Good] because"
    assert answers.correct_answer(Q["fx-true-false"]) == "False"


# --- plain mode ---------------------------------------------------------------------------------------------

ORDER = (2, 0, 1)  # display position -> original index


def test_plain_single_maps_display_number_to_the_original_choice():
    assert parse_plain(Q["fx-single"], ORDER, "1") == Response(picked=(2,))
    assert parse_plain(Q["fx-single"], ORDER, " 3 ") == Response(picked=(1,))


def test_plain_multiple_accepts_commas_and_spaces():
    order = (3, 2, 1, 0)
    assert parse_plain(Q["fx-multiple"], order, "1,3") == Response(picked=(1, 3))
    assert parse_plain(Q["fx-multiple"], order, "4 3") == Response(picked=(0, 1))


@pytest.mark.parametrize(
    ("line", "value"), [("1", True), ("2", False), ("true", True), ("F", False), ("no", False)]
)
def test_plain_true_false(line, value):
    assert parse_plain(Q["fx-true-false"], (), line).value is value


def test_plain_ordering_maps_item_numbers():
    order = (3, 1, 0, 2)
    assert parse_plain(Q["fx-ordering"], order, "3,2,4,1") == Response(picked=(0, 1, 2, 3))


def test_plain_ordering_items_left_out_follow_in_the_order_shown():
    order = (3, 1, 0, 2)
    assert parse_plain(Q["fx-ordering"], order, "3") == Response(picked=(0, 3, 1, 2))
    assert parse_plain(Q["fx-ordering"], order, "1") == Response(picked=order)


def test_plain_text_types():
    assert parse_plain(Q["fx-short"], (), "  to_thread ") == Response(text="to_thread")
    assert parse_plain(Q["fx-explain"], (), "") == Response(text="")


@pytest.mark.parametrize(
    ("qid", "line", "reason"),
    [
        ("fx-single", "", "type the number"),
        ("fx-single", "b", "'b' is not a number"),
        ("fx-single", "4", "4 is out of range; choose from 1 to 3"),
        ("fx-single", "0", "out of range"),
        ("fx-single", "1,2", "exactly one"),
        ("fx-multiple", "1,5", "5 is out of range"),
        ("fx-true-false", "maybe", "1 (True) or 2 (False)"),
        ("fx-ordering", "1,1,2,3", "a number appears twice"),
        ("fx-short", "   ", "type your answer"),
    ],
)
def test_plain_rejects_with_a_short_reason(qid, line, reason):
    q = Q[qid]
    order = tuple(range(len(q.choices) or len(q.answer or ()))) if q.type != "true_false" else ()
    with pytest.raises(AnswerError) as e:
        parse_plain(q, order, line)
    assert reason in e.value.reason


def test_plain_rating():
    assert [parse_rating(x) for x in ("1", "2", " 3 ", "easy", "Again")] == [1, 2, 3, 4, 1]
    with pytest.raises(AnswerError, match="1 \\(Again\\)"):
        parse_rating("5")


def test_hint_requests():
    assert answers.is_hint_request(" ? ") and answers.is_hint_request("hint")
    assert not answers.is_hint_request("2")


def test_headlines():
    assert check(Q["fx-single"], Response(picked=(0,))).headline == "Correct."
    assert check(Q["fx-single"], Response(picked=(1,))).headline == "Wrong."
    assert check(Q["fx-multiple"], Response(picked=(0,))).headline == (
        "Partly right: 1 of 2 right choices, 1 missed (score 50%)."
    )
    assert check(Q["fx-explain"], Response(text="", rating=3)).headline == "Rated Good."


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("await  asyncio.sleep( 0 )", True),  # issue 10, point 12: spacing never matters
        ("`await asyncio.sleep(0)`", True),
        ("await asyncio.sleep(0)  # yield to the loop", True),
        ("awaitasyncio.sleep(0)", False),  # names do: this is one name, not two
        ("await asyncio.sleep(1)", False),
        ("await asyncio.sleep(0", False),
    ],
)
def test_code_answers_compare_token_by_token(typed, right):
    from dataclasses import replace

    q = replace(_short_question(), answer=("await asyncio.sleep(0)",))
    assert check(q, Response(text=typed)).correct is right


def test_string_literals_compare_by_value():
    from dataclasses import replace

    q = replace(_short_question(), answer=("print('done')",))
    assert check(q, Response(text='print( "done" )')).correct
    assert not check(q, Response(text="print( 'Done' )")).correct


def _short_question():
    return Q["fx-short"]
