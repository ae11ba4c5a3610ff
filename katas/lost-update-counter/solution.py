"""Tally weighted events with one thread per batch, without losing updates.

`total += weight(x)` reads `total`, calls weight(x), adds, and writes `total` back. The interpreter may switch
threads in the middle (a call is one of the places where it checks), so two threads can read the same old total
and one of the two additions is lost. The GIL does not prevent that: it protects the interpreter's objects, not
your invariants. A lock makes the whole read-modify-write one critical section.
"""

import threading
from collections.abc import Callable

total = 0
_lock = threading.Lock()  # one lock shared by every worker: a lock only excludes threads that use the same one


def worker(batch: list[int], weight: Callable[[int], int], start: threading.Barrier) -> None:
    global total
    start.wait()  # all workers begin together, like requests arriving in a burst
    for x in batch:
        with _lock:  # read, call, add and write back as one step
            total += weight(x)


def tally(batches: list[list[int]], weight: Callable[[int], int]) -> int:
    """Return the sum of weight(x) over every x of every batch, using one thread per batch."""
    global total
    total = 0  # no worker is running yet, so no lock is needed here
    start = threading.Barrier(len(batches))
    threads = [threading.Thread(target=worker, args=(batch, weight, start)) for batch in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # join() also makes every worker's writes visible here
    return total


# An alternative that needs almost no locking and runs faster: each worker sums into a local variable (no other
# thread can see it) and adds its subtotal to the shared total once, under the lock. Shared state touched once per
# thread instead of once per event is the usual cure for lock contention.
