"""Wrong: asyncio.to_thread moves the call off the loop's thread but not out of the process: pure-Python work
holds the GIL, so the hashing still shares one interpreter with the event loop (and with every other thread)."""

import asyncio
import hashlib


def digest(data: bytes, rounds: int) -> str:
    h = data
    for _ in range(rounds):
        h = hashlib.sha256(h).digest()
    return h.hex()


class DigestService:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        pass

    async def handle(self, data: bytes, rounds: int) -> str:
        return await asyncio.to_thread(digest, data, rounds)
