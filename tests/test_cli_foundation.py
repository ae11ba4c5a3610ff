"""The `dojo` app itself: version, help, lazy imports, the error boundary, README coverage, JSON Schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from grader import __version__
from grader.bank import discover, load_sources
from grader.checks import Problems
from grader.schema import json_schema
from tests.conftest import ROOT

HEAVY = ("questionary", "pytest", "numpy", "aiohttp", "fsrs", "prompt_toolkit", "watchfiles")


def test_version(dojo):
    r = dojo("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"dojo {__version__}"


def test_help_groups_commands(dojo):
    r = dojo("--help")
    assert r.returncode == 0, r.stderr
    for panel in ("Quiz", "Katas", "Authoring"):
        assert panel in r.stdout


def test_python_dash_m_grader_is_the_same_app():
    r = subprocess.run([sys.executable, "-m", "grader", "--version"], capture_output=True, text=True)
    assert r.stdout.strip() == f"dojo {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["validate"], ["kata", "list", "--json"]])
def test_light_commands_do_not_import_heavy_modules(args, dojo_env):
    code = (
        "import sys\nfrom grader.cli import main\n"
        f"sys.argv = ['dojo', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dojo_env, cwd=ROOT)
    heavy = r.stderr.rsplit("HEAVY=", 1)[1].strip()
    assert heavy == "", f"{args} imported {heavy}"


def test_usage_error_exits_2(dojo):
    r = dojo("no-such-command")
    assert r.returncode == 2
    assert "No such command" in r.stderr


def test_unknown_kata_exits_2_with_a_one_line_message(dojo):
    r = dojo("kata", "show", "no-such-kata")
    assert r.returncode == 2
    assert r.stderr.startswith("error: no kata 'no-such-kata'") and "Traceback" not in r.stderr
    assert "Traceback" not in r.stderr


def test_invalid_bank_exits_1_without_traceback_and_traceback_flag_shows_it(dojo, tmp_path):
    bank = tmp_path / "b"
    (bank / "questions").mkdir(parents=True)
    (bank / "questions" / "x.yaml").write_text("format_version: 1\ntopic: x\n", encoding="utf-8")
    r = dojo("--bank", str(bank), "dev", "check", "no-such-kata")  # dev check needs the whole bank valid
    assert r.returncode == 1
    assert "x.yaml:1:1: a question file is missing required field 'title'" in r.stderr
    assert "Traceback" not in r.stderr
    r = dojo("--traceback", "--bank", str(bank), "dev", "check", "no-such-kata")
    assert "Traceback" in r.stderr and "BankError" in r.stderr
    r = dojo("--bank", str(bank), "dev", "check", "no-such-kata", env={"DOJO_DEBUG": "1"})
    assert "Traceback" in r.stderr


def test_one_bad_question_in_a_bank_blocks_no_command_that_does_not_need_it(dojo, tmp_path):
    """Issue 10, point 15: one bad question in a --bank blocked even `dojo stats`."""
    bank = tmp_path / "b"
    (bank / "questions").mkdir(parents=True)
    good = (ROOT / "tests" / "fixtures" / "quiz_bank" / "questions" / "basics.yaml").read_text(encoding="utf-8")
    broken = good.replace("    type: true_false\n", "    type: true_or_false\n")  # one question of four
    (bank / "questions" / "basics.yaml").write_text(broken, encoding="utf-8")
    env = {"DOJO_NO_BUILTIN": "1"}
    for args in (["stats", "--json"], ["topics", "--json"], ["next"], ["kata", "list"]):
        r = dojo("--bank", str(bank), *args, env=env)
        assert r.returncode == 0, (args, r.stderr)
        assert r.stderr.startswith("warning: left out what does not load (1 problem):"), r.stderr
        assert "basics.yaml:" in r.stderr and "true_or_false" in r.stderr and "dojo validate" in r.stderr
    topics = json.loads(dojo("--bank", str(bank), "topics", "--json", env=env).stdout)
    assert [(t["topic"], t["questions"]) for t in topics] == [("basics", 3)]  # the three good ones stay
    r = dojo("--bank", str(bank), "quiz", "--count", "3", "--json", input="1\n1\n1\n", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["asked"] == 3
    assert dojo("--bank", str(bank), "validate", str(bank), env=env).returncode == 1  # validate stays strict


def test_help_shows_no_type_for_flags(dojo):
    """Issue 10, point 15: `--help` showed flags as `-h <bool>`."""
    for args in (["--help"], ["quiz", "--help"], ["stats", "-h"], ["next", "--help"]):
        r = dojo(*args, env={"COLUMNS": "100"})
        assert r.returncode == 0 and "--help" in r.stdout
        assert "<bool>" not in r.stdout, args


def test_usage_errors_read_like_every_other_error(dojo):
    """Issue 10, point 15: "Error" (typer's panel) and "error:" (ours) both appeared."""
    r = dojo("quiz", "--bogus")
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert lines[0] == "error: No such option: --bogus"
    assert (
        lines[1].startswith("Usage: dojo quiz")
        and lines[2].startswith("Try '")
        and "quiz -h' for help" in lines[2]
    )
    assert "Error" not in r.stderr and "╭" not in r.stderr


def test_validate_counts_problems_in_words(dojo, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\ntopic: bad\ntitle: Bad\nquestions: []\n", encoding="utf-8")
    r = dojo("validate", str(bad))
    assert r.returncode == 1 and r.stderr.strip().endswith("1 problem found."), r.stdout + r.stderr


def test_validate_exit_codes(dojo, tmp_path):
    assert dojo("validate").returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\n", encoding="utf-8")
    r = dojo("validate", str(bad))
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        f"{bad}:1:1: a question file is missing required field 'topic'",
        f"{bad}:1:1: a question file is missing required field 'title'",
        f"{bad}:1:1: a question file is missing required field 'questions'",
    ]


def test_dojo_bank_env_adds_a_bank(dojo, tmp_path):
    bank = tmp_path / "extra"
    (bank / "questions").mkdir(parents=True)
    (bank / "questions" / "x.yaml").write_text("nonsense: 1\n", encoding="utf-8")
    r = dojo("kata", "list", env={"DOJO_BANK": str(bank)})
    assert r.returncode == 0 and "unknown field 'nonsense'" in r.stderr  # loaded, reported, left out
    r = dojo("validate", env={"DOJO_BANK": str(bank)})
    assert r.returncode == 1 and "unknown field 'nonsense'" in r.stdout


def test_every_command_is_in_the_readme():
    import typer.main

    from grader.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    names = []
    for name, cmd in group.commands.items():
        sub = getattr(cmd, "commands", None)
        names += [f"dojo {name} {s}" for s in sub] if sub else [f"dojo {name}"]
    missing = [n for n in names if not re.search(re.escape(n) + r"\b", readme)]
    assert not missing, f"commands missing from README.md: {missing}"
    for name, cmd in group.commands.items():
        assert cmd.help or cmd.short_help, f"dojo {name} has no help text"


@pytest.mark.parametrize("kind", ["questions", "kata"])
def test_schema_command_prints_json_schema(dojo, kind):
    r = dojo("schema", kind)
    assert r.returncode == 0
    assert json.loads(r.stdout)["$schema"].startswith("https://json-schema.org/")


def test_schema_and_validator_agree_on_the_shipped_bank():
    jsonschema = pytest.importorskip("jsonschema")
    from grader.yamlnodes import parse, read_text

    problems = Problems()
    src = discover([ROOT], problems)
    load_sources(src, problems)
    assert not problems, problems.lines()
    assert src.question_files, "the shipped bank has no question files"
    for path in src.question_files:
        jsonschema.validate(parse(read_text(path)).plain(), json_schema("questions"))
    for d in src.kata_dirs:
        jsonschema.validate(parse(read_text(d / "kata.yaml")).plain(), json_schema("kata"))


def test_schema_rejects_what_the_validator_rejects():
    jsonschema = pytest.importorskip("jsonschema")
    base = {
        "format_version": 1,
        "topic": "t",
        "title": "T",
        "questions": [
            {
                "id": "t-a",
                "type": "true_false",
                "difficulty": 2,
                "prompt": "p",
                "answer": True,
                "explanation": "e",
                "references": ["r"],
            }
        ],
    }
    jsonschema.validate(base, json_schema("questions"))
    for broken in (
        {"difficulty": 5},
        {"id": "Bad Id"},
        {"type": "essay"},
        {"answer": "yes"},
        {"rubric": ["x"]},
        {"choices": [{"text": "a", "correct": True}, {"text": "b"}]},
        {"dificulty": 1},
    ):
        q = {**base["questions"][0], **broken}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**base, "questions": [q]}, json_schema("questions"))


