"""Explain a timeout: where each thread and asyncio task was stuck, and what that looks like.

Input is the child's own dump taken just before the kill: faulthandler's stacks of every thread (SIGUSR1) and
the asyncio task stacks of the main thread's loop (SIGUSR2), plus its CPU and wall time. The label is one of:
deadlock, blocked event loop, too slow, stuck waiting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grader.verdict import Diagnosis

SUBMISSION = "submission.py"
_HOST = "/grader/host/"  # the host's own frames: never where the learner's code is stuck
DUMP_CAP = 6000
_FRAME = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<func>\S+)')
_THREAD = re.compile(r"^(?P<current>Current thread|Thread) (?P<ident>0x[0-9a-f]+)")
_TASK_FRAME = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')
_WAITS = ("acquire", "wait", "join", "_wait_for_tstate_lock", "get", "put", "result", "sleep")
# A C call (lock.acquire, time.sleep) leaves no Python frame: the submission's own line tells what it waits on.
_LOCK_LINE = re.compile(r"^\s*(async\s+)?with\s|\.acquire\(|\.join\(|\.wait\(|\.get\(|\.put\(|\.result\(")
_SLEEP_LINE = re.compile(r"sleep\(")


@dataclass
class Thread:
    ident: str
    current: bool
    frames: list[tuple[str, int, str]] = field(default_factory=list)  # innermost first

    def mine(self) -> tuple[str, int, str] | None:
        return next((f for f in self.frames if f[0].endswith(SUBMISSION)), None)

    def in_loop_callback(self) -> bool:
        return any(f[0].endswith("asyncio/events.py") and f[2] == "_run" for f in self.frames)

    def loop_idle(self) -> bool:
        return bool(self.frames) and self.frames[0][0].endswith("selectors.py")


def parse_threads(dump: str) -> list[Thread]:
    threads: list[Thread] = []
    for line in dump.splitlines():
        if m := _THREAD.match(line):
            threads.append(Thread(m["ident"], m["current"] == "Current thread"))
        elif (m := _FRAME.match(line)) and threads:
            threads[-1].frames.append((m["file"], int(m["line"]), m["func"]))
    return threads


def parse_tasks(dump: str) -> list[str]:
    """One line per pending task: its name and where it waits in the submission."""
    if "ASYNCIO TASKS" not in dump:
        return []
    section = dump.split("ASYNCIO TASKS", 1)[1]
    out: list[str] = []
    name = ""
    for line in section.splitlines():
        if line.startswith("Task "):
            name = line[5:].rstrip(":")
        elif (m := _TASK_FRAME.match(line)) and m["file"].endswith(SUBMISSION) and name:
            out.append(f"task {name} waits at {SUBMISSION}:{m['line']} in {m['func']}()")
            name = ""
    return out


def _is_main(t: Thread) -> bool:
    # The signal may land on any thread; the main one is the thread that started in runpy (python -m pytest).
    return bool(t.frames) and "runpy" in t.frames[-1][0]


def _main_thread(threads: list[Thread]) -> Thread | None:
    """The thread that runs the event loop: the host's loop thread, or else the main thread."""
    loop = next((t for t in threads if _is_loop(t)), None)
    return loop or next((t for t in threads if _is_main(t)), None)


def _is_loop(t: Thread) -> bool:
    return any(f[2] == "run_forever" for f in t.frames) and any(_HOST in f[0] for f in t.frames)


def _machinery(t: Thread) -> bool:
    """A thread of the host itself (reading requests, waiting for the next call): nothing of the learner's."""
    return t.mine() is None and not _is_loop(t) and any(_HOST in f[0] for f in t.frames)


def learner_threads(dump: str) -> list[Thread]:
    return [t for t in parse_threads(dump) if not _machinery(t)]


def _line(source: list[str], lineno: int) -> str:
    return source[lineno - 1].strip() if 0 < lineno <= len(source) else ""


def _where(t: Thread, source: list[str]) -> str | None:
    f = t.mine()
    if f is None:
        return None
    inner = t.frames[0]
    call = "" if inner == f else f", inside {inner[2]}()"
    who = "main thread" if _is_main(t) else f"thread {t.ident}"
    text = _line(source, f[1])
    return f"{SUBMISSION}:{f[1]} in {f[2]}(){call} ({who})" + (f": {text}" if text else "")


def _wait_kind(t: Thread, source: list[str]) -> str | None:
    """'lock' (locks, joins, queues, futures), 'sleep', or None when the thread is not waiting."""
    if not t.frames:
        return None
    inner = t.frames[0]
    if not inner[0].endswith(SUBMISSION):
        if inner[2] == "sleep":
            return "sleep"
        return "lock" if inner[2] in _WAITS else None
    text = _line(source, inner[1])
    if _SLEEP_LINE.search(text):
        return "sleep"
    return "lock" if _LOCK_LINE.search(text) else None


def diagnose(dump: str, cpu_s: float, wall_s: float, source: str = "") -> Diagnosis:
    lines = source.splitlines()
    threads = learner_threads(dump)
    tasks = parse_tasks(dump)
    where = [w for t in threads if (w := _where(t, lines))] + tasks
    busy = wall_s > 0 and cpu_s / wall_s > 0.5
    main = _main_thread(threads)
    capped = dump[:DUMP_CAP]
    if not threads:
        label = "too slow" if busy else "stuck waiting"
        return Diagnosis(label, f"no stacks could be taken; CPU {cpu_s:.1f} s over {wall_s:.1f} s", where, capped)
    if main is not None and main.in_loop_callback() and main.mine() is not None:
        summary = f"the event loop was blocked at {_where(main, lines)}: a blocking call inside async code"
        return Diagnosis("blocked event loop", summary, where, capped)
    if main is not None and main.loop_idle() and tasks:
        summary = f"the event loop was idle while {len(tasks)} task(s) waited for something that never came"
        return Diagnosis("deadlock", summary, where, capped)
    kinds = [_wait_kind(t, lines) for t in threads]
    locked = [t for t, k in zip(threads, kinds, strict=True) if k == "lock"]
    if not busy and (len(locked) >= 2 or (locked and all(kinds))):
        summary = f"{len(locked)} thread(s) waited on locks, joins or queues and none could move on"
        return Diagnosis("deadlock", summary, where, capped)
    # A thread of the submission that is not waiting is computing; on a loaded machine it may get well under
    # one CPU, so the stacks decide and the CPU share only rules out a process that did nothing at all.
    computing = any(k is None and t.mine() is not None for t, k in zip(threads, kinds, strict=True))
    if busy or (computing and wall_s > 0 and cpu_s / wall_s > 0.1):
        summary = f"the code kept computing ({cpu_s:.1f} s CPU in {wall_s:.1f} s): an endless loop or slow code"
        return Diagnosis("too slow", summary, where, capped)
    return Diagnosis("stuck waiting", "the code waited (sleep, I/O or a lock) and used little CPU", where, capped)


def diagnose_hang(dump: str, source: str = "") -> Diagnosis:
    """The tests finished but the interpreter would not exit: a non-daemon thread (or process) still running."""
    threads = [t for t in learner_threads(dump) if not _is_main(t)]
    where = [w for t in threads if (w := _where(t, source.splitlines()))]
    summary = "a thread that is not a daemon was still running (join it, or make it stop)"
    if where:
        summary += f"; it was at {where[0]}"
    return Diagnosis("thread left running", summary, where, dump[:DUMP_CAP])
