"""The pytest plugin inside the graded child (`-p grader.plugin`): reports each test over a private pipe.

Loaded by pytest before collection, so before `submission` is imported: the clocks (via katakit) and the
reporting channel are bound first. Records are JSON lines carrying a token the parent wrote into a one-shot
pipe, so a submission printing or writing fake results is not believed. The reference solution is loaded from
DOJO_REFERENCE here, before the submission, and the variable is removed from the environment.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys
import time
import traceback
from typing import Any

import pytest

from grader import katakit

_perf_counter = time.perf_counter
_process_time = time.process_time
_write = os.write
_dumps = json.dumps

MESSAGE_CAP = 500


class _Channel:
    def __init__(self) -> None:
        self.fd = int(os.environ.pop("DOJO_RESULT_FD", "-1"))
        token_fd = int(os.environ.pop("DOJO_TOKEN_FD", "-1"))
        self.token = ""
        if token_fd >= 0:
            self.token = os.read(token_fd, 256).decode()
            os.close(token_fd)
        self.workdir = os.getcwd() + os.sep

    def send(self, record: dict[str, Any]) -> None:
        if self.fd < 0:
            return
        data = (_dumps({**record, "token": self.token}) + "\n").encode()
        while data:
            data = data[_write(self.fd, data) :]


_channel = _Channel()
_start = _perf_counter()
_tests: dict[str, dict[str, Any]] = {}


def _install_diagnostics() -> None:
    diag = int(os.environ.pop("DOJO_DIAG_FD", "-1"))
    if diag < 0:
        return
    # SIGUSR1: a C-level dump of every thread, works even while the GIL is held by a busy loop.
    faulthandler.register(signal.SIGUSR1, file=diag, all_threads=True)

    def dump_tasks(signum: int, frame: Any) -> None:
        # SIGUSR2: asyncio task stacks of the loop running in the main thread, if any.
        import asyncio.events
        import io

        loop = asyncio.events._get_running_loop()
        out = io.StringIO()
        if loop is not None:
            import asyncio

            for task in asyncio.all_tasks(loop):
                out.write(f"Task {task.get_name()} ({task.get_coro().__qualname__}):\n")
                task.print_stack(limit=8, file=out)
        out.write("END TASKS\n")
        os.write(diag, ("\nASYNCIO TASKS\n" + out.getvalue()).encode())

    signal.signal(signal.SIGUSR2, dump_tasks)


def _load_reference() -> None:
    path = os.environ.pop("DOJO_REFERENCE", None)
    if not path:
        return
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.append(folder)  # spawned worker processes can import `_dojo_reference` by name
    os.environ["DOJO_REFERENCE"] = path
    try:
        katakit.reference()
    finally:
        os.environ.pop("DOJO_REFERENCE", None)


_install_diagnostics()
_load_reference()


def _short(text: str) -> str:
    text = text.replace(_channel.workdir, "")
    return text if len(text) <= MESSAGE_CAP else text[: MESSAGE_CAP - 3] + "..."


def _where(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """The innermost frame in the learner's or the kata's file: `submission.py:12`."""
    for entry in reversed(excinfo.traceback):
        name = os.path.basename(str(entry.path))
        if name in ("submission.py", "test_kata.py"):
            return f"{name}:{entry.lineno + 1}"
    return ""


def _classify(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    if excinfo.errisinstance(katakit.TooSlow):
        return "too_slow"
    if excinfo.errisinstance(katakit.Inconclusive):
        return "inconclusive"
    if excinfo.errisinstance(MemoryError):
        return "memory_limit"
    return "failed"


def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    katakit.records.clear()
    katakit.notes.clear()
    _tests[nodeid] = {"status": "passed", "message": "", "verdict": "passed", "start": _perf_counter()}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    rep = yield
    info = _tests.get(item.nodeid)
    if info is None or call.excinfo is None or info["status"] not in ("passed", "skipped"):
        return rep
    exc = call.excinfo
    if exc.errisinstance(pytest.skip.Exception):
        info.update(status="skipped", message=_short(str(exc.value)))
        return rep
    kind = _classify(exc)
    where = _where(exc)
    message = exc.exconly().strip()
    if isinstance(exc.value, katakit.TooSlow | katakit.Inconclusive):
        message = str(exc.value)
    elif isinstance(exc.value, AssertionError):
        message = message.removeprefix("AssertionError: ")
        # A kata's own words come first; pytest's rewritten-assert detail ("assert False / + where ...") after
        # them only adds object addresses for a learner.
        words, detail, _ = message.partition("\nassert ")
        if detail and words.strip():
            message = words
    if where:
        message = f"{message} ({where})"
    if kind == "inconclusive":
        status = "skipped"
    elif call.when == "call":
        status = "failed"
    else:
        status = "error"
    info.update(status=status, verdict=kind if status != "error" else "failed", message=_short(message))
    if kind == "memory_limit":
        info["verdict"] = "memory_limit"
    return rep


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    info = _tests.get(report.nodeid)
    if info is not None and report.when == "call":
        out = (report.capstdout or "") + (report.capstderr or "")
        info["output"] = _short(out[-MESSAGE_CAP:]) if out else ""


def pytest_runtest_logfinish(nodeid: str, location: Any) -> None:
    info = _tests.pop(nodeid, None)
    if info is None:
        return
    _channel.send(
        {
            "kind": "test",
            "name": nodeid.split("::", 1)[-1],
            "status": info["status"],
            "verdict": info["verdict"],
            "message": info["message"],
            "output": info.get("output", ""),
            "duration_s": _perf_counter() - info["start"],
            "timings": [t.as_dict() for t in katakit.records],
            "notes": [_short(n) for n in katakit.notes],
        }
    )


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        text = str(report.longrepr)
        memory = "MemoryError" in text.splitlines()[-1] if text else False
        lines = [ln for ln in text.splitlines() if ln.startswith("E ")]
        message = "\n".join(ln[1:].strip() for ln in lines[-6:]) or text[-MESSAGE_CAP:]
        _channel.send(
            {"kind": "collect_error", "name": report.nodeid, "message": _short(message), "memory": memory}
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _channel.send(
        {
            "kind": "final",
            "exitstatus": int(exitstatus),
            "collected": session.testscollected,
            "wall_s": _perf_counter() - _start,
            "cpu_s": _process_time(),
        }
    )


def pytest_internalerror(excrepr: Any, excinfo: Any) -> None:
    _channel.send(
        {"kind": "internal_error", "message": _short("".join(traceback.format_exception_only(excinfo.value)))}
    )
