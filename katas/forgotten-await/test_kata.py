"""Grading for forgotten-await: every event logged, in order, each step finished before the next, and no
coroutine left un-awaited.

`process_order` runs in the submission's own process (the host). The store it is given belongs to this test: its
log_event and charge run here, take a few milliseconds each (real awaits on this test's event loop), and record
what ran, in which order, and whether two operations were ever in progress at the same time. Each receipt carries a
fresh random token, so a receipt cannot be made up. Calling `store.log_event(...)` tells this test at once that a
coroutine was created, and from which line; the entry is written only when that coroutine runs. So a coroutine
created and never awaited is seen here, not only through the host's "never awaited" warning (which the host
also reports, with the line that created the coroutine: that account can fail a submission, never pass one).
While a store call runs, this test pings the submission's loop: code that awaits the store leaves it free to answer,
while a store call driven to its end synchronously (the store edited in the host) holds it.
"""

import asyncio
import random
import secrets
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import submission

from grader import katakit

LOG_S = 0.02
CHARGE_S = 0.005
PING_WAIT_S = (
    0.3  # a free loop answers a ping in about a millisecond; one blocked until the store call ends, never
)


class Store:
    """The shop's async services, run by the test and instrumented."""

    def __init__(self) -> None:
        self.events: list[str] = []  # the audit log, in the order entries were written
        self.active: list[str] = []  # operations in progress right now
        self.overlaps: list[str] = []
        self.created: dict[str, tuple[str, str]] = {}  # ticket -> (the call, the line of submission.py)
        self.started: set[str] = set()
        self.strays: list[str] = []  # operations run without a coroutine the store handed out
        self.receipts: dict[Any, list[str]] = {}  # order id -> receipts issued, fresh tokens
        self.blocked: list[str] = []  # store calls during which the submission's loop did not answer a ping
        self.pings: list[asyncio.Task] = []
        self._lock = threading.Lock()

    async def _work(self, what: str, seconds: float) -> None:
        """The store's own work; meanwhile the test pings the submission's loop. A coroutine that awaits the store
        leaves its loop free, so the ping is answered at once. A loop held until the store call ends (the call
        run to its end synchronously, from another thread) cannot answer before the call is over."""
        ping = asyncio.create_task(katakit.driver().aio.echo(len(self.pings)))
        self.pings.append(ping)
        await asyncio.sleep(seconds)
        done, _ = await asyncio.wait({ping}, timeout=PING_WAIT_S)
        if not done:
            self.blocked.append(what)

    def create(self, kind: str, arg: Any, where: Any) -> str:
        """Told by the host as soon as `store.log_event(...)` / `store.charge(...)` is called (not yet run)."""
        ticket = secrets.token_hex(8)
        with self._lock:
            self.created[ticket] = (f"store.{kind}({arg!r})", where if isinstance(where, str) else "")
        return ticket

    def _begin(self, ticket: Any, what: str) -> None:
        with self._lock:
            issued = ticket in self.created and ticket not in self.started
            self.started.add(ticket)
        if not issued:
            self.strays.append(what)
        if self.active:
            self.overlaps.append(f"{what} started while {self.active[0]} was still in progress")
        self.active.append(what)

    async def log_event(self, ticket: str, text: str) -> None:
        what = f"log_event({text!r})"
        self._begin(ticket, what)
        try:
            await self._work(what, LOG_S)
            self.events.append(text)
        finally:
            self.active.remove(what)

    async def charge(self, ticket: str, order_id: int) -> str:
        what = f"charge({order_id!r})"
        self._begin(ticket, what)
        try:
            await self._work(what, CHARGE_S)
        finally:
            self.active.remove(what)
        receipt = f"R{order_id}-{secrets.token_hex(4)}"
        self.receipts.setdefault(order_id, []).append(receipt)
        return receipt

    def receipt(self, order_id: int) -> str | None:
        issued = self.receipts.get(order_id)
        return issued[-1] if issued else None

    def expected_events(self, order_id: int) -> list[str]:
        return [f"order {order_id} received", f"order {order_id} charged {self.receipt(order_id)}"]

    def never_ran(self) -> list[str]:
        """The store coroutines created but never run: 'store.log_event(...) (created at submission.py:N)'."""
        out = []
        for ticket, (what, where) in list(self.created.items()):
            if ticket not in self.started:
                out.append(f"{what} (called at {where})" if where else what)
        return out


