"""Wrong: the TaskGroup cancels the siblings, but its ExceptionGroup is never handled: `except ConnectionError`
does not match an ExceptionGroup that contains one."""

import asyncio
from dataclasses import dataclass


@dataclass
class Summary:
    results: list
    failures: list[str]


async def run_jobs(jobs):
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except ConnectionError as exc:
        return Summary([], [str(exc)])
    return Summary([t.result() for t in tasks], [])
