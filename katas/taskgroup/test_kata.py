"""Grades taskgroup: results in order; on a failure the siblings are cancelled and finish their cleanup before
run_jobs returns; ConnectionErrors (also inside a job's own ExceptionGroup) become a sorted summary; any other
error propagates in an ExceptionGroup.

Your code runs in a process of its own. Every job it receives is a coroutine function of the judge (this
process): each call runs here, so the judge alone knows the plan (which job answers what, which fails, when and
with which exception, all drawn at random) and sees what happens to each job: when it started, whether it really
received CancelledError, and when its `finally` block (which awaits, like closing a connection) was done. The
expected summary is computed here from what the jobs actually did.
"""

import asyncio
import contextlib
import random
import secrets

import submission

from grader import katakit
from grader.judge.client import HostExited

_clock = katakit._perf_counter  # the judge's clock

DEADLINE = 1.5  # the reference returns within ~50 ms; siblings that nobody cancels sleep for 30 s
PROMPT = 1.0  # the siblings must be cancelled within this of the first failure
CONNECTION_ERRORS = [ConnectionError, ConnectionResetError, ConnectionRefusedError, ConnectionAbortedError]
BUGS = [KeyError, IndexError, ZeroDivisionError, AttributeError]


async def _raise(error: BaseException) -> None:
    raise error


async def _own_task_group(error: BaseException) -> None:
    """What a job that runs sub-jobs in a TaskGroup of its own raises when one of them fails."""
    async with asyncio.TaskGroup() as tg:
        tg.create_task(_raise(error))


class Together:
    """Jobs that fail "at once": each waits (up to 0.3 s) until all of them have been called, then all raise in the
    same step of the judge's loop, so their failures reach your code together, as if raised side by side."""

    def __init__(self, n: int) -> None:
        self.n, self.arrived = n, 0
        self.all_here = asyncio.Event()

    async def arrive(self) -> None:
        self.arrived += 1
        if self.arrived >= self.n:
            self.all_here.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.all_here.wait(), 0.3)


class Job:
    """The judge's job: after `delay` s returns a random token or raises its error (delay None: at once)."""

    def __init__(
        self,
        delay: float | None,
        error: BaseException | None = None,
        nested: bool = False,
        together: Together | None = None,
    ) -> None:
        self.delay = delay
        self.together = together
        self.error = error
        self.nested = nested  # the error comes out of the job's own TaskGroup, in an ExceptionGroup
        self.value = secrets.token_hex(4)
        self.cleanup = random.uniform(0.003, 0.008)
        self.calls = 0
        self.started_at: float | None = None
        self.finished_at: float | None = None  # returned its value
        self.raised: BaseException | None = None
        self.raised_at: float | None = None
        self.cancelled_at: float | None = None  # CancelledError reached it
        self.ended_at: float | None = None  # cleanup done, returned or raised

    async def __call__(self) -> str:
        self.calls += 1
        self.started_at = _clock()
        if self.delay is None:  # fails at once, with no cleanup
            try:
                if self.together is not None:
                    await self.together.arrive()
            except asyncio.CancelledError:
                self.cancelled_at = self.ended_at = _clock()
                raise
            self.raised = self.error
            self.raised_at = self.ended_at = _clock()
            raise self.error  # type: ignore[misc]
        try:
            await asyncio.sleep(self.delay)
            if self.error is not None:
                self.raised_at = _clock()
                if self.nested:
                    try:
                        await _own_task_group(self.error)
                    except BaseExceptionGroup as group:
                        self.raised = group
                        raise
                self.raised = self.error
                raise self.error
            self.finished_at = _clock()
            return self.value
        except asyncio.CancelledError:
            self.cancelled_at = _clock()
            raise
        finally:
            await asyncio.sleep(self.cleanup)  # async cleanup
            self.ended_at = _clock()

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.ended_at is None


def _at_once(*errors: BaseException) -> list[Job]:
    together = Together(len(errors))
    return [Job(None, error=e, together=together) for e in errors]


def _slow(n: int) -> list[Job]:
    return [Job(30.0) for _ in range(n)]


def _connection_error(where: str) -> ConnectionError:
    return random.choice(CONNECTION_ERRORS)(f"{where}: connection lost ({secrets.token_hex(3)})")


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


