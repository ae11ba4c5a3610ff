"""Bounded fan-out: every request waits on one shared semaphore, so at most `limit` are in flight."""

import asyncio

import aiohttp


async def fetch_all(urls: list[str], limit: int) -> list[str]:
    """GET every URL and return the response bodies (text), in the order of `urls`.

    At most `limit` requests may be in flight at any moment.
    """
    # ONE semaphore for the whole call: a semaphore bounds only the tasks that share it.
    sem = asyncio.Semaphore(limit)
    # aiohttp's default connector carries at most 100 connections at once; a limit above that would be
    # silently capped at 100. Size the pool to the limit (the semaphore stays the real bound).
    connector = aiohttp.TCPConnector(limit=limit)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def fetch(url: str) -> str:
            # Wait for a free slot, then request: a new request starts as soon as any other finishes
            # (a sliding window), and the slot is released however the request ends.
            async with sem, session.get(url) as resp:
                resp.raise_for_status()
                return await resp.text()

        # gather returns results in argument order, whatever order the requests finish in.
        return await asyncio.gather(*(fetch(url) for url in urls))
