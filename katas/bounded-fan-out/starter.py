"""Fetch many URLs concurrently.

This works, but it fires every request at once: a few hundred URLs means a few hundred requests in flight,
which is how you get rate-limited, exhaust file descriptors or knock over the service you depend on.
Keep the signature; bound the number of requests in flight to `limit`.
"""

import asyncio

import aiohttp


async def fetch_all(urls: list[str], limit: int) -> list[str]:
    """GET every URL and return the response bodies (text), in the order of `urls`.

    At most `limit` requests may be in flight at any moment.
    """
    async with aiohttp.ClientSession() as session:

        async def fetch(url: str) -> str:
            async with session.get(url) as resp:
                resp.raise_for_status()
                return await resp.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
