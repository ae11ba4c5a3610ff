"""Load one question file (questions/<topic>.yaml) into a Topic, collecting every problem."""

from __future__ import annotations

from pathlib import Path

from grader import bankcache
from grader.checks import Problems, check_mapping, describe, loc, parse_file, strs
from grader.models import Choice, Question, Topic
from grader.schema import ANSWER_KINDS, CHOICE_FIELDS, QUESTION_FIELDS, TOPIC_FIELDS, TYPE_RULES
from grader.versions import range_problem
from grader.yamlnodes import Node


def load_topic(path: Path, problems: Problems) -> Topic | None:
    cached = bankcache.get(path)
    if isinstance(cached, Topic):
        return cached
    before = len(problems)
    root = parse_file(path, problems)
    if root is None:
        return None
    top = check_mapping(root, TOPIC_FIELDS, path, problems, "a question file")
    if top is None:
        return None
    slug = top["topic"].value if "topic" in top else path.stem
    if "topic" in top and slug != path.stem:
        problems.at(path, top["topic"], f"topic '{slug}' must match the file name '{path.stem}'")
    questions = []
    for qnode in top["questions"].value if "questions" in top else []:
        q = _question(qnode, slug, path, problems)
        if q is not None:
            questions.append(q)
    title = top["title"].value if "title" in top else slug
    topic = Topic(slug=slug, title=title, path=path, questions=tuple(questions))
    if len(problems) == before:
        bankcache.put(path, topic)
    return topic


def _question(node: Node, topic: str, path: Path, problems: Problems) -> Question | None:
    qid = node.value.get("id", (None, None))[1] if isinstance(node.value, dict) else None
    what = f"question '{qid.value}'" if qid is not None and isinstance(qid.value, str) else "a question"
    f = check_mapping(node, QUESTION_FIELDS, path, problems, what)
    if f is None or "type" not in f:
        return None
    qtype = f["type"].value
    rules = TYPE_RULES[qtype]
    for name, needed in rules.items():
        if needed and name not in f and name not in node.value:
            problems.at(path, node, f"{what} ({qtype}) is missing required field '{name}'")
        elif not needed and name in node.value:
            problems.at(path, node.value[name][0], f"'{name}' is not used by {qtype} questions; remove it")
    if qtype == "predict_output" and "code" not in node.value:
        problems.at(path, node, f"{what} (predict_output) is missing required field 'code'")
    choices = _choices(f.get("choices"), qtype, path, problems) if rules["choices"] else ()
    answer = _answer(f.get("answer"), qtype, path, problems) if rules["answer"] else None
    python = f["python"].value.strip() if "python" in f else None
    if python is not None and (why := range_problem(python)) is not None:
        problems.at(path, f["python"], why)
        python = None
    if any(name not in f for name in ("id", "difficulty", "prompt", "explanation", "references")):
        return None
    return Question(
        id=f["id"].value,
        type=qtype,
        topic=topic,
        difficulty=f["difficulty"].value,
        prompt=f["prompt"].value.strip(),
        explanation=f["explanation"].value.strip(),
        references=strs(f.get("references")),
        tags=strs(f.get("tags")),
        covers=strs(f.get("covers")),
        code=f["code"].value.rstrip("\n") if "code" in f else None,
        choices=choices,
        answer=answer,
        rubric=strs(f.get("rubric")),
        hints=strs(f.get("hints")),
        python=python,
        where=loc(path, node),
        field_where={k: loc(path, v) for k, v in f.items()},
    )


def _choices(node: Node | None, qtype: str, path: Path, problems: Problems) -> tuple[Choice, ...]:
    if node is None:
        return ()
    out = []
    for c in node.value:
        f = check_mapping(c, CHOICE_FIELDS, path, problems, "a choice")
        if f is None or "text" not in f:
            continue
        fb = f.get("feedback")
        out.append(
            Choice(
                text=f["text"].value.rstrip("\n"),
                correct=bool(f.get("correct") and f["correct"].value),
                feedback=fb.value.strip() if fb else None,
            )
        )
    n_correct = sum(c.correct for c in out)
    if len(out) == len(node.value):
        if qtype == "multiple_choice" and n_correct == 0:
            problems.at(path, node, "multiple_choice needs at least one choice with 'correct: true'")
        elif qtype != "multiple_choice" and n_correct != 1:
            problems.at(path, node, f"{qtype} needs exactly one choice with 'correct: true', has {n_correct}")
        texts = [c.text for c in out]
        dup = next((t for t in texts if texts.count(t) > 1), None)
        if dup is not None:
            problems.at(path, node, f"two choices have the same text: '{dup[:40]}'")
    return tuple(out)


def _answer(node: Node | None, qtype: str, path: Path, problems: Problems):
    if node is None:
        return None
    kind = ANSWER_KINDS[qtype]
    v = node.value
    if kind == "bool" and not isinstance(v, bool):
        problems.at(path, node, f"'answer' of a true_false question must be true or false, not {describe(v)}")
    elif kind == "str" and (not isinstance(v, str) or not v.strip()):
        problems.at(
            path, node, f"'answer' of an explain question must be the model answer text, not {describe(v)}"
        )
    elif kind == "str_list":
        items = v if isinstance(v, list) else None
        if items is None or not items or any(not isinstance(i.value, str | int | float) for i in items):
            problems.at(path, node, f"'answer' of a {qtype} question must be a list of strings, not {describe(v)}")
            return None
        strs = tuple(str(i.value).strip() for i in items)
        if qtype == "ordering":
            if not 2 <= len(strs) <= 8:
                problems.at(path, node, f"an ordering question needs 2 to 8 items, has {len(strs)}")
            if len(set(strs)) != len(strs):
                problems.at(path, node, "the items of an ordering question must be distinct")
        return strs
    else:
        return v.strip() if isinstance(v, str) else v
    return None
