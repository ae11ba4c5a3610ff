"""A fast lane for `dojo quiz` that starts the first question without typer.

typer 0.29 imports pydantic to coerce every option that is not a boolean: that alone takes longer than
questionary's own import, so through typer the first question cannot come within 1.3x of a bare questionary
app (benchmarks/bench_quiz_startup.py). This lane parses `[--bank DIR]... quiz [options]` with argparse (the
same names and meanings as the typer command in grader/commands/quiz.py; tests/test_quiz_lane.py holds the two
to each other), then runs the same grader.ui.quiz_app code. Anything it does not recognise (--help, an unknown
option, a bad value, --traceback) and any error before the first question fall back to grader.cli, which
reports it; grader.boundary is the one place that turns errors into messages and exit codes.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from grader.ui.quiz_app import QuizOptions


class _Fallback(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # never print usage or exit: the slow lane explains the problem
        raise _Fallback(message)


def _parser() -> _Parser:
    p = _Parser(prog="dojo quiz", add_help=False, allow_abbrev=False)
    p.add_argument("--topic", "-t", action="append", default=[])
    p.add_argument("--tag", action="append", default=[])
    p.add_argument("--difficulty", "-d", action="append", default=[])
    p.add_argument("--count", "-n", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--time-limit", type=float)
    p.add_argument("--python")
    for flag in ("--review", "--mistakes", "--exam", "--plain"):
        p.add_argument(flag, action="store_true")
    p.add_argument("--json", action="store_true", dest="as_json")
    return p


def parse(argv: list[str]) -> tuple[list[Path], QuizOptions] | None:
    """(extra banks, options) for `[--bank DIR]... quiz [options]`, or None when the slow lane should run."""
    banks: list[Path] = []
    i = 0
    while i < len(argv) and argv[i].startswith("--bank"):
        if argv[i] == "--bank" and i + 1 < len(argv):
            banks.append(Path(argv[i + 1]))
            i += 2
        elif argv[i].startswith("--bank="):
            banks.append(Path(argv[i].partition("=")[2]))
            i += 1
        else:
            return None
    if argv[i : i + 1] != ["quiz"]:
        return None
    try:
        ns, extra = _parser().parse_known_args(argv[i + 1 :])
    except _Fallback:
        return None
    if extra or (ns.count is not None and ns.count < 1):
        return None
    if ns.time_limit is not None and not (math.isfinite(ns.time_limit) and ns.time_limit >= 1):
        return None
    return banks, QuizOptions(
        topics=tuple(ns.topic),
        tags=tuple(ns.tag),
        difficulties=tuple(ns.difficulty),
        count=ns.count,
        seed=ns.seed,
        review=ns.review,
        mistakes=ns.mistakes,
        exam=ns.exam,
        time_limit=ns.time_limit,
        plain=ns.plain,
        as_json=ns.as_json,
        python=ns.python,
    )


def run(argv: list[str]) -> int | None:
    """Run `dojo quiz` here and return its exit status, or None to leave it to grader.cli."""
    if os.environ.get("DOJO_DEBUG", "") not in ("", "0"):
        return None
    parsed = parse(argv)
    if parsed is None:
        return None
    banks, opts = parsed
    from grader.ui import quiz_app

    try:
        from grader.bank import load_bank
        from grader.paths import bank_roots

        prep = quiz_app.prepare(opts, load_bank(bank_roots(banks)))
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        return 130
    except Exception:  # a bad topic, an invalid bank, an unreadable progress file: grader.cli says what is wrong
        return None
    from grader.boundary import guard

    return guard(lambda: quiz_app.play(prep), argv)  # errors during the session, reported as grader.cli does
