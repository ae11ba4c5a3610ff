"""Grades cpu-in-asyncio: exact digests, the hashing done by other processes, and a responsive event loop.

"Done by other processes" is measured with CPU accounting rather than trust: the test process's own CPU time
(all its threads) while the service handles the requests, against the CPU time the same hashing costs here.
Work in worker processes does not count towards it; work in a thread of this process (asyncio.to_thread,
run_in_executor(None, ...)) counts in full. Loop lag is the largest gap between 10 ms heartbeats
(katakit.LoopLag): a loop blocked by hashing shows hundreds of ms, a free one a few ms.

Process pools start with the "spawn" method here (the default on macOS and Windows; 3.14 uses "forkserver"
on Linux), so code that only works with fork fails here rather than on a colleague's machine.
"""

import asyncio
import hashlib
import importlib
import multiprocessing
import os
import pickle
import random
import time
from concurrent.futures.process import BrokenProcessPool

from grader import katakit

_process_time = time.process_time  # bound before the submission is imported (below)
_thread_time = time.thread_time
submission = importlib.import_module("submission")

N_REQUESTS = 8
ROUNDS = (110_000, 150_000)  # about 0.1 s of CPU per request
LAG_LIMIT = 0.1  # blocked: 800 ms and more; a warm process pool: 10-40 ms, even on a loaded machine
IN_PROCESS_SHARE = 0.4  # a process pool leaves <0.1 of the hashing's CPU time here; a thread 1.0 or more


def _digest(data: bytes, rounds: int) -> str:
    h = data
    for _ in range(rounds):
        h = hashlib.sha256(h).digest()
    return h.hex()


async def _serve(
    requests: list[tuple[bytes, int]],
) -> tuple[list | None, BaseException | None, float, float, object]:
    """Run the requests through the service. Returns results, error, CPU time of this whole process and of the
    event loop's thread alone while they were handled, and the LoopLag record."""
    results = error = None
    async with submission.DigestService() as service:
        try:
            # Warm-up round, not measured: worker processes start once per service, not per request (and a
            # forkserver's first start blocks its caller for a few hundred ms).
            warm_up = [(b"warm-up", 1000)] * (os.cpu_count() or 2)
            await asyncio.wait_for(asyncio.gather(*(service.handle(d, r) for d, r in warm_up)), 40)
        except Exception as exc:
            return None, exc, 0.0, 0.0, None
        start_cpu, start_loop_cpu = _process_time(), _thread_time()
        async with katakit.LoopLag() as lag:
            try:
                calls = asyncio.gather(*(service.handle(data, rounds) for data, rounds in requests))
                results = await asyncio.wait_for(calls, 40)
            except Exception as exc:
                error = exc
        parent_cpu, loop_cpu = _process_time() - start_cpu, _thread_time() - start_loop_cpu
    return results, error, parent_cpu, loop_cpu, lag


def _explain(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, pickle.PicklingError) or "pickle" in str(error).lower():
        return (
            f"handle() raised {text}. A process pool sends the function to a worker by pickling its name, so it "
            "must be a module-level function: pass `digest` itself, not a lambda or a nested function "
            "(functools.partial(digest, ...) is fine)"
        )
    if isinstance(error, BrokenProcessPool):
        return (
            f"handle() raised {text}: a worker process died. Under spawn each worker imports your module afresh: "
            "keep module-level code free of side effects, and the function and its arguments importable"
        )
    if isinstance(error, TimeoutError):
        return "the 8 requests were not answered within 40 s"
    return f"handle() raised {text}"


def test_digests_are_computed_off_the_event_loop_in_other_processes():
    multiprocessing.set_start_method("spawn", force=True)

    requests = [(os.urandom(16), random.randint(*ROUNDS)) for _ in range(N_REQUESTS)]
    start = _thread_time()
    expected = [_digest(data, rounds) for data, rounds in requests]
    work_cpu = _thread_time() - start  # what the hashing costs on this machine, now

    results, error, parent_cpu, loop_cpu, lag = asyncio.run(_serve(requests))

    # 1. Exact results.
    assert error is None, _explain(error)
    assert isinstance(results, list) and len(results) == N_REQUESTS, (
        f"expected {N_REQUESTS} digests, got {results!r}"
    )
    assert results == expected, "some digests are wrong: handle(data, rounds) must return digest(data, rounds)"

    # 2. Structure: the hashing ran in other processes, not in this one.
    stalled = f"the event loop stalled for {lag.max_gap * 1000:.0f} ms" if lag.max_gap > LAG_LIMIT else ""
    if loop_cpu > IN_PROCESS_SHARE * work_cpu:  # the loop's own thread did the hashing
        blocker = f" at {lag.blocker}" if lag.blocker else ""
        where = f"on the event loop's thread ({stalled or 'it was blocked'}{blocker}): a coroutine that computes never awaits"
    else:
        also = f"; {stalled} waiting for the GIL" if stalled else ""
        where = (
            "in a thread of the service's process (asyncio.to_thread, run_in_executor(None, ...)): pure-Python "
            f"work holds the GIL, which the event loop needs too{also}"
        )
    assert parent_cpu <= IN_PROCESS_SHARE * work_cpu, (
        f"the hashing ran {where}. This process's CPU time grew by {parent_cpu:.2f} s for {work_cpu:.2f} s of "
        "hashing. Run it in worker processes: await loop.run_in_executor(process_pool, digest, data, rounds)"
    )

    # 3. Timing: the loop stayed responsive while the requests were hashed.
    if lag.blocker:
        katakit.note(f"the event loop was blocked at {lag.blocker}")
    katakit.check_max(
        "loop lag",
        lag.max_gap,
        threshold=LAG_LIMIT,
        what=f"largest gap between 10 ms heartbeats while {N_REQUESTS} requests were hashed",
    )
