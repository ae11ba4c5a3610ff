"""`dojo validate`: every rejection has an exact message with path, line and column (DESIGN section 2)."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from grader.bank import validate

GOOD_Q = """\
  - id: t-one
    type: single_choice
    difficulty: 1
    prompt: Pick one.
    choices:
      - text: a
        correct: true
      - text: b
    explanation: Because.
    references: ["guide: The GIL"]
"""


def topic_file(tmp_path: Path, body: str, name: str = "t") -> Path:
    qdir = tmp_path / "bank" / "questions"
    qdir.mkdir(parents=True, exist_ok=True)
    p = qdir / f"{name}.yaml"
    p.write_text(body, encoding="utf-8")
    return p


def problems_for(path: Path, *others: Path) -> list[str]:
    return [line.replace(str(path.parent.parent) + "/", "") for line in validate([path, *others], [])]


def header(topic: str = "t") -> str:
    return f"format_version: 1\ntopic: {topic}\ntitle: T\nquestions:\n"


def test_a_valid_file_has_no_problems(tmp_path):
    assert problems_for(topic_file(tmp_path, header() + GOOD_Q)) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            header() + GOOD_Q.replace("difficulty: 1", "difficulty: 1\n    dificulty: 2"),
            "questions/t.yaml:8:5: unknown field 'dificulty' in question 't-one'; did you mean 'difficulty'?",
        ),
        (
            header() + GOOD_Q.replace("    explanation: Because.\n", ""),
            "questions/t.yaml:5:5: question 't-one' is missing required field 'explanation'",
        ),
        (
            header() + GOOD_Q.replace("difficulty: 1", "difficulty: hard"),
            "questions/t.yaml:7:17: 'difficulty' must be an integer, not 'hard' (a string)",
        ),
        (
            header() + GOOD_Q.replace("difficulty: 1", "difficulty: 4"),
            "questions/t.yaml:7:17: 'difficulty' is 4, outside the range 1 to 3",
        ),
        (
            header() + GOOD_Q.replace("id: t-one", "id: T_One"),
            "questions/t.yaml:5:9: 'id' 'T_One' is not valid: use lowercase letters, digits and single hyphens "
            "(like 'gil-counter-race')",
        ),
        (
            header() + GOOD_Q.replace("correct: true", "correct: false"),
            "questions/t.yaml:10:7: single_choice needs exactly one choice with 'correct: true', has 0",
        ),
        (
            header() + GOOD_Q.replace("- text: b", "- text: b\n        correct: true"),
            "questions/t.yaml:10:7: single_choice needs exactly one choice with 'correct: true', has 2",
        ),
        (
            header()
            + GOOD_Q.replace("single_choice", "multiple_choice").replace("correct: true", "correct: false"),
            "questions/t.yaml:10:7: multiple_choice needs at least one choice with 'correct: true'",
        ),
        (
            header() + GOOD_Q.replace("single_choice", "essay"),
            "questions/t.yaml:6:11: 'type' 'essay' (a string) is not supported (expected one of: single_choice, "
            "multiple_choice, true_false, short_answer, predict_output, ordering, explain)",
        ),
        (
            header().replace("format_version: 1", "format_version: 2") + GOOD_Q,
            "questions/t.yaml:1:17: 'format_version' 2 (a number) is not supported (expected one of: 1)",
        ),
        ("- just\n- a list\n", "questions/t.yaml:1:1: a question file must be a mapping of fields, not a list"),
        (
            header() + GOOD_Q + "\tbad: tab\n",
            "questions/t.yaml:15:1: tab character; YAML bank files must use spaces",
        ),
        (
            header() + GOOD_Q.replace("Pick one.", "[unclosed"),
            "questions/t.yaml:9:12: YAML syntax error: did not find expected ',' or ']'",
        ),
        ("", "questions/t.yaml:1:1: file is empty"),
        ("   \n\n", "questions/t.yaml:1:1: file is empty"),
        (
            header() + GOOD_Q.replace("single_choice", "true_false"),
            "questions/t.yaml:9:5: 'choices' is not used by true_false questions; remove it",
        ),
        (
            header()
            + GOOD_Q.replace("single_choice", "true_false").replace(
                "    choices:", "    answer: maybe\n    choices:"
            ),
            "questions/t.yaml:9:13: 'answer' of a true_false question must be true or false, not 'maybe' (a string)",
        ),
        (header("other") + GOOD_Q, "questions/t.yaml:2:8: topic 'other' must match the file name 't'"),
    ],
    ids=[
        "unknown-field",
        "missing-field",
        "wrong-type",
        "out-of-range",
        "bad-id",
        "no-correct",
        "two-correct",
        "multi-no-correct",
        "unknown-type",
        "unknown-format-version",
        "top-level-list",
        "tab",
        "syntax-error",
        "empty",
        "blank",
        "field-not-for-type",
        "answer-type",
        "topic-mismatch",
    ],
)
def test_rejections_name_file_line_and_column(tmp_path, body, expected):
    assert expected in problems_for(topic_file(tmp_path, body))


def test_all_problems_are_reported_in_one_run(tmp_path):
    body = header() + GOOD_Q.replace("difficulty: 1", "difficulty: 9").replace("id: t-one", "id: Bad")
    assert len(problems_for(topic_file(tmp_path, body))) == 2


def test_non_utf8_names_the_byte_position(tmp_path):
    p = topic_file(tmp_path, "")
    p.write_bytes(header().encode() + b"  - id: caf\xe9\n")
    assert problems_for(p) == ["questions/t.yaml:5:12: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    a = topic_file(tmp_path, header("a") + GOOD_Q, "a")
    b = topic_file(tmp_path, header("b") + GOOD_Q, "b")
    assert problems_for(a, b) == [
        "questions/b.yaml:5:9: duplicate id 't-one': also at questions/a.yaml:5:9",
    ]


def test_duplicate_id_against_another_bank_is_reported_on_the_validated_file(tmp_path):
    other = tmp_path / "other"
    topic_file(other, header("a") + GOOD_Q, "a")
    mine = topic_file(tmp_path, header("b") + GOOD_Q, "b")
    lines = validate([mine], [other / "bank"])
    assert len(lines) == 1
    assert lines[0].startswith(f"{mine}:5:9: duplicate id 't-one': also at ")


def kata_dir(
    tmp_path: Path,
    yaml_text: str,
    files=("prompt.md", "starter.py", "solution.py", "test_kata.py"),
    bank: str = "bank",
):
    d = tmp_path / bank / "katas" / "tiny"
    d.mkdir(parents=True)
    (d / "kata.yaml").write_text(yaml_text, encoding="utf-8")
    for f in files:
        (d / f).write_text("# x\n", encoding="utf-8")
    return d


KATA = textwrap.dedent("""\
    format_version: 1
    slug: tiny
    title: Tiny
    difficulty: 1
    topics: [asyncio]
    requires_python: ">=3.11"
    time_limit_s: 30
    memory_limit_mb: 512
    hints: [one, two, three]
    """)


def test_a_valid_kata_has_no_problems(tmp_path):
    assert validate([kata_dir(tmp_path, KATA)], []) == []


def test_a_kata_missing_a_file_names_it(tmp_path):
    d = kata_dir(tmp_path, KATA, files=("prompt.md", "starter.py", "test_kata.py"))
    assert validate([d], []) == [f"{d}/solution.py:1:1: kata 'tiny' is missing required file solution.py"]


def test_kata_field_problems(tmp_path):
    d = kata_dir(
        tmp_path, KATA.replace("slug: tiny", "slug: other").replace("hints: [one, two, three]", "hints: [one]")
    )
    assert validate([d], []) == [
        f"{d}/kata.yaml:2:7: slug 'other' must match the folder name 'tiny'",
        f"{d}/kata.yaml:9:8: a kata needs at least 3 hints, from a nudge to nearly the answer; has 1",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a: &x [1]\nb: *x\n", "1:4: anchors and aliases (&name, *name) are not allowed in bank files"),
        ("a: " + "[" * 20000 + "]" * 20000 + "\n", "nesting"),
        ("a: " + "- " * 20000 + "x\n", "YAML syntax error"),
    ],
    ids=["alias", "deep-flow", "deep-block"],
)
def test_hostile_yaml_is_rejected_quickly(tmp_path, body, expected):
    p = topic_file(tmp_path, body)
    start = time.perf_counter()
    lines = problems_for(p)
    elapsed = time.perf_counter() - start
    assert any(expected in line for line in lines), lines
    assert elapsed < 1.0  # a product guarantee of the validator (DESIGN: "rejected within a second")


def test_alias_bomb_is_rejected_without_expanding(tmp_path):
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    p = topic_file(tmp_path, "\n".join(bomb) + "\n")
    start = time.perf_counter()
    assert problems_for(p) == [
        "questions/t.yaml:1:4: anchors and aliases (&name, *name) are not allowed in bank files"
    ]
    assert time.perf_counter() - start < 1.0


def test_huge_file_is_rejected_before_reading(tmp_path):
    p = topic_file(tmp_path, "")
    with p.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    start = time.perf_counter()
    assert problems_for(p) == ["questions/t.yaml:1:1: file is 21.0 MB; bank files may be at most 2 MiB"]
    assert time.perf_counter() - start < 1.0


def test_yes_and_no_stay_strings(tmp_path):
    body = header() + GOOD_Q.replace("- text: a", "- text: yes").replace("- text: b", "- text: no")
    assert problems_for(topic_file(tmp_path, body)) == []


def test_duplicate_kata_slugs_across_banks_name_both_places(tmp_path):
    a = kata_dir(tmp_path, KATA, bank="one")
    b = kata_dir(tmp_path, KATA, bank="two")
    assert validate([a.parent.parent, b.parent.parent], []) == [
        f"{b}/kata.yaml:2:7: duplicate kata slug 'tiny': also at {a}/kata.yaml:2:7"
    ]


def test_a_kata_python_file_that_does_not_parse_is_named(tmp_path):
    d = kata_dir(tmp_path, KATA)
    (d / "test_kata.py").write_text("def test_x(:\n    pass\n", encoding="utf-8")
    assert validate([d], []) == [f"{d}/test_kata.py:1:12: Python syntax error: invalid syntax"]


def with_python(rng: str) -> str:
    """GOOD_Q with a `python:` line right after difficulty (line 8, value at column 13)."""
    return header() + GOOD_Q.replace("difficulty: 1\n", f"difficulty: 1\n    python: {rng}\n")


@pytest.mark.parametrize(
    ("rng", "expected"),
    [
        (
            '">=3.x"',
            "questions/t.yaml:8:13: 'python' '>=3.x' is not a version range (PEP 440, like '>=3.12' or "
            "'>=3.11,<3.14')",
        ),
        (
            '"3.12"',
            "questions/t.yaml:8:13: 'python' '3.12' is not a version range (PEP 440, like '>=3.12' or "
            "'>=3.11,<3.14'); did you mean '==3.12' or '>=3.12'?",
        ),
        (
            '"<3.11"',
            "questions/t.yaml:8:13: 'python' '<3.11' admits no Python from 3.11 to 3.15, so the question "
            "would never be asked",
        ),
        (
            '">=3.14,<3.13"',
            "questions/t.yaml:8:13: 'python' '>=3.14,<3.13' admits no Python from 3.11 to 3.15, so the "
            "question would never be asked",
        ),
        ("3.12", "questions/t.yaml:8:13: 'python' must be a string, not 3.12 (a number)"),
    ],
    ids=["not-a-specifier", "bare-version", "before-3.11", "empty-intersection", "unquoted-number"],
)
def test_a_bad_python_range_is_named_with_its_position(tmp_path, rng, expected):
    assert problems_for(topic_file(tmp_path, with_python(rng))) == [expected]


@pytest.mark.parametrize("rng", ['">=3.14"', '">=3.11,<3.14"', '"==3.13.*"', '"~=3.12"', '">=3.15.0b1"'])
def test_a_good_python_range_is_accepted_and_kept(tmp_path, rng):
    from grader.bank import load_bank

    p = topic_file(tmp_path, with_python(rng))
    assert problems_for(p) == []
    (q,) = load_bank([p.parent]).questions
    assert q.python == rng.strip('"')


def test_applies_to_compares_feature_versions():
    from dataclasses import replace

    from grader.models import Question
    from grader.versions import applies_to, parse_version

    q = Question(id="x", type="true_false", topic="t", difficulty=1, prompt="p", explanation="e", references=())
    assert all(applies_to(q, (3, m)) for m in range(11, 16))  # no range: every version
    old = replace(q, python=">=3.11,<3.14")
    assert [m for m in range(11, 16) if applies_to(old, (3, m))] == [11, 12, 13]
    # ">3.13" means 3.14 and later: 3.13.x patch releases are not "later" for a feature-version target
    assert [m for m in range(11, 16) if applies_to(replace(q, python=">3.13"), (3, m))] == [14, 15]
    assert parse_version(" 3.14 ") == (3, 14)
    with pytest.raises(ValueError, match="write it like"):
        parse_version("3.14.1")


def test_the_schema_documents_the_python_range_and_its_pattern_agrees():
    import re

    from grader.schema import json_schema

    prop = json_schema("questions")["$defs"]["question"]["properties"]["python"]
    assert "PEP 440" in prop["description"] and prop["type"] == "string"
    for good in (">=3.14", ">=3.11, <3.14", "==3.13.*", "~=3.12", "!=3.13", ">=3.15.0b1"):
        assert re.match(prop["pattern"], good), good
    for bad in ("3.12", ">=3.x", "python>=3.12", ">=3.12;"):
        assert not re.match(prop["pattern"], bad), bad
