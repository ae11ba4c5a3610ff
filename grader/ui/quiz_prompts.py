"""The questionary prompt for each question type, plus hint keys and the exam clock.

`ask()` returns a Response in the question's own terms, or HINT when the learner asked for one. Prompts are run
with `.unsafe_ask()`, so Ctrl-C reaches the session as KeyboardInterrupt (summary, exit 130), and an exam's time
running out reaches it as TimeUp.
"""

from __future__ import annotations

import time
from typing import Any

import questionary
from prompt_toolkit.filters import is_done
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl

from grader.answers import HINT_WORDS, RATINGS, Response
from grader.quiz import Presented, TimeUp
from grader.ui.ansi import ORDINALS, clock
from grader.ui.session import HINT

UNDO = "\0undo"  # returned by the ordering prompt's Backspace; never a valid answer

STYLE = questionary.Style(
    [
        ("qmark", "fg:ansicyan bold"),
        ("question", "bold"),
        ("answer", "fg:ansicyan bold"),
        ("pointer", "fg:ansicyan bold"),
        ("highlighted", "fg:ansicyan bold"),
        ("selected", "fg:ansicyan"),
        ("instruction", "fg:ansibrightblack"),
        ("clock", "fg:ansiyellow bold"),
    ]
)

MESSAGES = {
    "single_choice": "Your answer:",
    "multiple_choice": "Select all that apply:",
    "true_false": "True or false?",
    "predict_output": "It prints:",
    "short_answer": "Your answer:",
    "explain": "Your explanation:",
}


def _instruction(base: str, hints_left: int, message: str = "") -> str:
    """The keys, after the prompt's message when the whole line fits the terminal; else on a line of its own,
    because the terminal would break it anywhere ("? for a hint (" / "1 left))" at 60 columns)."""
    full = f"({base}{f' · ? for a hint ({hints_left} left)' if hints_left else ''})"
    return _fit(message, full, f"({base}{' · ? for a hint' if hints_left else ''})")


def _fit(message: str, *candidates: str) -> str:
    """The first candidate (longest first) after the message on its line, else on a line of its own, else
    wrapped between words under the message."""
    import shutil
    import textwrap

    width = shutil.get_terminal_size().columns
    # "? " + the message's last line + " " + the text + a space or the cursor after it.
    if 2 + len(message.rsplit("\n", 1)[-1]) + 1 + len(candidates[0]) + 1 <= width:
        return candidates[0]
    for text in candidates:
        if 2 + len(text) + 1 <= width:  # indented by 2, and a space or the cursor after
            return "\n  " + text
    return "\n  " + "\n  ".join(textwrap.wrap(candidates[-1], width - 3))


def _title(text: str, indent: int) -> str:
    """A choice as it fits the terminal: long lines wrapped, continuation lines kept under the first one
    (prompt_toolkit would cut them off at the right edge instead)."""
    import shutil
    import textwrap

    width = max(30, shutil.get_terminal_size().columns - indent - 2)
    lines = []
    for line in text.split("\n"):
        # A line's own indentation (program output) is kept, and carried onto the lines it wraps onto; the space
        # at a break is dropped, else it would start the next line one column off ("TimeoutError\n    at").
        lead = line[: len(line) - len(line.lstrip(" "))]
        lines += textwrap.wrap(
            line, width, subsequent_indent=lead, replace_whitespace=False, break_on_hyphens=False
        ) or [""]
    return ("\n" + " " * indent).join(lines)


def run(
    question: questionary.Question,
    *,
    keys: dict[str, Any] | None = None,
    deadline: float | None = None,
    on_empty_line: dict[str, Any] | None = None,
):
    """Ask `question`. `keys` maps extra keys to the result they return (e.g. "?" -> HINT); `on_empty_line`
    does the same for a text prompt, only while nothing is typed (so "?" can still be part of an answer).
    With a `deadline` (time.monotonic()), a clock is shown under the prompt and TimeUp is raised when it passes."""
    app = question.application
    if keys or on_empty_line:
        from prompt_toolkit.filters import Condition

        kb = KeyBindings()
        for key, result in (keys or {}).items():
            kb.add(key, eager=True)(lambda event, r=result: _leave(event.app, r))
        empty = Condition(lambda: not app.current_buffer.text)
        for key, result in (on_empty_line or {}).items():
            kb.add(key, eager=True, filter=empty)(lambda event, r=result: _leave(event.app, r))
        # Later bindings win over earlier ones for the same key, so ours go last.
        app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), kb])
    if deadline is not None:
        if deadline <= time.monotonic():
            raise TimeUp
        _add_clock(app, deadline)
    _warm_up_after_first_render(app)
    return question.unsafe_ask()


_warming = False


