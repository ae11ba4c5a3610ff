"""Run one graded child process under limits, collect its records, and leave nothing of it behind.

The child runs in a new session with stdin from /dev/null, RLIMIT_CPU/AS/FSIZE/NOFILE(/NPROC), its output read
through a pipe with a cap, and a wall-clock deadline. The parent is a child subreaper (prctl), so grandchildren
that call setsid() and outlive their parent are re-parented to us and found and killed at the end. Running as
root, the child drops to an unprivileged uid (grader.privileges) so it cannot write the bank.
"""

from __future__ import annotations

import ctypes
import os
import resource
import selectors
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from grader import privileges, procs
from grader.privileges import Privileges

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
DIAG_CAP = 64 * 1024
OUTPUT_KEEP = 16 * 1024

_libc = ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True)
class Limits:
    wall_s: float
    memory_mb: int
    cpu_s: int = 0  # 0: derived from wall_s and the CPU count
    fsize_mb: int = 128
    nofile: int = 512
    nproc: int = 256  # only enforced when the child is not root
    output_bytes: int = 1 << 20
    grace_s: float = 3.0  # how long a child may take to exit after its final record


@dataclass
class ChildResult:
    records: list[dict] = field(default_factory=list)
    forged: int = 0  # lines on the result channel without our token
    output: bytes = b""  # the first OUTPUT_KEEP bytes
    output_bytes: int = 0
    output_exceeded: bool = False
    timed_out: bool = False
    hung_after_final: bool = False
    returncode: int | None = None  # negative: killed by that signal
    wall_s: float = 0.0
    cpu_s: float = 0.0  # child CPU time (wait4), or from /proc at the kill
    maxrss_mb: float = 0.0
    diag: str = ""  # faulthandler + asyncio dump taken before a kill
    leftovers: int = 0  # processes still running after the child exited (killed by us)
    uid: int = -1


def become_subreaper() -> bool:
    return _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def make_preexec(priv: Privileges, stash: str, limits: Limits) -> Callable[[], None]:
    cpu = limits.cpu_s or int(limits.wall_s * max(1, os.cpu_count() or 1)) + 5
    memory = limits.memory_mb * 1024 * 1024

    def preexec() -> None:
        privileges.enter(priv, stash)
        if priv.uid is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc, limits.nproc))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        if memory:  # 0: no address-space limit (the judge: trusted, and its pools reserve a lot of address space)
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.fsize_mb << 20, limits.fsize_mb << 20))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.nofile, limits.nofile))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # the grader died: so does the child

    return preexec


# ---------------------------------------------------------------- the run


