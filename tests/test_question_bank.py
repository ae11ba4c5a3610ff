"""The shipped question bank: coverage of the guide's checklist, the mix of types, and predict_output truth.

Every predict_output snippet is run on the running Python; the correct choice must be exactly what it prints
(stdout, plus the final `ExceptionType: message` line when it raises). A checklist item that loses its
coverage fails here (see corrections.md sections 1 and 2; `covers:` in each question).
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from grader.bank import load_bank
from grader.models import QUESTION_TYPES
from tests.conftest import ROOT

BANK = load_bank([ROOT / "questions"])  # questions only: katas are proven by dojo dev check
QUESTIONS = BANK.questions
REQUIRED_TOPICS = {
    "gil",
    "threads",
    "multiprocessing",
    "free-threading",
    "choosing",
    "asyncio",
    "coroutines",
    "executors",
    "native",
    "sync",
    "cancellation",
}
CHECKLIST = [f"C{i}" for i in range(1, 43)]
CORRECTIONS = [f"I{i}" for i in range(1, 13)]


def run_snippet(code: str) -> str:
    """What a predict_output snippet shows: stdout, plus the exception line when it raises."""
    r = subprocess.run(
        [sys.executable, "-X", "utf8", "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )
    out = r.stdout.rstrip("\n")
    if r.returncode != 0:
        last = r.stderr.rstrip("\n").splitlines()[-1] if r.stderr.strip() else f"exit status {r.returncode}"
        out = f"{out}\n{last}" if out else last
    return out


PREDICT = [q for q in QUESTIONS if q.type == "predict_output"]
with ThreadPoolExecutor(max_workers=4) as pool:
    OUTPUTS = dict(
        zip((q.id for q in PREDICT), pool.map(lambda q: run_snippet(q.code or ""), PREDICT), strict=True)
    )


@pytest.mark.parametrize("q", PREDICT, ids=lambda q: q.id)
def test_predict_output_correct_choice_is_what_python_prints(q):
    actual = OUTPUTS[q.id]
    correct = [c.text.rstrip("\n") for c in q.choices if c.correct]
    assert correct == [actual], f"{q.where}: the snippet printed:\n{actual}"
    wrong = [c.text for c in q.choices if not c.correct and c.text.rstrip("\n") == actual]
    assert not wrong, f"{q.where}: a wrong choice equals the real output"


def test_bank_size_and_mix():
    assert len(QUESTIONS) >= 120
    types = Counter(q.type for q in QUESTIONS)
    assert set(types) == set(QUESTION_TYPES), types
    assert types["predict_output"] >= 25
    levels = Counter(q.difficulty for q in QUESTIONS)
    assert all(levels[d] >= 15 for d in (1, 2, 3)), levels
    assert {t.slug for t in BANK.topics} >= REQUIRED_TOPICS


def test_every_checklist_item_is_covered_twice_and_every_correction_once():
    covers = Counter(c for q in QUESTIONS for c in q.covers)
    thin = [c for c in CHECKLIST if covers[c] < 2] + [c for c in CORRECTIONS if covers[c] < 1]
    assert not thin, f"checklist items without enough questions: {thin}"


def test_every_question_teaches_and_cites():
    for q in QUESTIONS:
        assert len(q.explanation) >= 60, f"{q.id}: the explanation should teach why"
        assert q.references and q.tags, q.id
        if q.type == "explain":
            assert len(q.rubric) >= 3, f"{q.id}: an explain question needs a rubric of key points"


def test_the_guide_summaries_are_explain_questions():
    explains = [q for q in QUESTIONS if q.type == "explain"]
    assert len(explains) >= 5
    assert {q.topic for q in explains} >= {"gil", "choosing", "asyncio", "coroutines"}
