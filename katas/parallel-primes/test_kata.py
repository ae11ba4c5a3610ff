"""Grades parallel-primes: exactly the right primes, found by worker processes, with a real speed-up.

Everything is judged from outside the learner's process. The numbers are drawn at random for every call and every
timed round, and the expected primes come from the reference's serial check run here, in the judge. Who did the
work is read from the OS: the CPU time of the graded process's own threads during the call, and of each process it
started. The first call runs under the `spawn` start method, which re-imports the learner's module in every worker,
as macOS and Windows do.
"""

from __future__ import annotations

import random
import time

import pytest
import submission

from grader import katakit

ref = katakit.reference()

N_NUMBERS = 40_000  # about 0.7 s of serial CPU time here: process start-up is noise next to it
LOW, HIGH = 10**8, 10**9
PARENT_SHARE = (
    0.25  # during the call the graded process's own threads may use at most this share of the serial CPU
)
WORKER_SHARE = 0.10  # a worker process "did work" when it used at least this share of it

_outcome: dict[str, bool] = {}  # test name -> passed, so the speed-up is not measured for a serial program


def fresh_numbers() -> list[int]:
    rng = random.Random()  # a fresh seed each time: the answers cannot be known or remembered
    return [rng.randrange(LOW, HIGH) for _ in range(N_NUMBERS)]


def serial_primes(numbers: list[int]) -> list[int]:
    return [n for n in numbers if ref.is_prime(n)]


def explain_difference(got: object, expected: list[int]) -> str | None:
    """None when `got` is exactly the expected list; else what is wrong, in words."""
    if got == expected and type(got) is list:
        return None
    if not isinstance(got, list):
        return f"find_primes should return a list of ints, got {type(got).__name__}"
    missing = sorted(set(expected) - set(got))[:5]
    extra = sorted(set(got) - set(expected))[:5]
    return (
        f"expected {len(expected)} primes, got {len(got)}"
        + (f"; missing e.g. {missing}" if missing else "")
        + (f"; not prime or not in the input, e.g. {extra}" if extra else "")
        + ("" if missing or extra else "; the same primes but not in the order of the input")
    )


@pytest.fixture(scope="module")
def spawn_run() -> dict:
    """One call of find_primes under spawn, watched from outside."""
    numbers = fresh_numbers()
    start = time.process_time()
    expected = serial_primes(numbers)
    serial_cpu = time.process_time() - start
    with katakit.HostCPU() as cpu:
        try:
            result: object = katakit.driver().find_primes_with("spawn", numbers)
        except Exception as e:
            result = e
    return {"expected": expected, "serial_cpu": serial_cpu, "cpu": cpu, "result": result}


def _result(run: dict) -> object:
    result = run["result"]
    if isinstance(result, Exception):
        raise AssertionError(
            f"find_primes raised {type(result).__name__}: {result}. Under the spawn start method each worker "
            "re-imports your module: the function you send must be defined at module level (no lambda, no "
            "function defined inside another), and code that starts processes must not run at import time"
        )
    return result


def test_finds_exactly_the_primes(spawn_run: dict) -> None:
    _outcome["exact"] = False
    wrong = explain_difference(_result(spawn_run), spawn_run["expected"])
    assert wrong is None, (
        f"{wrong}. This call ran under the spawn start method: each worker re-imports your module, so it sees "
        "module globals as they are at import, not values your code assigned before starting the pool"
    )
    _outcome["exact"] = True


def test_work_is_done_by_worker_processes(spawn_run: dict) -> None:
    _outcome["workers"] = False
    _result(spawn_run)
    if _outcome.get("exact") is False:
        pytest.skip("not judged: the results were wrong (see the test above), so the workers' share means little")
    cpu, serial = spawn_run["cpu"], spawn_run["serial_cpu"]
    in_workers = sum(cpu.children_s.values())
    if cpu.main_s > PARENT_SHARE * serial:
        why = (
            "The checks ran in your main process: threads take turns on one GIL, so pure-Python work on threads "
            "is no faster than a plain loop. Run them in worker processes"
            if in_workers < serial / 2
            else "Worker processes did the checks, but your main process was kept busy sending them work and "
            "collecting answers one number at a time. Send the numbers in batches (chunksize)"
        )
        raise AssertionError(
            f"your main process used {cpu.main_s:.2f} s of CPU during find_primes and its child processes "
            f"{in_workers:.2f} s, while checking the numbers one by one takes {serial:.2f} s; the main process may "
            f"use at most {PARENT_SHARE:.0%} of that. {why}"
        )
    busy = sorted((c for c in cpu.children_s.values() if c >= WORKER_SHARE * serial), reverse=True)
    needed = 2 if katakit.effective_cpus() >= 2 else 1
    assert len(busy) >= needed, (
        f"{len(busy)} worker process(es) did a real share of the work (at least {WORKER_SHARE:.0%} of "
        f"{serial:.2f} s CPU each; seen: {', '.join(f'{c:.2f} s' for c in busy) or 'none'}); expected at "
        f"least {needed} on this machine with {katakit.effective_cpus()} CPUs. Let the pool use one worker "
        "per CPU and give each several batches"
    )
    _outcome["workers"] = True


def _check(numbers: list[int], got: object, expected: list[int]) -> None:
    wrong = explain_difference(got, expected)
    assert wrong is None, f"during the timed rounds, on fresh numbers: {wrong}"


def test_speedup_against_reference() -> None:
    if False in (_outcome.get("exact"), _outcome.get("workers")):
        pytest.skip("not measured: find_primes must first be correct and run in worker processes (see above)")
    katakit.compare_speedup(
        "speed-up",
        make_input=fresh_numbers,
        serial=serial_primes,
        reference=ref.find_primes,
        candidate=submission.find_primes,
        check=_check,
        max_rounds=6,
        what=f"speed-up over the serial check of {N_NUMBERS} numbers",
    )
