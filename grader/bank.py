"""Find, load and validate banks: question files (questions/<topic>.yaml) and kata folders (katas/<slug>/)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader import bankcache
from grader.checks import Problems, check_mapping, describe, loc, show_path
from grader.errors import BankError
from grader.models import Bank, Choice, Kata, Location, Question, Topic
from grader.schema import ANSWER_KINDS, CHOICE_FIELDS, KATA_FIELDS, QUESTION_FIELDS, TOPIC_FIELDS, TYPE_RULES
from grader.yamlnodes import Node, YamlProblem, parse, read_text

KATA_FILES = ("kata.yaml", "prompt.md", "starter.py", "solution.py", "test_kata.py")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Sources:
    """The files that make up one or more banks."""

    question_files: list[Path] = field(default_factory=list)
    kata_dirs: list[Path] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)


def discover(paths: Iterable[Path], problems: Problems) -> Sources:
    """Turn bank roots, topic files, kata folders, questions/ or katas/ folders into a list of sources."""
    src = Sources()
    for p in paths:
        if not p.exists():
            problems.add(p, 1, 1, "no such file or folder")
        elif p.is_file():
            if p.name == "kata.yaml":
                src.kata_dirs.append(p.parent)
            elif p.suffix in YAML_SUFFIXES:
                src.question_files.append(p)
            else:
                problems.add(p, 1, 1, "not a question file (.yaml) or kata.yaml")
        elif (p / "kata.yaml").exists() or p.parent.name == "katas":
            src.kata_dirs.append(p)
        elif (p / "questions").is_dir() or (p / "katas").is_dir():
            src.roots.append(p)
            src.question_files += _yaml_files(p / "questions")
            src.kata_dirs += _kata_dirs(p / "katas")
        elif p.name == "katas":
            src.kata_dirs += _kata_dirs(p)
        elif any(p.glob("*.y*ml")):
            src.question_files += _yaml_files(p)
        else:
            problems.add(
                p, 1, 1, "not a bank: expected a folder with questions/ or katas/, a topic file or a kata"
            )
    return src


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.iterdir() if f.suffix in YAML_SUFFIXES and f.is_file())


def _kata_dirs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(d for d in folder.iterdir() if d.is_dir() and not d.name.startswith((".", "_")))


def _parse_file(path: Path, problems: Problems) -> Node | None:
    try:
        return parse(read_text(path))
    except YamlProblem as e:
        problems.add(path, e.line, e.col, e.message)
    except OSError as e:
        problems.add(path, 1, 1, f"cannot read: {e.strerror}")
    return None


def load_topic(path: Path, problems: Problems) -> Topic | None:
    cached = bankcache.get(path)
    if isinstance(cached, Topic):
        return cached
    before = len(problems)
    root = _parse_file(path, problems)
    if root is None:
        return None
    top = check_mapping(root, TOPIC_FIELDS, path, problems, "a question file")
    if top is None:
        return None
    slug = top["topic"].value if "topic" in top else path.stem
    if "topic" in top and slug != path.stem:
        problems.at(path, top["topic"], f"topic '{slug}' must match the file name '{path.stem}'")
    questions = []
    for qnode in top["questions"].value if "questions" in top else []:
        q = _question(qnode, slug, path, problems)
        if q is not None:
            questions.append(q)
    title = top["title"].value if "title" in top else slug
    topic = Topic(slug=slug, title=title, path=path, questions=tuple(questions))
    if len(problems) == before:
        bankcache.put(path, topic)
    return topic


def _question(node: Node, topic: str, path: Path, problems: Problems) -> Question | None:
    qid = node.value.get("id", (None, None))[1] if isinstance(node.value, dict) else None
    what = f"question '{qid.value}'" if qid is not None and isinstance(qid.value, str) else "a question"
    f = check_mapping(node, QUESTION_FIELDS, path, problems, what)
    if f is None or "type" not in f:
        return None
    qtype = f["type"].value
    rules = TYPE_RULES[qtype]
    for name, needed in rules.items():
        if needed and name not in f and name not in node.value:
            problems.at(path, node, f"{what} ({qtype}) is missing required field '{name}'")
        elif not needed and name in node.value:
            problems.at(path, node.value[name][0], f"'{name}' is not used by {qtype} questions; remove it")
    if qtype == "predict_output" and "code" not in node.value:
        problems.at(path, node, f"{what} (predict_output) is missing required field 'code'")
    choices = _choices(f.get("choices"), qtype, path, problems) if rules["choices"] else ()
    answer = _answer(f.get("answer"), qtype, path, problems) if rules["answer"] else None
    if any(name not in f for name in ("id", "difficulty", "prompt", "explanation", "references")):
        return None
    return Question(
        id=f["id"].value,
        type=qtype,
        topic=topic,
        difficulty=f["difficulty"].value,
        prompt=f["prompt"].value.strip(),
        explanation=f["explanation"].value.strip(),
        references=_strs(f.get("references")),
        tags=_strs(f.get("tags")),
        covers=_strs(f.get("covers")),
        code=f["code"].value.rstrip("\n") if "code" in f else None,
        choices=choices,
        answer=answer,
        rubric=_strs(f.get("rubric")),
        hints=_strs(f.get("hints")),
        where=loc(path, node),
        field_where={k: loc(path, v) for k, v in f.items()},
    )


def _strs(node: Node | None) -> tuple[str, ...]:
    return tuple(i.value.strip() for i in node.value) if node is not None else ()


def _choices(node: Node | None, qtype: str, path: Path, problems: Problems) -> tuple[Choice, ...]:
    if node is None:
        return ()
    out = []
    for c in node.value:
        f = check_mapping(c, CHOICE_FIELDS, path, problems, "a choice")
        if f is None or "text" not in f:
            continue
        fb = f.get("feedback")
        out.append(
            Choice(
                text=f["text"].value.rstrip("\n"),
                correct=bool(f.get("correct") and f["correct"].value),
                feedback=fb.value.strip() if fb else None,
            )
        )
    n_correct = sum(c.correct for c in out)
    if len(out) == len(node.value):
        if qtype == "multiple_choice" and n_correct == 0:
            problems.at(path, node, "multiple_choice needs at least one choice with 'correct: true'")
        elif qtype != "multiple_choice" and n_correct != 1:
            problems.at(path, node, f"{qtype} needs exactly one choice with 'correct: true', has {n_correct}")
        texts = [c.text for c in out]
        dup = next((t for t in texts if texts.count(t) > 1), None)
        if dup is not None:
            problems.at(path, node, f"two choices have the same text: '{dup[:40]}'")
    return tuple(out)


def _answer(node: Node | None, qtype: str, path: Path, problems: Problems):
    if node is None:
        return None
    kind = ANSWER_KINDS[qtype]
    v = node.value
    if kind == "bool" and not isinstance(v, bool):
        problems.at(path, node, f"'answer' of a true_false question must be true or false, not {describe(v)}")
    elif kind == "str" and (not isinstance(v, str) or not v.strip()):
        problems.at(
            path, node, f"'answer' of an explain question must be the model answer text, not {describe(v)}"
        )
    elif kind == "str_list":
        items = v if isinstance(v, list) else None
        if items is None or not items or any(not isinstance(i.value, str | int | float) for i in items):
            problems.at(path, node, f"'answer' of a {qtype} question must be a list of strings, not {describe(v)}")
            return None
        strs = tuple(str(i.value).strip() for i in items)
        if qtype == "ordering":
            if not 2 <= len(strs) <= 8:
                problems.at(path, node, f"an ordering question needs 2 to 8 items, has {len(strs)}")
            if len(set(strs)) != len(strs):
                problems.at(path, node, "the items of an ordering question must be distinct")
        return strs
    else:
        return v.strip() if isinstance(v, str) else v
    return None


def load_kata(folder: Path, problems: Problems) -> Kata | None:
    missing = [name for name in KATA_FILES if not (folder / name).is_file()]
    for name in missing:
        problems.add(folder / name, 1, 1, f"kata '{folder.name}' is missing required file {name}")
    if "kata.yaml" in missing:
        return None
    path = folder / "kata.yaml"
    cached = bankcache.get(path)
    if isinstance(cached, Kata) and not missing:
        return cached
    before = len(problems)
    root = _parse_file(path, problems)
    if root is None:
        return None
    f = check_mapping(root, KATA_FIELDS, path, problems, "kata.yaml")
    if f is None:
        return None
    if "slug" in f and f["slug"].value != folder.name:
        problems.at(path, f["slug"], f"slug '{f['slug'].value}' must match the folder name '{folder.name}'")
    if "hints" in f and len(f["hints"].value) < 3:
        problems.at(
            path,
            f["hints"],
            f"a kata needs at least 3 hints, from a nudge to nearly the answer; has {len(f['hints'].value)}",
        )
    if any(spec.required and spec.name not in f for spec in KATA_FIELDS):
        return None
    kata = Kata(
        slug=f["slug"].value,
        title=f["title"].value,
        difficulty=f["difficulty"].value,
        topics=_strs(f["topics"]),
        requires_python=f["requires_python"].value.strip(),
        time_limit_s=float(f["time_limit_s"].value),
        memory_limit_mb=f["memory_limit_mb"].value,
        hints=_strs(f["hints"]),
        path=folder,
        where=loc(path, root),
        field_where={k: loc(path, v) for k, v in f.items()},
    )
    if len(problems) == before:
        bankcache.put(path, kata)
    return kata


def python_problem(path: Path) -> tuple[int, int, str] | None:
    """(line, col, message) when a kata's Python file does not parse, else None."""
    import ast

    try:
        ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError as e:
        return (e.lineno or 1, e.offset or 1, f"Python syntax error: {e.msg}")
    except (OSError, ValueError) as e:
        return (1, 1, f"cannot read as Python: {e}")
    return None