class Child:
    """A started graded child. `wait()` supervises it to the end and returns what it saw; `cancel()` kills it."""

    def __init__(
        self,
        argv: list[str],
        *,
        cwd: str,
        env: dict[str, str],
        limits: Limits,
        token: str,
        privileges: Privileges,
        stash: str,
    ) -> None:
        import subprocess

        become_subreaper()
        self.limits, self.token = limits, token
        self.res = ChildResult(uid=privileges.uid if privileges.uid is not None else os.geteuid())
        self.out_r, out_w = os.pipe()
        self.rec_r, rec_w = os.pipe()
        self.diag_r, diag_w = os.pipe()
        tok_r, tok_w = os.pipe()
        os.write(tok_w, token.encode())
        os.close(tok_w)
        env = {**env, "DOJO_RESULT_FD": str(rec_w), "DOJO_TOKEN_FD": str(tok_r), "DOJO_DIAG_FD": str(diag_w)}
        self.before = procs.my_children()
        self.start = time.monotonic()
        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out_w,
                stderr=out_w,
                pass_fds=(rec_w, tok_r, diag_w),
                start_new_session=True,
                preexec_fn=make_preexec(privileges, stash, limits),
            )
        except BaseException:
            for fd in (self.out_r, self.rec_r, self.diag_r):
                os.close(fd)
            raise
        finally:
            for fd in (out_w, rec_w, diag_w, tok_r):
                os.close(fd)
        self.pid = proc.pid
        proc.returncode = 0  # we reap it ourselves with wait4; keep Popen from trying again
        self.sel = selectors.DefaultSelector()
        for fd in (self.out_r, self.rec_r, self.diag_r):
            os.set_blocking(fd, False)
            self.sel.register(fd, selectors.EVENT_READ)
        self.buf = bytearray()
        self.diag = bytearray()
        self.final_at: float | None = None
        self.on_record: Callable[[dict], None] | None = None
        self.done = False

    def _drain(self, timeout: float) -> None:
        res = self.res
        for key, _ in self.sel.select(timeout):
            fd = key.fd
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                self.sel.unregister(fd)
                continue
            if fd == self.out_r:
                res.output_bytes += len(chunk)
                if len(res.output) < OUTPUT_KEEP:
                    res.output += chunk[: OUTPUT_KEEP - len(res.output)]
                if res.output_bytes > self.limits.output_bytes:
                    res.output_exceeded = True
            elif fd == self.diag_r:
                if len(self.diag) < DIAG_CAP:
                    self.diag.extend(chunk)
            else:
                self.buf.extend(chunk)
                while b"\n" in self.buf:
                    line, _, rest = bytes(self.buf).partition(b"\n")
                    self.buf[:] = rest
                    self._accept(line)

    def _accept(self, line: bytes) -> None:
        import json

        try:
            rec = json.loads(line)
        except ValueError:
            self.res.forged += 1
            return
        if not isinstance(rec, dict) or rec.pop("token", None) != self.token:
            self.res.forged += 1
            return
        self.res.records.append(rec)
        if rec.get("kind") == "final":
            self.final_at = time.monotonic()
        if self.on_record is not None:
            self.on_record(rec)

    def wait(self, on_record: Callable[[dict], None] | None = None) -> ChildResult:
        self.on_record = on_record
        res, limits, pid = self.res, self.limits, self.pid
        while True:
            self._drain(0.02)
            pid_done, status, rusage = os.wait4(pid, os.WNOHANG)
            if pid_done == pid:
                break
            now = time.monotonic()
            over = now - self.start > limits.wall_s
            hung = self.final_at is not None and now - self.final_at > limits.grace_s
            if over or hung or res.output_exceeded:
                res.timed_out, res.hung_after_final = over and not hung, hung
                if not res.output_exceeded:
                    self.diag.extend(_dump_stacks(pid, self.sel, self.diag_r))
                res.cpu_s = procs.proc_cpu(pid)
                if procs.alive(pid):
                    os.killpg(pid, signal.SIGKILL)
                _, status, rusage = os.wait4(pid, 0)
                break
        res.wall_s = time.monotonic() - self.start
        res.cpu_s = res.cpu_s or rusage.ru_utime + rusage.ru_stime
        res.maxrss_mb = rusage.ru_maxrss / 1024
        res.returncode = os.waitstatus_to_exitcode(status)
        # Descendants get a moment to end on their own (a resource tracker sees EOF and exits).
        deadline = time.monotonic() + 1.0
        while procs.family(pid, self.before) and time.monotonic() < deadline:
            self._drain(0.02)
        res.leftovers = procs.kill_family(pid, self.before)
        self._close()
        return res

    def _close(self) -> None:
        procs.reap()
        end = time.monotonic() + 0.5
        while self.sel.get_map() and time.monotonic() < end:
            self._drain(0.02)
        if self.buf:
            self._accept(bytes(self.buf))
            self.buf.clear()
        for fd in (self.out_r, self.rec_r, self.diag_r):
            os.close(fd)
        self.sel.close()
        self.res.diag = self.diag.decode("utf-8", "replace")
        self.done = True

    def cancel(self) -> None:
        """Kill the run and everything it started (the caller no longer wants a verdict)."""
        if self.done:
            return
        import contextlib

        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.wait4(self.pid, 0)
        procs.kill_family(self.pid, self.before)
        self._close()


def _dump_stacks(pid: int, sel: selectors.BaseSelector, diag_r: int) -> bytes:
    """Ask the child for its thread stacks (SIGUSR1, faulthandler) and task stacks (SIGUSR2) before the kill."""
    got = bytearray()
    for sig, wait in ((signal.SIGUSR1, 0.3), (signal.SIGUSR2, 0.4)):
        try:
            os.kill(pid, sig)
        except OSError:
            return bytes(got)
        end = time.monotonic() + wait
        while time.monotonic() < end:
            ready = [k for k, _ in sel.select(0.05) if k.fd == diag_r]
            if ready:
                try:
                    chunk = os.read(diag_r, 65536)
                except BlockingIOError:
                    continue
                got.extend(chunk)
                if sig == signal.SIGUSR2 and b"END TASKS" in got:
                    break
    return bytes(got)


WARM_PACKAGES = ("_pytest", "pytest", "pluggy", "iniconfig", "packaging", "grader", "aiohttp", "multidict", "yarl")


def warm_bytecode() -> None:
    """Compile the packages the child imports, once, where we may write: the unprivileged child cannot write
    __pycache__ below site-packages, and compiling pytest from source costs it about a second on every run."""
    import importlib.util

    spec = importlib.util.find_spec("_pytest")
    if spec is None or spec.origin is None:
        return
    marker = importlib.util.cache_from_source(spec.origin)
    if os.path.exists(marker) or not os.access(os.path.dirname(spec.origin), os.W_OK):
        return
    import compileall

    for name in WARM_PACKAGES:
        found = importlib.util.find_spec(name)
        if found is not None and found.submodule_search_locations:
            for folder in found.submodule_search_locations:
                compileall.compile_dir(folder, quiet=2, workers=0)
