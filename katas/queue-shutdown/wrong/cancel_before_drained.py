"""Wrong: the consumers are cancelled as soon as the producer is done, while items are still queued or
being handled: those items are lost."""

import asyncio


async def process_all(items, handle, consumers):
    queue = asyncio.Queue()

    async def consumer():
        while True:
            item = await queue.get()
            await handle(item)
            queue.task_done()

    workers = [asyncio.create_task(consumer()) for _ in range(consumers)]
    for item in items:
        queue.put_nowait(item)
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
