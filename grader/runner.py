"""`grade(kata, submission_path) -> Verdict`: the one entry point of the grader (DESIGN section 5).

Prepare (parse the submission in the parent, build a fresh folder), run (sandbox.run: a limited child pytest
with our plugin), report (the verdict is decided here, from records the child sent over a private channel:
nothing it printed, and not its exit status).
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from grader import privileges, procs, sandbox
from grader.checks import show_path
from grader.errors import BankError, DojoError, ExitStatus
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


HOST_OUTPUT_BYTES = 1 << 20
JUDGE_MARGIN_S = 20.0  # the judge's own watchdog ends the run at the kata's limit; this only catches a stuck judge


class SetupError(DojoError):
    """The grader cannot set up a run here (the machine's fault, not the learner's): a message and exit 2."""

    exit_status = ExitStatus.USAGE


def _reachable_by(path: Path, uid: int) -> Path | None:
    """The first folder on the way to `path` that `uid` cannot enter, or None."""
    for folder in [*reversed(path.parents), path]:
        try:
            st = os.stat(folder)
        except OSError:
            return folder
        if not privileges._traversable(st, uid):
            return folder
    return None


def _with_bank_hidden(priv: privileges.Privileges, kata: Kata) -> privileges.Privileges:
    """As root, the host's mount namespace gets an empty folder over every bank's katas/: no solution.py to read."""
    if priv.uid is None:
        return priv
    from grader.paths import bank_roots

    hide = {os.path.realpath(kata.path.parent)}
    hide |= {os.path.realpath(r / "katas") for r in bank_roots() if (r / "katas").is_dir()}
    masks = list(priv.masks)
    for folder in sorted(hide):
        hidden = any(
            folder == f or (folder.startswith(f + os.sep) and folder[len(f) + 1 :].split(os.sep)[0] not in keep)
            for f, keep in priv.masks
        )
        if not hidden:
            masks.append((folder, ()))
    return privileges.Privileges(priv.uid, tuple(masks), priv.reason)


RUN_UIDS = (4_000_000_000, 200_000_000)  # first uid, how many: far above any account's (LDAP/AD maps end near 2e9)


def _run_uid() -> int | None:
    """A uid for this run's host alone, or None when this system cannot give one (the host then runs as nobody).

    Every host running as `nobody` shares that uid with every other check on the machine: it could read another
    check's submission through /proc/<pid>/cwd, signal or ptrace its host, or use up its process limit. A fresh uid
    with no account owns nothing and can touch no other run's processes or files."""
    import pwd

    try:
        with open("/proc/self/uid_map") as uids, open("/proc/self/gid_map") as gids:
            maps = [[tuple(map(int, line.split())) for line in f] for f in (uids, gids)]
    except (OSError, ValueError):
        return None
    for _ in range(8):
        uid = RUN_UIDS[0] + secrets.randbelow(RUN_UIDS[1])
        if not all(any(first <= uid < first + count for first, _, count in m) for m in maps):
            return None  # a user namespace that maps only a few ids (a rootless container): keep nobody
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
    return None


def _prepare(
    root: Path, kata: Kata, source: bytes, reference: Path, priv: privileges.Privileges
) -> dict[str, str]:
    """Lay out the run's folder: judge/ (ours only, mode 0700: the kata's tests, the reference), host/ (the
    submission and the kata's host driver, read-only to the host), host/tmp (the host's HOME and TMPDIR),
    stash/ (mount points for masking)."""
    os.chmod(root, 0o711)
    judge = root / "judge"
    judge.mkdir(mode=0o700)
    shutil.copyfile(kata.test_path, judge / "test_kata.py")
    for extra in sorted(kata.path.glob("judge_*.py")):  # the kata's own trusted helpers (servers, checks)
        shutil.copyfile(extra, judge / extra.name)
    ini = judge / "pytest.ini"
    ini.write_text("[pytest]\n")
    shutil.copyfile(reference, judge / "_dojo_reference.py")
    jtmp = judge / "tmp"
    jtmp.mkdir(mode=0o700)
    host = root / "host"
    host.mkdir(mode=0o755)
    (host / "submission.py").write_bytes(source)
    driver = kata.path / "host_driver.py"
    if driver.is_file():
        shutil.copyfile(driver, host / "_dojo_driver.py")
    for f in host.iterdir():
        f.chmod(0o644)
    tmp = host / "tmp"
    tmp.mkdir(mode=0o700)
    stash = root / "stash"
    stash.mkdir(mode=0o700)
    for n, (folder, keep) in enumerate(priv.masks):
        for name in keep:
            target = stash / f"{n}-{name}"
            target.mkdir() if os.path.isdir(os.path.join(folder, name)) else target.touch()
    if priv.uid is not None:
        os.chown(tmp, priv.uid, priv.uid)
        # The run's folder shows in /tmp's listing: only this run's uid (its group) may enter its host folder, so
        # another check's host cannot read this submission (or the kata's host driver) by path.
        os.chown(host, 0, priv.uid)
        host.chmod(0o750)
    return {
        "judge": str(judge),
        "ini": str(ini),
        "ref": str(judge / "_dojo_reference.py"),
        "jtmp": str(jtmp),
        "host": str(host),
        "tmp": str(tmp),
        "stash": str(stash),
    }


