"""Grades taskgroup: results in order; on a failure the siblings are cancelled and finish their cleanup before
run_jobs returns; ConnectionErrors become a sorted summary; any other error propagates in an ExceptionGroup.

Every job is a fake that records whether it finished, saw a CancelledError, and ran its `finally` block to the
end (the block awaits, like closing a connection). run_jobs is awaited under asyncio.timeout, and right after
it returns or raises, with no chance for the loop to run anything else, no job may still be pending.
"""

import asyncio
import random
import secrets

import submission

DEADLINE = 1.5  # the reference returns within ~50 ms; siblings that nobody cancels sleep for 30 s


class Job:
    """An async callable: after `delay` seconds returns `value` or raises `error` (delay None: raise at once)."""

    def __init__(self, delay: float | None, value: object = None, error: BaseException | None = None) -> None:
        self.delay = delay
        self.value = value
        self.error = error
        self.started = False
        self.finished = False
        self.cancelled = False
        self.cleaned_up = False

    async def __call__(self) -> object:
        self.started = True
        if self.delay is None:
            raise self.error  # fails in its first step, before any await
        try:
            await asyncio.sleep(self.delay)
            if self.error is not None:
                raise self.error
            self.finished = True
            return self.value
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        finally:
            await asyncio.sleep(0.005)  # async cleanup
            self.cleaned_up = True


def _slow(n: int) -> list[Job]:
    return [Job(30.0, value=i) for i in range(n)]


def _still_running(jobs: list[Job]) -> list[Job]:
    return [j for j in jobs if j.started and not (j.finished or j.cancelled or j.error)]


async def _run(jobs: list[Job]) -> tuple[object, BaseException | None]:
    """Await run_jobs under a deadline; return (result, exception) and check nothing was left pending."""
    me = asyncio.current_task()
    result: object = None
    error: BaseException | None = None
    sleeping: list[int] = []
    # Just before the timeout cancels everything, count the jobs nobody has cancelled.
    snapshot = asyncio.get_running_loop().call_later(DEADLINE, lambda: sleeping.append(len(_still_running(jobs))))
    try:
        async with asyncio.timeout(DEADLINE + 0.01):
            try:
                result = await submission.run_jobs(list(jobs))
            except Exception as exc:  # not BaseException: a CancelledError here is the deadline's
                error = exc
            # At once, without yielding to the loop: whatever is pending now was left running.
            left = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
    except TimeoutError:
        raise AssertionError(
            f"run_jobs had not returned after {DEADLINE} s while {sleeping[0] if sleeping else '?'} job(s) "
            "were still sleeping: after a failure, the other jobs must be cancelled, not waited for "
            "(gather(..., return_exceptions=True) waits for every one of them)"
        ) from None
    finally:
        snapshot.cancel()
    # Cancel requested (Task.cancelling() > 0) but not yet delivered, or delivered but cleanup unfinished.
    unfinished = [t for t in left if t.cancelling()] or [j for j in jobs if j.cancelled and not j.cleaned_up]
    assert not unfinished, (
        f"run_jobs came back before {len(unfinished)} cancelled job(s) finished their cleanup: cancel() only "
        "requests cancellation; wait for the jobs to finish (a TaskGroup does it for you)"
    )
    running = _still_running(jobs)
    assert not running and not left, (
        f"run_jobs came back while {max(len(running), len(left))} job(s) were still running, never cancelled: "
        "gather does not cancel the other awaitables when one fails. A TaskGroup does"
    )
    return result, error


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    out: list[BaseException] = []
    for exc in group.exceptions:
        out.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return out


def _summary(result: object) -> tuple[object, object]:
    assert hasattr(result, "results") and hasattr(result, "failures"), (
        f"run_jobs must return a Summary (with .results and .failures), got {result!r}"
    )
    return result.results, result.failures


def _expect_summary(result: object, error: BaseException | None, failures: list[str]) -> None:
    if isinstance(error, BaseExceptionGroup):
        raise AssertionError(
            f"run_jobs raised {error!r} for ConnectionErrors it should have handled: a TaskGroup wraps failures in "
            "an ExceptionGroup, which `except ConnectionError` does not match; use `except* ConnectionError`"
        )
    assert error is None, f"run_jobs raised {error!r}; ConnectionErrors must become a Summary"
    results, got = _summary(result)
    assert list(got) == failures, (
        f"failures should be {failures} (str() of each ConnectionError, sorted), got {got!r}"
    )
    assert list(results) == [], f"results should be [] when a job failed, got {results!r}"


def test_all_jobs_succeed_results_in_order():
    values = [secrets.token_hex(4) for _ in range(random.randint(5, 8))]
    jobs = [Job(random.uniform(0.005, 0.04), value=v) for v in values]
    result, error = asyncio.run(_run(jobs))
    assert error is None, f"every job succeeded, yet run_jobs raised {error!r}"
    results, failures = _summary(result)
    assert list(failures) == [], f"no job failed, yet failures is {failures!r}"
    assert list(results) == values, "results must be every job's return value, in the order of `jobs`"


def test_a_failure_cancels_the_siblings_and_is_summarised():
    message = f"job 3: connection reset by peer ({secrets.token_hex(3)})"
    failing = Job(0.03, error=ConnectionResetError(message))  # a subclass of ConnectionError
    quick = [Job(0.005, value="quick"), Job(0.005, value="quick")]
    jobs = [*_slow(3), failing, *quick, *_slow(2)]
    result, error = asyncio.run(_run(jobs))
    slow = [j for j in jobs if j.delay == 30.0]
    assert all(j.cancelled for j in slow), "the jobs still running when one failed must be cancelled"
    assert all(j.finished and not j.cancelled for j in quick), (
        "jobs that finished before the failure finish normally"
    )
    _expect_summary(result, error, [message])


def test_every_connection_error_is_reported():
    token = secrets.token_hex(3)
    messages = [f"db: refused ({token})", f"api: reset ({token})"]
    refused, reset = ConnectionRefusedError(messages[0]), ConnectionError(messages[1])
    jobs = [*_slow(2), Job(None, error=refused), *_slow(1), Job(None, error=reset), *_slow(1)]
    result, error = asyncio.run(_run(jobs))
    _expect_summary(result, error, sorted(messages))


def test_a_bug_propagates_in_an_exception_group():
    key = f"missing-{secrets.token_hex(3)}"
    bug, handled = Job(None, error=KeyError(key)), Job(None, error=ConnectionError("api: reset"))
    jobs = [*_slow(2), handled, bug, *_slow(2)]
    result, error = asyncio.run(_run(jobs))
    assert error is not None, (
        f"a job raised KeyError({key!r}) (a bug, not a connection problem) but run_jobs returned {result!r}: "
        "handle only ConnectionError (except* ConnectionError) and let everything else propagate"
    )
    assert isinstance(error, BaseExceptionGroup), (
        f"run_jobs raised {error!r}; it must raise the ExceptionGroup (as the TaskGroup and except* leave it), "
        "not unwrap one of its exceptions: unwrapping loses the others"
    )
    leaves = _leaves(error)
    assert [type(e) for e in leaves] == [KeyError] and leaves[0].args == (key,), (
        f"the ExceptionGroup should hold exactly the KeyError (the ConnectionError was handled), got {leaves!r}"
    )
