"""Authoring commands: validate banks, print the JSON Schema."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from grader.cli import app
from grader.commands.common import print_json, state
from grader.errors import ExitStatus

PANEL = "Authoring"


@app.command(rich_help_panel=PANEL)
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Banks, topic files or kata folders. Default: every bank in use.", show_default=False),
    ] = None,
) -> None:
    """Check banks without running them: one `path:line:col: message` line per problem."""
    from grader.bank import validate as run_validate

    st = state(ctx)
    targets = list(paths) if paths else st.roots()
    problems = run_validate(targets, st.roots())
    if problems:
        sys.stdout.write("\n".join(problems) + "\n")
        n = len(problems)
        sys.stderr.write(f"{n} problem{'' if n == 1 else 's'} found.\n")
        raise typer.Exit(ExitStatus.FAILURE)
    sys.stderr.write(f"ok: {', '.join(str(t) for t in targets)} valid.\n")


class SchemaKind(StrEnum):
    questions = "questions"
    kata = "kata"


@app.command(rich_help_panel=PANEL)
def schema(kind: Annotated[SchemaKind, typer.Argument(help="Which format: questions or kata.")]) -> None:
    """Print the JSON Schema of a question file or kata.yaml (for your editor's YAML language server)."""
    from grader.schema import json_schema

    print_json(json_schema(kind.value))
