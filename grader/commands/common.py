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

    def bank(self) -> Bank:
        if self._bank is None:
            from grader.bank import load_bank

            self._bank = load_bank(self.roots())
        return self._bank


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):
        obj = ctx.find_root().obj = AppState()
    return obj


def print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
