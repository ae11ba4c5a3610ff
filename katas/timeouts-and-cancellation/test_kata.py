"""Grades timeouts-and-cancellation: the result or None within the budget, the fetch really cancelled and
cleaned up, a caller's cancel propagated, exceptions propagated, and no task left behind.

The fetch is a fake that records what happened to it: started, cancelled (it saw CancelledError), and cleaned
up (its `finally` block, which itself awaits, like closing a connection, ran to the end).
"""

import asyncio
import random
import secrets

import submission

from grader import katakit


class FakeFetch:
    """An async callable: answers `value` after `delay` seconds, or raises `error`."""

    def __init__(self, delay: float, value: object = None, error: BaseException | None = None) -> None:
        self.delay = delay
        self.value = value
        self.error = error
        self.calls = 0
        self.cancelled = False
        self.cleaned_up = False

    async def __call__(self) -> object:
        self.calls += 1
        try:
            await asyncio.sleep(self.delay)
            if self.error is not None:
                raise self.error
            return self.value
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        finally:
            await asyncio.sleep(0.01)  # async cleanup: closing a connection takes a round trip too
            self.cleaned_up = True


def _describe(task: asyncio.Task) -> str:
    stack = task.get_stack(limit=1)
    where = f" at {stack[-1].f_code.co_filename.rsplit('/', 1)[-1]}:{stack[-1].f_lineno}" if stack else ""
    return f"{task.get_coro().__qualname__}{where}"


def _assert_no_task_left(after: str) -> None:
    """Everything the submission started must be finished by the time it returned or raised."""
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert not left, (
        f"{len(left)} task(s) still pending {after}: {', '.join(_describe(t) for t in left)}. "
        "A task you create and stop waiting for keeps running: cancel it and await it, or (simpler) await the "
        "fetch inline under asyncio.timeout"
    )


def _clock() -> float:
    return katakit._perf_counter()  # bound by the grader before the submission was imported


async def _call(fetch: FakeFetch, budget: float) -> object:
    """Run fetch_or_none in a task of its own, like a real caller would, and give up after 10 s."""
    task = asyncio.create_task(submission.fetch_or_none(fetch, budget))
    done, _ = await asyncio.wait({task}, timeout=10)
    assert done, f"fetch_or_none(fetch, {budget:.2f}) was still running after 10 s"
    return task.result()


def test_a_fast_fetch_returns_its_result_without_waiting_for_the_budget():
    async def scenario() -> None:
        value = secrets.token_hex(8)
        fake = FakeFetch(delay=random.uniform(0.02, 0.05), value=value)
        start = _clock()
        result = await _call(fake, 2.0)
        elapsed = _clock() - start
        assert result == value, f"fetch_or_none returned {result!r}; the fetch answered {value!r} within budget"
        assert fake.calls == 1, f"the fetch was called {fake.calls} times; call it once"
        _assert_no_task_left("after a fetch that finished in time")
        katakit.check_max(
            "fast fetch",
            elapsed,
            threshold=0.5,
            baseline=fake.delay,
            what=f"time to return a fetch that answers in {fake.delay * 1000:.0f} ms, with a 2 s budget",
        )

    asyncio.run(scenario())


def test_a_slow_fetch_is_cancelled_cleaned_up_and_gives_none():
    async def scenario() -> None:
        budget = random.uniform(0.1, 0.2)
        fake = FakeFetch(delay=30.0, value="too late")
        start = _clock()
        result = await _call(fake, budget)
        elapsed = _clock() - start
        assert result is None, (
            f"the fetch needs 30 s and the budget was {budget:.2f} s: expected None, got {result!r}"
        )
        assert fake.cancelled, (
            "fetch_or_none returned None but the fetch never saw a CancelledError: it is still running, orphaned. "
            "A timeout must cancel the work, not just stop waiting for it"
        )
        assert fake.cleaned_up, (
            "fetch_or_none returned before the cancelled fetch finished its cleanup (its `finally` block): "
            "task.cancel() only requests cancellation; the fetch must have finished before you return"
        )
        _assert_no_task_left("after the timeout")
        katakit.check_max(
            "timeout",
            elapsed,
            threshold=budget + 0.3,
            baseline=budget,
            what=f"time until None came back, with a {budget * 1000:.0f} ms budget",
        )

    asyncio.run(scenario())


def test_cancelling_the_caller_propagates_and_cancels_the_fetch():
    async def scenario() -> None:
        fake = FakeFetch(delay=30.0, value="too late")
        caller = asyncio.create_task(submission.fetch_or_none(fake, 10.0))
        await asyncio.sleep(0.05)  # the fetch is under way; now the caller is shut down
        assert fake.calls == 1, "fetch_or_none did not start the fetch within 50 ms"
        caller.cancel()
        done, _ = await asyncio.wait({caller}, timeout=3)
        assert done, "fetch_or_none was cancelled but was still running 3 s later"
        if not caller.cancelled():
            outcome = f"raised {caller.exception()!r}" if caller.exception() else f"returned {caller.result()!r}"
            raise AssertionError(
                f"the caller was cancelled, but fetch_or_none {outcome}: the CancelledError was swallowed. "
                "Only your own timeout may become None; catch TimeoutError, never CancelledError"
            )
        assert fake.cancelled, "the caller was cancelled but the fetch never saw CancelledError"
        assert fake.cleaned_up, "the caller was cancelled before the fetch finished its cleanup"
        _assert_no_task_left("after the caller was cancelled")

    asyncio.run(scenario())


def test_an_error_from_the_fetch_propagates():
    async def scenario() -> None:
        message = f"upstream said no ({secrets.token_hex(4)})"
        fake = FakeFetch(delay=0.01, error=ValueError(message))
        try:
            result = await _call(fake, 2.0)
        except ValueError as exc:
            assert str(exc) == message, f"a different ValueError came out: {exc!r}"
        else:
            raise AssertionError(
                f"the fetch raised ValueError({message!r}) but fetch_or_none returned {result!r}: "
                "only the timeout means None; let other errors propagate"
            )
        _assert_no_task_left("after the fetch raised")

    asyncio.run(scenario())
