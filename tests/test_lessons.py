"""Lessons (lessons/<topic>.md): each parses and has its four parts, every Python example runs, every question of
the built-in bank links to a lesson section by its tags, and `dojo learn` lists and renders them."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import lessons
from grader.bank import load_bank
from grader.cli import app
from grader.lessons import LessonError, best_section, parse, section_for
from grader.ui import lesson_view, markdown
from tests.conftest import ROOT

LESSON_FILES = sorted((ROOT / "lessons").glob("*.md"))
LESSONS = {p.stem: lessons.load_file(p) for p in LESSON_FILES}
BANK = load_bank([ROOT / "questions"])  # questions only, as tests/test_question_bank.py does
TOPICS = sorted({q.topic for q in BANK.questions})
EXAMPLES = [(t, c) for t, lesson in LESSONS.items() for c in lesson.code if c.is_python]
EXAMPLE_TIMEOUT_S = 10  # a hard stop; lessons promise < 2 s, checked more loosely below for a loaded machine
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --- every lesson: parses, four parts, examples run -------------------------------------------------------------


@pytest.mark.parametrize("topic", sorted(LESSONS))
def test_lesson_has_the_four_parts(topic):
    lesson = LESSONS[topic]
    slugs = [s.slug for s in lesson.sections]
    assert lesson.title and len(lesson.intro) >= 150, f"{lesson.path}: the intro says what it is and why"
    assert "try-it" in slugs, f"{lesson.path}: a `## Try it` section with a runnable example"
    assert any(c.is_python for c in lesson.section("try-it").code), f"{lesson.path}: `## Try it` has no code"
    assert slugs[-2:] == ["traps", "what-interviewers-ask"], f"{lesson.path}: ends with Traps and interviews"
    for s in lesson.sections:
        assert len(s.body) >= 80, f"{lesson.path}:{s.line}: section '{s.title}' is nearly empty"
    lines = lesson.path.read_text(encoding="utf-8").count("\n")
    assert 50 <= lines <= 140, f"{lesson.path}: {lines} lines; a lesson stays short (60-120)"


@pytest.mark.parametrize("topic", sorted(LESSONS))
def test_lesson_never_cites_the_guide(topic):
    text = LESSONS[topic].path.read_text(encoding="utf-8").lower()
    assert "the guide" not in text and "guide:" not in text, "learners never get that guide: say it ourselves"


@pytest.mark.parametrize(("topic", "block"), EXAMPLES, ids=[f"{t}:{c.line}" for t, c in EXAMPLES])
def test_python_example_runs(topic, block, tmp_path):
    script = tmp_path / "example.py"  # a file, as a learner runs it: spawn and forkserver re-import it
    script.write_text(block.code, encoding="utf-8")
    started = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-X", "utf8", str(script)],
        capture_output=True,
        text=True,
        timeout=EXAMPLE_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,  # an example must not depend on, or write into, the repository
    )
    took = time.perf_counter() - started
    where = f"{LESSONS[topic].path}:{block.line}"
    assert r.returncode == 0, f"{where} exited {r.returncode}:\n{r.stdout}\n{r.stderr}"
    assert r.stdout.strip(), f"{where}: an example shows something"
    assert "Warning" not in r.stderr, f"{where} warns:\n{r.stderr}"
    assert took < 6, f"{where} took {took:.1f} s; examples must run in about 2 s"


def _other_pythons() -> list[Path]:
    """Other CPythons 3.11-3.13 on this machine (pyenv), for the examples' version promise."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = {}
    for exe in sorted(root.glob("3.1[1-3].*/bin/python3")):
        found.setdefault(exe.parent.parent.name.rsplit(".", 1)[0], exe)
    return list(found.values())


def _imports(code: str) -> set[str]:
    return set(re.findall(r"^\s*(?:import|from)\s+(\w+)", code, re.MULTILINE))


