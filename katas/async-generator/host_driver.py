"""Host side of async-generator: the Page objects `paginate` expects, built around the judge's paging service.

A page has methods (`close`, `async with`), and methods cannot cross to the judge; so the pages are made here, and
everything they do is a call into the judge: `fetch(number)` returns a page's plain data, `close(handle)` closes
it. The judge records and times each call and each of its own requests for the next item; nothing this module
returns or keeps is trusted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import submission


class Page:
    """What `fetch_page` returns: `items`, `next_page`, `total_pages`; closed by `await page.close()` or `async with`."""

    def __init__(self, number: int, data: dict, close: Callable[[int], Awaitable[None]]) -> None:
        self.number = number
        self.items: list[Any] = list(data["items"])
        self.next_page: int | None = data["next_page"]
        self.total_pages: int = data["total_pages"]
        self.closed = False
        self._handle = data["handle"]
        self._close = close

    async def close(self) -> None:
        if not self.closed:  # closing twice is harmless, as with a real connection
            self.closed = True
            await self._close(self._handle)

    async def __aenter__(self) -> Page:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<Page {self.number} of {self.total_pages}: {len(self.items)} items>"


def paginate(fetch: Callable[[int], Awaitable[dict]], close: Callable[[int], Awaitable[None]]) -> Any:
    """`submission.paginate(fetch_page)`: the async generator object, which the judge then iterates at its pace."""

    async def fetch_page(number: int) -> Page:
        return Page(number, await fetch(number), close)

    return submission.paginate(fetch_page)
