"""Grades cpu-in-asyncio: exact digests, the hashing done by other processes, and a responsive event loop.

The service runs in the submission's own process (the host); the kata's host driver enters it and hands it the
requests this test sends, 8 at once. Everything that decides the verdict is observed from here:
- the digests are computed here too, on data drawn fresh for this run, and compared as plain values;
- "done by other processes" is CPU accounting read from the OS (katakit.HostCPU): the host process's own CPU time
  (all its threads) while the requests are handled, against what the same hashing costs here. Worker processes
  do not count towards it; a thread of the host (asyncio.to_thread, run_in_executor(None, ...)) counts in full;
- the loop's responsiveness is a heartbeat probe timed from here: a task on the service's loop is pinged every
  10 ms, and a loop blocked by hashing answers late. The lag the host measures itself only names the line that
  blocked it (or fails: it can never pass a submission).

Process pools start with the "spawn" method there (the default on macOS and Windows; 3.14 uses "forkserver" on
Linux), so code that only works with fork fails here rather than on a colleague's machine.
"""

import asyncio
import hashlib
import os
import random
import time

import psutil

from grader import katakit
from grader.judge.client import HostExited
from grader.judge.heartbeat import Heartbeat

N_REQUESTS = 8
REQUEST_CPU_S = 0.1  # each request costs about this much CPU here, whatever the machine's speed: a loop blocked
# by the 8 of them stalls for most of a second, far above LAG_LIMIT, on a fast machine too
# Seconds. Blocked by the hashing or by future.result(): 650 ms and more (each request costs ~0.1 s of CPU). A warm
# process pool: 10-40 ms; a process spawned per request: up to ~80 ms (fork and exec run on the loop's thread).
LAG_LIMIT = 0.2
IN_PROCESS_SHARE = 0.4  # a process pool leaves <0.1 of the hashing's CPU time in the host; a thread 1.0 or more
WAIT_S = 40  # for the pool to start, and for the 8 answers


def _digest(data: bytes, rounds: int) -> str:
    h = data
    for _ in range(rounds):
        h = hashlib.sha256(h).digest()
    return h.hex()


class Served:
    """What one run of the service showed: its answers (or error), and what the judge saw meanwhile."""

    def __init__(self) -> None:
        self.results: object = None
        self.error: BaseException | None = None
        self.host_cpu = 0.0  # CPU seconds of the host process itself (all its threads), from the OS
        self.children_cpu = 0.0  # CPU seconds of the processes it started, from the OS
        self.loop_cpu = 0.0  # CPU seconds of the thread the host names as its loop's (from the OS; explains only)
        self.lag = 0.0  # slowest answer of the service's loop to the judge's pings
        self.host_lag: dict = {}  # the host's own account: max_gap and the blocking line (explains, may fail)


async def _serve(requests: list[tuple[bytes, int]]) -> Served:
    out = Served()
    drv = katakit.driver()
    try:
        await asyncio.wait_for(drv.aio.enter(), WAIT_S)
        # Warm-up, not measured: worker processes start once per service, not per request (and a forkserver's
        # first start blocks its caller for a few hundred ms).
        warm_up = [drv.aio.handle(b"warm-up", 1000) for _ in range(os.cpu_count() or 2)]
        await asyncio.wait_for(asyncio.gather(*warm_up), WAIT_S)
        loop_tid = await drv.aio.loop_thread()
        await drv.aio.watch_start()
        loop_cpu = _thread_cpu(loop_tid)
        with katakit.HostCPU() as cpu:
            async with Heartbeat(drv.aio.echo) as beat:
                calls = asyncio.gather(*(drv.aio.handle(data, rounds) for data, rounds in requests))
                out.results = await asyncio.wait_for(calls, WAIT_S)
        out.loop_cpu = _thread_cpu(loop_tid) - loop_cpu
        report = await drv.aio.watch_stop()
        out.host_lag = report if isinstance(report, dict) else {}
        out.host_cpu, out.children_cpu, out.lag = cpu.main_s, sum(cpu.children_s.values()), beat.worst
    except HostExited:
        raise
    except Exception as exc:
        out.error = exc
    finally:
        try:
            await asyncio.wait_for(drv.aio.leave(), WAIT_S)
        except HostExited:
            raise
        except Exception as exc:
            out.error = out.error or exc
    return out


def _thread_cpu(tid: object) -> float:
    """CPU seconds of one thread of the host, read from the OS (0 when there is no such thread)."""
    try:
        threads = psutil.Process(katakit.host().host.pid).threads()
    except psutil.Error:
        return 0.0
    return next((t.user_time + t.system_time for t in threads if t.id == tid), 0.0)


