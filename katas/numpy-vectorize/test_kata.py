"""Grading for numpy-vectorize: exact sums of squares (where int64 would wrap), then a speed-up of at least 10x
over the pure-Python loop, measured side by side in the same run.

Exactness comes first: a fast wrong answer is still wrong. The inputs are drawn at random on every run, and the
large range is chosen where the true total is above 2**63 - 1, so a plain int64 sum wraps around.
"""

import random
import statistics

import numpy as np
import submission

from grader import katakit

MAX_VALUE = 2**24  # the task promises 0 <= v < 2**24
SPEEDUP_THRESHOLD = 10.0
TIMING_ROUNDS = 5
TIMING_SIZE = 500_000


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
    before = values.copy()
    got = submission.sum_of_squares(values)
    assert isinstance(got, int) and not isinstance(got, bool) and got == want, (
        f"sum_of_squares({label}) returned {got!r}, expected {want}: {_explain(got, want)}"
    )
    assert np.array_equal(values, before), f"sum_of_squares({label}) changed its input array"


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


def _check_speedup(values: np.ndarray) -> katakit.Timing:
    """Interleave baseline and submission over several rounds; the statistic is the median per-round ratio."""
    want = _exact(values)
    base_times: list[float] = []
    sub_times: list[float] = []
    for r in range(TIMING_ROUNDS):
        runs = [("base", pure_python_baseline), ("sub", submission.sum_of_squares)]
        for kind, fn in runs if r % 2 == 0 else runs[::-1]:  # alternate who goes first
            seconds, result = katakit.timed(lambda fn=fn: fn(values))
            assert result == want, "sum_of_squares() returned a wrong total during the timing rounds"
            (base_times if kind == "base" else sub_times).append(seconds)
    speedup = statistics.median(b / s for b, s in zip(base_times, sub_times, strict=True))
    base, sub = statistics.median(base_times), statistics.median(sub_times)
    what = (
        f"speed-up over the pure-Python loop on {values.size:,} values (median of {TIMING_ROUNDS} rounds: "
        f"loop {base * 1000:.0f} ms, yours {sub * 1000:.1f} ms)"
    )
    timing = katakit.record(
        katakit.Timing(
            name="speed-up vs pure Python",
            what=what,
            measured=speedup,
            baseline=None,
            ratio=None,
            threshold=SPEEDUP_THRESHOLD,
            passed=speedup >= SPEEDUP_THRESHOLD,
            unit="x",
        )
    )
    if not timing.passed:
        raise katakit.TooSlow(
            f"{speedup:.1f}x {what}; at least {SPEEDUP_THRESHOLD:.0f}x is needed. Every value still goes through "
            "the interpreter one at a time (a Python loop, a generator, or an object-dtype array): let NumPy do "
            "the arithmetic on int64 blocks in C, and use Python ints only for the few block totals."
        )
    return timing


def test_at_least_ten_times_faster_than_pure_python() -> None:
    rng = np.random.default_rng()
    _check_speedup(rng.integers(0, MAX_VALUE, size=TIMING_SIZE, dtype=np.int64))
