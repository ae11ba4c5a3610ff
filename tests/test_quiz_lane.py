"""The typer-free fast lane for `dojo quiz` (grader/quiz_lane.py) must read options exactly as the typer command
does, and leave everything else to grader.cli."""

from __future__ import annotations

import io
import sys

import pytest
from quiz_helpers import QUIZ_BANK
from typer.testing import CliRunner

from grader import quiz_lane
from grader.cli import app
from grader.ui import quiz_app


class _Captured(Exception):
    def __init__(self, opts: quiz_app.QuizOptions) -> None:
        self.opts = opts


@pytest.fixture
def fixture_bank_only(monkeypatch, tmp_path):
    monkeypatch.setenv("DOJO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DOJO_NO_BUILTIN", "1")
    monkeypatch.setenv("DOJO_BANK", str(QUIZ_BANK))


def _typer_options(monkeypatch, argv: list[str]) -> quiz_app.QuizOptions:
    """What the typer command hands to quiz_app.prepare for `argv`."""

    def capture(opts, bank):
        raise _Captured(opts)

    monkeypatch.setattr(quiz_app, "prepare", capture)
    result = CliRunner().invoke(app, argv)
    assert isinstance(result.exception, _Captured), result.output
    return result.exception.opts


SAME = [
    ["quiz"],
    [
        "quiz",
        "-t",
        "basics",
        "--topic",
        "loops",
        "--tag",
        "gil",
        "-d",
        "easy",
        "-d",
        "3",
        "-n",
        "7",
        "--seed",
        "42",
    ],
    ["quiz", "--exam", "--time-limit", "90", "--json", "--plain"],
    ["quiz", "--review", "--count=3"],
    ["quiz", "--mistakes", "--seed", "-5", "--difficulty=medium"],
    ["--bank", str(QUIZ_BANK), "quiz", "--tag", "asyncio"],
    ["quiz", "--python", "3.14", "--count", "2"],
]


@pytest.mark.parametrize("argv", SAME, ids=lambda a: " ".join(a[-4:]))
def test_the_lane_reads_options_as_the_typer_command_does(monkeypatch, fixture_bank_only, argv):
    parsed = quiz_lane.parse(argv)
    assert parsed is not None
    assert parsed[1] == _typer_options(monkeypatch, argv)


def test_the_lane_collects_extra_banks():
    banks, _ = quiz_lane.parse(["--bank", "a", "--bank=b", "quiz"])
    assert [str(b) for b in banks] == ["a", "b"]


@pytest.mark.parametrize(
    "argv",
    [
        ["quiz", "--help"],
        ["quiz", "-h"],
        ["quiz", "--count", "0"],
        ["quiz", "--count", "many"],
        ["quiz", "--time-limit", "nan"],
        ["quiz", "--topic"],
        ["quiz", "--bogus"],
        ["quiz", "extra"],
        ["quiz", "--rev"],  # click does not accept abbreviations; neither may the lane
        ["--traceback", "quiz"],
        ["--version"],
        ["stats"],
        [],
    ],
)
def test_anything_else_is_left_to_typer(argv):
    assert quiz_lane.parse(argv) is None


def test_errors_before_the_first_question_fall_back(fixture_bank_only):
    assert quiz_lane.run(["quiz", "--topic", "nope"]) is None
    assert quiz_lane.run(["quiz", "--review", "--exam"]) is None


def test_the_lane_runs_a_plain_session(fixture_bank_only, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    assert quiz_lane.run(["quiz", "--count", "1", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Question 1 of 1" in out and "Session summary" in out
