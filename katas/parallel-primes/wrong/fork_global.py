"""Wrong: workers read the numbers from a global set at run time. Forked workers inherit it; workers
started with spawn or forkserver re-import this module and see an empty list."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

_numbers: list[int] = []


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


def _primes_between(bounds: tuple[int, int]) -> list[int]:
    lo, hi = bounds
    return [n for n in _numbers[lo:hi] if is_prime(n)]


def find_primes(numbers: list[int]) -> list[int]:
    global _numbers
    _numbers = numbers  # "saves pickling the list": only true when workers are forked after this line
    workers = os.cpu_count() or 1
    size = max(1, len(numbers) // (4 * workers))
    bounds = [(i, i + size) for i in range(0, len(numbers), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [p for primes in pool.map(_primes_between, bounds) for p in primes]
