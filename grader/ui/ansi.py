"""The question itself as bare ANSI text, written straight to the terminal.

rich costs about a fifth of questionary's import time, and nothing rich offers is needed to show a question:
word-wrapped paragraphs, a few styles and highlighted code. So the first question goes out before rich is even
imported (benchmarks/bench_quiz_startup.py); feedback and summaries, which come later, use rich. Colour only
on a terminal, and never with NO_COLOR set or TERM=dumb; only the terminal's own palette.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

from grader.models import DIFFICULTIES
from grader.quiz import Presented
from grader.ui import markdown
from grader.ui.highlight import segments

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
SGR = {
    "code": "1;36",
    "bold": "1",
    "italic": "3",
    "dim": "2",
    "clock": "1;33",
    "keyword": "1;35",
    "constant": "1;35",
    "builtin": "36",
    "definition": "1;34",
    "string": "32",
    "number": "33",
    "comment": "2;3",
    "decorator": "33",
}
_WORDS = re.compile(r"(\s+)")


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def clock(seconds: float) -> str:
    s = max(0, int(seconds + 0.999))
    return f"{s // 60}:{s % 60:02d}"


class Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        code = SGR.get(style)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code and text else text


def wrap(spans: list[markdown.Span], width: int) -> list[list[markdown.Span]]:
    """Greedy word wrap that keeps each piece's style. Pieces not separated by space stay together."""
    lines: list[list[markdown.Span]] = [[]]
    col, space = 0, False
    for style, text in spans:
        for token in _WORDS.split(text):
            if not token:
                continue
            if token.isspace():
                space = col > 0
                continue
            if space and col + 1 + len(token) > width:
                lines.append([])
                col, space = 0, False
            if space:
                lines[-1].append(("", " "))
                col += 1
            lines[-1].append((style, token))
            col += len(token)
            space = False
    return lines


def _code(code: str, language: str, paint: Painter, indent: str = "  ") -> list[str]:
    code = code.rstrip("\n")
    pieces = segments(code) if markdown.is_python(language) else [("", code)]
    out = indent
    for kind, piece in pieces:
        for i, part in enumerate(piece.split("\n")):
            if i:
                out += "\n" + indent
            out += paint(part, kind)
    return out.split("\n")


def question(p: Presented, index: int, total: int, remaining: float | None, *, width: int, color: bool) -> str:
    """The header rule, the prompt (Markdown) and the code of a question, ready to write."""
    q = p.question
    paint = Painter(color)
    title = f"Question {index + 1} of {total}"
    meta = f"  ·  {q.topic}  ·  {DIFFICULTIES[q.difficulty]}"
    timer = f"  ·  ⏱ {clock(remaining)} left" if remaining is not None else ""
    rule = "─" * max(3, width - len(title) - len(meta) - len(timer) - 1)
    lines = ["", paint(title, "bold") + paint(meta, "dim") + paint(timer, "clock") + " " + paint(rule, "dim"), ""]
    for block in markdown.blocks(q.prompt):
        if block[0] in ("para", "bullet"):
            lines += [" " + "".join(paint(t, s) for s, t in line) for line in wrap(block[1], width - 2)]
        elif block[0] == "code":
            lines += _code(block[1], block[2], paint)
        else:
            lines.append("")
    if q.code:
        lines += ["", *_code(q.code, "python", paint)]
    return "\n".join([*lines, ""]) + "\n"
