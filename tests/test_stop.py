"""Stopped from outside (issue 12): however a check ends, nothing it started keeps running and nothing it wrote stays.

A real `dojo kata check` of parallel-primes (a process pool, its resource tracker) is stopped at several moments
with Ctrl-C in a pseudo-terminal, SIGTERM, and SIGHUP (the terminal closing). The run's temporary files live under
a TMPDIR made for the test, so "nothing left" is checked exactly: no process works inside it, and it is empty.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import pytest

from grader import privileges

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "katas" / "parallel-primes" / "solution.py"


def _working_in(folder: Path) -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:120]
        except OSError:
            continue
        if cwd.startswith(str(folder)):
            found.append(f"{pid} {cmd!r} in {cwd}")
    return found


def _start(tmp_path: Path) -> tuple[pexpect.spawn, Path]:
    # Not below tmp_path: pytest's base folder is private (0700), and the unprivileged host must be able to enter
    # the run's folder when the grader runs as root.
    tmpdir = Path(tempfile.mkdtemp(prefix="dojo-stop-test-", dir="/tmp"))
    tmpdir.chmod(0o755)
    env = {**os.environ, "TMPDIR": str(tmpdir), "DOJO_HOME": str(tmp_path / "home"), "COLUMNS": "80"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "kata", "check", "parallel-primes", str(SOLUTION)],
        env=env,
        cwd=str(ROOT),
        timeout=60,
        dimensions=(40, 80),
    )
    return child, tmpdir


def _wait_until_busy(tmpdir: Path, after: float) -> None:
    """Wait until the grading runs (its folder exists and a process works in it), then `after` seconds more."""
    end = time.monotonic() + 30
    while time.monotonic() < end and not _working_in(tmpdir):
        time.sleep(0.05)
    assert _working_in(tmpdir), "the check never started"
    time.sleep(after)


def _nothing_left(tmpdir: Path) -> None:
    end = time.monotonic() + 5
    while time.monotonic() < end and (_working_in(tmpdir) or any(tmpdir.iterdir())):
        time.sleep(0.1)
    assert _working_in(tmpdir) == [], "processes of the stopped check are still running"
    assert sorted(p.name for p in tmpdir.iterdir()) == [], "files of the stopped check were left behind"
    tmpdir.rmdir()


@pytest.mark.slow
@pytest.mark.parametrize("after", [0.3, 2.5])
@pytest.mark.parametrize(
    "how, code",
    [("ctrl-c", 130), ("sigterm", 128 + signal.SIGTERM), ("sighup", 128 + signal.SIGHUP)],
)
def test_a_stopped_check_leaves_nothing(tmp_path: Path, how: str, code: int, after: float) -> None:
    child, tmpdir = _start(tmp_path)
    try:
        _wait_until_busy(tmpdir, after)
        if how == "ctrl-c":
            child.sendintr()
        elif how == "sigterm":
            child.kill(signal.SIGTERM)
        else:
            child.kill(signal.SIGHUP)
        child.expect(pexpect.EOF, timeout=20)
        child.close()
        assert child.exitstatus == code, f"{how}: exit {child.exitstatus} / signal {child.signalstatus}"
        _nothing_left(tmpdir)
    finally:
        if child.isalive():
            child.kill(signal.SIGKILL)


@pytest.mark.slow
def test_closing_the_terminal_leaves_nothing(tmp_path: Path) -> None:
    child, tmpdir = _start(tmp_path)
    _wait_until_busy(tmpdir, 1.0)
    child.close(force=False)  # the pty's master goes away: the kernel sends SIGHUP, as when a terminal closes
    _nothing_left(tmpdir)


@pytest.mark.skipif(os.geteuid() != 0, reason="only a grader running as root hands your code to another user")
def test_a_private_tmpdir_as_root_is_a_setup_message_not_a_verdict(tmp_path: Path) -> None:
    if privileges.plan_privileges().uid is None:
        pytest.skip("privileges cannot be dropped here")
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    private.chmod(0o700)
    env = {**os.environ, "TMPDIR": str(private), "DOJO_HOME": str(tmp_path / "home")}
    out = pexpect.run(
        f"{sys.executable} -m grader kata check parallel-primes {SOLUTION} --json",
        env=env,
        cwd=str(ROOT),
        withexitstatus=True,
        timeout=60,
    )
    text, status = " ".join(out[0].decode().split()), out[1]  # errors wrap between words at a terminal
    assert status == 2, text
    assert "TMPDIR" in text and "cannot be entered" in text, text
    assert '"verdict"' not in text, "a setup problem must not be reported as a verdict on the learner's code"
