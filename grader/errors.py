"""Domain errors and exit statuses. The CLI turns these into one-line messages (see cli.main)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    SUCCESS = 0
    FAILURE = 1  # a kata check that did not pass, or an invalid bank
    USAGE = 2  # a usage error, or an unknown id or slug
    INTERRUPTED = 130


class DojoError(Exception):
    """Base of every error the user should see as one line, never as a traceback."""

    exit_status: ExitStatus = ExitStatus.FAILURE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(DojoError):
    exit_status = ExitStatus.USAGE


class UnknownItemError(UsageError):
    """An unknown question id, kata slug, topic or tag."""


class BankError(DojoError):
    """The bank cannot be loaded; `problems` holds every `path:line:col: message` line."""

    def __init__(self, problems: list[str]) -> None:
        from grader.invocation import command

        super().__init__(
            "\n".join(problems),
            hint=f"Fix the lines above and try again; `{command('validate')}` checks a bank without running it.",
        )
        self.problems = problems


class ProgressError(DojoError):
    """The progress store cannot be used (corrupt, or written by a newer version)."""
