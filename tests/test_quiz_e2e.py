"""The real `dojo quiz`, `stats` and `topics`: in a pseudo-terminal (pexpect), fed from a pipe, two at once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from quiz_helpers import quiz_env

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(dojo_env):
    # No cursor-position requests: nothing in a pexpect pty would answer them.
    return {**quiz_env(dojo_env), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color"}


@pytest.fixture
def run(dojo, env):
    def go(*args: str, input: str | None = None):
        return dojo(*args, input=input, env=env)

    return go


def _stats(run) -> dict:
    r = run("stats", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _answered(env) -> int:
    from grader.progress import Store

    with Store.open(Path(env["DOJO_HOME"]) / "progress.sqlite3") as store:
        return store.totals()[0]


def _spawn(env, *args: str, fast_lane: bool = True) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "grader", *args],
        env=env if fast_lane else {**env, "DOJO_NO_FAST_LANE": "1"},
        cwd=str(ROOT),
        dimensions=(50, 120),
        encoding="utf-8",
        timeout=30,
    )


# What each prompt looks like, and a keystroke that answers it.
PROMPTS = [
    (r"True or false\?", "\r"),
    (r"Select all that apply:", " \r"),
    (r"Your answer:.{0,40}\(↑↓", "\r"),
    (r"Your answer:.{0,40}\(type it", "to_thread\r"),
]


def _answer_one(child: pexpect.spawn) -> None:
    i = child.expect([p for p, _ in PROMPTS])
    child.send(PROMPTS[i][1])
    child.expect("Why")  # the feedback: right or wrong, the choices, the explanation


@pytest.mark.parametrize("fast_lane", [True, False], ids=["fast-lane", "typer"])
def test_interactive_session_in_a_real_terminal(env, run, fast_lane):
    child = _spawn(env, "quiz", "--topic", "basics", "--count", "3", "--seed", "2", fast_lane=fast_lane)
    for n in range(3):
        _answer_one(child)
        child.expect("Press any key for the next question" if n < 2 else "Session summary")
        if n < 2:
            child.send(" ")
    child.expect("Topic")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    st = _stats(run)
    assert st["answered"] == 3
    assert {t["topic"] for t in st["topics"]} == {"basics"}


def test_hint_and_feedback_in_a_real_terminal(env, run):
    child = _spawn(env, "quiz", "--topic", "basics", "--tag", "threads", "--difficulty", "1", "--count", "1")
    child.expect(r"Which lock|reentrant")
    question = child.after
    child.expect(r"\? for a hint")
    child.send("?")
    child.expect("Three letters|Compare it with RLock")  # the first hint of either question
    if question == "reentrant":
        child.expect("True or false")
        child.send("\x1b[B\r")  # False: right
    else:
        child.expect("Your answer:")
        child.send("\r")
    child.expect("Why")
    # Issue 10, point 2: every answer says when it returns (right after a hint: Hard, so within the hour).
    child.expect(r"This question comes back for review in \d+ min\.")
    child.expect("Session summary")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with sqlite3.connect(Path(env["DOJO_HOME"]) / "progress.sqlite3") as conn:
        assert conn.execute("SELECT hints FROM reviews").fetchall() == [(1,)]


def test_ctrl_c_prints_the_summary_exits_130_and_keeps_the_answers(env, run):
    child = _spawn(env, "quiz", "--topic", "basics", "--count", "3", "--seed", "2")
    _answer_one(child)
    child.expect("Press any key for the next question")
    child.send(" ")
    child.expect([p for p, _ in PROMPTS])
    child.sendcontrol("c")
    child.expect("Session summary")
    child.expect("Stopped with Ctrl-C; every answer given is saved.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert _answered(env) == 1


def test_plain_mode_from_a_pipe(run):
    # The contract: printf '1\n' | dojo quiz --plain --count 1 --seed 1, then dojo stats --json shows it.
    r = run("quiz", "--plain", "--count", "1", "--seed", "1", input="1\n")
    assert r.returncode == 0, r.stderr
    assert "Question 1 of 1" in r.stdout and "  1. " in r.stdout and "Session summary" in r.stdout
    assert _stats(run)["answered"] == 1


def test_two_quizzes_at_once_lose_no_answers(env, run):
    # Every basics question takes "1" as an answer (the short answer is simply wrong).
    cmd = [sys.executable, "-m", "grader", "quiz", "--plain", "--json", "--topic", "basics", "--count", "4"]
    procs = [
        subprocess.Popen(
            [*cmd, "--seed", str(seed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for seed in (1, 2)
    ]
    outs = [p.communicate("1\n" * 4, timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    assert [json.loads(out)["answered"] for out, _ in outs] == [4, 4]
    assert _answered(env) == 8


def test_exam_time_up_counts_unanswered_questions_wrong(env, tmp_path):
    out = tmp_path / "out.txt"
    with out.open("w") as fh:
        p = subprocess.Popen(
            [sys.executable, "-m", "grader", "quiz", "--exam", "--time-limit", "1", "--count", "3", "--json"],
            stdin=subprocess.PIPE,
            stdout=fh,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
        )
        try:
            assert p.wait(timeout=60) == 0  # stdin stays open and silent: only the clock can end this
        finally:
            p.stdin.close()
    data = json.loads(out.read_text())
    assert data["ended"] == "time_up" and data["total"] == 3 and data["correct"] == 0
    assert len(data["missed"]) == 3
    # Issue 10, point 3: "count as wrong" holds afterwards too: stats counts them, --mistakes brings them back.
    st = json.loads(subprocess.run(*_cmd("stats", "--json"), env=env, cwd=ROOT, **_CAPTURE).stdout)
    assert (st["answered"], st["correct"]) == (3, 0)
    r = subprocess.run(*_cmd("quiz", "--mistakes", "--json", "--plain"), env=env, cwd=ROOT, input="", **_CAPTURE)
    assert json.loads(r.stdout)["planned"] == 3, r.stderr


_CAPTURE = {"capture_output": True, "text": True, "timeout": 60}


def _cmd(*args: str) -> tuple[list[str]]:
    return ([sys.executable, "-m", "grader", *args],)


def test_stats_and_topics_load_neither_questionary_nor_fsrs(env):
    code = (
        "import sys\n"
        "from grader.cli import main\n"
        "for args in (['stats', '--json'], ['topics']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as e:\n"
        "        assert e.code == 0, e.code\n"
        "print(sorted(m for m in ('questionary', 'prompt_toolkit', 'fsrs') if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("[]")


def test_suggested_commands_run_as_printed(env, tmp_path):
    """Issue 10, point 1: the summary said `dojo quiz --mistakes`, and the shell said `dojo: command not found`."""
    import shlex

    # A shell where `dojo` is not on PATH and we were not started by uv: `python -m grader` is what works.
    plain_env = {k: v for k, v in env.items() if not k.startswith(("UV", "VIRTUAL_ENV"))}
    plain_env["PATH"] = "/usr/bin:/bin"
    r = subprocess.run(
        [sys.executable, "-m", "grader", "quiz", "--topic", "basics", "--tag", "threads", "--count", "2"],
        input="1\n1\n",  # "1" is True for "Lock is reentrant": wrong, so there is a miss to retry
        env=plain_env,
        cwd=tmp_path,
        **_CAPTURE,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.partition("Next:")[2].splitlines()
    retry = next(line for line in lines if "--mistakes" in line).strip().partition("  (")[0]
    assert retry.endswith("-m grader quiz --mistakes") and "dojo quiz" not in retry
    again = subprocess.run(["sh", "-c", retry], input="", env=plain_env, cwd=tmp_path, **_CAPTURE)
    assert again.returncode == 0, again.stderr
    assert "Question 1 of" in again.stdout  # it ran, and offered what was missed
    for line in lines:
        if "  (" in line:
            assert shlex.split(line.strip().partition("  (")[0])[:3] == shlex.split(retry)[:3]


def test_question_mark_in_an_explain_prompt_is_not_an_answer(env, run):
    """Issue 10, point 9, in a real terminal: `?` in an explain prompt was sent as the answer."""
    child = _spawn(env, "quiz", "--topic", "loops", "--tag", "gil")  # fx-explain, which has no hints
    child.expect("Your explanation:")
    child.send("?")
    child.expect("This question has no hints.")
    child.expect("Your explanation:")  # asked again: the question is not lost
    child.send("the loop is blocked?\r")
    child.expect("How did you do")
    child.send("\r")
    child.expect("Session summary")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with sqlite3.connect(Path(env["DOJO_HOME"]) / "progress.sqlite3") as conn:
        assert conn.execute("SELECT answer FROM reviews").fetchall() == [("[Good] the loop is blocked?",)]
