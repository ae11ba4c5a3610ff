"""Field-level checks of parsed YAML nodes against the specs in schema.py. Collects problems, never raises."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.models import Location
from grader.schema import Field
from grader.yamlnodes import Node, YamlProblem, parse, read_text

_KIND_NAMES = {
    "str": "a string",
    "int": "an integer",
    "number": "a number",
    "bool": "true or false",
    "str_list": "a list of strings",
    "choices": "a list of choices",
    "questions": "a list of questions",
}


@dataclass
class Problems:
    """Every problem found, as (path, line, col, message); printed as `path:line:col: message`."""

    items: list[tuple[Path, int, int, str]] = field(default_factory=list)

    def add(self, path: Path, line: int, col: int, message: str) -> None:
        self.items.append((path, line, col, message))

    def at(self, path: Path, node: Node, message: str) -> None:
        self.add(path, node.line, node.col, message)

    def lines(self) -> list[str]:
        return [f"{show_path(p)}:{line}:{col}: {m}" for p, line, col, m in sorted(self.items, key=_order)]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


def show_path(path: Path) -> str:
    """A path relative to the working folder when it is below it (shorter, clickable messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _order(item: tuple[Path, int, int, str]) -> tuple[str, int, int]:
    return (str(item[0]), item[1], item[2])


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"{value} (a number)"
    return f"'{value}' (a string)" if len(str(value)) < 40 else "a string"


def check_mapping(
    node: Node, fields: tuple[Field, ...], path: Path, problems: Problems, what: str
) -> dict[str, Node] | None:
    """Check a mapping against `fields`; return the valid field nodes by name, or None if not a mapping."""
    if not isinstance(node.value, dict):
        problems.at(path, node, f"{what} must be a mapping of fields, not {describe(node.value)}")
        return None
    known = {f.name: f for f in fields}
    good: dict[str, Node] = {}
    for name, (key, value) in node.value.items():
        spec = known.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            tip = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
            problems.at(path, key, f"unknown field '{name}' in {what}{tip}")
            continue
        if check_value(value, spec, path, problems):
            good[name] = value
    for spec in fields:
        if spec.required and spec.name not in node.value:
            problems.at(path, node, f"{what} is missing required field '{spec.name}'")
    return good


def check_value(node: Node, spec: Field, path: Path, problems: Problems) -> bool:
    v = node.value
    where = f"'{spec.name}'"
    ok = True
    if spec.kind == "str":
        if not isinstance(v, str):
            problems.at(path, node, f"{where} must be {_KIND_NAMES['str']}, not {describe(v)}")
            return False
        if not v.strip():
            problems.at(path, node, f"{where} must not be empty")
            return False
        if spec.pattern and not re.match(spec.pattern, v):
            problems.at(path, node, f"{where} '{v}' is not valid: {_pattern_help(spec.pattern)}")
            ok = False
    elif spec.kind in ("int", "number"):
        bad = isinstance(v, bool) or not isinstance(v, int if spec.kind == "int" else int | float)
        if bad:
            problems.at(path, node, f"{where} must be {_KIND_NAMES[spec.kind]}, not {describe(v)}")
            return False
    elif spec.kind == "bool":
        if not isinstance(v, bool):
            problems.at(path, node, f"{where} must be true or false, not {describe(v)}")
            return False
    elif spec.kind in ("str_list", "choices", "questions"):
        if not isinstance(v, list):
            problems.at(path, node, f"{where} must be {_KIND_NAMES[spec.kind]}, not {describe(v)}")
            return False
        if spec.kind == "str_list":
            for item in v:
                if not isinstance(item.value, str) or not item.value.strip():
                    problems.at(
                        path, item, f"each item of {where} must be a non-empty string, not {describe(item.value)}"
                    )
                    ok = False
                elif spec.pattern and not re.match(spec.pattern, item.value):
                    problems.at(
                        path, item, f"'{item.value}' in {where} is not valid: {_pattern_help(spec.pattern)}"
                    )
                    ok = False
        if spec.min_items is not None and len(v) < spec.min_items:
            problems.at(path, node, f"{where} needs at least {spec.min_items} item(s), has {len(v)}")
            ok = False
        if spec.max_items is not None and len(v) > spec.max_items:
            problems.at(path, node, f"{where} allows at most {spec.max_items} items, has {len(v)}")
            ok = False
    if spec.enum is not None and v not in spec.enum:
        choices = ", ".join(str(e) for e in spec.enum)
        close = difflib.get_close_matches(str(v), [str(e) for e in spec.enum], n=1, cutoff=0.6)
        tip = f"; did you mean '{close[0]}'?" if close else ""
        problems.at(path, node, f"{where} {describe(v)} is not supported (expected one of: {choices}){tip}")
        return False
    if (spec.minimum is not None and v < spec.minimum) or (spec.maximum is not None and v > spec.maximum):
        problems.at(path, node, f"{where} is {v}, outside the range {spec.minimum:g} to {spec.maximum:g}")
        return False
    return ok


def _pattern_help(pattern: str) -> str:
    if "a-z0-9" in pattern:
        return "use lowercase letters, digits and single hyphens (like 'gil-counter-race')"
    if pattern.startswith("^(C"):
        return "use checklist items C1..C42 or corrections I1..I12"
    return f"must match {pattern}"


def loc(path: Path, node: Node) -> Location:
    return Location(path, node.line, node.col)


def parse_file(path: Path, problems: Problems) -> Node | None:
    """Parse a bank YAML file into nodes; a problem (with line and column) instead of an exception."""
    try:
        return parse(read_text(path))
    except YamlProblem as e:
        problems.add(path, e.line, e.col, e.message)
    except OSError as e:
        problems.add(path, 1, 1, f"cannot read: {e.strerror}")
    return None


def strs(node: Node | None) -> tuple[str, ...]:
    """The stripped strings of a validated str_list node (empty when the field is absent)."""
    return tuple(i.value.strip() for i in node.value) if node is not None else ()
