"""Grading for forgotten-await: every event logged, in order, each step finished before the next, and no
coroutine left un-awaited.

The store is the test's own: an async audit log and an async payment call, each taking a few milliseconds (real
awaits on the event loop). It records what ran, in which order, and whether two of its operations were ever in
progress at the same time.

"coroutine ... was never awaited" is a RuntimeWarning emitted when the unused coroutine object is destroyed,
from a finaliser, so it cannot propagate as an exception. The test turns RuntimeWarning into an error, catches
what the finaliser reports through sys.unraisablehook, runs gc.collect() so nothing escapes, and enables
coroutine origin tracking so the report names the line in submission.py that created the coroutine.
"""

import asyncio
import gc
import random
import re
import sys
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import submission

LOG_S = 0.02
CHARGE_S = 0.005


class Store:
    """The shop's async services, instrumented."""

    def __init__(self, salt: int) -> None:
        self.salt = salt
        self.events: list[str] = []  # the audit log, in the order entries were written
        self.active: list[str] = []  # operations in progress right now
        self.overlaps: list[str] = []

    def receipt(self, order_id: int) -> str:
        return f"R{order_id}-{self.salt}"

    def _begin(self, what: str) -> None:
        if self.active:
            self.overlaps.append(f"{what} started while {self.active[0]} was still in progress")
        self.active.append(what)

    async def log_event(self, text: str) -> None:
        what = f"log_event({text!r})"
        self._begin(what)
        await asyncio.sleep(LOG_S)
        self.events.append(text)
        self.active.remove(what)

    async def charge(self, order_id: int) -> str:
        what = f"charge({order_id})"
        self._begin(what)
        await asyncio.sleep(CHARGE_S)
        self.active.remove(what)
        return self.receipt(order_id)


def _expected_events(store: Store, order_id: int) -> list[str]:
    return [f"order {order_id} received", f"order {order_id} charged {store.receipt(order_id)}"]


def _run_strict(main: Callable[[], Awaitable[Any]]) -> tuple[Any, list[str]]:
    """asyncio.run(main()) with RuntimeWarning as an error; returns its result and what finalisers reported."""
    reported: list[str] = []

    def hook(unraisable: Any) -> None:
        reported.append(f"{type(unraisable.exc_value).__name__}: {unraisable.exc_value}")

    old_hook, old_depth = sys.unraisablehook, sys.get_coroutine_origin_tracking_depth()
    sys.unraisablehook = hook
    sys.set_coroutine_origin_tracking_depth(8)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            result = asyncio.run(main())
            gc.collect()  # a coroutine caught in a reference cycle warns only when the collector frees it
    finally:
        sys.unraisablehook = old_hook
        sys.set_coroutine_origin_tracking_depth(old_depth)
    return result, reported


async def _process_one(order_id: int, store: Store) -> Any:
    try:
        return await submission.process_order(order_id, store)
    except RuntimeError as e:
        raise AssertionError(
            f"process_order({order_id}) raised RuntimeError: {e}. Inside a coroutine the event loop is already "
            "running: await the coroutine instead of starting another loop."
        ) from e


def _process(store: Store, order_ids: list[int]) -> Callable[[], Awaitable[list[Any]]]:
    async def main() -> list[Any]:
        return [await _process_one(order_id, store) for order_id in order_ids]

    return main


def _where(report: str) -> str:
    """'submission.py:LINE' from the 'Coroutine created at' part of a never-awaited report, if present."""
    lines = re.findall(r'File "[^"]*submission\.py", line (\d+)', report)
    return f" (created at submission.py:{lines[-1]})" if lines else ""


def test_every_event_is_logged_in_order() -> None:
    rng = random.Random()
    store = Store(rng.randrange(10**6))
    order_ids = rng.sample(range(1000, 10_000), 3)
    receipts, _ = _run_strict(_process(store, order_ids))
    assert receipts == [store.receipt(i) for i in order_ids], (
        f"process_order() returned {receipts!r}, expected the receipts from store.charge()"
    )
    want = [e for i in order_ids for e in _expected_events(store, i)]
    missing = [e for e in want if e not in store.events]
    assert not missing, (
        f"the audit log is missing {len(missing)} of {len(want)} events, e.g. {missing[0]!r}. Calling an async "
        "function only creates a coroutine object; its body runs when something awaits it."
    )
    assert store.events == want, f"the audit log is out of order: {store.events!r}, expected {want!r}"


def test_no_coroutine_is_left_unawaited() -> None:
    rng = random.Random()
    store = Store(rng.randrange(10**6))
    _, reported = _run_strict(_process(store, rng.sample(range(1000, 10_000), 2)))
    never = [r for r in reported if "never awaited" in r]
    assert not never, (
        f"{never[0].splitlines()[0]}{_where(never[0])}: a coroutine object was created and thrown away "
        "without running. Put `await` in front of the call."
    )
    assert not reported, f"something was reported while finalising objects: {reported[0].splitlines()[0]}"


def test_each_step_finishes_before_the_next_starts() -> None:
    rng = random.Random()
    store = Store(rng.randrange(10**6))
    order_ids = rng.sample(range(1000, 10_000), 3)

    async def main() -> None:
        for order_id in order_ids:
            await _process_one(order_id, store)
            assert not store.active, (
                f"process_order({order_id}) returned while {store.active[0]} was still in progress: it was "
                "started but not awaited, so the caller cannot know it finished (or that it failed)"
            )
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            assert not others, (
                f"process_order({order_id}) returned but left {len(others)} task(s) running in the background"
            )

    _run_strict(main)
    assert not store.overlaps, (
        f"{store.overlaps[0]}. The order must be logged as received before the card is charged, and each log "
        "entry written before the next step: await each call in turn instead of starting it in the background."
    )