def _process(
    store: Store, order_ids: list[int], after_each: Callable[[int], Awaitable[None]] | None = None
) -> tuple[list[Any], list[str]]:
    """Process the orders one after another; returns the receipts and the host's never-awaited reports."""

    async def main() -> list[Any]:
        drv = katakit.driver()
        await drv.aio.watch_start()
        handle = drv.make_store(store.create, store.log_event, store.charge)
        receipts = []
        for order_id in order_ids:
            try:
                receipts.append(await submission.process_order(order_id, handle))
            except RuntimeError as e:
                raise AssertionError(
                    f"process_order({order_id}) raised RuntimeError: {e}. Inside a coroutine the event loop is "
                    "already running: await the coroutine instead of starting another loop."
                ) from e
            if after_each is not None:
                await after_each(order_id)
        await asyncio.sleep(2 * LOG_S)  # whatever was left running may finish (and be seen) now
        await asyncio.wait(store.pings, timeout=2)  # pings a blocked loop answered late
        return receipts

    receipts = asyncio.run(main())
    reported = katakit.driver().watch_report()
    return receipts, [r for r in reported if isinstance(r, str)] if isinstance(reported, list) else []


def _where(report: str) -> str:
    """'submission.py:LINE' from the 'Coroutine created at' part of a never-awaited report, if present."""
    lines = [ln for ln in report.splitlines() if "submission.py" in ln and "line " in ln]
    if not lines:
        return ""
    return f" (created at submission.py:{lines[-1].split('line ', 1)[1].split(',', 1)[0]})"


def test_every_event_is_logged_in_order() -> None:
    store = Store()
    order_ids = random.sample(range(1000, 10_000), 3)
    receipts, _ = _process(store, order_ids)
    issued = [store.receipt(i) for i in order_ids]
    uncharged = [i for i, r in zip(order_ids, issued, strict=True) if r is None]
    assert not uncharged, (
        f"the store never charged order {uncharged[0]}: `await store.charge(order_id)` for every order, and return "
        "the receipt it gives you (each one carries a fresh token, so it cannot be made up)"
    )
    assert receipts == issued, (
        f"process_order() returned {receipts!r}; store.charge() gave the receipts {issued!r}. Return the receipt "
        "that `await store.charge(order_id)` gives you (each one carries a fresh token)"
    )
    want = [e for i in order_ids for e in store.expected_events(i)]
    missing = [e for e in want if e not in store.events]
    never = store.never_ran()
    unawaited = f" The test saw {never[0]} return a coroutine that never ran." if never else ""
    assert not missing, (
        f"the audit log is missing {len(missing)} of {len(want)} events, e.g. {missing[0]!r}.{unawaited} Calling "
        "an async function only creates a coroutine object; its body runs when something awaits it."
    )
    assert store.events == want, f"the audit log is out of order: {store.events!r}, expected {want!r}"


def test_no_coroutine_is_left_unawaited() -> None:
    store = Store()
    _, reported = _process(store, random.sample(range(1000, 10_000), 2))
    never = store.never_ran()
    warned = f" (your process warned: {reported[0].splitlines()[0]})" if reported else ""
    assert not never, (
        f"{never[0]} returned a coroutine object that was never awaited{warned}: it was thrown away without "
        "running, so nothing was logged. Put `await` in front of the call."
    )
    assert not store.blocked, (
        f"while the store ran {store.blocked[0]}, your event loop did not answer the test's ping for "
        f"{PING_WAIT_S * 1000:.0f} ms: something waited for the store synchronously, holding the loop. Await the "
        "coroutine the store's method returns, on the loop that runs process_order."
    )
    assert not store.strays, (
        f"the store's {store.strays[0]} ran without the coroutine the store handed out: call the store's methods "
        "and await what they return"
    )
    # The host's own account (the RuntimeWarning each never-awaited coroutine raises) can only fail, never pass.
    assert not reported, (
        f"{reported[0].splitlines()[0]}{_where(reported[0])}: a coroutine object was created and thrown away "
        "without running. Put `await` in front of the call."
    )


def test_each_step_finishes_before_the_next_starts() -> None:
    store = Store()
    order_ids = random.sample(range(1000, 10_000), 3)

    async def returned(order_id: int) -> None:  # the moment process_order's result reached the test
        assert not store.active, (
            f"process_order({order_id}) returned while {store.active[0]} was still in progress: it was started "
            "but not awaited, so the caller cannot know it finished (or that it failed)"
        )
        # The host's own count of its pending tasks: it can only fail a submission, never pass one.
        left = await katakit.driver().aio.tasks_left()
        assert not left, f"process_order({order_id}) returned but left {left} task(s) running in the background"

    _process(store, order_ids, returned)
    assert not store.overlaps, (
        f"{store.overlaps[0]}. The order must be logged as received before the card is charged, and each log "
        "entry written before the next step: await each call in turn instead of starting it in the background."
    )
