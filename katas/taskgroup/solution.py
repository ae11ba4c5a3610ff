"""TaskGroup + except*: a failure cancels the siblings, and only the errors we expect become a summary."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class Summary:
    results: list  # every job's result, in job order, when all succeeded; [] otherwise
    failures: list[str]  # str() of each ConnectionError raised, sorted; [] when all succeeded


async def run_jobs(jobs: list[Callable[[], Awaitable[object]]]) -> Summary:
    """Run every job (`await job()`) concurrently.

    - All succeed: return Summary(results in job order, []).
    - A job fails: cancel every job still running, and return only once they have all finished.
      If every failure is a ConnectionError, return Summary([], sorted(str(e) for each ConnectionError)).
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
        failures = sorted(str(exc) for exc in group.exceptions)
    if failures:
        return Summary([], failures)
    return Summary([task.result() for task in tasks], [])
