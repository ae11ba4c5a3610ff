"""Fair speed-up verdicts measured from outside: fresh inputs every round, interference read from the OS.

Each round draws a fresh input (no memo can help), then times the serial baseline, the reference (in the judge)
and the candidate (a call into the host) in a rotated order. Around each timed call it reads, from the OS, the CPU
time the whole machine spent busy and the CPU time of our own processes (the judge's tree and the host's tree):
the difference is what other processes took. A round in which they took more than a fifth of a core is spoiled
and measured again; too many spoiled rounds make the verdict `inconclusive`. The spread of the reference's own
per-round speed-ups is this run's noise: `too_slow` only when the candidate misses the threshold by more than that.

The host is idle while the judge times its own serial version and the reference: CPU its processes use then is
not interference from outside but the submission slowing the judge's baseline (burner processes that pause while
they are called make a serial program look parallel). Such a round is never used; two of them fail the test.
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
HOST_CORES = 0.2  # the host busy for more than this share of a core while the judge times itself: disturbed
HOST_SLACK_S = 0.04  # the idle host's CPU as the OS may show it over two calls (10 ms ticks, a few processes)
HOST_ROUNDS_FAIL = 2  # rounds in which the host was busy while the judge timed itself: this many fail the test


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


def _cpu(p: psutil.Process) -> float:
    t = p.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def _judge_own_cpu(me: psutil.Process) -> float:
    """CPU seconds of the judge alone: its own process (threads, children it reaped) and its live descendants in
    its own session (the reference's workers). The host and all it starts run in other sessions (the host in a
    new one, and no process can join a session it did not make), so none of their CPU is counted here."""
    total = 0.0
    with contextlib.suppress(psutil.Error):
        total += _cpu(me)
    sid = os.getsid(0)
    with contextlib.suppress(psutil.Error):
        for kid in me.children(recursive=True):
            with contextlib.suppress(psutil.Error, OSError):
                if os.getsid(kid.pid) == sid:
                    total += _cpu(kid)
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

    def for_host(self) -> float:
        """CPU seconds the judge spent on the host's behalf (reading its frames, running callbacks it called)."""
        from grader.judge import session

        run = session._current
        return run.client.cpu_for_host if run is not None else 0.0

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


def _run_round(
    fns: list,
    order: list[int],
    x: Any,
    walls: list[float],
    results: list[Any],
    meter: Meter | None = None,
    calls: list[Sample | None] | None = None,
) -> float:
    """Run the three calls in `order`; returns the CPU seconds the host's processes used during the judge's own
    calls (serial and reference: `fns[0]` and `fns[1]`), when a meter is given."""
    host_s = 0.0
    for i in order:
        judged_here = meter is not None and i != 2
        if meter is not None:
            busy0, all0 = _busy(), meter.ours()
        if judged_here:
            ours0, own0, asked0 = all0, _judge_own_cpu(meter.me), meter.for_host()
        start = _perf_counter()
        results[i] = fns[i](x)
        walls[i] = _perf_counter() - start
        if meter is not None and calls is not None:
            used = meter.ours() - all0
            calls[i] = Sample(walls[i], used, max(0.0, (_busy() - busy0) - used))
        if judged_here:
            # Everything of ours (the judge's tree, the host's processes and the orphans it left to us) minus the
            # judge alone: what the host's side used while it was not being called.
            # Plus what the judge itself spent on the host's behalf meanwhile (frames it sent unasked hold the GIL).
            host_s += max(0.0, (meter.ours() - ours0) - (_judge_own_cpu(meter.me) - own0))
            host_s += meter.for_host() - asked0
    return host_s


