"""Grading for lost-update-counter: exact totals, run after run, with the shared total kept by the judge.

Everything the race needs to show happens in the judge, where the submission cannot reach it:
- `read_total`, `write_total` and `weight` are the judge's own functions. In your process each call is a round
  trip to the judge, and the calling thread waits for the answer with the GIL released, just as it would for a
  database or a remote service. So a read-add-write that is not protected really loses updates, every run; no
  switch interval or tracer is needed to provoke it, and nothing in your process can switch it off.
- The judge keeps the total, draws fresh random events, weights and starting totals for every run, and computes
  the expected total itself. It sees every call: when each lookup started and ended (so it knows whether lookups
  ran at the same time) and, for explanation only, which of your threads made it.
"""

import random
import threading
import time
from collections import defaultdict
from typing import Any

import submission

from grader import katakit

RUNS = 5
LOOKUP_S = 0.001  # each weight() lookup takes this long in the judge: a slow service, so that lookups can overlap


class Store:
    """The shared total, held by the judge. Each read and write is one call from the host."""

    def __init__(self, start: int) -> None:
        self.value = start
        self._lock = threading.Lock()  # the judge serves calls on several threads of its own

    def read_total(self) -> int:
        with self._lock:
            return self.value

    def write_total(self, value: int) -> None:
        if type(value) is not int:
            raise TypeError(f"write_total() takes an int, not {type(value).__name__}")
        with self._lock:
            self.value = value


class Weights:
    """weight(x): a random table, fresh every run, so no formula can be guessed and no earlier answer reused."""

    def __init__(self, rng: random.Random, events: list[int]) -> None:
        self.table = {x: rng.randrange(1, 1000) for x in set(events)}

    def weight(self, x: int) -> int:
        time.sleep(LOOKUP_S)
        if x not in self.table:
            raise KeyError(f"weight({x!r}): no such event in this run")
        return self.table[x]


def _batches(rng: random.Random, n_threads: int) -> list[list[int]]:
    return [[rng.randrange(10_000) for _ in range(rng.randrange(20, 41))] for _ in range(n_threads)]


def _calls_since(mark: int, name: str) -> list[Any]:
    return [c for c in katakit.callback_calls()[mark:] if c.name == name]


def _peak_in_flight(calls: list[Any]) -> int:
    """The largest number of these calls the judge was serving at the same moment."""
    edges = sorted([(c.start, 1) for c in calls] + [(c.end, -1) for c in calls if c.end is not None])
    peak = now = 0
    for _, step in edges:
        now += step
        peak = max(peak, now)
    return peak


def _stale_writes(mark: int) -> int:
    """How often a thread wrote the total back after another thread had written it since this thread's read.

    Explanation only: the thread of each call is what the host says. The verdict rests on the total."""
    by_thread: dict[int, float] = {}
    writes: list[tuple[float, int]] = []
    stale = 0
    calls = sorted(
        (c for c in katakit.callback_calls()[mark:] if c.name in ("read_total", "write_total")),
        key=lambda c: c.start,
    )
    for c in calls:
        if c.name == "read_total":
            by_thread[c.thread] = c.end or c.start
        else:
            read_at = by_thread.get(c.thread)
            if read_at is not None and any(t > read_at and who != c.thread for t, who in writes):
                stale += 1
            writes.append((c.start, c.thread))
    return stale


_events_by_mark: dict[int, int] = {}


def _events_of(mark: int) -> int:
    return _events_by_mark.get(mark, 0)


def _run(rng: random.Random, batches: list[list[int]]) -> tuple[int, int, Store, int]:
    """One call of tally() on fresh weights and a fresh starting total: (got, want, store, mark of its calls)."""
    events = [x for batch in batches for x in batch]
    weights = Weights(rng, events)
    store = Store(rng.randrange(1_000, 1_000_000))
    want = store.value + sum(weights.table[x] for x in events)
    mark = len(katakit.callback_calls())
    _events_by_mark[mark] = len(events)
    got = submission.tally(batches, weights.weight, store.read_total, store.write_total)
    return got, want, store, mark


def _check_total(got: Any, want: int, store: Store, mark: int, what: str) -> None:
    assert type(got) is int, f"tally() returned {got!r}, expected the new total as an int"
    if store.value > want:
        raise AssertionError(
            f"{what}: the shared total ended at {store.value}, {store.value - want} MORE than the {want} expected: "
            "some weight was added twice, or a weight from an earlier call was reused (the weights and the "
            "starting total are new on every call: look every event up again)"
        )
    if store.value != want:
        lost = want - store.value
        calls = katakit.callback_calls()[mark:]
        looked_up = sum(1 for c in calls if c.name == "weight")
        events = _events_of(mark)
        if looked_up < events:
            raise AssertionError(
                f"{what}: only {looked_up} of {events} events were looked up with weight(), so the total ended at "
                f"{store.value}, expected {want}. A worker thread stopped early: look at what your code printed "
                "(an exception in a thread is printed, not raised in tally())."
            )
        stale = _stale_writes(mark)
        seen = (
            f" The grader saw {stale} write(s) of the total made from a value another thread had already changed."
            if stale
            else ""
        )
        raise AssertionError(
            f"{what}: the shared total ended at {store.value}, expected {want} ({lost} missing)."
            f"{seen} Two threads read the same old total and the later write erased the earlier one's "
            "addition: reading the total, adding to it and writing it back must happen as one step that no "
            "other thread can enter."
        )
    assert got == want, (
        f"{what}: the shared total is right ({want}) but tally() returned {got}: return the total after every "
        "worker has finished"
    )


def test_one_batch_gives_the_exact_total() -> None:
    rng = random.Random()
    got, want, store, mark = _run(rng, _batches(rng, 1))
    _check_total(got, want, store, mark, "one batch on one thread")


def test_no_update_is_lost_when_threads_add_at_once() -> None:
    rng = random.Random()
    for run in range(1, RUNS + 1):
        batches = _batches(rng, rng.randrange(3, 7))
        got, want, store, mark = _run(rng, batches)
        events = sum(map(len, batches))
        _check_total(got, want, store, mark, f"run {run} of {RUNS} ({len(batches)} threads, {events} events)")


def test_lookups_run_on_one_thread_per_batch_at_the_same_time() -> None:
    rng = random.Random()
    batches = _batches(rng, 4)
    got, want, store, mark = _run(rng, batches)
    _check_total(got, want, store, mark, "4 threads")
    lookups = _calls_since(mark, "weight")
    assert len(lookups) >= sum(map(len, batches)) or len(lookups) >= len(set().union(*batches)), (
        f"weight() was called {len(lookups)} times for {sum(map(len, batches))} events: look up every event"
    )
    threads = defaultdict(int)
    for c in lookups:
        threads[c.thread] += 1
    assert len(threads) >= len(batches), (
        f"weight() was called from {len(threads)} thread(s) for {len(batches)} batches: keep one worker thread "
        "per batch (the task is to make the threads safe, not to remove them)"
    )
    peak = _peak_in_flight(lookups)
    assert peak >= 2, (
        f"the grader never saw two weight() lookups at the same time ({len(lookups)} lookups, one after another): "
        "the threads took turns. A lookup touches nothing shared, so keep it outside the lock; lock only "
        "reading and writing back the total."
    )
