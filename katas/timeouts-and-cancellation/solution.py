"""A time budget with asyncio.timeout: only our own timeout becomes None; every other cancel propagates."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def fetch_or_none(fetch: Callable[[], Awaitable[T]], budget: float) -> T | None:
    """Return `await fetch()`, or None if it takes longer than `budget` seconds.

    On a timeout the fetch is cancelled and its cleanup has finished before this returns. Exceptions
    raised by the fetch propagate. If the caller is cancelled, the fetch is cancelled too and the
    cancellation propagates.
    """
    try:
        # The fetch runs inline, in our own task: when the budget runs out, asyncio.timeout cancels it,
        # waits while its `finally` blocks run (they are part of this same await), and converts exactly
        # that cancellation into TimeoutError. A cancel that comes from outside passes through unchanged.
        async with asyncio.timeout(budget):
            return await fetch()
    except TimeoutError:
        return None
    # No `except CancelledError` anywhere: cancellation is how asyncio stops work, and it must reach the top.
