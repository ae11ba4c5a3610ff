"""numpy-vectorize, host side: build the timed arrays here from a seed the judge sends with the call.

The array is made only when the timed call arrives (so nothing can be computed ahead), in the same way the judge
makes its own copy (`arrays` in test_kata.py), which is how the judge knows the exact answer. The judge times the
whole call from outside and checks the total; nothing returned here passes a test on its own.
"""

import numpy as np
import submission

MAX_VALUE = 2**24


def make(seed: int, size: int) -> np.ndarray:
    # A random block of 65,536 values tiled to `size`: made in well under a millisecond, so the timed call is
    # the learner's arithmetic, not the making of its input.
    return np.resize(np.random.default_rng(seed).integers(0, MAX_VALUE, size=1 << 16, dtype=np.int64), size)


def sum_of_made(seed: int, size: int) -> int:
    return submission.sum_of_squares(make(seed, size))


def sum_and_unchanged(values: np.ndarray) -> list:
    before = values.copy()
    got = submission.sum_of_squares(values)
    return [got, bool(np.array_equal(values, before))]