def _warm_up_after_first_render(app) -> None:
    """Once the first question is on screen, import what the feedback needs (fsrs, rich tables and panels)
    in the background while the learner reads: the first question comes sooner, the first feedback no later."""
    global _warming
    if _warming:
        return
    _warming = True

    def start(_sender) -> None:
        app.after_render -= start
        import threading

        threading.Thread(target=_preload, name="dojo-preload", daemon=True).start()

    app.after_render += start


def _preload() -> None:
    try:
        import fsrs  # noqa: F401
        import rich.panel  # noqa: F401

        import grader.ui.summary  # noqa: F401
    except Exception:  # only an optimisation: the import happens again, and fails loudly, where it is needed
        pass


def _leave(app, result: Any) -> None:
    # A hint or an undo is not an answer: erase the unanswered prompt instead of leaving it on screen.
    app.erase_when_done = True
    app.exit(result=result)


def statement(text: str) -> str:
    """A choice as words: inline Markdown (`code`, **bold**) without its marks, as the feedback shows it."""
    from grader.ui.markdown import spans

    return "".join(piece for _kind, piece in spans(text))


def _choices(options: list[str], values: list[Any], indent: int) -> list[questionary.Choice]:
    """Choices in display order. When any takes more than one line (program output, long statements), a blank
    line separates them so that two choices never read as one."""
    titles = [_title(text, indent) for text in options]
    spaced = any("\n" in t for t in titles)
    return [questionary.Choice(t + ("\n" if spaced else ""), value=v) for t, v in zip(titles, values, strict=True)]


def _add_clock(app, deadline: float) -> None:
    text = FormattedTextControl(lambda: [("class:clock", f"  ⏱ {clock(deadline - time.monotonic())} left")])
    old = app.layout
    app.layout = Layout(
        HSplit([old.container, ConditionalContainer(Window(text, height=1), filter=~is_done)]),
        focused_element=old.current_window,
    )
    app.refresh_interval = 0.5

    def expire() -> None:
        if app.is_running and not app.is_done:
            app.exit(exception=TimeUp())

    def arm() -> None:
        import asyncio

        asyncio.get_running_loop().call_later(max(0.0, deadline - time.monotonic()), expire)

    app.pre_run_callables.append(arm)


def _hint_keys(hints_left: int) -> dict[str, Any]:
    # Always bound: with no hint left, the session says so instead of `?` doing nothing (issue 10, point 9).
    return {"?": HINT}


def ask(p: Presented, *, hints_left: int = 0, deadline: float | None = None):
    """Ask one question; returns a Response, or HINT."""
    q = p.question
    if q.type in ("single_choice", "predict_output"):
        # Program output is shown verbatim; statements lose their Markdown marks, as in the feedback.
        options = p.options if q.type == "predict_output" else [statement(t) for t in p.options]
        prompt = questionary.select(
            MESSAGES[q.type],
            choices=_choices(options, list(p.order), 3),
            instruction=_instruction("↑↓ to move, Enter to choose", hints_left, MESSAGES[q.type]),
            style=STYLE,
        )
        prompt.application.erase_when_done = True
        got = run(prompt, keys=_hint_keys(hints_left), deadline=deadline)
        if got == HINT:
            return HINT
        _print_answered(MESSAGES[q.type], [options[list(p.order).index(got)]])
        return Response(picked=(got,))
    if q.type == "multiple_choice":
        options = [statement(t) for t in p.options]
        prompt = questionary.checkbox(
            MESSAGES[q.type],
            choices=_choices(options, list(p.order), 5),
            instruction=_instruction("Space to select, Enter to confirm", hints_left, MESSAGES[q.type]),
            validate=lambda picked: bool(picked) or "Select at least one choice with Space, then press Enter.",
            style=STYLE,
        )
        prompt.application.erase_when_done = True
        got = run(prompt, keys=_hint_keys(hints_left), deadline=deadline)
        if got == HINT:
            return HINT
        _print_answered(MESSAGES[q.type], [options[list(p.order).index(v)] for v in p.order if v in got])
        return Response(picked=tuple(sorted(got)))
    if q.type == "true_false":
        prompt = questionary.select(
            MESSAGES[q.type],
            choices=[questionary.Choice("True", value=True), questionary.Choice("False", value=False)],
            instruction=_instruction("↑↓ to move, Enter to choose", hints_left, MESSAGES[q.type]),
            style=STYLE,
        )
        got = run(prompt, keys=_hint_keys(hints_left), deadline=deadline)
        return got if got == HINT else Response(value=got)
    if q.type == "short_answer":
        return _ask_text(MESSAGES[q.type], hints_left, deadline, required=True)
    if q.type == "explain":
        return _ask_text(MESSAGES[q.type], hints_left, deadline, required=False)
    if q.type == "ordering":
        return _ask_ordering(p, hints_left, deadline)
    raise ValueError(f"unknown question type {q.type!r}")


