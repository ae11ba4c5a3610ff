"""The kata workflow as a new user meets it: start, check, hint, check, solution, reset; exit codes; --json.

Runs `grader.cli.main` in-process (the one place that maps errors to exit codes) with the fixture bank as the
built-in bank, so these tests do not depend on katas being written elsewhere; each check grades for real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader import paths
from grader.cli import main

BANK = Path(__file__).parent / "fixtures" / "grader_bank"


@pytest.fixture
def dojo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(paths, "builtin_bank", lambda: BANK)
    monkeypatch.setenv("DOJO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOJO_BANK", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "150")

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_:
            main(list(args))
        out, err = capsys.readouterr()
        return int(exit_.value.code or 0), out, err

    return run


def test_new_user_loop(dojo, tmp_path: Path) -> None:
    code, out, _ = dojo("kata", "start", "fx-failed")
    assert code == 0
    workfile = tmp_path / "home" / "workspace" / "fx-failed" / "fx_failed.py"
    assert str(workfile) in out
    assert workfile.read_text() == (BANK / "katas" / "fx-failed" / "starter.py").read_text()

    code, out, _ = dojo("kata", "check", "fx-failed")
    assert code == 1
    assert "FAILED" in out and "test_add" in out and "dojo kata hint fx-failed" in out

    code, out, _ = dojo("kata", "hint", "fx-failed")
    assert code == 0 and "Hint 1 of 3: A nudge." in out
    code, out, _ = dojo("kata", "hint", "fx-failed")
    assert "Hint 2 of 3: A stronger nudge." in out

    code, _, err = dojo("kata", "solution", "fx-failed")
    assert code == 1 and "--give-up" in err

    workfile.write_text((BANK / "katas" / "fx-failed" / "solution.py").read_text())
    code, out, _ = dojo("kata", "check", "fx-failed")
    assert code == 0, out
    assert "PASSED" in out

    code, out, _ = dojo("kata", "list", "--json")
    status = {k["slug"]: k["status"] for k in json.loads(out)}
    assert status["fx-failed"] == "passed" and status["fx-passed"] == "new"
    code, out, _ = dojo("kata", "list")
    assert "✔ passed" in out

    code, out, _ = dojo("kata", "solution", "fx-failed")
    assert code == 0 and "return a + b" in out


def test_hints_run_out_and_give_up(dojo) -> None:
    for n in (1, 2, 3):
        assert f"Hint {n} of 3" in dojo("kata", "hint", "fx-passed")[1]
    code, out, _ = dojo("kata", "hint", "fx-passed")
    assert code == 0 and "No more hints" in out and "Nearly the answer." in out
    code, out, _ = dojo("kata", "solution", "fx-passed", "--give-up")
    assert code == 0 and "return a + b" in out


@pytest.mark.parametrize(("slug", "verdict", "code"), [("fx-passed", "passed", 0), ("fx-too-slow", "too_slow", 1)])
def test_check_json_contract(dojo, slug: str, verdict: str, code: int) -> None:
    got_code, out, _ = dojo("kata", "check", slug, str(BANK / "katas" / slug / "submission.py"), "--json")
    data = json.loads(out)
    assert got_code == code
    assert data["kata"] == slug and data["verdict"] == verdict
    assert isinstance(data["duration_s"], float)
    assert all({"name", "status", "message"} <= set(t) for t in data["tests"])
    assert all({"name", "measured", "baseline", "ratio", "threshold", "passed"} <= set(t) for t in data["timings"])


def test_report_shows_timings_and_diagnosis(dojo) -> None:
    code, out, _ = dojo("kata", "check", "fx-too-slow", str(BANK / "katas" / "fx-too-slow" / "submission.py"))
    assert code == 1
    assert "TOO SLOW" in out and "time of one work() call" in out and "baseline" in out and "threshold" in out
    code, out, _ = dojo(
        "kata", "check", "fx-blocked-loop", str(BANK / "katas" / "fx-blocked-loop" / "submission.py")
    )
    assert code == 1
    assert "TIMEOUT" in out and "blocked event loop" in out and "submission.py:13" in out


def test_usage_errors(dojo, tmp_path: Path) -> None:
    code, _, err = dojo("kata", "check", "no-such-kata")
    assert code == 2 and "no kata 'no-such-kata'" in err
    code, _, err = dojo("kata", "check", "fx-passed")
    assert code == 2 and "dojo kata start fx-passed" in err
    code, _, err = dojo("kata", "check", "fx-passed", str(tmp_path / "missing.py"))
    assert code == 2 and "no such file" in err


def test_reset_twice_keeps_every_version_and_says_where(dojo, tmp_path: Path) -> None:
    """Issue 10.6: reset run twice used to overwrite solution.py.bak with the starter; the passing code was gone."""
    dojo("kata", "start", "fx-passed")
    workfile = tmp_path / "home" / "workspace" / "fx-passed" / "fx_passed.py"
    starter = (BANK / "katas" / "fx-passed" / "starter.py").read_text()
    workfile.write_text("# my passing solution\n")
    code, out, _ = dojo("kata", "reset", "fx-passed")
    assert code == 0
    first = workfile.with_name("fx_passed.1.py")
    assert f"Kept your version as {first}" in out
    assert workfile.read_text() == starter and first.read_text() == "# my passing solution\n"
    workfile.write_text("# a second attempt\n")
    code, out, _ = dojo("kata", "reset", "fx-passed")
    second = workfile.with_name("fx_passed.2.py")
    assert code == 0 and f"Kept your version as {second}" in out
    assert first.read_text() == "# my passing solution\n", "the first copy must survive a second reset"
    assert second.read_text() == "# a second attempt\n"
    code, out, _ = dojo("kata", "reset", "fx-passed")  # the starter itself: nothing of theirs to keep
    assert code == 0 and "nothing to keep" in out and not workfile.with_name("fx_passed.3.py").exists()


def test_a_legacy_workspace_keeps_working(dojo, tmp_path: Path) -> None:
    """Workspaces made before each kata had its own file name keep their solution.py."""
    legacy = tmp_path / "home" / "workspace" / "fx-passed" / "solution.py"
    legacy.parent.mkdir(parents=True)
    legacy.write_text((BANK / "katas" / "fx-passed" / "solution.py").read_text())
    code, out, _ = dojo("kata", "start", "fx-passed")
    assert code == 0 and f"already at {legacy}" in out
    code, out, _ = dojo("kata", "check", "fx-passed")
    assert code == 0 and "PASSED" in out


def test_two_katas_started_in_one_folder_get_their_own_files(dojo, tmp_path: Path, monkeypatch) -> None:
    """Issue 10.7: both used to share solution.py there, so `check` graded the other kata's code."""
    mine = tmp_path / "mine"
    assert dojo("kata", "start", "fx-passed", "--dir", str(mine))[0] == 0
    assert dojo("kata", "start", "fx-failed", "--dir", str(mine))[0] == 0
    assert sorted(p.name for p in mine.iterdir()) == ["fx_failed.py", "fx_passed.py"]
    (mine / "fx_passed.py").write_text((BANK / "katas" / "fx-passed" / "solution.py").read_text())
    monkeypatch.chdir(mine)
    # Each check grades its own kata's file in this folder, not the workspace copy.
    code, out, _ = dojo("kata", "check", "fx-passed")
    assert code == 0 and "PASSED" in out and "fx_passed.py" in out
    code, out, _ = dojo("kata", "check", "fx-failed")
    assert code == 1 and "fx_failed.py" in out


