"""Wrong (here): double-checked locking with ONE lock held while computing. Each key is computed once, but a
slow key now blocks every other key: computations for different keys never overlap."""

import threading
from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    def __init__(self, compute: Callable[[Hashable], Any]) -> None:
        self._compute = compute
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        if key in self._values:
            return self._values[key]
        with self._lock:
            if key not in self._values:
                self._values[key] = self._compute(key)
            return self._values[key]