def _ask_text(message: str, hints_left: int, deadline: float | None, *, required: bool):
    base = "type it, then Enter" if required else "a few sentences, then Enter; empty is fine"
    prompt = questionary.text(
        message,
        instruction=_instruction(base, hints_left, message),
        validate=(lambda t: bool(t.strip()) or "Type an answer first.") if required else None,
        style=STYLE,
    )
    # Erased when done and printed again without the keys, which questionary would leave between the prompt
    # and the answer ("? Your answer:  (type it, then Enter) threading.Lock").
    prompt.application.erase_when_done = True
    got = run(prompt, deadline=deadline, on_empty_line={"?": HINT})
    # `?` pasted, or `h` / `hint` typed with hints left: a request, never an answer.
    if got == HINT or got.strip() == "?" or (hints_left and got.strip().casefold() in HINT_WORDS):
        return HINT
    _print_answered(message, [got.strip()] if got.strip() else [])
    return Response(text=got.strip())


def _ask_ordering(p: Presented, hints_left: int, deadline: float | None):
    """Build the order one position at a time; Backspace takes the last pick back.

    Each step's prompt is erased when it is done and the order so far is part of the next prompt, so an undone
    pick leaves nothing behind on screen; the finished order is printed once at the end.
    """
    n = len(p.order)
    text_of = dict(zip(p.order, [statement(t) for t in p.options], strict=True))
    placed: list[int] = []
    while len(placed) < n - 1:
        left = [(text_of[i], i) for i in p.order if i not in placed]
        keys = _hint_keys(hints_left) if not placed else {}
        base = "↑↓ to move, Enter to choose" + (", Backspace to undo" if placed else "")
        step = f"What comes {ORDINALS[len(placed)]}?" if len(placed) < len(ORDINALS) else "What comes next?"
        so_far = "".join(f"\n  {k}. {_title(text_of[i], 5)}" for k, i in enumerate(placed, 1))
        message = f"Your order so far:{so_far}\n  {step}" if placed else step
        prompt = questionary.select(
            message,
            choices=_choices([text for text, _ in left], [i for _, i in left], 3),
            instruction=_instruction(base, hints_left if not placed else 0, message),
            style=STYLE,
        )
        prompt.application.erase_when_done = True
        if placed:
            keys["backspace"] = UNDO
        got = run(prompt, keys=keys, deadline=deadline)
        if got == HINT:
            return HINT
        if got == UNDO:
            placed.pop()
            continue
        placed.append(got)
    placed += [i for i in p.order if i not in placed]
    _print_order([text_of[i] for i in placed])
    return Response(picked=tuple(placed))


def _print_answered(message: str, picks: list[str]) -> None:
    """The answered prompt, in place of questionary's: that one puts the choice on the prompt's line and cuts it
    at the terminal's edge ("? Your answer: ... a whole bloc"), and says "done (2 selections)" for several.
    A pick that fits goes on the prompt's line; otherwise each goes below, wrapped between words."""
    import shutil

    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText

    tokens = [("class:qmark", "? "), ("class:question", message)]
    width = shutil.get_terminal_size().columns
    if len(picks) == 1 and "\n" not in picks[0] and 2 + len(message) + 1 + len(picks[0]) <= width:
        tokens.append(("class:answer", f" {picks[0]}"))
    elif len(picks) == 1:
        tokens.append(("class:answer", f"\n   {_title(picks[0], 3)}"))
    else:
        tokens += [("class:answer", f"\n   • {_title(pick, 5)}") for pick in picks]
    print_formatted_text(FormattedText(tokens), style=STYLE)


def _print_order(items: list[str]) -> None:
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText

    lines = [("class:qmark", "? "), ("class:question", "Your order:")]
    for k, text in enumerate(items, 1):
        lines.append(("class:answer", f"\n  {k}. {_title(text, 5)}"))
    print_formatted_text(FormattedText(lines), style=STYLE)


def ask_rating() -> int:
    from grader.ui.display import rating_label

    message = "How did you do, compared with the model answer?"
    prompt = questionary.select(
        message,
        choices=[questionary.Choice(rating_label(n), value=n) for n in RATINGS],
        default=3,
        instruction=_fit(message, "(be honest: this decides when you see it again)"),
        style=STYLE,
    )
    prompt.application.erase_when_done = True
    got = run(prompt)
    _print_answered(message, [rating_label(got)])
    return got


def pause(message: str = "Press any key for the next question (Ctrl-C stops)") -> None:
    run(questionary.press_any_key_to_continue(message, style=STYLE))
