"""Wrong: drops the pool altogether; correct, but it uses one core."""

from __future__ import annotations


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
    return [n for n in numbers if is_prime(n)]
