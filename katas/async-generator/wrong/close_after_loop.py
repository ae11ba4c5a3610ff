"""Wrong: lazy and in order, but it closes a page only after yielding all its items. When the consumer stops
early, aclose() raises GeneratorExit at the `yield`, and the close below it never runs."""

from __future__ import annotations


async def paginate(fetch_page):
    number = 1
    while number is not None:
        page = await fetch_page(number)
        for item in page.items:
            yield item
        await page.close()
        number = page.next_page
