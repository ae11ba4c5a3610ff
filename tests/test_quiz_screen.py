"""What the learner's terminal shows: the real `dojo` in tmux, read back with `capture-pane` (the screen as it
is after erasures and redraws, which a pexpect byte stream cannot show)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from quiz_helpers import quiz_env

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")


class Screen:
    def __init__(self, env: dict[str, str], args: list[str], width: int) -> None:
        self.name = f"dojo-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith(("DOJO_", "NO_COLOR")))
        cmd = f"cd {shlex.quote(str(ROOT))} && env {exports} {shlex.quote(sys.executable)} -m grader "
        cmd += " ".join(shlex.quote(a) for a in args) + "; sleep 60"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", "50", cmd], check=True
        )

    def text(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(self, needle: str, timeout: float = 20) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.text()
            if needle in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} never appeared; the screen:\n{self.text()}")

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def screen(dojo_env):
    opened: list[Screen] = []

    def open_(*args: str, width: int = 80) -> Screen:
        s = Screen(quiz_env(dojo_env), list(args), width)
        opened.append(s)
        return s

    yield open_
    for s in opened:
        s.close()


def test_backspace_in_an_ordering_leaves_no_undone_line(screen):
    """Issue 10, point 15: after Backspace the undone pick stayed on screen."""
    s = screen("quiz", "--topic", "loops", "--tag", "asyncio", "--difficulty", "3")
    first = s.wait_for("What comes first?")
    options = [line[3:] for line in first.splitlines() if line.startswith((" » ", "   ")) and line.strip()]
    s.keys("Enter")
    s.wait_for("What comes second?")
    s.keys("Down", "Enter")
    s.wait_for("What comes third?")
    s.keys("BSpace")
    after = s.wait_for("What comes second?")
    assert "What comes third?" not in after
    so_far = after.partition("Your order so far:")[2].partition("What comes second?")[0]
    assert so_far.strip() == f"1. {options[0]}"  # only the pick that stands
    s.keys("Enter")
    s.wait_for("What comes third?")
    s.keys("Enter")
    done = s.wait_for("Session summary")
    assert "What comes" not in done and "Your order:" in done


@pytest.mark.parametrize("width", [60, 80])
def test_the_summary_fits_and_names_questions_by_their_words(screen, width):
    s = screen("quiz", "--topic", "basics", "--tag", "threads", "--difficulty", "1", "--seed", "1", width=width)
    for _ in range(2):
        s.wait_for("(↑↓ to move")
        s.keys("Enter")
        s.wait_for("Press any key" if _ == 0 else "Session summary")
        if _ == 0:
            s.keys("Space")
    out = s.wait_for("your progress so far")
    assert "fx-" not in out.partition("Session summary")[2]  # first words, not ids
    assert "Lock is reentrant" in out
    assert "quiz --mistakes" in out


BACKTICKS = """\
format_version: 1
topic: marks
title: Markdown in choices
questions:
  - id: m-gather
    type: single_choice
    difficulty: 1
    prompt: Which call waits for several awaitables?
    choices:
      - text: "`asyncio.gather(*aws)`"
        correct: true
      - text: "`time.sleep` in a **loop**"
        feedback: "`time.sleep` blocks the loop."
    explanation: "`gather` runs them concurrently."
    references: [https://docs.python.org/3/library/asyncio-task.html#asyncio.gather]
"""


def test_choices_show_code_as_the_feedback_does_without_backticks(screen, tmp_path):
    """Issue 10, point 15: backticks were raw in the choices but stripped in the feedback."""
    (tmp_path / "bank" / "questions").mkdir(parents=True)
    (tmp_path / "bank" / "questions" / "marks.yaml").write_text(BACKTICKS)
    s = screen("--bank", str(tmp_path / "bank"), "quiz", "--topic", "marks")
    asked = s.wait_for("Your answer:")
    assert "asyncio.gather(*aws)" in asked and "time.sleep in a loop" in asked and "`" not in asked
    s.keys("Enter")
    done = s.wait_for("Session summary")
    assert "`" not in done.partition("Why")[0]


NARROW = """\
format_version: 1
topic: narrow
title: Long lines at 60 columns
questions:
  - id: n-timeout
    type: single_choice
    difficulty: 1
    prompt: Which statement is correct?
    choices:
      - text: "`asyncio.timeout()` (3.11+) bounds a whole block of awaits: at the deadline it cancels the current task and turns that CancelledError into TimeoutError at the end of the `async with`"
        correct: true
      - text: "`wait_for()` runs the awaitable in a worker thread"
        feedback: No thread is involved.
    explanation: "`timeout()` cancels the task at the deadline."
    hints: [Think about what the deadline does to the task.]
    references: [https://docs.python.org/3/library/asyncio-task.html, https://peps.python.org/pep-0492/]
  - id: n-lock
    type: short_answer
    difficulty: 1
    prompt: Which threading class makes counter += 1 safe?
    answer: [threading.Lock, Lock]
    explanation: A lock.
    hints: [One thread at a time.]
    references: [https://docs.python.org/3/library/threading.html]
"""


def test_at_60_columns_nothing_is_broken_by_the_terminal(screen, tmp_path):
    """At 60 columns the terminal itself broke what the app printed unwrapped: the intro ("as you give it" /
    "; Ctrl-C"), the keys after a prompt ("? for a hint (" / "1 left))"), a choice's wrapped line started one
    column off, and "Read more" put a lone "·" on a line and cut a link in two."""
    (tmp_path / "bank" / "questions").mkdir(parents=True)
    (tmp_path / "bank" / "questions" / "narrow.yaml").write_text(NARROW)
    s = screen("--bank", str(tmp_path / "bank"), "quiz", "--topic", "narrow", "--seed", "2", width=60)
    asked = s.wait_for("Enter to choose")
    lines = asked.splitlines()
    flat = " ".join(asked.split())
    assert "Every answer is saved as you give it; Ctrl-C stops with a summary." in flat
    assert not any(line.startswith((";", ")")) for line in lines), asked
    assert any(line.strip() == "(↑↓ to move, Enter to choose · ? for a hint (1 left))" for line in lines), asked
    # The long choice's lines: the first after the pointer, the others under it, none one column off.
    at = next(i for i, line in enumerate(lines) if "bounds a whole block" in line)
    more = [line for line in lines[at + 1 : at + 4] if line.strip() and "wait_for()" not in line]
    assert more and all(line.startswith("   ") and line[3] != " " for line in more), asked
    # The long choice is picked: the answered prompt shows it whole, not cut at the edge ("a whole bloc").
    pointed = next(line for line in lines if "»" in line)
    s.keys("Enter" if "bounds a whole block" in pointed else "Down", *([] if "bounds" in pointed else ["Enter"]))
    done = s.wait_for("Press any key")
    answered = " ".join(done.partition("? Your answer:")[2].partition("Correct")[0].split())
    assert answered.startswith("asyncio.timeout() (3.11+) bounds a whole block of awaits:"), done
    assert answered.endswith("at the end of the async with ✔"), done
    refs = done.partition("Read more")[2].splitlines()
    assert not any(line.strip() == "·" for line in refs), done
    urls = [line.strip() for line in refs if "https://" in line]
    assert urls[:2] == ["https://docs.python.org/3/library/asyncio-task.html", "https://peps.python.org/pep-0492/"]
    s.keys("Space")
    typed = s.wait_for("type it, then Enter")
    assert any(line.strip() == "(type it, then Enter · ? for a hint (1 left))" for line in typed.splitlines())
    s.keys("threading.Lock", "Enter")
    done = s.wait_for("Session summary")
    # The answer stands alone after the prompt, without the keys between them.
    assert "? Your answer: threading.Lock" in done and "(type it" not in done, done


EXPLAIN = """\
format_version: 1
topic: explaining
title: An explain question at 60 columns
questions:
  - id: e-loop
    type: explain
    difficulty: 2
    prompt: Explain why an async web framework keeps blocking calls off the event loop.
    answer: One thread runs every task; a blocking call stops them all.
    rubric: [one thread, every task waits]
    explanation: The loop runs all tasks on one thread.
    hints: [Think about who else is waiting.]
    references: [https://docs.python.org/3/library/asyncio-dev.html]
"""


def test_an_explain_question_and_its_rating_fit_60_columns(screen, tmp_path):
    """The keys of the explanation prompt and of the rating, and the rating once chosen, were broken by the
    terminal at 60 columns ("(be honest" / ": this decides", "Good: I co" / "vered")."""
    (tmp_path / "bank" / "questions").mkdir(parents=True)
    (tmp_path / "bank" / "questions" / "explaining.yaml").write_text(EXPLAIN)
    s = screen("--bank", str(tmp_path / "bank"), "quiz", "--topic", "explaining", width=60)
    asked = s.wait_for("empty is fine")
    assert not any(line.startswith((")", ":")) for line in asked.splitlines()), asked
    s.keys("One thread runs every task, so a blocking call freezes all of them until it returns.", "Enter")
    rating = s.wait_for("How did you do")
    lines = [line.strip() for line in rating.splitlines()]
    assert "(be honest: this decides when you see it again)" in lines, rating
    answered = " ".join(rating.partition("? Your explanation:")[2].partition("Model answer")[0].split())
    assert answered.startswith("One thread runs every task, so a blocking call freezes all of them until it")
    s.keys("Enter")
    done = s.wait_for("Rated Good")
    assert "Good: I covered the key points" in [line.strip() for line in done.splitlines()], done
