"""Wrong: a connector limit bounds only its own session; one session (and connector) per request bounds nothing."""

import asyncio

import aiohttp


async def fetch_all(urls: list[str], limit: int) -> list[str]:
    async def fetch(url: str) -> str:
        connector = aiohttp.TCPConnector(limit=limit)
        async with aiohttp.ClientSession(connector=connector) as session, session.get(url) as resp:
            return await resp.text()

    return await asyncio.gather(*(fetch(url) for url in urls))
