"""Kata commands: list, show, start, check, watch, hint, solution, reset (DESIGN section 6)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grader.cli import app
from grader.commands.common import print_json, state
from grader.errors import DojoError, UnknownItemError

if TYPE_CHECKING:
    from grader.models import Kata
    from grader.progress import Store
    from grader.verdict import Verdict

kata_app = typer.Typer(help="Coding katas: start one, check it, get hints.", no_args_is_help=True)
app.add_typer(kata_app, name="kata", rich_help_panel="Katas")

Slug = Annotated[str, typer.Argument(help="The kata's slug (see `dojo kata list`).")]


def _kata(ctx: typer.Context, slug: str) -> Kata:
    bank = state(ctx).bank()
    k = bank.kata(slug)
    if k is None:
        known = ", ".join(k.slug for k in bank.katas) or "none"
        raise UnknownItemError(f"no kata '{slug}'. Known katas: {known}")
    return k


def _store() -> Store:
    from grader.progress import Store

    return Store.open()


@kata_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the katas, easiest first, with your status."""
    katas = sorted(state(ctx).bank().katas, key=lambda k: (k.difficulty, k.slug))
    with _store() as store:
        status = store.kata_status()
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
    for k in katas:
        mark = {"passed": "✔ passed"}.get(status.get(k.slug, ""), status.get(k.slug, "new"))
        sys.stdout.write(f"{k.slug:28} {'*' * k.difficulty:3}  {mark:14} {k.title}\n")


@kata_app.command()
def show(ctx: typer.Context, slug: Slug) -> None:
    """Show a kata's task."""
    k = _kata(ctx, slug)
    sys.stdout.write(k.prompt_path.read_text(encoding="utf-8"))


@kata_app.command()
def start(
    ctx: typer.Context,
    slug: Slug,
    folder: Annotated[Path | None, typer.Option("--dir", help="Put solution.py in this folder instead.")] = None,
) -> None:
    """Copy the starter to your workspace and print its path."""
    from grader import workspace

    k = _kata(ctx, slug)
    path, created = workspace.start(k, folder)
    verb = "Created" if created else "Your copy is already at"
    sys.stdout.write(f"{verb} {path}\n")
    sys.stdout.write(f"Read the task: dojo kata show {slug}\nEdit the file, then: dojo kata check {slug}")
    sys.stdout.write(f" {path}\n" if folder is not None else "\n")


def _grade_and_report(k: Kata, path: Path, as_json: bool) -> Verdict:
    from grader.runner import grade

    if as_json:
        v = grade(k, path)
        print_json(v.to_json())
    else:
        from rich.console import Console

        from grader.ui.kata_report import grade_with_spinner, render

        console = Console()
        v = grade_with_spinner(console, k.slug, lambda cb: grade(k, path, on_record=cb))
        render(console, v)
    with _store() as store:
        store.record_kata_attempt(k.slug, v.verdict, v.duration_s, str(path))
    return v


@kata_app.command()
def check(
    ctx: typer.Context,
    slug: Slug,
    file: Annotated[Path | None, typer.Argument(help="The file to grade. Default: your workspace copy.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Grade your solution. Exit code 0 only when it passed."""
    from grader import workspace

    k = _kata(ctx, slug)
    v = _grade_and_report(k, workspace.resolve(k, file), as_json)
    if not v.passed:
        raise typer.Exit(1)


@kata_app.command()
def watch(
    ctx: typer.Context,
    slug: Slug,
    file: Annotated[Path | None, typer.Argument(help="The file to watch. Default: your workspace copy.")] = None,
) -> None:
    """Re-grade every time you save the file (Ctrl-C to stop)."""
    from watchfiles import watch as watch_files

    from grader import workspace

    k = _kata(ctx, slug)
    path = workspace.resolve(k, file)
    _grade_and_report(k, path, False)
    sys.stdout.write(f"Watching {path} (Ctrl-C to stop)\n")
    for _ in watch_files(path.parent, watch_filter=lambda _c, p: Path(p) == path.resolve(), raise_interrupt=True):
        _grade_and_report(k, path, False)


@kata_app.command()
def hint(ctx: typer.Context, slug: Slug) -> None:
    """Show the next hint (each call reveals one more)."""
    k = _kata(ctx, slug)
    with _store() as store:
        shown = store.hints_shown(slug)
        if shown >= len(k.hints):
            sys.stdout.write(f"No more hints: you have seen all {len(k.hints)}.\n")
            for i, text in enumerate(k.hints, 1):
                sys.stdout.write(f"{i}. {text}\n")
            sys.stdout.write(f"Still stuck? `dojo kata solution {slug}` shows the reference (you give up).\n")
            return
        n = store.record_hint(slug)
    sys.stdout.write(f"Hint {n} of {len(k.hints)}: {k.hints[n - 1]}\n")
    if n < len(k.hints):
        sys.stdout.write(f"Run `dojo kata hint {slug}` again for a stronger hint.\n")


@kata_app.command()
def solution(
    ctx: typer.Context,
    slug: Slug,
    give_up: Annotated[bool, typer.Option("--give-up", help="Show it without passing first.")] = False,
) -> None:
    """Show the reference solution: after you passed, or when you give up."""
    k = _kata(ctx, slug)
    with _store() as store:
        passed = store.kata_status().get(slug) == "passed"
    allowed = (
        passed
        or give_up
        or (sys.stdin.isatty() and typer.confirm(f"You have not passed '{slug}' yet. Give up and see it?"))
    )
    if not allowed:
        raise DojoError(
            f"'{slug}' is not passed yet",
            hint=f"Pass it first (`dojo kata check {slug}`), or run `dojo kata solution {slug} --give-up`.",
        )
    sys.stdout.write(k.solution_path.read_text(encoding="utf-8"))


@kata_app.command()
def reset(ctx: typer.Context, slug: Slug) -> None:
    """Start over: your workspace copy becomes the starter again (the old one is kept as .bak)."""
    from grader import workspace

    k = _kata(ctx, slug)
    current = workspace.default_file(slug)
    if current.exists():
        current.replace(current.with_suffix(".py.bak"))
        sys.stdout.write(f"Kept your old version as {current.with_suffix('.py.bak')}\n")
    path = workspace.reset(k)
    sys.stdout.write(f"Reset {path} to the starter.\n")