def _host_interfered(host_busy: list[tuple[float, float]], done: int) -> None:
    cpu, wall = sum(h for h, _ in host_busy), sum(w for _, w in host_busy)
    raise AssertionError(  # a failed test (the submission's doing), never noise or inconclusive
        f"your code's processes used {cpu:.2f} s of CPU in {wall:.2f} s while the test timed its own serial version "
        f"and the reference ({len(host_busy)} of {done} rounds), when your code was not being called. Work between "
        "calls slows the baseline it is compared with, so no speed-up can be judged: let your processes finish (or "
        "wait idle) before the function returns"
    )


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
    budget_s: float = 8.0,
) -> SpeedupResult:
    """Measure and decide; `check(input, got, expected)` verifies every candidate result against the serial
    result of the same round (a wrong answer raises)."""
    meter = Meter(host_pid)
    began = time.monotonic()
    fns = [serial, reference, candidate]
    clean: list[tuple[float, float, float]] = []
    clean_calls: list[list[float]] = [[], [], []]  # per function, the calls no other process disturbed
    spoiled = 0
    done = 0
    host_busy: list[tuple[float, float]] = []  # (host CPU s, judge's wall s) of rounds the host disturbed
    while True:
        x = make_input()
        order = [(i + done) % 3 for i in range(3)]  # rotate: no position is favoured
        walls = [0.0, 0.0, 0.0]
        results: list[Any] = [None, None, None]
        # Interference is read over the whole round: the OS counts CPU time in ticks (10 ms), too coarse for a
        # single call of a few milliseconds, but fine over a round of three.
        samples: list[Sample | None] = [None, None, None]
        round_sample, host_s = meter.measure(
            lambda o=order, x=x, w=walls, r=results, c=samples: _run_round(fns, o, x, w, r, meter, c)
        )
        bad = round_sample.spoiled
        if check is not None:
            check(x, results[2], results[0])  # every answer checked against this round's serial answer
        done += 1
        judge_wall = walls[0] + walls[1]
        if judge_wall > 0 and (host_s - HOST_SLACK_S) / judge_wall > HOST_CORES:
            host_busy.append((host_s, judge_wall))
            if len(host_busy) >= HOST_ROUNDS_FAIL:
                _host_interfered(host_busy, done)
            bad = True  # once may be a hiccup (a worker exiting late): measure that round again
        else:  # a round the host disturbed gives no call either: its serial and reference were slowed by it
            for i, sample in enumerate(samples):
                if sample is not None and not sample.spoiled:
                    clean_calls[i].append(sample.wall)
        if bad:
            spoiled += 1
        else:
            clean.append((walls[0], walls[1], walls[2]))
        if done >= max_rounds or time.monotonic() - began > budget_s:
            break  # a learner waits for every round: past the budget, decide with what we have (or say so)
        if not clean and spoiled >= 3 and min(map(len, clean_calls)) < 1:
            break  # the machine stays busy: more rounds would only make the wait longer
        if len(clean) >= rounds:
            ref = statistics.median(s / r for s, r, _ in clean)
            cand = statistics.median(s / c for s, _, c in clean)
            threshold = max(floor, share * ref)
            if abs(cand - threshold) >= 0.07 * threshold and ref >= floor:
                break  # clearly on one side: no need for more rounds
            if len(clean) >= rounds + 3:
                break
    if host_busy and 2 * len(host_busy) > done:
        _host_interfered(host_busy, done)  # the rounds ran out (time budget) with the host busy in most of them
    serial_s = statistics.median(w[0] for w in clean) if clean else 0.0
    if len(clean) >= 2:
        ref_ratios = [s / r for s, r, _ in clean]
        ref = statistics.median(ref_ratios)
        cand = statistics.median(s / c for s, _, c in clean)
        # Noise: how far this run's reference strays from its own median, relatively (median absolute
        # deviation, at least 5%): a candidate within that band of the threshold cannot be told apart.
        noise = max(0.05, statistics.median(abs(r - ref) for r in ref_ratios) / ref)
    elif min(map(len, clean_calls)) >= 2:
        # Under bursty load few whole rounds stay undisturbed, but single calls do. Interference only ever
        # slows a call, so the fastest undisturbed call of each side is its best estimate (as timeit's docs
        # advise); the gap between the two fastest serial runs is this run's noise.
        fastest = [sorted(c) for c in clean_calls]
        serial_s = fastest[0][0]
        ref, cand = serial_s / fastest[1][0], serial_s / fastest[2][0]
        noise = max(0.05, max((c[1] - c[0]) / c[0] for c in fastest[:2]))
    else:
        return SpeedupResult(0, 0, 0, 0, len(clean), spoiled, serial_s, "inconclusive", "busy")
    threshold = max(floor, share * ref)
    if ref < floor:
        verdict, reason = "inconclusive", "reference"
    elif cand >= threshold:
        verdict, reason = "passed", ""
    elif cand >= threshold * (1 - 2 * noise):
        verdict, reason = "inconclusive", "noise"
    else:
        verdict, reason = "too_slow", ""
    return SpeedupResult(cand, ref, threshold, noise, len(clean), spoiled, serial_s, verdict, reason)
