"""Grades timeouts-and-cancellation: the result or None within the budget, the fetch really cancelled and
cleaned up, a caller's cancel propagated, exceptions propagated, and nothing left running.

Your code runs in a process of its own. The `fetch` it receives is a coroutine function of the judge (this
process): each call runs here, so the judge alone knows its plan (how long it takes, its value, whether it fails,
all drawn at random per call) and sees what happens to it: when it started, whether it really received
CancelledError, and when its `finally` block (which awaits, like closing a connection) was done. Durations are
measured here, around each call, with generous margins.
"""

import asyncio
import random
import secrets

import submission

from grader import katakit
from grader.judge.client import HostExited

_clock = katakit._perf_counter  # the judge's clock, read around each call

BUDGET = (0.6, 1.2)  # every call draws its budget from here, whatever the case: the budget tells nothing
LATE = 0.4  # a value must come back within this of the fetch's own answer
OVERSHOOT = 0.6  # None must come back within this after the budget and the fetch's cleanup
LIMIT = 5.0  # a call still running after this long has hung (the slowest honest one needs about 2 s)


class Fetch:
    """The judge's slow service: answers a random token, fails, or takes 30 s, as planned here."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "in_time", "too_slow", "fails" or "caller_cancels"
        self.delay = random.uniform(0.01, 0.05) if kind in ("in_time", "fails") else 30.0
        self.cleanup = random.uniform(0.02, 0.04)
        self.value = secrets.token_hex(8)
        self.message = f"upstream said no ({secrets.token_hex(4)})"
        self.calls = 0
        self.started = asyncio.Event()
        self.started_at: float | None = None
        self.cancelled_at: float | None = None  # when CancelledError reached it
        self.ended_at: float | None = None  # when its cleanup was done and it returned or raised

    async def __call__(self) -> str:
        self.calls += 1
        self.started_at = _clock()
        self.started.set()
        try:
            await asyncio.sleep(self.delay)
            if self.kind == "fails":
                raise ValueError(self.message)
            return self.value
        except asyncio.CancelledError:
            self.cancelled_at = _clock()
            raise
        finally:
            await asyncio.sleep(self.cleanup)  # async cleanup: closing a connection takes a round trip too
            self.ended_at = _clock()

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.ended_at is None


class Call:
    """One call of fetch_or_none, observed by the judge: how it ended, when, and the fetch's state at that step."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.fetch = Fetch(kind)
        self.budget = random.uniform(*BUDGET)
        self.how = "running"  # then "returned", "raised" or "cancelled"
        self.result: object = None
        self.error: BaseException | None = None
        self.start = self.end = 0.0
        self.cancel_sent: float | None = None
        self.fetch_running_at_end = False
        self.fetch_cancelled_at_end = False

    async def run(self) -> None:
        self.start = _clock()
        try:
            self.result = await submission.fetch_or_none(self.fetch, self.budget)
            self.how = "returned"
        except asyncio.CancelledError:
            self.how = "cancelled"
            raise
        except HostExited:
            raise  # your code's process ended: the verdict is `error`, not a failed comparison
        except Exception as exc:
            self.how, self.error = "raised", exc
        finally:
            # In the very step the call ended, before the loop runs anything else: is the fetch still going?
            self.end = _clock()
            self.fetch_running_at_end = self.fetch.running
            self.fetch_cancelled_at_end = self.fetch.cancelled_at is not None

    async def cancel_soon(self, task: asyncio.Task) -> None:
        """The caller is shut down while the fetch is under way (well before the budget)."""
        await self.fetch.started.wait()
        await asyncio.sleep(random.uniform(0.05, 0.15))
        self.cancel_sent = _clock()
        task.cancel()


async def _run_all(calls: list[Call]) -> None:
    tasks = [asyncio.create_task(c.run()) for c in calls]
    cancellers = [
        asyncio.create_task(c.cancel_soon(t))
        for c, t in zip(calls, tasks, strict=True)
        if c.kind == "caller_cancels"
    ]
    done, pending = await asyncio.wait(tasks, timeout=LIMIT)
    for t in cancellers:
        t.cancel()
    for t in done:
        if not t.cancelled() and t.exception() is not None:
            raise t.exception()  # HostExited: your code's process is gone
    hung = [c for c, t in zip(calls, tasks, strict=True) if t in pending]
    for t in pending:
        t.cancel()
    if hung:
        await asyncio.wait(pending, timeout=3)
    assert not hung, (
        f"fetch_or_none(fetch, {hung[0].budget:.2f}) was still running after {LIMIT:.0f} s "
        f"({hung[0].kind.replace('_', ' ')} case): a fetch that takes 30 s must be cancelled when the budget "
        "runs out (async with asyncio.timeout(budget))"
    )


def _run(calls: list[Call]) -> None:
    asyncio.run(_run_all(calls))


