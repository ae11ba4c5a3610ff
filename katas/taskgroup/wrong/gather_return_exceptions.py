"""Wrong: return_exceptions=True collects every failure, but cancels nothing: it waits for every sibling."""

import asyncio
from dataclasses import dataclass


@dataclass
class Summary:
    results: list
    failures: list[str]


async def run_jobs(jobs):
    outcomes = await asyncio.gather(*(job() for job in jobs), return_exceptions=True)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    bugs = [e for e in errors if not isinstance(e, ConnectionError)]
    if bugs:
        raise ExceptionGroup("job failures", bugs)
    if errors:
        return Summary([], sorted(str(e) for e in errors))
    return Summary(list(outcomes), [])
