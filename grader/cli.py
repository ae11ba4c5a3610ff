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


def _no_type_for_flags() -> None:
    """typer 0.29 labels every on/off flag `<bool>` in --help (`--plain <bool>`, `-h <bool>`), as if it took a
    value. A flag takes none: show no type for it, the way click and argparse do."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self, ctx):
        return None if self.is_flag and self.metavar is None else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich


_no_type_for_flags()


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
    from grader.commands import interview as _interview  # noqa: F401
    from grader.commands import next as _next  # noqa: F401


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the typer app; grader.boundary maps every error to a message and an ExitStatus.

    Typer turns Ctrl-C inside a command into 130. Its own usage errors are printed here, in the same
    `error: ...` form as every other error (typer would draw an "Error" panel), with a help command that runs.
    """
    argv = sys.argv[1:] if argv is None else argv
    sys.exit(guard(lambda: _run_app(argv), argv))


def _run_app(argv: list[str]) -> int:
    from typer.exceptions import TyperException

    try:
        return int(app(args=argv, prog_name="dojo", standalone_mode=False) or 0)
    except TyperException as e:
        return _usage_error(e)


def _usage_error(e: Exception) -> int:
    from grader.boundary import error
    from grader.invocation import command

    kind = type(e).__name__
    if kind == "NoArgsIsHelpError":
        return 2  # typer has printed the help, which is the answer
    if kind == "Abort":
        sys.stderr.write("Aborted.\n")
        return 1
    ctx = getattr(e, "ctx", None)
    hint = None
    if ctx is not None:
        words = ctx.command_path.split()[1:]
        hint = f"{ctx.get_usage()}\nTry '{command(*words, '-h')}' for help."
    error(e.format_message() if hasattr(e, "format_message") else str(e), hint)
    return int(getattr(e, "exit_code", 2))
