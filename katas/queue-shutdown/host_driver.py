"""Host side of queue-shutdown: runs `process_all` and, in the very step it returns, lists the tasks it left pending.

Tasks live only in your code's process, so this list is host-side: your code shares the process and could change
what it shows. It may fail a submission or explain a hang, never pass one. Everything else is observed by the
judge: `handle` is the judge's coroutine function, so the judge counts every item handled, how many handlers run
at once, and whether one is still running when `process_all` returns.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import linecache
from typing import Any

import submission

_loop: asyncio.AbstractEventLoop | None = None


def _where(task: asyncio.Task) -> str:
    """`consumer() at submission.py:27: item = await queue.get()`: the deepest frame of the learner's file in the
    task's chain of awaits (Task.get_stack shows only the outermost coroutine)."""
    found = None
    coro: Any = task.get_coro()
    while coro is not None and getattr(coro, "cr_frame", None) is not None:
        frame = coro.cr_frame
        if found is None or frame.f_code.co_filename.endswith("submission.py"):
            found = frame
        coro = coro.cr_await
    if found is None:
        return f"{getattr(task.get_coro(), '__qualname__', 'task')}()"
    filename = found.f_code.co_filename
    line = linecache.getline(filename, found.f_lineno).strip()
    return f"{found.f_code.co_name}() at {filename.rsplit('/', 1)[-1]}:{found.f_lineno}: {line}"


def _summary(tasks: list[asyncio.Task]) -> list[str]:
    counts = collections.Counter(_where(t) for t in tasks)
    return [f"{n} x {w}" if n > 1 else w for w, n in counts.items()]


def _pending_tasks() -> set[asyncio.Task]:
    """Every pending task, from the loop's registry and from the garbage collector's list of objects (a task
    hidden from one, say by replacing asyncio.all_tasks, still shows in the other)."""
    found = {t for t in asyncio.all_tasks() if not t.done()}
    found |= {o for o in gc.get_objects() if isinstance(o, asyncio.Task) and not o.done()}
    return found


async def process_all(items: list[Any], handle: Any, consumers: int) -> list[str]:
    """`await submission.process_all(items, handle, consumers)`; then, without yielding to the loop, where each task
    it started and left pending is waiting."""
    global _loop
    _loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    before = _pending_tasks()
    await submission.process_all(items, handle, consumers)
    left = [t for t in _pending_tasks() if t is not me and t not in before]
    return _summary(left)


def stuck() -> list[str]:
    """Where each pending task of the loop is waiting (asked from another thread while `process_all` hangs)."""
    if _loop is None:
        return []
    for _ in range(5):  # the set of tasks may change while we look: try again
        try:
            tasks = [t for t in asyncio.all_tasks(_loop) if not t.done()]
            return _summary(tasks)
        except RuntimeError:
            continue
    return []
