"""Grading for lost-update-counter: exact totals, twenty times over, while threads are made to switch as often
and as awkwardly as possible.

Two things make the race show up in every run instead of once a week:
- `sys.setswitchinterval(1e-6)`: the interpreter asks the running thread to hand over the GIL after about a
  microsecond instead of 5 ms.
- An instruction hook, the way a debugger steps through code (sys.monitoring on 3.12+, a tracer on 3.11), that
  calls `time.sleep(0)` before a random tenth of the instructions of submission.py. That releases the GIL
  between any two instructions, which is what a free-threaded build (3.13t, 3.14t) or an unlucky day does. CPython 3.11-3.13 with the GIL happens to
  check for a switch only at some instructions (calls, loop back-edges), so `total += w` without a call inside
  rarely breaks there today; it is still a race, and this test treats it as one.
"""

import random
import sys
import threading
from collections.abc import Callable

import submission

from grader import preempt

RUNS = 20
EVENTS_PER_RUN = 480  # divisible by 3, 4, 5 and 6 threads
SWITCH_INTERVAL = 1e-6
YIELD_SHARE = 0.1  # share of the submission's instructions before which the GIL is released (grader.preempt)


# ---------------------------------------------------------------- inputs


def _make_weight(rng: random.Random) -> Callable[[int], int]:
    a, b = rng.randrange(2, 9), rng.randrange(1, 50)

    def weight(x: int) -> int:
        return a * x + b

    return weight


def _batches(rng: random.Random, n_threads: int) -> list[list[int]]:
    per_thread = EVENTS_PER_RUN // n_threads
    return [[rng.randrange(1000) for _ in range(per_thread)] for _ in range(n_threads)]


def test_one_batch_gives_the_exact_total() -> None:
    rng = random.Random()
    weight = _make_weight(rng)
    batch = [rng.randrange(1000) for _ in range(500)]
    got = submission.tally([batch], weight)
    want = sum(weight(x) for x in batch)
    assert got == want, (
        f"tally() of a single batch returned {got!r}, expected {want}: even one thread gets it wrong"
    )


def test_no_update_is_lost_when_threads_switch_often() -> None:
    rng = random.Random()
    with preempt.switch_anywhere(submission, share=YIELD_SHARE, interval=SWITCH_INTERVAL):
        for run in range(1, RUNS + 1):
            n_threads = rng.randrange(3, 7)
            batches = _batches(rng, n_threads)
            weight = _make_weight(rng)
            want = sum(weight(x) for batch in batches for x in batch)
            got = submission.tally(batches, weight)
            now = sys.getswitchinterval()
            assert now < 1e-3, (
                f"tally() changed the thread switch interval to {now} s. Switching threads less often only "
                "hides the race (and does nothing on a free-threaded build): protect the update instead."
            )
            assert isinstance(got, int), f"tally() returned {type(got).__name__}, expected an int"
            if got != want:
                lost = (want - got) / want
                raise AssertionError(
                    f"run {run} of {RUNS} ({n_threads} threads, {EVENTS_PER_RUN} events): tally() returned {got}, "
                    f"expected {want}: {lost:.1%} of the total went missing. Two threads read the same old "
                    "total and one write overwrote the other: reading the total, adding to it and writing it "
                    "back must happen as one step that no other thread can enter."
                )


def test_each_batch_runs_on_its_own_thread() -> None:
    rng = random.Random()
    batches = _batches(rng, 4)
    inner = _make_weight(rng)
    callers: set[threading.Thread] = set()

    def weight(x: int) -> int:
        callers.add(threading.current_thread())  # set.add is one C call: safe from several threads
        return inner(x)

    got = submission.tally(batches, weight)
    assert got == sum(inner(x) for batch in batches for x in batch), "tally() returned a wrong total"
    assert threading.main_thread() not in callers, (
        "weight() was called on the main thread: keep one worker thread per batch (the task is to make the "
        "threads safe, not to remove them)"
    )
    assert len(callers) >= len(batches), (
        f"weight() was called from {len(callers)} thread(s) for {len(batches)} batches: keep one worker thread "
        "per batch"
    )
