"""The pytest plugin of the judge (`-p grader.judge.plugin`): trusted code only, in a process without the submission.

At load, before collection, it starts the host (the graded process, under limits) and installs
`sys.modules["submission"]`, a handle on it (grader.judge.client). Each test's outcome goes to the runner over a
private pipe. A watchdog ends the run at the kata's time limit with the host's thread and task stacks; at the end the
host is asked to leave, and what it left running is counted and killed. The verdict is decided by the runner from
these records alone; nothing the host says is a record.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from typing import Any

import pytest

from grader import katakit
from grader.judge import session
from grader.judge.client import HostExited, HostImportError

_perf_counter = time.perf_counter
MESSAGE_CAP = 4000  # generous: a message is never cut mid-word (cut at a line end, marked)
OUTPUT_CAP = 2000


class _Channel:
    """Records to the runner: JSON lines on an inherited pipe, with the run's token (read once from a pipe)."""

    def __init__(self) -> None:
        self.fd = int(os.environ.pop("DOJO_RESULT_FD", "-1"))
        token_fd = int(os.environ.pop("DOJO_TOKEN_FD", "-1"))
        self.token = ""
        if token_fd >= 0:
            self.token = os.read(token_fd, 256).decode()
            os.close(token_fd)
        self._lock = threading.Lock()

    def send(self, record: dict[str, Any]) -> None:
        if self.fd < 0:
            return
        data = (json.dumps({**record, "token": self.token}) + "\n").encode()
        with self._lock:
            while data:
                data = data[os.write(self.fd, data) :]


_channel = _Channel()
_start = _perf_counter()
_tests: dict[str, dict[str, Any]] = {}
_run = session.start_from_env(_channel.send)


def _short(text: str, cap: int = MESSAGE_CAP) -> str:
    """Whole messages; only a runaway one is cut, at a line end, and says so."""
    if len(text) <= cap:
        return text
    cut = text.rfind("\n", 0, cap)
    cut = cut if cut > cap // 2 else text.rfind(" ", 0, cap)
    return text[: max(cut, 1)].rstrip() + "\n[... cut: the message was longer]"


def _where(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """Where it went wrong, for the learner: a line of their file, or the test's own assertion quoted."""
    frames = getattr(excinfo.value, "host_frames", None)
    if frames:
        last = frames[-1]
        return f"submission.py:{last.get('line')}"
    return ""


def _assertion(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """The assert statement of the kata's test that failed, quoted (the learner does not have the test file)."""
    for entry in reversed(excinfo.traceback):
        if os.path.basename(str(entry.path)) == "test_kata.py":
            try:
                return str(entry.statement).strip()
            except Exception:
                return ""
    return ""


def _classify(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    if excinfo.errisinstance(katakit.TooSlow):
        return "too_slow"
    if excinfo.errisinstance(katakit.Inconclusive):
        return "inconclusive"
    if excinfo.errisinstance(MemoryError):
        return "memory_limit"
    if excinfo.errisinstance(HostExited) or excinfo.errisinstance(HostImportError):
        return "error"
    return "failed"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Code that cannot be imported is one error for the run, not the same error once per test."""
    if _run is None:
        return
    try:
        _run.module._load()
    except HostImportError as e:
        time.sleep(0.05)  # the host printed before it answered: let the output reader catch up
        printed = _run.output_since(0)  # what the code printed before it failed: often the best clue
        _channel.send(
            {
                "kind": "collect_error",
                "name": "submission.py",
                "message": _short(str(e)),
                "host": True,
                "output": _short(printed[-OUTPUT_CAP:], OUTPUT_CAP) if printed else "",
            }
        )
        items[:] = []


def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    katakit.records.clear()
    katakit.notes.clear()
    _tests[nodeid] = {
        "status": "passed",
        "message": "",
        "verdict": "passed",
        "start": _perf_counter(),
        "output_at": _run.output_mark() if _run else 0,
    }


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
    message = exc.exconly().strip()
    if isinstance(exc.value, katakit.TooSlow | katakit.Inconclusive | HostExited | HostImportError):
        message = str(exc.value)
    elif isinstance(exc.value, AssertionError):
        message = message.removeprefix("AssertionError: ")
        # A kata's own words come first; pytest's rewritten-assert detail only adds object addresses.
        words, detail, _ = message.partition("\nassert ")
        if detail and words.strip():
            message = words
        elif not words.strip() or message.startswith("assert "):
            quoted = _assertion(exc)
            message = f"this check failed: {quoted}" if quoted else message
    where = _where(exc)
    if where:
        message = f"{message} ({where})"
    if kind == "inconclusive":
        status = "skipped"
    elif kind == "error" or call.when != "call":
        status = "error"
    else:
        status = "failed"
    verdict = kind if status != "error" or kind == "error" else "failed"
    info.update(status=status, verdict=verdict, message=_short(message))
    return rep


def pytest_runtest_logfinish(nodeid: str, location: Any) -> None:
    info = _tests.pop(nodeid, None)
    if info is None:
        return
    output = _run.output_since(info["output_at"]) if _run else ""
    _channel.send(
        {
            "kind": "test",
            "name": nodeid.split("::", 1)[-1],
            "status": info["status"],
            "verdict": info["verdict"],
            "message": info["message"],
            "output": _short(output[-OUTPUT_CAP:], OUTPUT_CAP) if output else "",
            "duration_s": _perf_counter() - info["start"],
            "timings": [t.as_dict() for t in katakit.records],
            "notes": [_short(n) for n in katakit.notes],
        }
    )


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if not report.failed:
        return
    text = str(report.longrepr)
    excinfo = getattr(report, "_dojo_excinfo", None)
    memory = "MemoryError" in text.splitlines()[-1] if text else False
    lines = [ln for ln in text.splitlines() if ln.startswith("E ")]
    message = "\n".join(ln[1:].strip() for ln in lines[-6:]) or text[-MESSAGE_CAP:]
    host_import = "HostImportError" in text or excinfo is not None
    _channel.send(
        {
            "kind": "collect_error",
            "name": report.nodeid,
            "message": _short(message),
            "memory": memory,
            "host": host_import,
        }
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    end = _run.finish() if _run else {}
    _channel.send(
        {
            "kind": "final",
            "exitstatus": int(exitstatus),
            "collected": session.testscollected,
            "wall_s": _perf_counter() - _start,
            **end,
        }
    )


def pytest_internalerror(excrepr: Any, excinfo: Any) -> None:
    _channel.send(
        {"kind": "internal_error", "message": _short("".join(traceback.format_exception_only(excinfo.value)))}
    )


__all__ = ["HostImportError", "sys"]
