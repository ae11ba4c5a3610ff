"""The judge's kit for kata tests: timings recorded for the report, speed-ups against the reference, the host seen
from outside (its CPU times, the calls it made into the judge), and the kata's host driver.

Imported by `katas/*/test_kata.py` in the judge process, never in the graded one. Two exceptions carry the grader's timing
verdicts out of a test: `TooSlow` (correct, a timing threshold missed) and `Inconclusive` (this machine cannot
judge the speed right now). Thresholds are ratios against the reference measured in the same run, never
absolute times (DESIGN section 5, Timing).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

# Bound at import, before any submission is imported: a submission that patches time.* cannot fool us.
_perf_counter = time.perf_counter
_monotonic = time.monotonic


class TooSlow(AssertionError):
    """The code is correct but missed a timing threshold."""


class Inconclusive(Exception):
    """This machine cannot judge the speed now (too few cores, or too busy: the reference missed its own speed)."""


@dataclass(frozen=True)
class Timing:
    name: str
    what: str  # what was measured, in words
    measured: float
    baseline: float | None
    ratio: float | None
    threshold: float
    passed: bool
    unit: str = "s"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


records: list[Timing] = []  # the plugin collects these per test
notes: list[str] = []  # diagnostics for the learner (e.g. which call blocked the loop)


def record(timing: Timing) -> Timing:
    records.append(timing)
    return timing


def note(text: str) -> None:
    notes.append(text)


def effective_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def reference() -> ModuleType:
    """The kata's reference solution, loaded by the grader before the submission (DOJO_REFERENCE)."""
    mod = sys.modules.get("_dojo_reference")
    if mod is not None:
        return mod
    path = os.environ.get("DOJO_REFERENCE") or str(Path.cwd() / "reference.py")
    spec = importlib.util.spec_from_file_location("_dojo_reference", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"reference solution not found at {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_dojo_reference"] = mod
    spec.loader.exec_module(mod)
    return mod


# Event-loop lag is measured where the loop runs, in the host: grader/host/looplag.py (used by kata host
# drivers). The judge's own evidence is a heartbeat probe it times from outside.


# ---------------------------------------------------------------- thresholds


def check_max(
    name: str, measured: float, *, threshold: float, what: str, baseline: float | None = None, unit: str = "s"
) -> Timing:
    """Pass when `measured` <= `threshold` (e.g. loop lag); record the timing; raise TooSlow otherwise."""
    ratio = measured / baseline if baseline else None
    t = record(Timing(name, what, measured, baseline, ratio, threshold, measured <= threshold, unit))
    if not t.passed:
        raise TooSlow(f"{name}: {what} was {_fmt(measured, unit)}, the limit is {_fmt(threshold, unit)}")
    return t


def _fmt(v: float, unit: str) -> str:
    if unit == "s":
        return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"
    return f"{v:.2f}{unit}"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = _perf_counter()
    result = fn()
    return _perf_counter() - start, result


