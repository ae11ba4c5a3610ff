"""Plain mode (DESIGN section 3, contract): plain text out, one answer per line in, nothing else awaited.

Numbered choices; `2`, `1,3`, the items' numbers in order, free text, or 1-4 for a self-rating. A line that is not
an answer is asked again with a short reason; `?` asks for a hint. End of input ends the session (EOFError).
"""

from __future__ import annotations

import os
import select
import sys
import textwrap
import time
from typing import TextIO

from grader import answers
from grader.answers import AnswerError, Response
from grader.models import CHOICE_TYPES, DIFFICULTIES
from grader.quiz import Outcome, Presented, TimeUp
from grader.ui.ansi import clock
from grader.ui.session import HINT, comes_back

INSTRUCTIONS = {
    "single_choice": "Type the number of your answer.",
    "predict_output": "Type the number of what it prints.",
    "multiple_choice": "Type the numbers of all the right choices, like 1,3.",
    "true_false": "Type 1 (True) or 2 (False).",
    "ordering": "Type the item numbers in the right order, like 3,1,2 (items left out follow as shown).",
    "short_answer": "Type your answer.",
    "explain": "Type your explanation on one line (or an empty line); in the review you rate it 1-4.",
}
MARKS = {"right": "[x] right ", "wrong": "[x] wrong ", "missed": "[ ] missed", "": "[ ]       "}


