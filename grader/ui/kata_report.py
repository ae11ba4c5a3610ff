"""The rich report of a kata check: a spinner while the child runs, then the verdict, one line per test, each
failure's message once and whole, timings, where it was stuck, and the next step.

Laid out as lines, not as a table with a narrow message column: a message folded into a 40-column cell was cut
into word pieces at 80 columns and repeated in the notes below it. The verdict given here is already in the
learner's words (grader.workspace.Localizer): their file, the test's assertion, commands that run here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from grader.verdict import Verdict

STYLE = {
    "passed": "bold green",
    "failed": "bold red",
    "too_slow": "bold yellow",
    "inconclusive": "bold cyan",
    "error": "bold red",
    "timeout": "bold magenta",
    "memory_limit": "bold magenta",
    "output_limit": "bold magenta",
}
ICON = {"passed": ("✔", "green"), "failed": ("✘", "red"), "error": ("!", "red"), "skipped": ("–", "cyan")}


def grade_with_spinner(console: Console, slug: str, run: Callable[[Callable[[dict], None]], Verdict]) -> Verdict:
    """Run the grader with a live spinner that counts the tests reported so far."""
    done = 0
    with console.status(f"Grading [bold]{escape(slug)}[/]…", spinner="dots") as status:

        def on_record(rec: dict) -> None:
            nonlocal done
            if rec.get("kind") == "test":
                done += 1
                status.update(f"Grading [bold]{escape(slug)}[/]… {done} test(s) done, last: {escape(rec['name'])}")

        return run(on_record)


def _num(value: Any, unit: str) -> str:
    if value is None:
        return "–"
    v = float(value)
    if unit == "s":
        return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"
    if unit == "x":
        return f"{v:.2f}x"
    return f"{v:.3g} {unit}"


def lines(console: Console, text: str, indent: int = 0, lead: Text | None = None, style: str = "") -> None:
    """Print text line by line, each wrapped between words with its own indentation kept on the lines it wraps
    onto (a thread dump's `  transfer-0: file.py:20 ...` lines stay readable at 60 columns)."""
    for i, line in enumerate(text.splitlines() or [""]):
        body = line.lstrip(" ")
        extra = len(line) - len(body)
        piece = Text.assemble(lead, body, style=style) if lead is not None and i == 0 else Text(body, style)
        console.print(Padding(piece, (0, 0, 0, indent + extra), expand=False))


_CMD = re.compile(r"\s*`([^`]+)`[.,]?")


def with_commands(console: Console, label: str, text: str) -> None:
    """Print text that names commands (`uv run dojo kata hint x`). On one line when it fits; otherwise each
    command goes whole on a line of its own, never wrapped by us: a command split across lines cannot be copied."""
    from grader.invocation import prefix

    commands = [m for m in _CMD.finditer(text) if m.group(1).startswith(prefix())]
    if not commands or len(label) + len(text) <= console.width:
        console.print(Text.assemble((label, "bold"), text))
        return
    prose = text
    for i, m in enumerate(reversed(commands)):
        named = i == len(commands) - 1 and not text[: m.start()].rstrip().endswith((":", "?"))
        word = " the commands below" if len(commands) > 1 else " the command below"
        if text[: m.start()].rstrip().endswith((".", "!")) or not text[: m.start()].strip():
            word = " T" + word[2:]  # it starts a sentence
        prose = prose[: m.start()] + (word if named else "") + prose[m.end() :]
    prose = " ".join(prose.split())
    console.print(Text.assemble((label, "bold"), prose if prose.endswith("?") else prose.rstrip(".:") + ":"))
    for m in commands:
        console.print(Text("  " + m.group(1)), soft_wrap=True)


_FRAME = re.compile(r'^(\s*)File "([^"]+)", line \d+')


def your_frames(output: str) -> str:
    """A traceback without the frames from the grader's own code down: when the learner's thread calls into the
    kata's services and gets an error back, the frames of the grader's machinery (and the library code under
    them) pushed their own line out of the report. Their frames, and the error itself, stay."""
    import os

    import grader

    root = str(Path(grader.__file__).resolve().parent) + os.sep
    out: list[str] = []
    skipping, indent = False, 0
    for line in output.splitlines():
        m = _FRAME.match(line)
        if m and (skipping or m.group(2).startswith(root)):
            if not skipping:
                out.append(f"{m.group(1)}(the grader's own frames are left out)")
            skipping, indent = True, len(m.group(1))
            continue
        if skipping and line.strip() and len(line) - len(line.lstrip()) > indent:
            continue  # the source line and carets of a frame left out
        skipping = False
        out.append(line)
    return "\n".join(out)


def tail(output: str, limit: int) -> str:
    """The last whole lines of what the code printed, about `limit` characters: cut at a line, never inside a
    word (the last 400 characters began a traceback with 'g.py", line 1045', the end of 'threading.py')."""
    kept: list[str] = []
    size = 0
    all_lines = output.rstrip("\n").splitlines()
    for line in reversed(all_lines):
        if kept and size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    dropped = len(all_lines) - len(kept)
    head = [f"… ({dropped} earlier line{'s' if dropped != 1 else ''})"] if dropped else []
    return "\n".join(head + kept[::-1])


# The test runner's own lines ("no tests ran in 0.07s", "==== 1 error in 0.1s ===="): never the learner's.
_CHROME = re.compile(r"=+( .* )?=+|no tests ran in [\d.]+s|(\d+ \w+(, )?)+ in [\d.]+s")


def _without_runner_chrome(output: str) -> str:
    """What is left of the output once the test runner's summary lines are gone; an output that was nothing
    else ("no tests ran in 0.07s" in a box titled Output) is not shown as if the learner's code printed it."""
    kept = [line for line in output.splitlines() if not _CHROME.fullmatch(line.strip())]
    return "\n".join(kept).strip("\n") if any(line.strip() for line in kept) else ""


def _label(t) -> str:
    return t.verdict.replace("_", " ") if t.verdict not in ("passed", "failed") else t.status


def _tests(console: Console, v: Verdict) -> None:
    from rich.table import Table

    # A grid, so that a test name too long for the line goes on under itself, not at the left edge.
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for t in v.tests:
        sym, colour = ICON.get(t.status, ("?", ""))
        grid.add_row(Text.assemble("  ", (sym, colour), " ", (f"{_label(t):8}", "bold"), " "), t.name)
    console.print(grid)
    for t in v.tests:
        if t.status == "passed" or not (t.message or t.notes or t.output):
            continue
        sym, colour = ICON.get(t.status, ("?", ""))
        console.print()
        head = Table.grid()  # a name longer than the line goes on under itself, not alone after the mark
        head.add_column(no_wrap=True)
        head.add_column(overflow="fold")
        head.add_row(Text.assemble((sym, colour), " "), Text(t.name, "bold"))
        console.print(head)
        if t.message:
            lines(console, t.message, 2)
        for n in t.notes:
            lines(console, n, 2, Text("note: ", "yellow"))
        if t.output:
            lines(console, tail(your_frames(t.output), 600), 2, Text("it printed: ", "dim"), "dim")


def _timings(console: Console, v: Verdict) -> None:
    """One block per timing (what, measured, baseline, ratio, threshold), readable at 60 columns."""
    console.print()
    console.print(Text("Timings", "bold"))
    from rich.table import Table

    for tm in v.timings:
        unit = tm.get("unit", "s")
        ok = tm.get("passed")
        # A grid, so that a description that wraps goes on under its own first word, not at the left edge.
        head = Table.grid()
        head.add_column(no_wrap=True)
        head.add_column()
        head.add_row(
            Text.assemble("  ", ("✔" if ok else "✘", "green" if ok else "red"), " "),
            Text.assemble((f"{tm.get('name')}", "bold"), f": {tm.get('what', '')}" if tm.get("what") else ""),
        )
        console.print(head)
        threshold = ("≥ " if unit == "x" else "≤ ") + _num(tm.get("threshold"), unit)
        parts = [
            f"measured {_num(tm.get('measured'), unit)}",
            f"baseline {_num(tm.get('baseline'), unit)}",
            f"ratio {_num(tm.get('ratio'), 'x')}",
            f"threshold {threshold}",
            "ok" if ok else "missed",
        ]
        console.print(Padding(Text(" · ".join(parts)), (0, 0, 0, 4)))
    console.print(
        Text(
            "Baselines come from the reference solution measured in the same run; "
            "thresholds are ratios, never absolute times.",
            "dim",
        )
    )


def render(
    console: Console, v: Verdict, *, file: str = "", next_step: str = "", after: tuple[str, str] | None = None
) -> None:
    """`v` in the learner's words; `file` how their file is named; `after` (label, text): what to do once this
    kata is done."""
    style = STYLE[v.verdict]
    head = Text.assemble((v.verdict.upper().replace("_", " "), style), "  ", v.kata, f"  ({v.duration_s:.1f} s)")
    if file and len(head) + 2 + len(file) <= console.width:
        head.append(f"  {file}", "dim")
        file = ""
    console.print(head)
    if file:
        # A path is never folded by us: the terminal's own wrap keeps it one line to copy or click.
        console.print(Text(file, "dim"), soft_wrap=True)
    message = v.message
    if v.tests:
        # "2 of 3 tests failed; first: test_a_very_long_name": the tests are listed just below, and a long name
        # repeated here was cut mid-word at 60 columns.
        message = re.sub(r"^(\d+ of \d+ tests? failed); first: \S+$", r"\1", message)
    if message:
        with_commands(console, "", message)
    if v.tests:
        console.print()
        _tests(console, v)
    if v.timings:
        _timings(console, v)
    for n in v.notes:
        console.print(Text.assemble(("note: ", "yellow"), n))
    if v.diagnosis is not None:
        d = v.diagnosis
        body = Text.assemble((d.label, "bold"), ": ", d.summary)
        for w in d.where[:8]:
            body.append(f"\n  • {w}")
        console.print(Panel(body, title="Where it was stuck", border_style="magenta"))
    printed = _without_runner_chrome(v.output)
    if v.verdict == "error" and printed and not v.tests:
        console.print(
            Panel(Text(tail(your_frames(printed), 1200)), title="Output (last lines)", border_style="dim")
        )
    console.print()
    with_commands(console, "Next: ", next_step or v.next_step())
    if after:
        with_commands(console, *after)
