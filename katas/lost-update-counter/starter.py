"""Tally weighted events with one thread per batch.

Each worker adds weight(x) for every event x of its batch to a shared total. The result is often too small: find
out why, and fix it without giving up the threads.
"""

import threading
from collections.abc import Callable

total = 0


def worker(batch: list[int], weight: Callable[[int], int], start: threading.Barrier) -> None:
    global total
    start.wait()  # all workers begin together, like requests arriving in a burst
    for x in batch:
        total += weight(x)


def tally(batches: list[list[int]], weight: Callable[[int], int]) -> int:
    """Return the sum of weight(x) over every x of every batch, using one thread per batch."""
    global total
    total = 0
    start = threading.Barrier(len(batches))
    threads = [threading.Thread(target=worker, args=(batch, weight, start)) for batch in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total
