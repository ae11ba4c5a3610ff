"""One grading run as the judge sees it: the host it started, the clock it keeps, and how it ends.

Made by the judge's plugin at load (`start_from_env`). The host starts at once and imports the submission while
pytest collects the tests (the import request is sent ahead). A watchdog ends the run at the kata's time limit
with a dump of where the host's threads and tasks were, so a timeout comes with a diagnosis.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from grader.host.wire import Channel
from grader.judge.client import HostClient, HostExited, HostModule
from grader.judge.hostproc import HostPlan, HostProcess

GRACE_S = 3.0  # how long the host may take to leave after the tests are done
SETTLE_S = 1.0  # how long what it started may take to end by itself (a resource tracker sees EOF and exits)

_current: Run | None = None


class Run:
    def __init__(self, plan: HostPlan, send: Callable[[dict], None], time_limit_s: float) -> None:
        self.send = send
        self.started = time.monotonic()
        self.deadline = self.started + time_limit_s
        self.time_limit_s = time_limit_s
        self.host = HostProcess(plan)
        send({"kind": "host", "pid": self.host.pid})
        self.client = HostClient(Channel(self.host.sock), self._why_gone)
        self._import = self.client._send(
            {"op": "import", "driver": os.path.exists(f"{plan.workdir}/_dojo_driver.py")}
        )
        self.module = HostModule(self._connect)
        sys.modules["submission"] = self.module
        self._finished = threading.Event()
        threading.Thread(target=self._watchdog, name="judge-watchdog", daemon=True).start()

    def _connect(self) -> tuple[HostClient, concurrent.futures.Future]:
        return self.client, self._import

    # ------------------------------------------------------------ output

    def output_mark(self) -> int:
        return len(self.host.output)

    def output_since(self, mark: int) -> str:
        return bytes(self.host.output[mark:]).decode("utf-8", "replace")

    # ------------------------------------------------------------ ending

    def _why_gone(self) -> str:
        code = self.host.wait(1.0)
        if self.host.output_exceeded:
            return f"your code printed more than {self.host.plan.output_bytes // 1024} KiB and was stopped"
        if code is None:
            return "the connection to your code's process was lost"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            if -code == signal.SIGXCPU:
                return "your code's process used up its CPU time limit and was stopped"
            return f"your code's process was killed by {name}"
        return f"your code's process exited with code {code} before the tests were done (sys.exit or os._exit?)"

    def _watchdog(self) -> None:
        while not self._finished.wait(0.1):
            if time.monotonic() >= self.deadline:
                self._time_up()
                return

    def _time_up(self) -> None:
        diag = self.host.dump_stacks() if self.host.alive() else ""
        cpu = self.host.host_cpu()
        self.send(
            {
                "kind": "timeout",
                "diag": diag,
                "cpu_s": cpu,
                "wall_s": time.monotonic() - self.started,
                "output_exceeded": self.host.output_exceeded,
            }
        )
        self.host.kill()
        sys.stdout.flush()
        os._exit(3)

    def finish(self) -> dict[str, Any]:
        """Ask the host to leave; count and kill what it leaves behind. Returns the facts for the final record."""
        facts: dict[str, Any] = {"host_cpu_s": round(self.host.host_cpu(), 3)}
        hygiene: dict[str, Any] = {}
        if self.host.alive():
            fut = self.client._send({"op": "shutdown"})
            try:
                hygiene = fut.result(GRACE_S) or {}
            except (HostExited, concurrent.futures.TimeoutError, Exception):
                hygiene = {}
        code = self.host.wait(GRACE_S)
        if code is None:  # the tests are done but the process does not end: a thread or a pool keeps it alive
            facts["hung"] = True
            facts["diag"] = self.host.dump_stacks()
            self.host.kill()
        self._finished.set()
        end = time.monotonic() + SETTLE_S
        while self.host.family() and time.monotonic() < end:  # a resource tracker sees EOF and exits
            time.sleep(0.05)
        facts["leftovers"] = self.host.kill_leftovers()
        facts["host_exit"] = self.host.poll()
        facts["output_exceeded"] = self.host.output_exceeded
        facts["hygiene"] = hygiene if isinstance(hygiene, dict) else {}
        self.client.close()
        return facts


def start_from_env(send: Callable[[dict], None]) -> Run | None:
    """Start the run the runner planned (DOJO_HOST_PLAN); None when pytest runs this plugin outside a grading."""
    global _current
    raw = os.environ.pop("DOJO_HOST_PLAN", None)
    if not raw:
        return None
    data = json.loads(raw)
    limit = float(data.pop("time_limit_s"))
    _current = Run(HostPlan(**data), send, limit)
    return _current


def current() -> Run:
    if _current is None:
        raise RuntimeError("no grading run in this process")
    return _current