def compare_speedup(
    name: str,
    *,
    make_input: Callable[[], Any],
    serial: Callable[[Any], Any],
    reference: Callable[[Any], Any],
    candidate: Callable[[Any], Any],
    check: Callable[[Any, Any, Any], None] | None = None,
    rounds: int = 3,
    max_rounds: int = 8,
    floor: float = 1.3,
    share: float = 0.8,
    what: str = "speed-up over the serial version",
) -> Timing:
    """Judge a parallel speed-up fairly (DESIGN section 5, Timing); see grader.judge.timing.

    Every round draws a fresh input with `make_input()`; `serial(x)` and `reference(x)` run here in the judge,
    `candidate(x)` is normally a call into the host (`lambda x: submission.f(x)`), and `check(x, got, expected)`
    verifies each candidate result against the serial result of the same round, so a cache of earlier answers never helps. Fewer than 2
    CPUs, a machine too busy (rounds spoiled by other processes), a reference below `floor`, or a miss within the
    run's measured noise give Inconclusive; only a clear miss is TooSlow.
    """
    from grader.judge.timing import effective_cpus as cpus
    from grader.judge.timing import judge_speedup

    if cpus() < 2:
        raise Inconclusive(f"{name}: only {cpus()} CPU available; a speed-up cannot be measured")
    r = judge_speedup(
        make_input=make_input,
        serial=serial,
        reference=reference,
        candidate=candidate,
        check=check,
        host_pid=_host_pid(),
        rounds=rounds,
        max_rounds=max_rounds,
        floor=floor,
        share=share,
    )
    ratio = r.candidate / r.reference if r.reference else None
    timing = record(Timing(name, what, r.candidate, r.reference, ratio, r.threshold, r.verdict == "passed", "x"))
    rounds_said = f"{r.clean_rounds} clean round(s), {r.spoiled_rounds} disturbed by other processes"
    if r.verdict == "inconclusive":
        if r.reason == "busy":
            raise Inconclusive(
                f"{name}: other processes kept the CPUs busy in {r.spoiled_rounds} of "
                f"{r.spoiled_rounds + r.clean_rounds} rounds, so no speed-up could be measured fairly"
            )
        if r.reason == "reference":
            raise Inconclusive(
                f"{name}: the reference reached only {r.reference:.2f}x here (needs {floor}x): the machine is too "
                f"busy to judge a speed-up; your code reached {r.candidate:.2f}x ({rounds_said})"
            )
        raise Inconclusive(
            f"{name}: your code reached {r.candidate:.2f}x, just under the threshold {r.threshold:.2f}x, within "
            f"this run's measured noise (+-{r.noise:.0%}); the reference reached {r.reference:.2f}x"
        )
    if r.verdict == "too_slow":
        raise TooSlow(
            f"{name}: {r.candidate:.2f}x {what}; the reference reached {r.reference:.2f}x in the same run and the "
            f"threshold is {r.threshold:.2f}x (noise +-{r.noise:.0%}, {rounds_said})"
        )
    return timing


# ---------------------------------------------------------------- the host, seen from the judge


def _host_pid() -> int | None:
    from grader.judge import session

    run = session._current
    return run.host.pid if run is not None else None


def host() -> Any:
    """The current grading run (grader.judge.session.Run): the host process, its CPU times, the callback log."""
    from grader.judge import session

    return session.current()


def callback_calls() -> list[Any]:
    """Every call the host made into the judge's callables so far (name, args, host thread, start, end)."""
    return list(host().client.calls)


def driver() -> Any:
    """The kata's host driver (`host_driver.py` in the kata folder), as a handle: `driver().name(...)`."""
    from grader.judge.client import DriverHandle

    run = host()
    run.module._load()
    return DriverHandle(run.client)


class HostCPU:
    """CPU time of the host process itself and of each process it started, sampled from the OS during a block.

    with katakit.HostCPU() as cpu:
        submission.find_primes(numbers)
    cpu.main_s, cpu.children_s  # seconds of CPU: the host's own threads, each descendant process
    """

    def __init__(self, every: float = 0.05) -> None:
        self.every = every
        self.main_s = 0.0
        self.children_s: dict[int, float] = {}
        self.wall_s = 0.0

    def __enter__(self) -> HostCPU:
        import psutil

        self._run = host()
        self._proc = psutil.Process(self._run.host.pid)
        t = self._proc.cpu_times()
        self._main0 = t.user + t.system
        self._stop = threading.Event()
        self._start = _perf_counter()
        self._before = dict(self._run.host.cpu_times())
        self._thread = threading.Thread(target=self._sample_loop, daemon=True)
        self._thread.start()
        return self

    def _sample_loop(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        for pid, cpu in self._run.host.cpu_times().items():
            if pid == self._run.host.pid:
                continue
            used = cpu - self._before.get(pid, 0.0)
            self.children_s[pid] = max(self.children_s.get(pid, 0.0), used)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.wall_s = _perf_counter() - self._start
        try:
            t = self._proc.cpu_times()
            self.main_s = t.user + t.system - self._main0
        except Exception:
            self.main_s = 0.0
