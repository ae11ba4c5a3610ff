"""Grades async-generator: an async generator that pages lazily, lets other tasks run, and cleans up.

The tests hand `paginate` an instrumented source: it records which pages were fetched, how many fetches ran
at once and which pages are still open. Page contents are drawn at random in each run. Nothing is timed.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import random
from dataclasses import dataclass, field
from typing import Any

import pytest
import submission


class SourceError(ConnectionError):
    """What the source raises when told to fail."""


@dataclass
class Page:
    source: Source = field(repr=False)
    number: int
    items: list[Any]
    next_page: int | None
    total_pages: int
    closed: bool = False

    async def close(self) -> None:
        self.closed = True
        self.source.open.discard(self.number)

    async def __aenter__(self) -> Page:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


@dataclass
class Source:
    pages: list[list[int]]
    fail_on: int | None = None
    fetched: list[int] = field(default_factory=list)
    open: set[int] = field(default_factory=set)
    in_flight: int = 0
    max_in_flight: int = 0

    async def fetch_page(self, number: int) -> Page:
        if not 1 <= number <= len(self.pages):
            raise LookupError(f"there is no page {number} (pages are numbered 1 to {len(self.pages)})")
        self.fetched.append(number)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.002)  # a network round trip: the loop is free to run other tasks
        finally:
            self.in_flight -= 1
        if number == self.fail_on:
            raise SourceError(f"page {number}: connection reset")
        self.open.add(number)
        total = len(self.pages)
        return Page(self, number, list(self.pages[number - 1]), number + 1 if number < total else None, total)

    def items(self) -> list[tuple[int, int]]:
        """(page number, item) for every item, in order."""
        return [(n, item) for n, page in enumerate(self.pages, 1) for item in page]


def random_pages() -> list[list[int]]:
    """Five pages of 2 to 4 items each, with page 3 or 4 empty (an empty page does not end the listing)."""
    sizes = [random.randint(2, 4) for _ in range(5)]
    sizes[random.choice([2, 3])] = 0
    values = iter(random.sample(range(1000, 100_000), sum(sizes)))
    return [[next(values) for _ in range(size)] for size in sizes]


def paginate(source: Source):
    assert inspect.isasyncgenfunction(submission.paginate), (
        "paginate must be an async generator function: an `async def` that uses `yield`, so the consumer "
        "gets each item as soon as its page arrives instead of waiting for a list of everything"
    )
    return submission.paginate(source.fetch_page)


def test_paginate_is_an_async_generator_function() -> None:
    paginate(Source([[1]]))


def test_yields_every_item_in_order() -> None:
    source = Source(random_pages())

    async def consume() -> list[int]:
        return [item async for item in paginate(source)]

    got = asyncio.run(consume())
    expected = [item for _, item in source.items()]
    assert got == expected, f"expected the items {expected} (pages {source.pages}), got {got}"
    assert source.fetched == list(range(1, len(source.pages) + 1)), (
        f"each page should be fetched once, in order; the fetches were for pages {source.fetched}"
    )
    assert not source.open, (
        f"page(s) {sorted(source.open)} were never closed: close each page once its items are yielded "
        "(`async with page:` or `try/finally: await page.close()`)"
    )


def test_fetches_each_page_only_when_needed() -> None:
    source = Source(random_pages())

    async def step_through() -> None:
        gen = paginate(source)
        try:
            assert source.fetched == [], "creating the generator must not fetch anything yet"
            for page, item in source.items():
                got = await anext(gen)
                assert got == item, f"expected item {item} of page {page} next, got {got}"
                await asyncio.sleep(0.001)  # the consumer works on each item: other tasks get to run
                needed = "only page 1 was" if page == 1 else f"only pages 1 to {page} were"
                assert source.fetched == list(range(1, page + 1)), (
                    f"while the consumer worked on item {item} of page {page}, pages {source.fetched} had been "
                    f"fetched; {needed} needed. Fetch the next page only when the consumer asks for an item "
                    "after the last one of the current page"
                )
                assert source.open <= {page}, (
                    f"page(s) {sorted(source.open - {page})} were still open while page {page} was being "
                    "read: close each page before fetching the next"
                )
            with pytest.raises(StopAsyncIteration):
                await anext(gen)
        finally:
            await gen.aclose()

    asyncio.run(step_through())
    assert source.max_in_flight == 1, (
        f"{source.max_in_flight} fetches ran at the same time; fetch one page at a time, when it is needed"
    )


def test_other_tasks_run_between_pages() -> None:
    source = Source(random_pages())
    page_of = {item: page for page, item in source.items()}
    log: list[str | int] = []

    async def ticker() -> None:
        while True:
            log.append("tick")
            await asyncio.sleep(0)

    async def consume() -> None:
        tick_task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        try:
            async for item in paginate(source):
                log.append(item)
        finally:
            tick_task.cancel()

    asyncio.run(consume())
    last_item = None
    ticked = False
    for entry in log:
        if entry == "tick":
            ticked = True
            continue
        if last_item is not None and page_of.get(entry) != page_of.get(last_item):
            assert ticked, (
                f"no other task ran between item {last_item} (page {page_of.get(last_item)}) and item {entry} "
                f"(page {page_of.get(entry)}): the consumer should get the items of a page while the next "
                "pages are not fetched yet, and the loop runs other tasks while each page is awaited"
            )
        last_item = entry
        ticked = False


def test_closes_the_page_when_the_consumer_stops_early() -> None:
    source = Source(random_pages())
    stop_at = source.pages[1][0]  # the first item of page 2, which has at least one more item after it

    async def consume_some() -> list[int]:
        seen = []
        async with contextlib.aclosing(paginate(source)) as items:
            async for item in items:
                seen.append(item)
                if item == stop_at:
                    break
        return seen

    seen = asyncio.run(consume_some())
    assert seen == source.pages[0] + [stop_at], f"expected {[*source.pages[0], stop_at]}, got {seen}"
    assert source.fetched == [1, 2], (
        f"the consumer stopped in page 2, but pages {source.fetched} were fetched: fetch only what is needed"
    )
    assert not source.open, (
        f"the consumer stopped after {stop_at} and closed the generator (aclose()), but page(s) "
        f"{sorted(source.open)} stayed open. aclose() raises GeneratorExit at the paused `yield`: code after "
        "your loop never runs, only `finally` blocks and `async with` exits do"
    )


def test_source_errors_reach_the_consumer() -> None:
    source = Source(random_pages(), fail_on=2)

    async def consume(seen: list[int]) -> None:
        async for item in paginate(source):
            seen.append(item)

    seen: list[int] = []
    try:
        asyncio.run(consume(seen))
    except SourceError:
        pass
    else:
        raise AssertionError(
            "fetching page 2 raised SourceError, but the iteration ended normally: let errors from the source "
            "reach the consumer instead of catching them"
        )
    assert seen == source.pages[0], f"the items of page 1 should arrive before the error; got {seen}"
    assert not source.open, f"page(s) {sorted(source.open)} stayed open after the error"
