"""Timing stability of a speed-up kata: `parallel-primes` reference and starter graded N times each, first on
the machine as it is, then with one core kept busy by another process.

Wanted (issue 5): quiet, the reference passes and the starter fails in N of N runs; busy, the reference is never
`too_slow` or `failed` (`inconclusive` is allowed) and the starter never `passed`; each check under 15 s on 2
cores. Run: `uv run python benchmarks/bench_timing_stability.py [N]` (default 20).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from grader.checks import Problems
from grader.kata_file import load_kata
from grader.runner import grade

ROOT = Path(__file__).resolve().parent.parent
SLUG = "parallel-primes"
LIMIT_S = 15.0


def _series(kata, label: str, n: int) -> dict[str, tuple[Counter, list[float]]]:
    out: dict[str, tuple[Counter, list[float]]] = {"solution": (Counter(), []), "starter": (Counter(), [])}
    for i in range(n):
        for name, path in (("solution", kata.solution_path), ("starter", kata.starter_path)):
            v = grade(kata, path)
            out[name][0][v.verdict] += 1
            out[name][1].append(v.duration_s)
            print(f"  {label} {i + 1:2}/{n} {name:8} {v.verdict:13} {v.duration_s:5.1f} s", flush=True)
    return out


def _report(label: str, res: dict[str, tuple[Counter, list[float]]], busy: bool) -> bool:
    ok = True
    for name, (counts, times) in res.items():
        line = ", ".join(f"{k} {c}" for k, c in sorted(counts.items()))
        print(f"{label:6} {name:8} {line:40} median {statistics.median(times):5.1f} s  max {max(times):5.1f} s")
        if name == "solution":
            bad = counts["too_slow"] + counts["failed"] + counts["error"] + counts["timeout"]
            ok &= bad == 0 and (busy or counts["passed"] == sum(counts.values()))
        else:
            ok &= counts["passed"] == 0
        ok &= max(times) < LIMIT_S
    return ok


def main(n: int = 20) -> None:
    problems = Problems()
    kata = load_kata(ROOT / "katas" / SLUG, problems)
    if kata is None:
        raise SystemExit("\n".join(problems.lines()))
    quiet = _series(kata, "quiet", n)
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        busy = _series(kata, "busy", n)
    finally:
        hog.kill()
        hog.wait()
    ok = _report("quiet", quiet, busy=False)
    ok &= _report("busy", busy, busy=True)
    print("stable: yes" if ok else "stable: NO")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
