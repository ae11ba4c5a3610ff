"""Host side of forgotten-await: the store the submission is given, and a watch for coroutines never awaited.

`make_store(created, log_event, charge)` builds the store `process_order` receives. Its three arguments are the
judge's callables: every use of the store is a round trip into the judge, which keeps the audit log and issues the
receipts. Calling `store.log_event(text)` tells the judge at once that a coroutine was created (and from which line
of submission.py) and returns that coroutine; only when it runs does the judge's log_event run. So the judge itself
sees a coroutine that was created and never awaited: its entry never arrives.

`watch_start()` / `watch_report()`: the "coroutine ... was never awaited" warnings this process emits, with the
line that created each coroutine (host-side: they may explain or fail a verdict, never pass one).
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import sys
import warnings
from typing import Any

import submission  # noqa: F401  (imported first by the host; named here so the dependency is plain)

_never_awaited: list[str] = []
_previous_hook = sys.unraisablehook


def _caller() -> str:
    """The line of submission.py that called the store (or '' if it was not called from there)."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.endswith("submission.py"):
            return f"submission.py:{frame.f_lineno}"
        frame = frame.f_back
    return ""


class Store:
    """The shop's async services, as the submission sees them: `await store.log_event(text)`,
    `receipt = await store.charge(order_id)`."""

    def __init__(self, created: Any, log_event: Any, charge: Any) -> None:
        self._created, self._log_event, self._charge = created, log_event, charge

    def log_event(self, text: str) -> Any:
        ticket = self._created("log_event", text, _caller())  # the judge hears of the coroutine as it is made
        judge = self._log_event

        async def log_event() -> None:
            await judge(ticket, text)

        log_event.__qualname__ = "Store.log_event"
        return log_event()

    def charge(self, order_id: int) -> Any:
        ticket = self._created("charge", order_id, _caller())
        judge = self._charge

        async def charge() -> str:
            return await judge(ticket, order_id)

        charge.__qualname__ = "Store.charge"
        return charge()


if hasattr(inspect, "markcoroutinefunction"):  # 3.12+: iscoroutinefunction(store.log_event) is True, as it reads
    Store.log_event = inspect.markcoroutinefunction(Store.log_event)  # type: ignore[method-assign]
    Store.charge = inspect.markcoroutinefunction(Store.charge)  # type: ignore[method-assign]


def make_store(created: Any, log_event: Any, charge: Any) -> Store:
    return Store(created, log_event, charge)


def _hook(unraisable: Any) -> None:
    text = f"{type(unraisable.exc_value).__name__}: {unraisable.exc_value}"
    if "never awaited" in text:
        _never_awaited.append(text)
    else:
        _previous_hook(unraisable)


async def watch_start() -> None:
    """On the loop's thread (origin tracking is per thread): report never-awaited coroutines with their origin."""
    sys.set_coroutine_origin_tracking_depth(8)
    # As an error, the warning cannot propagate from the finaliser that emits it: it reaches the hook instead,
    # every time (a plain warning would be shown once per line, and only on the output).
    warnings.filterwarnings("error", message=".*was never awaited", category=RuntimeWarning)
    sys.unraisablehook = _hook
    _never_awaited.clear()


async def echo(n: int) -> int:
    """Answered by a task on the loop that runs process_order: the judge pings it while a store call runs."""
    return n


async def tasks_left() -> int:
    """Tasks still pending on the loop, besides this one (host-side: explains or fails, never passes)."""
    return len([t for t in asyncio.all_tasks() if t is not asyncio.current_task()])


def watch_report() -> list[str]:
    gc.collect()  # a coroutine caught in a reference cycle warns only when the collector frees it
    return list(_never_awaited)
