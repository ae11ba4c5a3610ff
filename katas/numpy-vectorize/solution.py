"""Sum of squares over a large array: vectorized with NumPy, and exact.

`int((values ** 2).sum())` is fast and wrong: NumPy adds int64 numbers in int64 and wraps around silently when
the total passes 2**63 - 1 (no warning, not even with -W error). float64 does not wrap but keeps only 53 bits,
so large totals come back rounded. Python ints never overflow but are slow one by one.

Use each for what it is good at. Every value is below 2**24, so each square is below 2**48 and a block of
2**15 squares adds up to less than 2**63: NumPy can sum a block exactly in int64, in C. Only the few block
totals (one per 32,768 values) become Python ints, whose sum cannot overflow.
"""

import numpy as np

VALUE_BITS = 24  # the task promises 0 <= v < 2**24
CHUNK = 1 << (63 - 2 * VALUE_BITS)  # 2**15 squares below 2**48 sum to less than 2**63: no int64 overflow


def sum_of_squares(values: np.ndarray) -> int:
    """Return the exact sum of v*v over a 1-D int64 array whose values lie in [0, 2**24), as a Python int."""
    v = np.asarray(values, dtype=np.int64)
    # np.dot(c, c) is the sum of squares of one block, computed in C without a temporary array.
    return sum(int(np.dot(v[i : i + CHUNK], v[i : i + CHUNK])) for i in range(0, v.size, CHUNK))
