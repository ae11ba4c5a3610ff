"""Tally weighted events with one thread per batch.

The running total lives in a shared store: read_total() returns it, write_total(value) replaces it. Each worker
looks up weight(x) for every event x of its batch and adds it to the total. The result is often too small: find
out why, and fix it without giving up the threads.
"""

import threading
from collections.abc import Callable


def worker(
    batch: list[int],
    weight: Callable[[int], int],
    read_total: Callable[[], int],
    write_total: Callable[[int], None],
    start: threading.Barrier,
) -> None:
    start.wait()  # all workers begin together, like requests arriving in a burst
    for x in batch:
        write_total(read_total() + weight(x))


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
        t.join()
    return read_total()
