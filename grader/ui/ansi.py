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


def code_lines(code: str, language: str, width: int) -> list[list[tuple[str, str]]]:
    """Highlighted code as lines of (kind, text) pieces, each line at most `width` columns. A longer line is
    broken where it has whitespace, else between tokens, and only a single token wider than the whole width is
    split; the rest of a broken line is indented 4 more, so it reads as a continuation. A terminal that wrapped
    it instead would cut `asyncio.gather` into `asyncio.ga` / `ther`."""
    code = code.rstrip("\n")
    pieces = segments(code) if markdown.is_python(language) else [("", code)]
    lines: list[list[tuple[str, str]]] = [[]]
    for kind, piece in pieces:
        for i, part in enumerate(piece.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append((kind, part))
    out: list[list[tuple[str, str]]] = []
    for line in lines:
        out += _fit(line, max(8, width))
    return out


def _fit(line: list[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    if sum(len(t) for _, t in line) <= width:
        return [line]
    # Words: the whitespace before each, then its tokens (pieces with no whitespace between them).
    words: list[tuple[str, list[tuple[str, str]]]] = []
    ws = ""
    room = width - min(len(line[0][1]) - len(line[0][1].lstrip()) + 4, width // 2) if line else width
    for kind, text in line:
        # A comment or a string is one token: moved whole to the next line, split only if it cannot fit there.
        whole = kind in ("comment", "string") and len(text) <= room
        for atom in [text] if whole else _WORDS.split(text):
            if not atom:
                continue
            if atom.isspace():
                ws += atom
            elif ws or not words:
                words.append((ws, [(kind, atom)]))
                ws = ""
            else:
                words[-1][1].append((kind, atom))
    lead = words[0][0] if words else ""
    cont = " " * min(len(lead) + 4, width // 2)
    rows: list[list[tuple[str, str]]] = [[("", lead)]]
    col = len(lead)
    for n, (space, tokens) in enumerate(words):
        sep = space if n else ""
        size = sum(len(t) for _, t in tokens)
        if n and col + len(sep) + size > width and col > len(cont):
            rows.append([("", cont)])
            col, sep = len(cont), ""
        if sep:
            rows[-1].append(("", sep))
            col += len(sep)
        for kind, text in tokens:
            while col + len(text) > width:
                if col > len(cont):  # break between two tokens
                    rows.append([("", cont)])
                    col = len(cont)
                    continue
                room = width - col  # a token wider than a whole line: split it, the last resort
                rows[-1].append((kind, text[:room]))
                text = text[room:]
                rows.append([("", cont)])
                col = len(cont)
            rows[-1].append((kind, text))
            col += len(text)
    return rows


def _code(code: str, language: str, paint: Painter, indent: str = "  ", width: int = 10_000) -> list[str]:
    return [
        indent + "".join(paint(t, k) for k, t in line) for line in code_lines(code, language, width - len(indent))
    ]


def question(p: Presented, index: int, total: int, remaining: float | None, *, width: int, color: bool) -> str:
    """The header rule, the prompt (Markdown) and the code of a question, ready to write."""
    q = p.question
    paint = Painter(color)
    title = f"Question {index + 1} of {total}"
    meta = f"  ·  {q.topic}  ·  {DIFFICULTIES[q.difficulty]}"
    timer = f"  ·  ⏱ {clock(remaining)} left" if remaining is not None else ""
    if len(title) + len(meta) + len(timer) + 4 <= width:
        rule = "─" * (width - len(title) - len(meta) - len(timer) - 1)
        head = [paint(title, "bold") + paint(meta, "dim") + paint(timer, "clock") + " " + paint(rule, "dim")]
    else:  # a narrow terminal: the topic and the clock on a line of their own, never wrapped by the terminal
        head = [paint(title, "bold"), paint(meta.removeprefix("  ·  "), "dim") + paint(timer, "clock")]
    lines = ["", *head, ""]
    for block in markdown.blocks(q.prompt):
        if block[0] in ("para", "bullet"):
            lines += [" " + "".join(paint(t, s) for s, t in line) for line in wrap(block[1], width - 2)]
        elif block[0] == "code":
            lines += _code(block[1], block[2], paint, width=width)
        else:
            lines.append("")
    if q.code:
        lines += ["", *_code(q.code, "python", paint, width=width)]
    return "\n".join([*lines, ""]) + "\n"
