"""Shared test helpers: run the real `dojo` in a subprocess with its own DOJO_HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# In-process code (the bank cache, the progress store) must never touch the real user's data folders.
os.environ["DOJO_HOME"] = tempfile.mkdtemp(prefix="dojo-test-home-")


@pytest.fixture
def dojo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOJO_")}
    env["DOJO_HOME"] = str(tmp_path / "home")
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "120"
    return env


@pytest.fixture
def dojo(dojo_env: dict[str, str]):
    """Run `python -m grader ARGS` and return the CompletedProcess (text mode)."""

    def run(
        *args: str,
        input: str | None = None,
        cwd: Path | None = None,
        timeout: float = 120,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "grader", *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            cwd=cwd or ROOT,
            env={**dojo_env, **(env or {})},
            timeout=timeout,
        )

    return run


@pytest.fixture
def unprivileged() -> list[str]:
    """A command prefix that runs a program without the power to ignore file permissions.

    Tests often run as root, who may write a read-only folder; dropping CAP_DAC_OVERRIDE (setpriv) makes root
    meet permissions the way a learner does. As an ordinary user nothing needs to change.
    """
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]
