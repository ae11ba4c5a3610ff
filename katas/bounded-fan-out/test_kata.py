"""Grades bounded-fan-out: exact bodies in order, and the server's own count of requests in flight.

The learner's `fetch_all` runs in the host (another process); the server runs here, in the judge, in the test's
event loop on 127.0.0.1 (ephemeral port), while the judge awaits the host's coroutine. Everything the verdict
rests on is what this server saw:
- which URL was asked for and how often (each body is a fresh random token, a different one per URL, so a body
  can only come from a real fetch of that URL, and a request the judge did not hand out is seen too);
- how many requests were in flight: each handler counts itself from the moment it starts until just before its
  response is sent, so a client that keeps at most N requests open can never make the server count more than N.
  From that count the server keeps the peak and the time-weighted mean over the fan-out.
Limits, delays and URL ids are drawn afresh in every run.
"""

import asyncio
import random
import secrets

import submission
from aiohttp import web

from grader import katakit

_perf_counter = katakit._perf_counter

BACKLOG = 1024  # the default (128) drops SYNs when 150+ connections arrive at once: a 1 s retransmit stall


class CountingServer:
    """An aiohttp app that answers GET /item/{id} after a per-item delay and counts requests in flight."""

    def __init__(self, delays: list[float]) -> None:
        n = len(delays)
        self.delays = delays
        self.ids = [secrets.token_hex(5) for _ in range(n)]  # no index in the URL: nothing to compute a body from
        self.index = {key: i for i, key in enumerate(self.ids)}
        self.tokens = [secrets.token_hex(12) for _ in range(n)]  # one per URL: known only to a real fetch
        self.hits = [0] * n
        self.stray: list[str] = []  # paths asked for that are not one of the run's URLs
        self.in_flight = 0
        self.peak = 0
        self._area = 0.0  # integral of in_flight over time
        self._first: float | None = None
        self._last = 0.0

    @property
    def served(self) -> int:
        return sum(1 for h in self.hits if h)

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
        i = self.index.get(request.match_info["key"])
        if i is None:
            return await self.elsewhere(request)
        self.hits[i] += 1
        self._count(+1)
        try:
            await asyncio.sleep(self.delays[i])
            return web.Response(text=self.tokens[i])
        finally:
            self._count(-1)

    async def elsewhere(self, request: web.Request) -> web.Response:
        self.stray.append(f"{request.method} {request.path_qs}")
        return web.Response(status=404, text="not one of the URLs of this run")


def _require_coroutine_function() -> None:
    kind = getattr(submission.fetch_all, "_kind", "coroutinefunction")
    assert kind == "coroutinefunction", (
        f"fetch_all is a {kind} in your code; keep the signature `async def fetch_all(urls, limit)`: "
        "the test awaits it while its server answers in the same event loop"
    )


async def _fan_out(limit: int, delays: list[float], deadline: float) -> tuple[CountingServer, list | None]:
    server = CountingServer(delays)
    app = web.Application()
    app.router.add_get("/item/{key}", server.handle)
    app.router.add_route("*", "/{tail:.*}", server.elsewhere)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG)
        await site.start()
        port = runner.addresses[0][1]
        urls = [f"http://127.0.0.1:{port}/item/{key}" for key in server.ids]
        # A coroutine of the judge's: awaiting it runs fetch_all in the host while this loop serves its requests.
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
            if server.stray or max(server.hits) > 1:  # settled: padding the count with extra requests
                break
        if not task.done():
            task.cancel()  # cancels the host's task too
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
        _check_each_url_once(server)
        _check_peak(server, limit)
        _check_mean(server, limit)
    stats = f"peak {server.peak} in flight, mean {server.mean:.1f}, {server.served} of {n} URLs requested"
    assert results is not None, (
        f"fetch_all(urls, limit={limit}) did not finish within {deadline:.1f} s "
        f"(a bounded fan-out needs well under a second here): {stats}"
    )
    expected = list(server.tokens)
    # Results arrive decoded as plain data: a list subclass (or a str subclass inside) stays in your process and
    # arrives here as an opaque object, never equal to a list, whatever its __eq__ says.
    assert isinstance(results, list), (
        f"fetch_all must return a plain list of str bodies, got {results!r} ({type(results).__name__})"
    )
    assert len(results) == n, f"fetch_all returned {len(results)} bodies for {n} URLs"
    if sorted(map(str, results)) == sorted(expected) and results != expected:
        raise AssertionError(
            "the bodies are right but out of order: results must follow the order of `urls` "
            "(asyncio.gather keeps argument order; appending as requests complete does not)"
        )
    wrong = [i for i, (got, want) in enumerate(zip(results, expected, strict=True)) if got != want]
    never = [i for i in wrong if server.hits[i] == 0]
    assert not wrong, (
        f"{len(wrong)} of {n} bodies are not what the server sent for that URL (first at index {wrong[0]}: "
        f"{results[wrong[0]]!r})"
        + (f"; {len(never)} of those URLs were never requested at all" if never else "")
        + ". Return `await resp.text()` of each URL's own response"
    )
    _check_each_url_once(server)


def _check_each_url_once(server: CountingServer) -> None:
    assert not server.stray, (
        f"the server got {len(server.stray)} request(s) for paths that are not among the URLs, "
        f"e.g. {server.stray[0]!r}: request exactly the URLs you were given"
    )
    repeated = [h for h in server.hits if h > 1]
    assert not repeated, (
        f"{len(repeated)} URL(s) were requested more than once (up to {max(repeated)} times): request each URL "
        "once. Extra requests are not concurrency, they are load on the service"
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
    _require_coroutine_function()
    limit = random.randint(10, 16)
    n = 160
    delays = _delays(n, fast=random.uniform(0.02, 0.03), slow=random.uniform(0.12, 0.18))
    ideal = sum(delays) / limit  # about 0.3-0.7 s
    deadline = max(4.0, 5 * ideal)
    server, results = asyncio.run(_fan_out(limit, delays, deadline))
    _check_results(server, results, n, limit, deadline)
    _check_peak(server, limit)
    _check_mean(server, limit)


def test_limit_above_aiohttp_default_is_reached():
    _require_coroutine_function()
    limit = random.randint(150, 170)
    n = limit + 30  # an unbounded client must overshoot, yet stay within the grader's 512 file descriptors
    delays = [random.uniform(0.28, 0.32) for _ in range(n)]
    deadline = 3.0  # the reference needs about 0.7 s
    server, results = asyncio.run(_fan_out(limit, delays, deadline))
    _check_results(server, results, n, limit, deadline)
    _check_peak(server, limit)
