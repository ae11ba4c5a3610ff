"""Where the learner's kata files live, and how reports name them.

Each kata gets its own file named after it (`lock_ordering_deadlock.py`), in data_home()/workspace/<slug>/ or in a
folder the learner chose with `start --dir`; two katas started in one folder never share a file. Workspaces made
before that used `solution.py` and keep working. Nothing here ever deletes a learner's version: `reset` first
keeps a numbered copy beside the file.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from grader.errors import DojoError, UsageError
from grader.models import Kata
from grader.paths import data_home
from grader.verdict import Diagnosis, TestResult, Verdict

LEGACY_NAME = "solution.py"  # the one name every workspace used before each kata had its own
GRADER_NAME = "submission.py"  # what the grader calls the learner's file inside its sandbox
TEST_NAME = "test_kata.py"


def file_name(slug: str) -> str:
    """`lock-ordering-deadlock` -> `lock_ordering_deadlock.py`: named after the kata, importable as a module."""
    return re.sub(r"\W", "_", slug) + ".py"


def workspace_dir(slug: str) -> Path:
    return data_home() / "workspace" / slug


def workspace_file(slug: str) -> Path:
    """The learner's copy in the workspace; a workspace made before per-kata names keeps its solution.py."""
    folder = workspace_dir(slug)
    legacy = folder / LEGACY_NAME
    named = folder / file_name(slug)
    return legacy if legacy.is_file() and not named.exists() else named


def default_file(slug: str, cwd: Path | None = None) -> Path:
    """The file `check SLUG` grades when none is given: the kata's file in the current folder (a `start --dir`
    folder), else the workspace copy."""
    here = (cwd or Path.cwd()) / file_name(slug)
    return here if here.is_file() else workspace_file(slug)


def start(kata: Kata, folder: Path | None = None) -> tuple[Path, bool]:
    """Copy the starter to the workspace; keep an existing copy (the learner's work). Returns (path, created)."""
    target = (folder / file_name(kata.slug)) if folder is not None else workspace_file(kata.slug)
    if target.exists() and not _blank(target):
        return target, False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kata.starter_path, target)
    except OSError as e:
        raise DojoError(f"cannot create {target}: {e.strerror}") from None
    return target, True


def _blank(path: Path) -> bool:
    """An empty file holds nothing of the learner's: `start` fills it with the starter, as the check of an empty
    file tells them to."""
    try:
        return path.is_file() and not path.read_bytes().strip()
    except OSError:
        return False


def resolve(kata: Kata, file: Path | None, cwd: Path | None = None) -> Path:
    """The file to check: the one given, or the kata's own file here or in the workspace (which must exist)."""
    path = file if file is not None else default_file(kata.slug, cwd)
    if not path.is_file():
        if file is None:
            from grader.invocation import command

            raise UsageError(
                f"no copy of '{kata.slug}' to work on yet",
                hint=f"Run `{command('kata', 'start', kata.slug)}` first.",
            )
        raise UsageError(f"no such file: {path}")
    return path


def kata_here(slugs: Iterable[str], cwd: Path | None = None) -> list[str]:
    """The katas the current folder is a workspace of: the workspace folder of one kata, or a folder holding
    files named after katas (`start --dir`). Used when a command is given no slug, as rustlings and Exercism do."""
    cwd = (cwd or Path.cwd()).resolve()
    slugs = list(slugs)
    try:
        root = (data_home() / "workspace").resolve()
        if cwd.parent == root and cwd.name in slugs:
            return [cwd.name]
    except OSError:
        pass
    return [s for s in slugs if (cwd / file_name(s)).is_file()]


def kata_of_file(path: Path, slugs: Iterable[str]) -> str | None:
    """The kata a file belongs to, by its name (or by its workspace folder for a legacy solution.py)."""
    for s in slugs:
        if path.name == file_name(s):
            return s
    if path.name == LEGACY_NAME and path.resolve().parent.name in set(slugs):
        return path.resolve().parent.name
    return None


