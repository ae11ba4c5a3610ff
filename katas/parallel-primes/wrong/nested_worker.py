"""Wrong: the worker function is defined inside find_primes, so it cannot be pickled to a worker process."""

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


def find_primes(numbers: list[int]) -> list[int]:
    def primes_in(chunk: list[int]) -> list[int]:
        return [n for n in chunk if is_prime(n)]

    workers = os.cpu_count() or 1
    size = max(1, len(numbers) // (4 * workers))
    chunks = [numbers[i : i + size] for i in range(0, len(numbers), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [p for primes in pool.map(primes_in, chunks) for p in primes]
