"""Grades fix-blocking-call: correct results in order, a responsive event loop, and a sensible total time.

`submission.blocking_fetch` is replaced by an instrumented copy that sleeps like the real one (a different
delay per id, so the order of completion differs from the order of the ids) and records which thread called
it and from where. The ids are drawn at random in each run.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import sys
import threading
from time import sleep  # bound before the submission is imported

import pytest
import submission

from grader import katakit

ref = katakit.reference()

LAG_LIMIT = 0.1  # seconds; a blocked loop shows gaps of hundreds of ms, a free one a few ms
TOTAL_RATIO = 2.0  # the whole fetch may take at most this multiple of the reference's time, measured alongside
FIRST_DELAY = 0.22  # the first id is the slowest, so finishing order never matches the order of the ids
OTHER_DELAYS = [0.14, 0.16, 0.18, 0.20]


class Service:
    """An instrumented `blocking_fetch`: sleeps like the real one and records where each call ran."""

    def __init__(self, ids: list[int]) -> None:
        rest = OTHER_DELAYS[:]
        random.shuffle(rest)
        self.delays = dict(zip(ids, [FIRST_DELAY, *rest], strict=True))
        self.calls: list[int] = []
        self.on_loop: list[str] = []  # where blocking_fetch was called from on the event loop's thread
        self.loop_thread: int | None = None

        def blocking_fetch(item_id: int) -> dict:  # named like the real one, so reports read naturally
            self.calls.append(item_id)
            if threading.get_ident() == self.loop_thread:
                self.on_loop.append(_caller_in_submission(sys._getframe(1)))
            sleep(self.delays.get(item_id, 0.2))
            return {"id": item_id, "name": f"item-{item_id}"}

        self.blocking_fetch = blocking_fetch

    def expected(self, ids: list[int]) -> list[dict]:
        return [{"id": i, "name": f"item-{i}"} for i in ids]


def _caller_in_submission(frame) -> str:
    while frame is not None:
        if frame.f_code.co_filename.endswith("submission.py"):
            return f"submission.py:{frame.f_lineno} in {frame.f_code.co_name}()"
        frame = frame.f_back
    return "a call outside submission.py"


@pytest.fixture
def ids() -> list[int]:
    return random.sample(range(100, 10_000), 5)


@pytest.fixture
def service(ids: list[int], monkeypatch: pytest.MonkeyPatch) -> Service:
    assert hasattr(submission, "blocking_fetch"), "keep the module-level function blocking_fetch(item_id)"
    svc = Service(ids)
    monkeypatch.setattr(submission, "blocking_fetch", svc.blocking_fetch)
    monkeypatch.setattr(ref, "blocking_fetch", svc.blocking_fetch)
    return svc


def _run(coro_fn, svc: Service):
    async def main():
        svc.loop_thread = threading.get_ident()
        return await coro_fn()

    return asyncio.run(main())


def test_fetch_all_is_a_coroutine_function() -> None:
    assert inspect.iscoroutinefunction(submission.fetch_all), (
        "fetch_all must stay an `async def` function: callers await it from their own event loop"
    )


def test_results_in_order(ids: list[int], service: Service) -> None:
    results = _run(lambda: submission.fetch_all(ids), service)
    assert sorted(service.calls) == sorted(ids), (
        f"blocking_fetch should be called once per id; it was called for {service.calls} (ids: {ids}). Call "
        "submission.blocking_fetch itself (the tests instrument it), once for each id"
    )
    assert isinstance(results, list), f"fetch_all should return a list, got {type(results).__name__}"
    assert results == service.expected(ids), (
        f"the records must come back in the order of the ids {ids}; got ids "
        f"{[r.get('id') if isinstance(r, dict) else r for r in results]}. The calls finish in a different order "
        "than they start: collect results by position (asyncio.gather keeps it), not by completion"
    )


def test_event_loop_stays_responsive(ids: list[int], service: Service) -> None:
    async def fetch_under_watch():
        async with katakit.LoopLag() as lag:
            await submission.fetch_all(ids)
        return lag

    lag = _run(fetch_under_watch, service)
    where = lag.blocker or (service.on_loop[0] if service.on_loop else None)
    if lag.max_gap > LAG_LIMIT and where:
        katakit.note(f"the event loop was blocked at {where}")
    try:
        katakit.check_max(
            "loop lag",
            lag.max_gap,
            threshold=LAG_LIMIT,
            what="longest time the event loop could not run a 10 ms heartbeat task",
        )
    except katakit.TooSlow as e:
        blocked = f" It was blocked at {where}." if where else ""
        raise katakit.TooSlow(
            f"{e}.{blocked} A blocking call inside a coroutine freezes every task on the loop until it returns "
            "(`async def` does not change that): run it in a worker thread and await the result"
        ) from None


def test_total_time_against_reference(ids: list[int], service: Service) -> None:
    def measure(fn) -> float:
        return katakit.timed(lambda: _run(lambda: fn(ids), service))[0]

    base = measure(ref.fetch_all)
    took = measure(submission.fetch_all)
    if TOTAL_RATIO * base < took < 3.5 * base:
        # Near the limit: measure once more before judging, so a verdict never hangs on one slow wake-up.
        # (Calls awaited one after another take about 4x the reference here: no need to ask twice.)
        base2 = measure(ref.fetch_all)
        took2 = measure(submission.fetch_all)
        if took2 / base2 < took / base:
            base, took = base2, took2
    try:
        katakit.check_max(
            "total time",
            took,
            baseline=base,
            threshold=TOTAL_RATIO * base,
            what=f"time to fetch {len(ids)} ids (limit: {TOTAL_RATIO:g}x the reference's time)",
        )
    except katakit.TooSlow as e:
        raise katakit.TooSlow(
            f"{e}. Calls awaited one after another add their delays up: start them all, then wait for all "
            "of them (asyncio.gather)"
        ) from None
