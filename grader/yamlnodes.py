"""Parse bank YAML into position-carrying nodes, safely.

libyaml (CSafeLoader) produces the events; we compose them ourselves so that hostile input is refused early:
anchors and aliases (alias bombs) are not allowed, nesting is capped, files are size-capped, tabs and
non-UTF-8 bytes are reported with their line and column. Plain scalars resolve by YAML 1.2 core rules
(`yes`/`no`/`on`/`off` stay strings, unlike PyYAML's YAML 1.1 resolver).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_STR_TAG = "tag:yaml.org,2002:str"


class YamlProblem(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


@dataclass(slots=True)
class Node:
    """A parsed value with its 1-based position. `value` is dict[str, (key Node, Node)], list[Node] or a scalar."""

    value: Any
    line: int
    col: int

    @property
    def kind(self) -> str:
        if isinstance(self.value, dict):
            return "mapping"
        if isinstance(self.value, list):
            return "list"
        return type(self.value).__name__

    def plain(self) -> Any:
        """The value with nodes stripped (for JSON Schema checks and tests)."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, (_, v) in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def read_text(path: Path) -> str:
    """Read a bank file as UTF-8, refusing huge, empty, binary and tab-indented files."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise YamlProblem(1, 1, f"file is {size / 1e6:.1f} MB; bank files may be at most {MAX_BYTES // 2**20} MiB")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _position(data, e.start)
        raise YamlProblem(
            line, col, f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8"
        ) from None
    if not text.strip():
        raise YamlProblem(1, 1, "file is empty")
    tab = text.find("\t")
    if tab >= 0:
        line, col = _position(data, len(text[:tab].encode()))
        raise YamlProblem(line, col, "tab character; YAML bank files must use spaces")
    return text.removeprefix("\ufeff")


def _scalar(ev: yaml.ScalarEvent) -> Any:
    v = ev.value
    if ev.tag not in (None, "!", _STR_TAG) and not ev.tag.startswith("tag:yaml.org,2002:"):
        raise YamlProblem(ev.start_mark.line + 1, ev.start_mark.column + 1, f"YAML tags are not allowed: {ev.tag}")
    if ev.tag == _STR_TAG or ev.style or not ev.implicit[0]:
        return v
    if v in _NULLS:
        return None
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    if _INT.match(v):
        return int(v.replace("_", ""))
    if _FLOAT.match(v) and any(c.isdigit() for c in v):
        return float(v.replace("_", ""))
    return v


def parse(text: str) -> Node:
    """Compose one YAML document into Nodes. Raises YamlProblem."""
    import yaml  # here, not at the top: a bank served from the cache never needs it (start-up time)

    stack: list[tuple[Node, list[Node]]] = []  # (container node, pending key for mappings)
    root: Node | None = None
    try:
        for ev in yaml.parse(text, Loader=yaml.CSafeLoader):
            mark = ev.start_mark if hasattr(ev, "start_mark") else None
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
                raise YamlProblem(line, col, "anchors and aliases (&name, *name) are not allowed in bank files")
            if isinstance(ev, yaml.DocumentStartEvent) and root is not None:
                raise YamlProblem(line, col, "only one YAML document per file (remove the extra `---`)")
            if isinstance(ev, yaml.ScalarEvent):
                node = Node(_scalar(ev), line, col)
            elif isinstance(ev, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(line, col, f"nesting deeper than {MAX_DEPTH} levels")
                node = Node({} if isinstance(ev, yaml.MappingStartEvent) else [], line, col)
                _attach(stack, node)
                stack.append((node, []))
                continue
            elif isinstance(ev, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                node, _ = stack.pop()
                if not stack:
                    root = node
                continue
            else:
                continue
            if stack:
                _attach(stack, node)
            else:
                root = node
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(line, col, f"YAML syntax error: {e.problem or e.context}") from None
    except yaml.YAMLError as e:
        raise YamlProblem(1, 1, f"YAML error: {e}") from None
    if root is None:
        raise YamlProblem(1, 1, "file is empty")
    return root


def _attach(stack: list[tuple[Node, list[Node]]], node: Node) -> None:
    if not stack:
        return
    parent, pending = stack[-1]
    if isinstance(parent.value, list):
        parent.value.append(node)
    elif not pending:
        if node.kind in ("mapping", "list"):
            raise YamlProblem(node.line, node.col, "mapping keys must be plain strings")
        pending.append(node)
    else:
        key = pending.pop()
        name = str(key.value)
        if name in parent.value:
            first = parent.value[name][0]
            raise YamlProblem(key.line, key.col, f"duplicate key '{name}' (first at line {first.line})")
        parent.value[name] = (key, node)
