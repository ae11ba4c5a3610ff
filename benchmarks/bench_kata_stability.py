"""Verdict stability of the whole kata bank: every kata's reference and starter graded N times each.

Wanted (issue 6): zero verdict flips. A reference must always pass (a speed-up kata's reference may come out
`inconclusive` on a busy machine: that is the machine, not a flip to a wrong verdict); a starter must never pass.
Run: `uv run python benchmarks/bench_kata_stability.py [N] [SLUG...]` (default 10, all katas).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from grader.bank import load_bank
from grader.runner import grade

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 10
    katas = [k for k in load_bank([ROOT]).katas if not args or k.slug in args]
    start = time.perf_counter()
    flips = 0
    rows = []
    for kata in sorted(katas, key=lambda k: k.slug):
        counts = {"solution": Counter(), "starter": Counter()}
        times: dict[str, list[float]] = {"solution": [], "starter": []}
        for _ in range(n):
            for name, path in (("solution", kata.solution_path), ("starter", kata.starter_path)):
                v = grade(kata, path)
                counts[name][v.verdict] += 1
                times[name].append(v.duration_s)
        bad_ref = sum(c for verdict, c in counts["solution"].items() if verdict not in ("passed", "inconclusive"))
        bad_start = counts["starter"]["passed"]
        mixed = len(counts["starter"]) > 1 or len(counts["solution"]) > 1
        flips += bad_ref + bad_start
        rows.append((kata.slug, counts, times, mixed))
        print(
            f"{kata.slug:28} reference {dict(counts['solution'])!s:28} median {statistics.median(times['solution']):5.1f} s"
            f" | starter {dict(counts['starter'])!s:26} median {statistics.median(times['starter']):5.1f} s"
            + ("  (mixed verdicts)" if mixed else ""),
            flush=True,
        )
    print(
        f"\n{len(rows)} katas x {n} gradings each of reference and starter in {time.perf_counter() - start:.0f} s"
    )
    print(f"wrong verdicts (reference not passed/inconclusive, or starter passed): {flips}")
    return 1 if flips else 0


if __name__ == "__main__":
    sys.exit(main())
