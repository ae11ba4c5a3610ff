"""Tally weighted events with one thread per batch, without losing updates.

`write_total(read_total() + weight(x))` reads the total, looks up the weight, and writes the sum back: three
steps. While one thread waits between its read and its write, another thread reads the same old total, and the
second write erases the first one's addition: a lost update. The GIL does not prevent that: every call that
waits (here each call to the store) lets other threads run, and the GIL protects the interpreter's objects, not
your invariants. A lock makes read-add-write one critical section.

The slow lookup stays outside the lock: it touches nothing shared, and holding a lock while waiting for it would
make the threads take turns, which is what they are there to avoid.
"""

import threading
from collections.abc import Callable

_lock = threading.Lock()  # one lock shared by every worker: a lock only excludes threads that use the same one


def worker(
    batch: list[int],
    weight: Callable[[int], int],
    read_total: Callable[[], int],
    write_total: Callable[[int], None],
    start: threading.Barrier,
) -> None:
    start.wait()  # all workers begin together, like requests arriving in a burst
    for x in batch:
        w = weight(x)  # the slow lookup: threads do these at the same time
        with _lock:  # read, add and write back as one step that no other thread can enter
            write_total(read_total() + w)


def tally(
    batches: list[list[int]],
    weight: Callable[[int], int],
    read_total: Callable[[], int],
    write_total: Callable[[int], None],
) -> int:
    """Add weight(x) of every x of every batch to the shared total, one thread per batch; return the new total."""
    start = threading.Barrier(len(batches))
    threads = [
        threading.Thread(target=worker, args=(batch, weight, read_total, write_total, start)) for batch in batches
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # every worker has written its last update
    return read_total()


# An alternative that touches the shared total far less often: each worker sums its batch into a local variable
# (no other thread can see it) and adds the subtotal to the store once, under the lock. Shared state touched once
# per thread instead of once per event is the usual cure for lock contention.
