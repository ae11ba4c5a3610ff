"""Grades queue-shutdown: every item handled exactly once, by several consumers, and a clean exit: the call
returns (within 3 s) and nothing it started is still running.

Your code runs in a process of its own. `handle` is a coroutine function of the judge (this process): every call
runs here, so the judge counts each item handled, how many handlers run at once, and sees whether one is still
running when process_all returns; the items and each handler's duration are drawn here at random. Tasks blocked
in `queue.get()` exist only in your code's process: the kata's host driver lists the tasks left pending there
(it can fail a submission or explain a hang, never pass one).
"""

import asyncio
import collections
import random

from grader import katakit
from grader.judge.client import HostExited

DEADLINE = 3.0  # the work itself takes about 0.1 s


class Handle:
    """The judge's `handle`: records each item, how many handlers run at once, and any handler cancelled halfway."""

    def __init__(self) -> None:
        self.seen: collections.Counter[object] = collections.Counter()
        self.in_flight = 0
        self.peak = 0
        self.cancelled = 0

    async def __call__(self, item: int) -> None:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(random.uniform(0, 0.004))
            self.seen[item] += 1
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1


class Run:
    """One call of process_all, observed by the judge."""

    def __init__(self, items: list[int], consumers: int) -> None:
        self.items, self.consumers = items, consumers
        self.handle = Handle()
        self.returned = False
        self.in_flight_at_return = 0
        self.left: list[str] = []  # host-side: tasks left pending, as the host driver saw them
        self.stuck: list[str] = []  # host-side: where the tasks waited when the deadline passed

    async def _call(self) -> None:
        self.left = await katakit.driver().aio.process_all(self.items, self.handle, self.consumers)
        self.returned = True
        self.in_flight_at_return = self.handle.in_flight  # in the very step the call came back

    async def go(self, deadline: float) -> None:
        task = asyncio.create_task(self._call())
        done, _ = await asyncio.wait({task}, timeout=deadline)
        if done:
            task.result()  # HostExited: your code's process is gone
            return
        self.stuck = list(katakit.driver().stuck())  # before the cancel unwinds them
        task.cancel()
        await asyncio.wait({task}, timeout=5)
        if task.done() and not task.cancelled() and isinstance(task.exception(), HostExited):
            raise task.exception()
        self.returned = False  # even if it swallowed the cancel and returned then: too late


def _run(items: list[int], consumers: int, deadline: float = DEADLINE) -> Run:
    run = Run(items, consumers)
    asyncio.run(run.go(deadline))
    handled = sum(run.handle.seen.values())
    assert run.returned, (
        f"process_all did not return within {deadline:.0f} s ({handled} of {len(items)} items handled). "
        f"Still waiting (in your code's process): {'; '.join(run.stuck) or '?'}. A consumer blocked in "
        "queue.get() waits forever: each consumer must be told to stop (one sentinel per consumer, or "
        "queue.join() then cancel)"
    )
    assert run.in_flight_at_return == 0, (
        f"process_all returned while {run.in_flight_at_return} handle() call(s) were still running: wait until "
        "every item has been handled"
    )
    assert not run.left, (
        f"process_all returned but {sum(int(w.split(' x ')[0]) if ' x ' in w else 1 for w in run.left)} task(s) "
        f"it started are still pending: {'; '.join(run.left)}. cancel() only requests cancellation; await the "
        "tasks (gather, or a TaskGroup) before returning"
    )
    return run


def _check_each_once(run: Run) -> None:
    items, handle = run.items, run.handle
    missing = [i for i in items if handle.seen[i] == 0]
    assert not missing, (
        f"{len(missing)} of {len(items)} items were never handled (e.g. {missing[:3]})"
        + (f"; {handle.cancelled} handle() call(s) were cancelled halfway" if handle.cancelled else "")
        + ": the consumers were stopped before the queue was drained. Stop them only after the last item has "
        "been taken and handled"
    )
    twice = [i for i in items if handle.seen[i] > 1]
    assert not twice, f"{len(twice)} items were handled more than once (e.g. {twice[:3]})"
    extra = [x for x in handle.seen if x not in set(items)]
    assert not extra, f"handle() was called with things that are not items: {extra[:3]}"


def test_every_item_once_and_a_clean_exit():
    consumers = random.randint(3, 6)
    items = random.sample(range(10**6), 200)
    run = _run(items, consumers)
    _check_each_once(run)
    assert run.handle.peak >= 2, (
        f"handle() never ran twice at once with consumers={consumers}: the consumers must run concurrently"
    )
    assert run.handle.peak <= consumers, (
        f"{run.handle.peak} handlers ran at once with consumers={consumers}: start exactly `consumers` workers"
    )


def test_no_items_returns_at_once():
    run = _run([], random.randint(2, 5), deadline=1.0)
    assert not run.handle.seen, "handle() was called although there were no items"
