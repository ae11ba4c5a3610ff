"""The `dojo` command: typer wiring. Errors become messages and exit codes in grader.boundary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from grader import __version__
from grader.boundary import guard
from grader.commands.common import AppState

app = typer.Typer(
    name="dojo",
    help="Concurrency Dojo: practise Python concurrency, parallelism and async for interviews.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"dojo {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    bank: Annotated[
        list[Path] | None,
        typer.Option("--bank", help="Add a bank folder (questions/ and/or katas/). Repeatable.", metavar="DIR"),
    ] = None,
    traceback: Annotated[bool, typer.Option("--traceback", help="Show the full traceback on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Concurrency Dojo: quizzes and fairly graded katas on Python concurrency, in your terminal."""
    ctx.obj = AppState(extra_banks=list(bank or []), traceback=traceback)


def _register() -> None:
    # Imported here so that each module can `from grader.cli import app` without a cycle.
    from grader.commands import authoring, dev, kata, learn, quiz  # noqa: F401
    from grader.commands import next as _next  # noqa: F401


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the typer app; grader.boundary maps every error to a message and an ExitStatus.

    Typer's standalone mode already prints usage errors (exit 2) and turns Ctrl-C inside a command into 130.
    """
    argv = sys.argv[1:] if argv is None else argv
    sys.exit(guard(lambda: app(args=argv, prog_name="dojo"), argv))
