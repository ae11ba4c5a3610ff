"""Python version ranges on questions: is a range well formed, and does it admit a given feature version?

A question's `python` field is a PEP 440 specifier set (">=3.14", ">=3.11,<3.14") naming the versions on which
its marked answer holds. We compare feature versions only ("3.13", never "3.13.2"), because behaviour that a
question teaches changes between feature releases, and so that `>3.13` reads as "3.14 and later".
`packaging` is imported lazily: a bank served from the cache and a quiz over unranged questions never need it.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

    from grader.models import Question

# The feature versions the bank speaks about: a range must admit at least one of them (3.15 is in beta).
SUPPORTED: tuple[tuple[int, int], ...] = ((3, 11), (3, 12), (3, 13), (3, 14), (3, 15))
EXAMPLE = "'>=3.12' or '>=3.11,<3.14'"
_VERSION = re.compile(r"^\s*(\d+)\.(\d+)\s*$")


@lru_cache(maxsize=256)
def _spec(text: str) -> SpecifierSet:
    from packaging.specifiers import SpecifierSet

    return SpecifierSet(text)


def _admits(spec: SpecifierSet, version: tuple[int, int]) -> bool:
    return spec.contains(f"{version[0]}.{version[1]}", prereleases=True)


def range_problem(text: str) -> str | None:
    """Why `text` is not a usable `python` range, or None when it is one (the validator's message)."""
    from packaging.specifiers import InvalidSpecifier

    try:
        spec = _spec(text)
    except InvalidSpecifier:
        bare = _VERSION.match(text)
        tip = f"; did you mean '=={bare[1]}.{bare[2]}' or '>={bare[1]}.{bare[2]}'?" if bare else ""
        return f"'python' '{text}' is not a version range (PEP 440, like {EXAMPLE}){tip}"
    if not any(_admits(spec, v) for v in SUPPORTED):
        first, last = SUPPORTED[0], SUPPORTED[-1]
        return (
            f"'python' '{text}' admits no Python from {first[0]}.{first[1]} to {last[0]}.{last[1]}, "
            "so the question would never be asked"
        )
    return None


def admits(text: str | None, version: tuple[int, int]) -> bool:
    """Whether the range `text` (None: every version) includes the feature version `version`."""
    return text is None or _admits(_spec(text), version)


def applies_to(question: Question, version: tuple[int, int]) -> bool:
    """Whether the question's marked answer holds on Python `version` (major, minor)."""
    return admits(question.python, version)


def parse_version(text: str) -> tuple[int, int]:
    """'3.14' -> (3, 14), for `dojo quiz --python`; ValueError with a message a learner can act on."""
    m = _VERSION.match(text)
    if m is None:
        raise ValueError(f"'{text}' is not a Python feature version; write it like 3.13 or 3.14")
    return int(m[1]), int(m[2])


def running() -> tuple[int, int]:
    """The feature version of this interpreter: the quiz's default target."""
    return sys.version_info[0], sys.version_info[1]
