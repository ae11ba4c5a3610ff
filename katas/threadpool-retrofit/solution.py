"""Blocking downloads on a thread pool: the threads wait on sockets together (waiting releases the GIL)."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial

# I/O-bound work: the threads spend their time waiting, so more threads than cores is fine. Keep it bounded
# anyway: the server on the other end counts too.
MAX_WORKERS = 8


def download(url: str, timeout: float) -> bytes:
    """One blocking download. Always pass a timeout: without one, a stuck server hangs you forever."""
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read()


def download_all(urls: list[str], timeout: float = 10.0) -> list[bytes]:
    """Return the body of every URL, in the order of `urls`. A failed download raises."""
    # `with` shuts the pool down on the way out (its threads are joined, none is left running).
    with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        # map keeps the order of `urls` and re-raises a worker's exception when its result is reached.
        return list(pool.map(partial(download, timeout=timeout), urls))
