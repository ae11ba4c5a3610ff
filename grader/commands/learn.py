"""`dojo learn [TOPIC[#SECTION]]`: list the lessons, or read one (or one section of one) at the terminal's width."""

from __future__ import annotations

import difflib
import shutil
import sys
from typing import Annotated

import typer

from grader.boundary import error
from grader.cli import app
from grader.commands.common import state
from grader.errors import DojoError, UnknownItemError

Target = Annotated[
    str | None,
    typer.Argument(
        help="A topic (`gil`), or a topic and a section (`gil#what-the-gil-protects`). Default: list the lessons.",
        metavar="TOPIC[#SECTION]",
        show_default=False,
    ),
]


def _section_error(topic: str, slug: str, known: list[str]) -> UnknownItemError:
    from grader.invocation import command

    close = difflib.get_close_matches(slug, known, n=1, cutoff=0.4)
    hint = f"Did you mean `{command('learn', f'{topic}#{close[0]}')}`?" if close else None
    return UnknownItemError(f"no section '{slug}' in lesson '{topic}'. Sections: {', '.join(known)}", hint=hint)


@app.command(rich_help_panel="Learn")
def learn(ctx: typer.Context, target: Target = None) -> None:
    """Read a short lesson: what it is and why, an example you can run, the traps, what interviewers ask."""
    from grader import lessons
    from grader.invocation import command
    from grader.ui.ansi import use_color
    from grader.ui.lesson_view import listing, render

    roots = state(ctx).roots()
    width = shutil.get_terminal_size((80, 24)).columns - 1  # the last column would wrap on some terminals
    color = use_color(sys.stdout)
    try:
        if not target:
            found = lessons.load_all(roots)
            if not found:
                raise DojoError("no lessons found in the banks in use")
            first = "gil" if any(x.topic == "gil" for x in found) else found[0].topic  # where most start
            hint = f"Read one: {command('learn', first)}"
            sys.stdout.write(listing(found, width=width, color=color, hint=hint))
            return
        topic, _, slug = target.strip().partition("#")
        lesson = lessons.load(topic.strip().lower(), roots)
        section = None
        if slug:
            section = lesson.section(lessons.slugify(slug))
            if section is None:
                raise _section_error(lesson.topic, slug, [s.slug for s in lesson.sections])
        sys.stdout.write(render(lesson, width=width, color=color, section=section))
    except DojoError as e:
        # Reported here, not only by grader.boundary, so that in-process runners (CliRunner) see the exit code.
        error(e.message, e.hint)
        raise typer.Exit(int(e.exit_status)) from None
