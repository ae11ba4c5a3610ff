"""Wrong: each call runs in a thread (the loop stays free), but they are awaited one after another."""

from __future__ import annotations

import asyncio
import time


def blocking_fetch(item_id: int) -> dict:
    """A synchronous client call: blocks the thread that calls it for about 0.2 s."""
    time.sleep(0.2)
    return {"id": item_id, "name": f"item-{item_id}"}


async def fetch_all(ids: list[int]) -> list[dict]:
    results = []
    for i in ids:
        results.append(await asyncio.to_thread(blocking_fetch, i))  # waits for this call before starting the next
    return results
