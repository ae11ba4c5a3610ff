"""Grading for numpy-vectorize: exact sums of squares (where int64 would wrap), then a speed-up of at least 5x
over the pure-Python loop, measured side by side in the same run, from outside the learner's process.

Exactness comes first: a fast wrong answer is still wrong. The inputs are drawn at random for every call, and the
large range is chosen where the true total is above 2**63 - 1, so a plain int64 sum wraps around. Answers come
back as plain data: a Python int (not a NumPy scalar, not an object that claims to be equal).
For the timed rounds the judge sends only a fresh seed: the learner's process builds the array (the host driver)
and sums it, and the judge builds the same array for the loop and the reference, so both sides pay for making it.
"""

import random

import numpy as np
import submission

from grader import katakit

MAX_VALUE = 2**24  # the task promises 0 <= v < 2**24
SPEEDUP_THRESHOLD = 5.0  # an exact vectorised sum is 8-70x here; anything still looping per value stays near 1x
TIMING_SIZE = 2_000_000

ref = katakit.reference()


def make(seed: int, size: int) -> np.ndarray:
    """The same array the host driver makes from the same seed (host_driver.make)."""
    return np.resize(np.random.default_rng(seed).integers(0, MAX_VALUE, size=1 << 16, dtype=np.int64), size)


def _exact(values: np.ndarray) -> int:
    return sum(v * v for v in values.tolist())


def pure_python_baseline(values: np.ndarray) -> int:
    """The loop the kata starts from: one interpreter step per value."""
    total = 0
    for v in values.tolist():
        total += v * v
    return total


def _explain(got: object, want: int) -> str:
    if not isinstance(got, int) or isinstance(got, bool):
        return f"it returned {type(got).__name__}, not a Python int (an int64 cannot hold totals this large)"
    diff = got - want
    if diff % 2**64 == 0:
        return f"it is off by {diff // 2**64} x 2**64: an int64 sum wrapped around silently"
    if abs(diff) < want * 2**-50:
        return f"it is off by {diff} (a relative error near 2**-53): float64 rounded the total"
    return f"it is off by {diff}"


def _check(values: np.ndarray, want: int, label: str) -> None:
    got = submission.sum_of_squares(values)
    assert type(got) is int and got == want, (
        f"sum_of_squares({label}) returned {got!r}, expected {want}: {_explain(got, want)}"
    )


def test_the_input_array_is_not_changed() -> None:
    values = np.random.default_rng().integers(0, MAX_VALUE, size=50_000, dtype=np.int64)
    got, unchanged = katakit.driver().sum_and_unchanged(values)
    assert type(got) is int and got == _exact(values), (
        f"sum_of_squares returned {got!r}: {_explain(got, _exact(values))}"
    )
    assert unchanged, "sum_of_squares changed its input array: work on a copy, or compute without writing to it"


def test_small_arrays_are_exact() -> None:
    rng = np.random.default_rng()
    _check(np.zeros(0, dtype=np.int64), 0, "an empty array")
    _check(np.array([MAX_VALUE - 1], dtype=np.int64), (MAX_VALUE - 1) ** 2, "[2**24 - 1]")
    for size in (1, 7, 1000, 40_000):
        values = rng.integers(0, MAX_VALUE, size=size, dtype=np.int64)
        _check(values, _exact(values), f"{size} random values")


def test_a_large_range_matches_the_closed_form() -> None:
    n = random.randrange(3_100_000, 4_500_000)
    want = n * (n - 1) * (2 * n - 1) // 6  # sum of i*i for i in range(n)
    assert want > 2**63 - 1  # so an int64 total must wrap: the trap this kata is about
    _check(np.arange(n, dtype=np.int64), want, f"np.arange({n})")


def test_large_random_values_are_exact() -> None:
    rng = np.random.default_rng()
    size = int(rng.integers(300_000, 600_000))
    values = rng.integers(MAX_VALUE // 2, MAX_VALUE, size=size, dtype=np.int64)  # big values: the total > 2**63
    _check(values, _exact(values), f"{size} random values near 2**24")


def test_at_least_five_times_faster_than_pure_python() -> None:
    def serial(seed: int) -> int:
        return pure_python_baseline(make(seed, TIMING_SIZE))

    def reference(seed: int) -> int:
        return ref.sum_of_squares(make(seed, TIMING_SIZE))

    def candidate(seed: int) -> object:
        return katakit.driver().sum_of_made(seed, TIMING_SIZE)

    def check(seed: int, got: object, want: int) -> None:
        assert type(got) is int and got == want, (
            f"during the timed rounds, on fresh values, sum_of_squares returned {got!r}, expected {want}: "
            f"{_explain(got, want)}"
        )

    try:
        katakit.compare_speedup(
            "speed-up vs pure Python",
            make_input=lambda: random.randrange(2**63),
            serial=serial,
            reference=reference,
            candidate=candidate,
            check=check,
            floor=SPEEDUP_THRESHOLD,
            # The kata asks for 5x over the loop, not for the reference's own pace: NumPy's fastest exact
            # route (one dot per block) is ~100x, and an honest 12-bit split or np.einsum is several times
            # slower yet far past 5x. The reference only shows the machine can measure 5x right now.
            share=0.0,
            max_rounds=6,
            what=f"speed-up over the pure-Python loop on {TIMING_SIZE:,} values",
        )
    except katakit.TooSlow as e:
        raise katakit.TooSlow(
            f"{e}. Every value still goes through the interpreter one at a time (a Python loop, a generator, or "
            "an object-dtype array): let NumPy do the arithmetic on int64 blocks in C, and use Python ints only for "
            "the few block totals."
        ) from None
