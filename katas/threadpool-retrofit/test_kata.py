"""Grades threadpool-retrofit: exact bodies in order, concurrency seen by the server, and time vs sequential.

`download_all` runs in the host (another process) and blocks there; the aiohttp server runs here, in the judge, on
its own event loop in a judge thread on 127.0.0.1 (ephemeral port). Everything the verdict rests on is what this
server saw and what the judge timed: which URL was requested when and how often (every body is random bytes of
its own, so it can only come from a real download), how many requests were in flight at once, and how long the
call took against the plain sequential loop run here right after it. URLs, latency and timeouts are drawn afresh
in every run; the stuck URL looks like every other one.
"""

import asyncio
import os
import random
import secrets
import threading
import urllib.request

import submission
from aiohttp import web

from grader import katakit

_perf_counter = katakit._perf_counter

STALL = 8.0  # the stuck endpoint answers after this long; the (much shorter) timeout must fire first


class LatencyServer:
    """An aiohttp app on its own event loop in a daemon thread (a context manager). Counting happens on that
    loop's thread only, so no lock is needed."""

    def __init__(self, bodies: list[bytes], latency: float, stalled: int | None = None) -> None:
        self.bodies = bodies
        self.latency = latency
        self.stalled = stalled  # the index of the URL that never answers in time
        self.keys = [secrets.token_hex(6) for _ in bodies]  # no index, no hint of which one stalls
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.hits = [0] * len(bodies)
        self.first_hit: list[float | None] = [None] * len(bodies)
        self.stray: list[str] = []
        self.in_flight = 0
        self.peak = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="kata-server", daemon=True)

    def reset(self) -> None:
        self.peak = 0
        self.hits = [0] * len(self.bodies)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}/file/{key}" for key in self.keys]

    async def _file(self, request: web.Request) -> web.Response:
        i = self.index.get(request.match_info["key"])
        if i is None:
            return await self._elsewhere(request)
        self.hits[i] += 1
        if self.first_hit[i] is None:
            self.first_hit[i] = _perf_counter()
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(STALL if i == self.stalled else self.latency)
            return web.Response(body=self.bodies[i])
        finally:
            self.in_flight -= 1

    async def _elsewhere(self, request: web.Request) -> web.Response:
        self.stray.append(f"{request.method} {request.path_qs}")
        return web.Response(status=404, text="not one of the URLs of this run")

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/file/{key}", self._file)
        app.router.add_route("*", "/{tail:.*}", self._elsewhere)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    def _run(self) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self._start())
        self._ready.set()
        loop.run_forever()
        # Stopped: finish what is left (a handler still stalling) so nothing is destroyed while pending.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()

    def __enter__(self) -> "LatencyServer":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the test server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        cleanup = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
        cleanup.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def _bodies(n: int) -> list[bytes]:
    return [os.urandom(random.randint(200, 4000)) for _ in range(n)]


def _sequential(urls: list[str]) -> list[bytes]:
    out = []
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as resp:
            out.append(resp.read())
    return out


def _check_each_url_once(server: LatencyServer) -> None:
    assert not server.stray, (
        f"the server got {len(server.stray)} request(s) for paths that are not among the URLs, "
        f"e.g. {server.stray[0]!r}: download exactly the URLs you were given"
    )
    missing = server.hits.count(0)
    assert not missing, f"{missing} of the {len(server.hits)} URLs were never requested: download every URL"
    repeated = [h for h in server.hits if h > 1]
    assert not repeated, (
        f"{len(repeated)} URL(s) were requested more than once (up to {max(repeated)} times): download each URL "
        "once. Extra requests are not concurrency, they are load on the server"
    )


