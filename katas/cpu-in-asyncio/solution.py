"""CPU-bound work in an asyncio service goes to a process pool: the loop only waits for the result."""

import asyncio
import hashlib
from concurrent.futures import ProcessPoolExecutor


def digest(data: bytes, rounds: int) -> str:
    """Iterated SHA-256 (a stand-in for password hashing, image resizing, parsing...): CPU-bound, pure Python.

    Module-level on purpose: the pool sends it to the workers by pickling its qualified name, which works
    under every start method (fork, spawn, forkserver); a lambda or nested function would not pickle.
    """
    h = data
    for _ in range(rounds):
        h = hashlib.sha256(h).digest()
    return h.hex()


class DigestService:
    """Use as `async with DigestService() as service: await service.handle(data, rounds)`."""

    async def __aenter__(self) -> "DigestService":
        # One pool for the service's lifetime: starting worker processes per request would cost more than
        # the work. Pure-Python CPU work needs processes: threads would share one GIL with the event loop.
        self._pool = ProcessPoolExecutor()
        return self

    async def __aexit__(self, *exc: object) -> None:
        # shutdown() waits for the workers to exit; do that waiting in a thread, not on the loop.
        await asyncio.to_thread(self._pool.shutdown)

    async def handle(self, data: bytes, rounds: int) -> str:
        loop = asyncio.get_running_loop()
        # Arguments and the result are pickled across the process boundary: keep them small.
        return await loop.run_in_executor(self._pool, digest, data, rounds)
