"""The quiz commands in-process through grader.cli.main (its error mapping included): filters, usage errors,
plain mode, JSON, stats and topics. What needs a real process or terminal is in test_quiz_e2e.py."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from quiz_helpers import QUIZ_BANK

from grader.cli import main


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def dojo_in(monkeypatch, capsys, home):
    monkeypatch.setenv("DOJO_HOME", str(home))
    monkeypatch.setenv("DOJO_NO_BUILTIN", "1")
    monkeypatch.setenv("DOJO_BANK", str(QUIZ_BANK))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")

    def run(*args: str, input: str = ""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(input))  # not a TTY: plain mode
        with pytest.raises(SystemExit) as e:
            main(list(args))
        out = capsys.readouterr()
        return SimpleNamespace(returncode=e.value.code, stdout=out.out, stderr=out.err)

    return run


def _stats(dojo_in) -> dict:
    r = dojo_in("stats", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_stdin_not_a_tty_means_plain_and_bad_lines_are_asked_again(dojo_in):
    r = dojo_in(
        "quiz", "--topic", "basics", "--tag", "threads", "--difficulty", "1", "--count", "1", input="x\n2\n"
    )
    assert r.returncode == 0, r.stderr
    assert "Not an answer:" in r.stdout and "Session summary" in r.stdout
    assert _stats(dojo_in)["answered"] == 1


def test_json_summary_on_stdout_and_the_session_on_stderr(dojo_in):
    r = dojo_in("quiz", "--count", "2", "--seed", "1", "--json", input="1\n1\n")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["mode"] == "practice" and data["seed"] == 1 and data["asked"] >= 1
    assert "Question 1 of 2" in r.stderr


def test_unknown_topic_exits_2_and_lists_topics(dojo_in):
    r = dojo_in("quiz", "--topic", "nope", "--plain")
    assert r.returncode == 2
    assert "no topic 'nope'" in r.stderr and "basics, loops" in r.stderr and "Traceback" not in r.stderr


def test_filters_that_leave_nothing_say_so(dojo_in):
    r = dojo_in("quiz", "--topic", "loops", "--difficulty", "easy", "--plain")
    assert r.returncode == 2
    assert "no question matches --topic loops --difficulty easy" in r.stderr


def test_mode_misuse_is_a_usage_error(dojo_in):
    assert dojo_in("quiz", "--review", "--exam").returncode == 2
    r = dojo_in("quiz", "--time-limit", "30")
    assert r.returncode == 2 and "--exam" in r.stderr


def test_review_with_nothing_due_says_so(dojo_in):
    r = dojo_in("quiz", "--review", "--plain")
    assert r.returncode == 0
    assert "Nothing is due for review" in r.stdout


def test_corrupt_progress_file_is_reported_and_kept(dojo_in, home):
    home.mkdir(parents=True)
    (home / "progress.sqlite3").write_bytes(b"not sqlite" * 100)
    r = dojo_in("stats")
    assert r.returncode == 1
    assert "cannot be read" in r.stderr and "untouched" in r.stderr and "Traceback" not in r.stderr
    assert (home / "progress.sqlite3").read_bytes() == b"not sqlite" * 100


def test_topics_and_stats(dojo_in):
    r = dojo_in("topics", "--json")
    assert r.returncode == 0
    assert [(t["topic"], t["questions"]) for t in json.loads(r.stdout)] == [("basics", 4), ("loops", 3)]
    dojo_in("quiz", "--topic", "basics", "--count", "4", "--seed", "3", input="1\n1\n1\nto_thread\n")
    st = _stats(dojo_in)
    assert isinstance(st["answered"], int) and isinstance(st["correct"], int)
    assert st["answered"] == 4 and st["streak_days"] == 1 and st["questions_seen"] == 4
    human = dojo_in("stats")
    assert "Answered 4" in human.stdout and "basics" in human.stdout
    assert "basics" in dojo_in("topics").stdout


def test_stats_counts_katas_passed(dojo_in, home, monkeypatch):
    import os

    from grader.progress import Store

    grader_bank = QUIZ_BANK.parent / "grader_bank"
    monkeypatch.setenv("DOJO_BANK", f"{QUIZ_BANK}{os.pathsep}{grader_bank}")
    home.mkdir(parents=True, exist_ok=True)
    with Store.open(home / "progress.sqlite3") as store:
        store.record_kata_attempt("fx-passed", "failed", 1.0)
        store.record_kata_attempt("fx-passed", "passed", 1.0)
        store.record_kata_attempt("fx-too-slow", "too_slow", 1.0)
        store.record_kata_event("fx-error", "started")
        store.record_kata_attempt("gone-from-the-bank", "passed", 1.0)
    st = _stats(dojo_in)
    assert (st["katas_passed"], st["katas_total"]) == (1, 10)  # a kata the bank no longer has is not counted
    assert st["katas"]["fx-passed"] == "passed" and st["katas"]["fx-too-slow"] == "attempted"
    assert st["katas"]["fx-error"] == "started" and st["katas"]["fx-failed"] == "new"


def test_unknown_tag_exits_2_and_lists_tags(dojo_in):
    r = dojo_in("quiz", "--tag", "thread", "--plain")
    assert r.returncode == 2
    assert "no tag 'thread'" in r.stderr and "asyncio, gil, threads" in r.stderr and "Did you mean" in r.stderr


def test_mistakes_brings_back_what_was_answered_wrong(dojo_in, home):
    from grader.progress import Store

    # fx-short gets "nope" (wrong) or "1" (wrong): either way it is a mistake now.
    dojo_in(
        "quiz", "--topic", "basics", "--tag", "asyncio", "--difficulty", "2", "--count", "2", input="1\nnope\n"
    )
    r = dojo_in("quiz", "--mistakes", "--seed", "1", "--json", input="to_thread\n1\n")
    data = json.loads(r.stdout)
    assert data["mode"] == "mistakes" and "fx-short" in [q["id"] for q in data["questions"]]
    with Store.open(home / "progress.sqlite3") as store:
        history = store.history()
    assert history["fx-short"].attempts == 2


def _age_cards(home: Path, delta) -> None:
    """Move every card's due time by `delta`, as if that much time had passed."""
    import sqlite3
    from datetime import datetime

    with sqlite3.connect(home / "progress.sqlite3") as conn:
        for qid, due in conn.execute("SELECT question_id, due FROM cards").fetchall():
            new = (datetime.fromisoformat(due) - delta).isoformat()
            conn.execute("UPDATE cards SET due = ? WHERE question_id = ?", (new, qid))


