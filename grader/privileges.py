"""Dropping root for the graded child: run it as `nobody`, so it cannot write the bank or the learner's files.

Root ignores RLIMIT_NPROC and can write anything, so a child of a root grader switches to uid 65534. When the
interpreter lives below a folder that uid cannot enter (e.g. /root, mode 0700), the child gets a private mount
namespace in which that folder is replaced by a tmpfs holding only bind mounts of what the interpreter needs.
Runs in the child between fork and exec (`enter`), so it uses only async-signal-tolerant calls through libc.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
UNPRIVILEGED = 65534  # nobody / nogroup

_libc = ctypes.CDLL(None, use_errno=True)
DROP_FAILED = ""  # set once dropping privileges failed in this process: do not try again


@dataclass(frozen=True)
class Privileges:
    uid: int | None  # None: run as we are
    masks: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (folder to hide, entries to keep visible)
    reason: str = ""


def _traversable(st: os.stat_result, uid: int) -> bool:
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == uid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def plan_privileges(extra_paths: tuple[str, ...] = ()) -> Privileges:
    """How to drop root for the child: which uid, and which unreachable folders to mask in a mount namespace."""
    if DROP_FAILED:
        return Privileges(None, reason=DROP_FAILED)
    if os.geteuid() != 0 or os.environ.get("DOJO_SANDBOX_NO_DROP"):
        return Privileges(
            None, reason="not running as root" if os.geteuid() else "disabled by DOJO_SANDBOX_NO_DROP"
        )
    needed = {os.path.realpath(sys.executable), sys.prefix, sys.base_prefix, *extra_paths}
    needed |= {os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)}
    masks: dict[str, set[str]] = {}
    for path in needed:
        parts = Path(path).parts
        for i in range(1, len(parts)):
            folder = os.path.join(*parts[:i])
            try:
                st = os.stat(folder)
            except OSError:
                break
            if not _traversable(st, UNPRIVILEGED):
                if folder in ("/", "") or (i + 1 > len(parts) - 1 and not os.path.isdir(path)):
                    return Privileges(None, reason=f"{path} is not reachable by uid {UNPRIVILEGED}")
                masks.setdefault(folder, set()).add(parts[i])
                break
    # Below a masked folder, everything on the way must be reachable, or masking does not help.
    for folder, keep in masks.items():
        for name in keep:
            for path in needed:
                if not path.startswith(os.path.join(folder, name)):
                    continue
                sub = Path(path).parts[len(Path(folder).parts) + 1 :]
                cur = os.path.join(folder, name)
                for part in ("", *sub):
                    cur = os.path.join(cur, part) if part else cur
                    if os.path.isdir(cur) and not _traversable(os.stat(cur), UNPRIVILEGED):
                        return Privileges(None, reason=f"{cur} is not reachable by uid {UNPRIVILEGED}")
    return Privileges(UNPRIVILEGED, tuple((f, tuple(sorted(k))) for f, k in sorted(masks.items())))


def _check(ret: int, what: str) -> None:
    if ret != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def enter(priv: Privileges, stash: str) -> None:
    """In the child, before exec: mask unreachable folders (mount namespace), then become `priv.uid`."""
    if priv.uid is None:
        return
    if priv.masks:
        _check(_libc.unshare(CLONE_NEWNS), "unshare")
        _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
        for n, (folder, keep) in enumerate(priv.masks):
            for name in keep:
                src, tmp = os.path.join(folder, name), os.path.join(stash, f"{n}-{name}")
                _check(_libc.mount(src.encode(), tmp.encode(), None, MS_BIND | MS_REC, None), "bind")
            _check(_libc.mount(b"tmpfs", folder.encode(), b"tmpfs", 0, b"mode=755,size=64k"), "tmpfs")
            for name in keep:
                dst, tmp = os.path.join(folder, name), os.path.join(stash, f"{n}-{name}")
                if os.path.isdir(tmp):
                    os.mkdir(dst)
                else:
                    open(dst, "w").close()
                _check(_libc.mount(tmp.encode(), dst.encode(), None, MS_BIND | MS_REC, None), "bind back")
    os.setgroups([])
    os.setgid(priv.uid)
    os.setuid(priv.uid)
