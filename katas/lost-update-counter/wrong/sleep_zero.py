"""Wrong: yield the GIL before each update, hoping to get a fresh time slice for the read-modify-write.

Every call to the store waits with the GIL released, so a fresh time slice protects nothing: another thread runs
between the read and the write anyway.
"""

import threading
import time
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
        time.sleep(0)  # let the others run now, so that we are not interrupted below
        write_total(read_total() + weight(x))


def tally(
    batches: list[list[int]],
    weight: Callable[[int], int],
    read_total: Callable[[], int],
    write_total: Callable[[int], None],
) -> int:
    start = threading.Barrier(len(batches))
    threads = [
        threading.Thread(target=worker, args=(batch, weight, read_total, write_total, start)) for batch in batches
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return read_total()
