"""A memo cache shared by many threads: each key's value is computed exactly once.

`if key not in cache: cache[key] = compute(key)` is check-then-act: between the check and the store, other
threads run the same check, see the same miss, and all compute. The fix makes check-and-compute one step per
key: a lock per key, so that threads asking for the same key wait for the first one's result, while
computations for different keys still run at the same time.
"""

import threading
from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    """Remember compute(key) so that each key is computed only once, whichever thread asks first."""

    def __init__(self, compute: Callable[[Hashable], Any]) -> None:
        self._compute = compute
        self._values: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()  # guards only the dict of per-key locks: held for microseconds

    def get(self, key: Hashable) -> Any:
        try:
            return self._values[key]  # fast path: a finished value is never replaced, so no lock is needed
        except KeyError:
            pass
        with self._guard:  # setdefault under the guard: two threads must never create two locks for one key
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:  # only threads asking for THIS key wait here; other keys go on computing
            if key not in self._values:  # check again: the thread we waited for may have computed it
                self._values[key] = self._compute(key)
            return self._values[key]


# Another common shape: under one short lock, look up or create a concurrent.futures.Future for the key; the
# thread that created it computes outside the lock and sets the result, the others wait on future.result().
# It also lets you decide what waiting threads see when compute() raises.
