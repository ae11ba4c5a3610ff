"""Wrong: `except* Exception` turns every error, bugs included, into a summary: a KeyError is hidden."""

import asyncio
from dataclasses import dataclass


@dataclass
class Summary:
    results: list
    failures: list[str]


async def run_jobs(jobs):
    failures = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except* Exception as group:
        failures = sorted(str(e) for e in group.exceptions)
    if failures:
        return Summary([], failures)
    return Summary([t.result() for t in tasks], [])
