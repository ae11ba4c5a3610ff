"""Wrong: a lambda cannot be pickled, so it cannot be sent to a worker process."""

import asyncio
import hashlib
from concurrent.futures import ProcessPoolExecutor


def digest(data: bytes, rounds: int) -> str:
    h = data
    for _ in range(rounds):
        h = hashlib.sha256(h).digest()
    return h.hex()


class DigestService:
    async def __aenter__(self):
        self._pool = ProcessPoolExecutor()
        return self

    async def __aexit__(self, *exc):
        self._pool.shutdown()

    async def handle(self, data: bytes, rounds: int) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: digest(data, rounds))
