"""parallel-primes, host side: call find_primes under a chosen start method (what macOS and Windows always do).

Runs inside the graded process, so nothing it returns is believed on its own: the judge checks the primes
against its own answer and reads who did the work from the OS.
"""

import multiprocessing

import submission


def find_primes_with(method: str, numbers: list[int]) -> list[int]:
    if method in multiprocessing.get_all_start_methods():
        multiprocessing.set_start_method(method, force=True)
    return submission.find_primes(numbers)
