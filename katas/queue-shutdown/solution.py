"""A pipeline that shuts down cleanly: one sentinel per consumer, and every task awaited before returning.

Runs on Python 3.11+. On 3.13+ `queue.shutdown()` is an alternative to sentinels: `get()` then raises
`asyncio.QueueShutDown` once the queue is empty.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_DONE = object()  # a sentinel no caller can pass as an item


async def process_all(items: Iterable[T], handle: Callable[[T], Awaitable[None]], consumers: int) -> None:
    """Handle every item exactly once, with `consumers` worker tasks reading from one bounded queue.

    Return when every item has been handled and every task this function started has finished.
    """
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=2 * consumers)

    async def producer() -> None:
        for item in items:
            await queue.put(item)
        # One sentinel per consumer: each consumer takes exactly one and stops. A single sentinel would
        # stop one consumer and leave the others blocked in get() forever.
        for _ in range(consumers):
            await queue.put(_DONE)

    async def consumer() -> None:
        while True:
            item = await queue.get()
            if item is _DONE:
                return  # everything before the sentinel has already been taken: nothing is lost
            await handle(item)  # type: ignore[arg-type]

    # The TaskGroup awaits every task before the block ends, so nothing is left pending when we return;
    # if a handler raised, it would cancel the other tasks instead of leaving them blocked.
    async with asyncio.TaskGroup() as tg:
        tg.create_task(producer())
        for _ in range(consumers):
            tg.create_task(consumer())
