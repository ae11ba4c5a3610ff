"""Reference: an async generator that fetches one page at a time and always closes it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol


class Page(Protocol):
    items: list[Any]
    next_page: int | None

    async def __aenter__(self) -> Page: ...
    async def __aexit__(self, *exc: object) -> None: ...


async def paginate(fetch_page: Callable[[int], Awaitable[Page]]) -> AsyncIterator[Any]:
    """Every item of every page, in order, fetching each page only when the consumer needs it."""
    number: int | None = 1
    while number is not None:
        # Nothing runs until the consumer asks for an item: the body of an async generator starts at the
        # first __anext__(), and it pauses at each `yield` until the next one. So page N+1 is fetched only
        # after the consumer has taken the last item of page N.
        page = await fetch_page(number)
        # `async with` closes the page however the block is left: after its last item, on an error, or when
        # the consumer stops early (aclose() raises GeneratorExit at the paused `yield`, and only finally
        # blocks and context-manager exits run after that).
        async with page:
            for item in page.items:
                yield item
            number = page.next_page
