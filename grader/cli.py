"""The `dojo` command: typer wiring and the one place that turns errors into messages and exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from grader import __version__
from grader.commands.common import AppState
from grader.errors import DojoError, ExitStatus

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
    from grader.commands import authoring, kata, quiz  # noqa: F401


_register()


def _debug(argv: list[str]) -> bool:
    return "--traceback" in argv or os.environ.get("DOJO_DEBUG", "") not in ("", "0")


def _error(message: str, hint: str | None = None) -> None:
    sys.stderr.write(f"error: {message}\n")
    if hint:
        sys.stderr.write(f"{hint}\n")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; map every error to a message and an ExitStatus (DESIGN section 6).

    Typer's standalone mode already prints usage errors (exit 2) and turns Ctrl-C into exit 130; domain errors
    and anything unexpected are handled here, the one place that decides what the user sees.
    """
    argv = sys.argv[1:] if argv is None else argv
    try:
        app(args=argv, prog_name="dojo")
        code: int = ExitStatus.SUCCESS
    except DojoError as e:
        if _debug(argv):
            raise
        _error(e.message, e.hint)
        code = e.exit_status
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        code = ExitStatus.INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()
        code = ExitStatus.SUCCESS
    except Exception as e:
        if _debug(argv):
            raise
        _error(
            f"internal error: {type(e).__name__}: {e}",
            "This is a bug in Concurrency Dojo. Run again with --traceback and report it.",
        )
        code = ExitStatus.FAILURE
    sys.exit(int(code))