def _check_python(katas: list[Kata], problems: Problems) -> None:
    for k in katas:
        for f in (k.starter_path, k.solution_path, k.test_path, *k.wrong_paths):
            problem = python_problem(f) if f.is_file() else None
            if problem:
                problems.add(f, *problem)


def _check_unique(
    topics: list[Topic], katas: list[Kata], problems: Problems, known: dict[str, Location] | None = None
) -> None:
    seen: dict[str, Location] = dict(known or {})
    for t in topics:
        for q in t.questions:
            _unique(seen, f"id '{q.id}'", q.field_where.get("id", q.where), problems)
    slugs: dict[str, Location] = {}
    for k in katas:
        _unique(slugs, f"kata slug '{k.slug}'", k.field_where.get("slug", k.where), problems)


def _unique(seen: dict[str, Location], key: str, where: Location | None, problems: Problems) -> None:
    if where is None:
        return
    first = seen.get(key)
    if first is not None and first != where:
        problems.add(
            where.path,
            where.line,
            where.col,
            f"duplicate {key}: also at {show_path(first.path)}:{first.line}:{first.col}",
        )
    else:
        seen[key] = where


def load_sources(src: Sources, problems: Problems) -> tuple[list[Topic], list[Kata]]:
    topics = [t for p in src.question_files if (t := load_topic(p, problems)) is not None]
    katas = [k for d in src.kata_dirs if (k := load_kata(d, problems)) is not None]
    return topics, katas


