"""Wrong: reads page 1, then fetches all the other pages at once with gather before yielding anything."""

from __future__ import annotations

import asyncio


async def paginate(fetch_page):
    first = await fetch_page(1)
    rest = await asyncio.gather(*(fetch_page(n) for n in range(2, first.total_pages + 1)))
    for page in [first, *rest]:
        async with page:
            for item in page.items:
                yield item
