"""Grades bounded-fan-out: exact bodies in order, and the server's own count of requests in flight.

The server runs in the test's event loop on 127.0.0.1 (ephemeral port). Each handler counts itself in flight
from the moment it starts until just before its response is sent, so a client that keeps at most N requests
open can never make the server count more than N. From that count the server keeps the peak and the
time-weighted mean (how many requests were in flight on average while the fan-out ran).
"""

import asyncio
import random
import secrets

import submission
from aiohttp import web

from grader import katakit

_perf_counter = katakit._perf_counter  # bound by the grader before the submission was imported

BACKLOG = 1024  # the default (128) drops SYNs when 150+ connections arrive at once: a 1 s retransmit stall


class CountingServer:
    """An aiohttp app that answers GET /item/{i} after a per-item delay and counts requests in flight."""

    def __init__(self, delays: list[float], token: str) -> None:
        self.delays = delays
        self.token = token
        self.in_flight = 0
        self.peak = 0
        self.served = 0
        self._area = 0.0  # integral of in_flight over time
        self._first: float | None = None
        self._last = 0.0

    def body(self, i: int) -> str:
        return f"{self.token}:{i}"

    def _count(self, step: int) -> None:
        now = _perf_counter()
        if self._first is None:
            self._first = now
        else:
            self._area += self.in_flight * (now - self._last)
        self._last = now
        self.in_flight += step
        self.peak = max(self.peak, self.in_flight)

    @property
    def mean(self) -> float:
        span = self._last - (self._first or self._last)
        return self._area / span if span > 0 else float(self.peak)

    async def handle(self, request: web.Request) -> web.Response:
        i = int(request.match_info["i"])
        self._count(+1)
        try:
            await asyncio.sleep(self.delays[i])
            self.served += 1
            return web.Response(text=self.body(i))
        finally:
            self._count(-1)


async def _fan_out(limit: int, delays: list[float], deadline: float) -> tuple[CountingServer, list | None]:
    server = CountingServer(delays, secrets.token_hex(8))
    app = web.Application()
    app.router.add_get("/item/{i}", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG)
        await site.start()
        port = runner.addresses[0][1]
        urls = [f"http://127.0.0.1:{port}/item/{i}" for i in range(len(delays))]
        task = asyncio.ensure_future(submission.fetch_all(urls, limit))
        start = _perf_counter()
        while not task.done() and _perf_counter() - start < deadline:
            await asyncio.wait({task}, timeout=0.1)
            # A bounded fan-out reaches its limit within milliseconds; still far below it after 1.5 s,
            # the verdict is settled: stop waiting for a one-at-a-time run to crawl through every URL.
            if _perf_counter() - start > 1.5 and server.peak < 0.75 * limit:
                break
            if server.peak > limit:  # settled too: no need to open hundreds more connections
                break
        if not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=2)
            return server, None
        return server, task.result()
    finally:
        await runner.cleanup()


def _delays(n: int, fast: float, slow: float) -> list[float]:
    """One request in eight is slow, at random positions, so completion order differs from request order."""
    delays = [slow if i % 8 == 0 else fast for i in range(n)]
    random.shuffle(delays)
    return delays


def _check_results(server: CountingServer, results: list | None, n: int, limit: int, deadline: float) -> None:
    if results is None:  # too slow to finish: the server's counts usually say why
        _check_peak(server, limit)
        _check_mean(server, limit)
    stats = f"peak {server.peak} in flight, mean {server.mean:.1f}, {server.served} of {n} served"
    assert results is not None, (
        f"fetch_all(urls, limit={limit}) did not finish within {deadline:.1f} s "
        f"(a bounded fan-out needs well under a second here): {stats}"
    )
    expected = [server.body(i) for i in range(n)]
    assert isinstance(results, list), f"fetch_all must return a list of bodies, got {type(results).__name__}"
    assert len(results) == n, f"fetch_all returned {len(results)} bodies for {n} URLs"
    assert sorted(map(str, results)) == sorted(expected) or results == expected, (
        "some bodies are wrong: return `await resp.text()` for each URL"
    )
    assert results == expected, (
        "the bodies are right but out of order: results must follow the order of `urls` "
        "(asyncio.gather keeps argument order; appending as requests complete does not)"
    )


def _check_peak(server: CountingServer, limit: int) -> None:
    assert server.peak <= limit, (
        f"the server saw {server.peak} requests in flight at once; the limit was {limit}. "
        "Every request must wait on one bound shared by the whole call (a Semaphore created once, "
        "or a fixed pool of `limit` worker tasks)"
    )
    need = 0.75 * limit
    hint = (
        " That is exactly aiohttp's default connector limit: ClientSession() opens at most 100 connections; "
        "pass connector=aiohttp.TCPConnector(limit=limit)."
        if server.peak == 100
        else " Requests must run concurrently, up to the limit (one at a time gives a peak of 1)."
    )
    assert server.peak >= need, (
        f"at most {server.peak} requests were ever in flight at once with limit={limit} "
        f"(at least {need:.0f} expected).{hint}"
    )


def _check_mean(server: CountingServer, limit: int) -> None:
    # A sliding window keeps about `limit` requests in flight the whole time (measured: 0.6-0.85 x limit,
    # also with a busy core); batches of `limit` wait for their slowest member and average ~0.25 x limit.
    assert server.mean >= 0.45 * limit, (
        f"on average only {server.mean:.1f} requests were in flight (limit {limit}, peak {server.peak}): "
        "the fan-out keeps stalling. Waiting for a whole batch before starting the next one leaves the pool "
        "idle behind the slowest request; start a new request as soon as any one finishes"
    )


def test_small_limit_exact_bodies_bounded_and_busy():
    limit = random.randint(10, 16)
    n = 160
    delays = _delays(n, fast=0.025, slow=0.15)
    ideal = sum(delays) / limit  # about 0.4-0.65 s
    deadline = max(4.0, 5 * ideal)
    server, results = asyncio.run(_fan_out(limit, delays, deadline))
    _check_results(server, results, n, limit, deadline)
    _check_peak(server, limit)
    _check_mean(server, limit)


def test_limit_above_aiohttp_default_is_reached():
    limit = random.randint(150, 170)
    n = limit + 30  # an unbounded client must overshoot, yet stay within the grader's 512 file descriptors
    delays = [0.3] * n
    deadline = 3.0  # the reference needs about 0.7 s
    server, results = asyncio.run(_fan_out(limit, delays, deadline))
    _check_results(server, results, n, limit, deadline)
    _check_peak(server, limit)
