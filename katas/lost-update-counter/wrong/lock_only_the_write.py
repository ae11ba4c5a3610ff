"""Wrong: the lock guards only the write. Two threads can still read the same old total, and one write wins."""

import threading
from collections.abc import Callable

total = 0
_lock = threading.Lock()


def worker(batch: list[int], weight: Callable[[int], int], start: threading.Barrier) -> None:
    global total
    start.wait()
    for x in batch:
        new_total = total + weight(x)
        with _lock:
            total = new_total


def tally(batches: list[list[int]], weight: Callable[[int], int]) -> int:
    global total
    total = 0
    start = threading.Barrier(len(batches))
    threads = [threading.Thread(target=worker, args=(batch, weight, start)) for batch in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total
