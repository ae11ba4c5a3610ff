"""Finding and ending the processes of one graded run: the child, its descendants, its session, and orphans
re-parented to us (we are a child subreaper). Read from /proc; Linux only, like the rest of the sandbox."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import time
from collections.abc import Callable


def _procs() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, session id) for every process we can see."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2 :].split()
        if fields[0] == b"Z":
            continue  # zombies hold nothing; reaping them is enough
        out[int(name)] = (int(fields[1]), int(fields[3]))
    return out


def my_children() -> set[int]:
    me = os.getpid()
    return {pid for pid, (ppid, _) in _procs().items() if ppid == me}


def family(root: int, before: set[int]) -> set[int]:
    """The child, its descendants, its session, and orphans re-parented to us (subreaper) since it started."""
    procs = _procs()
    me = os.getpid()
    found = {pid for pid, (ppid, sid) in procs.items() if sid == root or (ppid == me and pid not in before)}
    if root in procs:
        found.add(root)
    grew = True
    while grew:
        more = {pid for pid, (ppid, _) in procs.items() if ppid in found and pid not in found}
        found |= more
        grew = bool(more)
    found.discard(me)
    return found


def reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_until_gone(find: Callable[[], set[int]], *, keep_unreaped: frozenset[int] = frozenset()) -> set[int]:
    """SIGKILL what `find()` returns until it returns nothing (stopped first, so a fork loop cannot outrun us);
    returns the pids killed. Pids in `keep_unreaped` are killed but left for their Popen to reap."""
    killed: set[int] = set()
    for _ in range(50):
        pids = find()
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGSTOP)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        time.sleep(0.005)
        reap_some(pids - keep_unreaped)
    return killed


def kill_family(root: int, before: set[int]) -> int:
    """SIGKILL everything that belongs to the run; return how many processes were killed."""
    return len(kill_until_gone(lambda: family(root, before)))


def reap_some(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return 0.0
    fields = data[data.rfind(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except OSError as e:
        return e.errno == errno.EPERM


def kill_session(sid: int) -> int:
    """SIGKILL every process of a session (a graded host's, say); returns how many."""
    return len(kill_until_gone(lambda: {pid for pid, (_, s) in _procs().items() if s == sid}))
