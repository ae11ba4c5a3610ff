"""Grading for cache-race: a burst of 16 threads asks for the same few keys at the same moment.

compute() is supplied by the test. It sleeps 50 ms (standing in for a query or a remote call, which releases the
GIL) and counts, under its own lock, how often each key was computed and how many different keys were being
computed at the same moment. Those counts are structural facts, not wall-clock timings, so the verdict does
not depend on how busy the machine is.
"""

import random
import threading
import time
from collections import Counter
from collections.abc import Hashable
from typing import Any

import submission

THREADS = 16
COMPUTE_S = 0.05
JOIN_TIMEOUT_S = 20.0


class Compute:
    """The expensive function: records calls per key and the peak number of different keys in flight."""

    def __init__(self, salt: int) -> None:
        self.salt = salt
        self.calls: Counter[Hashable] = Counter()
        self.active: Counter[Hashable] = Counter()
        self.peak_keys = 0
        self._lock = threading.Lock()

    def value(self, key: Hashable) -> tuple[str, Hashable, int]:
        return ("value", key, self.salt)

    def __call__(self, key: Hashable) -> tuple[str, Hashable, int]:
        with self._lock:
            self.calls[key] += 1
            self.active[key] += 1
            self.peak_keys = max(self.peak_keys, sum(1 for n in self.active.values() if n))
        time.sleep(COMPUTE_S)
        with self._lock:
            self.active[key] -= 1
        return self.value(key)


def _keys(rng: random.Random, n: int) -> list[str]:
    return [f"user-{k}" for k in rng.sample(range(10_000, 100_000), n)]


def _burst(memo: Any, keys: list[str]) -> list[list[tuple[str, Any]]]:
    """THREADS clients, released together; client i asks for every key, starting at key i (mod len(keys))."""
    start = threading.Barrier(THREADS)
    results: list[list[tuple[str, Any]]] = [[] for _ in range(THREADS)]
    errors: list[str] = []

    def client(i: int) -> None:
        order = keys[i % len(keys) :] + keys[: i % len(keys)]
        start.wait()
        try:
            results[i] = [(k, memo.get(k)) for k in order]
        except Exception as e:
            errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + JOIN_TIMEOUT_S
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    stuck = sum(t.is_alive() for t in threads)
    assert not stuck, (
        f"{stuck} of {THREADS} threads were still inside get() after {JOIN_TIMEOUT_S:.0f} s: a deadlock?"
    )
    assert not errors, f"get() raised in a client thread: {errors[0]}"
    return results


def _check_values(compute: Compute, results: list[list[tuple[str, Any]]]) -> None:
    for got in results:
        for key, value in got:
            assert value == compute.value(key), f"get({key!r}) returned {value!r}, expected {compute.value(key)!r}"


def test_one_thread_computes_each_key_once() -> None:
    rng = random.Random()
    compute = Compute(rng.randrange(10**9))
    memo = submission.Memo(compute)
    keys = _keys(rng, 4)
    asks = keys * 3
    rng.shuffle(asks)
    for key in asks:
        value = memo.get(key)
        assert value == compute.value(key), f"get({key!r}) returned {value!r}, expected {compute.value(key)!r}"
    repeated = {k: n for k, n in compute.calls.items() if n > 1}
    assert not repeated, (
        f"with a single thread, compute() ran more than once for {len(repeated)} key(s) "
        f"(e.g. {next(iter(repeated))!r}: {max(repeated.values())} times): the value is not being reused"
    )


def test_a_burst_computes_each_key_once() -> None:
    rng = random.Random()
    compute = Compute(rng.randrange(10**9))
    memo = submission.Memo(compute)
    keys = _keys(rng, 6)
    results = _burst(memo, keys)
    _check_values(compute, results)
    total = sum(compute.calls.values())
    worst_key, worst = compute.calls.most_common(1)[0]
    assert total == len(keys), (
        f"{THREADS} threads asked for {len(keys)} keys at the same moment and compute() ran {total} times "
        f"instead of {len(keys)} (key {worst_key!r}: {worst} times). Several threads saw the same miss before "
        "any of them stored a value: checking for the key and computing it must be one step per key."
    )


def test_different_keys_are_computed_at_the_same_time() -> None:
    rng = random.Random()
    compute = Compute(rng.randrange(10**9))
    memo = submission.Memo(compute)
    keys = _keys(rng, 6)
    results = _burst(memo, keys)
    _check_values(compute, results)
    assert compute.peak_keys >= 2, (
        f"{THREADS} threads asked for {len(keys)} different keys at the same moment, but compute() never ran "
        "for two different keys at once: the computations took turns. A lock held while computing makes every "
        "key wait for every other key (one slow query blocks the whole cache). Only threads asking for the "
        "SAME key should wait for each other."
    )
