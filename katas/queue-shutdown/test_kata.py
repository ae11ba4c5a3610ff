"""Grades queue-shutdown: every item handled exactly once, by several consumers, and a clean exit: the call
returns (within 5 s) and no task it started is still pending.

The call runs under asyncio.timeout(5). If it does not return in time, the test lists the tasks still
waiting, with the line of your file each one is stuck on, before the timeout cancels them.
"""

import asyncio
import collections
import linecache
import random

import submission

DEADLINE = 5.0  # the work itself takes about 0.1 s


class Recorder:
    """The `handle` callback: counts each item and how many handlers run at once."""

    def __init__(self) -> None:
        self.seen: collections.Counter[int] = collections.Counter()
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, item: int) -> None:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(random.uniform(0, 0.004))
            self.seen[item] += 1
        finally:
            self.in_flight -= 1


def _where(task: asyncio.Task) -> str:
    """`consumer() at submission.py:27: item = await queue.get()`: the deepest frame of the learner's file
    in the task's chain of awaits (Task.get_stack shows only the outermost coroutine)."""
    found = None
    coro = task.get_coro()
    while coro is not None and getattr(coro, "cr_frame", None) is not None:
        frame = coro.cr_frame
        if found is None or frame.f_code.co_filename.endswith("submission.py"):
            found = frame
        coro = coro.cr_await
    if found is None:
        return f"{task.get_coro().__qualname__}()"
    filename = found.f_code.co_filename
    line = linecache.getline(filename, found.f_lineno).strip()
    name = found.f_code.co_name
    return f"{name}() at {filename.rsplit('/', 1)[-1]}:{found.f_lineno}: {line}"


def _summary(tasks: list[asyncio.Task]) -> str:
    counts = collections.Counter(_where(t) for t in tasks)
    return "; ".join(f"{n} x {w}" if n > 1 else w for w, n in counts.items())


def _pending(exclude: asyncio.Task | None = None) -> list[asyncio.Task]:
    return [t for t in asyncio.all_tasks() if t is not exclude and not t.done()]


async def _run(items: list[int], handle: Recorder, consumers: int, deadline: float = DEADLINE) -> None:
    """Await process_all under asyncio.timeout(deadline); on a hang, fail with where each task is stuck."""
    me = asyncio.current_task()
    stuck: list[str] = []
    # Just before the timeout cancels everything, note where every task is waiting.
    snapshot = asyncio.get_running_loop().call_later(deadline, lambda: stuck.append(_summary(_pending())))
    try:
        async with asyncio.timeout(deadline + 0.01):
            await submission.process_all(items, handle, consumers)
            # Checked at once, without yielding to the loop: whatever is pending now was left behind.
            left = _pending(exclude=me)
    except TimeoutError:
        raise AssertionError(
            f"process_all did not return within {deadline:.0f} s ({sum(handle.seen.values())} of {len(items)} "
            f"items handled). Still waiting: {stuck[0] if stuck else '?'}. A consumer blocked in queue.get() "
            "waits forever: each consumer must be told to stop (one sentinel per consumer, or queue.join() "
            "then cancel)"
        ) from None
    finally:
        snapshot.cancel()
    assert not left, (
        f"process_all returned but {len(left)} task(s) it started are still pending: {_summary(left)}. "
        "cancel() only requests cancellation; await the tasks (gather, or a TaskGroup) before returning"
    )


def _check_each_once(items: list[int], handle: Recorder) -> None:
    missing = [i for i in items if handle.seen[i] == 0]
    assert not missing, (
        f"{len(missing)} of {len(items)} items were never handled (e.g. {missing[:3]}): the consumers were "
        "stopped before the queue was drained. Stop them only after the last item has been taken and handled"
    )
    twice = [i for i in items if handle.seen[i] > 1]
    assert not twice, f"{len(twice)} items were handled more than once (e.g. {twice[:3]})"
    extra = set(handle.seen) - set(items)
    assert not extra, f"handle() was called with things that are not items: {sorted(extra, key=repr)[:3]}"


def test_every_item_once_and_a_clean_exit():
    consumers = random.randint(3, 6)
    items = random.sample(range(10**6), 200)
    handle = Recorder()
    asyncio.run(_run(items, handle, consumers))
    _check_each_once(items, handle)
    assert handle.peak >= 2, (
        f"handle() never ran twice at once with consumers={consumers}: the consumers must run concurrently"
    )
    assert handle.peak <= consumers, (
        f"{handle.peak} handlers ran at once with consumers={consumers}: start exactly `consumers` workers"
    )


def test_no_items_returns_at_once():
    handle = Recorder()
    asyncio.run(_run([], handle, random.randint(2, 5), deadline=1.0))
    assert not handle.seen, "handle() was called although there were no items"
