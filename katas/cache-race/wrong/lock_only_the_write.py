"""Wrong: the lock protects the dict write, but the duplicate computations have already started by then."""

import threading
from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    def __init__(self, compute: Callable[[Hashable], Any]) -> None:
        self._compute = compute
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        if key not in self._values:
            value = self._compute(key)
            with self._lock:
                self._values[key] = value
        return self._values[key]