def _check(call: Call) -> None:
    """What each case must look like, from what the judge saw."""
    fetch, budget = call.fetch, call.budget
    ms = f"{budget * 1000:.0f} ms budget"
    assert fetch.calls == 1, f"the fetch was called {fetch.calls} times ({ms}); call it exactly once"
    assert not call.fetch_running_at_end, (
        f"fetch_or_none ended ({call.how}) while the fetch was still "
        + ("cleaning up after its cancellation" if call.fetch_cancelled_at_end else "running, never cancelled")
        + f" ({call.kind.replace('_', ' ')} case, {ms}). Nothing you start may outlive the call: "
        + (
            "task.cancel() only requests cancellation; wait until the fetch has finished"
            if call.fetch_cancelled_at_end
            else "a task you start and stop waiting for keeps running (asyncio.wait(..., timeout=...) only stops "
            "waiting); cancel it and wait for it, or simply await the fetch inline under asyncio.timeout"
        )
    )
    if call.kind == "in_time":
        assert call.how == "returned", (
            f"the fetch answered in time ({ms}), but fetch_or_none {call.how}: {call.error!r}"
        )
        assert call.result == fetch.value, (
            f"the fetch answered {fetch.value!r} within the {ms}, but fetch_or_none returned {call.result!r}"
        )
        assert fetch.cancelled_at is None, f"the fetch answered within the {ms} but was cancelled anyway"
    elif call.kind == "fails":
        assert call.how == "raised", (
            f"the fetch raised ValueError({fetch.message!r}) but fetch_or_none {call.how} {call.result!r}: "
            "only the timeout means None; let other errors propagate"
        )
        assert isinstance(call.error, ValueError) and fetch.message in str(call.error), (
            f"the fetch raised ValueError({fetch.message!r}), but a different exception came out: {call.error!r}"
        )
    elif call.kind == "too_slow":
        assert call.how == "returned" and call.result is None, (
            f"the fetch needs 30 s and the budget was {budget:.2f} s: expected None, but fetch_or_none "
            + (f"returned {call.result!r}" if call.how == "returned" else f"{call.how}: {call.error!r}")
        )
        assert fetch.cancelled_at is not None, (
            "fetch_or_none returned None but the fetch never received CancelledError: it was left running, "
            "orphaned. A timeout must cancel the work, not just stop waiting for it"
        )
        early = budget - (fetch.cancelled_at - call.start)
        assert early < 0.005, (
            f"the fetch was cancelled {early * 1000:.0f} ms before the {ms} was spent: "
            "give the fetch its whole budget (it might have answered in time)"
        )
    elif call.kind == "caller_cancels":
        assert call.cancel_sent is not None and call.end >= call.cancel_sent, (
            f"fetch_or_none {call.how} after {(call.end - call.start) * 1000:.0f} ms, before its "
            f"{budget:.2f} s budget was spent and before the fetch (30 s) had answered: "
            + (f"returned {call.result!r}" if call.how == "returned" else f"{call.how} {call.error!r}")
        )
        assert call.how == "cancelled", (
            "the caller was cancelled, but fetch_or_none "
            + (f"returned {call.result!r}" if call.how == "returned" else f"raised {call.error!r}")
            + ": the CancelledError was swallowed. Only your own timeout may become None; catch TimeoutError, "
            "never CancelledError"
        )
        assert fetch.cancelled_at is not None, (
            "the caller was cancelled but the fetch never received CancelledError"
        )
        assert call.cancel_sent is not None and call.end - call.cancel_sent < 1.5, (
            f"fetch_or_none was cancelled, but ended only {call.end - (call.cancel_sent or call.end):.1f} s later: "
            "a cancelled call must stop promptly"
        )


def test_a_fetch_that_answers_in_time_gives_its_value_at_once():
    calls = [Call("in_time") for _ in range(3)]
    _run(calls)
    for call in calls:
        _check(call)
    slowest = max(calls, key=lambda c: c.end - (c.fetch.ended_at or c.end))
    katakit.check_max(
        "value returned at once",
        slowest.end - (slowest.fetch.ended_at or slowest.end),
        threshold=LATE,
        baseline=slowest.fetch.delay,
        what=f"time from the fetch's answer to fetch_or_none's return, with a {slowest.budget * 1000:.0f} ms "
        "budget (waiting for the budget to run out instead of for the fetch is too late)",
    )


def test_a_slow_fetch_is_cancelled_cleaned_up_and_gives_none():
    calls = [Call("too_slow") for _ in range(3)]
    _run(calls)
    for call in calls:
        _check(call)
    latest = max(calls, key=lambda c: c.end - c.start - c.budget - c.fetch.cleanup)
    katakit.check_max(
        "timeout",
        latest.end - latest.start,
        threshold=latest.budget + latest.fetch.cleanup + OVERSHOOT,
        baseline=latest.budget,
        what=f"time until None came back, with a {latest.budget * 1000:.0f} ms budget and "
        f"{latest.fetch.cleanup * 1000:.0f} ms of cleanup",
    )


def test_cancelling_the_caller_propagates_and_cancels_the_fetch():
    calls = [Call("caller_cancels") for _ in range(2)]
    _run(calls)
    for call in calls:
        _check(call)


def test_an_error_from_the_fetch_propagates():
    calls = [Call("fails") for _ in range(2)]
    _run(calls)
    for call in calls:
        _check(call)


def test_concurrent_calls_with_random_outcomes_are_each_right():
    """Every case at once, in a random order, each call with its own fetch and budget: nothing about one call
    (its budget, its place in the order) tells what its fetch will do."""
    kinds = ["in_time", "too_slow", "fails", "caller_cancels"]
    kinds += random.choices(kinds, k=4)
    random.shuffle(kinds)
    calls = [Call(kind) for kind in kinds]
    _run(calls)
    for call in calls:
        _check(call)
        if call.kind == "in_time":
            late = call.end - (call.fetch.ended_at or call.end)
            assert late < LATE, (
                f"the fetch answered, but fetch_or_none returned {late * 1000:.0f} ms later "
                f"({call.budget * 1000:.0f} ms budget): return the value as soon as it arrives"
            )
        if call.kind == "too_slow":
            over = call.end - call.start - call.budget - call.fetch.cleanup
            assert over < OVERSHOOT, (
                f"None came back {over * 1000:.0f} ms after the {call.budget * 1000:.0f} ms budget and the "
                "fetch's cleanup"
            )
