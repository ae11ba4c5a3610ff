"""Issue 10, kata side, as a learner meets it: the report names their file, each message once and whole, no work
lost, lookups that forgive, commands that run here, progress that shows, text that fits a narrow terminal.

In-process through `grader.cli.main` (the one place that maps errors to exit codes) with the fixture bank as the
built-in bank; each check grades for real unless a test stubs the grader to show a report's layout.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader import invocation, paths
from grader.cli import main
from grader.verdict import TestResult as Result
from grader.verdict import Verdict

BANK = Path(__file__).parent / "fixtures" / "grader_bank"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def dojo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(paths, "builtin_bank", lambda: BANK)
    monkeypatch.setenv("DOJO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOJO_BANK", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")

    def run(*args: str, columns: int = 80) -> tuple[int, str, str]:
        monkeypatch.setenv("COLUMNS", str(columns))
        with pytest.raises(SystemExit) as exit_:
            main(list(args))
        out, err = capsys.readouterr()
        return int(exit_.value.code or 0), out, err

    return run


def _copy(tmp_path: Path, slug: str, name: str, what: str = "submission.py") -> Path:
    target = tmp_path / name
    target.write_text((BANK / "katas" / slug / what).read_text())
    return target


# --- point 4: the learner's own file and line; a test's assertion, not test_kata.py:N ------------------------


def test_report_names_the_learners_file_and_quotes_the_assertion(dojo, tmp_path: Path) -> None:
    mine = _copy(tmp_path, "fx-failed", "adder.py")
    code, out, _ = dojo("kata", "check", "fx-failed", str(mine))
    assert code == 1
    assert "test_kata.py" not in out and "submission.py" not in out
    # The test's own assertion, quoted from the kata's tests the learner does not have.
    assert "assert submission.add(2, 3) == 5" in out
    assert "add(1, 1) must be 2: check the operator" in out

    code, out, _ = dojo("kata", "check", "fx-failed", str(mine), "--json")
    data = json.loads(out)
    assert "test_kata.py" not in out and data["file"] == str(mine)
    assert any("assert submission.add(-2, 3) == 1" in t["message"] for t in data["tests"])


def test_a_line_in_the_learners_code_is_named_by_their_file(dojo, tmp_path: Path) -> None:
    mine = _copy(tmp_path, "fx-blocked-loop", "my_loop.py")
    code, out, _ = dojo("kata", "check", "fx-blocked-loop", str(mine))
    assert code == 1
    assert f"{mine}:13" in out and "submission.py" not in out


def test_an_empty_file_names_the_kata_not_slug(dojo, tmp_path: Path) -> None:
    empty = tmp_path / "empty.py"
    empty.write_text("\n")
    code, out, _ = dojo("kata", "check", "fx-passed", str(empty))
    assert code == 1
    flat = " ".join(out.split())
    assert "SLUG" not in out and "kata start fx-passed" in out and f"{empty} is empty" in flat


# --- point 5: each message once, whole, where it belongs -----------------------------------------------------

LONG = (
    "Deadlock: nothing finished for 2.0 s. Account locks held: 921, 102, 563.\n"
    "  transfer-0: submission.py:19 transfer(src=563, dst=921, amount=46): with src.lock:\n"
    "  transfer-1: submission.py:20 transfer(src=563, dst=102, amount=34): with dst.lock:\n"
    "Threads that hold one lock wait for a lock another one holds, in a cycle. Take the lo..."
)


def _deadlock_verdict(kata, path, on_record=None) -> Verdict:
    tests = [
        Result("test_one", "passed"),
        Result("test_both_ways", "failed", LONG, "failed", notes=[LONG]),
    ]
    first = LONG.splitlines()[0]
    return Verdict(kata.slug, "failed", f"1 of 2 tests failed; first: test_both_ways: {first}", tests, 4.9)


@pytest.mark.parametrize("columns", [80, 60])
def test_a_failure_is_shown_once_and_never_cut_mid_word(dojo, tmp_path, monkeypatch, columns) -> None:
    from grader import runner

    monkeypatch.setattr(runner, "grade", _deadlock_verdict)
    monkeypatch.chdir(tmp_path)
    mine = _copy(tmp_path, "fx-failed", "bank.py").name  # as typed: its name here
    code, out, _ = dojo("kata", "check", "fx-failed", mine, columns=columns)
    assert code == 1
    assert out.count("Threads that hold one lock") == 1, out
    assert out.count("Account locks held") == 1, out
    flat = " ".join(out.split())
    assert "Take the lo" not in flat and "Take the …" in flat
    assert f"{mine}:19 transfer(src=563" in flat and "submission.py" not in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= columns

    code, out, _ = dojo("kata", "check", "fx-failed", mine, "--json")
    data = json.loads(out)
    failed = data["tests"][1]
    assert failed["notes"] == [] and failed["message"].endswith("Take the …")
    assert data["message"] == "1 of 2 tests failed; first: test_both_ways"


BLOCKED = (
    "loop lag: slowest answer of your event loop to the test's 10 ms pings during fetch_all was 905 ms, the limit "
    "is 100 ms. It was blocked at submission.py:21 in fetch_one(), calling blocking_fetch(). A blocking call "
    "inside a coroutine freezes every task on the loop"
)
BLOCKED_NOTE = "the event loop was blocked at submission.py:21 in fetch_one(), calling blocking_fetch()"
TIMING = {
    "name": "loop lag",
    "what": "slowest answer of your event loop to the test's 10 ms pings during fetch_all",
    "measured": 0.905,
    "threshold": 0.1,
    "unit": "s",
    "passed": False,
}


def _blocked_verdict(kata, path, on_record=None) -> Verdict:
    test = Result(
        "test_loop_stays_responsive", "failed", BLOCKED, "too_slow", timings=[TIMING], notes=[BLOCKED_NOTE]
    )
    return Verdict(kata.slug, "too_slow", "correct, but too slow", [test], 6.5, notes=[BLOCKED_NOTE])


@pytest.mark.parametrize("columns", [80, 60])
def test_a_note_that_says_the_message_again_in_other_words_is_left_out(dojo, tmp_path, monkeypatch, columns):
    """fix-blocking-call said where the loop was blocked twice: in the message ("It was blocked at f.py:21 ...")
    and in a note ("the event loop was blocked at f.py:21 ..."). The timing's description, when it wraps, goes
    on under its first word, not at the left edge."""
    from grader import runner

    monkeypatch.setattr(runner, "grade", _blocked_verdict)
    monkeypatch.chdir(tmp_path)
    mine = _copy(tmp_path, "fx-failed", "loop.py").name
    code, out, _ = dojo("kata", "check", "fx-failed", mine, columns=columns)
    flat = " ".join(out.split())
    assert code == 1 and flat.count(f"blocked at {mine}:21 in fetch_one()") == 1, out
    assert "note:" not in out
    timing = out[out.index("Timings") :].splitlines()[1:3]
    assert timing[0].startswith("  ✘ loop lag: slowest") and timing[1].startswith("    "), out
    code, out, _ = dojo("kata", "check", "fx-failed", mine, "--json")
    data = json.loads(out)
    assert data["tests"][0]["notes"] == [] and data["notes"] == []


def _long_named_verdict(kata, path, on_record=None) -> Verdict:
    v = _deadlock_verdict(kata, path)
    v.tests[1].name = "test_audits_during_transfers_see_a_consistent_total"
    return v


def test_the_workspace_file_is_named_in_full_once_then_by_its_name(dojo, tmp_path, monkeypatch) -> None:
    """At 60 columns a thread dump named the whole workspace path at every line, each cut mid-word
    ("/tmp/.../lock_ord" / "ering_deadlock.py:32"); a long test name went on at the left edge."""
    from grader import runner, workspace

    monkeypatch.setattr(runner, "grade", _long_named_verdict)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert dojo("kata", "start", "fx-failed")[0] == 0
    full = str(workspace.workspace_file("fx-failed"))
    code, out, _ = dojo("kata", "check", "fx-failed", columns=60)
    assert code == 1 and out.count(full) == 1, out  # once, whole (the terminal wraps it, not us)
    flat = " ".join(out.split())
    assert "transfer-0: fx_failed.py:19 transfer(src=563" in flat and "submission.py" not in out
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "test_audits_during" in line)
    assert lines[at].startswith("  ✘ failed   test_audits_during"), out
    assert lines[at + 1].startswith(" " * 13) and lines[at + 1].strip(), out  # goes on under the name


# --- point 6 and 7 are in test_kata_cli.py (reset twice, two katas in one folder) ----------------------------

# --- point 8: narrow terminals -------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {w.strip("`*_#()[]:.,;\"'") for w in text.split()}


@pytest.mark.parametrize("columns", [80, 60])
def test_show_and_hint_wrap_to_the_terminal_between_words(dojo, tmp_path, columns) -> None:
    bank = tmp_path / "bank" / "katas"
    import shutil

    shutil.copytree(BANK / "katas" / "fx-passed", bank / "fx-wordy")
    yaml = bank / "fx-wordy" / "kata.yaml"
    hint = "A deliberately long hint " + "that holds many words and keeps going " * 6 + "to the end."
    yaml.write_text(
        yaml.read_text().replace("slug: fx-passed", "slug: fx-wordy").replace("hints: [", f'hints: ["{hint}", ')
    )
    prose = "## The task\n" + "Every thread holds one lock and waits for another one that it never gets. " * 5
    (bank / "fx-wordy" / "prompt.md").write_text(prose + "\n\n```\ndojo kata check fx-wordy\n```\n")
    code, out, _ = dojo("--bank", str(tmp_path / "bank"), "kata", "show", "fx-wordy", columns=columns)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= columns
    assert _words(out) <= _words(prose) | {"", *invocation.command("kata", "check", "fx-wordy").split()}
    assert "The task" in out and "##" not in out
    code, out, _ = dojo("--bank", str(tmp_path / "bank"), "kata", "hint", "fx-wordy", columns=columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    assert "holds" in _words(out) and "hol" not in _words(out)


def test_kata_list_is_readable_at_60_columns(dojo) -> None:
    code, out, _ = dojo("kata", "list", columns=60)
    assert code == 0
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 60
    for slug in ("fx-async-deadlock", "fx-memory-limit", "fx-output-limit"):
        assert slug in out  # whole, never folded


# --- point 10: the data folder is checked before the grading starts ------------------------------------------


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["report", "json"])
def test_read_only_home_is_reported_before_grading(tmp_path, dojo_env, unprivileged, json_flag) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    mine = _copy(tmp_path, "fx-passed", "mine.py", "solution.py")
    r = subprocess.run(
        [*unprivileged, sys.executable, "-m", "grader", "kata", "check", "fx-passed", str(mine), *json_flag],
        capture_output=True,
        text=True,
        env={**dojo_env, "DOJO_HOME": str(home), "DOJO_BANK": str(BANK)},
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 1
    assert "PASSED" not in r.stdout and '"verdict"' not in r.stdout  # no PASSED then exit 1
    assert "is not writable" in r.stderr and "DOJO_HOME" in r.stderr and "mv " not in r.stderr


# --- point 11: forgiving lookups; no slug needed inside a kata's folder ---------------------------------------


def test_a_mistyped_slug_suggests_the_closest(dojo) -> None:
    code, _, err = dojo("kata", "check", "fx-faild")
    assert code == 2
    assert "no kata 'fx-faild'" in err and "Did you mean 'fx-failed'?" in err
    assert "fx-output-limit" not in err  # no dump of every slug
    # The command suggested is the one typed, with the slug meant (not `kata show`), and runs as printed.
    assert "Try `dojo kata check fx-failed`" in err.replace(invocation.prefix(), "dojo")
    code, _, err = dojo("kata", "start", "fx-pased", "--dir", "my dir")
    assert "Try `dojo kata start fx-passed --dir 'my dir'`" in err.replace(invocation.prefix(), "dojo")
    code, _, err = dojo("kata", "show", "FX-Passed")
    assert code == 0


def test_commands_in_a_kata_folder_need_no_slug(dojo, tmp_path, monkeypatch) -> None:
    dojo("kata", "start", "fx-failed")
    folder = tmp_path / "home" / "workspace" / "fx-failed"
    monkeypatch.chdir(folder)
    code, out, _ = dojo("kata", "check")
    assert code == 1 and "FAILED  fx-failed" in out
    code, out, _ = dojo("kata", "hint")
    assert code == 0 and "Hint 1 of 3: A nudge." in out
    (folder / "fx_failed.py").write_text("# mine\n")
    code, out, _ = dojo("kata", "reset")
    assert code == 0 and "fx_failed.1.py" in out
    code, out, _ = dojo("kata", "solution", "--give-up")
    assert code == 0 and "return a + b" in out


def test_a_folder_with_two_katas_asks_which(dojo, tmp_path, monkeypatch) -> None:
    mine = tmp_path / "mine"
    dojo("kata", "start", "fx-failed", "--dir", str(mine))
    dojo("kata", "start", "fx-passed", "--dir", str(mine))
    monkeypatch.chdir(mine)
    code, _, err = dojo("kata", "check")
    assert code == 2 and "holds 2 katas: fx-failed, fx-passed" in err
    code, out, _ = dojo("kata", "check", "fx_failed.py")  # the file names its kata
    assert code == 1 and "FAILED  fx-failed" in out
    monkeypatch.chdir(tmp_path)
    code, _, err = dojo("kata", "hint")
    assert code == 2 and "which kata?" in err


# --- point 13: where am I, what next ------------------------------------------------------------------------


def test_list_shows_progress_statuses_and_the_next_kata(dojo, tmp_path) -> None:
    code, out, _ = dojo("kata", "list")
    assert "Katas  0 of 10 passed" in out and "status" in out and "kata" in out
    dojo("kata", "start", "fx-passed")
    dojo("kata", "start", "fx-failed")
    dojo("kata", "check", "fx-failed")
    dojo("kata", "solution", "fx-error", "--give-up")
    statuses = {k["slug"]: k["status"] for k in json.loads(dojo("kata", "list", "--json")[1])}
    assert statuses["fx-passed"] == "started" and statuses["fx-failed"] == "attempted"
    assert statuses["fx-error"] == "given up" and statuses["fx-timeout"] == "new"
    workfile = tmp_path / "home" / "workspace" / "fx-passed" / "fx_passed.py"
    workfile.write_text((BANK / "katas" / "fx-passed" / "solution.py").read_text())
    code, out, _ = dojo("kata", "check", "fx-passed")
    assert code == 0 and "PASSED" in out
    # After a pass: the next kata, one already begun first.
    assert re.search(r"Next kata: [^\n]*\n?[^\n]*kata check fx-failed", out), out
    code, out, _ = dojo("kata", "list")
    assert "1 of 10 passed" in out and "✔ passed" in out and "given up" in out and "started" not in out
    assert re.search(r"Next: [^\n]*\n?[^\n]*kata check fx-failed", out), out


# --- point 1: every command a kata screen suggests runs in this shell -----------------------------------------


def test_every_suggested_command_uses_this_shells_prefix(dojo, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(invocation, "prefix", lambda: "PFX/dojo")
    outputs = []
    for args in (
        ("kata", "start", "fx-failed"),
        ("kata", "check", "fx-failed"),
        ("kata", "hint", "fx-failed"),
        ("kata", "hint", "fx-failed"),
        ("kata", "hint", "fx-failed"),
        ("kata", "hint", "fx-failed"),
        ("kata", "list"),
        ("kata", "check", "fx-faild"),
        ("kata", "solution", "fx-failed"),
        ("kata", "check", "fx-passed"),
    ):
        _code, out, err = dojo(*args)
        outputs.append(out + err)
    text = "\n".join(outputs)
    used = re.findall(r"([^\s`(]*)\s+kata (?:start|check|hint|show|solution|list)\b", text)
    assert used and set(used) == {"PFX/dojo"}, text


def test_watch_clears_the_screen_before_each_regrade(tmp_path: Path, dojo_env) -> None:
    """Issue 10.13: an old PASSED (or FAILED) left above a new report misleads; in a terminal each re-grade
    starts on a clean screen, and only the new report follows."""
    import time

    import pexpect

    work = tmp_path / "fx_failed.py"
    work.write_text((BANK / "katas" / "fx-failed" / "starter.py").read_text())
    env = {**dojo_env, "DOJO_BANK": str(BANK), "TERM": "xterm-256color"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "kata", "watch", "fx-failed", str(work)],
        env=env,
        cwd=str(ROOT),
        dimensions=(40, 80),
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect("FAILED")
        child.expect("Watching")
        time.sleep(0.3)
        work.write_text((BANK / "katas" / "fx-failed" / "solution.py").read_text())
        child.expect(r"\x1b\[2J")  # the screen is cleared...
        child.expect("PASSED")  # ...before the new report
        assert "FAILED" not in child.before
        child.expect("Watching")
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130


# --- point 8, quiz side of the renderer this helper owns: code in a question never breaks mid-token ----------

CODE = (
    "async def main():\n"
    "    results = await asyncio.gather(fetch_one(session, url_number_one), fetch_two(session, url2),"
    " return_exceptions=True)\n"
    "    print(results)\n"
)


@pytest.mark.parametrize("width", [60, 80])
def test_code_in_a_question_is_wrapped_between_tokens(width) -> None:
    import io
    import tokenize

    from grader.models import Question
    from grader.quiz import present
    from grader.ui import ansi

    q = Question(
        id="q-long-code",
        topic="asyncio",
        type="short_answer",
        difficulty=2,
        prompt="What does `gather` return here, with `return_exceptions=True`?",
        answer=("a list",),
        explanation="It returns a list.",
        references=("https://docs.python.org/3/library/asyncio-task.html",),
        code=CODE,
    )
    text = ansi.question(present(q, 1), 0, 1, None, width=width, color=False)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    names = [t.string for t in tokenize.generate_tokens(io.StringIO(CODE).readline) if t.type == tokenize.NAME]
    for name in names:
        assert re.search(rf"(?<!\w){name}(?!\w)", text), f"{name} was split"
    # Read back without the layout, it is the same code.
    assert "".join(text.split()).endswith("".join(CODE.split()))


def test_show_keeps_bullets_hanging_and_code_whole_at_60_columns(dojo, tmp_path) -> None:
    import shutil

    bank = tmp_path / "bank" / "katas"
    shutil.copytree(BANK / "katas" / "fx-passed", bank / "fx-doc")
    yaml = bank / "fx-doc" / "kata.yaml"
    yaml.write_text(yaml.read_text().replace("slug: fx-passed", "slug: fx-doc"))
    (bank / "fx-doc" / "prompt.md").write_text(
        "# Title\n\n- **Transfers both ways**: four threads make three hundred random transfers each,\n"
        "  in both directions, and every balance must be exact at the end of the run.\n\n"
        "```python\n" + CODE + "```\n"
    )
    code, out, _ = dojo("--bank", str(tmp_path / "bank"), "kata", "show", "fx-doc", columns=60)
    assert code == 0 and max(len(line) for line in out.splitlines()) <= 60
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("- Transfers both ways"))
    assert lines[start + 1].startswith("  ") and "exact" in " ".join(lines[start : start + 4])
    for name in ("asyncio", "gather", "fetch_one", "url_number_one", "return_exceptions"):
        assert re.search(rf"(?<!\w){name}(?!\w)", out), f"{name} was split"


@pytest.mark.parametrize("verdict", ["passed", "failed", "too_slow", "timeout"])
def test_next_steps_keep_each_command_whole_on_a_narrow_terminal(verdict) -> None:
    import io

    from rich.console import Console

    from grader.ui.kata_report import with_commands
    from grader.verdict import NEXT_STEP

    slug = "timeouts-and-cancellation"
    loc_cmd = invocation.command("kata", "hint", slug)
    text = re.sub(r"`dojo ([^`]*)`", lambda m: f"`{invocation.command(*m.group(1).split())}`", NEXT_STEP[verdict])
    text = text.format(slug=slug)
    out = io.StringIO()
    with_commands(Console(file=out, width=60, no_color=True), "Next: ", text)
    lines = out.getvalue().splitlines()
    for cmd in re.findall(r"`([^`]+)`", text):
        assert f"  {cmd}" in lines, out.getvalue()  # whole, on its own line
    assert "`" not in out.getvalue() or len(text) + 6 <= 60
    assert loc_cmd not in lines[0]


def test_what_the_code_printed_is_cut_at_a_line_never_inside_a_word() -> None:
    """The report showed the last 400 characters: a thread's traceback began with 'g.py", line 1045', the end
    of 'threading.py', and lost the line that said which thread died."""
    from grader.ui.kata_report import tail

    frame = '  File "/usr/lib/python3.11/threading.py", line 1045, in _bootstrap_inner\n    self.run()\n'
    printed = "noise\n" * 200 + "Exception in thread Thread-1 (worker):\nTraceback (most recent call last):\n"
    printed += frame * 3 + "NameError: name 'undefined_name' is not defined\n"
    shown = tail(printed, 600)
    assert len(shown) <= 600 + 40 and shown.endswith("NameError: name 'undefined_name' is not defined")
    first, *rest = shown.splitlines()
    assert re.fullmatch(r"… \(\d+ earlier lines\)", first) and all(line in printed.splitlines() for line in rest)
    assert "Exception in thread Thread-1 (worker):" in rest
    assert tail("one\ntwo\n", 600) == "one\ntwo"
    assert tail("x" * 900, 600) == "x" * 900  # one line longer than the limit is kept whole


def test_the_command_for_an_empty_file_gives_it_the_starter(dojo, tmp_path: Path, monkeypatch) -> None:
    """An empty file's check said to run `kata start SLUG`, which answered "Your copy is already at" and left
    the empty file as it was (or named the workspace copy, not the file in the learner's folder)."""
    monkeypatch.chdir(tmp_path)
    assert dojo("kata", "start", "fx-passed", "--dir", ".")[0] == 0
    mine = tmp_path / "fx_passed.py"
    mine.write_text("\n")
    code, out, _ = dojo("kata", "check")
    flat = " ".join(out.split()).replace(invocation.prefix(), "dojo")
    assert code == 1 and f"dojo kata start fx-passed --dir {tmp_path}" in flat, out
    assert dojo("kata", "start", "fx-passed", "--dir", str(tmp_path))[0] == 0
    assert mine.read_text() == (BANK / "katas" / "fx-passed" / "starter.py").read_text()
    # The workspace copy, emptied, is given the starter by the plain `kata start`.
    monkeypatch.chdir(tmp_path.parent)
    assert dojo("kata", "start", "fx-passed")[0] == 0
    copy = paths.data_home() / "workspace" / "fx-passed" / "fx_passed.py"
    copy.write_text("")
    code, out, _ = dojo("kata", "check", "fx-passed")
    flat = " ".join(out.split()).replace(invocation.prefix(), "dojo")
    assert code == 1 and "dojo kata start fx-passed" in flat and "--dir" not in flat, out
    dojo("kata", "start", "fx-passed")
    assert copy.read_text() == (BANK / "katas" / "fx-passed" / "starter.py").read_text()


@pytest.mark.parametrize(
    ("printed", "shown"),
    [("\nno tests ran in 0.07s\n", None), ("loading config\n===== 1 error in 0.12s =====\n", "loading config")],
)
def test_the_test_runners_own_lines_are_not_shown_as_output(dojo, tmp_path, monkeypatch, printed, shown) -> None:
    """An import error showed a box titled Output holding only "no tests ran in 0.07s": the test runner's words,
    shown as if the learner's code had printed them."""
    from grader import runner

    def crashed(kata, path, on_record=None) -> Verdict:
        message = "the tests could not load your code: importing your code raised ModuleNotFoundError: No module"
        return Verdict(kata.slug, "error", message, [], 0.7, output=printed)

    monkeypatch.setattr(runner, "grade", crashed)
    code, out, _ = dojo("kata", "check", "fx-failed", str(_copy(tmp_path, "fx-failed", "mine.py")))
    assert code == 1 and "no tests ran" not in out and "1 error in" not in out
    assert ("Output" in out and shown in out) if shown else "Output" not in out, out


def test_a_path_as_wide_as_the_terminal_is_not_pushed_over_the_edge(dojo, tmp_path: Path, monkeypatch) -> None:
    """`kata start` printed a 59-column path indented by 2 at 60 columns: the terminal broke it ("fix_blocking_ca"
    / "ll.py"). Indented when it fits, at the edge when only that fits."""
    monkeypatch.chdir(tmp_path)
    folder = Path("d" * (59 - len("/fx_passed.py")))
    path = folder / "fx_passed.py"
    assert len(str(path)) == 59
    code, out, _ = dojo("kata", "start", "fx-passed", "--dir", str(folder), columns=60)
    assert code == 0 and str(path) in out.splitlines(), out  # a line of its own, not cut
    code, out, _ = dojo("kata", "start", "fx-passed", "--dir", str(folder), columns=80)
    assert f"  {path}" in out.splitlines() or f"Your copy is already at {path}" in out.splitlines(), out


def test_commands_in_a_tasks_prose_run_as_printed(monkeypatch) -> None:
    """`kata show taskgroup` ended with "Run it with dojo kata check taskgroup.": under uv, `dojo` alone is not
    found. Commands on a line of their own were rewritten already; those inside a sentence were not."""
    from types import SimpleNamespace

    from grader.commands.kata import localize_prompt

    monkeypatch.setattr(invocation, "prefix", lambda: "uv run dojo")
    k = SimpleNamespace(slug="taskgroup")
    text = (
        "Edit submission.py.\n\nRun it with `dojo kata check taskgroup`.\n\n```\ndojo kata hint taskgroup\n```\n"
    )
    out = localize_prompt(k, text)
    assert (
        "Run it with `uv run dojo kata check taskgroup`." in out and "\nuv run dojo kata hint taskgroup\n" in out
    )
    assert "Edit taskgroup.py." in out
    # The task's "`starter.py` runs the jobs" is their copy of the starter, named after the kata.
    assert (
        localize_prompt(k, "`starter.py` runs the jobs with `gather`.")
        == "`taskgroup.py` runs the jobs with `gather`."
    )


def test_a_mock_interview_shows_the_task_without_its_practice_commands() -> None:
    """In a round Enter grades the file; the task's "Run it" (start, check, hint) read as if a hint were on offer."""
    from grader.commands.interview import _without_run_it

    sectioned = "# T\n\n## The task\nDo it.\n\n## Run it\n```\ndojo kata check x\ndojo kata hint x\n```\n"
    assert _without_run_it(sectioned) == "# T\n\n## The task\nDo it.\n"
    inline = "# T\n\n## What is measured\nSpeed.\n\nRun it with `dojo kata check x`.\n"
    assert _without_run_it(inline) == "# T\n\n## What is measured\nSpeed.\n"
    middle = "# T\n\n## Run it\n`dojo kata check x`\n\n## Notes\nKeep this.\n"
    assert "Keep this." in _without_run_it(middle) and "dojo" not in _without_run_it(middle)


def test_ctrl_c_during_a_check_says_what_became_of_it(dojo, tmp_path, monkeypatch) -> None:
    """The spinner vanished with Ctrl-C and the prompt came back without a word."""
    from grader import runner

    def interrupted(kata, path, on_record=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "grade", interrupted)
    code, out, _ = dojo("kata", "check", "fx-failed", str(_copy(tmp_path, "fx-failed", "mine.py")))
    assert code == 130 and "Check stopped (Ctrl-C): nothing was graded or recorded." in out


def test_answering_no_to_give_up_is_not_an_error(tmp_path: Path, dojo_env) -> None:
    """`kata solution` asks "Give up and see it?"; answering no printed "error: ... is not passed yet"."""
    import pexpect

    env = {**dojo_env, "DOJO_BANK": str(BANK), "DOJO_NO_BUILTIN": "1", "TERM": "xterm-256color"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "kata", "solution", "fx-failed"],
        env=env,
        cwd=str(ROOT),
        dimensions=(40, 80),
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect(r"Give up and see it\? \[y/N\]")
        child.sendline("n")
        child.expect(pexpect.EOF)
        said = child.before
    finally:
        child.close(force=True)
    assert "Not shown." in said and "kata check fx-failed" in said and "error" not in said, said
    assert child.exitstatus == 1


LONG_NAME = "test_digests_are_computed_off_the_event_loop_in_other_processes"


def _one_long_failure(kata, path, on_record=None) -> Verdict:
    test = Result(LONG_NAME, "failed", "the hashing ran on the event loop's thread", "failed")
    message = f"1 of 1 tests failed; first: {LONG_NAME}: the hashing ran on the event loop's thread"
    return Verdict(kata.slug, "failed", message, [test], 2.0)


def test_a_test_name_longer_than_the_line_is_not_cut_loose(dojo, tmp_path, monkeypatch) -> None:
    """At 60 columns the name was repeated in the verdict line ("first: test_..._proces" / "ses") and stood
    alone after its mark, then broke at the edge."""
    from grader import runner

    monkeypatch.setattr(runner, "grade", _one_long_failure)
    code, out, _ = dojo("kata", "check", "fx-failed", str(_copy(tmp_path, "fx-failed", "mine.py")), columns=60)
    lines = out.splitlines()
    assert code == 1 and "1 of 1 tests failed" in lines and "first:" not in out, out
    at = next(i for i, line in enumerate(lines) if line.startswith("✘ "))
    assert lines[at].startswith("✘ test_digests") and lines[at + 1].startswith("  ") and lines[at + 1].strip()
    assert " ".join(out.split()).count("the hashing ran on the event loop's thread") == 1


def test_a_traceback_keeps_the_learners_frames_not_the_graders() -> None:
    """A thread that passed a set to write_total() died with a traceback that went on through the grader's
    host/server.py and concurrent.futures: those lines pushed the learner's own line out of the report."""
    import grader
    from grader.ui.kata_report import tail, your_frames

    server = Path(grader.__file__).resolve().parent / "host" / "server.py"
    printed = (
        "Exception in thread Thread-1 (worker):\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.11/threading.py", line 982, in run\n'
        "    self._target(*self._args, **self._kwargs)\n"
        '  File "counter.py", line 21, in worker\n'
        "    write_total({read_total() + weight(x)})\n"
        f'  File "{server}", line 88, in call\n'
        "    return host._cb_wait(host._cb_send(cb, args, kwargs))\n"
        "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        '  File "/usr/lib/python3.11/concurrent/futures/_base.py", line 401, in __get_result\n'
        "    raise self._exception\n"
        "TypeError: write_total() takes an int, not set\n"
    )
    shown = tail(your_frames(printed), 600)
    assert 'counter.py", line 21, in worker' in shown and "write_total({read_total()" in shown
    assert str(server) not in shown and "_cb_wait" not in shown and "_base.py" not in shown
    assert "(the grader's own frames are left out)" in shown
    assert shown.endswith("TypeError: write_total() takes an int, not set")
    assert your_frames("plain output\n") == "plain output"
