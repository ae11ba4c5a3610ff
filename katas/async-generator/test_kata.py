"""Grades async-generator: an async generator that pages lazily, lets other tasks run, and cleans up.

`paginate` runs in the host (another process); the paging service runs here, in the judge. The kata's host driver
wraps the service in the Page objects `paginate` expects, so every fetch and every close is a call into the judge,
seen and timed here, and the judge asks for the items one `__anext__` at a time, at its own pace. Between two
requests the generator is suspended in the host while the host's event loop keeps running: a generator that
fetches ahead really fetches, and the service sees it. So after the last item of each page the consumer idles for
150-250 ms before it asks for more, far longer than a prefetch needs to start. Pages are drawn at random in every
run, so items cannot be made up without fetching them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import secrets
from typing import Any

import pytest
import submission

from grader import katakit
from grader.judge.client import RemoteFunction

_perf_counter = katakit._perf_counter

IDLE_AFTER_PAGE = (0.15, 0.25)  # the consumer's pause after the last item of a page: a fetch-ahead shows up here
SETTLE = 0.2  # after the consumer is done: whatever the host still runs in the background shows up here


class Meter:
    """Fetches in flight, across every service that shares this meter."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def step(self, d: int) -> None:
        self.now += d
        self.peak = max(self.peak, self.now)


class Service:
    """A paged API in the judge: the host's pages call `fetch(number)` and `close(handle)`; both are recorded."""

    def __init__(
        self,
        pages: list[list[int]],
        delay: tuple[float, float] = (0.002, 0.005),
        fail_on: int | None = None,
        meter: Meter | None = None,
    ) -> None:
        self.pages = pages
        self.delay = delay
        self.fail_on = fail_on
        self.error = f"page {fail_on}: connection reset by the service (ref {secrets.token_hex(4)})"
        self.meter = meter or Meter()
        self.fetched: list[int] = []
        self.open: dict[int, int] = {}  # handle -> page number, for every page fetched and not yet closed
        self.open_at_fetch: list[tuple[int, list[int]]] = []  # (page, pages still open when it was fetched)
        self.in_flight = 0
        self.max_in_flight = 0
        self._handles = itertools.count(random.randint(1, 1 << 30))

    async def fetch(self, number: Any) -> dict:
        if type(number) is not int or not 1 <= number <= len(self.pages):
            raise LookupError(f"there is no page {number!r} (pages are numbered 1 to {len(self.pages)})")
        self.fetched.append(number)
        self.open_at_fetch.append((number, sorted(self.open.values())))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.meter.step(+1)
        try:
            await asyncio.sleep(random.uniform(*self.delay))  # a network round trip
        finally:
            self.in_flight -= 1
            self.meter.step(-1)
        if number == self.fail_on:
            raise ConnectionResetError(self.error)
        handle = next(self._handles)
        self.open[handle] = number
        total = len(self.pages)
        nxt = number + 1 if number < total else None
        return {"items": list(self.pages[number - 1]), "next_page": nxt, "total_pages": total, "handle": handle}

    async def close(self, handle: Any) -> None:
        self.open.pop(handle, None)

    def open_pages(self) -> list[int]:
        return sorted(self.open.values())

    def items(self) -> list[tuple[int, int]]:
        """(page number, item) for every item, in order."""
        return [(n, item) for n, page in enumerate(self.pages, 1) for item in page]


def random_pages() -> list[list[int]]:
    """Five pages of 2 to 4 items each, with page 3 or 4 empty (an empty page does not end the listing)."""
    sizes = [random.randint(2, 4) for _ in range(5)]
    sizes[random.choice([2, 3])] = 0
    values = iter(random.sample(range(1000, 1_000_000), sum(sizes)))
    return [[next(values) for _ in range(size)] for size in sizes]


def paginate(service: Service) -> Any:
    """`submission.paginate(fetch_page)` over this service: the generator, iterated from here one item at a time."""
    fn = submission.paginate
    kind = fn._kind if isinstance(fn, RemoteFunction) else "value"
    assert kind == "asyncgenfunction", (
        f"paginate must be an async generator function: an `async def` that uses `yield` (yours is a {kind}), "
        "so the consumer gets each item as soon as its page arrives instead of waiting for a list of everything"
    )
    return katakit.driver().paginate(service.fetch, service.close)


def _check_closed_before_next_fetch(service: Service) -> None:
    for page, still_open in service.open_at_fetch:
        assert not still_open, (
            f"page {page} was fetched while page(s) {still_open} were still open: close each page once its "
            "items are yielded, before fetching the next (`async with page:` around the loop over its items)"
        )


def test_paginate_is_an_async_generator_function() -> None:
    paginate(Service([[1]]))


def test_yields_every_item_in_order() -> None:
    service = Service(random_pages())

    async def consume() -> list[int]:
        return [item async for item in paginate(service)]

    got = asyncio.run(consume())
    expected = [item for _, item in service.items()]
    assert got == expected, f"expected the items {expected} (pages {service.pages}), got {got}"
    assert service.fetched == list(range(1, len(service.pages) + 1)), (
        f"each page should be fetched once, in order; the fetches were for pages {service.fetched}"
    )
    assert not service.open, (
        f"page(s) {service.open_pages()} were never closed: close each page once its items are yielded "
        "(`async with page:` or `try/finally: await page.close()`)"
    )
    _check_closed_before_next_fetch(service)


