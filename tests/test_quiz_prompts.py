"""Every interactive prompt, driven in-process through prompt_toolkit pipe input (no terminal needed),
and what the interactive quiz prints around them (rich, recorded)."""

from __future__ import annotations

import time

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from quiz_helpers import questions
from rich.console import Console

from grader.answers import Response
from grader.quiz import Outcome, TimeUp, present
from grader.ui import display, quiz_prompts
from grader.ui.display import render
from grader.ui.session import HINT, grade

Q = questions()
DOWN, UP, ENTER, SPACE, BACKSPACE, CTRL_C = "\x1b[B", "\x1b[A", "\r", " ", "\x7f", "\x03"


def drive(keys: str, fn, *args, **kwargs):
    with create_pipe_input() as inp:
        inp.send_text(keys)
        with create_app_session(input=inp, output=DummyOutput()):
            return fn(*args, **kwargs)


def test_single_choice_returns_the_original_index_of_the_pointed_choice():
    p = present(Q["fx-single"], 5)
    assert drive(DOWN + ENTER, quiz_prompts.ask, p) == Response(picked=(p.order[1],))
    assert drive(DOWN + DOWN + UP + ENTER, quiz_prompts.ask, p) == Response(picked=(p.order[1],))


def test_predict_output_is_a_select_of_outputs():
    p = present(Q["fx-predict"], 2)
    assert drive(ENTER, quiz_prompts.ask, p) == Response(picked=(p.order[0],))


def test_multiple_choice_toggles_with_space():
    p = present(Q["fx-multiple"], 4)
    got = drive(SPACE + DOWN + DOWN + SPACE + ENTER, quiz_prompts.ask, p)
    assert got == Response(picked=tuple(sorted((p.order[0], p.order[2]))))


def test_multiple_choice_needs_at_least_one_pick():
    p = present(Q["fx-multiple"], 4)
    # Enter with nothing selected is refused; the prompt stays until something is picked.
    assert drive(ENTER + DOWN + SPACE + ENTER, quiz_prompts.ask, p) == Response(picked=(p.order[1],))


def test_true_false():
    p = present(Q["fx-true-false"], 1)
    assert drive(ENTER, quiz_prompts.ask, p) == Response(value=True)
    assert drive(DOWN + ENTER, quiz_prompts.ask, p) == Response(value=False)


def test_short_answer_is_typed_text():
    p = present(Q["fx-short"], 1)
    assert drive("  to_thread \r", quiz_prompts.ask, p) == Response(text="to_thread")


def test_short_answer_refuses_an_empty_answer():
    p = present(Q["fx-short"], 1)
    assert drive("\rx\r", quiz_prompts.ask, p) == Response(text="x")


def test_explain_accepts_an_empty_answer():
    assert drive("\r", quiz_prompts.ask, present(Q["fx-explain"], 1)) == Response(text="")


def test_ordering_picks_one_position_at_a_time_and_backspace_undoes():
    p = present(Q["fx-ordering"], 1)
    first, second = p.order[0], [i for i in p.order if i != p.order[0]][1]
    # Pick the first shown item, then the second remaining, take it back, then take the defaults.
    got = drive(ENTER + DOWN + ENTER + BACKSPACE + ENTER + ENTER, quiz_prompts.ask, p)
    assert got.picked[0] == first and second != got.picked[1]
    assert sorted(got.picked) == [0, 1, 2, 3]
    left = [i for i in p.order if i != first]
    assert list(got.picked) == [first, left[0], *[i for i in left[1:]]]


def test_question_mark_asks_for_a_hint_in_choice_prompts():
    assert drive("?", quiz_prompts.ask, present(Q["fx-single"], 1), hints_left=1) == HINT
    assert drive("?", quiz_prompts.ask, present(Q["fx-true-false"], 1), hints_left=2) == HINT
    assert drive("?", quiz_prompts.ask, present(Q["fx-ordering"], 1), hints_left=1) == HINT


def test_question_mark_on_an_empty_line_asks_for_a_hint_in_text_prompts():
    assert drive("?", quiz_prompts.ask, present(Q["fx-short"], 1), hints_left=1) == HINT
    # Issue 10, point 9: in an explain prompt `?` was sent as the answer, even with no hint to give.
    assert drive("?", quiz_prompts.ask, present(Q["fx-explain"], 1), hints_left=0) == HINT
    # Within an answer it is just a character.
    assert drive("why?\r", quiz_prompts.ask, present(Q["fx-explain"], 1)) == Response(text="why?")


def test_question_mark_always_answers_even_without_hints():
    # The session then says there is no hint and asks again, instead of `?` doing nothing.
    p = present(Q["fx-multiple"], 1)
    assert drive("?", quiz_prompts.ask, p, hints_left=0) == HINT


def test_rating_defaults_to_good_and_can_be_moved():
    assert drive(ENTER, quiz_prompts.ask_rating) == 3
    assert drive(UP + UP + ENTER, quiz_prompts.ask_rating) == 1
    assert drive(DOWN + ENTER, quiz_prompts.ask_rating) == 4


@pytest.mark.parametrize("qid", ["fx-single", "fx-multiple", "fx-short", "fx-ordering"])
def test_ctrl_c_raises_keyboard_interrupt(qid):
    with pytest.raises(KeyboardInterrupt):
        drive(CTRL_C, quiz_prompts.ask, present(Q[qid], 1))


