"""Wrong: float64 never wraps around, but it keeps only 53 bits: a large total comes back rounded."""

import numpy as np


def sum_of_squares(values: np.ndarray) -> int:
    v = values.astype(np.float64)
    return int(np.dot(v, v))