class Run:
    """One call of run_jobs, observed by the judge."""

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self.how = "running"  # then "returned", "raised" or "late" (still running at the deadline)
        self.result: object = None
        self.error: BaseException | None = None
        self.start = self.end = 0.0
        self.sleeping_at_deadline = 0
        self.running_at_end: list[Job] = []
        self.cancelled_at_end: set[int] = set()
        self.cancelled_just_after: set[int] = set()

    async def _call(self) -> None:
        self.start = _clock()
        try:
            self.result = await submission.run_jobs(list(self.jobs))
            self.how = "returned"
        except HostExited:
            raise
        except Exception as exc:  # not BaseException: a CancelledError here is the deadline's
            self.how, self.error = "raised", exc
        finally:
            # In the very step run_jobs ended, before the loop runs anything else: which jobs still run?
            self.end = _clock()
            self.running_at_end = [j for j in self.jobs if j.running]
            self.cancelled_at_end = {id(j) for j in self.jobs if j.cancelled_at is not None}

    async def go(self) -> None:
        task = asyncio.create_task(self._call())
        done, _ = await asyncio.wait({task}, timeout=DEADLINE)
        if not done:
            self.sleeping_at_deadline = sum(1 for j in self.jobs if j.running and j.cancelled_at is None)
            task.cancel()
            await asyncio.wait({task}, timeout=5)
            self.how = "late"
        elif task.exception() is not None:
            raise task.exception()  # HostExited: your code's process is gone
        if self.running_at_end:
            await asyncio.sleep(0.2)  # were they cancelled right after? (cancel() without waiting)
            self.cancelled_just_after = {id(j) for j in self.jobs if j.cancelled_at is not None}


def _run(jobs: list[Job]) -> Run:
    run = Run(jobs)
    asyncio.run(run.go())
    _check_jobs(run)
    return run


def _check_jobs(run: Run) -> None:
    """What the judge saw of the jobs: every job called once; when run_jobs ended, none still running; after a
    failure, every sibling still running cancelled promptly."""
    assert run.how != "late", (
        f"run_jobs had not returned after {DEADLINE} s while {run.sleeping_at_deadline} job(s) were still "
        "sleeping: after a failure, the other jobs must be cancelled, not waited for "
        "(gather(..., return_exceptions=True) waits for every one of them)"
    )
    calls = [j.calls for j in run.jobs]
    assert all(c == 1 for c in calls), f"each job must be called exactly once; the calls per job were {calls}"
    late_cancel = [j for j in run.running_at_end if id(j) in run.cancelled_just_after]
    cleaning = [j for j in late_cancel if id(j) in run.cancelled_at_end]
    assert not cleaning, (
        f"run_jobs came back before {len(cleaning)} cancelled job(s) finished their cleanup: cancel() only "
        "requests cancellation; wait for the jobs to finish (a TaskGroup does it for you)"
    )
    assert not late_cancel, (
        f"run_jobs came back while {len(late_cancel)} job(s) were still running; they were cancelled only "
        "afterwards: cancel() only requests cancellation, wait for the jobs to finish (a TaskGroup does it for you)"
    )
    never = [j for j in run.running_at_end if id(j) not in run.cancelled_just_after]
    assert not never, (
        f"run_jobs came back while {len(never)} job(s) were still running, never cancelled: "
        "gather does not cancel the other awaitables when one fails. A TaskGroup does"
    )
    failed = [j.raised_at for j in run.jobs if j.raised_at is not None]
    if failed:
        first = min(failed)
        slow = [j.cancelled_at - first for j in run.jobs if j.cancelled_at is not None]
        assert not slow or max(slow) < PROMPT, (
            f"a job failed, but its siblings were cancelled only {max(slow):.1f} s later: cancel them at once"
        )


def _summary(run: Run) -> tuple[list, list]:
    result = run.result
    assert hasattr(result, "results") and hasattr(result, "failures"), (
        f"run_jobs must return a Summary (with .results and .failures), got {result!r}"
    )
    return list(result.results), list(result.failures)


