"""Grades fix-blocking-call: correct results in order, a responsive event loop, and a sensible total time.

The submission runs in its own process (the host). Its `blocking_fetch` is replaced there by a stand-in that calls
this test's service: the service sleeps like the real client (a different delay per id, so the order of completion
differs from the order of the ids), answers with a fresh token per call (so records cannot be made up), and sees
with its own clock when each call starts and ends. The event loop's responsiveness is a heartbeat probe timed from
here: the test pings a task on the submission's loop every 10 ms, and a blocked loop answers late. The loop's own
lag, measured in the host, only names the blocking line (or fails: it can never pass a submission).
"""

from __future__ import annotations

import asyncio
import random
import secrets
import threading
import time

import submission

from grader import katakit
from grader.judge.heartbeat import Heartbeat

ref = katakit.reference()
_perf_counter = time.perf_counter

# Seconds. A blocked loop answers after hundreds of ms (at least one 0.14 s call), a free one in about 1 ms.
LAG_LIMIT = 0.1
TOTAL_RATIO = 2.0  # the whole fetch may take at most this multiple of the reference's time, measured alongside
FIRST_DELAY = 0.22  # the first id is the slowest, so finishing order never matches the order of the ids
OTHER_DELAYS = [0.14, 0.16, 0.18, 0.20]


class Service:
    """The slow client behind `blocking_fetch`, run by the test: sleeps, answers with a fresh token, and keeps
    when each call started and ended (the judge's own clock)."""

    def __init__(self, ids: list[int]) -> None:
        rest = OTHER_DELAYS[:]
        random.shuffle(rest)
        self.delays = dict(zip(ids, [FIRST_DELAY, *rest], strict=True))
        self.tokens = {i: secrets.token_hex(6) for i in ids}
        self.calls: list[list] = []  # [item_id, start, end] per call, recorded as it starts (end: inf until done)
        self._lock = threading.Lock()

    def blocking_fetch(self, item_id: object) -> dict:
        call = [item_id, _perf_counter(), float("inf")]
        with self._lock:
            self.calls.append(call)
        time.sleep(self.delays.get(item_id, 0.2))
        call[2] = _perf_counter()
        return {
            "id": item_id,
            "name": f"item-{item_id}",
            "token": self.tokens.get(item_id) or secrets.token_hex(6),
        }

    def expected(self, ids: list[int]) -> list[dict]:
        return [{"id": i, "name": f"item-{i}", "token": self.tokens[i]} for i in ids]

    def called(self) -> list[object]:
        return [c[0] for c in self.calls]

    def most_in_flight(self) -> int:
        """The largest number of calls the service was serving at the same moment."""
        edges = sorted([(s, 1) for _, s, _ in self.calls] + [(e, -1) for _, _, e in self.calls])
        now = most = 0
        for _, step in edges:
            now += step
            most = max(most, now)
        return most


def _fresh_ids() -> list[int]:
    return random.sample(range(100, 10_000), 5)


def _require_async_fetch_all() -> None:
    assert "blocking_fetch" in dir(submission), "keep the module-level function blocking_fetch(item_id)"
    kind = getattr(submission.fetch_all, "_kind", None)
    assert kind == "coroutinefunction", (
        "fetch_all must stay an `async def` function: callers await it from their own event loop"
    )


def _install(ids: list[int]) -> Service:
    """A fresh service for these ids, installed as the submission's blocking_fetch (in its process)."""
    svc = Service(ids)
    katakit.driver().install(svc.blocking_fetch)
    return svc


def test_fetch_all_is_a_coroutine_function() -> None:
    _require_async_fetch_all()


def _check_records(results: object, service: Service, ids: list[int]) -> None:
    """One call per id, and exactly the records the service returned, in the order of the ids."""
    assert sorted(map(str, service.called())) == sorted(map(str, ids)), (
        f"blocking_fetch should be called once per id; the service saw calls for {service.called()} (ids: {ids}). "
        "Call the module-level blocking_fetch itself (the tests replace it), once for each id"
    )
    assert isinstance(results, list), f"fetch_all should return a list, got {type(results).__name__}"
    got_ids = [r.get("id") if isinstance(r, dict) else r for r in results]
    expected = service.expected(ids)
    assert got_ids != ids or results == expected, (
        "the ids are in the right order, but the records are not the ones blocking_fetch returned (each carries "
        "a fresh token from the service): return each record exactly as blocking_fetch gave it"
    )
    assert results == expected, (
        f"the records must come back in the order of the ids {ids}; got ids {got_ids}. The calls finish in a "
        "different order than they start: collect results by position (asyncio.gather keeps it), not by completion"
    )


