"""Wrong: yields to the loop with sleep(0) between calls, but each call still blocks the loop while it runs."""

from __future__ import annotations

import asyncio
import time


def blocking_fetch(item_id: int) -> dict:
    """A synchronous client call: blocks the thread that calls it for about 0.2 s."""
    time.sleep(0.2)
    return {"id": item_id, "name": f"item-{item_id}"}


async def fetch_one(item_id: int) -> dict:
    await asyncio.sleep(0)  # "let the loop breathe" - it does, but only between the blocking calls
    return blocking_fetch(item_id)


async def fetch_all(ids: list[int]) -> list[dict]:
    return await asyncio.gather(*(fetch_one(i) for i in ids))
