"""The end-of-session summary (rich or plain text) and `dojo topics`. `dojo stats` is drawn by ui/stats_view.py.

Every command suggested here is built by grader.invocation.command, so it runs as printed in the learner's shell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.answers import RATINGS
from grader.invocation import command
from grader.quiz import Outcome, Summary, first_words

ENDINGS = {
    "completed": "",
    "interrupted": "Stopped with Ctrl-C; every answer given is saved.",
    "end_of_input": "Input ended; every answer given is saved.",
    "time_up": "Time ran out; unanswered questions count as wrong (saved as wrong: --mistakes brings them back).",
}


@dataclass(frozen=True, slots=True)
class After:
    """What the progress store says once the session is over: the truth behind the suggested next steps."""

    due_now: int = 0  # what `dojo quiz --review` would offer right now
    next_review: str | None = None  # when the next review is due ("in 10 min"), when none is due now


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}%"


def _duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}m {s % 60:02d}s" if s >= 60 else f"{s}s"


def _why(o: Outcome) -> str:
    if o.graded is None:
        return "not answered"
    if o.graded.rating is not None:
        return f"rated {RATINGS[o.graded.rating]}"
    if o.graded.partial:
        return f"partly right ({o.graded.score:.0%})"
    return "wrong"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline(s: Summary) -> str:
    """`Score 2.5 / 4 (62%) · 2 right · 1 partly right · 1 self-rated Hard · 1m 05s`.

    Self-rated explain answers are named by their rating: a "Hard" counted as "1 right" next to a score of 0.5
    read as a contradiction.
    """
    counted = s.counted
    pct = 100 * s.score / len(counted) if counted else 0.0
    right = sum(1 for o in counted if o.correct and o.graded.rating is None)
    partial = sum(1 for o in counted if o.graded and o.graded.partial)
    rated = [RATINGS[o.graded.rating] for o in counted if o.graded and o.graded.rating is not None]
    parts = [f"Score {round(s.score, 1):g} / {len(counted)} ({pct:.0f}%)", f"{right} right"]
    if partial:
        parts.append(f"{partial} partly right")
    for name in RATINGS.values():
        if name in rated:
            parts.append(f"{rated.count(name)} self-rated {name}")
    return " · ".join([*parts, _duration(s.elapsed_s)])


def _right(s: Summary) -> dict[str, int]:
    """Per topic, the questions right as the headline counts them: a self-rated explain answer is named by its
    rating there, so the table must not count it as "right" too ("0 right · 1 self-rated Hard" above a table
    that said 1 right)."""
    out: dict[str, int] = {}
    for o in s.counted:
        out[o.question.topic] = out.get(o.question.topic, 0) + (o.correct and o.graded.rating is None)
    return out


def next_steps(s: Summary, after: After) -> list[tuple[str, str]]:
    """(command, what it does): only steps that are true now (no --review when nothing is due)."""
    tips = []
    missed = len(s.missed)
    if missed:
        tips.append((command("quiz", "--mistakes"), f"retry the {_plural(missed, 'question')} you missed"))
    if after.due_now:
        tips.append((command("quiz", "--review"), f"{_plural(after.due_now, 'question')} due for review now"))
    tips.append((command("next"), "what to do next"))
    tips.append((command("stats"), "your progress so far"))
    return tips


def _review_note(after: After) -> str:
    if after.due_now or after.next_review is None:
        return ""
    return f"Nothing is due for review now; the next review is due {after.next_review}."


def show_summary(con: Console, s: Summary, after: After = After()) -> None:
    con.print()
    con.rule("[bold]Session summary[/]", align="left", style="dim")
    if s.ended != "completed":
        con.print(Text(ENDINGS[s.ended], style="yellow"))
    if not s.counted:
        con.print("No questions answered.")
        return
    con.print(Text(headline(s), style="bold"))
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    table.add_column("Topic")
    table.add_column("Questions", justify="right")
    table.add_column("Right", justify="right")
    table.add_column("Score", justify="right")
    right = _right(s)
    for topic, t in s.per_topic().items():
        table.add_row(topic, str(t.answered), str(right[topic]), f"{100 * t.score / t.answered:.0f}%")
    con.print(table)
    if s.missed:
        con.print()
        missed = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
        missed.add_column("Missed", ratio=1)
        missed.add_column("Topic", style="dim", no_wrap=True)
        missed.add_column("", no_wrap=True)
        width = max(24, con.width - 30)
        for o in s.missed:
            missed.add_row(first_words(o.question, width), o.question.topic, _why(o))
        con.print(missed)
    con.print()
    if note := _review_note(after):
        con.print(Text(note, style="dim"))
    tips = next_steps(s, after)
    if max(len(cmd) for cmd, _ in tips) + 32 <= con.width:
        steps = Table.grid(padding=(0, 2))
        steps.add_column(style="cyan", no_wrap=True)
        steps.add_column(style="dim")
        for cmd, what in tips:
            steps.add_row(cmd, what)
        con.print(steps)
        return
    # Long commands (`python -m grader` with a full path) on their own lines, whole, so they can be copied.
    for cmd, what in tips:
        con.print(Text(what[0].upper() + what[1:] + ":", style="dim"))
        con.print(Text("  " + cmd, style="cyan"), soft_wrap=True)  # one line, however wide: it is copied


def plain_summary(out: TextIO, s: Summary, after: After = After()) -> None:
    lines = ["", "Session summary", "---------------"]
    if s.ended != "completed":
        lines.append(ENDINGS[s.ended])
    if not s.counted:
        lines.append("No questions answered.")
    else:
        lines.append(headline(s))
        right = _right(s)
        for topic, t in s.per_topic().items():
            lines.append(f"  {topic}: {right[topic]}/{t.answered} right, score {100 * t.score / t.answered:.0f}%")
        if s.missed:
            lines.append("Missed:")
        for o in s.missed:
            lines.append(f"  - {first_words(o.question, 60)} ({o.question.topic}, {_why(o)})")
        if note := _review_note(after):
            lines.append(note)
        lines += ["Next:", *(f"  {cmd}  ({what})" for cmd, what in next_steps(s, after))]
    out.write("\n".join(lines) + "\n")
    out.flush()


def show_topics(con: Console, rows: list[dict]) -> None:
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("Topic", no_wrap=True, style="cyan")
    # The title gives way first on a narrow terminal (wrapped at word boundaries, never cut mid-word).
    table.add_column("Title", ratio=1, overflow="fold", min_width=14)
    table.add_column("Qs", justify="right", no_wrap=True)
    table.add_column("Seen", justify="right", no_wrap=True)
    table.add_column("Right", justify="right", no_wrap=True)
    for r in rows:
        table.add_row(r["topic"], r["title"], str(r["questions"]), str(r["seen"]), _pct(r["accuracy"]))
    con.print(table)
    example = min(rows, key=lambda r: (r["accuracy"] is not None, r["accuracy"] or 0))["topic"] if rows else None
    if example:
        # soft_wrap: a command is never split by a newline, so a copy of it runs.
        con.print(Text(f"\nPractise one: {command('quiz', '--topic', example)}", style="dim"), soft_wrap=True)