FAST_LANE = """
import sys
from pathlib import Path

from grader import paths

paths.builtin_bank = lambda: Path({bank!r})
from grader.launch import main

try:
    main({argv!r})
finally:
    print("HEAVY=" + ",".join(m for m in ("typer", "rich", "questionary") if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(("slug", "code"), [("fx-passed", 0), ("fx-failed", 1)])
def test_json_check_takes_the_fast_lane(tmp_path: Path, slug: str, code: int) -> None:
    """`dojo kata check SLUG FILE --json` grades without importing typer or rich, with the same contract."""
    import os
    import subprocess
    import sys

    argv = ["kata", "check", slug, str(BANK / "katas" / slug / "submission.py"), "--json"]
    env = {**os.environ, "DOJO_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", FAST_LANE.format(bank=str(BANK), argv=argv)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == code, done.stderr
    assert "HEAVY=\n" in done.stderr
    data = json.loads(done.stdout)
    assert data["kata"] == slug and data["verdict"] == ("passed" if code == 0 else "failed")
    assert data["file"] == argv[3] and "test_kata.py" not in done.stdout  # in the learner's words, as slow
    # The attempt is recorded like on the slow lane.
    from grader.progress import Store

    with Store.open(tmp_path / "home" / "progress.sqlite3") as store:
        assert store.kata_status()[slug] == data["verdict"]


def test_fast_lane_falls_back_for_errors(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from grader.launch import main as launch_main

    monkeypatch.setattr(paths, "builtin_bank", lambda: BANK)
    with pytest.raises(SystemExit) as exit_:
        launch_main(["kata", "check", "no-such-kata", "x.py", "--json"])
    assert exit_.value.code == 2
    assert "no kata 'no-such-kata'" in capsys.readouterr().err


def test_watch_regrades_on_save(tmp_path: Path) -> None:
    """`dojo kata watch` grades once, again after each save, and Ctrl-C ends it with exit code 130."""
    import os
    import signal
    import subprocess
    import sys
    import time

    work = tmp_path / "solution.py"
    work.write_text((BANK / "katas" / "fx-failed" / "starter.py").read_text())
    argv = ["kata", "watch", "fx-failed", str(work)]
    env = {**os.environ, "DOJO_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", FAST_LANE.format(bank=str(BANK), argv=argv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seen: list[str] = []

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            seen.append(line)
            if text in line:
                return
        raise AssertionError(f"never saw {text!r}: {''.join(seen)}")

    try:
        wait_for("Watching")
        assert any("FAILED" in line for line in seen)
        time.sleep(0.3)
        work.write_text((BANK / "katas" / "fx-failed" / "solution.py").read_text())
        wait_for("PASSED")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        assert "Stopped watching." in proc.stdout.read()  # not a bare prompt after ^C
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_a_kata_whose_tests_do_not_parse_is_a_bank_error_not_a_traceback(tmp_path: Path, json_flag, dojo_env):
    import shutil
    import subprocess
    import sys

    bank = tmp_path / "bank"
    shutil.copytree(BANK / "katas" / "fx-passed", bank / "katas" / "fx-broken")
    kata_yaml = bank / "katas" / "fx-broken" / "kata.yaml"
    kata_yaml.write_text(kata_yaml.read_text().replace("slug: fx-passed", "slug: fx-broken"))
    with (bank / "katas" / "fx-broken" / "test_kata.py").open("a") as fh:
        fh.write("\ndef test_broken(:\n")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "--bank",
            str(bank),
            "kata",
            "check",
            "fx-broken",
            str(BANK / "katas" / "fx-passed" / "solution.py"),
            *json_flag,
        ],
        capture_output=True,
        text=True,
        env={**dojo_env, "DOJO_NO_BUILTIN": "1"},
        timeout=120,
    )
    assert r.returncode == 1
    assert "test_kata.py:" in r.stderr and "Python syntax error" in r.stderr
    assert "Traceback" not in r.stderr