def test_stats_due_now_is_what_review_offers_and_each_answer_says_when_it_returns(dojo_in, home):
    """Issue 10, point 2: stats said 12 due today, then --review said nothing was due (the next in 7 min)."""
    from datetime import timedelta

    r = dojo_in("quiz", "--topic", "basics", "--count", "4", "--seed", "3", input="1\n1\n1\nto_thread\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("This question comes back for review in") == 4
    assert "comes back for review in 10 min" in r.stdout  # the wrong ones
    assert "comes back for review in 2 days" in r.stdout or "comes back for review tomorrow" in r.stdout
    st = _stats(dojo_in)
    assert st["due_now"] == 0 and st["due_later_today"] >= 1 and st["next_review_at"]
    assert len(st["forecast"]) == 7 and sum(d["due"] for d in st["forecast"]) == 4  # every card, this week
    assert 78 <= len(st["activity"]) <= 84 and st["activity"][-1]["count"] == 4  # 12 weeks, ending today
    assert "quiz --review" not in r.stdout.partition("Next:")[2]  # nothing is due: not suggested
    human = dojo_in("stats").stdout
    assert "0 due now" in human and "later today" in human and "next in 10 min" in human
    _age_cards(home, timedelta(minutes=11))
    st = _stats(dojo_in)
    review = dojo_in("quiz", "--review", "--json", input="")
    assert st["due_now"] >= 1 and json.loads(review.stdout)["planned"] == st["due_now"]
    _age_cards(home, timedelta(days=30))
    st = _stats(dojo_in)
    review = dojo_in("quiz", "--review", "--json", input="")
    assert st["due_now"] == 4 == json.loads(review.stdout)["planned"]  # all of them, not a default of 10


VERSIONED = """\
format_version: 1
topic: versions
title: Version-dependent answers
questions:
  - id: v-new
    type: true_false
    difficulty: 1
    python: ">=3.14"
    prompt: New behaviour?
    answer: true
    explanation: Changed in 3.14.
    references: [https://docs.python.org/3/whatsnew/3.14.html]
  - id: v-old
    type: true_false
    difficulty: 1
    python: "<3.14"
    prompt: Old behaviour?
    answer: true
    explanation: Before 3.14.
    references: [https://docs.python.org/3/whatsnew/3.13.html]
"""


@pytest.mark.parametrize(
    ("args", "asked"),
    [
        (["--python", "3.14"], ["v-new"]),
        (["--python", "3.12"], ["v-old"]),
        ([], ["v-new"] if sys.version_info >= (3, 14) else ["v-old"]),  # default: the running Python
    ],
)
def test_python_option_asks_only_questions_that_hold_there(dojo_in, tmp_path, monkeypatch, args, asked):
    (tmp_path / "bank" / "questions").mkdir(parents=True)
    (tmp_path / "bank" / "questions" / "versions.yaml").write_text(VERSIONED)
    monkeypatch.setenv("DOJO_BANK", str(tmp_path / "bank"))
    r = dojo_in("quiz", "--json", *args, input="1\n1\n")
    assert r.returncode == 0, r.stderr
    assert [q["id"] for q in json.loads(r.stdout)["questions"]] == asked


def test_python_option_rejects_what_is_not_a_version(dojo_in):
    r = dojo_in("quiz", "--python", "3", "--plain")
    assert r.returncode == 2
    assert r.stderr.startswith("error: --python: '3' is not a Python feature version") and "3.13" in r.stderr


def test_plain_mode_shows_a_question_id_only_after_its_answer(dojo_in):
    """Issue 10, point 14: the header showed `executors-kwargs-typeerror` before the answer."""
    from quiz_helpers import questions

    ids = list(questions())
    r = dojo_in("quiz", "--count", "7", "--seed", "5", input="1\n1\n1\n1\n1\n1\n1\n")
    assert r.returncode == 0, r.stderr
    import re

    blocks = re.split(r"\nQuestion \d+ of 7", r.stdout)[1:]
    assert len(blocks) == 7, r.stdout
    for block in blocks:
        asked, _, after = block.partition("\n=> ")
        assert not any(i in asked for i in ids), asked
        assert "Question id: fx-" in after
    exam = dojo_in("quiz", "--exam", "--count", "3", "--seed", "5", input="1\n1\n1\n3\n")
    before_review = exam.stdout.partition("Exam review")[0]
    assert not any(i in before_review for i in ids)


SHORT = """\
format_version: 1
topic: code
title: Code answers
questions:
  - id: c-yield
    type: short_answer
    difficulty: 1
    prompt: Which statement lets other tasks run, without waiting?
    answer: [await asyncio.sleep(0)]
    explanation: Sleeping for zero seconds yields to the event loop.
    references: [https://docs.python.org/3/library/asyncio-task.html#sleeping]
"""


@pytest.mark.parametrize(
    ("typed", "verdict"), [("await  asyncio.sleep( 0 )", "=> Correct."), ("awaitasyncio.sleep(0)", "=> Wrong.")]
)
def test_a_code_answer_is_right_whatever_its_spacing(dojo_in, tmp_path, monkeypatch, typed, verdict):
    """Issue 10, point 12: `await  asyncio.sleep( 0 )` was wrong where `await asyncio.sleep(0)` was right."""
    (tmp_path / "bank" / "questions").mkdir(parents=True)
    (tmp_path / "bank" / "questions" / "code.yaml").write_text(SHORT)
    monkeypatch.setenv("DOJO_BANK", str(tmp_path / "bank"))
    r = dojo_in("quiz", input=typed + "\n")
    assert r.returncode == 0, r.stderr
    assert verdict in r.stdout


def test_question_mark_never_submits_and_says_why_there_is_no_hint(dojo_in):
    """Issue 10, point 9: `?` in an explain prompt was taken as the answer; plain mode said "No more hints"
    for a question that never had any."""
    r = dojo_in("quiz", "--tag", "gil", "--topic", "loops", "--plain", input="?\n3\n")  # fx-explain, no hints
    assert r.returncode == 0, r.stderr
    assert "This question has no hints." in r.stdout and "No more hints" not in r.stdout
    assert "=> Rated Good." in r.stdout  # the question was not lost: the next line answered it
    r = dojo_in(
        "quiz", "--tag", "threads", "--difficulty", "1", "--seed", "1", "--count", "2", input="?\n?\n?\n2\n?\n1\n"
    )
    assert r.returncode == 0, r.stderr
    assert "Hint 1/2: Compare it with RLock." in r.stdout and "Hint 2/2:" in r.stdout
    assert "No more hints: you have seen all 2." in r.stdout
    assert "Hint 1/1: Three letters." in r.stdout
    exam = dojo_in("quiz", "--exam", "--topic", "basics", "--count", "1", input="?\n1\n")
    assert "No hints in an exam" in exam.stdout


def test_a_self_rated_answer_is_not_counted_right_in_the_topic_table_either(dojo_in):
    """The headline said "0 right · 1 self-rated Hard" and the table under it "1 right" for the same answer."""
    r = dojo_in("quiz", "--tag", "gil", "--topic", "loops", "--plain", input="the loop is blocked\n2\n")
    assert r.returncode == 0, r.stderr
    assert "0 right · 1 self-rated Hard" in r.stdout, r.stdout
    assert "loops: 0/1 right, score 50%" in r.stdout, r.stdout


def test_no_mistakes_before_any_answer_says_so(dojo_in):
    """`--mistakes` on a fresh start said "every question you answered was right the last time"."""
    r = dojo_in("quiz", "--mistakes")
    assert r.returncode == 0 and "nothing answered yet" in r.stdout and "was right" not in r.stdout, r.stdout
    dojo_in("quiz", "--topic", "basics", "--count", "1", "--seed", "3", "--plain", input="1\n")
    r = dojo_in("quiz", "--mistakes", "--topic", "basics")
    assert "nothing answered yet" not in r.stdout
