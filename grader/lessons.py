"""Lessons: one short Markdown file per topic (`lessons/<topic>.md`), and the link from a question to the lesson
section that teaches it.

A lesson is `# Title`, an introduction, then `## ` sections. Right under each heading an HTML comment lists the
question tags that section teaches: `<!-- tags: lock, race -->`. A question of topic T links to the section of
`lessons/T.md` that shares the most tags with it (first section on a tie); none shared means no link. The link
is computed, so question files never name lesson sections and the two can be written by different people.

Core module: no typer, rich or questionary here; `grader.ui.lesson_view` renders what this parses.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from grader.errors import DojoError, UnknownItemError
from grader.models import Question

_FENCE = re.compile(r"^\s*```\s*([\w+-]*)\s*$")
_TAGS = re.compile(r"^\s*<!--\s*tags:\s*(.*?)\s*-->\s*$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PYTHON_FENCES = ("python", "py", "python3", "")  # what grader.ui.markdown highlights as Python


class LessonError(DojoError):
    """A lesson file that cannot be parsed; the message starts with `path:line:`."""


@dataclass(frozen=True, slots=True)
class CodeBlock:
    language: str
    code: str
    line: int  # 1-based line of the opening fence

    @property
    def is_python(self) -> bool:
        return self.language in PYTHON_FENCES


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    slug: str
    tags: tuple[str, ...]
    body: str  # Markdown, without the heading and the tags comment
    code: tuple[CodeBlock, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Lesson:
    topic: str
    title: str
    intro: str
    sections: tuple[Section, ...]
    path: Path

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)

    @property
    def code(self) -> tuple[CodeBlock, ...]:
        return tuple(c for s in self.sections for c in s.code)


def slugify(title: str) -> str:
    """GitHub's anchor rule, near enough: lower case, punctuation dropped, spaces to hyphens."""
    kept = re.sub(r"[^\w\s-]", "", title.strip().lower())
    return re.sub(r"\s+", "-", kept).strip("-")


def parse(text: str, topic: str, path: Path) -> Lesson:
    """Parse one lesson. Headings inside fenced code are code, not headings."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise LessonError(f"{path}:1: a lesson starts with a `# Title` line")
    title = lines[0][2:].strip()
    intro: list[str] = []
    raw: list[tuple[str, int, list[tuple[int, str]]]] = []  # (heading, line, body lines with numbers)
    fence: str | None = None
    for n, line in enumerate(lines[1:], start=2):
        m = _FENCE.match(line)
        if m:
            fence = None if fence is not None else m.group(1)
        if fence is None and not m and line.startswith("## "):
            raw.append((line[3:].strip(), n, []))
        elif raw:
            raw[-1][2].append((n, line))
        else:
            intro.append(line)
    if fence is not None:
        raise LessonError(f"{path}: a ``` fence is never closed")
    sections = [_section(heading, n, body, path) for heading, n, body in raw]
    if not sections:
        raise LessonError(f"{path}:1: a lesson needs `## ` sections")
    seen: dict[str, int] = {}
    for s in sections:
        if s.slug in seen:
            raise LessonError(f"{path}:{s.line}: section '{s.slug}' repeats the one on line {seen[s.slug]}")
        seen[s.slug] = s.line
    return Lesson(topic, title, "\n".join(intro).strip(), tuple(sections), path)


def _section(heading: str, line: int, body: list[tuple[int, str]], path: Path) -> Section:
    slug = slugify(heading)
    if not slug:
        raise LessonError(f"{path}:{line}: a section heading needs words")
    tags: tuple[str, ...] = ()
    first = next((i for i, (_, text) in enumerate(body) if text.strip()), None)
    if first is not None and (m := _TAGS.match(body[first][1])):
        tags = tuple(t.strip() for t in m.group(1).split(",") if t.strip())
        bad = [t for t in tags if not _TAG.match(t)]
        if bad:
            raise LessonError(f"{path}:{body[first][0]}: tags are [a-z0-9-]+, not {bad}")
        body = body[first + 1 :]
    code: list[CodeBlock] = []
    open_at, lang, buf = 0, "", []
    for n, text in body:
        m = _FENCE.match(text)
        if m and not open_at:
            open_at, lang, buf = n, m.group(1), []
        elif m:
            code.append(CodeBlock(lang, "\n".join(buf) + "\n", open_at))
            open_at = 0
        elif open_at:
            buf.append(text)
    return Section(heading, slug, tags, "\n".join(t for _, t in body).strip(), tuple(code), line)


# ---------------------------------------------------------------------------------------------------------------
# Finding lessons: `lessons/` beside `questions/` in every bank in use, the built-in bank first.


def lesson_dirs(roots: Sequence[Path] | None = None) -> list[Path]:
    """`lessons/` of each bank root (default: the banks in use, as grader.paths finds them) that has one.

    In a checkout the built-in bank is the repository, in a wheel `grader/_bank` (pyproject force-include)."""
    if roots is None:
        from grader.paths import bank_roots

        roots = bank_roots()
    return [r / "lessons" for r in roots if (r / "lessons").is_dir()]


def available(roots: Sequence[Path] | None = None) -> dict[str, Path]:
    """topic -> lesson file; the first bank that has a topic's lesson wins (built-in first)."""
    found: dict[str, Path] = {}
    for d in lesson_dirs(roots):
        for p in sorted(d.glob("*.md")):
            found.setdefault(p.stem, p)
    return found