def test_results_in_order() -> None:
    _require_async_fetch_all()
    ids = _fresh_ids()
    service = _install(ids)
    _check_records(asyncio.run(submission.fetch_all(ids)), service, ids)


async def _fetch_under_watch(ids: list[int]) -> tuple[Heartbeat, object, dict]:
    drv = katakit.driver()
    await drv.aio.watch_start()
    try:
        async with Heartbeat(drv.aio.echo) as beat:
            results = await submission.fetch_all(ids)
    finally:
        report = await drv.aio.watch_stop()
    return beat, results, report if isinstance(report, dict) else {}


def test_event_loop_stays_responsive() -> None:
    _require_async_fetch_all()
    ids = _fresh_ids()
    service = _install(ids)
    beat, results, host = asyncio.run(_fetch_under_watch(ids))
    assert not beat.wrong, (
        f"the test's heartbeat was answered with {beat.wrong[0]!r} instead of the number it sent"
    )

    host_gap = host.get("max_gap") if isinstance(host.get("max_gap"), float) else 0.0
    blocker = host.get("blocker") if isinstance(host.get("blocker"), str) else None
    where = f" It was blocked at {blocker}." if blocker else ""
    if blocker and max(beat.worst, host_gap) > LAG_LIMIT:
        katakit.note(f"the event loop was blocked at {blocker}")
    overlap = service.most_in_flight()
    seen = (
        f" The service saw the calls one after another (never more than {overlap} at a time)."
        if overlap < len(ids)
        else ""
    )
    advice = (
        " A blocking call inside a coroutine freezes every task on the loop until it returns (`async def` does not "
        "change that), and so does waiting for a thread's result synchronously: run the call in a worker thread "
        "and await the result"
    )
    try:
        katakit.check_max(
            "loop lag",
            beat.worst,
            threshold=LAG_LIMIT,
            what="slowest answer of your event loop to the test's 10 ms pings during fetch_all",
        )
    except katakit.TooSlow as e:
        raise katakit.TooSlow(f"{e}.{where}{seen}{advice}") from None
    # The loop's own heartbeat, measured in your process, can only fail a submission, never pass one.
    if host_gap > LAG_LIMIT:
        raise katakit.TooSlow(
            f"loop lag: your event loop's own heartbeat stalled for {host_gap * 1000:.0f} ms while fetch_all ran "
            f"(the limit is {LAG_LIMIT * 1000:.0f} ms).{where}{advice}"
        )
    _check_records(results, service, ids)  # a free loop counts only with the real records


async def _timed(coro) -> tuple[float, object]:
    start = _perf_counter()
    result = await coro
    return _perf_counter() - start, result


def _measure_reference() -> float:
    ids = _fresh_ids()
    service = Service(ids)
    ref.blocking_fetch = service.blocking_fetch  # the reference runs here, in the judge, on the same service
    return asyncio.run(_timed(ref.fetch_all(ids)))[0]


def _measure_submission() -> tuple[float, Service]:
    ids = _fresh_ids()
    service = _install(ids)
    took, results = asyncio.run(_timed(submission.fetch_all(ids)))
    _check_records(results, service, ids)
    return took, service


def test_total_time_against_reference() -> None:
    _require_async_fetch_all()
    base = _measure_reference()
    took, service = _measure_submission()
    if TOTAL_RATIO * base < took < 3.5 * base:
        # Near the limit: measure once more before judging, so a verdict never hangs on one slow wake-up.
        # (Calls awaited one after another take about 4x the reference here: no need to ask twice.)
        base2 = _measure_reference()
        took2, service2 = _measure_submission()
        if took2 / base2 < took / base:
            base, took, service = base2, took2, service2
    try:
        katakit.check_max(
            "total time",
            took,
            baseline=base,
            threshold=TOTAL_RATIO * base,
            what="time to fetch 5 ids (limit: 2x the reference's time)",
        )
    except katakit.TooSlow as e:
        overlap = service.most_in_flight()
        raise katakit.TooSlow(
            f"{e}. The service saw at most {overlap} call(s) at a time. Calls awaited one after another add their "
            "delays up: start them all, then wait for all of them (asyncio.gather)"
        ) from None
