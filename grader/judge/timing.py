"""Fair speed-up verdicts measured from outside: fresh inputs every round, interference read from the OS.

Each round draws a fresh input (no memo can help), then times the serial baseline, the reference (in the judge)
and the candidate (a call into the host) in a rotated order. Around each timed call it reads, from the OS, the CPU
time the whole machine spent busy and the CPU time of our own processes (the judge's tree and the host's tree):
the difference is what other processes took. A round in which they took more than a fifth of a core is spoiled
and measured again; too many spoiled rounds make the verdict `inconclusive`. The spread of the reference's own
per-round speed-ups is this run's noise: `too_slow` only when the candidate misses the threshold by more than that.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psutil

_perf_counter = time.perf_counter
SPOIL_CORES = 0.2  # other processes busy for more than this share of a core during a call: the round is spoiled


@dataclass
class Sample:
    wall: float
    ours: float  # CPU seconds of the judge's and the host's processes
    other: float  # CPU seconds of every other process on the machine

    @property
    def spoiled(self) -> bool:
        # Allow for the tick granularity of the OS's counters (10 ms per CPU on each reading).
        slack = 0.02 * (os.cpu_count() or 1)
        return self.wall > 0 and (self.other - slack) / self.wall > SPOIL_CORES


def _tree_cpu(root: psutil.Process | None) -> float:
    """CPU seconds of a process, the children it reaped, and its live descendants."""
    if root is None:
        return 0.0
    total = 0.0
    try:
        t = root.cpu_times()
        total += t.user + t.system + t.children_user + t.children_system
        kids = root.children(recursive=True)
    except psutil.Error:
        return total
    for kid in kids:  # a live process's reaped children are gone from the tree: count them through it
        with contextlib.suppress(psutil.Error):
            k = kid.cpu_times()
            total += k.user + k.system + k.children_user + k.children_system
    return total


def _busy() -> float:
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)


class Meter:
    """Times one call and splits the machine's CPU into ours and everyone else's."""

    def __init__(self, host_pid: int | None) -> None:
        self.me = psutil.Process(os.getpid())
        self.host = None
        if host_pid:
            with contextlib.suppress(psutil.Error):
                self.host = psutil.Process(host_pid)

    def ours(self) -> float:
        # The host is a child of the judge: its tree is inside the judge's, counted once.
        return _tree_cpu(self.me)

    def measure(self, fn: Callable[[], Any]) -> tuple[Sample, Any]:
        busy0, ours0 = _busy(), self.ours()
        start = _perf_counter()
        result = fn()
        wall = _perf_counter() - start
        busy1, ours1 = _busy(), self.ours()
        ours = max(0.0, ours1 - ours0)
        return Sample(wall, ours, max(0.0, (busy1 - busy0) - ours)), result


def effective_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass
class SpeedupResult:
    candidate: float  # median of per-round speed-ups of the candidate
    reference: float
    threshold: float
    noise: float  # relative spread of the reference's per-round speed-ups
    clean_rounds: int
    spoiled_rounds: int
    serial_s: float
    verdict: str  # passed | too_slow | inconclusive
    reason: str = ""


def _run_round(fns: list, order: list[int], x: Any, walls: list[float], results: list[Any]) -> None:
    for i in order:
        start = _perf_counter()
        results[i] = fns[i](x)
        walls[i] = _perf_counter() - start


def judge_speedup(
    *,
    make_input: Callable[[], Any],
    serial: Callable[[Any], Any],
    reference: Callable[[Any], Any],
    candidate: Callable[[Any], Any],
    check: Callable[[Any, Any, Any], None] | None = None,
    host_pid: int | None = None,
    rounds: int = 3,
    max_rounds: int = 8,
    floor: float = 1.3,
    share: float = 0.8,
) -> SpeedupResult:
    """Measure and decide; `check(input, got, expected)` verifies every candidate result against the serial
    result of the same round (a wrong answer raises)."""
    meter = Meter(host_pid)
    fns = [serial, reference, candidate]
    clean: list[tuple[float, float, float]] = []
    spoiled = 0
    done = 0
    while True:
        x = make_input()
        order = [(i + done) % 3 for i in range(3)]  # rotate: no position is favoured
        walls = [0.0, 0.0, 0.0]
        results: list[Any] = [None, None, None]
        # Interference is read over the whole round: the OS counts CPU time in ticks (10 ms), too coarse for a
        # single call of a few milliseconds, but fine over a round of three.
        round_sample, _ = meter.measure(lambda o=order, x=x, w=walls, r=results: _run_round(fns, o, x, w, r))
        bad = round_sample.spoiled
        if check is not None:
            check(x, results[2], results[0])  # every answer checked against this round's serial answer
        done += 1
        if bad:
            spoiled += 1
        else:
            clean.append((walls[0], walls[1], walls[2]))
        if done >= max_rounds:
            break
        if len(clean) >= rounds:
            ref = statistics.median(s / r for s, r, _ in clean)
            cand = statistics.median(s / c for s, _, c in clean)
            threshold = max(floor, share * ref)
            if abs(cand - threshold) >= 0.07 * threshold and ref >= floor:
                break  # clearly on one side: no need for more rounds
            if len(clean) >= rounds + 3:
                break
    serial_s = statistics.median(w[0] for w in clean) if clean else 0.0
    if len(clean) < 2:
        return SpeedupResult(0, 0, 0, 0, len(clean), spoiled, serial_s, "inconclusive", "busy")
    ref_ratios = [s / r for s, r, _ in clean]
    ref = statistics.median(ref_ratios)
    cand = statistics.median(s / c for s, _, c in clean)
    threshold = max(floor, share * ref)
    # Noise: how far this run's reference strays from its own median, relatively (median absolute deviation,
    # at least 5%): a candidate within that band of the threshold cannot be told apart from a fair one.
    noise = max(0.05, statistics.median(abs(r - ref) for r in ref_ratios) / ref)
    if ref < floor:
        verdict, reason = "inconclusive", "reference"
    elif cand >= threshold:
        verdict, reason = "passed", ""
    elif cand >= threshold * (1 - 2 * noise):
        verdict, reason = "inconclusive", "noise"
    else:
        verdict, reason = "too_slow", ""
    return SpeedupResult(cand, ref, threshold, noise, len(clean), spoiled, serial_s, verdict, reason)
