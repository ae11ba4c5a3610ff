"""Give a slow call a time budget.

This home-made timeout cancels the current task when the budget runs out and treats the resulting
CancelledError as "timed out". It passes a quick test, but it also treats *every other* cancellation as a
timeout: when the caller is cancelled (a shutdown, a client that went away, a TaskGroup aborting), this
function swallows it and returns None, and the caller carries on as if nothing happened.
Keep the signature; time out properly.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def fetch_or_none(fetch: Callable[[], Awaitable[T]], budget: float) -> T | None:
    """Return `await fetch()`, or None if it takes longer than `budget` seconds.

    On a timeout the fetch is cancelled and its cleanup has finished before this returns. Exceptions
    raised by the fetch propagate. If the caller is cancelled, the fetch is cancelled too and the
    cancellation propagates.
    """
    me = asyncio.current_task()
    timer = asyncio.get_running_loop().call_later(budget, me.cancel)
    try:
        return await fetch()
    except asyncio.CancelledError:
        return None  # BUG: a cancel from the caller lands here too, and is swallowed
    finally:
        timer.cancel()
