"""A memo cache shared by many threads: each key's value is expensive to compute, so compute it once.

Under a burst of requests for a key that is not cached yet, the expensive computation runs many times.
"""

from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    """Remember compute(key) so that each key is computed only once, whichever thread asks first."""

    def __init__(self, compute: Callable[[Hashable], Any]) -> None:
        self._compute = compute
        self._values: dict[Hashable, Any] = {}

    def get(self, key: Hashable) -> Any:
        if key not in self._values:
            self._values[key] = self._compute(key)
        return self._values[key]
