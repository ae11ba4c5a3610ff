"""Wrong: yield the GIL before each update, hoping to get a fresh time slice for the read-modify-write.

It makes the race rarer at the default 5 ms switch interval, but nothing forbids a switch inside the statement.
"""

import threading
import time
from collections.abc import Callable

total = 0


def worker(batch: list[int], weight: Callable[[int], int], start: threading.Barrier) -> None:
    global total
    start.wait()
    for x in batch:
        time.sleep(0)  # let the others run now, so that we are not interrupted below
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
