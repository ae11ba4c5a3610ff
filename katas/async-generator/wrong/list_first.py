"""Wrong: an async generator, but it reads every page into a list before yielding the first item."""

from __future__ import annotations


async def paginate(fetch_page):
    items = []
    number = 1
    while number is not None:
        page = await fetch_page(number)
        async with page:
            items.extend(page.items)
            number = page.next_page
    for item in items:  # the consumer waited for every page, and holds them all in memory
        yield item
