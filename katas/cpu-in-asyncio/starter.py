"""A small asyncio service whose handler does CPU-heavy work.

`digest` is pure Python and takes about 0.1 s per request. Called straight from `handle`, it runs on the event
loop's thread: while one request is being hashed, the whole service is frozen (no other request, no health
check, no timeout fires). Keep `digest` and the interface of `DigestService`; keep the loop responsive.
"""

import hashlib


def digest(data: bytes, rounds: int) -> str:
    """Iterated SHA-256 (a stand-in for password hashing, image resizing, parsing...): CPU-bound, pure Python."""
    h = data
    for _ in range(rounds):
        h = hashlib.sha256(h).digest()
    return h.hex()


class DigestService:
    """Use as `async with DigestService() as service: await service.handle(data, rounds)`."""

    async def __aenter__(self) -> "DigestService":
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass

    async def handle(self, data: bytes, rounds: int) -> str:
        return digest(data, rounds)  # BUG: CPU work on the event loop's thread
