"""`dojo next` (grader/next_step.py): the one thing to do now, in a sensible order (issue 10, point 13)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from test_quiz_cli import _age_cards, dojo_in, home  # noqa: F401  (fixtures)

from grader.models import Kata
from grader.next_step import READY, recommend


def _kata(slug: str, difficulty: int, *topics: str) -> Kata:
    return Kata(slug, slug.title(), difficulty, topics, ">=3.11", 60, 512, ("a", "b", "c"), Path("/nowhere"))


KATAS = [_kata("hard-one", 3, "asyncio"), _kata("easy-one", 1, "gil", "threads"), _kata("mid-one", 2, "asyncio")]


def _topic(name: str, questions: int = 10, seen: int = 0, mastered: int = 0) -> dict:
    return {"topic": name, "questions": questions, "seen": seen, "mastered": mastered}


def _st(**kw) -> dict:
    base = {
        "answered": 5,
        "due_now": 0,
        "mistakes": 0,
        "next_review_at": None,
        "katas": {},
        "all_topics": [_topic("gil"), _topic("threads"), _topic("asyncio")],
    }
    return {**base, **kw}


def test_reviews_due_come_first():
    step = recommend(_st(due_now=3, katas={"easy-one": "started"}), KATAS)
    assert step.kind == "review" and step.args == ("quiz", "--review") and "3 questions are due" in step.why


def test_an_open_kata_comes_before_new_work():
    step = recommend(_st(katas={"mid-one": "attempted"}), KATAS)
    assert step.args == ("kata", "check", "mid-one") and "finish it" in step.why
    # Said in plain English ("You tried but not yet passed 'X'" read as a sentence with a word missing).
    assert step.why.startswith("You tried 'Mid-One' but have not passed it yet:"), step.why
    assert recommend(_st(katas={"mid-one": "started"}), KATAS).why.startswith("You started 'Mid-One':")


def test_a_kata_when_its_topics_are_known_easiest_first():
    topics = [_topic("gil", mastered=READY), _topic("threads", mastered=READY), _topic("asyncio", mastered=READY)]
    step = recommend(_st(all_topics=topics), KATAS)
    assert step.args == ("kata", "start", "easy-one") and ("kata", "show", "easy-one") in step.also
    done = recommend(_st(all_topics=topics, katas={"easy-one": "passed", "mid-one": "given up"}), KATAS)
    assert done.args == ("kata", "start", "hard-one")


def test_questions_that_prepare_for_the_next_kata():
    topics = [_topic("gil", mastered=READY), _topic("threads", mastered=1), _topic("asyncio")]
    step = recommend(_st(all_topics=topics), KATAS)
    assert step.args == ("quiz", "--topic", "threads") and "Easy-One" in step.why


def test_a_newcomer_starts_with_a_quiz_and_a_finisher_is_told_so():
    assert recommend(_st(answered=0), KATAS).args == ("quiz",)
    seen = [_topic(t, questions=5, seen=5, mastered=5) for t in ("gil", "threads", "asyncio")]
    passed = dict.fromkeys(("easy-one", "mid-one", "hard-one"), "passed")
    assert recommend(_st(all_topics=seen, katas=passed, mistakes=2), KATAS).args == ("quiz", "--mistakes")
    done = recommend(_st(all_topics=seen, katas=passed), KATAS)
    assert done.kind == "done" and done.args == () and "All caught up" in done.why


def test_dojo_next_follows_the_learner(dojo_in, home):  # noqa: F811
    r = dojo_in("next")
    assert r.returncode == 0, r.stderr
    assert "Start with ten questions" in r.stdout and "dojo quiz\n" in r.stdout
    dojo_in("quiz", "--topic", "basics", "--count", "4", "--seed", "3", input="1\n1\n1\nto_thread\n")
    first = json.loads(dojo_in("next", "--json").stdout)
    assert first["kind"] == "quiz" and first["args"] == ["quiz", "--topic", "loops"]  # the unseen topic
    _age_cards(home, timedelta(days=30))
    r = dojo_in("next")
    assert "4 questions are due for review" in r.stdout and "dojo quiz --review" in r.stdout
    assert "Then: " in r.stdout and "quiz --topic loops" in r.stdout
    data = json.loads(dojo_in("next", "--json").stdout)
    assert data["command"].endswith("dojo quiz --review") and data["then"]["args"] == ["quiz", "--topic", "loops"]


def test_dojo_next_fits_60_columns(dojo_in, home, monkeypatch):  # noqa: F811
    """`dojo next` wrote its lines unwrapped: at 60 columns the terminal broke "Then: ... (You tried 'Fi" / "nd"."""
    dojo_in("quiz", "--topic", "basics", "--count", "4", "--seed", "3", input="1\n1\n1\nto_thread\n")
    _age_cards(home, timedelta(days=30))
    monkeypatch.setenv("COLUMNS", "60")
    out = dojo_in("next").stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 60, out
    assert any(line.strip().endswith("dojo quiz --topic loops") for line in lines), out  # a command, whole
    assert any(line.startswith("Then: ") for line in lines), out


@pytest.mark.parametrize("width", [60, 80])
def test_stats_pictures_fit_narrow_terminals(dojo_in, home, monkeypatch, width):  # noqa: F811
    monkeypatch.setenv("COLUMNS", str(width))
    dojo_in("quiz", "--topic", "basics", "--count", "4", "--seed", "3", input="1\n1\n1\nto_thread\n")
    out = dojo_in("stats").stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width, out
    assert "Activity, last 12 weeks" in out and "less · ░ ▒ ▓ █ more" in out
    assert "Reviews coming up" in out and "Today" in out
    basics = next(line for line in lines if line.startswith("basics"))
    assert "█" in basics and "/4" in basics  # a bar with something filled, out of the topic's 4 questions
    top = lines.index("Activity, last 12 weeks")
    heat = lines[top + 2 : top + 9]  # below the month names: one row per weekday, Monday first
    assert heat[0].startswith("Mon ") and heat[6].startswith("Sun ")
    assert all(len(line.split()) >= 11 for line in heat)  # 12 weeks (this week may not have reached the day)
    assert any(c in "░▒▓█" for line in heat for c in line[4:])


def test_suggested_commands_are_never_split_across_lines(monkeypatch):
    """A command the learner copies must be one line, even when `python -m grader` has a long path."""
    import io

    from rich.console import Console

    from grader import invocation
    from grader.quiz import Summary
    from grader.ui.summary import After, show_summary, show_topics

    monkeypatch.setattr(
        invocation, "prefix", lambda: "/a/very/long/path/to/the/project/.venv/bin/python -m grader"
    )
    out = io.StringIO()
    con = Console(file=out, width=40, color_system=None)
    rows = [{"topic": "gil", "title": "The GIL", "questions": 3, "seen": 0, "accuracy": None}]
    show_topics(con, rows)
    assert invocation.command("quiz", "--topic", "gil") in out.getvalue()
    from quiz_helpers import questions

    from grader.answers import Response
    from grader.quiz import Outcome, present
    from grader.ui.session import grade

    wrong = Outcome(present(questions()["fx-true-false"], 1))
    grade(wrong, Response(value=True))  # `Lock` is not reentrant: wrong
    show_summary(con, Summary("practice", 1, 1, outcomes=[wrong]), After(due_now=1))
    text = out.getvalue()
    for args in (("quiz", "--mistakes"), ("quiz", "--review"), ("next",), ("stats",)):
        assert invocation.command(*args) in text, args


def test_topics_at_60_columns_wrap_titles_between_words(dojo_in, monkeypatch):  # noqa: F811
    """Issue 10, point 8 (the quiz side): at 60 columns `topics` showed "Cho... a con..."."""
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("DOJO_NO_BUILTIN", "")
    monkeypatch.setenv("DOJO_BANK", "")
    out = dojo_in("topics").stdout
    assert "…" not in out and "..." not in out
    assert max(len(line.rstrip()) for line in out.splitlines() if "dojo" not in line) <= 60
    import re

    from grader.bank import load_bank
    from grader.paths import builtin_bank

    tokens = set(out.split())
    for topic in load_bank([builtin_bank()]).topics:
        for word in topic.title.split():
            assert word in tokens, (word, topic.title)  # whole, never cut or split across lines
    assert re.search(r"^ choosing ", out, re.MULTILINE)


def test_a_day_with_no_reviews_lines_up_with_the_bars():
    from datetime import date

    from rich.console import Console

    from grader.ui.stats_view import _forecast

    today = date(2026, 12, 2)
    days = [{"date": "2026-12-02", "due": 8}, {"date": "2026-12-03", "due": 0}, {"date": "2026-12-04", "due": 5}]
    con = Console(record=True, width=60, color_system=None)
    con.print(_forecast(con, days, today))
    rows = [line for line in con.export_text().splitlines() if line.strip()]
    assert rows[1].index("-") == rows[0].index("█") == rows[2].index("█"), rows