def test_downloads_overlap_and_beat_the_sequential_loop():
    n = random.randint(28, 36)
    latency = random.uniform(0.04, 0.06)
    timeout = round(random.uniform(3.0, 6.0), 2)
    bodies = _bodies(n)
    with LatencyServer(bodies, latency) as server:
        urls = server.urls
        elapsed, results = katakit.timed(lambda: submission.download_all(urls, timeout=timeout))
        peak = server.peak

        # 1. Exact bodies, in order. They arrive as plain data: a subclass of list or bytes stays in your process
        # and arrives here as an opaque object, equal to nothing, whatever its __eq__ says.
        assert isinstance(results, list), (
            f"download_all must return a plain list of bytes, got {results!r} ({type(results).__name__})"
        )
        assert len(results) == n, f"download_all returned {len(results)} bodies for {n} URLs"
        if all(isinstance(r, bytes) for r in results) and sorted(results) == sorted(bodies) and results != bodies:
            raise AssertionError(
                "the bodies are right but out of order: keep the order of `urls` "
                "(pool.map does; collecting with as_completed does not)"
            )
        wrong = sum(1 for got, want in zip(results, bodies, strict=True) if got != want)
        assert not wrong, (
            f"{wrong} of {n} bodies are not what the server sent for that URL: return exactly the bytes each "
            "download read"
        )
        _check_each_url_once(server)

        # 2. Structure: the server saw the downloads overlap.
        why = (
            "they still run one after another. Start them all before waiting for any (not start() then "
            "join() for each thread, not max_workers=1)"
            if peak <= 1
            else "use more workers: these downloads wait on the network, not the CPU"
        )
        assert peak >= 4, f"the server never saw more than {peak} download(s) at once (at least 4 expected): {why}"

        # 3. Time, against the plain loop run here, now, on the same server (not an absolute number).
        server.reset()
        sequential_s, expected = katakit.timed(lambda: _sequential(urls))
        assert expected == bodies
        # The baseline must be the judge's loop alone: requests still coming from your process would slow it.
        assert server.hits == [1] * n and not server.stray, (
            f"after download_all returned, your code still sent {sum(server.hits) - n + len(server.stray)} "
            "request(s) while the test timed its own sequential loop: finish every download before returning"
        )
        katakit.check_max(
            "total time",
            elapsed,
            threshold=0.5 * sequential_s,
            baseline=sequential_s,
            what=f"time to download {n} URLs ({latency * 1000:.0f} ms each), vs the sequential loop",
        )


def test_a_stuck_server_raises_instead_of_hanging():
    n = 7
    stalled = random.randrange(n)
    timeout = round(random.uniform(0.3, 0.6), 2)
    patience = timeout + 2.5
    with LatencyServer(_bodies(n), random.uniform(0.04, 0.06), stalled=stalled) as server:
        urls = server.urls
        outcome: dict[str, object] = {}

        def call() -> None:
            try:
                outcome["result"] = submission.download_all(urls, timeout=timeout)
            except Exception as exc:
                outcome["error"] = exc
            outcome["at"] = _perf_counter()

        worker = threading.Thread(target=call, name="kata-call", daemon=True)
        worker.start()
        worker.join(patience)
        assert not worker.is_alive(), (
            f"download_all(urls, timeout={timeout}) was still running after {patience:.1f} s while one server "
            f"stalled for {STALL:.0f} s: pass the timeout on to every urlopen call"
        )
        assert "error" in outcome, (
            "one URL timed out, yet download_all returned normally: let the worker's exception reach the caller "
            "(pool.map and future.result() re-raise it)"
        )
        error = outcome["error"]
        assert isinstance(error, OSError), (
            f"a timed-out download should raise TimeoutError or URLError (both OSError), got {error!r}"
        )
        # The error must come from the stuck download itself: it was requested, and the call raised only once
        # its timeout could have run out (not a guess from the short timeout, not before asking).
        asked = server.first_hit[stalled]
        assert asked is not None, (
            f"download_all raised {error!r}, but the stuck URL was never requested: the error must come from the "
            "downloads themselves, so download every URL with the timeout you were given"
        )
        waited = float(outcome["at"]) - asked  # type: ignore[arg-type]
        assert waited >= 0.8 * timeout, (
            f"download_all raised {waited * 1000:.0f} ms after the stuck URL was requested, before its "
            f"{timeout * 1000:.0f} ms timeout could run out: the error must be the download's own timeout"
        )
