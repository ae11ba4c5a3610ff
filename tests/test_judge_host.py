"""The judge/host wire and the host process, tested for real (issue 9): what crosses is plain data only, a liar's
object never compares equal, exceptions keep their type, callbacks are counted by the judge, and the host package
imports nothing else of ours."""

from __future__ import annotations

import ast
import json
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from grader.host.wire import MAX_MESSAGE, Channel, NotPlain, WireError, decode, encode
from grader.judge.client import HostClient, HostExited, HostModule, RemoteObject

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        -(2**80),
        1.5,
        float("inf"),
        "text",
        [1, [2, "x"]],
        (1, (2,)),
        {"a": 1, 2: (3,)},
        {1, 2},
        frozenset({"x"}),
        b"\x00\xff",
        3 + 4j,
    ],
)
def test_plain_values_come_back_equal_and_of_the_same_type(value: object) -> None:
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value and type(back) is type(value)


def test_numpy_arrays_cross_but_object_arrays_do_not() -> None:
    arr = np.arange(12, dtype=np.int64).reshape(3, 4)
    back = decode(json.loads(json.dumps(encode(arr))))
    assert back.dtype == arr.dtype and np.array_equal(back, arr)
    assert encode(np.int64(7)) == 7
    with pytest.raises(NotPlain):
        encode(np.array([1, 2], dtype=object))


def test_a_subclass_with_a_lying_eq_is_not_plain() -> None:
    class Yes(int):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = int.__hash__

    with pytest.raises(NotPlain):
        encode(Yes(3))
    with pytest.raises(NotPlain):
        encode([1, Yes(3)])


def test_an_oversized_frame_is_refused_before_it_is_read() -> None:
    a, b = socket.socketpair()
    a.sendall((MAX_MESSAGE + 1).to_bytes(4, "big"))
    with pytest.raises(WireError):
        Channel(b).recv()


@pytest.fixture
def host(tmp_path: Path):
    """A real host process (no sandbox: the wire and the protocol are what is tested here) on a submission."""

    def start(source: str) -> HostModule:
        (tmp_path / "submission.py").write_text(textwrap.dedent(source))
        judge, child = socket.socketpair()
        proc = subprocess.Popen(
            [sys.executable, "-I", "-B", "-m", "grader.host"],
            cwd=tmp_path,
            env={"DOJO_HOST_FD": str(child.fileno()), "PATH": "/usr/bin:/bin"},
            pass_fds=(child.fileno(),),
        )
        child.close()
        client = HostClient(Channel(judge), lambda: f"exit {proc.wait()}")
        pending = client._send({"op": "import", "driver": False})
        procs.append(proc)
        return HostModule(lambda: (client, pending))

    procs: list[subprocess.Popen] = []
    yield start
    for p in procs:
        p.kill()
        p.wait()


def test_calls_results_and_missing_names(host) -> None:
    sub = host(
        """
        def add(a, b):
            return a + b
        def pair(x):
            return (x, [x])
        """
    )
    assert sub.add(2, 3) == 5
    assert sub.pair("x") == ("x", ["x"])
    with pytest.raises(AttributeError):
        sub.nope  # noqa: B018


def test_a_liar_arrives_as_a_remote_object_equal_to_nothing(host) -> None:
    sub = host(
        """
        class Yes(list):
            def __eq__(self, other):
                return True
        def primes():
            return Yes([2, 3])
        """
    )
    got = sub.primes()
    assert isinstance(got, RemoteObject)
    assert got != [2, 3]
    assert (got == [2, 3]) is False


def test_exceptions_keep_their_type_and_the_learner_line(host) -> None:
    sub = host(
        """
        def boom(x):
            raise ValueError(f"bad {x}")
        """
    )
    with pytest.raises(ValueError, match="bad 4") as info:
        sub.boom(4)
    assert info.value.host_frames[-1]["line"] == 3


def test_an_early_exit_is_host_exited(host) -> None:
    sub = host(
        """
        import os
        def leave():
            os._exit(0)
        """
    )
    with pytest.raises(HostExited):
        sub.leave()


def test_callbacks_are_round_trips_counted_by_the_judge(host) -> None:
    sub = host(
        """
        import threading
        def tally(xs, weight):
            out = []
            ts = [threading.Thread(target=lambda x=x: out.append(weight(x))) for x in xs]
            for t in ts: t.start()
            for t in ts: t.join()
            return sum(out)
        """
    )
    seen = []
    lock = threading.Lock()

    def weight(x: int) -> int:
        with lock:
            seen.append(x)
        return x * 10

    assert sub.tally([1, 2, 3], weight) == 60
    assert sorted(seen) == [1, 2, 3]
    assert len(sub._client.calls) == 3


def test_async_generators_are_driven_by_the_judge(host) -> None:
    import asyncio

    sub = host(
        """
        import asyncio
        async def pages(n):
            for i in range(n):
                await asyncio.sleep(0)
                yield {"page": i}
        """
    )

    async def main() -> list:
        return [p async for p in sub.pages(3)]

    assert asyncio.run(main()) == [{"page": 0}, {"page": 1}, {"page": 2}]


def test_the_host_package_imports_nothing_else_of_ours() -> None:
    for path in (ROOT / "grader" / "host").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("grader"):
                    assert name.startswith("grader.host"), f"{path.name} imports {name}"


def test_the_judge_never_imports_the_ui() -> None:
    for path in (ROOT / "grader" / "judge").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for lib in ("typer", "questionary", "rich", "grader.ui", "grader.commands"):
            assert f"import {lib}" not in text and f"from {lib}" not in text, f"{path.name} imports {lib}"


def test_a_host_cannot_flood_the_judge(host, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unasked big frames, and callbacks beyond what the judge can keep, close the channel with a reason: the judge
    has no memory limit, and parsing a big frame holds its GIL while it may be timing its own baseline."""
    from grader.judge import client as client_module

    monkeypatch.setattr(client_module, "CALLBACK_BYTES", 1 << 20)
    sub = host(
        """
        import gc, threading, time
        def unasked():
            chan = next(o for o in gc.get_objects() if type(o).__name__ == "Channel")
            def later():
                time.sleep(0.2)
                chan.send({"op": "noise", "pad": "y" * 200_000})
            threading.Thread(target=later).start()
            return "sent"
        """
    )
    assert sub.unasked() == "sent"
    time.sleep(0.6)  # no request out: the unasked 200 kB frame arrives and is refused from its header
    with pytest.raises(HostExited, match="had not asked for"):
        sub.unasked()

    sub = host(
        """
        def flood(report):
            for _ in range(40):
                report("x" * 50_000)
            return "done"
        """
    )
    with pytest.raises(HostExited, match="more than the test can keep"):
        sub.flood(lambda text: len(text))