def _expect_summary(run: Run) -> None:
    """The ConnectionErrors the jobs really raised (leaves of a job's own ExceptionGroup included) as a summary."""
    raised = [j.raised for j in run.jobs if j.raised is not None]
    failures = sorted(str(leaf) for e in raised for leaf in _leaves(e))
    if isinstance(run.error, BaseExceptionGroup):
        raise AssertionError(
            f"run_jobs raised {run.error!r} for ConnectionErrors it should have handled: a TaskGroup wraps failures "
            "in an ExceptionGroup, which `except ConnectionError` does not match; use `except* ConnectionError`"
        )
    assert run.error is None, f"run_jobs raised {run.error!r}; ConnectionErrors must become a Summary"
    results, got = _summary(run)
    nested = any(isinstance(e, BaseExceptionGroup) for e in raised)
    assert got == failures, (
        f"failures should be {failures} (str() of each ConnectionError, sorted), got {got!r}"
        + (
            ". A job that runs its own TaskGroup fails with an ExceptionGroup: report the ConnectionError inside "
            "it (walk eg.exceptions down to the leaves), not the group"
            if nested
            else ""
        )
    )
    assert results == [], f"results should be [] when a job failed, got {results!r}"


def test_all_jobs_succeed_results_in_order():
    jobs = [Job(random.uniform(0.01, 0.04)) for _ in range(random.randint(5, 8))]
    run = _run(jobs)
    assert run.error is None, f"every job succeeded, yet run_jobs raised {run.error!r}"
    results, failures = _summary(run)
    assert failures == [], f"no job failed, yet failures is {failures!r}"
    assert results == [j.value for j in jobs], (
        f"results must be every job's return value, in the order of `jobs`: expected {[j.value for j in jobs]}, "
        f"got {results!r}"
    )
    first_end = min(j.finished_at or 0.0 for j in jobs)
    later = [j for j in jobs if (j.started_at or 0.0) > first_end]
    assert not later, (
        f"{len(later)} of {len(jobs)} jobs started only after another had finished: run them concurrently"
    )


def test_a_failure_cancels_the_siblings_and_is_summarised():
    failing = Job(random.uniform(0.03, 0.05), error=_connection_error("job"))
    quick = [Job(random.uniform(0.002, 0.006)) for _ in range(2)]
    slow = _slow(random.randint(3, 5))
    jobs = [failing, *quick, *slow]
    random.shuffle(jobs)
    run = _run(jobs)
    assert all(j.cancelled_at is not None for j in slow), (
        "the jobs still running when one failed must be cancelled"
    )
    assert all(j.finished_at is not None for j in quick), "jobs that finish before the failure finish normally"
    _expect_summary(run)


def test_every_connection_error_is_reported():
    jobs = [*_at_once(_connection_error("db"), _connection_error("api")), *_slow(3)]
    random.shuffle(jobs)
    run = _run(jobs)
    _expect_summary(run)


def test_a_connection_error_inside_a_jobs_own_task_group_is_reported():
    nested = Job(random.uniform(0.02, 0.04), error=_connection_error("sub-job"), nested=True)
    jobs = [nested, *_slow(random.randint(2, 4))]
    random.shuffle(jobs)
    run = _run(jobs)
    assert isinstance(nested.raised, BaseExceptionGroup)
    _expect_summary(run)


def test_a_bug_propagates_in_an_exception_group():
    key = f"bug-{secrets.token_hex(3)}"
    bug_type = random.choice(BUGS)
    jobs = [*_at_once(bug_type(key), _connection_error("api")), *_slow(random.randint(2, 4))]
    random.shuffle(jobs)
    run = _run(jobs)
    assert run.error is not None, (
        f"a job raised {bug_type.__name__}({key!r}) (a bug, not a connection problem) but run_jobs returned "
        f"{run.result!r}: handle only ConnectionError (except* ConnectionError) and let everything else propagate"
    )
    assert isinstance(run.error, BaseExceptionGroup), (
        f"run_jobs raised {run.error!r}; it must raise the ExceptionGroup (as the TaskGroup and except* leave it), "
        "not unwrap one of its exceptions: unwrapping loses the others"
    )
    leaves = _leaves(run.error)
    assert [type(e) for e in leaves] == [bug_type] and key in str(leaves[0]), (
        f"the ExceptionGroup should hold exactly the {bug_type.__name__} (the ConnectionError was handled), "
        f"got {leaves!r}"
    )
