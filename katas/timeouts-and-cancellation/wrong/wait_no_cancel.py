"""Wrong: asyncio.wait(timeout=...) stops *waiting* but does not stop the fetch: it keeps running, orphaned."""

import asyncio


async def fetch_or_none(fetch, budget):
    task = asyncio.ensure_future(fetch())
    done, _pending = await asyncio.wait({task}, timeout=budget)
    if task in done:
        return task.result()
    return None
