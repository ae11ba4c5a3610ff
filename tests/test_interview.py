"""`dojo interview`: the plan and the scorecard (pure), and the whole round in a real pseudo-terminal: questions
under one clock, the explain question rated in the review, the kata edited "in the editor" and graded on Enter,
the scorecard with commands, everything saved to progress."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from quiz_helpers import QUIZ_BANK, fixture_bank

from grader import interview
from grader.answers import Graded
from grader.bank import load_bank
from grader.quiz import Outcome, Summary, present

ROOT = Path(__file__).resolve().parent.parent
KATAS = Path(__file__).resolve().parent / "fixtures" / "grader_bank"


def _bank():
    return load_bank([QUIZ_BANK, KATAS])


def test_plan_spreads_questions_across_topics_and_ends_with_one_to_explain() -> None:
    bank = _bank()
    rnd = interview.plan(bank.questions, bank.katas, {}, minutes=45, count=4, seed=7)
    kinds = [q.type for q in rnd.questions]
    assert len(rnd.questions) == 4 and kinds[-1] == "explain" and kinds.count("explain") == 1
    assert {q.topic for q in rnd.questions[:-1]} == {"basics", "loops"}  # both topics before a repeat
    assert rnd.total_s == 45 * 60 and rnd.quiz_s == pytest.approx(45 * 60 * interview.QUIZ_SHARE)
    assert rnd.kata is not None and rnd.kata.slug == "fx-async-deadlock"  # the next kata, easiest first
    again = interview.plan(bank.questions, bank.katas, {}, minutes=45, count=4, seed=7)
    assert [q.id for q in again.questions] == [q.id for q in rnd.questions]  # same seed, same round
    passed = {k.slug: "passed" for k in bank.katas if k.slug != "fx-timeout"}
    assert interview.plan(bank.questions, bank.katas, passed, seed=1).kata.slug == "fx-timeout"


def test_many_questions_get_time_each_and_the_kata_keeps_some() -> None:
    bank = _bank()
    rnd = interview.plan(bank.questions, bank.katas, {}, minutes=10, count=7, seed=1)
    assert rnd.quiz_s == 10 * 60 * interview.QUIZ_SHARE  # 240 s: more than 30 s a question
    rnd = interview.plan(bank.questions, bank.katas, {}, minutes=6, count=7, seed=1)
    assert rnd.quiz_s == 7 * interview.MIN_SECONDS_PER_QUESTION
    rnd = interview.plan(bank.questions, bank.katas, {}, minutes=2, count=7, seed=1)
    assert rnd.quiz_s == pytest.approx(120 * interview.MAX_QUIZ_SHARE)  # the kata keeps 36 s


def test_scorecard_says_what_was_strong_and_what_to_review() -> None:
    qs = {q.id: q for q in fixture_bank().questions}
    summary = Summary("exam", 1, 3)
    for qid, right in (("fx-true-false", True), ("fx-short", True), ("fx-ordering", False)):
        o = Outcome(present(qs[qid], 1))
        o.graded = Graded(right, 1.0 if right else 0.0, "")
        summary.outcomes.append(o)
    summary.outcomes.append(Outcome(present(qs["fx-explain"], 1)))  # time ran out: counts as wrong
    kata = interview.KataResult("fx-failed", "Fixture: fails", ("fixtures",), "failed", 2)
    card = interview.score(summary, kata, elapsed_s=100, minutes=45)
    by = {t.topic: t for t in card.topics}
    assert by["basics"].strong and not by["loops"].strong and not by["fixtures"].strong
    assert by["loops"].missed and all(not m.startswith("fx-") for m in by["loops"].missed)  # words, not ids
    todo = interview.review_commands(card, lambda *a: "dojo " + " ".join(a))
    assert ("questions on loops", "dojo quiz --topic loops") in todo
    assert ("the kata fx-failed", "dojo kata hint fx-failed") in todo
    assert json.loads(json.dumps(card.to_dict()))["topics"]["loops"]["strong"] is False


GRADE_PROMPT = r"press (\x1b\[[0-9;]*m)*Enter(\x1b\[[0-9;]*m)* to grade it"
# What each prompt of the round looks like, and a keystroke that answers it.
PROMPTS = [
    (r"True or false\?", "\r"),
    (r"Select all that apply:", " \r"),
    (r"It prints:.{0,40}\(↑↓", "\r"),
    (r"Your answer:.{0,40}\(↑↓", "\r"),
    (r"Your answer:.{0,40}\(type it", "to_thread\r"),
    (r"What comes \w+\?", "\r"),
    (r"Your explanation:", "Blocking I/O releases the GIL, so the waits overlap.\r"),
    (r"How did you do", "\r"),
]


def test_a_whole_round_in_a_real_terminal(dojo_env, tmp_path) -> None:
    home = tmp_path / "home"
    env = {
        **dojo_env,
        "DOJO_NO_BUILTIN": "1",
        "DOJO_BANK": os.pathsep.join([str(QUIZ_BANK), str(KATAS)]),
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "TERM": "xterm-256color",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "interview", "--minutes", "10", "--kata", "fx-failed", "--seed", "3"],
        env=env,
        cwd=str(ROOT),
        dimensions=(50, 100),
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect("Mock interview")
        child.expect("7 questions, the last one to explain")
        while True:
            i = child.expect([p for p, _ in PROMPTS] + [r"Your file: \S*?(/[^\s\x1b]+)"])
            if i == len(PROMPTS):
                break
            child.send(PROMPTS[i][1])
        workfile = Path(child.match.group(1))
        assert workfile == home / "workspace" / "fx-failed" / "fx_failed.py"
        child.expect(GRADE_PROMPT)
        child.send("\r")  # the starter as it is: it fails
        child.expect("FAILED")
        child.expect(GRADE_PROMPT)
        workfile.write_text((KATAS / "katas" / "fx-failed" / "solution.py").read_text())  # "in the editor"
        child.send("\r")
        child.expect("PASSED")
        child.expect("Scorecard")
        # Two checks were asked for; a keystroke typed ahead during the questions may add one more of the starter.
        child.expect(r"Kata passed \((\d+) checks\)")
        assert int(child.match.group(1)) >= 2
        child.expect("Strong")
        child.expect("fixtures")
        child.expect(r"Scorecard saved to:?\s+\S*?(/[^\s\x1b]+\.json)")
        saved = Path(child.match.group(1))
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    data = json.loads(saved.read_text())
    assert data["kata"]["slug"] == "fx-failed" and data["kata"]["verdict"] == "passed"
    assert data["kata"]["checks"] >= 2  # the two Enters sent for the kata; a typed-ahead one may add a third
    assert data["questions"]["asked"] == 7 and set(data["topics"]) == {"basics", "loops", "fixtures"}
    from grader.progress import Store

    with Store.open(home / "progress.sqlite3") as store:
        assert store.totals()[0] == 7  # every answer, the explain one rated in the review
        assert store.kata_statuses(["fx-failed"])["fx-failed"] == "passed"


def test_skipping_the_kata_ends_the_round_with_it_to_review(dojo_env, tmp_path) -> None:
    env = {**dojo_env, "DOJO_NO_BUILTIN": "1", "DOJO_BANK": str(KATAS), "TERM": "xterm-256color"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "interview", "--minutes", "5", "--kata", "fx-passed"],
        env=env,
        cwd=str(ROOT),
        dimensions=(40, 60),
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect(GRADE_PROMPT)
        child.send("s\r")
        child.expect("Scorecard")
        child.expect("Kata skipped")
        child.expect("To review")
        child.expect(r"the kata fx-passed:\s+\S.*kata start fx-passed")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_ctrl_c_ends_the_round_with_a_card_of_what_was_answered(dojo_env) -> None:
    env = {
        **dojo_env,
        "DOJO_NO_BUILTIN": "1",
        "DOJO_BANK": os.pathsep.join([str(QUIZ_BANK), str(KATAS)]),
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "TERM": "xterm-256color",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "interview", "--seed", "3"],
        env=env,
        cwd=str(ROOT),
        dimensions=(40, 60),
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect("Question 1 of 7")
        child.expect(r"\?")  # the prompt is up
        child.sendintr()
        child.expect("Scorecard")
        child.expect("ended early")
        child.expect(pexpect.EOF)
        assert "kata skipped" not in child.before  # a kata never reached says nothing about its topics
    finally:
        child.close(force=True)
    assert child.exitstatus == 130


def test_plain_mode_reads_both_parts_from_one_pipe(dojo, dojo_env) -> None:
    """Answers and the kata's Enter come from one stream: the kata part must see the lines the quiz read ahead."""
    env = {"DOJO_NO_BUILTIN": "1", "DOJO_BANK": os.pathsep.join([str(QUIZ_BANK), str(KATAS)])}
    answers = "to_thread\n1\n1\n1,2\n1\n2\nthreads overlap their waits\n3\n\ns\n"
    r = dojo("interview", "--minutes", "5", "--kata", "fx-failed", "--seed", "3", input=answers, env=env)
    assert r.returncode == 0, r.stderr
    assert "FAILED  fx-failed" in r.stdout  # the empty line graded the starter
    assert "Kata failed (1 check)" in r.stdout and "Scorecard saved to" in r.stdout
    from grader.progress import Store

    with Store.open(Path(dojo_env["DOJO_HOME"]) / "progress.sqlite3") as store:
        assert store.totals()[0] == 7


