"""Wrong: asyncio.timeout is right, but catching CancelledError "to be safe" swallows the caller's cancel."""

import asyncio


async def fetch_or_none(fetch, budget):
    try:
        async with asyncio.timeout(budget):
            return await fetch()
    except (TimeoutError, asyncio.CancelledError):
        return None
