"""Wrong: a new lock on every iteration. Each thread locks its own fresh lock, so nobody ever waits."""

import threading
from collections.abc import Callable

total = 0


def worker(batch: list[int], weight: Callable[[int], int], start: threading.Barrier) -> None:
    global total
    start.wait()
    for x in batch:
        with threading.Lock():
            total += weight(x)


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
