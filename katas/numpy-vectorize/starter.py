"""Sum of squares over a large array of sensor readings: exact, but slow.

Every value passes through the Python interpreter one at a time. Make it fast with NumPy, and keep it exact.
"""

import numpy as np


def sum_of_squares(values: np.ndarray) -> int:
    """Return the exact sum of v*v over a 1-D int64 array whose values lie in [0, 2**24), as a Python int."""
    total = 0
    for v in values.tolist():  # Python ints: exact, but about 50 ns per value
        total += v * v
    return total
