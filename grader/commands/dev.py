"""`dojo dev check [SLUG...]`: prove every kata works (the rustlings `dev check` habit). CI runs it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from grader.cli import app
from grader.commands.common import print_json, state
from grader.errors import DojoError, UnknownItemError

if TYPE_CHECKING:
    from grader.models import Kata

dev_app = typer.Typer(help="Tools for bank authors.", no_args_is_help=True)
app.add_typer(dev_app, name="dev", rich_help_panel="Authoring")

MIN_HINTS = 3
MIN_WRONG = 2


def check_kata(k: Kata, say) -> tuple[list[str], list[str]]:
    """(problems, warnings) for one kata: files, hints, and the verdicts of starter, solution and wrong/*.py."""
    from grader.runner import grade

    problems: list[str] = []
    warnings: list[str] = []
    for f in (k.prompt_path, k.starter_path, k.solution_path, k.test_path):
        if not f.is_file() or not f.read_text(encoding="utf-8").strip():
            problems.append(f"{f}: missing or empty")
    if len(k.hints) < MIN_HINTS:
        problems.append(f"{k.slug}: needs at least {MIN_HINTS} hints, has {len(k.hints)}")
    if len(k.wrong_paths) < MIN_WRONG:
        problems.append(f"{k.slug}: needs at least {MIN_WRONG} wrong/*.py, has {len(k.wrong_paths)}")
    if problems:
        return problems, warnings
    ref = grade(k, k.solution_path)
    say(f"  {'solution.py':30} {ref.verdict:13} {ref.duration_s:5.1f} s")
    if ref.verdict == "inconclusive":
        warnings.append(f"{k.slug}: solution.py is inconclusive here ({ref.message}); speed not judged")
    elif not ref.passed:
        problems.append(f"{k.slug}: solution.py must pass, got {ref.verdict}: {ref.message}")
    for path in (k.starter_path, *k.wrong_paths):
        v = grade(k, path)
        name = path.relative_to(k.path)
        say(f"  {name!s:30} {v.verdict:13} {v.duration_s:5.1f} s")
        if v.passed:
            problems.append(f"{k.slug}: {name} must not pass, but it passed")
        elif v.verdict == "inconclusive":
            warnings.append(
                f"{k.slug}: {name} is inconclusive here ({v.message}); this run does not prove it fails"
            )
    return problems, warnings


@dev_app.command("check")
def check(
    ctx: typer.Context,
    slugs: Annotated[list[str] | None, typer.Argument(help="Katas to check. Default: all.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Verify katas: files present, 3+ hints, starter and wrong/*.py do not pass, solution passes."""
    bank = state(ctx).bank(strict=True)
    katas = list(bank.katas)
    if slugs:
        unknown = [s for s in slugs if bank.kata(s) is None]
        if unknown:
            raise UnknownItemError(f"no kata {', '.join(repr(s) for s in unknown)}")
        katas = [k for k in katas if k.slug in slugs]
    if not katas:
        raise DojoError("no katas to check")
    report = {}
    all_problems: list[str] = []

    def say(line: str) -> None:
        if not as_json:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    for k in katas:
        say(k.slug)
        problems, warnings = check_kata(k, say)
        report[k.slug] = {"problems": problems, "warnings": warnings}
        all_problems += problems
        for w in warnings:
            say(f"  warning: {w}")
        for p in problems:
            say(f"  problem: {p}")
    if as_json:
        print_json({"ok": not all_problems, "katas": report})
    else:
        n, p = len(katas), len(all_problems)
        say(f"{n} {'kata' if n == 1 else 'katas'} checked, {p} {'problem' if p == 1 else 'problems'}")
    if all_problems:
        raise typer.Exit(1)
