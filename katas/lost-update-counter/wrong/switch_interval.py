"""Wrong: make the interpreter switch threads so rarely that the race seldom shows. It hides the bug on a GIL
build only, slows every other thread's reaction time, and does nothing at all on a free-threaded build."""

import sys
import threading
from collections.abc import Callable

total = 0


def worker(batch: list[int], weight: Callable[[int], int], start: threading.Barrier) -> None:
    global total
    start.wait()
    for x in batch:
        total += weight(x)


def tally(batches: list[list[int]], weight: Callable[[int], int]) -> int:
    global total
    total = 0
    sys.setswitchinterval(10.0)
    start = threading.Barrier(len(batches))
    threads = [threading.Thread(target=worker, args=(batch, weight, start)) for batch in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total
