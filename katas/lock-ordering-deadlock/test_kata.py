"""Grading for lock-ordering-deadlock: transfers in both directions (and audits) from several threads at once.

The workers run as daemon threads. The test watches their progress: if no transfer or audit finishes for
STALL_S seconds while threads are still running, it is a deadlock, and the failure shows where each thread is
stuck (file, line and arguments in submission.py) and which account locks are held. A deadlocked daemon thread
cannot keep the test process alive, so the verdict arrives within seconds instead of at the hard time limit.

To make a rare interleaving happen in every run, the switch interval is set to 1 microsecond and an instruction
hook (sys.monitoring on 3.12+, a tracer on 3.11) releases the GIL before a random tenth of the instructions of
submission.py (as a free-threaded build, or a very unlucky day, would).
"""

import linecache
import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import submission

from grader import katakit, preempt

ACCOUNTS = 5
WORKERS = 4
TRANSFERS_PER_WORKER = 300
AUDITS = 80
STALL_S = 2.0  # no progress at all for this long while threads are running: deadlocked
DEADLINE_S = 30.0  # progress, but not finished: far too slow
SWITCH_INTERVAL = 1e-6
YIELD_SHARE = 0.1

_SUBMISSION_FILE = str(Path(submission.__file__).resolve())


def _is_submission(frame: FrameType) -> bool:
    return str(Path(frame.f_code.co_filename).resolve()) == _SUBMISSION_FILE


# ---------------------------------------------------------------- diagnosis


def _show(value: Any) -> str:
    if isinstance(value, submission.Account):
        return str(value.id)
    if isinstance(value, list | tuple) and value and all(isinstance(v, submission.Account) for v in value):
        return "[" + ", ".join(str(v.id) for v in value) + "]"
    return repr(value)


def _where(frame: FrameType | None) -> str:
    """The innermost submission.py frame: file:line, the function with its arguments, and the source line."""
    while frame is not None and not _is_submission(frame):
        frame = frame.f_back
    if frame is None:
        return "not inside submission.py"
    code = frame.f_code
    names = code.co_varnames[: code.co_argcount]
    local_vars = frame.f_locals
    args = ", ".join(f"{n}={_show(local_vars[n])}" for n in names if n in local_vars)
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).split("#")[0].strip()
    return f"submission.py:{frame.f_lineno} {code.co_name}({args}): {line}"


def _diagnose(threads: list[threading.Thread], accounts: list[Any], stalled_for: float) -> str:
    frames = sys._current_frames()
    alive = [t for t in threads if t.is_alive()]
    held = [str(a.id) for a in accounts if a.lock.locked()]
    lines = [
        f"Deadlock: nothing finished for {stalled_for:.1f} s. Account locks held: {', '.join(held) or 'none'}."
    ]
    lines += [f"  {t.name}: {_where(frames.get(t.ident or -1))}" for t in alive]
    lines.append(
        "Threads that hold one lock wait for a lock another one holds, in a cycle. Take the locks in one "
        "global order (e.g. by account id) in every function that holds more than one."
    )
    return "\n".join(lines)


# ---------------------------------------------------------------- running the workload


