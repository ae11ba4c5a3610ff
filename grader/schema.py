"""The bank formats as data: field specs used by the validator and exported as JSON Schema (`dojo schema`).

One table drives both, so the editor's schema and `dojo validate` cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.models import CHOICE_TYPES, QUESTION_TYPES

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
COVERS = r"^(C([1-9]|[1-3][0-9]|4[0-2])|I([1-9]|1[0-2]))$"
FORMAT_VERSIONS = (1,)
_SPEC = r"(~=|==|!=|<=|>=|<|>)\s*3(\.[0-9]+){1,2}((a|b|rc)[0-9]+|\.\*)?"
PYTHON_RANGE = rf"^\s*{_SPEC}(\s*,\s*{_SPEC})*\s*$"  # PEP 440 specifiers on 3.x, comma-separated


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str  # str | int | number | bool | str_list | choices | questions | answer
    description: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    enum: tuple[Any, ...] | None = None
    min_items: int | None = None
    max_items: int | None = None
    # A pattern for editors only (JSON Schema): the loader checks this field itself, with a clearer message.
    schema_pattern: str | None = None


TOPIC_FIELDS = (
    Field("format_version", "int", "Version of this file format.", True, enum=FORMAT_VERSIONS),
    Field("topic", "str", "Topic slug; equals the file name without .yaml.", True, pattern=SLUG),
    Field("title", "str", "Human title of the topic.", True),
    Field("questions", "questions", "The questions of this topic.", True, min_items=1),
)

QUESTION_FIELDS = (
    Field("id", "str", "Stable id, unique across all banks.", True, pattern=SLUG),
    Field("type", "str", "Question type.", True, enum=QUESTION_TYPES),
    Field("difficulty", "int", "1 easy, 2 medium, 3 hard.", True, minimum=1, maximum=3),
    Field("tags", "str_list", "Free-form tags ([a-z0-9-]).", pattern=SLUG),
    Field("covers", "str_list", "Guide checklist items covered: C1..C42, I1..I12.", pattern=COVERS),
    Field("prompt", "str", "The question, in Markdown.", True),
    Field("code", "str", "Python code shown highlighted; required for predict_output."),
    Field(
        "choices", "choices", "Choices (single_choice, multiple_choice, predict_output).", min_items=2, max_items=8
    ),
    Field(
        "answer",
        "answer",
        "true_false: bool; short_answer: accepted strings; ordering: items in order; explain: the model answer.",
    ),
    Field("rubric", "str_list", "explain: points a good answer mentions.", min_items=1),
    Field("explanation", "str", "Why the answer is right; shown after every answer.", True),
    Field("hints", "str_list", "Hints shown in order on request: nudges toward the reasoning, never the answer."),
    Field(
        "python",
        "str",
        "The Python versions on which the marked answer holds, as a PEP 440 specifier set such as '>=3.14' "
        "or '>=3.11,<3.14'; it must admit at least one of 3.11 to 3.15. Omit it when the answer holds on every "
        "version. The quiz asks the question only of learners targeting a version in the range.",
        schema_pattern=PYTHON_RANGE,
    ),
    Field(
        "references",
        "str_list",
        "Where to read more: official documentation URLs (docs.python.org, PEPs).",
        True,
        min_items=1,
    ),
)

CHOICE_FIELDS = (
    Field("text", "str", "What the learner sees (for predict_output: the exact output).", True),
    Field("correct", "bool", "Whether this choice is correct."),
    Field("feedback", "str", "Shown when this choice was picked."),
)

KATA_FIELDS = (
    Field("format_version", "int", "Version of this file format.", True, enum=FORMAT_VERSIONS),
    Field("slug", "str", "Kata slug; equals the folder name.", True, pattern=SLUG),
    Field("title", "str", "Human title.", True),
    Field("difficulty", "int", "1 easy, 2 medium, 3 hard.", True, minimum=1, maximum=3),
    Field("topics", "str_list", "Topic slugs this kata practises.", True, pattern=SLUG, min_items=1),
    Field(
        "requires_python",
        "str",
        "A version specifier such as '>=3.11'.",
        True,
        pattern=r"^\s*(>=|>|==|<=|<|~=|!=)\s*3\.\d+(\.\d+)?(\s*,\s*(>=|>|==|<=|<|~=|!=)\s*3\.\d+(\.\d+)?)*\s*$",
    ),
    Field("time_limit_s", "number", "Hard wall-clock limit for one grading run.", True, minimum=1, maximum=600),
    Field(
        "memory_limit_mb", "int", "Address-space limit for the graded process.", True, minimum=64, maximum=16384
    ),
    Field("hints", "str_list", "Three or more hints, from a nudge to nearly the answer.", True, min_items=1),
)

# Which type needs (+) or forbids (-) which optional fields.
TYPE_RULES: dict[str, dict[str, bool]] = {
    t: {
        "choices": t in CHOICE_TYPES,
        "answer": t not in CHOICE_TYPES,
        "rubric": t == "explain",
    }
    for t in QUESTION_TYPES
}
ANSWER_KINDS = {"true_false": "bool", "short_answer": "str_list", "ordering": "str_list", "explain": "str"}


def _field_schema(f: Field) -> dict[str, Any]:
    s: dict[str, Any] = {"description": f.description}
    if f.kind == "str":
        s["type"] = "string"
        s["minLength"] = 1
        if f.pattern or f.schema_pattern:
            s["pattern"] = f.pattern or f.schema_pattern
    elif f.kind in ("int", "number"):
        s["type"] = "integer" if f.kind == "int" else "number"
    elif f.kind == "bool":
        s["type"] = "boolean"
    elif f.kind == "str_list":
        item: dict[str, Any] = {"type": "string", "minLength": 1}
        if f.pattern:
            item["pattern"] = f.pattern
        s.update(type="array", items=item)
    elif f.kind == "choices":
        s.update(type="array", items=_object(CHOICE_FIELDS))
    elif f.kind == "questions":
        s.update(type="array", items={"$ref": "#/$defs/question"})
    if f.enum is not None:
        s["enum"] = list(f.enum)
    if f.minimum is not None:
        s["minimum"] = f.minimum
    if f.maximum is not None:
        s["maximum"] = f.maximum
    if f.min_items is not None:
        s["minItems"] = f.min_items
    if f.max_items is not None:
        s["maxItems"] = f.max_items
    return s


def _object(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields if f.required],
        "properties": {f.name: _field_schema(f) for f in fields},
    }


def _question_schema() -> dict[str, Any]:
    q = _object(QUESTION_FIELDS)
    rules = []
    for t, needs in TYPE_RULES.items():
        then: dict[str, Any] = {"required": [f for f, on in needs.items() if on]}
        then["not"] = {"anyOf": [{"required": [f]} for f, on in needs.items() if not on]}
        props: dict[str, Any] = {}
        kind = ANSWER_KINDS.get(t)
        if kind == "bool":
            props["answer"] = {"type": "boolean"}
        elif kind == "str":
            props["answer"] = {"type": "string", "minLength": 1}
        elif kind == "str_list":
            props["answer"] = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
        if t == "predict_output":
            then["required"].append("code")
        if props:
            then["properties"] = props
        rules.append({"if": {"properties": {"type": {"const": t}}, "required": ["type"]}, "then": then})
    q["allOf"] = rules
    return q


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema (2020-12) for 'questions' (a topic file) or 'kata' (kata.yaml)."""
    base = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if kind == "questions":
        return {
            **base,
            "title": "Concurrency Dojo question file",
            **_object(TOPIC_FIELDS),
            "$defs": {"question": _question_schema()},
        }
    if kind == "kata":
        return {**base, "title": "Concurrency Dojo kata.yaml", **_object(KATA_FIELDS)}
    raise ValueError(kind)
