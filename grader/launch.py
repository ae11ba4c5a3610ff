"""The `dojo` entry point: fast lanes for `dojo kata check SLUG [FILE] --json` and `dojo quiz`, then grader.cli.

`DOJO_NO_FAST_LANE=1` sends everything through the typer app (for debugging, and to test both paths).

Most of a check on a small kata is start-up: ours (typer, the bank) and the child's (python, pytest). The fast
lane starts the graded child first, from the two limits in kata.yaml, and loads and validates the bank while the
child runs; typer and rich are never imported. Anything unusual (other options, an unknown slug, a missing file,
a bank that does not load, limits that differ from the validated bank) cancels the early run and falls back to
grader.cli.main; errors are reported by grader.boundary, the one place that maps them to exit codes.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

_LIMIT = re.compile(r"^(time_limit_s|memory_limit_mb):\s*([0-9.]+)\s*(#.*)?$", re.MULTILINE)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    from grader.signals import install

    install()  # SIGTERM and SIGHUP unwind like Ctrl-C: nothing a grading started survives us
    code = None
    if os.environ.get("DOJO_NO_FAST_LANE", "") in ("", "0"):
        code = _fast_check(argv)
        if code is None and "quiz" in argv:
            from grader.quiz_lane import run as fast_quiz

            code = fast_quiz(argv)
    if code is not None:
        sys.exit(code)
    from grader.cli import main as cli_main

    cli_main(argv)


def _parse(argv: list[str]) -> tuple[list[Path], str, Path | None] | None:
    """(extra banks, slug, file) for exactly `[--bank DIR]... kata check SLUG [FILE] --json`, else None."""
    banks: list[Path] = []
    i = 0
    while i + 1 < len(argv) and argv[i] == "--bank":
        banks.append(Path(argv[i + 1]))
        i += 2
    rest = argv[i:]
    if "--json" not in rest or rest[:2] != ["kata", "check"]:
        return None
    rest = [a for a in rest[2:] if a != "--json"]
    if not 1 <= len(rest) <= 2 or any(a.startswith("-") for a in rest) or len(argv) - i - 2 != len(rest) + 1:
        return None
    return banks, rest[0], Path(rest[1]) if len(rest) == 2 else None


def _fast_check(argv: list[str]) -> int | None:
    parsed = _parse(argv)
    if parsed is None:
        return None
    banks, slug, file = parsed
    from grader.models import Kata
    from grader.paths import bank_roots

    folder = next(
        (r / "katas" / slug for r in bank_roots(banks) if (r / "katas" / slug / "kata.yaml").is_file()), None
    )
    if folder is None:
        return None
    if file is None:
        from grader.workspace import default_file

        file = default_file(slug)
    if not file.is_file():
        return None
    try:
        limits = dict((m[1], float(m[2])) for m in _LIMIT.finditer((folder / "kata.yaml").read_text("utf-8")))
        early = Kata(slug, "", 1, (), "", limits["time_limit_s"], int(limits["memory_limit_mb"]), (), folder)
    except (OSError, UnicodeDecodeError, KeyError, ValueError):
        return None
    from grader import runner
    from grader.errors import DojoError

    try:
        run = runner.start(early, file)
    except DojoError:
        return None  # grader.cli reports it, the one place that turns errors into messages
    try:
        return _finish(run, banks, slug, file, folder, early)
    except DojoError:
        if isinstance(run, runner.Grading):
            run.cancel()
        return None
    except KeyboardInterrupt as e:
        from grader.signals import exit_code

        if isinstance(run, runner.Grading):
            run.cancel()
        code = exit_code(e)
        sys.stderr.write("\nInterrupted.\n" if code == 130 else f"\nStopped ({e}).\n")
        return code


def _finish(run, banks: list[Path], slug: str, file: Path, folder: Path, early) -> int | None:
    from grader import runner
    from grader.paths import bank_roots

    # While the child runs: load and validate the bank, open the progress store.
    try:
        from grader.bank import load_bank

        kata = load_bank(bank_roots(banks)).kata(slug)
        from grader.progress import Store

        store = Store.open()
    except Exception:  # grader.cli reports it properly on the slow lane
        kata = None
    same = kata is not None and (kata.path.resolve(), kata.time_limit_s, kata.memory_limit_mb) == (
        folder.resolve(),
        early.time_limit_s,
        early.memory_limit_mb,
    )
    if not same:
        if kata is not None:
            store.close()
        if isinstance(run, runner.Grading):
            run.cancel()
        return None
    verdict = run if isinstance(run, runner.Verdict) else run.finish()
    verdict.kata = kata.slug
    import json

    from grader.workspace import localized_json  # the learner's file and words, as on the slow lane

    sys.stdout.write(json.dumps(localized_json(verdict, kata, file, True), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    with store:
        store.record_kata_attempt(slug, verdict.verdict, verdict.duration_s, str(file))
    return 0 if verdict.passed else 1
