"""Wrong: queue.join() then cancel() is right, but cancel() is only a request: returning without awaiting
the consumers leaves them pending."""

import asyncio


async def process_all(items, handle, consumers):
    queue = asyncio.Queue(maxsize=2 * consumers)

    async def consumer():
        while True:
            item = await queue.get()
            try:
                await handle(item)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(consumer()) for _ in range(consumers)]
    for item in items:
        await queue.put(item)
    await queue.join()
    for w in workers:
        w.cancel()
