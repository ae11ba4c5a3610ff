"""Wrong: make the interpreter switch threads so rarely that the race seldom shows. A thread that waits for
the store hands over the GIL whatever the switch interval says, so it hides nothing here; elsewhere it slows
every other thread's reaction time, and on a free-threaded build it does nothing at all."""

import sys
import threading
from collections.abc import Callable


def worker(
    batch: list[int],
    weight: Callable[[int], int],
    read_total: Callable[[], int],
    write_total: Callable[[int], None],
    start: threading.Barrier,
) -> None:
    start.wait()
    for x in batch:
        write_total(read_total() + weight(x))


def tally(
    batches: list[list[int]],
    weight: Callable[[int], int],
    read_total: Callable[[], int],
    write_total: Callable[[int], None],
) -> int:
    sys.setswitchinterval(10.0)
    start = threading.Barrier(len(batches))
    threads = [
        threading.Thread(target=worker, args=(batch, weight, read_total, write_total, start)) for batch in batches
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return read_total()
