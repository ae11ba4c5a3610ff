"""Wrong: move the slow lookup out of the update, so that nothing slow sits between reading the total and
writing it back. The window is shorter, but reading and writing are still two separate steps with no lock: a
thread that reads between another thread's read and write still erases an update, just less often. (The same
goes for `total += w` on a plain variable: atomic by luck on CPython with the GIL today, a lost update on a
free-threaded build.)"""

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
        w = weight(x)
        write_total(read_total() + w)


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
