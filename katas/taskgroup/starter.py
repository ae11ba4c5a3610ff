"""Run a batch of jobs concurrently and summarise the outcome.

With `gather`, the first failure comes straight out, but the other jobs are NOT cancelled: they keep running
(holding connections, writing files) with nobody waiting for them, and only the first failure is reported.
Keep `Summary` and the signature of `run_jobs`; implement the contract in its docstring.
"""

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any


@dataclass
class Summary:
    results: list  # every job's result, in job order, when all succeeded; [] otherwise
    failures: list[str]  # str() of each ConnectionError raised, sorted; [] when all succeeded


async def run_jobs(jobs: list[Callable[[], Coroutine[Any, Any, object]]]) -> Summary:
    """Run every job (`await job()`) concurrently.

    - All succeed: return Summary(results in job order, []).
    - A job fails: cancel every job still running, and return only once they have all finished.
      If every failure is a ConnectionError, return Summary([], sorted(str(e) for each ConnectionError)),
      counting the ConnectionError inside a job's own ExceptionGroup (a job with a TaskGroup of its own).
      Any other exception is a bug: it propagates in an ExceptionGroup (the ConnectionErrors, handled,
      are not in it).
    """
    try:
        results = await asyncio.gather(*(job() for job in jobs))
    except ConnectionError as exc:
        return Summary([], [str(exc)])
    return Summary(list(results), [])
