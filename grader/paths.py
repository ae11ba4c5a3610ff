"""Where things live: the built-in bank, extra banks (DOJO_BANK, --bank) and the user's data (DOJO_HOME)."""

from __future__ import annotations

import os
from pathlib import Path

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
