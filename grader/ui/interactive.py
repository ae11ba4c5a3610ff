"""The interactive quiz (see session.QuizIO): the question as bare ANSI text, questionary for what is asked,
rich for the feedback and the summary. rich is imported only once the first question is on screen."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from grader.answers import Response
from grader.quiz import Outcome, Presented
from grader.ui import ansi, quiz_prompts


class InteractiveIO:
    def __init__(self, stream: TextIO | None = None, *, pause: bool = True) -> None:
        self.stream = stream or sys.stdout
        self.pause = pause  # wait for a key after the feedback, so the explanation is read before it scrolls
        self._con = None

    @property
    def con(self):
        if self._con is None:
            from grader.ui import display

            self._con = display.console(stderr=self.stream is sys.stderr)
        return self._con

    def show_intro(self, text: str) -> None:
        import textwrap

        # Wrapped between words here: the terminal would break the line anywhere ("as you give it" / "; Ctrl-C").
        width = shutil.get_terminal_size().columns
        paint = ansi.Painter(ansi.use_color(self.stream))
        self.stream.write("".join(paint(line, "dim") + "\n" for line in textwrap.wrap(text, width) or [""]))

    def show_question(self, p: Presented, index: int, total: int, remaining: float | None) -> None:
        width = shutil.get_terminal_size().columns
        self.stream.write(
            ansi.question(p, index, total, remaining, width=width, color=ansi.use_color(self.stream))
        )
        self.stream.flush()

    def ask(self, p: Presented, *, hints_left: int, deadline: float | None) -> Response | str:
        return quiz_prompts.ask(p, hints_left=hints_left, deadline=deadline)

    def show_hint(self, hint: str, n: int, total: int) -> None:
        from grader.ui import display

        display.show_hint(self.con, hint, n, total)

    def show_no_hint(self, message: str) -> None:
        from rich.text import Text

        self.con.print(Text(message, style="yellow"))

    def ask_rating(self, p: Presented, response: Response) -> int:
        from grader.ui import display

        display.show_model_answer(self.con, p)
        return quiz_prompts.ask_rating()

    def show_feedback(self, o: Outcome) -> None:
        from grader.ui import display

        self.con.print()
        display.show_feedback(self.con, o)
        from grader.ui.session import comes_back

        if line := comes_back(o):
            from rich.text import Text

            self.con.print(Text(" " + line, style="dim"))

    def next_question(self) -> None:
        if self.pause:
            self.con.print()
            quiz_prompts.pause()

    def show_time_up(self, unanswered: int) -> None:
        from grader.ui import display

        display.show_time_up(self.con, unanswered)

    def show_review_item(self, n: int, o: Outcome, *, pending: bool) -> None:
        from grader.ui import display

        display.show_review_item(self.con, n, o, pending=pending)