def backup_path(path: Path) -> Path:
    """The next free numbered copy beside `path`: `name.1.py`, `name.2.py`, ... (never one that exists)."""
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def reset(kata: Kata, path: Path | None = None) -> tuple[Path, Path | None]:
    """Make `path` (default: the workspace copy) the starter again. The learner's version is first copied to a
    new numbered file, so running reset twice never loses the version before (a file that is the starter
    already has nothing of theirs to keep). Returns (path, the kept copy or None)."""
    target = path if path is not None else workspace_file(kata.slug)
    kept = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.read_bytes() != kata.starter_path.read_bytes():
            kept = backup_path(target)
            # O_EXCL-style creation through copy: never overwrite a copy another reset made meanwhile.
            with target.open("rb") as src, kept.open("xb") as dst:
                shutil.copyfileobj(src, dst)
        shutil.copyfile(kata.starter_path, target)
    except OSError as e:
        raise DojoError(f"cannot reset {target}: {e.strerror}") from None
    return target, kept


# --- how reports name the learner's files -------------------------------------------------------------------


def shown_path(path: Path, given: bool) -> str:
    """How to name the learner's file: as they typed it, else relative to here, else with ~ for the home folder."""
    if given:
        return str(path)
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        pass
    home = Path.home()
    try:
        return str(Path("~") / absolute.relative_to(home))
    except ValueError:
        return str(absolute)


_TEST_REF = re.compile(r"\s*\(" + re.escape(TEST_NAME) + r":(\d+)\)")
_TEST_LOC = re.compile(re.escape(TEST_NAME) + r":(\d+)")
# The grader's name for the file, bare or inside its sandbox folder (`/tmp/dojo-grade-x/host/submission.py`).
_SUBMISSION = re.compile(r"(?<![\w.-])(?:[^\s\"'(]*/)?" + re.escape(GRADER_NAME) + r"\b")
_CUT = re.compile(r"(\w)(\.\.\.|…)$")
_COMMAND = re.compile(r"`dojo ([^`]*)`")


def whole_words(text: str) -> str:
    """A message the grader cut to a length ends inside a word ("Take the lo..."): end it at the last whole word
    instead, so no half word is ever shown."""
    m = _CUT.search(text)
    if not m:
        return text
    head = text[: m.start() + 1]
    cut = max(head.rfind(" "), head.rfind("\n"))
    return (head[:cut] if cut > 0 else head).rstrip(" ,;:") + " …"


def repeats(note: str, said: Iterable[str]) -> bool:
    """Whether a note only repeats what a message says already, in other words at its start: "the event loop
    was blocked at f.py:21 in g()" after "... It was blocked at f.py:21 in g()." (a tail holding most of the
    note, found whole in a message, is the same fact)."""
    words = note.split()
    flat = [" ".join(m.split()) for m in said if m]
    for i in range(len(words)):
        tail = " ".join(words[i:])
        if len(tail) < 0.6 * len(" ".join(words)):
            break
        if any(tail in m for m in flat):
            return True
    return False


