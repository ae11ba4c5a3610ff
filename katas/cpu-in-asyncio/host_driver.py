"""Host side of cpu-in-asyncio: code of the kata's that must share the submission's process.

- `enter()` / `handle(data, rounds)` / `leave()`: what `async with DigestService() as service: await
  service.handle(...)` does, one step per judge request, so the judge sends the requests, concurrently, and times
  each. Process pools start with "spawn" here, whatever the platform's default.
- `echo(n)`: answered by a task on the event loop that runs the service: the judge's heartbeat.
- `watch_start()` / `watch_stop()`: the loop's own lag and the line that blocked it (host-side: it may explain or
  fail a verdict, never pass one).

What this returns is the host's word; the judge checks every digest itself and reads the CPU times from the OS.
"""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

import submission

from grader.host.looplag import LoopLag

_state: dict[str, Any] = {}


async def enter() -> None:
    multiprocessing.set_start_method("spawn", force=True)
    service = submission.DigestService()
    _state["service"] = service
    entered = await service.__aenter__()  # what `async with ... as entered` binds
    if entered is None:
        raise TypeError(
            "DigestService.__aenter__ returned None: `async with DigestService() as service` binds what __aenter__ "
            "returns, so end it with `return self`"
        )
    _state["entered"] = entered


async def handle(data: bytes, rounds: int) -> str:
    return await _state["entered"].handle(data, rounds)


async def leave() -> None:
    service = _state.pop("service", None)
    _state.pop("entered", None)
    if service is not None:
        await service.__aexit__(None, None, None)


async def echo(n: int) -> int:
    return n


async def loop_thread() -> int:
    """The OS id of the loop's thread, so the judge can read that thread's CPU time (it only explains a verdict)."""
    return threading.get_native_id()


async def watch_start() -> None:
    _state["watch"] = LoopLag().start()


async def watch_stop() -> dict:
    watch = _state.pop("watch", None)
    if watch is None:
        return {"max_gap": 0.0, "blocker": None}
    return await watch.stop()