class _Lines:
    """The round's line reader: each step either presses Enter (None) or saves an edit and lets the clock run
    out (a callable)."""

    def __init__(self, steps) -> None:
        self.steps = list(steps)

    def readline(self, deadline: float) -> str:
        from grader.quiz import TimeUp

        step = self.steps.pop(0) if self.steps else "time"
        if step is None:
            return "\n"
        if callable(step):
            step()
        raise TimeUp()


class _NoStore:
    def record_kata_event(self, slug: str, event: str) -> None:
        pass


@pytest.mark.parametrize("edited", [False, True])
def test_time_up_grades_the_file_again_only_when_it_changed(dojo_env, monkeypatch, edited) -> None:
    """At time-up, an unchanged file graded a second time printed the report just read a second time."""
    import time

    from rich.console import Console

    from grader import workspace
    from grader.commands import interview as cmd

    monkeypatch.setenv("DOJO_HOME", dojo_env["DOJO_HOME"])
    bank = _bank()
    rnd = interview.plan(bank.questions, bank.katas, {}, minutes=45, count=4, seed=7)
    graded = []

    def fake_grade(con, katas, k, path, result) -> None:
        graded.append(path.read_text())
        result.verdict, result.checks = "failed", result.checks + 1

    monkeypatch.setattr(cmd, "_grade", fake_grade)
    path = workspace.workspace_file(rnd.kata.slug)
    # Enter grades the starter; then the clock runs out, after an edit was saved or not.
    reader = _Lines([None, (lambda: path.write_text("# edited\n")) if edited else "time"])
    con = Console(record=True, width=80)
    result = interview.KataResult(rnd.kata.slug, rnd.kata.title, rnd.kata.topics)
    cmd._kata_part(con, bank.katas, rnd, result, time.monotonic() + 60, _NoStore(), reader)
    out = con.export_text()
    assert len(graded) == (2 if edited else 1) and result.checks == len(graded)
    if edited:
        assert graded[-1] == "# edited\n" and "graded as it is now" in out
    else:
        assert "your last check stands" in out and "graded as it is now" not in out
    # The clock comes first, so the edge of the line never splits it from its words ("⏱ 0:35" / "left").
    assert any(line.startswith("⏱ ") and " left · Edit it" in line for line in out.splitlines())
