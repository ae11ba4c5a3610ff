"""Wrong: dict.setdefault is atomic, but its argument is evaluated first, so compute() runs on every call."""

from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    def __init__(self, compute: Callable[[Hashable], Any]) -> None:
        self._compute = compute
        self._values: dict[Hashable, Any] = {}

    def get(self, key: Hashable) -> Any:
        return self._values.setdefault(key, self._compute(key))
