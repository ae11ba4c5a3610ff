"""Grades parallel-primes: exactly the right primes, found by worker processes, with a real speed-up.

The numbers are drawn at random in each run and the expected primes come from the reference's serial check.
Who did the work is measured from outside the submission: the CPU time this process used during the call
(threads or a plain loop show up here) and the CPU time of each descendant process, sampled from /proc
(workers of a fork or spawn pool are children, forkserver's are grandchildren). The first call runs under
the `spawn` start method, which re-imports submission.py in every worker, as macOS and Windows always do.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import threading
from dataclasses import dataclass, field
from time import process_time, thread_time  # bound before the submission is imported

import pytest
import submission

from grader import katakit

ref = katakit.reference()

N_NUMBERS = 20_000  # about 1 s of serial CPU time: process start-up is noise next to it
LOW, HIGH = 10**8, 10**9
PARENT_SHARE = 0.25  # during the call this process may use at most this share of the serial CPU time
WORKER_SHARE = 0.10  # a worker process "did work" when it used at least this share of it
SAMPLE_EVERY = 0.05  # seconds between /proc samples

_outcome: dict[str, bool] = {}  # test name -> passed, so the speed-up is not measured for a serial program


@dataclass
class Workload:
    numbers: list[int]
    expected: list[int]
    serial_cpu: float


@dataclass
class Watch:
    """CPU time used by this process and by each of its descendants while a block ran."""

    parent_cpu: float = 0.0
    children_cpu: dict[int, float] = field(default_factory=dict)
    available: bool = os.path.isdir("/proc")

    def __enter__(self) -> Watch:
        self._stop = threading.Event()
        self._sampler_cpu = 0.0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._start = process_time()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        # process_time counts every thread of this process: subtract the sampler's own share.
        self.parent_cpu = process_time() - self._start - self._sampler_cpu

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(SAMPLE_EVERY):
                break
        self._sample()  # a last look: catch workers that are still alive (a pool kept between calls)
        self._sampler_cpu = thread_time()

    def _sample(self) -> None:
        if not self.available:
            return
        parent_of: dict[int, int] = {}
        cpu_of: dict[int, float] = {}
        tick = os.sysconf("SC_CLK_TCK")
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:  # the process ended between listing and reading
                continue
            fields = stat[stat.rfind(b")") + 2 :].split()  # the name in parentheses may contain spaces
            pid = int(entry.name)
            parent_of[pid] = int(fields[1])
            cpu_of[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        ours = {os.getpid()}
        changed = True
        while changed:  # descendants: children, grandchildren, ...
            new = {pid for pid, ppid in parent_of.items() if ppid in ours} - ours
            changed = bool(new)
            ours |= new
        for pid in ours - {os.getpid()}:
            self.children_cpu[pid] = max(self.children_cpu.get(pid, 0.0), cpu_of[pid])


@contextlib.contextmanager
def start_method(method: str):
    if method not in multiprocessing.get_all_start_methods():
        yield
        return
    old = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(method, force=True)
    try:
        yield
    finally:
        multiprocessing.set_start_method(old, force=True)


def serial_primes(numbers: list[int]) -> list[int]:
    return [n for n in numbers if ref.is_prime(n)]


@pytest.fixture(scope="module")
def workload() -> Workload:
    rng = random.Random()  # a fresh seed each run: the answers cannot be known in advance
    numbers = [rng.randrange(LOW, HIGH) for _ in range(N_NUMBERS)]
    start = process_time()
    expected = serial_primes(numbers)
    return Workload(numbers, expected, process_time() - start)


@pytest.fixture(scope="module")
def spawn_run(workload: Workload) -> tuple[Watch, object]:
    """One call of find_primes under spawn, watched. Returns the watch and the result (or the exception)."""
    with start_method("spawn"), Watch() as watch:
        try:
            result: object = submission.find_primes(list(workload.numbers))
        except Exception as e:
            result = e
    return watch, result


def _result(spawn_run: tuple[Watch, object]) -> object:
    result = spawn_run[1]
    if isinstance(result, Exception):
        raise AssertionError(
            f"find_primes raised {type(result).__name__}: {result}. Under the spawn start method each worker "
            "re-imports submission.py: the function you send must be defined at module level (no lambda, no "
            "function defined inside another), and code that starts processes must not run at import time"
        ) from result
    return result


def test_finds_exactly_the_primes(workload: Workload, spawn_run: tuple[Watch, object]) -> None:
    _outcome["exact"] = False
    got = _result(spawn_run)
    assert isinstance(got, list), f"find_primes should return a list of ints, got {type(got).__name__}"
    if got != workload.expected:
        missing = sorted(set(workload.expected) - set(got))[:5]
        extra = sorted(set(got) - set(workload.expected))[:5]
        raise AssertionError(
            f"expected {len(workload.expected)} primes, got {len(got)}"
            + (f"; missing e.g. {missing}" if missing else "")
            + (f"; not prime or not in the input, e.g. {extra}" if extra else "")
            + ("" if missing or extra else "; the same primes but not in the order of the input")
            + ". This call ran under the spawn start method: each worker re-imports submission.py, so it sees "
            "module globals as they are at import, not values your code assigned before starting the pool"
        )
    _outcome["exact"] = True


def test_work_is_done_by_worker_processes(workload: Workload, spawn_run: tuple[Watch, object]) -> None:
    _outcome["workers"] = False
    _result(spawn_run)
    if _outcome.get("exact") is False:
        pytest.skip("not judged: the results were wrong (see the test above), so the workers' share means little")
    watch = spawn_run[0]
    serial = workload.serial_cpu
    in_workers = sum(watch.children_cpu.values())
    if watch.parent_cpu > PARENT_SHARE * serial:
        seen = f"this process itself used {watch.parent_cpu:.2f} s of CPU during find_primes"
        if watch.available:
            seen += f" and its child processes {in_workers:.2f} s"
        why = (
            "The checks ran in this process: threads take turns on one GIL, so pure-Python work on threads "
            "is no faster than a plain loop. Run them in worker processes"
            if not watch.available or in_workers < serial / 2
            else "Worker processes did the checks, but this process was kept busy sending them work and "
            "collecting answers one number at a time. Send the numbers in batches (chunksize)"
        )
        raise AssertionError(
            f"{seen}, while checking the numbers one by one takes {serial:.2f} s; this process may use at "
            f"most {PARENT_SHARE:.0%} of that. {why}"
        )
    if watch.available:
        busy = sorted((c for c in watch.children_cpu.values() if c >= WORKER_SHARE * serial), reverse=True)
        needed = 2 if katakit.effective_cpus() >= 2 else 1
        assert len(busy) >= needed, (
            f"{len(busy)} worker process(es) did a real share of the work (at least {WORKER_SHARE:.0%} of "
            f"{serial:.2f} s CPU each; seen: {', '.join(f'{c:.2f} s' for c in busy) or 'none'}); expected at "
            f"least {needed} on this machine with {katakit.effective_cpus()} CPUs. Let the pool use one worker "
            "per CPU and give each several batches"
        )
    _outcome["workers"] = True


def test_speedup_against_reference(workload: Workload) -> None:
    if False in (_outcome.get("exact"), _outcome.get("workers")):
        pytest.skip("not measured: find_primes must first be correct and run in worker processes (see above)")
    numbers = workload.numbers
    # The reference is loaded under a private module name that spawned workers cannot import, so the timed
    # runs use fork where the platform has it, for the reference and the submission alike.
    with start_method("fork"):
        katakit.compare_speedup(
            "speed-up",
            serial=lambda: serial_primes(numbers),
            reference_fn=lambda: ref.find_primes(numbers),
            candidate=lambda: submission.find_primes(numbers),
            max_rounds=4,
            what=f"speed-up over the serial check of {len(numbers)} numbers",
        )
