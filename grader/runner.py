"""`grade(kata, submission_path) -> Verdict`: the one entry point of the grader (DESIGN section 5).

Prepare (parse the submission in the parent, build a fresh folder), run (sandbox.run: a limited child pytest
with our plugin), report (the verdict is decided here, from records the child sent over a private channel:
nothing it printed, and not its exit status).
"""

from __future__ import annotations

import ast
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from grader import privileges, sandbox
from grader.checks import show_path
from grader.errors import BankError
from grader.kata_file import python_problem
from grader.models import Kata
from grader.verdict import TestResult, Verdict

FORBIDDEN_MODULES = ("_dojo_reference", "reference", "grader")
FORBIDDEN_TEXT = ("DOJO_REFERENCE", "_dojo_reference", "DOJO_RESULT_FD", "DOJO_TOKEN_FD")
PYTEST_OFF = ("no:cacheprovider", "no:doctest", "no:junitxml", "no:pastebin", "no:legacypath", "no:stepwise")


class PrepareError(Exception):
    """The submission cannot be run at all: a verdict (`error`), not a crash."""


def check_source(data: bytes, name: str = "submission.py") -> ast.Module:
    """Decode and parse the learner's file; refuse what would reach for the reference or the grader."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise PrepareError(f"{name} is not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    if not text.strip():
        raise PrepareError(f"{name} is empty: start from the starter with `dojo kata start SLUG`")
    try:
        tree = ast.parse(text, filename=name)
    except SyntaxError as e:
        raise PrepareError(f"{name}:{e.lineno}:{e.offset or 0}: syntax error: {e.msg}") from None
    except ValueError as e:  # null bytes
        raise PrepareError(f"{name} cannot be parsed: {e}") from None
    for node in ast.walk(tree):
        mods: list[str] = []
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            mods = [node.module]
        for mod in mods:
            if mod.split(".")[0] in FORBIDDEN_MODULES:
                raise PrepareError(f"{name}:{node.lineno}: importing '{mod}' is not allowed in a submission")
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(t in node.value for t in FORBIDDEN_TEXT)
        ):
            raise PrepareError(f"{name}:{node.lineno}: the grader's internals are off limits")
    return tree


def expected_tests(test_file: Path) -> set[str]:
    """Test functions the kata defines (from its AST: no submission needed, nothing to cache)."""
    problem = python_problem(test_file)
    if problem:
        line, col, message = problem
        raise BankError([f"{show_path(test_file)}:{line}:{col}: {message}"])
    tree = ast.parse(test_file.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test"):
                    names.add(f"{node.name}::{item.name}")
    return names


def _prepare(
    root: Path, kata: Kata, source: bytes, reference: Path, priv: privileges.Privileges
) -> dict[str, str]:
    """Lay out the run's folder: work/ (cwd: submission + tests, read-only to the child), the reference in an
    unlistable sibling folder, tmp/ (the child's HOME and TMPDIR), stash/ (mount points for masking)."""
    os.chmod(root, 0o711)
    work = root / "work"
    work.mkdir(mode=0o755)
    (work / "submission.py").write_bytes(source)
    shutil.copyfile(kata.test_path, work / "test_kata.py")
    ini = work / "pytest.ini"
    ini.write_text("[pytest]\n")
    refdir = root / f"r-{secrets.token_hex(8)}"
    refdir.mkdir()
    os.chmod(refdir, 0o711)  # enterable by the child, not listable
    ref = refdir / "_dojo_reference.py"
    shutil.copyfile(reference, ref)
    tmp = root / "tmp"
    tmp.mkdir(mode=0o700)
    stash = root / "stash"
    stash.mkdir(mode=0o700)
    for n, (folder, keep) in enumerate(priv.masks):
        for name in keep:
            target = stash / f"{n}-{name}"
            target.mkdir() if os.path.isdir(os.path.join(folder, name)) else target.touch()
    for f in (work / "submission.py", work / "test_kata.py", ini, ref):
        f.chmod(0o644)
    os.chmod(work, 0o755)
    if priv.uid is not None:
        os.chown(tmp, priv.uid, priv.uid)
    return {"work": str(work), "ini": str(ini), "ref": str(ref), "tmp": str(tmp), "stash": str(stash)}


class Grading:
    """One grading run in flight: started by `start()`, turned into a Verdict by `finish()`."""

    def __init__(self, kata: Kata, source: bytes, reference: Path, output_bytes: int) -> None:
        self.kata, self.source = kata, source
        self.started = time.monotonic()
        self.priv = privileges.plan_privileges()
        sandbox.warm_bytecode()
        self.limits = sandbox.Limits(
            wall_s=kata.time_limit_s, memory_mb=kata.memory_limit_mb, output_bytes=output_bytes
        )
        self.root = Path(tempfile.mkdtemp(prefix="dojo-grade-"))
        try:
            dirs = _prepare(self.root, kata, source, reference, self.priv)
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "LANG": "C.UTF-8",
                "HOME": dirs["tmp"],
                "TMPDIR": dirs["tmp"],
                "COLUMNS": "100",
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                "DOJO_REFERENCE": dirs["ref"],
            }
            argv = [sys.executable, "-I", "-B", "-m", "pytest", "-q", "--capture=tee-sys", "--noconftest"]
            argv += ["-c", dirs["ini"], "--rootdir", dirs["work"], "-p", "grader.plugin"]
            for plugin in PYTEST_OFF:
                argv += ["-p", plugin]
            argv.append("test_kata.py")
            self.child = self._spawn(argv, dirs, env)
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _spawn(self, argv: list[str], dirs: dict[str, str], env: dict[str, str]) -> sandbox.Child:
        import subprocess

        def spawn() -> sandbox.Child:
            return sandbox.Child(
                argv,
                cwd=dirs["work"],
                env=env,
                limits=self.limits,
                token=secrets.token_hex(16),
                privileges=self.priv,
                stash=dirs["stash"],
            )

        try:
            return spawn()
        except (subprocess.SubprocessError, OSError) as e:
            if self.priv.uid is None:
                raise
            # Root without the right to unshare or mount (some containers): run as we are, and say so.
            self.priv = privileges.Privileges(None, reason=f"could not drop privileges here ({e})")
            privileges.DROP_FAILED = self.priv.reason
            return spawn()

    def finish(self, on_record: Callable[[dict], None] | None = None) -> Verdict:
        from grader.decide import decide

        try:
            result = self.child.wait(on_record)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
        verdict = decide(
            self.kata, result, expected_tests(self.kata.test_path), self.limits, self.source.decode("utf-8")
        )
        verdict.duration_s = time.monotonic() - self.started
        verdict.sandbox = {
            "uid": result.uid,
            "privileges": "dropped" if self.priv.uid is not None else f"kept ({self.priv.reason})",
            "wall_s": round(result.wall_s, 3),
            "cpu_s": round(result.cpu_s, 3),
            "maxrss_mb": round(result.maxrss_mb, 1),
            "exit": result.returncode,
            "folder": str(self.root),
        }
        return verdict

    def cancel(self) -> None:
        try:
            self.child.cancel()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start(
    kata: Kata, submission_path: Path | str, *, reference_path: Path | None = None, output_bytes: int = 1 << 20
) -> Grading | Verdict:
    """Check the submission and start its run; a Verdict right away when it cannot run at all."""
    path = Path(submission_path)
    try:
        source = path.read_bytes()
    except OSError as e:
        return Verdict(kata.slug, "error", f"cannot read {path}: {e.strerror}")
    try:
        check_source(source)
    except PrepareError as e:
        return Verdict(kata.slug, "error", str(e))
    return Grading(kata, source, reference_path or kata.solution_path, output_bytes)


def grade(
    kata: Kata,
    submission_path: Path | str,
    *,
    reference_path: Path | None = None,
    on_record: Callable[[dict], None] | None = None,
    output_bytes: int = 1 << 20,
) -> Verdict:
    """Grade one file against one kata. Never raises for anything the submission does."""
    begun = time.monotonic()
    run = start(kata, submission_path, reference_path=reference_path, output_bytes=output_bytes)
    if isinstance(run, Verdict):
        run.duration_s = time.monotonic() - begun
        return run
    return run.finish(on_record)


def tests_from(records: list[dict]) -> list[TestResult]:
    return [
        TestResult(
            name=str(r.get("name", "?")),
            status=str(r.get("status", "error")),
            message=str(r.get("message", "")),
            verdict=str(r.get("verdict", "failed")),
            duration_s=float(r.get("duration_s", 0.0)),
            output=str(r.get("output", "")),
            timings=[t for t in r.get("timings", []) if isinstance(t, dict)],
            notes=[str(n) for n in r.get("notes", [])],
        )
        for r in records
        if r.get("kind") == "test"
    ]
