"""Wrong: a single sentinel stops a single consumer; the others wait in queue.get() forever."""

import asyncio

_DONE = object()


async def process_all(items, handle, consumers):
    queue = asyncio.Queue(maxsize=2 * consumers)

    async def consumer():
        while True:
            item = await queue.get()
            if item is _DONE:
                return
            await handle(item)

    workers = [asyncio.create_task(consumer()) for _ in range(consumers)]
    for item in items:
        await queue.put(item)
    await queue.put(_DONE)
    await asyncio.gather(*workers)