class Localizer:
    """Rewrites the grader's words for the learner: `submission.py:21` becomes their file and line, a kata test's
    `(test_kata.py:123)` becomes the assertion quoted from that line, `dojo ...` becomes a command that runs in
    this shell, the literal SLUG becomes the kata's slug, and a message cut mid-word ends at a whole word."""

    def __init__(self, kata: Kata, shown: str, path: Path | None = None) -> None:
        self.kata = kata
        self.shown = shown
        self.start = f"`dojo kata start {kata.slug}`"
        if path is not None and path.absolute().parent != workspace_dir(kata.slug).absolute():
            # Their file is not the workspace copy: the starter must go to their folder, not the workspace.
            self.start = f"`dojo kata start {kata.slug} --dir {_quote(str(path.absolute().parent))}`"
        try:
            self._test_lines = kata.test_path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self._test_lines = []

    def _test_line(self, lineno: int) -> str:
        """The test's line, as `assert <condition>` when it is an assert (its message is shown already)."""
        if not 1 <= lineno <= len(self._test_lines):
            return ""
        line = self._test_lines[lineno - 1].strip()
        try:
            node = ast.parse(line).body[0]
        except (SyntaxError, IndexError):
            return " ".join(line.split())
        if isinstance(node, ast.Assert):
            return "assert " + ast.unparse(node.test)
        return " ".join(line.split())

    def _quote_test(self, m: re.Match[str]) -> str:
        line = self._test_line(int(m.group(1)))
        return f" (the test: `{line}`)" if line else " (in the kata's tests)"

    def text(self, text: str) -> str:
        from grader.invocation import command

        if not text:
            return text
        text = whole_words(text)
        text = text.replace("`dojo kata start SLUG`", self.start)
        text = _TEST_REF.sub(self._quote_test, text)
        text = _TEST_LOC.sub(lambda m: f"the kata's test (line {m.group(1)})", text)
        text = _SUBMISSION.sub(lambda _m: self.shown, text)
        return _COMMAND.sub(lambda m: "`" + command(*_split(m.group(1))) + "`", text)

    def test(self, t: TestResult) -> TestResult:
        message = self.text(t.message)
        # A note that repeats the test's own message says nothing new: each fact is shown once.
        notes = [n for n in (self.text(n) for n in t.notes) if n and not repeats(n, [message])]
        return replace(t, message=message, notes=notes, output=self.text(t.output))

    def verdict(self, v: Verdict) -> Verdict:
        tests = [self.test(t) for t in v.tests]
        message = self.text(v.message)
        # "2 of 3 tests failed; first: test_x: <the test's message>": the test's message is shown with the test.
        for t in tests:
            first = t.message.splitlines()[0] if t.status != "passed" and t.message else ""
            if first and message.endswith(first) and len(message) > len(first):
                message = message[: -len(first)].rstrip(" :;")
                break
        shown_in_tests = [t.message for t in tests] + [n for t in tests for n in t.notes]
        notes = [n for n in (self.text(n) for n in v.notes) if n and not repeats(n, shown_in_tests)]
        diagnosis = None
        if v.diagnosis is not None:
            d = v.diagnosis
            diagnosis = Diagnosis(
                d.label, self.text(d.summary), [self.text(w) for w in d.where], self.text(d.dump)
            )
        return replace(
            v, message=message, tests=tests, notes=notes, diagnosis=diagnosis, output=self.text(v.output)
        )

    def next_step(self, v: Verdict) -> str:
        return self.text(v.next_step())


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)


def _split(words: str) -> list[str]:
    import shlex

    try:
        return shlex.split(words)
    except ValueError:
        return words.split()


def localized_json(v: Verdict, kata: Kata, path: Path, given: bool) -> dict:
    """The `--json` object with the learner's names (the contract's keys unchanged, plus `file`)."""
    loc = Localizer(kata, shown_path(path, given), path)
    out = loc.verdict(v).to_json()
    out["next"] = loc.next_step(v)
    out["file"] = str(path)
    return out


# --- what to do next ------------------------------------------------------------------------------------------

DONE = ("passed", "given up")


def kata_order(katas: Iterable[Kata]) -> list[Kata]:
    """Easiest first, then by slug: the order `kata list` shows and the order to take them in."""
    return sorted(katas, key=lambda k: (k.difficulty, k.slug))


def next_kata(katas: Iterable[Kata], statuses: dict[str, str], *, after: str | None = None) -> Kata | None:
    """The kata to work on now: one already begun (started or attempted) first, else the first new one in
    `kata_order`; never `after` (the one just finished), never one passed or given up."""
    ordered = [k for k in kata_order(katas) if k.slug != after and statuses.get(k.slug, "new") not in DONE]
    begun = [k for k in ordered if statuses.get(k.slug, "new") in ("started", "attempted")]
    return (begun or ordered or [None])[0]
