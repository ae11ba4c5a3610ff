"""Hostile and broken submissions (issue 5): none may pass, hang the grader, crash it, leave a process behind or
change a file of the bank. Each case is a real submission under tests/fixtures/hostile/, graded for real."""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from pathlib import Path

import pytest

from grader import privileges
from grader.bank import load_bank
from grader.runner import grade

HERE = Path(__file__).parent / "fixtures" / "hostile"
ROOT = Path(__file__).resolve().parent.parent
KATA = load_bank([HERE / "bank"]).kata("hx-add")
MARKER = b"DOJO-HOSTILE-MARKER"
DROPPED = privileges.plan_privileges().uid is not None

CASES = {
    "syntax_error": {"error"},
    "import_error": {"error"},
    "empty": {"error"},
    "non_utf8": {"error"},
    "sys_exit_at_import": {"error"},
    "os_exit_at_import": {"error"},
    "sys_exit_in_function": {"error"},  # an early exit of the graded process, whatever its code
    "os_exit_in_function": {"error"},
    "fake_pytest_output": {"failed"},
    "fake_json_results": {"error"},
    "plant_files": {"failed"},
    "patch_clocks": {"too_slow"},
    "infinite_loop": {"timeout"},
    "sleep_forever": {"timeout"},
    "deadlock": {"timeout"},
    "memory_5gb": {"memory_limit"},
    "output_200mb": {"output_limit"},
    "processes_left_running": {"failed"},
    "thread_never_ends": {"timeout"},
    "read_stdin": {"failed"},
    "rewrite_tests": {"failed"},
    "kill_parent": {"error"},
    "files_left_in_tmp": {"failed"},
    "junk_frames": {"error"},  # the judge's reader stops at once: the host is gone (not a hang until the limit)
    "keyboard_interrupt": {"failed"},  # a failed test, not a stopped session
    "read_other_checks": {"failed"},  # alone, there is nothing to read (see the test with a victim below)
}
# As the same user they would really succeed (and files the learner's own account writes are its own business).
NEEDS_DROP = {"rewrite_tests", "kill_parent", "files_left_in_tmp"}
SHARED_TMP = ("/tmp", "/var/tmp", "/run/lock", "/dev/shm")


def _bank_digest() -> str:
    h = hashlib.sha256()
    # Our own fixture banks: katas/ is being edited by people while this runs.
    for base in (HERE, ROOT / "tests" / "fixtures" / "grader_bank"):
        for p in sorted(base.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


def _strays(folder: str) -> list[str]:
    """Processes with our marker in their command line, or still working inside the run's folder."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if MARKER in cmd or cwd.startswith(folder):
            found.append(f"{pid}: {cmd[:120]!r} in {cwd}")
    return found


def _left_behind() -> list[str]:
    """Files with our marker in their name in the folders every user may write."""
    found = []
    for folder in SHARED_TMP:
        with contextlib.suppress(OSError):
            found += [e.path for e in os.scandir(folder) if MARKER.decode() in e.name]
    return found


def test_every_case_has_a_fixture() -> None:
    assert {p.stem for p in HERE.glob("*.py")} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_submission(case: str) -> None:
    if case in NEEDS_DROP and not DROPPED:
        pytest.skip("needs root to run the child as an unprivileged user")
    before = _bank_digest()
    start = time.monotonic()
    v = grade(KATA, HERE / f"{case}.py")
    elapsed = time.monotonic() - start
    assert v.verdict in CASES[case], f"{case}: {v.verdict}: {v.message}"
    assert not v.passed
    assert elapsed <= KATA.time_limit_s + 5, f"{case} took {elapsed:.1f} s"
    folder = v.sandbox.get("folder", "/nonexistent-dojo-folder")
    assert _strays(folder) == []
    assert not Path(folder).exists()
    assert _bank_digest() == before
    if DROPPED:
        assert _left_behind() == []


def test_timeouts_say_where_they_were_stuck() -> None:
    v = grade(KATA, HERE / "deadlock.py")
    assert v.diagnosis is not None
    assert v.diagnosis.label == "deadlock", v.diagnosis
    assert any("submission.py:" in w for w in v.diagnosis.where)


def test_leftover_processes_are_reported() -> None:
    v = grade(KATA, HERE / "processes_left_running.py")
    assert "process" in v.message
    assert v.sandbox["folder"] and _strays(v.sandbox["folder"]) == []


@pytest.mark.skipif(not DROPPED, reason="as the same user, other checks' files are the learner's own")
def test_a_host_cannot_read_a_check_running_beside_it(tmp_path: Path) -> None:
    """Each check's host runs as a uid of its own, and its folder is closed to others: a second check cannot read
    the first one's submission (by path, or through its host's /proc/<pid>/cwd), signal it or trace it."""
    from grader.runner import start

    victim = tmp_path / "victim.py"
    victim.write_text(
        "# DOJO-VICTIM-MARKER\nimport time\n\n\ndef add(a, b):\n    time.sleep(5)\n    return a + b\n"
    )
    running = start(KATA, victim)
    try:
        time.sleep(0.5)  # its host is up, with the victim imported
        thief = grade(KATA, HERE / "read_other_checks.py")
    finally:
        running.cancel()
    assert thief.verdict == "failed", f"{thief.verdict}: {thief.message}"
