"""Grading for cache-race: bursts of 16 clients ask for the same few keys at the same moment.

compute() is the judge's own function. In your process each call is a round trip to the judge, which sleeps 50 ms
(standing in for a query; the calling thread waits with the GIL released, like real I/O) and counts, in the judge,
how often each key was computed and how many different keys were being computed at the same moment. Each value
holds a random token drawn by the judge for that key, so a value cannot be made up without computing it.

The clients are the judge's too: each `get` is a request from the judge that your process runs on a thread of its
own (host_driver.call_in_thread), so the judge itself times every request and checks every value it gets back.
Counts, not stopwatch times, decide the verdict, so a busy machine cannot change it.
"""

import asyncio
import random
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Hashable
from typing import Any

import submission

from grader import katakit

CLIENTS = 16
KEYS = 6
COMPUTE_S = 0.05
_FRAME = re.compile(r'File "[^"]*submission\.py", line (\d+) in (\w+)')
STUCK_S = 8.0  # a request still unanswered after this long (a burst takes well under a second): a deadlock


class Compute:
    """The expensive function, in the judge: calls per key and the peak number of different keys in flight."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self.calls: Counter[Hashable] = Counter()
        self.active: Counter[Hashable] = Counter()
        self.peak_keys = 0
        self._lock = threading.Lock()  # the judge serves calls on several threads

    def value(self, key: str) -> str:
        return f"{key}={self.tokens[key]}"

    def compute(self, key: Hashable) -> str:
        with self._lock:
            self.calls[key] += 1
            self.active[key] += 1
            self.peak_keys = max(self.peak_keys, sum(1 for n in self.active.values() if n))
        try:
            time.sleep(COMPUTE_S)
            if key not in self.tokens:
                raise KeyError(f"compute({key!r}): no client asked for that key")
            return self.value(key)
        finally:
            with self._lock:
                self.active[key] -= 1


def _keys(rng: random.Random, compute: Compute, n: int) -> list[str]:
    keys = [f"user-{k}" for k in rng.sample(range(10_000, 100_000), n)]
    for key in keys:
        compute.tokens[key] = secrets.token_hex(8)
    return keys


def _burst(memo: Any, keys: list[str]) -> list[list[tuple[str, Any]]]:
    """CLIENTS clients start together; client i asks for every key in turn, starting at key i (mod len(keys))."""
    get = katakit.driver().aio.call_in_thread

    async def client(i: int) -> list[tuple[str, Any]]:
        order = keys[i % len(keys) :] + keys[: i % len(keys)]
        return [(key, await get(memo, "get", key)) for key in order]

    async def everyone() -> list[Any]:
        tasks = [asyncio.ensure_future(client(i)) for i in range(CLIENTS)]
        _, stuck = await asyncio.wait(tasks, timeout=STUCK_S)
        for task in stuck:
            task.cancel()
        if stuck:
            dump = katakit.host().host.dump_stacks()
            # faulthandler's lines: File "/.../submission.py", line 22 in get
            where = [f"  submission.py:{m[1]} in {m[2]}()" for m in _FRAME.finditer(dump)]
            if where:
                katakit.note("Where the stuck clients were:\n" + "\n".join(dict.fromkeys(where)))
        assert not stuck, (
            f"{len(stuck)} of {CLIENTS} clients were still waiting for get() after {STUCK_S:.0f} s: a deadlock? "
            "(a thread waiting for a lock that is never released, or for a value nobody computes)"
        )
        return [task.result() for task in tasks]

    return asyncio.run(everyone())


def _check_values(compute: Compute, results: list[list[tuple[str, Any]]]) -> None:
    for got in results:
        for key, value in got:
            assert value == compute.value(key), (
                f"get({key!r}) returned {value!r}, expected {compute.value(key)!r} (what compute({key!r}) returned)"
            )


def test_one_thread_computes_each_key_once() -> None:
    rng = random.Random()
    compute = Compute()
    memo = submission.Memo(compute.compute)
    keys = _keys(rng, compute, 4)
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
    compute = Compute()
    memo = submission.Memo(compute.compute)
    keys = _keys(rng, compute, KEYS)
    results = _burst(memo, keys)
    _check_values(compute, results)
    total = sum(compute.calls.values())
    worst_key, worst = compute.calls.most_common(1)[0]
    assert total == len(keys), (
        f"{CLIENTS} threads asked for {len(keys)} keys at the same moment and compute() ran {total} times "
        f"instead of {len(keys)} (key {worst_key!r}: {worst} times). Several threads saw the same miss before "
        "any of them stored a value: checking for the key and computing it must be one step per key."
    )


def test_different_keys_are_computed_at_the_same_time() -> None:
    rng = random.Random()
    compute = Compute()
    memo = submission.Memo(compute.compute)
    keys = _keys(rng, compute, KEYS)
    results = _burst(memo, keys)
    _check_values(compute, results)
    assert compute.peak_keys >= 2, (
        f"{CLIENTS} threads asked for {len(keys)} different keys at the same moment, but compute() never ran "
        "for two different keys at once: the computations took turns. A lock held while computing makes every "
        "key wait for every other key (one slow query blocks the whole cache). Only threads asking for the "
        "SAME key should wait for each other."
    )
