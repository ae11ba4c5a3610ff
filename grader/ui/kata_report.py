"""The rich report of a kata check: a spinner while the child runs, then tests, timings, diagnosis, next step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

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
ICON = {"passed": "[green]✔[/]", "failed": "[red]✘[/]", "error": "[red]![/]", "skipped": "[cyan]–[/]"}


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


def render(console: Console, v: Verdict) -> None:
    style = STYLE[v.verdict]
    console.print(f"[{style}]{v.verdict.upper().replace('_', ' ')}[/]  {escape(v.kata)}  ({v.duration_s:.1f} s)")
    if v.message:
        console.print(escape(v.message), highlight=False)
    if v.tests:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("")
        table.add_column("test")
        table.add_column("result", overflow="fold")
        for t in v.tests:
            label = t.verdict.replace("_", " ") if t.verdict not in ("passed", "failed") else t.status
            detail = escape(t.message) if t.message else ""
            if t.output and t.status != "passed":
                detail += f"\n[dim]output: {escape(t.output[-200:])}[/]"
            table.add_row(ICON.get(t.status, "?"), escape(t.name), f"[bold]{label}[/] {detail}".strip())
        console.print(table)
    if v.timings:
        table = Table(title="Timings", show_header=True, header_style="bold", title_justify="left")
        for col in ("measured what", "measured", "baseline", "ratio", "threshold", ""):
            table.add_column(col)
        for tm in v.timings:
            unit = tm.get("unit", "s")
            ok = "[green]ok[/]" if tm.get("passed") else "[red]missed[/]"
            table.add_row(
                escape(f"{tm.get('name')}: {tm.get('what', '')}"),
                _num(tm.get("measured"), unit),
                _num(tm.get("baseline"), unit),
                _num(tm.get("ratio"), "x"),
                ("≥ " if unit == "x" else "≤ ") + _num(tm.get("threshold"), unit),
                ok,
            )
        console.print(table)
        console.print(
            "[dim]Baselines come from the reference solution measured in the same run; "
            "thresholds are ratios, never absolute times.[/]"
        )
    notes = [n for t in v.tests for n in t.notes] + v.notes
    for n in notes:
        console.print(f"[yellow]note:[/] {escape(n)}")
    if v.diagnosis is not None:
        d = v.diagnosis
        body = f"[bold]{escape(d.label)}[/]: {escape(d.summary)}"
        if d.where:
            body += "\n" + "\n".join(f"  • {escape(w)}" for w in d.where[:8])
        console.print(Panel(body, title="Where it was stuck", border_style="magenta"))
    if v.verdict in ("error",) and v.output and not v.tests:
        console.print(Panel(escape(v.output[-1200:]), title="Output (last lines)", border_style="dim"))
    console.print(f"[bold]Next:[/] {escape(v.next_step())}")
