"""`dojo interview`: a mock screening round (timed questions across topics, one to explain, one kata, then a
scorecard per topic). Planning and scoring live in grader/interview.py; the questions run through the quiz's
own session loop and prompts, the kata through the same grading and report as `dojo kata check`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grader.cli import app
from grader.commands.common import state
from grader.errors import DojoError, ExitStatus
from grader.invocation import command

if TYPE_CHECKING:
    from rich.console import Console

    from grader.interview import KataResult, Round, Scorecard
    from grader.quiz import Summary


@app.command(rich_help_panel="Practice")
def interview(
    ctx: typer.Context,
    minutes: Annotated[
        float, typer.Option("--minutes", "-m", min=2, metavar="N", help="Length of the whole round.")
    ] = 45,
    count: Annotated[
        int, typer.Option("--count", "-n", min=1, metavar="N", help="How many questions (one is to explain).")
    ] = 8,
    kata: Annotated[
        str | None,
        typer.Option("--kata", metavar="SLUG", help="The kata to code. \\[default: the next one for you]"),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", metavar="N", help="Same seed, same questions.")] = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="Plain text, one answer per line (automatic when stdin is not a TTY).")
    ] = False,
) -> None:
    """A mock screening round: timed questions, one to explain, one kata, then a scorecard per topic.

    About 40% of the time goes to the questions, the rest to the kata: edit it in your editor, Enter grades it.

    The scorecard says what was strong, what to review and the commands to do it; it is saved to progress."""
    import os
    import random

    from grader import interview as core
    from grader import paths
    from grader import quiz as engine
    from grader.progress import Store
    from grader.ui.plain import LineReader

    paths.check_home()
    bank = state(ctx).bank()
    pool = engine.filter_questions(bank.questions, python=sys.version_info[:2])
    chosen_kata = None
    if kata is not None:
        from grader.commands.kata import _kata

        chosen_kata = _kata(ctx, kata)
    if not pool and not bank.katas:
        raise DojoError("the loaded banks have no questions and no katas", hint="Add a bank with --bank DIR.")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    with Store.open() as store:
        statuses = store.kata_statuses(k.slug for k in bank.katas)
        rnd = core.plan(pool, bank.katas, statuses, minutes=minutes, count=count, seed=seed, kata=chosen_kata)
        human = sys.stdout
        interactive = not plain and sys.stdin.isatty() and human.isatty()
        con = _console()
        started = time.monotonic()
        deadline = started + rnd.total_s
        _intro(con, rnd)
        reader = LineReader()  # one reader for both parts: a second one would miss lines the first read ahead
        summary = _questions(rnd, store, interactive, reader, session=os.urandom(8).hex())
        result = None  # a kata never reached says nothing about its topics
        if rnd.kata is not None and summary.ended in ("completed", "time_up"):
            result = core.KataResult(rnd.kata.slug, rnd.kata.title, rnd.kata.topics)
            _kata_part(con, bank.katas, rnd, result, deadline, store, reader)
        card = core.score(summary, result, elapsed_s=time.monotonic() - started, minutes=minutes)
        if summary.ended in ("interrupted", "end_of_input"):
            card.ended = summary.ended
    saved = _save(card, seed)
    _show(con, card, saved)
    if summary.ended == "interrupted" or (result is not None and result.verdict == "interrupted"):
        raise typer.Exit(int(ExitStatus.INTERRUPTED))


def _console() -> Console:
    from grader.ui import display

    return display.console()


def _points(x: float) -> str:
    """4.16667 -> 4.2, 3.0 -> 3: partial credit without false precision."""
    return f"{x:.1f}".removesuffix(".0")


def _clock(seconds: float) -> str:
    from grader.ui.ansi import clock

    return clock(seconds)


def _intro(con: Console, rnd: Round) -> None:
    from rich.text import Text

    n = len(rnd.questions)
    explain = any(q.type == "explain" for q in rnd.questions)
    con.rule(Text("Mock interview", "bold"), align="left", style="dim")
    parts = []
    if n:
        what = f"{n} question{'s' if n != 1 else ''}" + (
            ", the last one to explain in your words" if explain else ""
        )
        parts.append(f"Part 1: {what}, {_clock(rnd.quiz_s)} on the clock, no hints, feedback at the end.")
    if rnd.kata is not None:
        parts.append(f"Part {2 if n else 1}: one kata, {rnd.kata.title}, coded in your own editor.")
    parts.append(f"{_clock(rnd.total_s)} in all. Every answer is saved as you give it; Ctrl-C ends the round.")
    for p in parts:
        con.print(Text(p))
    con.print()


def _questions(rnd: Round, store, interactive: bool, reader, *, session: str) -> Summary:
    from grader import quiz as engine
    from grader.quiz import Summary
    from grader.ui import session as loop

    if not rnd.questions:
        return Summary("exam", rnd.seed, 0)
    plan = loop.Plan("exam", rnd.seed, [engine.present(q, rnd.seed) for q in rnd.questions], rnd.quiz_s)
    record = loop.recorder(store, mode="interview", session=session)
    if not interactive:
        from grader.ui import plain

        return loop.run(plan, _NoIntro(plain.PlainIO(sys.stdout, reader, exam=True)), record)
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.output import create_output

    from grader.ui.interactive import InteractiveIO

    with create_app_session(output=create_output(stdout=sys.stdout)):
        return loop.run(plan, _NoIntro(InteractiveIO(sys.stdout)), record)


class _NoIntro:
    """The quiz's IO without its own intro: the round's intro has said it (one clock, no hints, feedback at the
    end), and saying it twice reads like two sessions."""

    def __init__(self, io) -> None:
        self._io = io

    def show_intro(self, text: str) -> None:
        pass

    def __getattr__(self, name: str):
        return getattr(self._io, name)


def _kata_part(con: Console, katas, rnd: Round, result: KataResult, deadline: float, store, reader) -> None:
    """Start the kata in the workspace; the learner edits it in their editor and presses Enter to grade it (as
    often as they like), or s to skip. When the time is up it is graded one last time."""
    from rich.text import Text

    from grader import workspace
    from grader.commands.kata import localize_prompt
    from grader.quiz import TimeUp
    from grader.ui import display

    k = rnd.kata
    assert k is not None
    path, _created = workspace.start(k)
    store.record_kata_event(k.slug, "started")
    con.print()
    con.rule(Text(f"The kata: {k.title}", "bold"), align="left", style="dim")
    task = _without_run_it(k.prompt_path.read_text(encoding="utf-8"))
    con.print(display.render(localize_prompt(k, task), document=True))
    con.print()
    con.print(Text.assemble(("Your file: ", "bold"), str(path)), soft_wrap=True)
    graded: bytes | None = None  # the file as it was last graded
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        # The clock first: at the end of the line the terminal's width split it ("⏱ 0:35" / "left").
        con.print(
            Text.assemble(
                (f"⏱ {_clock(left)} left", "bold yellow"),
                " · Edit it in your editor, then press ",
                ("Enter", "bold"),
                " to grade it, or ",
                ("s Enter", "bold"),
                " to skip.",
            )
        )
        try:
            line = reader.readline(deadline)
        except TimeUp:
            if graded is not None and graded == _contents(path):
                # The same file graded again would print the report just read a second time.
                con.print(
                    Text("⏱ Time is up: your last check stands (the file has not changed since).", "bold red")
                )
                return
            con.print(Text("⏱ Time is up: your file is graded as it is now.", "bold red"))
            _grade(con, katas, k, path, result)
            return
        except EOFError:
            return
        except KeyboardInterrupt:
            result.verdict = "interrupted" if not result.checks else result.verdict
            return
        if line.strip().casefold() in ("s", "skip"):
            return
        graded = _contents(path)
        _grade(con, katas, k, path, result)
        if result.passed:
            return


def _without_run_it(prompt: str) -> str:
    """The task without its "Run it" section: in a round, Enter grades the file; `kata start`, `check` and `hint`
    listed there are for practice, and a hint is not what the round offers."""
    import re

    prompt = re.sub(r"(?m)^Run it with `dojo [^`]+`\.?\s*$", "", prompt)
    return re.sub(r"(?ms)^## Run it\s*$.*?(?=^## |\Z)", "", prompt).rstrip() + "\n"


def _contents(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _grade(con: Console, katas, k, path: Path, result: KataResult) -> None:
    from grader.commands.kata import grade_and_report

    v = grade_and_report(katas, k, path, given=False, as_json=False, suggest_next=False)
    result.verdict = v.verdict
    result.checks += 1


def _save(card: Scorecard, seed: int) -> Path | None:
    """The scorecard as JSON beside the progress file (the answers and attempts are in progress already)."""
    import json
    from datetime import UTC, datetime

    from grader.paths import data_home

    folder = data_home() / "interviews"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stamp}.json"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{stamp}-{n}.json"
        path.write_text(json.dumps({"seed": seed, **card.to_dict()}, indent=2) + "\n", encoding="utf-8")
    except OSError:
        return None
    return path


def _show(con: Console, card: Scorecard, saved: Path | None) -> None:
    from rich.padding import Padding
    from rich.text import Text

    from grader import interview as core

    con.print()
    con.rule(Text("Scorecard", "bold"), align="left", style="dim")
    head = [f"Questions {_points(card.questions_score)} of {card.questions_asked}"]
    if card.kata is not None:
        k = card.kata
        checks = f" ({k.checks} check{'s' if k.checks != 1 else ''})" if k.checks else ""
        head.append(f"Kata {k.verdict.replace('_', ' ')}{checks}")
    head.append(f"{_clock(card.elapsed_s)} of {_clock(card.minutes * 60)}")
    con.print(Text(" · ".join(head)))
    if card.ended == "time_up":
        con.print(Text("Time ran out during the questions: the ones left count as wrong.", "yellow"))
    elif card.ended in ("interrupted", "end_of_input"):
        con.print(Text("The round ended early: this card covers what was answered.", "yellow"))

    def topic_line(t: core.TopicLine, mark: str, colour: str) -> None:
        bits = []
        if t.asked:
            bits.append(f"{_points(t.score)} of {t.asked} question{'s' if t.asked != 1 else ''}")
        if t.kata:
            bits.append(f"kata {t.kata.replace('_', ' ')}")
        con.print(Text.assemble("  ", (mark, colour), " ", (t.topic, "bold"), "  ", ", ".join(bits)))
        for words in t.missed[:3]:
            con.print(Padding(Text(f"missed: {words}", "dim"), (0, 0, 0, 4)))

    if card.strong:
        con.print()
        con.print(Text("Strong", "bold green"))
        for t in card.strong:
            topic_line(t, "✔", "green")
    if card.review:
        con.print()
        con.print(Text("To review", "bold yellow"))
        for t in card.review:
            topic_line(t, "✘", "red")
    todo = core.review_commands(card, command)
    if todo:
        con.print()
        con.print(Text("What to do next", "bold"))
        for what, cmd in todo:
            con.print(Text(f"  {what}:"))
            con.print(Text(f"    {cmd}"), soft_wrap=True)
    elif card.topics:
        con.print()
        con.print(Text("Interview-ready on everything asked. Another round: " + command("interview")))
    if saved is not None:
        from grader.commands.kata import say

        con.print()
        say(con, "Scorecard saved to", str(saved))
        con.print(Text("Your answers and kata checks are in your progress too.", "dim"))
