"""Host side of fix-blocking-call: code of the kata's that must share the submission's process.

- `install(service)`: replace the submission's `blocking_fetch` with a stand-in that calls the judge's service.
  `service` is a judge callable: each call is a round trip into the judge, which sleeps there and answers, so the
  calling thread blocks exactly as on a real synchronous client call, and the judge sees every call start and end.
- `echo(n)`: answered by a task on the event loop that runs the submission's coroutines: the judge's heartbeat.
- `watch_start()` / `watch_stop()`: the loop's own lag and the line that blocked it (host-side: it may explain or
  fail a verdict, never pass one).
"""

from __future__ import annotations

from typing import Any

import submission

from grader.host.looplag import LoopLag

_watch: LoopLag | None = None


def install(service: Any) -> None:
    def blocking_fetch(item_id: int) -> dict:  # named like the real one, so a blocked-loop report reads naturally
        return service(item_id)

    submission.blocking_fetch = blocking_fetch


async def echo(n: int) -> int:
    return n


async def watch_start() -> None:
    global _watch
    _watch = LoopLag().start()


async def watch_stop() -> dict:
    if _watch is None:
        return {"max_gap": 0.0, "blocker": None}
    return await _watch.stop()