def _run(jobs: dict[str, list[Callable[[], Any]]], accounts: list[Any]) -> dict[str, list[Any]]:
    """Run each job's calls in order on its own daemon thread; fail with a diagnosis if they stop progressing."""
    names = list(jobs)
    done = [0] * len(names)
    results: dict[str, list[Any]] = {name: [] for name in names}
    errors: list[str] = []
    start = threading.Barrier(len(names))

    def work(i: int, name: str) -> None:
        start.wait()
        try:
            for call in jobs[name]:
                results[name].append(call())
                done[i] += 1
        except Exception as e:
            errors.append(f"{name}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=work, args=(i, n), name=n, daemon=True) for i, n in enumerate(names)]
    with preempt.switch_anywhere(submission, share=YIELD_SHARE, interval=SWITCH_INTERVAL):
        for t in threads:
            t.start()
        began = last_change = time.monotonic()
        last = -1
        while any(t.is_alive() for t in threads):
            time.sleep(0.05)
            now, total = time.monotonic(), sum(done)
            if total != last:
                last, last_change = total, now
            elif now - last_change > STALL_S and any(t.is_alive() for t in threads):
                message = _diagnose(threads, accounts, now - last_change)
                katakit.note(message)
                raise AssertionError(message)
            if now - began > DEADLINE_S:
                raise AssertionError(
                    f"the threads were still working after {DEADLINE_S:.0f} s ({sum(done)} of "
                    f"{sum(map(len, jobs.values()))} operations done): far slower than it should be"
                )
    assert not errors, f"an operation raised in a worker thread: {errors[0]}"
    return results


def _bank(rng: random.Random) -> tuple[list[Any], list[int]]:
    ids = rng.sample(range(100, 1000), ACCOUNTS)
    balances = [rng.randrange(100, 10_000) for _ in ids]
    return [submission.Account(i, b) for i, b in zip(ids, balances, strict=True)], balances


def _transfer_jobs(rng: random.Random, accounts: list[Any], expected: list[int]) -> dict[str, list[Callable]]:
    """Random transfers in both directions; updates `expected` to the balances they must produce."""
    jobs: dict[str, list[Callable]] = {}
    for w in range(WORKERS):
        calls = []
        for _ in range(TRANSFERS_PER_WORKER):
            s, d = rng.sample(range(ACCOUNTS), 2)
            amount = rng.randrange(1, 100)
            expected[s] -= amount
            expected[d] += amount
            calls.append(lambda s=s, d=d, amount=amount: submission.transfer(accounts[s], accounts[d], amount))
        jobs[f"transfer-{w}"] = calls
    return jobs


def _check_balances(accounts: list[Any], expected: list[int], initial_total: int) -> None:
    got = [a.balance for a in accounts]
    assert sum(got) == initial_total, (
        f"money was created or destroyed: the balances add up to {sum(got)}, but the bank started with "
        f"{initial_total} and transfers only move money. Updates were lost or transfers half done."
    )
    wrong = [(a.id, g, e) for a, g, e in zip(accounts, got, expected, strict=True) if g != e]
    assert not wrong, (
        f"{len(wrong)} account(s) have the wrong balance (account {wrong[0][0]}: {wrong[0][1]}, expected "
        f"{wrong[0][2]}). Every transfer must happen, exactly once: skipping one when a lock is slow to come "
        "hides the deadlock and loses money."
    )


# ---------------------------------------------------------------- tests


def test_one_transfer_and_one_audit() -> None:
    rng = random.Random()
    accounts, balances = _bank(rng)
    submission.transfer(accounts[0], accounts[1], 42)
    assert (accounts[0].balance, accounts[1].balance) == (balances[0] - 42, balances[1] + 42), (
        "transfer(a, b, 42) must take 42 from a and add 42 to b"
    )
    total = submission.audit(accounts)
    assert total == sum(balances), f"audit() returned {total}, expected {sum(balances)}"
    assert not any(a.lock.locked() for a in accounts), "a lock was left held after transfer() or audit() returned"


def test_transfers_both_ways_never_deadlock() -> None:
    rng = random.Random()
    accounts, balances = _bank(rng)
    expected = list(balances)
    _run(_transfer_jobs(rng, accounts, expected), accounts)
    _check_balances(accounts, expected, sum(balances))


def test_audits_during_transfers_see_a_consistent_total() -> None:
    rng = random.Random()
    accounts, balances = _bank(rng)
    expected = list(balances)
    jobs = _transfer_jobs(rng, accounts, expected)
    orders = [rng.sample(accounts, ACCOUNTS) for _ in range(AUDITS)]  # callers pass accounts in any order
    jobs["auditor"] = [lambda order=order: submission.audit(order) for order in orders]
    results = _run(jobs, accounts)
    _check_balances(accounts, expected, sum(balances))
    bad = [t for t in results["auditor"] if t != sum(balances)]
    assert not bad, (
        f"{len(bad)} of {AUDITS} audits returned a wrong total (e.g. {bad[0]}, expected {sum(balances)}): they "
        "counted while a transfer was half done. audit() must hold every account's lock while it adds up."
    )
