"""grader.host.looplag: the loop's lag seen inside the host, and the blocking call named with file and line.

Lower bounds only (a loop held by `time.sleep(0.25)` cannot answer sooner): never an upper wall-clock bound.
"""

from __future__ import annotations

import asyncio
import importlib.util
import time
from pathlib import Path
from types import ModuleType

import pytest

from grader.host.looplag import LoopLag

SUBMISSION = """\
import asyncio
import threading
import time


async def naps():
    time.sleep(0.25)


async def waits():
    threading.Event().wait(0.25)


async def multi_line():
    time.sleep(
        0.25,
    )


async def polite():
    await asyncio.sleep(0.05)
"""


@pytest.fixture
def submission(tmp_path: Path) -> ModuleType:
    path = tmp_path / "submission.py"
    path.write_text(SUBMISSION)
    spec = importlib.util.spec_from_file_location("_looplag_submission", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _watch(coro_fn) -> dict:
    async def main() -> dict:
        async with LoopLag() as lag:
            await coro_fn()
        return lag.report()

    return asyncio.run(main())


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_c_level_blocking_call_is_named_with_its_line(submission: ModuleType) -> None:
    report = _watch(submission.naps)
    assert report["max_gap"] >= 0.2
    line = _line(SUBMISSION, "time.sleep(0.25)")
    assert report["blocker"] == f"submission.py:{line} in naps(), calling sleep()"


def test_a_python_callee_is_named_from_the_frame_below(submission: ModuleType) -> None:
    report = _watch(submission.waits)
    line = _line(SUBMISSION, "threading.Event().wait(0.25)")
    assert report["blocker"] == f"submission.py:{line} in waits(), calling wait()"


def test_a_call_spread_over_lines_is_still_named(submission: ModuleType) -> None:
    report = _watch(submission.multi_line)
    assert report["blocker"] is not None and report["blocker"].endswith("in multi_line(), calling sleep()")


def test_a_free_loop_names_no_blocker(submission: ModuleType) -> None:
    report = _watch(submission.polite)
    assert report["blocker"] is None


def test_patched_sleep_and_loop_clock_neither_hang_nor_hide_the_block(
    submission: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A submission that makes asyncio.sleep instant and freezes the loop's clock: the watch needs neither."""

    async def instant(delay: float, result: object = None) -> object:
        return result

    frozen = time.monotonic()
    monkeypatch.setattr(asyncio, "sleep", instant)
    monkeypatch.setattr(asyncio.BaseEventLoop, "time", lambda self: frozen)
    report = _watch(submission.naps)
    assert report["max_gap"] >= 0.2
    assert report["blocker"] is not None and "calling sleep()" in report["blocker"]


def test_the_report_is_plain_data(submission: ModuleType) -> None:
    report = _watch(submission.polite)
    assert set(report) == {"max_gap", "blocker"}
    assert type(report["max_gap"]) is float


def test_start_and_stop_span_several_calls(submission: ModuleType) -> None:
    async def main() -> dict:
        lag = LoopLag().start()
        await submission.polite()
        await submission.naps()
        await submission.polite()
        return await lag.stop()

    report = asyncio.run(main())
    assert report["max_gap"] >= 0.2
    assert report["blocker"] is not None and "in naps()" in report["blocker"]