def _remove_shared_memory(uid: int, since: float) -> None:
    """POSIX shared memory the host's uid made during the run (a killed pool's or SharedMemory's segments live in
    /dev/shm, outside the run's folder). Only the unprivileged uid's own files, never anyone else's."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        return
    # Every check runs its host as the same uid: a segment some live process still maps belongs to a check still
    # running (ours is dead by now), and removing it would break that check's pool (its workers cannot open it).
    # Matched by inode: glibc maps a semaphore under a temporary name before linking it to its real one.
    in_use = set()
    for maps in Path("/proc").glob("[0-9]*/maps"):
        try:
            with maps.open() as lines:
                in_use.update(int(ln.split()[4]) for ln in lines if "/dev/shm/" in ln)
        except (OSError, ValueError, IndexError):
            continue
    for entry in shm.iterdir():
        try:
            st = entry.lstat()
            # ctime: a file dated in the past with utime() still shows when it was made
            if st.st_uid == uid and max(st.st_mtime, st.st_ctime) >= since - 1 and st.st_ino not in in_use:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink()
        except OSError:
            continue


SHARED_TMP = ("/tmp", "/var/tmp", "/run/lock")  # folders every user may write: a host as `nobody` can too


def _in_use(paths: list[str]) -> set[str]:
    """Those of `paths` that a live process has open or works in (its cwd, an open file below it)."""
    used: set[str] = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            links = [os.readlink(proc / "cwd")]
            links += [os.readlink(fd) for fd in (proc / "fd").iterdir()]
        except OSError:
            continue
        for link in links:
            used.update(p for p in paths if link == p or link.startswith(p + os.sep))
    return used


def _remove_stray_files(uid: int, since: float) -> None:
    """Files and folders the host's uid made directly in /tmp, /var/tmp or /run/lock during the run: its own
    TMPDIR goes with the run's folder, but these would stay behind (and could fill the disk, 128 MiB a file, run
    after run). Only the unprivileged uid's entries made since the run began, and none a live process still uses
    (every check's host runs as that uid: a check still running may be using its own)."""
    found = []
    for folder in SHARED_TMP:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if st.st_uid == uid and max(st.st_mtime, st.st_ctime) >= since - 1:
                found.append(entry.path)
    if not found:
        return
    busy = _in_use(found)
    for path in found:
        if path in busy:
            continue
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)  # fd-based on Linux: a symlink swapped in is not followed
            else:
                os.unlink(path)
        except OSError:
            continue


