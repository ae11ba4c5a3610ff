"""Find, load and validate banks: question files (questions/<topic>.yaml) and kata folders (katas/<slug>/)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.checks import Problems, show_path
from grader.errors import BankError
from grader.kata_file import check_python, load_kata
from grader.models import Bank, Kata, Location, Topic
from grader.topic_file import load_topic

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


def load_bank_lenient(roots: Iterable[Path]) -> tuple[Bank, list[str], list[Path]]:
    """Load what loads and report the rest: (the bank without its broken parts, every problem, the files).

    For commands that do not need the broken file: one bad question in a --bank must not block `dojo stats`
    or a kata check. A question or kata with a problem is left out; so is every file with a duplicate id or
    slug (which one was meant cannot be known). `dojo validate` and `dojo dev check` stay strict.
    """
    roots = list(roots)
    problems = Problems()
    src = discover(roots, problems)
    topics, katas = load_sources(src, problems)
    clashes = Problems()
    _check_unique(topics, katas, clashes)
    if clashes:
        bad = {path.resolve() for path, *_ in clashes.items}
        topics = [t for t in topics if t.path.resolve() not in bad]
        katas = [k for k in katas if k.path.resolve() not in bad and (k.path / "kata.yaml").resolve() not in bad]
        problems.items += clashes.items
    broken = {path.resolve() for path, *_ in problems.items}
    topics = [t for t in topics if t.questions or t.path.resolve() not in broken]  # nothing left of it
    files = sorted({path for path, *_ in problems.items})
    return Bank(topics=tuple(topics), katas=tuple(katas), roots=tuple(roots)), problems.lines(), files


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
    check_python(katas, problems)
    # Context items first so that the clash is reported on the file being validated.
    _check_unique(ctx_topics + topics, ctx_katas + katas, problems)
    ctx_where = {loc_ for t in ctx_topics for q in t.questions if (loc_ := q.field_where.get("id"))} | {
        loc_ for k in ctx_katas if (loc_ := k.field_where.get("slug"))
    }
    problems.items = [i for i in problems.items if Location(*i[:3]) not in ctx_where]
    return problems.lines()