def test_fetches_each_page_only_when_needed() -> None:
    service = Service(random_pages())
    plan = service.items()
    asked: list[float] = []  # when the judge asked for item j (the last entry: the request that must end it)
    since = _perf_counter()

    async def step_through() -> None:
        gen = paginate(service)
        try:
            assert service.fetched == [], "creating the generator must not fetch anything yet"
            for j, (page, item) in enumerate(plan):
                asked.append(_perf_counter())
                try:
                    got = await anext(gen)
                except StopAsyncIteration:
                    raise AssertionError(f"the generator ended after {j} items; there are {len(plan)}") from None
                assert got == item, f"expected item {item} of page {page} next, got {got}"
                last_of_page = j + 1 == len(plan) or plan[j + 1][0] != page
                # The consumer works on the item. After a page's last item it idles long: a generator that
                # fetches ahead (now, or 50 ms later) does it in this pause, and the service sees it.
                await asyncio.sleep(random.uniform(*IDLE_AFTER_PAGE) if last_of_page else random.uniform(0, 0.01))
                needed = "only page 1 was" if page == 1 else f"only pages 1 to {page} were"
                assert service.fetched == list(range(1, page + 1)), (
                    f"while the consumer worked on item {item} of page {page}, pages {service.fetched} had been "
                    f"fetched; {needed} needed. Fetch the next page only when the consumer asks for an item "
                    "after the last one of the current page"
                )
                assert set(service.open.values()) <= {page}, (
                    f"page(s) {sorted(set(service.open.values()) - {page})} were still open while page {page} was "
                    "being read: close each page before fetching the next"
                )
            asked.append(_perf_counter())
            with pytest.raises(StopAsyncIteration):
                await anext(gen)
        finally:
            await gen.aclose()

    asyncio.run(step_through())
    assert service.max_in_flight == 1, (
        f"{service.max_in_flight} fetches ran at the same time; fetch one page at a time, when it is needed"
    )
    _check_closed_before_next_fetch(service)
    # The same, to the microsecond: when each fetch reached the judge against when the judge asked for the item
    # that needed it (the request for the first item after all earlier pages).
    first_need = {n: sum(len(p) for p in service.pages[: n - 1]) for n in range(1, len(service.pages) + 1)}
    for call in katakit.callback_calls():
        if call.name != "fetch" or call.start < since or not call.args or call.args[0] not in first_need:
            continue
        page = call.args[0]
        early = asked[first_need[page]] - call.start
        assert early <= 0, (
            f"page {page} was fetched {early * 1000:.0f} ms before the consumer asked for an item of it: "
            "no fetching ahead. The next page is fetched only when the consumer asks for the next item"
        )


def test_other_tasks_run_while_a_page_is_awaited() -> None:
    meter = Meter()
    first = Service(random_pages(), delay=(0.02, 0.04), meter=meter)
    second = Service(random_pages(), delay=(0.02, 0.04), meter=meter)

    async def consume(service: Service) -> list[int]:
        return [item async for item in paginate(service)]

    async def both() -> list[list[int]]:
        return list(await asyncio.gather(consume(first), consume(second)))

    got = asyncio.run(both())
    for service, items in zip((first, second), got, strict=True):
        expected = [item for _, item in service.items()]
        assert items == expected, f"expected the items {expected} (pages {service.pages}), got {items}"
    assert meter.peak >= 2, (
        "two consumers read two listings at the same time, yet the service never saw their fetches overlap: "
        "while one generator waited for a page, the other could not run. Await fetch_page (do not block the "
        "event loop while a page loads), so other tasks run in the meantime"
    )


def test_closes_the_page_when_the_consumer_stops_early() -> None:
    service = Service(random_pages())
    stop_at = service.pages[1][0]  # the first item of page 2, which has at least one more item after it

    async def consume_some() -> list[int]:
        seen = []
        async with contextlib.aclosing(paginate(service)) as items:
            async for item in items:
                seen.append(item)
                if item == stop_at:
                    break
        await asyncio.sleep(SETTLE)  # anything the generator left running shows up now
        return seen

    seen = asyncio.run(consume_some())
    assert seen == service.pages[0] + [stop_at], f"expected {[*service.pages[0], stop_at]}, got {seen}"
    assert service.fetched == [1, 2], (
        f"the consumer stopped in page 2, but pages {service.fetched} were fetched: fetch only what is needed"
    )
    assert not service.open, (
        f"the consumer stopped after {stop_at} and closed the generator (aclose()), but page(s) "
        f"{service.open_pages()} stayed open. aclose() raises GeneratorExit at the paused `yield`: code after "
        "your loop never runs, only `finally` blocks and `async with` exits do"
    )


def test_source_errors_reach_the_consumer() -> None:
    service = Service(random_pages(), fail_on=2)

    async def consume(seen: list[int]) -> BaseException | None:
        items = paginate(service)
        try:
            async for item in items:
                seen.append(item)
        except Exception as e:  # checked below, with a message that says what arrived
            return e
        finally:
            await asyncio.sleep(SETTLE)
        return None

    seen: list[int] = []
    error = asyncio.run(consume(seen))
    assert error is not None, (
        "fetching page 2 raised ConnectionResetError, but the iteration ended normally: let errors from the "
        "source reach the consumer instead of catching them"
    )
    assert isinstance(error, ConnectionResetError), (
        f"fetching page 2 raised ConnectionResetError, but the consumer got {type(error).__name__}: {error}. "
        "Let the exception from fetch_page through unchanged"
    )
    assert service.error in str(error), (
        f"the consumer got ConnectionResetError({str(error)!r}), not the service's own error "
        f"({service.error!r}): let the exception from fetch_page through unchanged"
    )
    assert seen == service.pages[0], f"the items of page 1 should arrive before the error; got {seen}"
    assert 3 not in service.fetched, f"fetching page 2 failed, yet pages {service.fetched} were fetched"
    assert not service.open, f"page(s) {service.open_pages()} stayed open after the error"
