"""Wrong: sleeping the whole budget makes every call as slow as the worst case, and cancel() without awaiting
returns before the fetch has cleaned up."""

import asyncio


async def fetch_or_none(fetch, budget):
    task = asyncio.ensure_future(fetch())
    await asyncio.sleep(budget)
    if task.done():
        return task.result()
    task.cancel()
    return None
