"""A verdict on a kata with trivial tests: `dojo kata check SLUG FILE --json` vs a bare `python -m pytest -q`.

Whole commands, side by side: each round runs both (alternating which goes first), the report gives medians
and their ratio. Target (DESIGN section 7): within 1.3x.
Run: `uv run python benchmarks/bench_check.py [ROUNDS] [--isolated]` (--isolated: without the built-in bank).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "tests" / "fixtures" / "grader_bank"
SLUG = "fx-passed"
TARGET = 1.3


def _time(cmd: list[str], cwd: Path, env: dict[str, str], expect: int) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return took


def main(rounds: int = 15, isolated: bool = False) -> None:
    kata = BANK / "katas" / SLUG
    work = Path(tempfile.mkdtemp(prefix="dojo-bench-"))
    home = Path(tempfile.mkdtemp(prefix="dojo-bench-home-"))
    cwd = work
    try:
        if isolated:
            # A copy of the package with no built-in bank: measures the grader while katas/ is being edited.
            cwd = Path(tempfile.mkdtemp(prefix="dojo-bench-pkg-"))
            shutil.copytree(ROOT / "grader", cwd / "grader", ignore=shutil.ignore_patterns("__pycache__"))
            (cwd / "katas").mkdir()
        shutil.copyfile(kata / "submission.py", work / "submission.py")
        shutil.copyfile(kata / "test_kata.py", work / "test_kata.py")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOJO_")}
        env["DOJO_HOME"] = str(home)
        dojo = [sys.executable, "-m", "grader"] if isolated else [str(Path(sys.executable).with_name("dojo"))]
        check = [*dojo, "--bank", str(BANK), "kata", "check", SLUG, str(work / "submission.py"), "--json"]
        bare = [sys.executable, "-m", "pytest", "-q", "test_kata.py"]
        # Also shown: pytest without third-party plugins (the grader's child disables autoload), for fairness.
        lean = ["env", "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1", *bare, "-p", "no:cacheprovider"]
        where = {id(check): cwd, id(bare): work, id(lean): work}
        for cmd in (check, bare, lean):  # warm-up: page cache, bytecode, bank cache
            _time(cmd, where[id(cmd)], env, 0)
        names = ["dojo kata check --json", "python -m pytest -q", "pytest, no plugin autoload"]
        times: dict[str, list[float]] = {n: [] for n in names}
        for i in range(rounds):
            trio = list(zip(names, (check, bare, lean), strict=True))
            for name, cmd in trio[i % 3 :] + trio[: i % 3]:  # rotate: no position is favoured
                times[name].append(_time(cmd, where[id(cmd)], env, 0))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
        if cwd != work:
            shutil.rmtree(cwd, ignore_errors=True)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    ratios = [a / b for a, b in zip(times[names[0]], times[names[1]], strict=True)]
    for name, ts in times.items():
        print(f"{name:26} median {med[name] * 1000:7.1f} ms   min {min(ts) * 1000:7.1f} ms   ({len(ts)} runs)")
    ratio = med["dojo kata check --json"] / med["python -m pytest -q"]
    print(f"ratio of medians {ratio:.2f}x, median of per-round ratios {statistics.median(ratios):.2f}x")
    print(f"against pytest without plugin autoload: {med[names[0]] / med[names[2]]:.2f}x")
    print(f"target <= {TARGET}x: {'met' if ratio <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--isolated"]
    main(int(args[0]) if args else 15, isolated="--isolated" in sys.argv)
