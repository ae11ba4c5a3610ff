"""State shared by the commands: the banks in use, output helpers. Light imports only (start-up time)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import typer

from grader.models import Bank


@dataclass
class AppState:
    extra_banks: list[Path] = field(default_factory=list)
    traceback: bool = False
    _bank: Bank | None = None

    def roots(self) -> list[Path]:
        from grader.paths import bank_roots

        return bank_roots(self.extra_banks)

    def bank(self, *, strict: bool = False) -> Bank:
        """The banks in use. By default what does not load is reported on stderr and left out, so that one bad
        question does not block commands that never use it; `strict` raises BankError instead (dev check)."""
        if strict:
            from grader.bank import load_bank

            return load_bank(self.roots())
        if self._bank is None:
            from grader.bank import load_bank_lenient

            self._bank, problems, files = load_bank_lenient(self.roots())
            if problems:
                _warn_skipped(problems, files)
        return self._bank


def _warn_skipped(problems: list[str], files: list[Path]) -> None:
    from grader.invocation import command

    n = len(problems)
    sys.stderr.write(f"warning: left out what does not load ({n} problem{'' if n == 1 else 's'}):\n")
    for line in problems[:10]:
        sys.stderr.write(f"  {line}\n")
    if n > 10:
        sys.stderr.write(f"  ... and {n - 10} more\n")
    from grader.checks import show_path

    check = command("validate", *(show_path(f) for f in files[:3]))
    sys.stderr.write(f"Fix them, then check with: {check}\n")


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):
        obj = ctx.find_root().obj = AppState()
    return obj


def print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
