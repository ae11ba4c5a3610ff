"""Wrong: the lock guards only the write. Two threads can still read the same old total, and one write wins."""

import threading
from collections.abc import Callable

_lock = threading.Lock()


def worker(
    batch: list[int],
    weight: Callable[[int], int],
    read_total: Callable[[], int],
    write_total: Callable[[int], None],
    start: threading.Barrier,
) -> None:
    start.wait()
    for x in batch:
        new_total = read_total() + weight(x)
        with _lock:
            write_total(new_total)


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
