"""Wrong: move the call out of the statement, so `total += w` has no call inside and CPython 3.11-3.13 with the
GIL never happens to switch threads in the middle of it. Still a read-modify-write without a lock: a
free-threaded build loses updates here, and so does any interpreter that switches between those instructions."""

import threading
from collections.abc import Callable

total = 0


def worker(batch: list[int], weight: Callable[[int], int], start: threading.Barrier) -> None:
    global total
    start.wait()  # all workers begin together, like requests arriving in a burst
    for x in batch:
        w = weight(x)
        total += w


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
