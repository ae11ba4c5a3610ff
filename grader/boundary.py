"""The one place that turns errors into messages and exit codes (DESIGN section 6).

Typer-free, so that the fast lanes in grader/launch.py (which skip typer to start quickly) report errors exactly
as the typer app does. Usage errors of the typer app itself are printed by typer (exit 2).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from grader.errors import DojoError, ExitStatus


def debug(argv: list[str]) -> bool:
    return "--traceback" in argv or os.environ.get("DOJO_DEBUG", "") not in ("", "0")


def error(message: str, hint: str | None = None) -> None:
    sys.stderr.write(_fit(f"error: {message}") + "\n")
    if hint:
        sys.stderr.write(_fit(hint) + "\n")


def _fit(text: str) -> str:
    """At a terminal, wrap between words (the terminal itself would cut `dojo kat` / `a solution`); piped output
    stays as it is, one line per line, for scripts."""
    if not sys.stderr.isatty():
        return text
    import shutil
    import textwrap

    width = max(40, shutil.get_terminal_size().columns)
    out = []
    for line in text.splitlines() or [""]:
        out += textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""]
    return "\n".join(out)


def guard(run: Callable[[], int | None], argv: list[str]) -> int:
    """Run `run`; map what it raises to a one-line message and an ExitStatus (`--traceback` re-raises)."""
    try:
        code = int(run() or 0)
        from grader.signals import stopped_code

        # A SIGTERM or SIGHUP that a library turned into its own "interrupted" exit still says 128+N.
        stopped = stopped_code()
        return stopped if stopped is not None and code in (1, 130) else code
    except DojoError as e:
        if debug(argv):
            raise
        error(e.message, e.hint)
        return int(e.exit_status)
    except KeyboardInterrupt as e:
        from grader.signals import exit_code

        code = exit_code(e)
        sys.stderr.write("\nInterrupted.\n" if code == int(ExitStatus.INTERRUPTED) else f"\nStopped ({e}).\n")
        return code
    except SystemExit as e:
        from grader.signals import stopped_code

        # typer (click) reports any interrupt as 130; a SIGTERM or SIGHUP says 128+N.
        stopped = stopped_code()
        if stopped is not None and e.code in (1, 130):
            return stopped
        raise
    except BrokenPipeError:
        sys.stderr.close()
        return int(ExitStatus.SUCCESS)
    except Exception as e:
        if debug(argv):
            raise
        from grader.invocation import command

        error(
            f"internal error: {type(e).__name__}: {e}",
            f"This is a bug in Concurrency Dojo. To report it, run it again with the traceback: "
            f"{command('--traceback', *argv)}",
        )
        return int(ExitStatus.FAILURE)
