"""A producer/consumer pipeline on an asyncio.Queue.

Every item does get handled, but the call never returns: the consumers loop forever on `queue.get()`, so
`gather` waits for them forever. Keep the signature; make the pipeline shut down cleanly.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def process_all(items: Iterable[T], handle: Callable[[T], Awaitable[None]], consumers: int) -> None:
    """Handle every item exactly once, with `consumers` worker tasks reading from one bounded queue.

    Return when every item has been handled and every task this function started has finished.
    """
    queue: asyncio.Queue[T] = asyncio.Queue(maxsize=2 * consumers)  # bounded: the producer waits if needed

    async def producer() -> None:
        for item in items:
            await queue.put(item)

    async def consumer() -> None:
        while True:  # BUG: nothing ever tells a consumer to stop
            item = await queue.get()
            try:
                await handle(item)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consumer()) for _ in range(consumers)]
    await producer()
    await asyncio.gather(*workers)
