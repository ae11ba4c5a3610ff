"""Wrong: lazy, in order and tidy, but it waits for each page by running the fetch on a helper thread's own event
loop and blocking until it is done. While a page loads, this event loop can run nothing else: a second consumer
iterating its own listing at the same time stalls."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

_helper = ThreadPoolExecutor(max_workers=1)


async def paginate(fetch_page):
    number = 1
    while number is not None:
        page = _helper.submit(asyncio.run, fetch_page(number)).result()  # blocks the loop until the page is here
        async with page:
            for item in page.items:
                yield item
            number = page.next_page
