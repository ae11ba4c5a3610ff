"""Wrong: the siblings are cancelled by hand, but not awaited: run_jobs returns before their cleanup ran."""

import asyncio
from dataclasses import dataclass


@dataclass
class Summary:
    results: list
    failures: list[str]


async def run_jobs(jobs):
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for t in pending:
        t.cancel()
    errors = [t.exception() for t in done if t.exception() is not None]
    bugs = [e for e in errors if not isinstance(e, ConnectionError)]
    if bugs:
        raise ExceptionGroup("job failures", bugs)
    if errors:
        return Summary([], sorted(str(e) for e in errors))
    return Summary([t.result() for t in tasks], [])
