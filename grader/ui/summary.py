"""End-of-session summary, `dojo stats` and `dojo topics`, as rich tables or plain text."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.quiz import Outcome, Summary

ENDINGS = {
    "completed": "",
    "interrupted": "Stopped with Ctrl-C; every answer given is saved.",
    "end_of_input": "Input ended; every answer given is saved.",
    "time_up": "Time ran out; unanswered questions count as wrong.",
}


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}%"


def _duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}m {s % 60:02d}s" if s >= 60 else f"{s}s"


def _why(o: Outcome) -> str:
    if o.graded is None:
        return "not answered"
    if o.graded.partial:
        return f"partly right ({o.graded.score:.0%})"
    return "wrong"


def _headline(s: Summary) -> str:
    counted = s.counted
    pct = 100 * s.score / len(counted) if counted else 0.0
    partial = sum(1 for o in counted if o.graded and o.graded.partial)
    text = f"Score {s.score:.1f} / {len(counted)} ({pct:.0f}%) · {s.correct} right"
    if partial:
        text += f" · {partial} partly right"
    return text + f" · {_duration(s.elapsed_s)}"


def next_steps(s: Summary) -> list[tuple[str, str]]:
    tips = []
    if s.missed:
        tips.append(("dojo quiz --mistakes", "retry what you missed"))
    tips.append(("dojo quiz --review", "the questions due for review (spaced repetition)"))
    tips.append(("dojo stats", "your progress so far"))
    return tips


def show_summary(con: Console, s: Summary) -> None:
    con.print()
    con.rule("[bold]Session summary[/]", align="left", style="dim")
    if s.ended != "completed":
        con.print(Text(ENDINGS[s.ended], style="yellow"))
    if not s.counted:
        con.print("No questions answered.")
        return
    con.print(Text(_headline(s), style="bold"))
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    table.add_column("Topic")
    table.add_column("Questions", justify="right")
    table.add_column("Right", justify="right")
    table.add_column("Score", justify="right")
    for topic, t in s.per_topic().items():
        table.add_row(topic, str(t.answered), str(t.correct), f"{100 * t.score / t.answered:.0f}%")
    con.print(table)
    if s.missed:
        con.print()
        missed = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold", title_justify="left")
        missed.add_column("Missed")
        missed.add_column("Topic", style="dim")
        missed.add_column("")
        for o in s.missed:
            missed.add_row(o.question.id, o.question.topic, _why(o))
        con.print(missed)
    con.print()
    for cmd, what in next_steps(s):
        con.print(Text.assemble(("  " + cmd.ljust(22), "cyan"), (what, "dim")))


def plain_summary(out: TextIO, s: Summary) -> None:
    lines = ["", "Session summary", "---------------"]
    if s.ended != "completed":
        lines.append(ENDINGS[s.ended])
    if not s.counted:
        lines.append("No questions answered.")
    else:
        lines.append(_headline(s))
        for topic, t in s.per_topic().items():
            lines.append(f"  {topic}: {t.correct}/{t.answered} right, score {100 * t.score / t.answered:.0f}%")
        for o in s.missed:
            lines.append(f"  missed: {o.question.id} ({o.question.topic}), {_why(o)}")
        lines += ["Next:", *(f"  {cmd.ljust(22)}{what}" for cmd, what in next_steps(s))]
    out.write("\n".join(lines) + "\n")
    out.flush()


def show_stats(con: Console, st: dict) -> None:
    con.print(
        Text.assemble(
            ("Answered ", "bold"),
            f"{st['answered']}  ",
            ("Right ", "bold"),
            f"{st['correct']} ({_pct(st['accuracy'])})  ",
            ("Questions seen ", "bold"),
            f"{st['questions_seen']} of {st['questions_total']}",
        )
    )
    con.print(
        Text.assemble(
            ("Due for review today ", "bold"),
            f"{st['due_today']}  ",
            ("Streak ", "bold"),
            f"{st['streak_days']} day{'s' if st['streak_days'] != 1 else ''}  ",
            ("Katas passed ", "bold"),
            f"{st['katas_passed']} of {st['katas_total']}",
        )
    )
    if st["topics"]:
        con.print()
        con.print(_topic_table(st["topics"], with_title=False))
    if st["due_today"]:
        con.print(Text("\nRun `dojo quiz --review` for today's reviews.", style="dim"))
    elif not st["answered"]:
        con.print(Text("\nNo answers yet. Start with `dojo quiz`.", style="dim"))


def _topic_table(rows: list[dict], *, with_title: bool) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("Topic", no_wrap=True, style="cyan")
    if with_title:
        table.add_column("Title", ratio=1)
        table.add_column("Questions", justify="right", no_wrap=True)
        table.add_column("Seen", justify="right", no_wrap=True)
    table.add_column("Answered", justify="right", no_wrap=True)
    table.add_column("Accuracy", justify="right", no_wrap=True)
    for r in rows:
        cells = [r["topic"]]
        if with_title:
            cells += [r["title"], str(r["questions"]), str(r["seen"])]
        cells += [str(r["answered"]), _pct(r["accuracy"])]
        table.add_row(*cells)
    return table


def show_topics(con: Console, rows: list[dict]) -> None:
    con.print(_topic_table(rows, with_title=True))
    con.print(Text("\nPractise one: dojo quiz --topic TOPIC", style="dim"))
