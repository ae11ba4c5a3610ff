"""Wrong: a new Semaphore inside each task bounds nothing (every task has its own, never-contended semaphore)."""

import asyncio

import aiohttp


async def fetch_all(urls: list[str], limit: int) -> list[str]:
    async with aiohttp.ClientSession() as session:

        async def fetch(url: str) -> str:
            sem = asyncio.Semaphore(limit)
            async with sem, session.get(url) as resp:
                return await resp.text()

        return await asyncio.gather(*(fetch(url) for url in urls))
