"""Wrong: a new lock on every iteration. Each thread locks its own fresh lock, so nobody ever waits."""

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
        with threading.Lock():
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
