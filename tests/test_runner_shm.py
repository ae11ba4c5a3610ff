"""The end-of-check sweep of /dev/shm removes what the finished check left, never what a running check still uses."""

from __future__ import annotations

import os
import sys
import time
from multiprocessing import resource_tracker, shared_memory
from pathlib import Path

import pytest

from grader.runner import _remove_shared_memory

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX shared memory in /dev/shm")


def test_a_segment_still_mapped_by_a_live_process_survives_the_sweep() -> None:
    since = time.time()
    live = shared_memory.SharedMemory(create=True, size=4096)  # mapped here: another check still running
    left = shared_memory.SharedMemory(create=True, size=4096)
    left_name = left.name.lstrip("/")
    left.close()  # unmapped, never unlinked: what a killed pool leaves behind
    try:
        _remove_shared_memory(os.geteuid(), since)
        assert (Path("/dev/shm") / live.name.lstrip("/")).exists(), "a segment in use was removed"
        assert not (Path("/dev/shm") / left_name).exists(), "a leftover segment was kept"
    finally:
        live.close()
        live.unlink()
        if (Path("/dev/shm") / left_name).exists():
            os.unlink(Path("/dev/shm") / left_name)
        resource_tracker.unregister(
            left._name, "shared_memory"
        )  # the sweep unlinked it: nothing to report at exit