@lru_cache(maxsize=64)
def _parse_file(path: Path, mtime_ns: int) -> Lesson:  # mtime in the key: an edited lesson is read again
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LessonError(f"{path}: cannot read the lesson ({e})") from None
    return parse(text, path.stem, path)


def load_file(path: Path) -> Lesson:
    return _parse_file(path, path.stat().st_mtime_ns)


def load(topic: str, roots: Sequence[Path] | None = None) -> Lesson:
    """The lesson of `topic`; an unknown topic raises UnknownItemError with the closest name as a hint."""
    found = available(roots)
    if topic not in found:
        known = sorted(found)
        close = difflib.get_close_matches(topic, known, n=1, cutoff=0.5)
        from grader.invocation import command

        hint = f"Did you mean `{command('learn', close[0])}`?" if close else f"Lessons: {', '.join(known)}"
        raise UnknownItemError(f"no lesson '{topic}'", hint=hint)
    return load_file(found[topic])


def load_all(roots: Sequence[Path] | None = None) -> list[Lesson]:
    return [load_file(p) for p in available(roots).values()]


# ---------------------------------------------------------------------------------------------------------------
# Questions -> lesson sections.


def best_section(lesson: Lesson, tags: Iterable[str]) -> Section | None:
    """The section sharing the most tags (the first one on a tie); None when no section shares any."""
    wanted = set(tags)
    best, score = None, 0
    for s in lesson.sections:
        shared = len(wanted.intersection(s.tags))
        if shared > score:
            best, score = s, shared
    return best


def section_for(question: Question, roots: Sequence[Path] | None = None) -> tuple[str, str, str] | None:
    """(topic, section slug, section title) of the lesson section that teaches `question`, or None."""
    path = available(roots).get(question.topic)
    if path is None:
        return None
    try:
        lesson = load_file(path)
    except (LessonError, OSError):
        return None  # a broken lesson must not break the quiz; `dojo learn` and the tests report it
    s = best_section(lesson, question.tags)
    return (lesson.topic, s.slug, s.title) if s else None


def read_more(question: Question, roots: Sequence[Path] | None = None) -> list[str]:
    """What to read after a question: the `dojo learn topic#section` command, then the question's web links.

    References that are not URLs (the old "guide: ..." notes) are left out: learners never get that guide."""
    out = []
    link = section_for(question, roots)
    if link:
        from grader.invocation import command

        out.append(command("learn", f"{link[0]}#{link[1]}"))
    out += [r for r in question.references if r.startswith(("https://", "http://"))]
    return out