@pytest.mark.slow
@pytest.mark.parametrize("python", _other_pythons(), ids=lambda p: p.parent.parent.name)
def test_python_examples_run_on_other_versions(python, tmp_path):
    failed = []
    for topic, block in EXAMPLES:
        mods = sorted(_imports(block.code))
        probe = subprocess.run([python, "-c", f"import {', '.join(mods)}"] if mods else [python, "-c", ""])
        if probe.returncode != 0:
            continue  # a third-party import (numpy, aiohttp) this interpreter lacks: the project venv runs it
        script = tmp_path / "example.py"
        script.write_text(block.code, encoding="utf-8")
        r = subprocess.run(
            [python, "-X", "utf8", str(script)],
            capture_output=True,
            text=True,
            timeout=EXAMPLE_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path,
        )
        if r.returncode != 0:
            failed.append(f"{LESSONS[topic].path}:{block.line}: {r.stderr.strip().splitlines()[-1:]}")
    assert not failed, "\n".join(failed)


# --- questions <-> sections -------------------------------------------------------------------------------------


@pytest.mark.parametrize("topic", TOPICS)
def test_every_question_links_to_a_section_of_its_topic(topic):
    assert topic in LESSONS, f"questions/{topic}.yaml has no lessons/{topic}.md"
    unlinked = [q.id for q in BANK.questions if q.topic == topic and best_section(LESSONS[topic], q.tags) is None]
    assert not unlinked, f"lessons/{topic}.md: no section shares a tag with {unlinked}"


@pytest.mark.parametrize("topic", sorted(LESSONS))
def test_every_section_tag_is_a_tag_of_the_topics_questions(topic):
    used = {t for q in BANK.questions if q.topic == topic for t in q.tags}
    assert used, f"lessons/{topic}.md: no questions/{topic}.yaml yet"
    for s in LESSONS[topic].sections:
        unknown = sorted(set(s.tags) - used)
        assert not unknown, f"{LESSONS[topic].path}:{s.line}: no {topic} question has tags {unknown}"


def test_section_for_and_read_more_on_a_real_question():
    q = BANK.question("gil-counter-not-atomic")
    topic, slug, title = section_for(q, [ROOT])
    assert topic == "gil" and LESSONS["gil"].section(slug).title == title
    assert {"race", "atomicity"} & set(LESSONS["gil"].section(slug).tags)
    more = lessons.read_more(q, [ROOT])
    assert shlex.split(more[0])[-2:] == ["learn", f"{topic}#{slug}"]  # quoted for the shell: `#` starts comments
    assert more[1:] == [r for r in q.references if r.startswith("https://")]
    assert not any("guide" in m for m in more)


def _lesson(text: str) -> lessons.Lesson:
    return parse(text, "demo", Path("demo.md"))


def test_the_most_shared_tags_win_and_ties_go_to_the_first_section():
    lesson = _lesson(
        "# Demo\n\nIntro.\n\n## One\n<!-- tags: a, b -->\nx\n\n## Two\n<!-- tags: b, c, d -->\ny\n\n"
        "## Code\n\n```python\n## not a heading\n```\n"
    )
    assert [s.slug for s in lesson.sections] == ["one", "two", "code"]
    assert best_section(lesson, ["b"]).slug == "one"
    assert best_section(lesson, ["b", "c"]).slug == "two"
    assert best_section(lesson, ["a", "d"]).slug == "one"
    assert best_section(lesson, ["z"]) is None
    assert lesson.section("code").code[0].code == "## not a heading\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no title\n## A\nx\n", "demo.md:1: a lesson starts with"),
        ("# T\n## A\nx\n## A\ny\n", "demo.md:4: section 'a' repeats the one on line 2"),
        ("# T\n## A\n```python\nx = 1\n", "never closed"),
        ("# T\n## A\n<!-- tags: Bad Tag -->\n", "demo.md:3: tags are"),
        ("# T\nonly an intro\n", "needs `## ` sections"),
    ],
)
def test_a_broken_lesson_is_one_clear_message(text, message):
    with pytest.raises(LessonError, match=re.escape(message)):
        _lesson(text)


def test_lessons_ship_in_the_wheel_beside_the_questions():
    hatch = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]
    assert hatch["targets"]["wheel"]["force-include"]["lessons"] == "grader/_bank/lessons"
    assert "lessons" in hatch["targets"]["sdist"]["include"]  # a wheel built from the sdist needs them too
    assert lessons.lesson_dirs([ROOT]) == [ROOT / "lessons"]


# --- dojo learn -------------------------------------------------------------------------------------------------


