"""`dojo next`: the one thing to do now (grader/next_step.py decides; this prints it)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from grader.cli import app
from grader.commands.common import print_json, state


@app.command("next", rich_help_panel="Quiz")
def next_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: kind, args, command, why.")] = False,
) -> None:
    """The one thing to do now: reviews due, a kata you started, a kata you are ready for, or new questions."""
    from grader.invocation import command
    from grader.next_step import recommend
    from grader.progress import Store
    from grader.stats import collect

    bank = state(ctx).bank()
    with Store.open() as store:
        st = collect(store, bank)
    step = recommend(st, bank.katas)
    then = recommend(st, bank.katas, skip_reviews=True) if step.kind == "review" else None
    if as_json:
        print_json(
            {
                **step.to_dict(),
                "command": command(*step.args) if step.args else None,
                "then": then.to_dict() if then else None,
            }
        )
        return
    import shutil
    import textwrap

    # Prose wrapped between words to the terminal, commands whole on lines of their own: unwrapped, the terminal
    # broke "Then: ... (You tried 'Fi" / "nd the coroutine ...".
    width = shutil.get_terminal_size().columns
    out = sys.stdout

    def say(text: str) -> None:
        out.write(textwrap.fill(text, width) + "\n")

    def run(cmd: str, indent: int) -> None:
        out.write((" " * indent if indent + len(cmd) <= width else "") + cmd + "\n")

    say(step.why)
    if step.args:
        out.write("\n")
        run(command(*step.args), 4)
        out.write("\n")
    for args in step.also:
        verb = {"show": "Read the task first:", "hint": "Stuck? A hint:"}.get(
            args[1] if len(args) > 1 else "", "Also:"
        )
        cmd = command(*args)
        if len(verb) + 1 + len(cmd) <= width:
            out.write(f"{verb} {cmd}\n")
        else:
            say(verb)
            run(cmd, 2)
    if then is not None and then.args:
        say(f"Then: {then.why}")
        run(command(*then.args), 2)
