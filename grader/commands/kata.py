"""Kata commands: list, show, start, check, watch, hint, solution, reset (DESIGN section 6).

Every command the learner is told to run goes through grader.invocation.command, so it runs as printed in their
shell. check, watch, hint, solution and reset need no slug inside a kata's folder (as rustlings and Exercism do).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grader.cli import app
from grader.commands.common import print_json, state
from grader.errors import DojoError, UnknownItemError, UsageError
from grader.invocation import command

if TYPE_CHECKING:
    from rich.console import Console

    from grader.models import Kata
    from grader.progress import Store
    from grader.verdict import Verdict

kata_app = typer.Typer(help="Coding katas: start one, check it, get hints.", no_args_is_help=True)
app.add_typer(kata_app, name="kata", rich_help_panel="Katas")

Slug = Annotated[str, typer.Argument(help="The kata's slug (see `dojo kata list`).", metavar="SLUG")]
SlugHere = Annotated[
    str | None,
    typer.Argument(help="The kata's slug. Default: the kata whose folder you are in.", metavar="SLUG"),
]
STATUS_MARK = {"passed": ("✔", "green"), "given up": ("✘", "yellow"), "attempted": ("…", "cyan")}


def _console() -> Console:
    from grader.ui import display

    return display.console()


def say(con: Console, words: str, item: str, after: str = "") -> None:
    """`words item after` on one line when it fits; else the item (a command or a path) whole on a line of its
    own: the terminal would wrap it mid-word, and a command split across lines cannot be copied."""
    from rich.text import Text

    if len(words) + len(item) + len(after) + 1 <= con.width:
        con.print(Text(f"{words} {item}{after}"), soft_wrap=True)
    else:
        con.print(Text(words.rstrip(":") + ":" if not after else f"{words}{after.rstrip('.')}:"))
        # Indented when that still fits; a path as wide as the terminal goes at the edge rather than wrap.
        con.print(Text(f"  {item}" if len(item) + 2 <= con.width else item), soft_wrap=True)


def _kata(ctx: typer.Context, slug: str) -> Kata:
    import difflib

    bank = state(ctx).bank()
    k = bank.kata(slug) or bank.kata(slug.strip().casefold())
    if k is not None:
        return k
    slugs = [k.slug for k in bank.katas]
    close = difflib.get_close_matches(slug.casefold(), slugs, n=1, cutoff=0.5)
    if close:
        hint = f"Did you mean '{close[0]}'? Try `{_same_command(ctx, close[0])}`."
    else:
        hint = f"See them all: `{command('kata', 'list')}`."
    raise UnknownItemError(f"no kata '{slug}'", hint=hint)


def _same_command(ctx: typer.Context, slug: str) -> str:
    """The command the learner typed, with the slug they meant: `kata check fix-blocking-cal` is answered with
    `kata check fix-blocking-call`, not with another command (`kata show`) that is not what they wanted."""
    banks = [a for b in state(ctx).extra_banks for a in ("--bank", str(b))]
    verb, params = ctx.info_name, ctx.params
    if verb == "interview":
        return command(*banks, "interview", "--kata", slug)
    if verb not in ("show", "start", "check", "watch", "hint", "solution", "reset"):
        verb = "show"
    args = [*banks, "kata", verb, slug]
    if params.get("file") is not None:
        args.append(str(params["file"]))
    if params.get("folder") is not None:
        args += ["--dir", str(params["folder"])]
    if params.get("give_up"):
        args.append("--give-up")
    return command(*args)


def _kata_here(ctx: typer.Context, slug: str | None, verb: str) -> Kata:
    """The kata named, or the one whose folder we are in."""
    from grader import workspace

    if slug is not None:
        return _kata(ctx, slug)
    slugs = [k.slug for k in state(ctx).bank().katas]
    here = workspace.kata_here(slugs)
    if len(here) == 1:
        return _kata(ctx, here[0])
    if here:
        raise UsageError(
            f"this folder holds {len(here)} katas: {', '.join(here)}",
            hint=f"Name one: `{command('kata', verb, here[0])}`.",
        )
    raise UsageError(
        "which kata? This folder is not a kata's folder",
        hint=f"Name one (`{command('kata', verb, 'SLUG')}`), or run it in the folder `kata start` printed. "
        f"See `{command('kata', 'list')}`.",
    )


def _store() -> Store:
    from grader.progress import Store

    return Store.open()


def _statuses(ctx: typer.Context) -> dict[str, str]:
    with _store() as store:
        return store.kata_statuses(k.slug for k in state(ctx).bank().katas)


@kata_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the katas, easiest first, with your status and the next one to do."""
    from grader import workspace

    katas = workspace.kata_order(state(ctx).bank().katas)
    status = _statuses(ctx)
    if as_json:
        print_json(
            [
                {
                    "slug": k.slug,
                    "title": k.title,
                    "difficulty": k.difficulty,
                    "topics": list(k.topics),
                    "status": status.get(k.slug, "new"),
                }
                for k in katas
            ]
        )
        return
    from rich.table import Table
    from rich.text import Text

    con = _console()
    passed = sum(status.get(k.slug) == "passed" for k in katas)
    con.print(Text.assemble(("Katas", "bold"), f"  {passed} of {len(katas)} passed"))
    wide = con.width >= 90
    table = Table(box=None, pad_edge=False, header_style="bold dim", padding=(0, 1))
    table.add_column("status", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("kata" if wide else "kata and title", overflow="fold")
    if wide:
        table.add_column("title")
    for k in katas:
        st = status.get(k.slug, "new")
        sym, colour = STATUS_MARK.get(st, ("·", "dim"))
        name = Text(k.slug, "bold" if st not in ("passed", "given up") else "")
        cells = [Text.assemble((sym, colour), " ", st), "*" * k.difficulty]
        if wide:
            table.add_row(*cells, name, k.title)
        else:
            table.add_row(*cells, Text.assemble(name, "\n", (k.title, "dim")))
    con.print(table)
    nxt = workspace.next_kata(katas, status)
    con.print()
    if nxt is None:
        say(con, "Every kata is done. Review the quiz:", command("quiz", "--review"))
    else:
        verb = "start" if status.get(nxt.slug, "new") == "new" else "check"
        con.print(Text.assemble(("Next: ", "bold"), nxt.title))
        con.print(Text("  " + command("kata", verb, nxt.slug)), soft_wrap=True)


def localize_prompt(k: Kata, text: str) -> str:
    """The task speaks of `submission.py`, `starter.py` and `dojo ...`: name the learner's own file and commands
    that run here."""
    import re

    from grader import workspace

    # `starter.py` too: what they edit is their copy of it, under the kata's name, not a file called starter.py.
    text = re.sub(r"(?<![\w/.-])(?:submission|starter)\.py\b", workspace.file_name(k.slug), text)
    text = re.sub(r"(?m)^(\s*)dojo (.+)$", lambda m: m.group(1) + command(*m.group(2).split()), text)
    # In prose too ("Run it with `dojo kata check taskgroup`."), where a bare `dojo` does not run under uv.
    return re.sub(r"`dojo ([^`\n]+)`", lambda m: "`" + command(*m.group(1).split()) + "`", text)


@kata_app.command()
def show(ctx: typer.Context, slug: SlugHere = None) -> None:
    """Show a kata's task, wrapped to your terminal."""
    from grader.ui import display

    k = _kata_here(ctx, slug, "show")
    con = _console()
    con.print(display.render(localize_prompt(k, k.prompt_path.read_text(encoding="utf-8")), document=True))


@kata_app.command()
def start(
    ctx: typer.Context,
    slug: Slug,
    folder: Annotated[
        Path | None, typer.Option("--dir", help="Put the kata's file (named after it) in this folder instead.")
    ] = None,
) -> None:
    """Copy the starter to your workspace and print its path."""

    from grader import paths, workspace

    k = _kata(ctx, slug)
    paths.check_home()
    path, created = workspace.start(k, folder)
    with _store() as store:
        store.record_kata_event(k.slug, "started")
    con = _console()
    say(con, "Created" if created else "Your copy is already at", str(path))
    check = command("kata", "check", k.slug)
    if folder is not None:
        check = command("kata", "check", k.slug, str(path))
    say(con, "Read the task:", command("kata", "show", k.slug))
    say(con, "Edit the file, then:", check)


def grade_and_report(
    katas, k: Kata, path: Path, *, given: bool, as_json: bool, suggest_next: bool = True
) -> Verdict:
    """Check the data folder, grade, print the report (or JSON), record the attempt. The data folder is checked
    first, so a read-only DOJO_HOME is reported before any work, never after a PASSED."""
    from grader import paths, workspace
    from grader.runner import grade

    paths.check_home()
    shown = workspace.shown_path(path, given)
    if as_json:
        v = grade(k, path)
        print_json(workspace.localized_json(v, k, path, given))
    else:
        from grader.ui.kata_report import grade_with_spinner, render

        con = _console()
        try:
            v = grade_with_spinner(con, k.slug, lambda cb: grade(k, path, on_record=cb))
        except KeyboardInterrupt:
            # The spinner vanishes with Ctrl-C: say what became of the check rather than end in silence.
            con.print("Check stopped (Ctrl-C): nothing was graded or recorded.")
            raise
    with _store() as store:
        store.record_kata_attempt(k.slug, v.verdict, v.duration_s, str(path))
        statuses = store.kata_statuses(x.slug for x in katas)
    if not as_json:
        # The report's first lines give the whole path once; in the messages, which name it at every line of a
        # thread dump, the file's own name says which file (each kata's is named after it) and fits the line.
        loc = workspace.Localizer(k, shown if given else path.name, path)
        after = None
        if v.passed and suggest_next:
            nxt = workspace.next_kata(katas, statuses, after=k.slug)
            verb = "start" if statuses.get(nxt.slug if nxt else "", "new") == "new" else "check"
            after = (
                ("Next kata: ", f"{nxt.title}: `{command('kata', verb, nxt.slug)}`")
                if nxt
                else ("Next: ", f"every kata is done; keep your answers fresh: `{command('quiz', '--review')}`")
            )
        render(con, loc.verdict(v), file=shown, next_step=loc.next_step(v), after=after)
    return v


def _target(ctx: typer.Context, slug: str | None, file: Path | None, verb: str) -> tuple[Kata, Path, bool]:
    """(kata, file, given) for check and watch: `check`, `check SLUG`, `check SLUG FILE` or `check FILE`."""
    from grader import workspace

    bank = state(ctx).bank()
    if (
        slug is not None
        and file is None
        and bank.kata(slug) is None
        and (slug.endswith(".py") or Path(slug).is_file())
    ):
        file = Path(slug)
        found = workspace.kata_of_file(file, [k.slug for k in bank.katas])
        if found is None:
            raise UsageError(
                f"which kata is {file} for? Its name is not a kata's",
                hint=f"Name the kata: `{command('kata', verb, 'SLUG', str(file))}`.",
            )
        slug = found
    k = _kata_here(ctx, slug, verb)
    return k, workspace.resolve(k, file), file is not None


@kata_app.command()
def check(
    ctx: typer.Context,
    slug: SlugHere = None,
    file: Annotated[
        Path | None, typer.Argument(help="The file to grade. Default: your copy of the kata.", metavar="FILE")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Grade your solution. Exit code 0 only when it passed."""
    k, path, given = _target(ctx, slug, file, "check")
    v = grade_and_report(state(ctx).bank().katas, k, path, given=given, as_json=as_json)
    if not v.passed:
        raise typer.Exit(1)


@kata_app.command()
def watch(
    ctx: typer.Context,
    slug: SlugHere = None,
    file: Annotated[
        Path | None, typer.Argument(help="The file to watch. Default: your copy of the kata.", metavar="FILE")
    ] = None,
) -> None:
    """Re-grade every time you save the file (Ctrl-C to stop); the screen is cleared before each grading."""
    from watchfiles import watch as watch_files

    k, path, given = _target(ctx, slug, file, "watch")
    katas = state(ctx).bank().katas
    con = _console()
    try:
        grade_and_report(katas, k, path, given=given, as_json=False)
        _watching(con, path)
        changed = watch_files(
            path.parent, watch_filter=lambda _c, p: Path(p) == path.resolve(), raise_interrupt=True
        )
        for _ in changed:
            # An old PASSED left above new errors misleads: each grading starts on a clean screen.
            con.clear()
            grade_and_report(katas, k, path, given=given, as_json=False)
            _watching(con, path)
    except KeyboardInterrupt:
        # Said, so that the prompt coming back right after "^C" does not read like a crash (exit code 130 still).
        con.print("\nStopped watching.")
        raise


def _watching(con: Console, path: Path) -> None:
    con.print()
    say(con, "Watching", str(path), " (Ctrl-C to stop)")


@kata_app.command()
def hint(ctx: typer.Context, slug: SlugHere = None) -> None:
    """Show the next hint (each call reveals one more)."""
    from rich.text import Text

    from grader.ui import display

    k = _kata_here(ctx, slug, "hint")
    con = _console()
    with _store() as store:
        shown = store.hints_shown(k.slug)
        if shown >= len(k.hints):
            con.print(Text(f"No more hints: you have seen all {len(k.hints)}."))
            for i, text in enumerate(k.hints, 1):
                con.print(display.inline(f"{i}. {text}"))
            say(
                con,
                "Still stuck? The reference solution (you give up):",
                command("kata", "solution", k.slug, "--give-up"),
            )
            return
        n = store.record_hint(k.slug)
    con.print(Text.assemble((f"Hint {n} of {len(k.hints)}: ", "bold"), display.inline(k.hints[n - 1])))
    if n < len(k.hints):
        say(con, "For a stronger hint, run it again:", command("kata", "hint", k.slug))


@kata_app.command()
def solution(
    ctx: typer.Context,
    slug: SlugHere = None,
    give_up: Annotated[bool, typer.Option("--give-up", help="Show it without passing first.")] = False,
) -> None:
    """Show the reference solution: after you passed, or when you give up."""
    import sys

    k = _kata_here(ctx, slug, "solution")
    with _store() as store:
        passed = store.kata_statuses([k.slug]).get(k.slug) == "passed"
        asked = not (passed or give_up) and sys.stdin.isatty()
        allowed = (
            passed
            or give_up
            or (asked and typer.confirm(f"You have not passed '{k.slug}' yet. Give up and see it?"))
        )
        if asked and not allowed:
            # They answered no: that is a choice, not an error to report.
            con = _console()
            say(con, "Not shown. Keep going:", command("kata", "check", k.slug))
            raise typer.Exit(1)
        if not allowed:
            raise DojoError(
                f"'{k.slug}' is not passed yet",
                hint=f"Pass it first (`{command('kata', 'check', k.slug)}`), "
                f"or give up: `{command('kata', 'solution', k.slug, '--give-up')}`.",
            )
        if not passed:
            store.record_kata_event(k.slug, "given_up")
    sys.stdout.write(k.solution_path.read_text(encoding="utf-8"))


@kata_app.command()
def reset(ctx: typer.Context, slug: SlugHere = None) -> None:
    """Start over from the starter. Your version is kept first, as a numbered copy beside it."""
    from rich.text import Text

    from grader import paths, workspace

    k = _kata_here(ctx, slug, "reset")
    paths.check_home()
    path, kept = workspace.reset(k, workspace.default_file(k.slug))
    con = _console()
    if kept is not None:
        say(con, "Kept your version as", str(kept))
    else:
        con.print(Text("Your file was the starter already: nothing to keep."))
    say(con, "Reset", str(path), " to the starter.")
