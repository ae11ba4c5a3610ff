"""The quiz engine (grader/quiz.py) and the session loop (grader/ui/session.py) driven through plain mode."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from quiz_helpers import fixture_bank, questions

from grader import quiz
from grader.errors import UnknownItemError, UsageError
from grader.progress import Store
from grader.quiz import History, filter_questions, parse_difficulty, present, select
from grader.ui import session
from grader.ui.plain import LineReader, PlainIO

BANK = fixture_bank()
ALL = list(BANK.questions)
Q = questions()
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


# --- filters ------------------------------------------------------------------------------------------------


def test_filters_combine_topic_tag_and_difficulty():
    assert {q.id for q in filter_questions(ALL, topics=["loops"])} == {"fx-predict", "fx-ordering", "fx-explain"}
    assert {q.id for q in filter_questions(ALL, tags=["gil"])} == {"fx-single", "fx-explain"}
    assert {q.id for q in filter_questions(ALL, topics=["basics"], difficulties=[2])} == {
        "fx-multiple",
        "fx-short",
    }
    assert {q.id for q in filter_questions(ALL, tags=["threads", "gil"], topics=["basics"])} == {
        "fx-single",
        "fx-true-false",
    }
    assert filter_questions(ALL, topics=["loops"], difficulties=[1]) == []


def test_unknown_topic_lists_the_valid_ones():
    with pytest.raises(UnknownItemError) as e:
        filter_questions(ALL, topics=["asyncoi"])
    assert "no topic 'asyncoi'" in e.value.message and "basics, loops" in e.value.message
    assert e.value.exit_status == 2


def test_unknown_tag_lists_the_valid_ones_and_suggests():
    with pytest.raises(UnknownItemError) as e:
        filter_questions(ALL, tags=["thread"])
    assert "asyncio, gil, threads" in e.value.message
    assert "threads" in e.value.hint


@pytest.mark.parametrize(("raw", "level"), [("1", 1), ("easy", 1), ("Medium", 2), ("3", 3), ("hard", 3)])
def test_parse_difficulty(raw, level):
    assert parse_difficulty(raw) == level


def test_bad_difficulty_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown difficulty '4'"):
        parse_difficulty("4")


# --- selection and order ------------------------------------------------------------------------------------


def _ids(qs):
    return [q.id for q in qs]


def test_same_seed_same_questions_and_order():
    a = select("practice", ALL, {}, count=5, seed=7, now=NOW)
    b = select("practice", list(reversed(ALL)), {}, count=5, seed=7, now=NOW)
    assert _ids(a) == _ids(b) and len(a) == 5
    orders = {tuple(_ids(select("practice", ALL, {}, count=7, seed=s, now=NOW))) for s in range(10)}
    assert len(orders) > 5  # the seed really shuffles


def test_same_seed_same_choice_order():
    assert present(Q["fx-multiple"], 3) == present(Q["fx-multiple"], 3)
    orders = {present(Q["fx-multiple"], s).order for s in range(20)}
    assert len(orders) > 3
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)


def test_ordering_items_are_never_shown_already_in_order():
    for s in range(50):
        assert present(Q["fx-ordering"], s).order != (0, 1, 2, 3)


def test_options_follow_the_display_order():
    p = present(Q["fx-single"], 1)
    assert p.options == [Q["fx-single"].choices[i].text for i in p.order]
    assert present(Q["fx-true-false"], 1).options == ["True", "False"]
    assert present(Q["fx-short"], 1).options == []


def test_fresh_first_puts_never_answered_questions_first():
    history = {qid: History(1, 1, True, NOW) for qid in ("fx-single", "fx-multiple", "fx-predict")}
    chosen = select("practice", ALL, history, count=7, seed=1, now=NOW, fresh_first=True)
    assert set(_ids(chosen[:4])) == set(Q) - set(history)


def test_review_takes_due_questions_most_overdue_first():
    history = {
        "fx-single": History(1, 1, True, NOW - timedelta(days=1)),
        "fx-short": History(1, 0, False, NOW - timedelta(days=3)),
        "fx-predict": History(2, 2, True, NOW + timedelta(days=2)),  # not due
    }
    assert _ids(select("review", ALL, history, count=10, seed=1, now=NOW)) == ["fx-short", "fx-single"]


def test_mistakes_takes_questions_last_answered_wrong():
    history = {
        "fx-single": History(2, 1, False, NOW),
        "fx-short": History(1, 1, True, NOW),
        "fx-explain": History(3, 0, False, NOW),
    }
    assert set(_ids(select("mistakes", ALL, history, count=10, seed=1, now=NOW))) == {"fx-single", "fx-explain"}


# --- summary ------------------------------------------------------------------------------------------------


def _graded(qid, response):
    o = quiz.Outcome(present(Q[qid], 1))
    session.grade(o, response)
    return o


def test_summary_scores_topics_and_missed():
    from grader.answers import Response

    s = quiz.Summary("practice", 1, planned=4)
    s.outcomes = [
        _graded("fx-single", Response(picked=(0,))),
        _graded("fx-multiple", Response(picked=(0,))),  # half credit
        _graded("fx-predict", Response(picked=(1,))),
    ]
    d = s.to_dict()
    assert (d["answered"], d["correct"], d["score"], d["total"]) == (3, 1, 1.5, 3)
    assert d["topics"]["basics"] == {"answered": 2, "correct": 1, "score": 1.5}
    assert [m["id"] for m in d["missed"]] == ["fx-multiple", "fx-predict"]
    assert d["percent"] == 50.0


def test_exam_counts_unanswered_questions_as_missed():
    s = quiz.Summary("exam", 1, planned=2)
    s.outcomes = [quiz.Outcome(present(Q["fx-single"], 1)), quiz.Outcome(present(Q["fx-short"], 1))]
    assert s.to_dict()["total"] == 2 and s.to_dict()["answered"] == 0
    assert [m["answered"] for m in s.to_dict()["missed"]] == [False, False]


# --- the session loop, through plain mode and a real progress file ------------------------------------------


def _plain(lines: str, out: io.StringIO, exam: bool = False) -> PlainIO:
    r, w = os.pipe()
    os.write(w, lines.encode())
    os.close(w)
    return PlainIO(out, LineReader(os.fdopen(r, "rb", buffering=0)), echo=True, exam=exam)


def _run(tmp_path: Path, qids: list[str], lines: str, mode: str = "practice", time_limit: float | None = None):
    out = io.StringIO()
    plan = session.Plan(mode, 1, [present(Q[q], 1) for q in qids], time_limit)
    with Store.open(tmp_path / "p.sqlite3", fuzz=False) as store:
        io_ = _plain(lines, out, exam=mode == "exam")
        summary = session.run(plan, io_, session.recorder(store, mode=mode, session="t"))
        return summary, out.getvalue(), store.history(), store.totals()


def _number_of(qid: str, original: int) -> str:
    return str(present(Q[qid], 1).order.index(original) + 1)


def test_session_grades_records_and_teaches(tmp_path):
    right = _number_of("fx-single", 0)
    summary, out, history, totals = _run(tmp_path, ["fx-single", "fx-short"], f"{right}\nrun_in_executor\n")
    assert summary.ended == "completed" and totals == (2, 1)
    assert history["fx-single"].last_correct and not history["fx-short"].last_correct
    assert "=> Correct." in out and "Yes, one thread at a time runs bytecode." in out
    assert "Right answer: asyncio.to_thread" in out and "Why: `asyncio.to_thread`" in out
    assert "Read more: https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread" in out


def test_bad_lines_are_asked_again_with_a_reason(tmp_path):
    _summary, out, _, totals = _run(tmp_path, ["fx-true-false"], "maybe\n7\n2\n")
    assert out.count("Not an answer: answer 1 (True) or 2 (False). Try again.") == 2
    assert totals == (1, 1)


def test_hint_is_shown_and_makes_a_right_answer_hard(tmp_path):
    summary, out, _, _ = _run(tmp_path, ["fx-true-false"], "?\n?\n?\n2\n")
    assert "Hint 1/2: Compare it with RLock." in out and "Hint 2/2: Try acquiring it twice" in out
    assert "No more hints" in out
    o = summary.outcomes[0]
    assert (o.hints, o.correct, o.rating) == (2, True, 2)


def test_explain_in_plain_mode_shows_the_model_answer_and_reads_the_self_rating(tmp_path):
    summary, out, history, _ = _run(tmp_path, ["fx-explain", "fx-single"], "9\n4\n1\n")
    assert "Model answer:" in out and "  - waits overlap" in out and "Not a rating" in out
    assert summary.outcomes[0].rating == 4 and history["fx-explain"].last_correct
    assert len(summary.answered) == 2  # one line per question: the next line answered the next question


def test_one_line_answers_any_question(tmp_path):
    # The contract's smoke test (printf '1\n' | dojo quiz --plain ...) must record whatever comes first.
    for qid in sorted(Q):
        summary, _, history, _ = _run(tmp_path / qid, [qid], "1\n")
        assert summary.ended == "completed" and qid in history, qid


def test_end_of_input_ends_the_session_keeping_what_was_answered(tmp_path):
    right = _number_of("fx-single", 0)
    summary, _, _, totals = _run(tmp_path, ["fx-single", "fx-multiple", "fx-short"], f"{right}\n")
    assert summary.ended == "end_of_input"
    assert totals == (1, 1) and len(summary.answered) == 1


def test_exam_gives_no_feedback_until_the_review(tmp_path):
    right = _number_of("fx-single", 0)
    summary, out, _, totals = _run(tmp_path, ["fx-single", "fx-explain"], f"{right}\nmy answer\n3\n", mode="exam")
    assert summary.ended == "completed" and totals == (2, 2)
    before_review, _, review = out.partition("Exam review")
    assert "=> " not in before_review and "Why:" not in before_review and "? for a hint" not in before_review
    assert "=> Correct." in review and "Your answer: my answer" in review and "Model answer:" in review


def test_exam_time_up_counts_the_rest_wrong(tmp_path):
    # The pipe is kept open and silent, as if the learner were still thinking.
    out = io.StringIO()
    r, w = os.pipe()
    plan = session.Plan("exam", 1, [present(Q[q], 1) for q in ("fx-single", "fx-short", "fx-predict")], 0.3)
    try:
        with Store.open(tmp_path / "p.sqlite3", fuzz=False) as store:
            reader = PlainIO(out, LineReader(os.fdopen(r, "rb", buffering=0)), echo=True)
            summary = session.run(plan, reader, session.recorder(store, mode="exam", session="t"))
            # Issue 10, point 3: "count as wrong" is what the store keeps too (--mistakes and stats see them).
            assert store.totals() == (3, 0)
            assert not any(h.last_correct for h in store.history().values())
    finally:
        os.close(w)
    assert summary.ended == "time_up"
    assert len(summary.outcomes) == 3 and summary.to_dict()["total"] == 3 and summary.correct == 0
    assert "Time is up. The 3 questions left unanswered count as wrong." in out.getvalue()


def test_first_words_name_the_question_a_learner_would_recognise():
    from dataclasses import replace

    from grader.quiz import first_words

    q = Q["fx-single"]
    assert first_words(q, 60) == "Which lock does CPython hold while it runs bytecode?"  # ** marks removed
    assert first_words(q, 24) == "Which lock does CPython…"  # cut between words
    predict = Q["fx-predict"]  # "What does this print?" alone names nothing: its code does
    assert first_words(predict) == "What does this print? async def main():"
    assert first_words(replace(q, prompt="Call `run_in_executor` with **kwargs")) == (
        "Call run_in_executor with kwargs"
    )


@pytest.mark.parametrize(
    "spec",
    [
        ">=3.14",
        "<3.14",
        ">=3.11,<3.14",
        "==3.13",
        "!=3.12",
        ">3.13",
        "<=3.12",
        " >= 3.12 , < 3.15 ",
        "~=3.12",
        "==3.*",
        ">=3.13.1",
    ],
)
def test_holds_on_agrees_with_packaging(spec):
    from grader.quiz import holds_on
    from grader.versions import admits

    for minor in range(9, 17):
        assert holds_on(spec, (3, minor)) == admits(spec, (3, minor)), (spec, minor)


def test_an_unknown_tag_in_a_big_bank_suggests_instead_of_listing_every_tag():
    known = [f"tag-{i:03}" for i in range(200)] + ["gather"]
    with pytest.raises(UnknownItemError) as e:
        quiz._known("gathr", known, "tag")
    assert e.value.message == "no tag 'gathr'" and e.value.hint == "Did you mean: gather?"
    with pytest.raises(UnknownItemError) as e:
        quiz._known("zzzzzz", known, "tag")
    assert "tag-001" not in e.value.message + (e.value.hint or "") and "topics" in (e.value.hint or "")
