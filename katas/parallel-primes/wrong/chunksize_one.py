"""Wrong: processes, but one task per number: pickling and pipe traffic cost more than the checks."""

from __future__ import annotations

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
    with ProcessPoolExecutor() as pool:
        flags = list(pool.map(is_prime, numbers))  # chunksize defaults to 1
    return [n for n, prime in zip(numbers, flags, strict=True) if prime]
