"""Wrong (here): the whole update, slow lookup included, under one lock. No update is lost, but the threads now
take turns for the lookups too, which touch nothing shared: four threads do the work of one. Lock only what
needs it, reading the total and writing it back."""

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
        with _lock:
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