@pytest.mark.parametrize(
    "args", [["stats"], ["quiz", "--plain", "--count", "1"], ["quiz", "--review"]], ids=" ".join
)
def test_read_only_data_folder_says_what_to_fix_before_any_work(args, dojo_env, tmp_path, unprivileged):
    """Issue 10, point 10: a read-only DOJO_HOME once got "Move it away to start afresh (mv ...)"."""
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    env = {**dojo_env, "DOJO_HOME": str(home)}
    r = subprocess.run(
        [*unprivileged, sys.executable, "-m", "grader", *args],
        input="1\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.startswith(
        f"error: the data folder {home} (from DOJO_HOME) is not writable: permission denied"
    )
    assert "chmod u+w" in r.stderr and "DOJO_HOME" in r.stderr.splitlines()[1]
    assert "mv " not in r.stderr and "away" not in r.stderr and "Traceback" not in r.stderr
    assert "Question 1" not in r.stdout  # refused before the first question, not after the answer


def test_the_lesson_list_wraps_titles_whole_at_60_columns(dojo, dojo_env):
    """`dojo learn` at 60 columns cut titles mid-word ("sessions, limits and ti…"): they wrap under themselves."""
    from grader.lessons import load_all

    r = subprocess.run(
        [sys.executable, "-m", "grader", "learn"],
        capture_output=True,
        text=True,
        env={**dojo_env, "COLUMNS": "60"},
    )
    assert r.returncode == 0, r.stderr
    assert "…" not in r.stdout and max(len(line) for line in r.stdout.splitlines()) <= 60
    flat = " ".join(r.stdout.split())
    for lesson in load_all():
        assert " ".join(lesson.title.split()) in flat, lesson.title


def test_a_long_section_title_still_shows_its_anchor(dojo_env):
    """At 60 columns "Races: the GIL does not make your code atomic" had no room for its anchor beside it and
    showed none, though "Read more" sends learners to `dojo learn gil#races-...`."""
    from grader.lessons import Section
    from grader.ui.lesson_view import heading

    class Plain:
        color = False

        def __call__(self, text, style):
            return text

    title = "Races: the GIL does not make your code atomic"
    section = Section(title, "races-the-gil-does-not-make-your-code-atomic", (), "", (), 1)
    lines = heading(section, "gil", 60, Plain())
    assert any(line.strip() == f"gil#{section.slug}" for line in lines), lines
    assert all(len(line) <= 60 for line in lines)
