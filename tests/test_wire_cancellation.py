"""Cancellation and failures across the judge/host wire behave as they would in one process (issue 9).

A tiny kata is graded for real: its tests (in the judge) call a submission (in the host) that awaits the judge's own
coroutine functions. The kata's tests assert the semantics; this module asserts that they all passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.bank import load_bank
from grader.runner import grade

KATA_YAML = """\
format_version: 1
slug: wire-cancel
title: Cancellation across the wire
difficulty: 1
topics: [asyncio]
requires_python: ">=3.11"
time_limit_s: 30
memory_limit_mb: 512
hints: [one, two, three]
"""

SUBMISSION = """\
import asyncio
import sys


async def with_timeout(service, budget):
    try:
        async with asyncio.timeout(budget):
            return await service()
    except TimeoutError:
        return None


async def swallow(service):
    try:
        return await service()
    except asyncio.CancelledError:
        return "swallowed"


async def in_group(*jobs):
    async with asyncio.TaskGroup() as tg:
        for job in jobs:
            tg.create_task(job())


async def leave():
    sys.exit(3)
"""

TESTS = '''\
import asyncio

import pytest
import submission

from grader.judge.client import HostExited


class Service:
    """The judge's slow callee: sleeps 30 s; its cleanup awaits 50 ms."""

    def __init__(self):
        self.started = asyncio.Event()
        self.cancelled = self.cleaned = False

    async def __call__(self):
        self.started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        finally:
            await asyncio.sleep(0.05)
            self.cleaned = True


def test_a_timeout_in_the_host_waits_for_the_judges_cleanup():
    async def main():
        s = Service()
        result = await submission.with_timeout(s, 0.05)
        return result, s.cancelled, s.cleaned

    assert asyncio.run(main()) == (None, True, True)


def test_cancelling_the_call_reaches_the_host_and_its_callee():
    async def main():
        s = Service()
        task = asyncio.ensure_future(submission.with_timeout(s, 10))
        await s.started.wait()
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "cancelled", s.cancelled, s.cleaned
        return "returned", s.cancelled, s.cleaned

    assert asyncio.run(main()) == ("cancelled", True, True)


def test_a_swallowed_cancel_is_seen_as_a_return():
    async def main():
        s = Service()
        task = asyncio.ensure_future(submission.swallow(s))
        await s.started.wait()
        task.cancel()
        return await task, s.cleaned

    assert asyncio.run(main()) == ("swallowed", True)


def _leaves(e):
    return [x for inner in e.exceptions for x in _leaves(inner)] if isinstance(e, BaseExceptionGroup) else [e]


def test_exception_groups_cross_with_their_leaves_both_ways():
    async def bad():
        raise ExceptionGroup("inner", [ConnectionResetError("r"), KeyError("k")])

    async def main():
        try:
            await submission.in_group(bad)
        except BaseExceptionGroup as e:
            return e

    leaves = _leaves(asyncio.run(main()))
    assert [type(x) for x in leaves] == [ConnectionResetError, KeyError]
    assert leaves[0].args == ("r",) and leaves[1].args == ("k",)


def test_callees_failing_together_all_reach_the_task_group():
    async def main():
        both = asyncio.Event()
        arrived = []

        def failing(i):
            async def job():
                arrived.append(i)
                if len(arrived) == 2:
                    both.set()
                await both.wait()
                raise ConnectionError(f"c{i}")

            return job

        try:
            await submission.in_group(failing(1), failing(2), Service())
        except BaseExceptionGroup as e:
            return sorted(str(x) for x in _leaves(e))

    assert asyncio.run(main()) == ["c1", "c2"]


def test_sys_exit_inside_an_async_call_is_an_early_exit():
    with pytest.raises(HostExited, match="sys.exit"):
        asyncio.run(submission.leave())
'''


@pytest.mark.slow
def test_the_wire_keeps_asyncio_semantics(tmp_path: Path) -> None:
    kata_dir = tmp_path / "katas" / "wire-cancel"
    kata_dir.mkdir(parents=True)
    (kata_dir / "kata.yaml").write_text(KATA_YAML, encoding="utf-8")
    (kata_dir / "prompt.md").write_text("# Cancellation across the wire\n", encoding="utf-8")
    for name in ("solution.py", "starter.py"):
        (kata_dir / name).write_text(SUBMISSION, encoding="utf-8")
    (kata_dir / "test_kata.py").write_text(TESTS, encoding="utf-8")
    kata = load_bank([tmp_path]).kata("wire-cancel")
    verdict = grade(kata, kata_dir / "solution.py").to_json()
    failed = [f"{t['name']}: {t['message']}" for t in verdict["tests"] if t["status"] != "passed"]
    assert not failed, "\n".join(failed)
    assert verdict["verdict"] == "passed", verdict["message"]
    assert len(verdict["tests"]) == 6
