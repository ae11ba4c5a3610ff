"""The judge's heartbeat probe: is the host's event loop free while the submission runs? Timed from outside.

The judge pings an echo coroutine of the kata's host driver at a steady pace. Each ping is a task on the host's
event loop (the one that runs the submission's coroutines), so a loop held by a blocking call answers only when it is
free again. The round trips are timed with the judge's clock: nothing in the host can make a late answer look
early (patching `asyncio.sleep`, `time.perf_counter` or the loop's clock there changes no reading taken here).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

_perf_counter = time.perf_counter


class Heartbeat:
    """`async with Heartbeat(driver.aio.echo) as beat: await submission.fetch_all(ids)`; then `beat.worst` is the
    slowest answer in seconds and `beat.count` how many pings were answered."""

    def __init__(self, ping: Callable[[int], Awaitable[Any]], every: float = 0.01) -> None:
        self.ping = ping
        self.every = every
        self.worst = 0.0
        self.count = 0
        self.wrong: list[Any] = []  # answers that were not the number sent (a forged echo)

    async def __aenter__(self) -> Heartbeat:
        await self._one(0)  # the probe works before the call under watch starts (and the host loop is up)
        self.worst = 0.0
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        await self._task  # the ping in flight when the call returned counts too: it may be the late one

    async def _one(self, n: int) -> None:
        start = _perf_counter()
        got = await self.ping(n)
        took = _perf_counter() - start
        if got != n:
            self.wrong.append(got)
        self.worst = max(self.worst, took)
        self.count += 1

    async def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            await self._one(n)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.every)