def _explain(error: BaseException) -> str:
    name = getattr(error, "type_name", None) or type(error).__name__
    text = f"{type(error).__name__}: {error}"
    if "pickl" in f"{name} {error}".lower():
        return (
            f"handle() raised {text}. A process pool sends the function to a worker by pickling its name, so it "
            "must be a module-level function: pass `digest` itself, not a lambda or a nested function "
            "(functools.partial(digest, ...) is fine)"
        )
    if name == "BrokenProcessPool":
        return (
            f"handle() raised {text}: a worker process died. Under spawn each worker imports your module afresh: "
            "keep module-level code free of side effects, and the function and its arguments importable"
        )
    if isinstance(error, TimeoutError):
        return f"the service did not answer (or start) within {WAIT_S} s"
    return f"the service raised {text}"


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _rounds_per_second() -> float:
    """How many hashing rounds this machine does per second of CPU (CPU time: another process's load does not
    change it)."""
    start = time.thread_time()
    _digest(os.urandom(16), 20_000)
    return 20_000 / max(time.thread_time() - start, 1e-4)


def test_digests_are_computed_off_the_event_loop_in_other_processes():
    rate = _rounds_per_second()
    requests = [
        (os.urandom(16), max(20_000, int(rate * REQUEST_CPU_S * random.uniform(0.85, 1.15))))
        for _ in range(N_REQUESTS)
    ]
    start = time.thread_time()
    expected = [_digest(data, rounds) for data, rounds in requests]
    work_cpu = time.thread_time() - start  # what the hashing costs on this machine, now

    served = asyncio.run(_serve(requests))

    # 1. Exact results, checked against the judge's own digests of fresh data.
    assert served.error is None, _explain(served.error)
    results = served.results
    assert isinstance(results, list) and len(results) == N_REQUESTS, (
        f"expected {N_REQUESTS} digests, got {results!r}"
    )
    assert results == expected, "some digests are wrong: handle(data, rounds) must return digest(data, rounds)"

    # 2. Structure: the hashing ran in other processes, not in the service's: CPU times read from the OS.
    host_gap = _num(served.host_lag.get("max_gap"))
    blocker = served.host_lag.get("blocker") if isinstance(served.host_lag.get("blocker"), str) else None
    stalled = max(served.lag, host_gap)
    stall = f"the event loop stalled for {stalled * 1000:.0f} ms" if stalled > LAG_LIMIT else ""
    if served.loop_cpu > IN_PROCESS_SHARE * work_cpu:  # the loop's own thread did the hashing
        at = f" at {blocker}" if blocker else ""
        where = (
            f"on the event loop's thread ({stall or 'it was blocked'}{at}): a coroutine that computes never awaits"
        )
    else:
        also = f"; {stall} waiting for the GIL" if stall else ""
        where = (
            "in a thread of the service's process (asyncio.to_thread, run_in_executor(None, ...)): pure-Python "
            f"work holds the GIL, which the event loop needs too{also}"
        )
    assert served.host_cpu <= IN_PROCESS_SHARE * work_cpu, (
        f"the hashing ran {where}. The service's process used {served.host_cpu:.2f} s of CPU itself (its worker "
        f"processes {served.children_cpu:.2f} s) for {work_cpu:.2f} s of hashing. Run it in worker processes: "
        "await loop.run_in_executor(process_pool, digest, data, rounds)"
    )

    # 3. Timing: the loop answered the judge's pings while the requests were hashed.
    if blocker and served.lag > LAG_LIMIT:
        katakit.note(f"the event loop was blocked at {blocker}")
    at = f" It was blocked at {blocker}." if blocker else ""
    try:
        katakit.check_max(
            "loop lag",
            served.lag,
            threshold=LAG_LIMIT,
            what=f"slowest answer of the service's event loop to the test's 10 ms pings during the "
            f"{N_REQUESTS} requests",
        )
    except katakit.TooSlow as e:
        raise katakit.TooSlow(
            f"{e}.{at} Waiting synchronously for a worker's result (future.result()) holds the loop as surely as "
            "computing on it: await it (loop.run_in_executor, asyncio.wrap_future)"
        ) from None
    # The loop's own heartbeat, measured in the service's process, can only fail a submission, never pass one.
    if host_gap > LAG_LIMIT:
        raise katakit.TooSlow(
            f"loop lag: the service's event loop stalled for {host_gap * 1000:.0f} ms by its own heartbeat (the "
            f"limit is {LAG_LIMIT * 1000:.0f} ms).{at}"
        )
