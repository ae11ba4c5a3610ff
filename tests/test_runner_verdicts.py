"""Golden tests: one tiny kata per verdict; each folder's submission.py must produce its expected.json.

The exercism/python-test-runner habit: tests/fixtures/grader_bank/katas/<slug>/{submission.py,expected.json},
one parametrised test over all of them. Messages are not compared (they carry addresses and timings); the
verdict, the tests' names and statuses, and the timeout diagnosis label are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.bank import load_bank
from grader.runner import PrepareError, check_source, grade
from grader.verdict import VERDICTS

BANK = Path(__file__).parent / "fixtures" / "grader_bank"
KATAS = {k.slug: k for k in load_bank([BANK]).katas}


def test_every_verdict_has_a_fixture() -> None:
    expected = {json.loads((k.path / "expected.json").read_text())["verdict"] for k in KATAS.values()}
    assert expected == set(VERDICTS)


@pytest.mark.parametrize("slug", sorted(KATAS))
def test_golden_verdict(slug: str) -> None:
    kata = KATAS[slug]
    expected = json.loads((kata.path / "expected.json").read_text())
    got = grade(kata, kata.path / "submission.py").to_json()
    assert got["verdict"] == expected["verdict"], got["message"]
    if "tests" in expected:
        assert [{"name": t["name"], "status": t["status"]} for t in got["tests"]] == expected["tests"]
    if "diagnosis" in expected:
        assert got["diagnosis"]["label"] == expected["diagnosis"]
    # The JSON contract (DESIGN section 5).
    assert {"kata", "verdict", "tests", "timings", "duration_s"} <= set(got)
    for t in got["tests"]:
        assert {"name", "status", "message"} <= set(t)
    for timing in got["timings"]:
        assert {"name", "measured", "baseline", "ratio", "threshold", "passed"} <= set(timing)
    json.dumps(got)


def test_too_slow_reports_what_was_measured() -> None:
    kata = KATAS["fx-too-slow"]
    v = grade(kata, kata.path / "submission.py")
    (timing,) = v.timings
    assert timing["what"] == "time of one work() call"
    assert timing["measured"] > timing["threshold"] and timing["baseline"] < timing["threshold"]
    assert not timing["passed"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (b"def f(:\n", "syntax error"),
        (b"   \n", "empty"),
        (b"x = '\xff\xfe'\n", "not UTF-8"),
        (b"import _dojo_reference\n", "not allowed"),
        (b"from grader import katakit\n", "not allowed"),
        (b"import os\nos.environ['DOJO_REFERENCE']\n", "off limits"),
    ],
)
def test_prepare_rejects_before_running(source: bytes, reason: str) -> None:
    with pytest.raises(PrepareError, match=reason):
        check_source(source)


def test_a_kata_message_is_shown_without_pytest_assert_detail() -> None:
    kata = KATAS["fx-failed"]
    tests = {t["name"]: t for t in grade(kata, kata.path / "submission.py").to_json()["tests"]}
    assert tests["test_add_explains_itself"]["message"] == ("add(1, 1) must be 2: check the operator")
    # No words of the kata's own: the assertion is quoted, never a path to a test file the learner does not have.
    assert "assert" in tests["test_add"]["message"]
    assert "test_kata.py" not in tests["test_add"]["message"]
