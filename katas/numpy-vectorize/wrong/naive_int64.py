"""Wrong: fast, but NumPy sums in int64 and wraps around silently once the total passes 2**63 - 1."""

import numpy as np


def sum_of_squares(values: np.ndarray) -> int:
    return int((values**2).sum())
