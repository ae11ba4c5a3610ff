"""Wrong: gather in batches of `limit`. Bounded, but each batch waits for its slowest request before the
next batch starts, so most of the time far fewer than `limit` requests are in flight."""

import asyncio

import aiohttp


async def fetch_all(urls: list[str], limit: int) -> list[str]:
    results: list[str] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as session:

        async def fetch(url: str) -> str:
            async with session.get(url) as resp:
                return await resp.text()

        for start in range(0, len(urls), limit):
            results += await asyncio.gather(*(fetch(url) for url in urls[start : start + limit]))
    return results
