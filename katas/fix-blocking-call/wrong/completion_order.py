"""Wrong: runs the calls in threads concurrently but collects the records in the order they finish."""

from __future__ import annotations

import asyncio
import time


def blocking_fetch(item_id: int) -> dict:
    """A synchronous client call: blocks the thread that calls it for about 0.2 s."""
    time.sleep(0.2)
    return {"id": item_id, "name": f"item-{item_id}"}


async def fetch_all(ids: list[int]) -> list[dict]:
    pending = [asyncio.to_thread(blocking_fetch, i) for i in ids]
    return [await done for done in asyncio.as_completed(pending)]
