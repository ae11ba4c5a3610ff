"""Event-loop lag measured inside the host, where the submission's loop runs, and the call that blocked it.

A probe posted to the loop every `interval` seconds measures how long it waits to run: a blocked loop shows waits
of hundreds of ms, a free one well under a millisecond. While a probe is overdue, the loop thread's stack is read,
so a report can name the blocking call: `submission.py:21 in fetch_one(), calling blocking_fetch()`.

This runs in the graded process, so the submission can change what it sees (patch the clock, cancel the task):
a kata's judge uses it only to fail a submission or to explain a failure, never to pass one (DESIGN section 5).
The judge's own evidence is its heartbeat probe, timed from outside. Imported by kata host drivers: stdlib only.
"""

from __future__ import annotations

import ast
import asyncio
import linecache
import sys
import threading
import time
from types import FrameType
from typing import Any

# Bound at import. The submission is imported first and could have patched them already: that only changes a
# host-side number, which can fail a verdict but never pass one.
_perf_counter = time.perf_counter
_current_frames = sys._current_frames


class LoopLag:
    """The running loop's responsiveness while a block of code runs, and what blocked it.

        async with LoopLag() as lag:
            await submission.fetch_all(ids)
        lag.report()  # {"max_gap": 0.93, "blocker": "submission.py:21 in fetch_one(), calling blocking_fetch()"}

    Or `lag.start()` (on the loop's thread) and later `await lag.stop()`, for a watch that spans several calls.

    A watchdog thread posts a probe to the loop every `interval` (`call_soon_threadsafe`) and measures how long it
    waited to run: the loop's lag. It needs neither the loop's timers nor `asyncio.sleep`, so a submission that
    patches those cannot make the watch itself hang or spin. While a probe is overdue the thread reads the loop
    thread's stack, so the longest stall comes with the line that caused it.
    """

    def __init__(self, interval: float = 0.01, focus: str = "submission.py") -> None:
        self.interval = interval
        self.focus = focus
        self.max_gap = 0.0
        self.blocker: str | None = None  # where the loop was stuck during its longest stall
        self._stall_blocker: str | None = None  # where it is stuck in the current stall, if one is going on
        self._posted: float | None = None  # when the probe now waiting to run was posted
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None

    def start(self) -> LoopLag:
        """Start watching the running loop (call this on its thread)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._watch = threading.Thread(target=self._watchdog, name="dojo-looplag", daemon=True)
        self._watch.start()
        return self

    async def stop(self) -> dict[str, Any]:
        self._stop.set()
        if self._watch is not None:
            self._watch.join(1)
        with self._lock:  # a probe still waiting has waited at least this long: a block right at the end counts
            if self._posted is not None:
                self._gap(_perf_counter() - self._posted)
        return self.report()

    async def __aenter__(self) -> LoopLag:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def report(self) -> dict[str, Any]:
        """Plain data for the judge: the largest gap (seconds) and where the loop was stuck, if it was seen."""
        return {"max_gap": self.max_gap, "blocker": self.blocker}

    def _gap(self, gap: float) -> None:
        if gap > self.max_gap:
            self.max_gap = gap
            if self._stall_blocker is not None:
                self.blocker = self._stall_blocker
        self._stall_blocker = None

    def _answer(self, posted: float) -> None:  # runs on the loop
        with self._lock:
            if self._posted == posted:
                self._gap(_perf_counter() - posted)
                self._posted = None

    def _watchdog(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                posted = self._posted
                if posted is None:
                    self._posted = now = _perf_counter()
            if posted is None:
                try:
                    self._loop.call_soon_threadsafe(self._answer, now)
                except RuntimeError:  # the loop was closed: nothing left to watch
                    return
            elif _perf_counter() - posted > 5 * self.interval + 0.02 and self._stall_blocker is None:
                self._stall_blocker = innermost(_current_frames().get(self._loop_thread), self.focus)


def innermost(frame: FrameType | None, focus: str = "submission.py") -> str | None:
    """The deepest frame of the learner's file, and the call it was making: the Python function one level below
    it, or, for a C function such as `time.sleep`, the name read from the call expression at that line."""
    callee = None
    while frame is not None:
        code = frame.f_code
        if code.co_filename.endswith(focus):
            callee = callee or _called_here(frame)
            where = f"{focus}:{frame.f_lineno} in {code.co_name}()"
            return f"{where}, calling {callee}()" if callee else where
        callee = code.co_name
        frame = frame.f_back
    return None


def _called_here(frame: FrameType) -> str | None:
    """The name of the function a frame is calling right now, from the source span of its current instruction
    (`time.sleep(0.2)` -> `sleep`). None when it cannot tell: the report then names only the line."""
    try:
        positions = list(frame.f_code.co_positions())
        line, end_line, col, end_col = positions[frame.f_lasti // 2]
        if line is None or end_line is None or col is None or end_col is None:
            return None
        lines = [linecache.getline(frame.f_code.co_filename, n) for n in range(line, end_line + 1)]
        if len(lines) == 1:
            text = lines[0][col:end_col]
        else:
            text = "".join([lines[0][col:], *lines[1:-1], lines[-1][:end_col]])
        node = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, IndexError, AttributeError, TypeError):
        return None
    while isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None