class LineReader:
    """Reads lines from stdin's file descriptor itself, so that an exam's deadline can interrupt the wait
    (select), and no read-ahead buffer hides lines from it. Streams without a descriptor are read directly."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin
        try:
            self.fd: int | None = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            self.fd = None
        self._buf = b""
        self._eof = False

    def readline(self, deadline: float | None = None) -> str:
        """The next line without its newline. Raises EOFError at the end of input, TimeUp past `deadline`."""
        if self.fd is None:
            line = self.stream.readline()
            if not line:
                raise EOFError
            return line.rstrip("\r\n")
        while b"\n" not in self._buf and not self._eof:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    raise TimeUp
            chunk = os.read(self.fd, 65536)
            if chunk:
                self._buf += chunk
            else:
                self._eof = True
        if b"\n" in self._buf:
            raw, _, self._buf = self._buf.partition(b"\n")
        elif self._buf:
            raw, self._buf = self._buf, b""
        else:
            raise EOFError
        return raw.decode("utf-8", "replace").rstrip("\r")


def _indent(text: str, prefix: str) -> str:
    return textwrap.indent(text, prefix, lambda _line: True)


class PlainIO:
    def __init__(self, out: TextIO, reader: LineReader, *, echo: bool | None = None, exam: bool = False) -> None:
        self.out = out
        self.reader = reader
        self.exam = exam  # in an exam, explain answers are written now and rated in the review
        self._revealed = ""
        # When answers come from a pipe, echo them, so the transcript reads like a conversation.
        self.echo = (not reader.stream.isatty()) if echo is None else echo

    def _say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _read(self, deadline: float | None = None) -> str:
        self.out.write("> ")
        self.out.flush()
        line = self.reader.readline(deadline)
        if self.echo:
            self._say(line)
        return line

    def show_intro(self, text: str) -> None:
        self._say(text)

    def show_question(self, p: Presented, index: int, total: int, remaining: float | None) -> None:
        q = p.question
        # No id here: ids name the answer ("executors-kwargs-typeerror"); it is shown after the answer.
        head = f"Question {index + 1} of {total} · {q.topic} · {DIFFICULTIES[q.difficulty]}"
        if remaining is not None:
            head += f" · time left {clock(remaining)}"
        self._say()
        self._say(head)
        self._say("-" * min(len(head), 78))
        self._say(q.prompt)
        if q.code:
            self._say()
            self._say(_indent(q.code, "    "))
        self._say()
        for n, text in enumerate(p.options, 1):
            self._say(f"  {n}. " + text.replace("\n", "\n     "))

    def ask(self, p: Presented, *, hints_left: int, deadline: float | None) -> Response | str:
        q = p.question
        if q.type == "explain" and not self.exam:
            return self._ask_explain(p, hints_left)
        tip = INSTRUCTIONS[q.type] + (f" (? for a hint, {hints_left} left)" if hints_left else "")
        self._say(tip)
        while True:
            line = self._read(deadline)
            free_text = q.type in ("short_answer", "explain")  # there only "?" asks; "h" could be an answer
            if line.strip() == "?" or (not free_text and hints_left and answers.is_hint_request(line)):
                return HINT  # the session shows the hint, or says why there is none, and asks again
            try:
                return answers.parse_plain(q, p.order, line)
            except AnswerError as e:
                self._say(f"Not an answer: {e.reason}. Try again.")

    def show_hint(self, hint: str, n: int, total: int) -> None:
        self._say(f"Hint {n}/{total}: {hint}")

    def show_no_hint(self, message: str) -> None:
        self._say(message)

    def _ask_explain(self, p: Presented, hints_left: int) -> Response | str:
        """One line per question, even here: the answer to an explain question is the self-rating. Plain mode
        cannot hold the model answer back until the learner is ready, so it asks to think first."""
        if self._revealed != p.question.id:
            self._revealed = p.question.id
            self._say("Think your answer through, as you would say it in an interview; then compare.")
            self._show_model_answer(p)
        return self._read_rating(hints_left)

    def _show_model_answer(self, p: Presented) -> None:
        q = p.question
        self._say()
        self._say("Model answer:")
        self._say(_indent(q.answer.strip(), "  "))
        self._say("A good answer mentions:")
        for point in q.rubric:
            self._say(f"  - {point}")

    def _read_rating(self, hints_left: int = 0, *, may_hint: bool = True) -> Response | str:
        self._say("How did you do? 1 Again (could not explain it), 2 Hard (gaps), 3 Good (key points), 4 Easy.")
        while True:
            line = self._read()
            if line.strip() == "?":
                if may_hint:
                    return HINT  # the session shows a hint, or says there is none
                self._say("The model answer is above: compare, then rate yourself 1-4.")
                continue
            try:
                return Response(text="", rating=answers.parse_rating(line))
            except AnswerError as e:
                self._say(f"Not a rating: {e.reason}. Try again.")

    def ask_rating(self, p: Presented, response: Response) -> int:
        self._show_model_answer(p)
        got = self._read_rating(may_hint=False)
        assert isinstance(got, Response)
        return got.rating

    def show_feedback(self, o: Outcome) -> None:
        q, g = o.question, o.graded
        self._say()
        self._say(f"=> {g.headline}" if g else "=> Not answered.")
        if q.type in CHOICE_TYPES:
            marks = answers.choice_marks(q, o.response.picked if o.response else ())
            for n, i in enumerate(o.presented.order, 1):
                c = q.choices[i]
                self._say(f"  {MARKS[marks[i]]} {n}. " + c.text.replace("\n", "\n" + " " * 17))
                if c.feedback:
                    self._say(_indent(textwrap.fill(c.feedback, 72), " " * 17))
        elif not o.correct and q.type != "explain":
            right = answers.correct_answer(q)
            if q.type == "ordering":
                right = "\n" + "\n".join(f"  {n}. {item}" for n, item in enumerate(q.answer, 1))
            self._say(f"Right answer: {right}")
        if q.type == "short_answer" and len(q.answer) > 1:
            self._say("Also accepted: " + ", ".join(q.answer[1:]))
        self._say("Why: " + q.explanation.strip())
        from grader.lessons import read_more

        self._say("Read more: " + " | ".join(read_more(q)))
        if line := comes_back(o):
            self._say(line)
        self._say(f"Question id: {q.id}")

    def next_question(self) -> None:
        pass  # plain mode never waits for anything but answers

    def show_time_up(self, unanswered: int) -> None:
        self._say()
        left = (
            "The question left unanswered counts"
            if unanswered == 1
            else f"The {unanswered} questions left unanswered count"
        )
        self._say(f"Time is up. {left} as wrong.")

    def show_review_item(self, n: int, o: Outcome, *, pending: bool) -> None:
        if n == 1:
            self._say()
            self._say("Exam review")
            self._say("-----------")
        q = o.question
        self._say()
        self._say(f"{n}. {q.id} · {q.topic}")
        self._say(q.prompt)
        if pending:
            self._say(f"Your answer: {o.response.text or '(none written)'}")
        else:
            self.show_feedback(o)