def _learn(*args: str, columns: int = 80):
    env = {"COLUMNS": str(columns), "DOJO_NO_BUILTIN": None, "DOJO_BANK": None}
    return CliRunner().invoke(app, ["learn", *args], env=env)


def test_learn_lists_every_lesson_with_its_title():
    r = _learn()
    assert r.exit_code == 0, r.output
    for topic, lesson in LESSONS.items():
        assert re.search(rf"^  {re.escape(topic)} +{re.escape(lesson.title[:20])}", r.stdout, re.MULTILINE)
    assert "learn " in r.stdout.splitlines()[-1]


@pytest.mark.parametrize("columns", [80, 60, 40])
def test_learn_renders_a_lesson_at_the_width_without_breaking_words(columns):
    r = _learn("gil", columns=columns)
    assert r.exit_code == 0, r.output
    assert not ANSI.search(r.stdout), "plain text when stdout is not a terminal"
    lines = r.stdout.splitlines()
    prose = [line for line in lines if not line.startswith("  ") or line.lstrip().startswith("•")]
    assert max(len(line) for line in prose) < columns
    if columns >= 60:  # lesson code is written to fit 60 columns; narrower, a long string or comment cannot
        assert max(len(line) for line in lines) < columns
    flat = " ".join(r.stdout.split())
    lesson = LESSONS["gil"]
    for s in lesson.sections:
        assert s.title in flat
        for block in markdown.blocks(s.body):
            if block[0] == "para":  # every paragraph is there word for word: no word was cut
                assert " ".join("".join(t for _, t in block[1]).split()) in flat
    code = lesson.section("try-it").code[0].code
    for line in code.splitlines():
        if line.strip() and len(line) + 2 < columns:
            assert "  " + line in lines, "a code line that fits is shown as it is"


def test_learn_one_section_only():
    r = _learn("gil#what-the-gil-protects")
    assert r.exit_code == 0, r.output
    assert "What the GIL protects" in r.stdout and "Traps" not in r.stdout


@pytest.mark.parametrize(("arg", "suggestion"), [("gli", "learn gil"), ("gil#trap", "gil#traps")])
def test_learn_unknown_topic_or_section_exits_2_with_the_closest(arg, suggestion):
    r = _learn(arg)
    assert r.exit_code == 2
    assert "error: no " in r.stderr and suggestion in r.stderr
    assert "Traceback" not in r.output


def test_code_is_highlighted_and_long_lines_break_between_tokens():
    lesson = _lesson(
        "# T\n\nIntro.\n\n## Try it\n\n```python\nimport threading\n"
        "result = some_function(first_argument, second_argument, third_argument)\n```\n"
    )
    colored = lesson_view.render(lesson, width=40, color=True)
    assert "\x1b[1;35mimport\x1b[0m" in colored
    plain = lesson_view.render(lesson, width=40, color=False).splitlines()
    assert all(len(line) <= 40 for line in plain), plain
    broken = [line for line in plain if "argument" in line or "some_function" in line]
    assert len(broken) >= 2
    indent = [len(line) - len(line.lstrip()) for line in broken]
    assert indent[1] > indent[0], "the rest of a broken line is indented as a continuation"
    words = re.findall(r"\w+", " ".join(broken))
    assert {"some_function", "first_argument", "second_argument", "third_argument"} <= set(words)


def test_code_inside_emphasis_is_shown_as_code_without_backticks():
    lesson = _lesson("# T\n\nIntro.\n\n## Ask\n\n- *Is `counter += 1` atomic?* No.\n")
    plain = lesson_view.render(lesson, width=60, color=False)
    assert "Is counter += 1 atomic? No." in plain and "`" not in plain
    colored = lesson_view.render(lesson, width=60, color=True)
    assert "\x1b[1;36mcounter\x1b[0m" in colored and "\x1b[3mIs\x1b[0m" in colored


@pytest.mark.parametrize("topic", sorted(LESSONS))
def test_every_lesson_fits_60_and_80_columns(topic):
    for columns in (60, 80):
        r = _learn(topic, columns=columns)
        assert r.exit_code == 0, r.output
        wide = [line for line in r.stdout.splitlines() if len(line) >= columns]
        assert not wide, f"{LESSONS[topic].path} at {columns} columns: {wide}"