def load_bank(roots: Iterable[Path]) -> Bank:
    """Load and validate every bank in `roots`. Raises BankError listing every problem."""
    roots = list(roots)
    problems = Problems()
    src = discover(roots, problems)
    topics, katas = load_sources(src, problems)
    _check_unique(topics, katas, problems)
    if problems:
        raise BankError(problems.lines())
    return Bank(topics=tuple(topics), katas=tuple(katas), roots=tuple(roots))


def validate(paths: list[Path], context_roots: list[Path]) -> list[str]:
    """Problems in `paths` (all of them, sorted), including ids that clash with the banks in `context_roots`."""
    problems = Problems()
    src = discover(paths, problems)
    topics, katas = load_sources(src, problems)
    mine = {p.resolve() for p in src.question_files} | {d.resolve() for d in src.kata_dirs}
    ctx_src = discover([r for r in context_roots if r.exists()], Problems())
    ctx_src.question_files = [p for p in ctx_src.question_files if p.resolve() not in mine]
    ctx_src.kata_dirs = [d for d in ctx_src.kata_dirs if d.resolve() not in mine]
    ctx_topics, ctx_katas = load_sources(ctx_src, Problems())
    _check_python(katas, problems)
    # Context items first so that the clash is reported on the file being validated.
    _check_unique(ctx_topics + topics, ctx_katas + katas, problems)
    ctx_where = {loc_ for t in ctx_topics for q in t.questions if (loc_ := q.field_where.get("id"))} | {
        loc_ for k in ctx_katas if (loc_ := k.field_where.get("slug"))
    }
    problems.items = [i for i in problems.items if Location(*i[:3]) not in ctx_where]
    return problems.lines()
