"""Wrong: starts fetching the next page while the current one is being read ("prefetching"). The consumer
may never need that page, and if it stops early the prefetched page is never closed."""

from __future__ import annotations

import asyncio


async def paginate(fetch_page):
    page = await fetch_page(1)
    while True:
        upcoming = asyncio.create_task(fetch_page(page.next_page)) if page.next_page is not None else None
        async with page:
            for item in page.items:
                yield item
        if upcoming is None:
            return
        page = await upcoming
