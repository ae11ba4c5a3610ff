"""Wrong: batches the numbers, but still on threads; the GIL lets one batch run at a time."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor


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


def _primes_in(chunk: list[int]) -> list[int]:
    return [n for n in chunk if is_prime(n)]


def find_primes(numbers: list[int]) -> list[int]:
    workers = os.cpu_count() or 1
    size = max(1, len(numbers) // workers)
    chunks = [numbers[i : i + size] for i in range(0, len(numbers), size)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [p for primes in pool.map(_primes_in, chunks) for p in primes]
