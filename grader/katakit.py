"""What kata tests use to measure: timings recorded for the report, loop lag, speed-ups against the reference.

Imported by `katas/*/test_kata.py` inside the graded child process. Two exceptions carry the grader's timing
verdicts out of a test: `TooSlow` (correct, a timing threshold missed) and `Inconclusive` (this machine cannot
judge the speed right now). Thresholds are ratios against the reference measured in the same run, never
absolute times (DESIGN section 5, Timing).
"""

from __future__ import annotations

import importlib.util
import os
import statistics
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


# ---------------------------------------------------------------- event-loop lag


class LoopLag:
    """Measure the event loop's responsiveness while a block of code runs, and find what blocked it.

    A heartbeat task sleeps `interval` seconds in a loop and records the largest gap between ticks. A blocked
    loop shows gaps of hundreds of ms, a healthy one a few ms. A watchdog thread samples the loop thread's
    stack while a tick is overdue, so the report can name the call that blocked (file and line).

        async with LoopLag() as lag:
            await submission.fetch_all(ids)
        check_max("loop lag", lag.max_gap, threshold=0.1, what="largest gap between 10 ms heartbeats")
    """

    def __init__(self, interval: float = 0.01, focus: str = "submission.py") -> None:
        self.interval = interval
        self.focus = focus
        self.max_gap = 0.0
        self.blocker: str | None = None
        self._last = 0.0
        self._stop = threading.Event()

    async def __aenter__(self) -> LoopLag:
        import asyncio  # here, not at the top: every graded child imports katakit, few need asyncio

        self._loop_thread = threading.get_ident()
        self._last = _perf_counter()
        self._task = asyncio.get_running_loop().create_task(self._beat())
        self._watch = threading.Thread(target=self._watchdog, daemon=True)
        self._watch.start()
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        import asyncio

        await asyncio.sleep(self.interval)  # one more tick: catch a block right at the end
        self._task.cancel()
        self._stop.set()
        self._watch.join(1)
        self.max_gap = max(self.max_gap, _perf_counter() - self._last - self.interval)

    async def _beat(self) -> None:
        import asyncio

        while True:
            await asyncio.sleep(self.interval)
            now = _perf_counter()
            self.max_gap = max(self.max_gap, now - self._last - self.interval)
            self._last = now

    def _watchdog(self) -> None:
        while not self._stop.wait(self.interval):
            if _perf_counter() - self._last > 5 * self.interval + 0.02 and self.blocker is None:
                frame = sys._current_frames().get(self._loop_thread)
                self.blocker = _innermost(frame, self.focus)


def _innermost(frame: Any, focus: str) -> str | None:
    """The deepest frame of the learner's file, with the call one level below it if that is outside the file."""
    callee = None
    while frame is not None:
        if frame.f_code.co_filename.endswith(focus):
            code = frame.f_code
            where = f"{focus}:{frame.f_lineno} in {code.co_name}()"
            return f"{where}, calling {callee}()" if callee else where
        callee = frame.f_code.co_name
        frame = frame.f_back
    return None


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
    serial: Callable[[], Any],
    reference_fn: Callable[[], Any],
    candidate: Callable[[], Any],
    *,
    rounds: int = 3,
    max_rounds: int = 7,
    floor: float = 1.3,
    share: float = 0.8,
    what: str = "speed-up over the serial version",
) -> Timing:
    """Judge a parallel speed-up fairly: serial, reference and candidate interleaved over several rounds.

    The statistic is the median of per-round ratios serial/candidate. Threshold = max(floor, share x the
    reference's own median speed-up). Fewer than 2 usable CPUs, or a reference that cannot reach `floor`
    itself (a busy machine), gives Inconclusive rather than a verdict we cannot stand behind. Inside a
    band of +-7% around the threshold we measure more rounds (hysteresis) before deciding; a reference below
    `floor` gets one re-measure before Inconclusive.
    """
    if effective_cpus() < 2:
        raise Inconclusive(f"{name}: only {effective_cpus()} CPU available; a speed-up cannot be measured")
    fns = [serial, reference_fn, candidate]
    times: list[list[float]] = [[], [], []]
    done = 0
    while True:
        for r in range(rounds if done == 0 else 2):
            order = [(i + done + r) % 3 for i in range(3)]  # rotate the order: no position is favoured
            for i in order:
                times[i].append(timed(fns[i])[0])
        done = len(times[0])
        ref = statistics.median(s / t for s, t in zip(times[0], times[1], strict=True))
        cand = statistics.median(s / t for s, t in zip(times[0], times[2], strict=True))
        threshold = max(floor, share * ref)
        ambiguous = abs(cand - threshold) < 0.07 * threshold
        # A busy machine (reference below its floor) gets one re-measure, not the full hysteresis budget: it
        # rarely clears within seconds, and the learner waits for every round.
        busy_retry = ref < floor and done < rounds + 2
        if not (ambiguous or busy_retry) or done >= max_rounds:
            break
    base = statistics.median(times[0])
    timing = record(Timing(name, what, cand, ref, cand / ref if ref else None, threshold, cand >= threshold, "x"))
    if ref < floor:
        raise Inconclusive(
            f"{name}: the reference reached only {ref:.2f}x here (needs {floor}x): the machine is too busy to "
            f"judge a speed-up; your code reached {cand:.2f}x (serial run {base:.2f} s)"
        )
    if not timing.passed:
        raise TooSlow(
            f"{name}: {cand:.2f}x {what}; the reference reached {ref:.2f}x in the same run and the threshold "
            f"is {threshold:.2f}x"
        )
    return timing
