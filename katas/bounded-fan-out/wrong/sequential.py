"""Wrong: never more than `limit` in flight, trivially: one request at a time (peak concurrency 1)."""

import aiohttp


async def fetch_all(urls: list[str], limit: int) -> list[str]:
    results = []
    async with aiohttp.ClientSession() as session:
        for url in urls:
            async with session.get(url) as resp:
                results.append(await resp.text())
    return results
