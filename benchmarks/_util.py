"""Shared helpers for benchmarks: side-by-side, interleaved runs and medians (machines here are noisy)."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence


def time_command(cmd: Sequence[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, **kwargs)
    return time.perf_counter() - start


def side_by_side(runs: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run each contender once per round, rotating the order; return all samples per contender."""
    names = list(runs)
    samples: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for i in range(len(names)):
            name = names[(i + r) % len(names)]
            samples[name].append(runs[name]())
    return samples


def report(samples: dict[str, list[float]], baseline: str) -> dict[str, float]:
    med = {n: statistics.median(s) for n, s in samples.items()}
    for n, m in med.items():
        print(f"{n:32} median {m * 1000:8.1f} ms  ({len(samples[n])} runs)  ratio {m / med[baseline]:.2f}x")
    return med
