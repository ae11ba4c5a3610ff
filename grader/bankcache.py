"""A per-file cache of validated bank files, so that loading a large bank stays fast (DESIGN section 7).

An entry is keyed by the file's absolute path and trusted only while size, mtime and the app version match.
Only files that validated cleanly are cached. A cache that cannot be read or written is simply skipped.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from grader import __version__
from grader.paths import cache_home

FORMAT = 2  # bump whenever the cached dataclasses change shape (2: Question.python)
_dir: Path | None = None


def _folder() -> Path:
    global _dir
    if _dir is None or os.environ.get("DOJO_HOME"):
        _dir = cache_home() / "bank"
    return _dir


def _stamp(path: Path) -> tuple[int, int, str, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, __version__, FORMAT)


def _entry(path: Path) -> Path:
    # The cached objects carry `path` as it was given (for messages), so the key includes the cwd.
    key = f"{os.getcwd()}\0{path}\0{path.resolve()}"
    return _folder() / (hashlib.sha1(key.encode()).hexdigest() + ".pickle")


def get(path: Path) -> Any:
    if os.environ.get("DOJO_NO_CACHE"):
        return None
    try:
        with open(_entry(path), "rb") as fh:
            stamp, value = pickle.load(fh)
        return value if stamp == _stamp(path) else None
    except Exception:
        return None


def put(path: Path, value: Any) -> None:
    if os.environ.get("DOJO_NO_CACHE"):
        return
    try:
        entry = _entry(path)
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((_stamp(path), value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except Exception:
        pass
