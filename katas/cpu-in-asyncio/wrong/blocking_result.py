"""Wrong: the work runs in worker processes, but `.result()` waits for it synchronously, on the loop's thread."""

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
        return self._pool.submit(digest, data, rounds).result()
