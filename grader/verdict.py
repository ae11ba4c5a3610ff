"""What a grading run decides: a Verdict with one TestResult per test, serialisable to the `--json` contract.

Plain dataclasses (the exercism/python-test-runner habit); `to_json()` is the shape `dojo kata check --json`
prints (DESIGN section 5, Verdicts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERDICTS = (
    "passed",
    "failed",
    "too_slow",
    "inconclusive",
    "error",
    "timeout",
    "memory_limit",
    "output_limit",
)
TEST_STATUSES = ("passed", "failed", "error", "skipped")

# What the learner should do next, per verdict (the report and dev check use these).
NEXT_STEP = {
    "passed": "Well done. Compare with the reference: `dojo kata solution {slug}`.",
    "failed": "Read the failing test's message, fix the code and check again. Stuck? `dojo kata hint {slug}`.",
    "too_slow": "The result is right but not fast enough. `dojo kata hint {slug}` nudges you toward the idea.",
    "inconclusive": "Your code is correct; this machine could not judge the speed now. Check again when it is idle.",
    "error": "The code could not run to the end. Fix the error above and check again.",
    "timeout": "The run hit the time limit. See where it was stuck above; `dojo kata hint {slug}` may help.",
    "memory_limit": "The run used more memory than the kata allows. Look for data that grows without bound.",
    "output_limit": "The run printed too much. Remove debug prints inside loops and check again.",
}


@dataclass
class TestResult:
    name: str
    status: str  # passed | failed | error | skipped
    message: str = ""
    verdict: str = "passed"  # what this test says about the run: passed, failed, too_slow, inconclusive, ...
    duration_s: float = 0.0
    output: str = ""  # captured output, capped
    timings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "verdict": self.verdict,
            "duration_s": round(self.duration_s, 4),
            "output": self.output,
            "notes": list(self.notes),
        }


@dataclass
class Diagnosis:
    """Why a run timed out: a label and where each thread and task was stuck."""

    label: str  # deadlock | blocked event loop | too slow | stuck waiting | unknown
    summary: str
    where: list[str] = field(default_factory=list)  # "submission.py:12 in worker (thread 'Thread-1')"
    dump: str = ""  # the raw stacks (capped)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "summary": self.summary, "where": list(self.where), "dump": self.dump}


@dataclass
class Verdict:
    kata: str
    verdict: str
    message: str = ""  # one line: why this verdict
    tests: list[TestResult] = field(default_factory=list)
    duration_s: float = 0.0
    diagnosis: Diagnosis | None = None
    notes: list[str] = field(default_factory=list)  # hygiene and grader notes
    output: str = ""  # what the child printed (capped, never parsed)
    sandbox: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"

    @property
    def timings(self) -> list[dict[str, Any]]:
        return [{"test": t.name, **timing} for t in self.tests for timing in t.timings]

    def next_step(self) -> str:
        return NEXT_STEP[self.verdict].format(slug=self.kata)

    def to_json(self) -> dict[str, Any]:
        return {
            "kata": self.kata,
            "verdict": self.verdict,
            "message": self.message,
            "tests": [t.to_json() for t in self.tests],
            "timings": self.timings,
            "duration_s": round(self.duration_s, 3),
            "diagnosis": self.diagnosis.to_json() if self.diagnosis else None,
            "notes": list(self.notes),
            "next": self.next_step(),
            "sandbox": dict(self.sandbox),
        }
