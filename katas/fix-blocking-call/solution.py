"""Reference: run each blocking call in a worker thread so the event loop stays free."""

from __future__ import annotations

import asyncio
import time


def blocking_fetch(item_id: int) -> dict:
    """A synchronous client call: blocks the thread that calls it for about 0.2 s."""
    time.sleep(0.2)
    return {"id": item_id, "name": f"item-{item_id}"}


async def fetch_one(item_id: int) -> dict:
    # to_thread hands the call to the loop's default thread pool and gives back something to await.
    # While the worker thread sleeps (time.sleep releases the GIL), the loop keeps running other tasks.
    return await asyncio.to_thread(blocking_fetch, item_id)


async def fetch_all(ids: list[int]) -> list[dict]:
    # gather starts every call before waiting for any, so they overlap; it returns results in the order of
    # its arguments, whatever order they finish in. (The default pool has min(32, CPUs + 4) threads: for
    # hundreds of ids, pass your own ThreadPoolExecutor to run_in_executor, or bound the fan-out.)
    return await asyncio.gather(*(fetch_one(i) for i in ids))
