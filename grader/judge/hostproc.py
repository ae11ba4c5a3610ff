"""Start the host (the graded process) under limits, watch it from outside, and end it with everything it started.

The judge process is a child subreaper, so workers that outlive their parent, and `setsid` grandchildren, come back
to it and are found and killed at the end (grader.procs). What the host prints goes through a pipe with a cap;
thread and task dumps for a diagnosis come through a second pipe. CPU times come from the OS (psutil), never from
the host itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import psutil

from grader import procs
from grader.privileges import Privileges
from grader.sandbox import Limits, become_subreaper, make_preexec

OUTPUT_KEEP = 64 * 1024
DIAG_CAP = 64 * 1024


@dataclass
class HostPlan:
    """Where and how the host runs; made by the runner, handed to the judge as JSON."""

    workdir: str
    tmpdir: str
    stash: str
    uid: int | None
    masks: list[list]
    wall_s: float
    memory_mb: int
    output_bytes: int


class HostProcess:
    def __init__(self, plan: HostPlan) -> None:
        become_subreaper()
        self.plan = plan
        limits = Limits(wall_s=plan.wall_s, memory_mb=plan.memory_mb, output_bytes=plan.output_bytes)
        priv = Privileges(plan.uid, tuple((m[0], tuple(m[1])) for m in plan.masks))
        self.sock, child = socket.socketpair()
        out_r, out_w = os.pipe()
        self.diag_r, diag_w = os.pipe()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": plan.tmpdir,
            "TMPDIR": plan.tmpdir,
            "PYTHONUNBUFFERED": "1",
            # glibc reserves a 64 MiB malloc arena per thread (up to 8 per core), which RLIMIT_AS counts: under a
            # 1 GiB limit only ~14 threads could start. Two arenas keep ~100 threads possible, as learners expect.
            "MALLOC_ARENA_MAX": "2",
            # As root, each run's host has a uid of its own with no passwd entry: getpass.getuser() reads these
            # first, so honest code that asks for the user name still gets one.
            "USER": "dojo",
            "LOGNAME": "dojo",
            "DOJO_HOST_FD": str(child.fileno()),
            "DOJO_DIAG_FD": str(diag_w),
        }
        self.started = time.monotonic()
        try:
            proc = subprocess.Popen(
                # -u: -I ignores PYTHONUNBUFFERED, and a block-buffered stdout would show what the learner
                # printed only at exit, after the last test, so no test's report would carry it.
                [sys.executable, "-I", "-B", "-u", "-m", "grader.host"],
                cwd=plan.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out_w,
                stderr=out_w,
                pass_fds=(child.fileno(), diag_w),
                start_new_session=True,
                preexec_fn=make_preexec(priv, plan.stash, limits),
            )
        finally:
            child.close()
            os.close(out_w)
            os.close(diag_w)
        self.proc = proc
        self.pid = proc.pid
        self.output = bytearray()
        self.output_bytes = 0
        self.output_exceeded = False
        self.diag = bytearray()
        self._diag_lock = threading.Lock()
        self.exit_status: int | None = None
        self.psutil = _process(self.pid)
        threading.Thread(target=self._drain_output, args=(out_r,), daemon=True, name="host-output").start()
        threading.Thread(target=self._drain_diag, daemon=True, name="host-diag").start()

    # ------------------------------------------------------------ output

    def _drain_output(self, fd: int) -> None:
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.output_bytes += len(chunk)
            if len(self.output) < OUTPUT_KEEP:
                self.output += chunk[: OUTPUT_KEEP - len(self.output)]
            if self.output_bytes > self.plan.output_bytes and not self.output_exceeded:
                self.output_exceeded = True
                self.kill()
        os.close(fd)

    def _drain_diag(self) -> None:
        while True:
            try:
                chunk = os.read(self.diag_r, 65536)
            except OSError:
                break
            if not chunk:
                break
            with self._diag_lock:
                if len(self.diag) < DIAG_CAP:
                    self.diag += chunk

    def dump_stacks(self) -> str:
        """Thread stacks (SIGUSR1, faulthandler) and task stacks (SIGUSR2) of a host we are about to kill."""
        start = len(self.diag)
        for sig, wait in ((signal.SIGUSR1, 0.3), (signal.SIGUSR2, 0.4)):
            try:
                os.kill(self.pid, sig)
            except OSError:
                break
            end = time.monotonic() + wait
            while time.monotonic() < end:
                if sig == signal.SIGUSR2 and b"END TASKS" in self.diag[start:]:
                    break
                time.sleep(0.02)
        with self._diag_lock:
            return bytes(self.diag[start:]).decode("utf-8", "replace")

    # ------------------------------------------------------------ measuring

    def family(self) -> set[int]:
        """The host and everything it started: its session, its descendants, and orphans handed back to us as
        subreaper (the judge's own processes, such as the reference's pool workers, stay in the judge's session)."""
        table = procs._procs()
        me, my_sid = os.getpid(), os.getsid(0)
        found = {pid for pid, (ppid, sid) in table.items() if sid == self.pid or (ppid == me and sid != my_sid)}
        if self.pid in table:
            found.add(self.pid)
        grew = True
        while grew:
            more = {pid for pid, (ppid, _) in table.items() if ppid in found and pid not in found}
            found |= more
            grew = bool(more)
        found.discard(me)
        return found

    def tree(self) -> list[psutil.Process]:
        """The host and everything it started, as psutil processes."""
        out = []
        for pid in self.family():
            p = _process(pid)
            if p is not None:
                out.append(p)
        return out

    def cpu_times(self) -> dict[int, float]:
        """CPU seconds (user + system) of each live process of the host's tree, read from the OS."""
        seen: dict[int, float] = {}
        for p in self.tree():
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                seen[p.pid] = t.user + t.system
        return seen

    def host_cpu(self) -> float:
        """CPU seconds of the host process itself (all its threads), plus children it already reaped."""
        if self.psutil is None:
            return 0.0
        try:
            t = self.psutil.cpu_times()
        except psutil.Error:
            return 0.0
        return t.user + t.system + t.children_user + t.children_system

    def alive(self) -> bool:
        return self.poll() is None

    def poll(self) -> int | None:
        if self.exit_status is None:
            code = self.proc.poll()
            if code is not None:
                self.exit_status = code
        return self.exit_status

    def wait(self, timeout: float) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.exit_status = self.proc.wait(timeout)
        return self.exit_status

    def kill(self) -> int:
        """SIGKILL the host and everything it started; returns how many other processes were killed."""
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(2)
        self.poll()
        return self.kill_leftovers()

    def kill_leftovers(self) -> int:
        """SIGKILL what is left of the host's tree; returns how many processes other than the host were killed."""
        killed = procs.kill_until_gone(self.family, keep_unreaped=frozenset({self.pid}))  # its Popen reaps it
        self.poll()
        return len(killed - {self.pid})


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None
