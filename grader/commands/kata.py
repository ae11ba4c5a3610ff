"""Kata commands: list and show katas (the grader adds check, start, watch, ...)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from grader.cli import app
from grader.commands.common import print_json, state
from grader.errors import UnknownItemError

kata_app = typer.Typer(help="Coding katas: start one, check it, get hints.", no_args_is_help=True)
app.add_typer(kata_app, name="kata", rich_help_panel="Katas")


def _kata(ctx: typer.Context, slug: str):
    bank = state(ctx).bank()
    k = bank.kata(slug)
    if k is None:
        known = ", ".join(k.slug for k in bank.katas) or "none"
        raise UnknownItemError(f"no kata '{slug}'. Known katas: {known}")
    return k


@kata_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the katas, easiest first."""
    katas = sorted(state(ctx).bank().katas, key=lambda k: (k.difficulty, k.slug))
    if as_json:
        print_json(
            [
                {"slug": k.slug, "title": k.title, "difficulty": k.difficulty, "topics": list(k.topics)}
                for k in katas
            ]
        )
        return
    for k in katas:
        sys.stdout.write(f"{k.slug:28} {'*' * k.difficulty:3}  {k.title}\n")


@kata_app.command()
def show(ctx: typer.Context, slug: Annotated[str, typer.Argument(help="The kata's slug.")]) -> None:
    """Show a kata's task."""
    k = _kata(ctx, slug)
    sys.stdout.write(k.prompt_path.read_text(encoding="utf-8"))
