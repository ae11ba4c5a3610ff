"""Grades threadpool-retrofit: exact bodies in order, concurrency seen by the server, and time vs sequential.

urllib blocks, so the aiohttp server cannot share the test's thread: it runs its own event loop in a
background thread on 127.0.0.1 (ephemeral port). Every request waits LATENCY seconds, and the server counts
the requests in flight (all counting happens on the server's loop thread, so no lock is needed).
"""

import asyncio
import os
import random
import threading
import urllib.request

import submission
from aiohttp import web

from grader import katakit

LATENCY = 0.05  # per request: 32 sequential downloads take about 1.6 s
N_URLS = 32
STALL = 8.0  # the stuck endpoint answers after this long; a 0.5 s timeout must fire first


class LatencyServer:
    """An aiohttp app on its own event loop in a daemon thread (a context manager)."""

    def __init__(self, bodies: list[bytes]) -> None:
        self.bodies = bodies
        self.in_flight = 0
        self.peak = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="kata-server", daemon=True)

    def reset(self) -> None:
        self.peak = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _file(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(LATENCY)
            return web.Response(body=self.bodies[int(request.match_info["i"])])
        finally:
            self.in_flight -= 1

    async def _stall(self, request: web.Request) -> web.Response:
        await asyncio.sleep(STALL)
        return web.Response(body=b"too late")

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/file/{i}", self._file)
        app.router.add_get("/stall", self._stall)
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


def _bodies() -> list[bytes]:
    return [os.urandom(random.randint(200, 4000)) for _ in range(N_URLS)]


def _sequential(urls: list[str]) -> list[bytes]:
    out = []
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as resp:
            out.append(resp.read())
    return out


def test_downloads_overlap_and_beat_the_sequential_loop():
    bodies = _bodies()
    with LatencyServer(bodies) as server:
        urls = [server.url(f"/file/{i}") for i in range(N_URLS)]
        elapsed, results = katakit.timed(lambda: submission.download_all(urls, timeout=10))
        peak = server.peak

        # 1. Exact bodies, in order.
        assert isinstance(results, list), f"download_all must return a list, got {type(results).__name__}"
        assert len(results) == N_URLS, f"download_all returned {len(results)} bodies for {N_URLS} URLs"
        if sorted(results) == sorted(bodies) and results != bodies:
            raise AssertionError(
                "the bodies are right but out of order: keep the order of `urls` "
                "(pool.map does; collecting with as_completed does not)"
            )
        assert results == bodies, "some bodies are wrong: return exactly what each download read"

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
        katakit.check_max(
            "total time",
            elapsed,
            threshold=0.5 * sequential_s,
            baseline=sequential_s,
            what=f"time to download {N_URLS} URLs ({LATENCY * 1000:.0f} ms each), vs the sequential loop",
        )


def test_a_stuck_server_raises_instead_of_hanging():
    with LatencyServer(_bodies()) as server:
        urls = [server.url(f"/file/{i}") for i in range(6)] + [server.url("/stall")]
        outcome: dict[str, object] = {}

        def call() -> None:
            try:
                outcome["result"] = submission.download_all(urls, timeout=0.5)
            except Exception as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=call, name="kata-call", daemon=True)
        worker.start()
        worker.join(3.0)
        assert not worker.is_alive(), (
            f"download_all(urls, timeout=0.5) was still running after 3 s while one server stalled for "
            f"{STALL:.0f} s: pass the timeout on to every urlopen call"
        )
        assert "error" in outcome, (
            "one URL timed out, yet download_all returned normally: let the worker's exception reach the caller "
            "(pool.map and future.result() re-raise it)"
        )
        error = outcome["error"]
        assert isinstance(error, OSError), (
            f"a timed-out download should raise TimeoutError or URLError (both OSError), got {error!r}"
        )
