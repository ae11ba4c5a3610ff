"""TaskGroup + except*: a failure cancels the siblings, and only the errors we expect become a summary."""

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any


@dataclass
class Summary:
    results: list  # every job's result, in job order, when all succeeded; [] otherwise
    failures: list[str]  # str() of each ConnectionError raised, sorted; [] when all succeeded


def _leaves(exc: BaseException) -> list[BaseException]:
    """The exceptions themselves, out of any nesting of groups."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


# Coroutine, not Awaitable: TaskGroup.create_task (like asyncio.create_task) takes a coroutine.
async def run_jobs(jobs: list[Callable[[], Coroutine[Any, Any, object]]]) -> Summary:
    """Run every job (`await job()`) concurrently.

    - All succeed: return Summary(results in job order, []).
    - A job fails: cancel every job still running, and return only once they have all finished.
      If every failure is a ConnectionError, return Summary([], sorted(str(e) for each ConnectionError)),
      counting the ConnectionError inside a job's own ExceptionGroup (a job with a TaskGroup of its own).
      Any other exception is a bug: it propagates in an ExceptionGroup (the ConnectionErrors, handled,
      are not in it).
    """
    failures: list[str] = []
    try:
        # When a task fails, the group cancels the others and waits for all of them (their cleanup
        # included) before leaving the block; then it raises an ExceptionGroup of every failure.
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except* ConnectionError as group:
        # Only the ConnectionErrors land here; any other exception in the group is re-raised
        # automatically, in an ExceptionGroup of its own. `return` is not allowed inside except*.
        # A job that runs its own TaskGroup fails with an ExceptionGroup: except* keeps that nesting, so
        # group.exceptions may hold a group; what we report is the ConnectionError inside it.
        failures = sorted(str(exc) for exc in _leaves(group))
    if failures:
        return Summary([], failures)
    return Summary([task.result() for task in tasks], [])
