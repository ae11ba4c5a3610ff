"""Host side of cache-race: each of the judge's concurrent `get` calls becomes a call on a thread of its own here.

The host runs the judge's plain calls one after another on its main thread, which is right for most katas but would
serialise a burst. So the judge sends every client request through `call_in_thread`, awaited on the host's event
loop, and the request runs on a fresh thread, as it would in a server with a thread per request. The judge sends
the requests, times them and checks every value it gets back; nothing this module does is trusted.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from typing import Any

_names = itertools.count(1)


async def call_in_thread(obj: Any, method: str, *args: Any) -> Any:
    """`obj.method(*args)` on a new daemon thread (a stuck call cannot keep the process alive); await its result."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Any] = loop.create_future()

    def settle(ok: bool, value: Any) -> None:
        if not done.done():  # the judge may have given up on this call already (cancelled)
            done.set_result(value) if ok else done.set_exception(value)

    def run() -> None:
        try:
            result = getattr(obj, method)(*args)
        except BaseException as e:  # handed to the judge, which reports it
            loop.call_soon_threadsafe(settle, False, e)
        else:
            loop.call_soon_threadsafe(settle, True, result)

    threading.Thread(target=run, name=f"client-{next(_names)}", daemon=True).start()
    return await done
