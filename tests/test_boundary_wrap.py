"""Error messages at a terminal wrap between words: the terminal would otherwise cut a suggested command in two
(`dojo kat` / `a solution`). Checked in a real pseudo-terminal at 60 columns; piped output stays one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent


def test_an_error_hint_wraps_between_words_at_60_columns(tmp_path: Path) -> None:
    env = {**os.environ, "DOJO_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "kata", "show", "fixblockingcall-with-a-long-typo"],
        env=env,
        cwd=str(ROOT),
        dimensions=(24, 60),
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    lines = [ln for ln in child.before.decode().replace("\r", "").splitlines() if ln.strip()]
    assert child.exitstatus not in (0, None), lines
    assert lines[0].startswith("error:") and max(map(len, lines)) > 40, lines
    assert all(len(line) <= 60 for line in lines), lines
    words = " ".join(lines).split()
    assert "fix-blocking-call`." in words and "show" in words, lines  # the suggested command's words are whole


def test_piped_errors_stay_one_line_per_message(tmp_path: Path) -> None:
    env = {**os.environ, "DOJO_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "kata", "solution", "taskgroup"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode != 0
    hint = [line for line in done.stderr.splitlines() if "--give-up" in line]
    assert len(hint) == 1 and "kata check taskgroup" in hint[0], done.stderr
