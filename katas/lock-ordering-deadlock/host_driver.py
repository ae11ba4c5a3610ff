"""Host side of lock-ordering-deadlock: the worker threads that run the judge's transfers and audits at once.

The judge draws the work (which transfers, in which order, which audits) and keeps the balances in its ledger;
this module only starts the threads that call `submission.transfer` and `submission.audit`, and reports each
audit's answer and each worker's end through the judge's own callbacks. A deadlock is seen by the judge (its
ledger stops hearing from anyone); `where()` then explains it from in here, and explaining is all it can do.
"""

from __future__ import annotations

import linecache
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

import submission

_workers: list[threading.Thread] = []
_accounts: list[Any] = []


def start(
    accounts: list[Any],
    jobs: dict[str, list[list[int]]],
    audits: list[list[int]],
    audit_begin: Callable[[int], None],
    audit_end: Callable[[int, Any], None],
    finished: Callable[[str], None],
    crashed: Callable[[str, str], None],
) -> None:
    """Start one daemon thread per transfer job (and one auditor), released together; return at once."""
    _accounts[:] = accounts
    names = list(jobs) + (["auditor"] if audits else [])
    barrier = threading.Barrier(len(names))

    def transfers(name: str) -> None:
        barrier.wait()
        try:
            for s, d, amount in jobs[name]:
                submission.transfer(accounts[s], accounts[d], amount)
        except Exception as e:
            crashed(name, f"{type(e).__name__}: {e}")
            return
        finished(name)

    def auditor() -> None:
        barrier.wait()
        try:
            for k, subset in enumerate(audits):
                audit_begin(k)
                total = submission.audit([accounts[i] for i in subset])
                audit_end(k, total)
        except Exception as e:
            crashed("auditor", f"{type(e).__name__}: {e}")
            return
        finished("auditor")

    # Daemon threads: a deadlocked worker cannot keep the process alive after the judge has seen the deadlock.
    started = [threading.Thread(target=transfers, args=(n,), name=n, daemon=True) for n in jobs]
    if audits:
        started.append(threading.Thread(target=auditor, name="auditor", daemon=True))
    _workers[:] = started
    for t in started:
        t.start()


def _show(value: Any) -> str:
    if isinstance(value, submission.Account):
        return str(value.id)
    if isinstance(value, list | tuple) and value and all(isinstance(v, submission.Account) for v in value):
        return "[" + ", ".join(str(v.id) for v in value) + "]"
    return repr(value)


def _where(frame: Any) -> str:
    """The innermost submission.py frame: file:line, the function with its arguments, and the source line."""
    mine = os.path.abspath(submission.__file__)
    while frame is not None and os.path.abspath(frame.f_code.co_filename) != mine:
        frame = frame.f_back
    if frame is None:
        return "not inside submission.py"
    code = frame.f_code
    local_vars = frame.f_locals
    names = code.co_varnames[: code.co_argcount]
    args = ", ".join(f"{n}={_show(local_vars[n])}" for n in names if n in local_vars)
    line = linecache.getline(code.co_filename, frame.f_lineno).split("#")[0].strip()
    return f"submission.py:{frame.f_lineno} {code.co_name}({args}): {line}"


def where() -> dict[str, Any]:
    """Where each live worker is, and which account locks are held (an explanation for the judge's report)."""
    frames = sys._current_frames()
    held = []
    for account in _accounts:
        lock = getattr(account, "lock", None)
        locked = getattr(lock, "locked", None)
        if callable(locked) and locked():
            held.append(getattr(account, "id", "?"))
    workers = {t.name: _where(frames.get(t.ident or -1)) for t in _workers if t.is_alive()}
    return {"held": held, "workers": workers}


def held_locks(accounts: list[Any]) -> list[Any]:
    """Ids of the accounts whose lock another thread cannot take right now (left held by a call that returned).

    Tried from a fresh thread, so a re-entrant lock left held by the main thread counts as held too."""
    held: list[Any] = []

    def probe() -> None:
        for account in accounts:
            lock = account.lock
            if lock.acquire(timeout=0.05):
                lock.release()
            else:
                held.append(account.id)

    prober = threading.Thread(target=probe, name="lock-probe", daemon=True)
    prober.start()
    prober.join(5.0)
    return held
