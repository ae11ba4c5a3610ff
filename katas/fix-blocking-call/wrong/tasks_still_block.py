"""Wrong: wraps each call in a task; tasks run on the same loop thread, so the blocking call still blocks it."""

from __future__ import annotations

import asyncio
import time


def blocking_fetch(item_id: int) -> dict:
    """A synchronous client call: blocks the thread that calls it for about 0.2 s."""
    time.sleep(0.2)
    return {"id": item_id, "name": f"item-{item_id}"}


async def fetch_one(item_id: int) -> dict:
    return blocking_fetch(item_id)


async def fetch_all(ids: list[int]) -> list[dict]:
    tasks = [asyncio.create_task(fetch_one(i)) for i in ids]
    return [await t for t in tasks]
