"""The shipped question bank: coverage of the guide's checklist, the mix of types, hints, version ranges, and
predict_output truth on every Python the machine has.

Every predict_output snippet runs on every interpreter found (this venv's, pyenv's 3.11-3.15, `python3.1x` on
PATH; one per feature version). Wherever the question's `python` range admits that version, the marked choice
must be exactly what it prints (stdout, plus the final `ExceptionType: message` line when it raises). A
checklist item that loses its coverage fails here (see corrections.md sections 1 and 2; `covers:` in each
question).
"""

from __future__ import annotations

import ast
import glob
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import pytest

from grader.bank import load_bank
from grader.models import CHOICE_TYPES, QUESTION_TYPES, Question
from grader.versions import admits, range_problem
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
PREDICT = [q for q in QUESTIONS if q.type == "predict_output"]
# Two cores are shared with other work: a few snippets at a time keeps the whole run well under a minute.
WORKERS = max(2, min(4, os.cpu_count() or 2))
SNIPPET_TIMEOUT_S = 30


def imported_packages(code: str) -> frozenset[str]:
    """Top-level modules a snippet imports that are not in the standard library (numpy, aiohttp, ...)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return frozenset(n for n in names if n not in sys.stdlib_module_names)


THIRD_PARTY = sorted(set().union(*(imported_packages(q.code or "") for q in PREDICT)))
_PROBE = (
    "import importlib.util, json, sys, sysconfig\n"
    "print(json.dumps({'version': sys.version_info[:2], "
    "'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), "
    "'has': [m for m in sys.argv[1:] if importlib.util.find_spec(m)]}))"
)


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: tuple[int, int]
    packages: frozenset[str]

    @property
    def name(self) -> str:
        return f"py{self.version[0]}.{self.version[1]}"


def _candidates() -> list[str]:
    found = [sys.executable, *sorted(glob.glob("/root/.pyenv/versions/3.1[1-5]*/bin/python3"))]
    found += [p for minor in range(11, 16) if (p := shutil.which(f"python3.{minor}"))]
    return list(dict.fromkeys(found))


def _probe(path: str) -> Interpreter | None:
    try:
        r = subprocess.run(
            [path, "-c", _PROBE, *THIRD_PARTY],
            capture_output=True,
            text=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
        )
        info = json.loads(r.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None  # e.g. a pyenv shim for a version that is not selected: not usable, not an error
    if info["free_threaded"]:
        # Ranges speak of versions, not builds: a free-threaded build answers the GIL questions differently.
        return None
    return Interpreter(path, tuple(info["version"]), frozenset(info["has"]))


@cache
def interpreters() -> tuple[Interpreter, ...]:
    """One interpreter per feature version, this venv's first (it has the project's packages)."""
    with ThreadPoolExecutor(WORKERS) as pool:
        probed = [i for i in pool.map(_probe, _candidates()) if i is not None]
    by_version: dict[tuple[int, int], Interpreter] = {}
    for i in probed:
        by_version.setdefault(i.version, i)
    return tuple(sorted(by_version.values(), key=lambda i: i.version))


def run_snippet(python: str, code: str) -> str:
    """What a predict_output snippet shows: stdout, plus the exception line when it raises."""
    try:
        r = subprocess.run(
            [python, "-X", "utf8", "-c", code],
            capture_output=True,
            text=True,
            timeout=SNIPPET_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return f"(no result: the snippet ran longer than {SNIPPET_TIMEOUT_S} s)"
    out = r.stdout.rstrip("\n")
    if r.returncode != 0:
        last = r.stderr.rstrip("\n").splitlines()[-1] if r.stderr.strip() else f"exit status {r.returncode}"
        out = f"{out}\n{last}" if out else last
    return out


def _runnable(q: Question, interp: Interpreter) -> bool:
    return admits(q.python, interp.version) and imported_packages(q.code or "") <= interp.packages


@cache
def outputs() -> dict[tuple[str, tuple[int, int]], str]:
    """Every snippet on every interpreter whose version its range admits, a few at a time, once per session."""
    jobs = [(q, i) for q in PREDICT for i in interpreters() if _runnable(q, i)]
    with ThreadPoolExecutor(WORKERS) as pool:
        results = pool.map(lambda job: run_snippet(job[1].path, job[0].code or ""), jobs)
        return {(q.id, i.version): out for (q, i), out in zip(jobs, results, strict=True)}


@pytest.mark.parametrize("interp", interpreters(), ids=lambda i: i.name)
@pytest.mark.parametrize("q", PREDICT, ids=lambda q: q.id)
def test_predict_output_correct_choice_is_what_each_python_prints(q: Question, interp: Interpreter):
    if not admits(q.python, interp.version):
        pytest.skip(f"the question's range {q.python} excludes {interp.name}")
    missing = imported_packages(q.code or "") - interp.packages
    if missing:
        pytest.skip(f"{interp.path} has no {', '.join(sorted(missing))}")
    actual = outputs()[(q.id, interp.version)]
    correct = [c.text.rstrip("\n") for c in q.choices if c.correct]
    tip = "" if q.python else " (if this differs by version: give the question a `python` range)"
    assert correct == [actual], f"{q.where}: on {interp.name} ({interp.path}) the snippet printed{tip}:\n{actual}"
    wrong = [c.text for c in q.choices if not c.correct and c.text.rstrip("\n") == actual]
    assert not wrong, f"{q.where}: on {interp.name} a wrong choice equals the real output"


def test_snippets_run_on_more_than_one_python():
    # The point of the test above is cross-version truth: fail loudly if discovery silently found only one.
    found = [i.name for i in interpreters()]
    assert sys.version_info[:2] in [i.version for i in interpreters()], found
    if glob.glob("/root/.pyenv/versions/3.1[2-5]*/bin/python3"):
        assert len(found) >= 2, f"only {found} usable; pyenv versions exist"


def test_every_question_has_a_hint():
    missing = [f"{q.where}: {q.id}" for q in QUESTIONS if not q.hints]
    assert not missing, "questions without a hint:\n" + "\n".join(missing)


def _giveaways(q: Question) -> list[str]:
    """Texts a hint must not contain: the marked choice (when long enough to be telling), accepted short answers."""
    if q.type in CHOICE_TYPES:
        return [c.text.strip() for c in q.choices if c.correct and len(c.text.strip()) >= 8]
    if q.type == "short_answer":
        return list(q.answer or ())
    return []


def test_no_hint_states_the_answer():
    leaks = []
    for q in QUESTIONS:
        for hint in q.hints:
            for text in _giveaways(q):
                if re.search(rf"(?<!\w){re.escape(text.casefold())}(?!\w)", hint.casefold()):
                    leaks.append(f"{q.where}: {q.id}: a hint contains the answer '{text[:40]}'")
    assert not leaks, "\n".join(leaks)


def test_every_version_range_is_valid_and_admits_a_supported_python():
    bad = [f"{q.where}: {q.id}: {why}" for q in QUESTIONS if q.python and (why := range_problem(q.python))]
    assert not bad, "\n".join(bad)


def test_learners_never_meet_the_guide():
    # The guide is our private source: prompts say "a common claim", references point to official docs.
    seen = []
    for q in QUESTIONS:
        shown = [
            q.prompt,
            q.explanation,
            *q.hints,
            *q.rubric,
            *(c.text for c in q.choices),
            *(c.feedback or "" for c in q.choices),
            q.answer if isinstance(q.answer, str) else "",  # an explain question's model answer
        ]
        if any(re.search(r"\bthe guide\b", s, re.IGNORECASE) for s in shown):
            seen.append(f"{q.where}: {q.id} mentions the guide")
        seen += [f"{q.where}: {q.id} cites '{r}'" for r in q.references if r.lower().startswith("guide")]
    assert not seen, "\n".join(seen)


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
