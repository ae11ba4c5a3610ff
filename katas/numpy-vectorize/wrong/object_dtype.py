"""Wrong: exact, because an object array holds Python ints, but every operation on it goes through the
interpreter one element at a time: barely faster than the loop."""

import numpy as np


def sum_of_squares(values: np.ndarray) -> int:
    v = values.astype(object)
    return int((v * v).sum())
