"""Stream the items of a paginated async API, one page at a time.

`fetch_page(number)` is a coroutine function: `await fetch_page(1)` returns the first page (numbers start at
1). A page has `items` (a list, possibly empty), `next_page` (the next number, or None on the last page) and
`total_pages`. A page holds a connection until it is closed: `await page.close()`, or `async with page:`.

Rewrite `paginate` as an async generator that yields the items in order, fetches a page only when the consumer
asks for an item beyond the pages fetched so far, closes each page once its items are yielded, and closes the
current page too when the consumer stops early.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class Page:
    """What `fetch_page` returns (the tests use their own, instrumented copy)."""

    def __init__(self, number: int, items: list[Any], next_page: int | None, total_pages: int) -> None:
        self.number = number
        self.items = items
        self.next_page = next_page
        self.total_pages = total_pages
        self.closed = False

    async def close(self) -> None:
        self.closed = True  # a real client would hand its connection back to the pool here

    async def __aenter__(self) -> Page:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def paginate(fetch_page: Callable[[int], Awaitable[Page]]):
    """Every item of every page, in order."""
    items = []
    number = 1
    while number is not None:
        page = await fetch_page(number)
        async with page:
            items.extend(page.items)
            number = page.next_page
    return items  # the caller waits for every page before it sees the first item


async def _demo() -> None:
    data = [["a", "b"], ["c"], [], ["d", "e"]]

    async def fetch_page(number: int) -> Page:
        await asyncio.sleep(0.1)  # a network round trip
        print(f"  fetched page {number}")
        return Page(number, data[number - 1], number + 1 if number < len(data) else None, len(data))

    result = paginate(fetch_page)
    if hasattr(result, "__aiter__"):
        async for item in result:
            print("item", item)
    else:
        print("got everything at once:", await result)


if __name__ == "__main__":
    asyncio.run(_demo())
