"""Make a race show up in every grading run: thread switches forced between any two instructions of a module.

Kata tests of races (lost updates, deadlocks) use `switch_anywhere(submission)`. CPython 3.11-3.13 with the GIL
checks for a thread switch only at some instructions (calls, loop back-edges), so `total += w` without a call
inside rarely breaks there today, and a race that loses one run in three would let a racy solution pass. This
releases the GIL before a random share of the module's instructions, as a free-threaded build (3.13t, 3.14t) or
an unlucky day would: sys.monitoring INSTRUCTION events on 3.12+, an opcode tracer on 3.11.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType, FrameType, FunctionType, ModuleType
from typing import Any

_random = random.random  # bound here: a C function, safe to call from any thread
_sleep = time.sleep
_share = 0.1


def _maybe_yield(*_: Any) -> None:
    if _random() < _share:
        _sleep(0)  # releases the GIL: another thread may run right here, between two instructions


def _trace_opcodes(frame: FrameType, event: str, arg: Any) -> Any:
    frame.f_trace_opcodes = True
    if event == "opcode":
        _maybe_yield()
    return _trace_opcodes


def _module_code(module: ModuleType) -> set[CodeType]:
    """The code objects of `module`: its functions, methods and everything nested in them."""
    path = str(Path(module.__file__ or "").resolve())
    found: set[CodeType] = set()

    def add(code: CodeType) -> None:
        if code not in found and str(Path(code.co_filename).resolve()) == path:
            found.add(code)
            for const in code.co_consts:
                if isinstance(const, CodeType):
                    add(const)

    def visit(obj: Any) -> None:
        obj = getattr(obj, "__func__", obj)  # staticmethod, classmethod
        if isinstance(obj, FunctionType):
            add(obj.__code__)
        elif isinstance(obj, property):
            for f in (obj.fget, obj.fset, obj.fdel):
                visit(f)
        elif isinstance(obj, type) and obj.__module__ == module.__name__:
            for attr in vars(obj).values():
                visit(attr)

    for value in vars(module).values():
        visit(value)
    return found


@contextmanager
def switch_anywhere(module: ModuleType, *, share: float = 0.1, interval: float = 1e-6) -> Iterator[None]:
    """A tiny switch interval, plus a GIL release before a random `share` of `module`'s instructions.

    3.12+: sys.monitoring INSTRUCTION events on the submission's code objects (every thread). 3.11: a tracer
    with opcode events on the threads started inside the block (the workers).
    """
    global _share
    _share = share
    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    monitoring = getattr(sys, "monitoring", None)
    codes = _module_code(module)
    try:
        if monitoring is None:
            threading.settrace(lambda frame, event, arg: _trace_opcodes if frame.f_code in codes else None)
            yield
        else:
            tool = next(i for i in range(6) if monitoring.get_tool(i) is None)
            monitoring.use_tool_id(tool, "dojo-kata-preempt")
            try:
                monitoring.register_callback(tool, monitoring.events.INSTRUCTION, _maybe_yield)
                for code in codes:
                    monitoring.set_local_events(tool, code, monitoring.events.INSTRUCTION)
                yield
            finally:
                for code in codes:
                    monitoring.set_local_events(tool, code, 0)
                monitoring.register_callback(tool, monitoring.events.INSTRUCTION, None)
                monitoring.free_tool_id(tool)
    finally:
        if monitoring is None:
            threading.settrace(None)  # type: ignore[arg-type]
        sys.setswitchinterval(old)