def test_ctrl_c_at_the_rating_and_the_pause_too():
    with pytest.raises(KeyboardInterrupt):
        drive(CTRL_C, quiz_prompts.ask_rating)
    with pytest.raises(KeyboardInterrupt):
        drive(CTRL_C, quiz_prompts.pause)


def test_deadline_ends_an_unanswered_prompt_with_time_up():
    for qid in ("fx-single", "fx-short", "fx-multiple"):
        with pytest.raises(TimeUp):
            drive("", quiz_prompts.ask, present(Q[qid], 1), deadline=time.monotonic() + 0.2)


def test_an_answer_before_the_deadline_counts():
    p = present(Q["fx-single"], 1)
    assert drive(ENTER, quiz_prompts.ask, p, deadline=time.monotonic() + 30) == Response(picked=(p.order[0],))


def test_pause_waits_for_any_key():
    assert drive("x", quiz_prompts.pause) is None


# --- what is printed ----------------------------------------------------------------------------------------


def _printed(fn, *args) -> str:
    con = Console(record=True, width=100, color_system=None)
    fn(con, *args)
    return con.export_text()


def test_question_shows_header_prompt_and_highlighted_code():
    from grader.ui import ansi

    text = ansi.question(present(Q["fx-predict"], 1), 1, 5, 75.0, width=80, color=False)
    assert "Question 2 of 5  ·  loops  ·  medium  ·  ⏱ 1:15 left ─" in text
    assert "\n What does this print?\n" in text and '\n      print("a")\n' in text
    assert "\x1b[" not in text
    colored = ansi.question(present(Q["fx-predict"], 1), 1, 5, None, width=80, color=True)
    assert "\x1b[1;35masync\x1b[0m" in colored and '\x1b[32m"a"\x1b[0m' in colored


def test_question_text_is_wrapped_to_the_terminal_and_keeps_styles():
    from grader.ui import ansi, markdown

    lines = ansi.wrap(
        markdown.spans("Call `asyncio.run()` once, at the top, **never** inside a running loop."), 20
    )
    assert all(sum(len(t) for _, t in line) <= 20 for line in lines)
    assert ("code", "asyncio.run()") in lines[0] and any(("bold", "never") in line for line in lines)
    text = "Call asyncio.run() once, at the top, never inside a running loop."
    assert " ".join("".join(t for _, t in line) for line in lines) == text


def test_feedback_marks_every_choice_and_explains():
    o = Outcome(present(Q["fx-multiple"], 1))
    grade(o, Response(picked=(0, 2)))
    text = _printed(display.show_feedback, o)
    assert "✘ Wrong: 1 of 2 right choices, 1 wrong pick, 1 missed (score 0%)." in text
    assert "✔ A coroutine object" in text and "✘ A plain generator" in text
    assert "➜ An asyncio.Task  ← also right" in text and "Tasks are futures" in text
    assert "Coroutines, Tasks and Futures are awaitable." in text
    assert "Read more: https://docs.python.org/3/library/asyncio-task.html#awaitables" in text


def test_feedback_for_a_typed_answer_gives_the_right_one():
    o = Outcome(present(Q["fx-short"], 1))
    grade(o, Response(text="threads"))
    text = _printed(display.show_feedback, o)
    assert "Right answer: asyncio.to_thread" in text and "Also accepted: to_thread" in text


def test_model_answer_and_rubric_before_the_rating():
    text = _printed(display.show_model_answer, present(Q["fx-explain"], 1))
    assert "Model answer" in text and "Blocking I/O releases the GIL" in text
    assert "• I/O releases the GIL" in text and "• waits overlap" in text


def test_a_long_rubric_point_wraps_under_its_text_not_its_bullet():
    import dataclasses

    p = present(Q["fx-explain"], 1)
    point = (
        "Cancellation is a request delivered as CancelledError at the next suspending await; the task is cancelled"
    )
    p = dataclasses.replace(p, question=dataclasses.replace(p.question, rubric=(point,)))
    con = Console(record=True, width=60, color_system=None)
    display.show_model_answer(con, p)
    lines = [
        line for line in con.export_text().partition("A good answer mentions:")[2].splitlines() if line.strip()
    ]
    assert lines[0].startswith("   • Cancellation") and len(lines) > 1, lines
    assert all(line.startswith(" " * 5) and line[5] != " " for line in lines[1:]), lines


def test_markdown_subset():
    con = Console(record=True, width=80, color_system=None)
    con.print(render("Use `asyncio.run` **once**.\nSame paragraph.\n\n```python\nx = 1\n```\n- a bullet"))
    text = con.export_text()
    assert "Use asyncio.run once. Same paragraph." in text
    assert "x = 1" in text and "- a bullet" in text and "`" not in text and "**" not in text


def test_highlighting_keeps_the_code_exact_and_marks_python_tokens():
    from grader.ui.highlight import segments

    code = '@cache\nasync def f(x=1.5):  # note\n    return print(f"{x}", None)\nbroken = "unterminated\n'
    segs = segments(code)
    assert "".join(text for _, text in segs) == code
    kinds = {text: kind for kind, text in segs if kind}
    assert kinds["async"] == kinds["def"] == kinds["return"] == "keyword"
    assert kinds["f"] == "definition" and kinds["cache"] == "decorator" and kinds["print"] == "builtin"
    assert kinds["1.5"] == "number" and kinds['f"{x}"'] == "string" and kinds["# note"] == "comment"
    assert kinds["None"] == "constant"
