"""Wrong: exact, and a little tidier than the loop, but still one interpreter step per value."""

import numpy as np


def sum_of_squares(values: np.ndarray) -> int:
    return sum(v * v for v in values.tolist())
