"""Reference: check the numbers in worker processes, in a few large batches."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor


def is_prime(n: int) -> bool:
    """Trial division by 2, 3 and then 6k +- 1 up to the square root of n."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    if n % 3 == 0:
        return n == 3
    i = 5
    while i * i <= n:
        if n % i == 0 or n % (i + 2) == 0:
            return False
        i += 6
    return True


def _usable_cpus() -> int:
    # sched_getaffinity respects the CPUs this process may run on (taskset, cpusets); cpu_count does not. A CPU
    # quota (a container's cpu.max) does not change affinity, so neither sees that.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def find_primes(numbers: list[int]) -> list[int]:
    """The primes among `numbers`, in their original order."""
    # Processes, not threads: each worker has its own interpreter and its own GIL, so pure-Python work
    # really runs on several cores. is_prime is a module-level function, so it pickles by name and workers
    # started with spawn or forkserver (which re-import this module) can find it.
    workers = _usable_cpus()
    # One task per number would cost more in pickling and pipe traffic than the check itself. About four
    # batches per worker keeps that overhead small and still balances the load if some batches are slower.
    chunksize = max(1, len(numbers) // (4 * workers))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        flags = list(pool.map(is_prime, numbers, chunksize=chunksize))
    return [n for n, prime in zip(numbers, flags, strict=True) if prime]
