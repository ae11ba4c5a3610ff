"""Wrong: the calls run in a thread pool, but future.result() waits for them on the loop's thread."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

_pool = ThreadPoolExecutor(max_workers=8)


def blocking_fetch(item_id: int) -> dict:
    """A synchronous client call: blocks the thread that calls it for about 0.2 s."""
    time.sleep(0.2)
    return {"id": item_id, "name": f"item-{item_id}"}


async def fetch_all(ids: list[int]) -> list[dict]:
    futures = [_pool.submit(blocking_fetch, i) for i in ids]
    return [f.result() for f in futures]  # a concurrent.futures wait: blocks the event loop
