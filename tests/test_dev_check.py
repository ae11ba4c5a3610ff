"""`dojo dev check`: every kata of the real bank proves itself (CI runs this), and a broken kata is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grader import paths
from grader.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "grader_bank"


@pytest.mark.slow
def test_dev_check_passes_for_the_whole_bank(dojo) -> None:
    result = dojo("dev", "check", "--json", timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"]
    assert {"fix-blocking-call", "parallel-primes", "async-generator"} <= set(report["katas"])


def test_dev_check_catches_a_broken_kata(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = tmp_path / "bank"
    kata = bank / "katas" / "fx-passed"
    shutil.copytree(FIXTURES / "katas" / "fx-passed", kata)
    shutil.copyfile(kata / "solution.py", kata / "starter.py")  # a starter that already passes
    (kata / "wrong").mkdir()
    (kata / "wrong" / "off_by_one.py").write_text("def add(a, b):\n    return a + b + 1\n")
    (kata / "wrong" / "sneaky.py").write_text("def add(a, b):\n    return a + b\n")  # not wrong at all
    monkeypatch.setattr(paths, "builtin_bank", lambda: bank)
    monkeypatch.setenv("DOJO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOJO_BANK", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["dev", "check", "fx-passed"])
    out = capsys.readouterr().out
    assert exit_.value.code == 1
    assert "starter.py must not pass" in out
    assert "wrong/sneaky.py must not pass" in out
    assert "wrong/off_by_one.py must not pass" not in out
    assert "1 kata checked, 2 problems" in out


def test_dev_check_unknown_slug(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(paths, "builtin_bank", lambda: FIXTURES)
    with pytest.raises(SystemExit) as exit_:
        main(["dev", "check", "no-such-kata"])
    assert exit_.value.code == 2
    assert "no kata 'no-such-kata'" in capsys.readouterr().err
