"""Packaging is tested, not assumed: build the wheel, install it non-editable into a fresh venv, run it elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv to build and install the wheel")


def test_wheel_installs_and_runs_from_another_folder(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(dist), str(ROOT)], check=True, capture_output=True, timeout=300
    )
    wheel = next(dist.glob("*.whl"))
    venv = tmp_path / "venv"
    subprocess.run(["uv", "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    subprocess.run(["uv", "pip", "install", "--quiet", "--python", str(py), str(wheel)], check=True, timeout=600)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOJO_", "VIRTUAL_ENV"))}
    env["DOJO_HOME"] = str(tmp_path / "home")
    dojo = venv / "bin" / "dojo"

    r = subprocess.run([str(dojo), "validate"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "_bank" in r.stderr  # it validated the bank inside the installed package, not this checkout

    r = subprocess.run(
        [str(dojo), "kata", "list", "--json"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    katas = json.loads(r.stdout)
    assert {k["slug"] for k in katas} == {p.parent.name for p in (ROOT / "katas").glob("*/kata.yaml")}

    r = subprocess.run(
        [str(py), "-m", "grader", "--version"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert r.stdout.startswith("dojo ")
