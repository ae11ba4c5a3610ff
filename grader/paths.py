"""Where things live: the built-in bank, extra banks (DOJO_BANK, --bank) and the user's data (DOJO_HOME)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from grader.errors import DojoError

APP_NAME = "concurrency-dojo"


def builtin_bank() -> Path:
    """The bank shipped with the app: `grader/_bank` in a wheel, the repository root in a checkout."""
    pkg = Path(__file__).resolve().parent
    bundled = pkg / "_bank"
    return bundled if bundled.is_dir() else pkg.parent


def env_banks() -> list[Path]:
    raw = os.environ.get("DOJO_BANK", "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def bank_roots(extra: list[Path] | tuple[Path, ...] = ()) -> list[Path]:
    """Built-in bank first, then DOJO_BANK folders, then --bank folders; duplicates removed.

    DOJO_NO_BUILTIN=1 leaves the built-in bank out (tests and authors working on a bank of their own).
    """
    seen: set[Path] = set()
    roots = []
    builtin = [] if os.environ.get("DOJO_NO_BUILTIN", "") not in ("", "0") else [builtin_bank()]
    for p in [*builtin, *env_banks(), *extra]:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            roots.append(p)
    return roots


def data_home() -> Path:
    """User data (progress, workspace). DOJO_HOME overrides the platform's user data folder."""
    home = os.environ.get("DOJO_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def cache_home() -> Path:
    home = os.environ.get("DOJO_HOME")
    if home:
        return Path(home).expanduser() / "cache"
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME)


PROGRESS_FILE = "progress.sqlite3"


class HomeError(DojoError):
    """The data folder or the progress file cannot be written: say why and how to fix it, before any work."""


def _where(home: Path) -> str:
    if os.environ.get("DOJO_HOME"):
        return f"the data folder {home} (from DOJO_HOME)"
    return f"the data folder {home}"


def write_access_hint(target: Path, *, is_dir: bool) -> str:
    # Never "move it away": the learner's progress is in there, and a permission problem is not damage.
    other = "set DOJO_HOME to a folder you can write (for example: export DOJO_HOME=~/dojo-data)"
    if os.name == "nt":
        return f"Give your user write access to {target} in its Properties > Security, or {other}."
    flag = "d" if is_dir else ""
    return (
        f"Give yourself write access (ls -l{flag} '{target}' shows the owner; chmod u+w '{target}'), or {other}."
    )


def _problem(what: str, target: Path, e: OSError, *, is_dir: bool) -> HomeError:
    if e.errno == errno.EROFS:
        return HomeError(
            f"{what} is on a read-only file system",
            hint="Set DOJO_HOME to a folder on a writable disk (for example: export DOJO_HOME=~/dojo-data).",
        )
    if isinstance(e, PermissionError):
        return HomeError(
            f"{what} is not writable: permission denied", hint=write_access_hint(target, is_dir=is_dir)
        )
    return HomeError(f"{what} cannot be used: {e.strerror or e}", hint=write_access_hint(target, is_dir=is_dir))


def check_writable(folder: Path, file_name: str = PROGRESS_FILE) -> Path:
    """Make sure `folder` exists and that we can create files in it and write `file_name` (if it exists).

    Called before any work starts (a quiz, a grading run), so that a permission problem is reported first, with
    its fix, instead of after the work, as an SQLite error. Returns the path of `file_name`. Nothing is changed
    but the folder's creation: the probe file is removed, and an existing file is opened without writing.
    """
    what = _where(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise HomeError(
            f"{what} is a file, not a folder",
            hint="Set DOJO_HOME to a folder (it is created if needed).",
        ) from None
    except OSError as e:
        raise _problem(what, folder, e, is_dir=True) from None
    # A real write, not os.access: that ignores read-only mounts and ACLs, and says yes to root. (os.open, not
    # tempfile: importing tempfile costs about 10 ms before the first question.)
    probe = folder / f".dojo-write-check-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:
        raise _problem(what, folder, e, is_dir=True) from None
    os.close(fd)
    os.unlink(probe)
    target = folder / file_name
    # SQLite also writes beside the file (write-ahead log and shared memory): each must be writable.
    for path in (target, target.with_name(file_name + "-wal"), target.with_name(file_name + "-shm")):
        if path.is_dir():
            raise HomeError(
                f"{path} is a folder, where the progress file should be",
                hint="Rename that folder, or set DOJO_HOME to another folder.",
            )
        if not path.exists():
            continue
        try:
            with open(path, "r+b"):
                pass
        except OSError as e:
            raise _problem(f"the progress file {path}", path, e, is_dir=False) from None
    return target


def check_home() -> Path:
    """Check the data folder (DOJO_HOME or the platform's) and the progress file; returns the progress file."""
    return check_writable(data_home())
