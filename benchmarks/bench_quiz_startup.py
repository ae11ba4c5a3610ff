"""Time until the first quiz question is on screen, vs a minimal questionary `select` app (target: within 1.3x).

Both are started the same way (this interpreter, in a pseudo-terminal) and timed from spawn until their prompt
appears in the terminal output; runs alternate side by side and the medians are compared.

    uv run python benchmarks/bench_quiz_startup.py [--rounds 15] [--fixture]

--fixture uses the small test bank instead of the built-in one (the built-in bank is the realistic case).
Also measured, for reference: a typer command that only asks the same select (typer 0.29 imports pydantic for
every non-boolean option), and `dojo quiz` with DOJO_NO_FAST_LANE=1 (through typer, without the fast lane).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pexpect
from _util import report, side_by_side

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "quiz_bank"

MINIMAL = """
import questionary
questionary.select("Pick one", choices=["threads", "processes", "asyncio"]).unsafe_ask()
"""
# For reference, not the target: the floor for any typer command that then asks with questionary. (typer 0.29
# imports pydantic to coerce every non-bool option, which no code of ours can avoid.)
TYPER_FLOOR = """
import typer
app = typer.Typer(pretty_exceptions_enable=False)

@app.command()
def quiz(count: int = 5, topic: list[str] | None = None) -> None:
    import questionary
    questionary.select("Pick one", choices=["threads", "processes", "asyncio"]).unsafe_ask()

app()
"""
# The instruction line of each prompt type: once it is drawn, the question is on screen.
DOJO_READY = r"\(↑↓|\(Space to select|\(type it|\(a few sentences"
MINIMAL_READY = r"Use arrow keys"


def time_to_prompt(argv: list[str], ready: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, cwd=str(ROOT), dimensions=(50, 120), timeout=60)
    try:
        if child.expect([ready.encode(), pexpect.EOF]) == 1:
            raise SystemExit(f"{' '.join(argv)} ended before its prompt:\n{child.before.decode(errors='replace')}")
        return time.perf_counter() - start
    finally:
        child.terminate(force=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--fixture", action="store_true", help="use the small test bank, not the built-in one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "minimal_select.py"
        script.write_text(MINIMAL)
        floor = Path(tmp) / "typer_select.py"
        floor.write_text(TYPER_FLOOR)
        # Nothing answers cursor-position requests in a pexpect pty; a real terminal answers them at once.
        env = {**os.environ, "DOJO_HOME": str(Path(tmp) / "home"), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
        if args.fixture:
            env.update(DOJO_NO_BUILTIN="1", DOJO_BANK=str(FIXTURE))
        py = sys.executable
        dojo = [py, "-m", "grader", "quiz", "--count", "5"]  # through grader/launch.py's fast lane
        typer_env = {**env, "DOJO_NO_FAST_LANE": "1"}
        minimal = [py, str(script)]
        typer_floor = [py, str(floor), "--count", "5"]
        for _ in range(2):  # warm-up: the OS file cache, and dojo's bank cache in the fresh DOJO_HOME
            time_to_prompt(dojo, DOJO_READY, env)
            time_to_prompt(minimal, MINIMAL_READY, env)
        samples = side_by_side(
            {
                "minimal questionary select": lambda: time_to_prompt(minimal, MINIMAL_READY, env),
                "dojo quiz (first question)": lambda: time_to_prompt(dojo, DOJO_READY, env),
                "typer + questionary (reference)": lambda: time_to_prompt(typer_floor, MINIMAL_READY, env),
                "dojo quiz, through typer": lambda: time_to_prompt(dojo, DOJO_READY, typer_env),
            },
            args.rounds,
        )
    med = report(samples, "minimal questionary select")
    ratio = med["dojo quiz (first question)"] / med["minimal questionary select"]
    typer_ratio = med["dojo quiz, through typer"] / med["minimal questionary select"]
    floor = med["dojo quiz (first question)"] / med["typer + questionary (reference)"]
    print(f"time to first question: {ratio:.2f}x the minimal questionary app (target: within 1.30x)")
    print(f"                         {floor:.2f}x a typer command that only asks the same select")
    print(f"through typer (no lane): {typer_ratio:.2f}x the minimal questionary app")


if __name__ == "__main__":
    main()