class Grading:
    """One grading run in flight: started by `start()`, turned into a Verdict by `finish()`."""

    def __init__(self, kata: Kata, source: bytes, reference: Path, output_bytes: int) -> None:
        self.kata, self.source = kata, source
        self.started = time.monotonic()
        self.started_wall = time.time()
        self.priv = _with_bank_hidden(privileges.plan_privileges(), kata)
        uid = _run_uid() if self.priv.uid is not None else None
        if uid is not None:
            self.priv = privileges.Privileges(uid, self.priv.masks, self.priv.reason)
        sandbox.warm_bytecode()
        self.limits = sandbox.Limits(
            wall_s=kata.time_limit_s, memory_mb=kata.memory_limit_mb, output_bytes=output_bytes
        )
        base = Path(tempfile.gettempdir())
        if self.priv.uid is not None:
            blocked = _reachable_by(base, self.priv.uid)
            if blocked is not None:
                raise SetupError(
                    f"the folder for temporary files ({base}) cannot be entered by uid {self.priv.uid}, which runs "
                    f"your code when the grader runs as root ({blocked} is closed to it). Set TMPDIR to a folder "
                    "others may enter, e.g. `TMPDIR=/tmp`, or run the grader as an ordinary user"
                )
        self.root = Path(tempfile.mkdtemp(prefix="dojo-grade-"))
        self.host_pid: int | None = None
        try:
            dirs = _prepare(self.root, kata, source, reference, self.priv)
            plan = {
                "workdir": dirs["host"],
                "tmpdir": dirs["tmp"],
                "stash": dirs["stash"],
                "uid": self.priv.uid,
                "masks": [[f, list(k)] for f, k in self.priv.masks],
                "wall_s": kata.time_limit_s,
                "memory_mb": kata.memory_limit_mb,
                "output_bytes": output_bytes,
                "time_limit_s": kata.time_limit_s,
            }
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "LANG": "C.UTF-8",
                "HOME": dirs["jtmp"],
                "TMPDIR": dirs["jtmp"],
                "COLUMNS": "100",
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                "DOJO_REFERENCE": dirs["ref"],
                "DOJO_HOST_PLAN": json.dumps(plan),
            }
            argv = [sys.executable, "-I", "-B", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest"]
            argv += ["-c", dirs["ini"], "--rootdir", dirs["judge"], "-p", "grader.judge.plugin"]
            for plugin in PYTEST_OFF:
                argv += ["-p", plugin]
            argv.append("test_kata.py")
            judge_limits = sandbox.Limits(
                wall_s=kata.time_limit_s + JUDGE_MARGIN_S,
                memory_mb=0,
                nofile=8192,
                output_bytes=4 << 20,
                grace_s=3.0 + 2 * 3.0,  # the judge waits for the host to leave before it ends itself
            )
            self.child = sandbox.Child(
                argv,
                cwd=dirs["judge"],
                env=env,
                limits=judge_limits,
                token=secrets.token_hex(16),
                privileges=privileges.Privileges(None, reason="the judge is trusted"),
                stash=dirs["stash"],
            )
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _note_record(self, rec: dict, on_record: Callable[[dict], None] | None) -> None:
        if rec.get("kind") == "host":
            self.host_pid = int(rec.get("pid") or 0) or None
        if on_record is not None:
            on_record(rec)

    def finish(self, on_record: Callable[[dict], None] | None = None) -> Verdict:
        from grader.decide import decide

        try:
            result = self.child.wait(lambda rec: self._note_record(rec, on_record))
        except BaseException:  # Ctrl-C, SIGTERM, SIGHUP (grader.signals), or our own bug: end everything
            self.child.cancel()
            raise
        finally:
            self._cleanup()
        verdict = decide(
            self.kata, result, expected_tests(self.kata.test_path), self.limits, self.source.decode("utf-8")
        )
        verdict.duration_s = time.monotonic() - self.started
        final = next((r for r in result.records if r.get("kind") == "final"), {})
        verdict.sandbox = {
            "uid": self.priv.uid if self.priv.uid is not None else os.geteuid(),
            "privileges": "dropped" if self.priv.uid is not None else f"kept ({self.priv.reason})",
            "wall_s": round(result.wall_s, 3),
            "host_cpu_s": final.get("host_cpu_s"),
            "judge_cpu_s": round(result.cpu_s, 3),
            "exit": final.get("host_exit"),
            "folder": str(self.root),
        }
        return verdict

    def _cleanup(self) -> None:
        """Whatever happened, nothing of the run keeps running and nothing it wrote stays behind."""
        try:
            if self.host_pid:
                procs.kill_session(self.host_pid)
            if self.priv.uid is not None:
                _remove_shared_memory(self.priv.uid, self.started_wall)
                _remove_stray_files(self.priv.uid, self.started_wall)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def cancel(self) -> None:
        try:
            self.child.cancel()
        finally:
            self._cleanup()


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
