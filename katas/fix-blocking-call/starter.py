"""Fetch records for a list of ids without freezing the event loop.

`blocking_fetch` stands for a synchronous client call you cannot change (think `requests.get`, or a database
driver without async support). Keep it as it is: the tests replace it with an instrumented copy that behaves
the same way. Fix `fetch_one` / `fetch_all` so the event loop stays responsive while the calls run.
"""

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
    """Fetch every id concurrently; return the records in the order of `ids`."""
    return await asyncio.gather(*(fetch_one(i) for i in ids))


async def _demo() -> None:
    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(0.05)
            print("  (the loop is alive)")

    beat = asyncio.create_task(heartbeat())
    start = time.perf_counter()
    records = await fetch_all([1, 2, 3, 4, 5])
    beat.cancel()
    print(f"{len(records)} records in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    asyncio.run(_demo())
